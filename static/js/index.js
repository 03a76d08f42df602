// The search index for search.js and compare.js: one loader, the formats both pages show, and the
// worker search.js searches in. A classic script defining window.SpacecraftIndex, loaded (deferred)
// before them: a module script would not load from file:// in Chromium. The format is in
// catalog/site/search_index.py.
//
// The index comes in parts: the head (window.SPACECRAFT_INDEX: lookup tables, the first rows, the
// total and the paths of the further parts), then each part (window.SPACECRAFT_INDEX_PART) in
// turn, through <script src>, which works from file:// as from a server. Each script gives its JSON
// as text: the search page hands it to its worker unread, and the compare page reads it here and
// takes its rows a slice at a time in tasks of a few ms (take()), so no task blocks the page for
// long at 100,000 spacecraft, and a page can show results while the rest arrives.
(function () {
  "use strict";
  var H = spacecraftHelpers();

  // Run fn in a task of its own, soon: a message to ourselves (no 4 ms clamp, as nested setTimeouts have).
  var soon = (function () {
    if (!window.MessageChannel) return function (fn) { setTimeout(fn, 0); };
    var queue = [], channel = new MessageChannel();
    channel.port1.onmessage = function () { queue.shift()(); };
    return function (fn) { queue.push(fn); channel.port2.postMessage(0); };
  })();
  function now() { return window.performance ? performance.now() : Date.now(); }
  // Rows are handed over SLICE at a time, and a task stops taking them after BUDGET ms and lets the
  // page paint and answer input before the next: at 100,000 spacecraft a part's 1,000 rows took one
  // task of 15-60 ms here, 60-240 ms on a phone (Lighthouse's 4x slower CPU), each blocking the page.
  var SLICE = 100, BUDGET = 4;

  function inject(src, then) {
    var script = document.createElement("script");
    script.src = src;
    // In a task of its own: a script's load event can come in the task that ran it.
    script.onload = function () { setTimeout(function () { then(true); }, 0); };
    script.onerror = function () { then(false); };
    document.head.appendChild(script);
  }

  // The version and part number a script of the index gives, read from its text without parsing it:
  // the JSON is written with sorted keys (search_index.to_json), so a part starts {"part":N, and the
  // head and each part end with "version":N}. An index of an older build gave an object.
  function versionOf(text) {
    if (text && typeof text === "object") return text.version;
    var m = /"version":(\d+)\}\s*$/.exec(text.slice(-40));
    return m ? Number(m[1]) : NaN;
  }
  function partOf(text) {
    var m = /^\{"part":(\d+),/.exec(text);
    return m ? Number(m[1]) : NaN;
  }

  // Load the index named by element's data-index (the head) and data-index-version (the version the
  // build wrote, which the index must have). With on.text, calls on.head(text) and on.part(text) for
  // each part with the JSON unread; else on.head(head) once and on.rows(rows, loaded, total) for the
  // head's rows and then each part's. Then on.done() after the last, or on.fail(reason) when a file
  // is missing or of another version (after which nothing more is called). A page that needs only
  // some rows gives on.enough(), asked after each slice: once it says true, on.done() is called and
  // no further part is loaded.
  function load(element, on) {
    var src = element.getAttribute("data-index"), base = src.slice(0, src.lastIndexOf("/") + 1);
    var version = Number(element.getAttribute("data-index-version"));
    var head, parts, total, loaded = 0;
    if (window.SPACECRAFT_INDEX) { begin(true); return; } // a small catalog's index came with the page
    // Two frames on: the page is painted by then, and the index never delays its first paint.
    requestAnimationFrame(function () { setTimeout(function () { inject(src, begin); }, 0); });

    function begin(ok) {
      var text = window.SPACECRAFT_INDEX;
      if (!ok || !text) return on.fail(src + " could not be loaded");
      if (versionOf(text) !== version) return on.fail(mismatch(src, versionOf(text), version));
      if (on.text) {
        parts = /"parts":\[([^\]]*)\]/.exec(text);
        parts = parts && parts[1] ? JSON.parse("[" + parts[1] + "]") : [];
        window.SPACECRAFT_INDEX = null;
        on.head(text);
        next(0);
        return;
      }
      head = JSON.parse(text);
      parts = head.parts;
      total = head.total;
      on.head(head);
      take(head.spacecraft.rows, function () { next(0); });
    }
    // Hand rows over a slice at a time, in as many tasks as BUDGET asks for; then(): all taken.
    function take(rows, then) {
      var at = 0;
      (function slices() {
        var start = now();
        do { // at least once: the head's rows, even none, start the page's first search
          var slice = rows.slice(at, at + SLICE);
          at += slice.length;
          loaded += slice.length;
          on.rows(slice, loaded, total);
          if (on.enough && on.enough()) { on.done(); return; } // the page has what it needs: no more parts
          if (at < rows.length && now() - start > BUDGET) { soon(slices); return; }
        } while (at < rows.length);
        then();
      })();
    }
    function next(k) {
      if (k === parts.length) { on.done(); return; }
      var path = base + parts[k];
      window.SPACECRAFT_INDEX_PART = null;
      inject(path, function (ok) {
        var text = window.SPACECRAFT_INDEX_PART;
        window.SPACECRAFT_INDEX_PART = null; // let the part go once taken
        if (!ok || !text) return on.fail(path + " could not be loaded");
        if (versionOf(text) !== version) return on.fail(mismatch(path, versionOf(text), version));
        if (partOf(text) !== k + 2) return on.fail(path + " is not part " + (k + 2) + " of the index");
        if (on.text) { on.part(text); next(k + 1); return; }
        take(JSON.parse(text).rows, function () { next(k + 1); });
      });
    }
  }
  function mismatch(path, found, wanted) { // a page and an index from two builds: never read one with the other
    return path + " is version " + found + " of the index and this page reads version " + wanted +
      "; build the site again";
  }

  // A worker running the function engines[last](H, ...the others' results, post): its code is the
  // text of these functions and of spacecraftHelpers(), in a blob, which a page may start from file://
  // as from a server (a worker from a script's URL it may not). answer(message) gets what it posts.
  // Where no worker can be made, or it fails before its first answer, the same code runs in the page;
  // with `here`, it runs in the page and answers at once (a small index, which came with the page).
  function worker(engines, answer, here) {
    var sent = [], answered = false, inPage = null, thread = null;
    if (here) return { post: build(spacecraftHelpers(), answer) };
    function startInPage() {
      var handle = build(spacecraftHelpers(), function (m) { setTimeout(function () { answer(m); }, 0); });
      inPage = function (m) { setTimeout(function () { handle(m); }, 0); };
      sent.forEach(inPage);
      sent = null;
    }
    function build(h, post) {
      var made = [h];
      for (var k = 0; k < engines.length - 1; k++) made.push(engines[k](h));
      return engines[engines.length - 1].apply(null, made.concat([post]));
    }
    try {
      var code = "var build = " + build + ";\nvar engines = [" + engines.join(",\n") + "];\n" + spacecraftHelpers +
        "\nvar handle = build(spacecraftHelpers(), function (m) { postMessage(m); });\n" +
        "onmessage = function (e) { handle(e.data); };\n";
      thread = new Worker(URL.createObjectURL(new Blob([code], { type: "text/javascript" })));
      thread.onmessage = function (e) {
        if (!answered) { answered = true; sent = null; } // nothing more to replay
        answer(e.data);
      };
      thread.onerror = function (e) {
        if (answered || inPage) return;
        if (e && e.preventDefault) e.preventDefault();
        thread.terminate();
        startInPage();
      };
    } catch (e) {
      startInPage();
    }
    return {
      post: function (message) {
        if (inPage) return inPage(message);
        if (sent) sent.push(message); // kept until the worker has answered, to replay in the page if it fails
        thread.postMessage(message);
      }
    };
  }

  var api = { load: load, worker: worker };
  for (var name in H) api[name] = H[name];
  window.SpacecraftIndex = api;
})();

