// Search the catalog in the browser: no server, works from file:// and on any static host.
// The data comes from search-index.js (window.SPACECRAFT_INDEX; format in catalog/search.py).
// The state lives in the URL with the API's parameter names, so a search can be linked and the
// back button works: typing replaces the current history entry (after one push when typing
// starts), choosing a filter or order pushes a new one.
(function () {
  "use strict";

  var PAGE = 100; // results rendered at a time: enough to scroll, small enough for one frame
  var PARAMS = ["search", "status", "spacecraft_config", "agency", "in_space", "is_placeholder", "ordering"];
  var ORDERINGS = ["flights_count", "id", "mission_ends_count", "time_docked", "time_in_space"];

  var form = document.getElementById("search-form");
  var input = document.getElementById("search-input");
  var countEl = document.getElementById("search-count");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var data = window.SPACECRAFT_INDEX;
  if (!form) return;
  if (!data || data.version !== 1) {
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

  // ---- Orderings: one sorted permutation per key, computed on first use ----
  var orders = {};
  function order(ordering) {
    if (orders[ordering]) return orders[ordering];
    var perm = new Array(N);
    for (var k = 0; k < N; k++) perm[k] = k;
    var desc = ordering.charAt(0) === "-", key = desc ? ordering.slice(1) : ordering;
    if (ORDERINGS.indexOf(key) >= 0) {
      var values = col[key];
      // Missing values go last either way; ties keep the catalog's name order.
      perm.sort(function (a, b) {
        var x = values[a], y = values[b];
        if (x === y) return a - b;
        if (x === null) return 1;
        if (y === null) return -1;
        return desc ? y - x : x - y;
      });
    }
    orders[ordering] = perm;
    return perm;
  }

  // ---- State <-> URL ----
  function readState(query) {
    var params = new URLSearchParams(query), state = {};
    PARAMS.forEach(function (name) { state[name] = (params.get(name) || "").trim(); });
    state.search = params.get("search") || "";
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
    var inSpace = bool(state.in_space), placeholder = bool(state.is_placeholder);
    if ((state.status && status < 0) || (state.spacecraft_config && config < 0) || (state.agency && agency < 0)) return [];
    var perm = order(state.ordering || "");
    var cfg = col.configuration, st = col.status, space = col.in_space, ph = col.is_placeholder;
    var nwords = words.length, out = [];
    outer: for (var k = 0; k < N; k++) {
      var i = perm[k];
      if (status >= 0 && st[i] !== status) continue;
      if (config >= 0 && cfg[i] !== config) continue;
      if (agency >= 0 && configAgency[cfg[i]] !== agency) continue;
      if (inSpace >= 0 && space[i] !== inSpace) continue;
      if (placeholder >= 0 && ph[i] !== placeholder) continue;
      for (var w = 0; w < nwords; w++) if (haystack[i].indexOf(words[w]) < 0) continue outer;
      out.push(i);
    }
    return out;
  }

  // ---- Rendering ----
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function initials(name) {
    var words = name.replace(/-/g, " ").split(/\s+/).filter(function (w) { return /^[\p{L}\p{N}]/u.test(w); });
    return words.slice(0, 2).map(function (w) { return w.charAt(0); }).join("").toUpperCase() || "?";
  }

  function item(i) {
    var li = el("li", "result");
    var link = el("a", "result-link");
    link.href = col.url[i];
    var thumb = col.thumbnail[i];
    if (thumb !== null && thumb !== undefined) {
      var img = el("img", "result-thumb");
      img.src = data.thumbnails[thumb];
      img.alt = "";
      img.loading = "lazy";
      img.decoding = "async";
      link.appendChild(img);
    } else {
      var ph = el("span", "result-thumb placeholder", initials(configName[col.configuration[i]]));
      ph.setAttribute("aria-hidden", "true");
      link.appendChild(ph);
    }
    var body = el("span", "result-body");
    body.appendChild(el("span", "result-name", col.name[i]));
    var sub = configName[col.configuration[i]];
    if (col.serial[i] && col.serial[i] !== col.name[i]) sub += " · " + col.serial[i];
    body.appendChild(el("span", "result-sub", sub));
    var facts = el("span", "result-facts");
    facts.appendChild(el("span", "badge status-" + ids.status[col.status[i]], statusName[col.status[i]]));
    if (col.in_space[i]) facts.appendChild(el("span", "badge in-space", "In space"));
    if (col.is_placeholder[i]) facts.appendChild(el("span", "badge", "Placeholder"));
    var flights = col.flights_count[i];
    facts.appendChild(el("span", "fact", flights === null ? "flights unknown" : grouped(flights) + (flights === 1 ? " flight" : " flights")));
    body.appendChild(facts);
    link.appendChild(body);
    li.appendChild(link);
    return li;
  }

  var results = [], shown = 0;

  function renderMore() {
    var end = Math.min(results.length, shown + PAGE), frag = document.createDocumentFragment();
    for (var k = shown; k < end; k++) frag.appendChild(item(results[k]));
    list.appendChild(frag);
    shown = end;
    var left = results.length - shown;
    more.hidden = left === 0;
    more.textContent = "Show " + Math.min(left, PAGE) + " more (" + grouped(left) + " not shown)";
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
  var title = document.title, typing = false;

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
  more.addEventListener("click", renderMore);
  window.addEventListener("popstate", function () {
    typing = false;
    var state = readState(location.search);
    showState(state);
    run(state);
  });

  var initial = readState(location.search);
  showState(initial);
  run(initial);
  window.spacecraftSearch = { run: run, fold: fold, size: N }; // for benchmarks and debugging
})();
