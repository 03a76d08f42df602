// Search the catalog in the browser: no server, works from file:// and on any static host.
// The data comes from search-index.js (window.SPACECRAFT_INDEX; format in catalog/search.py).
// The state lives in the URL with the API's parameter names, so a search can be linked and the
// back button works: typing replaces the current history entry (after one push when typing
// starts), choosing a filter or order pushes a new one.
(function () {
  "use strict";
  if (window.performance && performance.mark) performance.mark("search-start"); // for benchmarks

  var PAGE = 50; // results rendered at a time: five screens or so, and few enough to build within a frame
  var PARAMS = ["search", "status", "spacecraft_config", "agency", "in_space", "is_placeholder", "known_license", "ordering"];
  var ORDERINGS = ["flights_count", "id", "mission_ends_count", "time_docked", "time_in_space"];

  var form = document.getElementById("search-form");
  var input = document.getElementById("search-input");
  var countEl = document.getElementById("search-count");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var data = window.SPACECRAFT_INDEX;
  var title = document.title, typing = false;
  if (!form) return;
  if (!data || data.version !== 2) {
    countEl.textContent = "The search index could not be loaded.";
    return;
  }

  // ---- Folding: case-, accent- and punctuation-insensitive, any script ----
  var EXTRA = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i" };
  var EXTRA_RE = /[ßæœøłđðþı]/g;
  var MARKS_RE = /\p{M}+/gu;
  var NON_WORD_RE = /[^\p{L}\p{N}]+/gu;

  function fold(text) {
    return text.normalize("NFKD").toLowerCase().replace(MARKS_RE, "")
      .replace(EXTRA_RE, function (c) { return EXTRA[c]; })
      .replace(NON_WORD_RE, " ").trim();
  }

  // ---- The index, unpacked into columns once ----
  function column(table, name) {
    var at = table.fields.indexOf(name);
    return table.rows.map(function (row) { return row[at]; });
  }
  var craft = data.spacecraft;
  var N = craft.rows.length;
  var col = {};
  craft.fields.forEach(function (name) { col[name] = column(craft, name); });
  var configs = data.configurations, agencies = data.agencies, statuses = data.statuses;
  var configName = column(configs, "name"), configAgency = column(configs, "agency");
  var statusName = column(statuses, "name");
  var ids = {
    spacecraft_config: column(configs, "id"),
    agency: column(agencies, "id"),
    status: column(statuses, "id")
  };
  var configFolded = configName.map(fold);
  // One string per spacecraft, fields separated by spaces: a query word is a substring of it.
  var haystack = new Array(N);
  for (var i = 0; i < N; i++) {
    haystack[i] = " " + fold(col.name[i]) + " " + (col.serial[i] ? fold(col.serial[i]) : "") + " " +
      configFolded[col.configuration[i]] + " ";
  }

  // ---- Orderings: one sorted permutation per key, made in idle time after load or on first use ----
  // Each (value, position) pair is packed into one float, value high and position low, so a
  // native numeric sort of a Float64Array does the work: no comparator calls, a few ms for 100,000.
  // Missing values sort last either way; ties keep the catalog's name order (the position).
  var orders = {};
  function order(ordering) {
    if (orders[ordering]) return orders[ordering];
    var desc = ordering.charAt(0) === "-", key = desc ? ordering.slice(1) : ordering;
    var perm;
    if (ORDERINGS.indexOf(key) >= 0) {
      perm = sortedBy(col[key], desc);
    } else { // no ordering, or one the API does not have: the catalog's name order
      perm = new Int32Array(N);
      for (var k = 0; k < N; k++) perm[k] = k;
    }
    orders[ordering] = perm;
    return perm;
  }
  function sortedBy(values, desc) {
    var lo = Infinity, hi = -Infinity, k, v;
    for (k = 0; k < N; k++) {
      v = values[k];
      if (v !== null) { if (v < lo) lo = v; if (v > hi) hi = v; }
    }
    if (lo === Infinity) { lo = 0; hi = 0; }
    var slots = 1;
    while (slots < N) slots *= 2;
    var missing = hi - lo + 1; // one past the largest rank: after every present value
    if ((missing + 1) * slots > 9007199254740991) return sortedSlowly(values, desc); // floats would round
    var packed = new Float64Array(N);
    for (k = 0; k < N; k++) {
      v = values[k];
      var rank = v === null ? missing : desc ? hi - v : v - lo;
      packed[k] = rank * slots + k;
    }
    packed.sort();
    var perm = new Int32Array(N);
    for (k = 0; k < N; k++) perm[k] = packed[k] % slots;
    return perm;
  }
  function sortedSlowly(values, desc) {
    var perm = new Array(N);
    for (var k = 0; k < N; k++) perm[k] = k;
    return perm.sort(function (a, b) {
      var x = values[a], y = values[b];
      if (x === y) return a - b;
      if (x === null) return 1;
      if (y === null) return -1;
      return desc ? y - x : x - y;
    });
  }

  // ---- State <-> URL ----
  function readState(query) {
    var params = new URLSearchParams(query), state = {};
    PARAMS.forEach(function (name) { state[name] = (params.get(name) || "").trim(); });
    state.search = params.get("search") || "";
    ["in_space", "is_placeholder", "known_license"].forEach(function (name) { // the API also takes True, 1, False, 0
      var flag = bool(state[name]);
      if (flag >= 0) state[name] = flag ? "true" : "false";
    });
    return state;
  }
  function queryOf(state) {
    var params = new URLSearchParams();
    PARAMS.forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    var text = params.toString();
    return text ? "?" + text : location.pathname.split("/").pop() || "search.html";
  }
  function formState() {
    var state = {};
    PARAMS.forEach(function (name) { state[name] = form.elements[name].value; });
    return state;
  }
  function showState(state) {
    PARAMS.forEach(function (name) {
      var control = form.elements[name];
      if (control.tagName === "SELECT" && state[name] &&
          !Array.prototype.some.call(control.options, function (o) { return o.value === state[name]; })) {
        control.add(new Option("Unknown (" + state[name] + ")", state[name])); // keep a linked filter visible
      }
      control.value = state[name];
    });
  }

  // ---- Matching ----
  function bool(value) { return value === "true" || value === "True" || value === "1" ? 1 : value === "false" || value === "False" || value === "0" ? 0 : -1; }
  function position(name, value) { return value ? ids[name].indexOf(Number(value)) : -1; }

  function matches(state) {
    var words = fold(state.search).split(" ").filter(Boolean);
    var status = position("status", state.status);
    var config = position("spacecraft_config", state.spacecraft_config);
    var agency = position("agency", state.agency);
    var inSpace = bool(state.in_space), placeholder = bool(state.is_placeholder), known = bool(state.known_license);
    if ((state.status && status < 0) || (state.spacecraft_config && config < 0) || (state.agency && agency < 0)) return [];
    var perm = order(state.ordering || "");
    var cfg = col.configuration, st = col.status, space = col.in_space, ph = col.is_placeholder, lic = col.known_license;
    var nwords = words.length, out = [];
    outer: for (var k = 0; k < N; k++) {
      var i = perm[k];
      if (status >= 0 && st[i] !== status) continue;
      if (config >= 0 && cfg[i] !== config) continue;
      if (agency >= 0 && configAgency[cfg[i]] !== agency) continue;
      if (inSpace >= 0 && space[i] !== inSpace) continue;
      if (placeholder >= 0 && ph[i] !== placeholder) continue;
      if (known >= 0 && lic[i] !== known) continue; // null (no image) matches neither
      for (var w = 0; w < nwords; w++) if (haystack[i].indexOf(words[w]) < 0) continue outer;
      out.push(i);
    }
    return out;
  }

  // ---- Rendering ----
  // Rows are built as one HTML string and parsed once: several times faster than createElement
  // per node. Every text from the index goes through escape().
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escape(text) { return String(text).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; }); }
  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function initials(name) {
    var words = name.replace(/-/g, " ").split(/\s+/).filter(function (w) { return /^[\p{L}\p{N}]/u.test(w); });
    return words.slice(0, 2).map(function (w) { return w.charAt(0); }).join("").toUpperCase() || "?";
  }
  var configInitials = configName.map(initials);

  function item(i) {
    var cfg = col.configuration[i], thumb = col.thumbnail[i], serial = col.serial[i], flights = col.flights_count[i];
    var sub = configName[cfg] + (serial && serial !== col.name[i] ? " · " + serial : "");
    return '<li class="result"><a class="result-link" href="' + escape(col.url[i]) + '">' +
      (thumb === null || thumb === undefined
        ? '<span class="result-thumb placeholder" aria-hidden="true">' + escape(configInitials[cfg]) + "</span>"
        : '<img class="result-thumb" loading="lazy" decoding="async" alt="" src="' + escape(data.thumbnails[thumb]) + '">') +
      '<span class="result-body"><span class="result-name">' + escape(col.name[i]) + "</span>" +
      '<span class="result-sub">' + escape(sub) + "</span>" +
      '<span class="result-facts"><span class="badge status-' + ids.status[col.status[i]] + '">' +
      escape(statusName[col.status[i]]) + "</span>" +
      (col.in_space[i] ? ' <span class="badge in-space">In space</span>' : "") +
      (col.is_placeholder[i] ? ' <span class="badge">Placeholder</span>' : "") +
      ' <span class="fact">' + (flights === null ? "flights unknown" : grouped(flights) + (flights === 1 ? " flight" : " flights")) +
      "</span></span></span></a></li>";
  }

  var results = [], shown = 0;

  function renderMore() {
    var end = Math.min(results.length, shown + PAGE), html = "";
    for (var k = shown; k < end; k++) html += item(results[k]);
    list.insertAdjacentHTML("beforeend", html);
    shown = end;
    var left = results.length - shown;
    more.hidden = left === 0;
    more.textContent = "Show " + Math.min(left, PAGE) + " more (" + grouped(left) + " not shown yet)";
  }

  function run(state) {
    results = matches(state);
    shown = 0;
    list.textContent = "";
    renderMore();
    var n = results.length;
    var text = n === 0 ? "No spacecraft match." : grouped(n) + (n === 1 ? " spacecraft matches." : " spacecraft match.");
    if (n === N && !state.search.trim()) text = "All " + grouped(N) + " spacecraft.";
    if (countEl.textContent !== text) countEl.textContent = text;
    document.title = (state.search.trim() ? state.search.trim() + " · " : "") + title;
  }

  // ---- Events ----
  function commit(push) {
    var state = formState(), url = queryOf(state);
    try {
      if (url !== queryOf(readState(location.search))) {
        if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
      }
    } catch (e) { /* a browser that refuses history on this URL: the search still works */ }
    run(state);
  }

  input.addEventListener("input", function () {
    commit(!typing); // the first keystroke makes a history entry; the rest update it
    typing = true;
  });
  input.addEventListener("change", function () { typing = false; });
  form.addEventListener("change", function (event) {
    if (event.target !== input) { typing = false; commit(true); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    typing = false;
    commit(true);
  });
  form.addEventListener("reset", function () {
    setTimeout(function () { typing = false; commit(true); input.focus(); }, 0); // after the form has cleared
  });
  more.addEventListener("click", function () {
    var first = shown;
    renderMore();
    var link = list.children[first] && list.children[first].firstChild;
    if (link) link.focus(); // keyboard users carry on from the first new result
  });
  window.addEventListener("popstate", function () {
    typing = false;
    var state = readState(location.search);
    showState(state);
    run(state);
  });

  var initial = readState(location.search);
  showState(initial);
  run(initial);

  // Sort the index by every ordering while the page is idle, so choosing one costs no sort.
  var idle = window.requestIdleCallback || function (callback) { return setTimeout(callback, 50); };
  var unsorted = [];
  ORDERINGS.forEach(function (key) { unsorted.push("-" + key, key); });
  idle(function warm(deadline) {
    do order(unsorted.shift());
    while (unsorted.length && deadline && deadline.timeRemaining() > 10);
    if (unsorted.length) idle(warm);
  });
  window.spacecraftSearch = { run: run, matches: matches, fold: fold, size: N }; // for benchmarks and debugging
  if (window.performance && performance.mark) performance.mark("search-ready");
})();