// What every page's scripts and the search worker share: escaping, numbers, durations, figures and
// the folding of text for search. A function of its own, so that its text can go into the worker.
function spacecraftHelpers() {
  "use strict";
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escape(text) { return String(text).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; }); }
  // 12345 -> "12,345"; null (the API gave none) -> "—".
  function grouped(n) { return n === null || n === undefined ? "—" : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  // As catalog/data/models.py's format_seconds (tests hold the two to the same text): "36 d 7 h 42 min".
  function formatSeconds(total) {
    if (total === null || total === undefined) return "—";
    if (total <= 0) return total === 0 ? "0 min" : "−" + formatSeconds(-total);
    var days = Math.floor(total / 86400), rest = total % 86400, hours = Math.floor(rest / 3600);
    var minutes = Math.floor((rest % 3600) / 60), seconds = rest % 60, parts = days ? [days + " d"] : [];
    if (hours) parts.push(hours + " h");
    if (minutes) parts.push(minutes + " min");
    if (seconds && total < 3600) parts.push(seconds + " s");
    return parts.join(" ") || "0 min";
  }
  // One field of a table ({fields, rows}) as an array.
  function column(table, name) {
    var at = table.fields.indexOf(name);
    return table.rows.map(function (row) { return row[at]; });
  }

  // ---- Folding: case-, accent- and punctuation-insensitive, any script ----
  var EXTRA = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i" };
  var EXTRA_RE = /[ßæœøłđðþı]/g;
  var MARKS_RE = /\p{M}+/gu;
  var NON_WORD_RE = /[^\p{L}\p{N}]+/gu;
  var ASCII_RE = /^[\x00-\x7f]*$/, ASCII_NON_WORD_RE = /[^a-z0-9]+/g;
  function fold(text) {
    // Most names are ASCII, where the folding below comes to this (several times quicker).
    if (ASCII_RE.test(text)) return text.toLowerCase().replace(ASCII_NON_WORD_RE, " ").trim();
    return text.normalize("NFKD").toLowerCase().replace(MARKS_RE, "")
      .replace(EXTRA_RE, function (c) { return EXTRA[c]; })
      .replace(NON_WORD_RE, " ").trim();
  }

  // ---- Figures: as catalog/site/figures.py says them (tests hold the two to the same words) ----
  // A figure is a value and its source, the index's figure_sources letter: g given, l counted from
  // the listed flights, c computed, u unknown. Unknown is never 0.
  var FIGURES = ["flights_count", "mission_ends_count", "time_in_space", "time_docked"];
  var KINDS = {
    flights_count: ["flight", "flights", false, "flights not known"],
    mission_ends_count: ["mission end", "mission ends", false, "mission ends not known"],
    time_in_space: ["in space", "in space", true, "time in space not known"],
    time_docked: ["docked", "docked", true, "time docked not known"]
  };
  var MARKS = { g: "", l: " (listed)", c: " (computed)", u: "" };
  function source(sources, key) { return sources ? sources.charAt(FIGURES.indexOf(key)) || "u" : "g"; }
  function figureNumber(key, value) { return KINDS[key][2] ? formatSeconds(value) : grouped(value); }
  // For a table cell: "25 (listed)"; "—" when unknown.
  function figureCell(key, value, sources) {
    return value === null || value === undefined ? "—" : figureNumber(key, value) + MARKS[source(sources, key)];
  }
  // In words: "25 flights (listed)", "flights not known".
  function figureText(key, value, sources) {
    var kind = KINDS[key];
    if (value === null || value === undefined) return kind[3];
    return figureNumber(key, value) + " " + (kind[2] || value !== 1 ? kind[1] : kind[0]) + MARKS[source(sources, key)];
  }
  // A sum over spacecraft (records with a key and figure_sources): "25 (4 of 5 known)"; "—" when none is known.
  function totalCell(key, records) {
    var known = records.filter(function (c) { return c[key] !== null && c[key] !== undefined; });
    if (!known.length) return "—";
    var total = known.reduce(function (t, c) { return t + c[key]; }, 0);
    return figureNumber(key, total) + (known.length === records.length ? "" : " (" + grouped(known.length) + " of " + grouped(records.length) + " known)");
  }

  return { column: column, escape: escape, grouped: grouped, formatSeconds: formatSeconds, fold: fold,
    FIGURES: FIGURES, figureCell: figureCell, figureText: figureText, totalCell: totalCell };
}
