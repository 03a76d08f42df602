// The search index for search.js and compare.js: one loader, and the formats both pages show.
// A classic script defining window.SpacecraftIndex, loaded (deferred) before them: a module
// script would not load from file:// in Chromium. The format is in catalog/site/search_index.py.
//
// The index comes in parts: the head (window.SPACECRAFT_INDEX: lookup tables, the first rows, the
// total and the paths of the further parts), then each part (window.SPACECRAFT_INDEX_PART) in
// turn, through <script src>, which works from file:// as from a server. Each part is parsed in a
// task of its own and handed over in another, so no task blocks the page for long at 100,000
// spacecraft, and a page can show results while the rest arrives.
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
  // file is missing or of another version (after which nothing more is called).
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
      take(head.spacecraft.rows);
      next(0);
    }
    function take(rows) {
      loaded += rows.length;
      on.rows(rows, loaded, head.total);
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
        take(part.rows);
        next(k + 1);
      });
    }
  }
  function mismatch(path, found, wanted) { // a page and an index from two builds: never read one with the other
    return path + " is version " + found + " of the index and this page reads version " + wanted +
      "; build the site again";
  }

  window.SpacecraftIndex = { load: load, column: column, escape: escape, grouped: grouped, formatSeconds: formatSeconds };
})();
