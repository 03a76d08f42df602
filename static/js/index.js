// The search index for search.js and compare.js: one loader, and the formats both pages show.
// A classic script defining window.SpacecraftIndex, loaded (deferred) before them: a module
// script would not load from file:// in Chromium. The format is in catalog/site/search_index.py.
//
// The index comes in parts: the head (window.SPACECRAFT_INDEX: lookup tables, the first rows, the
// total and the paths of the further parts), then each part (window.SPACECRAFT_INDEX_PART) in
// turn, through <script src>, which works from file:// as from a server. Each part is parsed in a
// task of its own and its rows handed over a slice at a time in tasks of a few ms (take()), so no
// task blocks the page for long at 100,000 spacecraft, and a page can show results while the rest
// arrives.
(function () {
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

  // Load the index named by element's data-index (the head) and data-index-version (the version the
  // build wrote, which the index must have). Calls on.head(head) once, on.rows(rows, loaded, total)
  // for the head's rows and then each part's, on.done() after the last, or on.fail(reason) when a
  // file is missing or of another version (after which nothing more is called). A page that needs
  // only some rows gives on.enough(), asked after each slice: once it says true, on.done() is called
  // and no further part is loaded.
  function load(element, on) {
    var src = element.getAttribute("data-index"), base = src.slice(0, src.lastIndexOf("/") + 1);
    var version = Number(element.getAttribute("data-index-version"));
    var head, loaded = 0;
    if (window.SPACECRAFT_INDEX) { begin(true); return; } // a small catalog's index came with the page
    // Two frames on: the page is painted by then, and the index never delays its first paint.
    requestAnimationFrame(function () { setTimeout(function () { inject(src, begin); }, 0); });

    function begin(ok) {
      head = window.SPACECRAFT_INDEX;
      if (!ok || !head) return on.fail(src + " could not be loaded");
      if (head.version !== version) return on.fail(mismatch(src, head.version, version));
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
          on.rows(slice, loaded, head.total);
          if (on.enough && on.enough()) { on.done(); return; } // the page has what it needs: no more parts
          if (at < rows.length && now() - start > BUDGET) { soon(slices); return; }
        } while (at < rows.length);
        then();
      })();
    }
    function next(k) {
      if (k === head.parts.length) { on.done(); return; }
      var path = base + head.parts[k];
      window.SPACECRAFT_INDEX_PART = null;
      inject(path, function (ok) {
        var part = window.SPACECRAFT_INDEX_PART;
        window.SPACECRAFT_INDEX_PART = null; // let the part's rows go once taken
        if (!ok || !part) return on.fail(path + " could not be loaded");
        if (part.version !== version) return on.fail(mismatch(path, part.version, version));
        if (part.part !== k + 2) return on.fail(path + " is not part " + (k + 2) + " of the index");
        take(part.rows, function () { next(k + 1); });
      });
    }
  }
  function mismatch(path, found, wanted) { // a page and an index from two builds: never read one with the other
    return path + " is version " + found + " of the index and this page reads version " + wanted +
      "; build the site again";
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

  window.SpacecraftIndex = { load: load, column: column, escape: escape, grouped: grouped, formatSeconds: formatSeconds,
    FIGURES: FIGURES, figureCell: figureCell, figureText: figureText, totalCell: totalCell };
})();
