// Search the catalog in the browser: no server, works from file:// and on any static host.
// The data comes from the search index (format in catalog/site/search_index.py), which index.js
// loads in parts after the first paint. The index is read and searched by spacecraftSearchEngine()
// below, in a worker (SpacecraftIndex.worker: made from a blob, which works from file:// too), so
// neither taking in 100,000 spacecraft nor searching them blocks the page: this script keeps the
// form, the URL and the results shown, and the engine answers each search with the HTML of the
// results to show, the counts of the filters' values and the status line's figures.
// The page searches the rows it has as soon as the first part is in, and searches again as each
// further part arrives, saying how many of how many spacecraft it searched until the last is in
// (never a final "No spacecraft match." before then).
// A query matches a spacecraft when each of its words is found in its name, serial number or
// configuration, its missions, its flights' designators and destinations, or its description's
// words (all in the index); with no order chosen, the best matches come first (scoreOf() below).
// The state lives in the URL with the API's parameter names (q is read as search), so a search
// can be linked and the back button works: typing replaces the current history entry (after one
// push when typing starts), choosing a filter or order pushes a new one.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.SpacecraftIndex) return;
  if (window.performance && performance.mark) performance.mark("search-start"); // for benchmarks
  var S = spacecraftSearchTerms(SpacecraftIndex), PAGE = S.PAGE, FACETS = S.FACETS, RANGES = S.RANGES;
  var DURATIONS = S.DURATIONS, BOUNDS = S.BOUNDS, PARAMS = S.PARAMS, MAX_COMPARED = 4;

  var input = document.getElementById("search-input");
  var countEl = document.getElementById("search-count");
  var list = document.getElementById("search-results");
  var tableWrap = document.getElementById("search-table");
  var tbody = document.getElementById("search-rows");
  var more = document.getElementById("search-more");
  var picker = document.getElementById("compare-picker");
  var title = document.title, typing = false;
  var grouped = SpacecraftIndex.grouped;

  // ---- State <-> URL ----
  function readState(query) {
    var params = new URLSearchParams(query), state = {};
    PARAMS.forEach(function (name) { state[name] = (params.get(name) || "").trim(); });
    state.search = params.has("search") ? params.get("search") : params.get("q") || ""; // q: the usual name elsewhere
    state.view = state.view === "table" ? "table" : "";
    ["in_space", "is_placeholder", "known_license", "crewed"].forEach(function (name) { // the API also takes True, 1, False, 0
      var flag = S.bool(state[name]);
      if (flag >= 0) state[name] = flag ? "true" : "false";
    });
    state.crew = params.get("crew") || "";
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
    PARAMS.forEach(function (name) { state[name] = form.elements[name].value.trim(); });
    BOUNDS.forEach(function (name) { // the form asks for days; the URL holds an ISO 8601 duration
      if (DURATIONS[name.split("__")[0]] && state[name]) state[name] = "P" + state[name] + "D";
    });
    state.search = form.elements.search.value;
    state.crew = form.elements.crew.value;
    return state;
  }
  function showState(state) {
    PARAMS.forEach(function (name) {
      var control = form.elements[name], value = state[name];
      if (DURATIONS[name.split("__")[0]] && value) {
        var seconds = S.duration(value);
        if (!isNaN(seconds)) value = String(Math.round(seconds / 864) / 100);
      }
      if (BOUNDS.indexOf(name) >= 0) { control.value = value; return; }
      if (control.tagName === "SELECT" && state[name] &&
          !Array.prototype.some.call(control.options, function (o) { return o.value === state[name]; })) {
        control.add(new Option("Unknown (" + state[name] + ")", state[name])); // keep a linked filter visible
      }
      control.value = state[name];
    });
    showPicked(state);
    if (BOUNDS.some(function (name) { return state[name]; })) document.getElementById("search-ranges").open = true;
  }

  // Each option of a facet's list says how many matches it would give: "Active (12)". The engine
  // counts them for the options' values, listed before a linked value no spacecraft has is added.
  var facetOptions = FACETS.map(function (name) {
    return Array.prototype.map.call(form.elements[name].options, function (option) {
      return { option: option, label: option.textContent, value: option.value };
    });
  });
  function showCounts(counts) {
    facetOptions.forEach(function (options, f) {
      options.forEach(function (o, at) {
        var text = o.label + " (" + grouped(counts[f][at]) + ")";
        if (o.option.textContent !== text) o.option.textContent = text;
      });
    });
  }

  // ---- The engine ----
  // A small catalog's index comes with the page: searched in the page, each answer shown at once (as a
  // search is typed). A large one's loads after the first paint: searched in a worker.
  var engine = SpacecraftIndex.worker([spacecraftSearchTerms, spacecraftSearchEngine], paintSoon, !!window.SPACECRAFT_INDEX);
  engine.post({ options: facetOptions.map(function (options) { return options.map(function (o) { return o.value; }); }) });
  var seq = 0, last = null; // the search asked for last: { state, seq }
  var answer = null; // the engine's last answer to it: see spacecraftSearchEngine's reply()

  // ---- Showing the engine's answers ----
  // An answer to a new search is shown at once; while parts load, the page is painted again at most
  // every PAINT ms (each new status line or result lays the page out again).
  var PAINT = 1000, paintedAt = -Infinity, paintTimer = 0, asked = 0, focusAt = -1;
  var shownHtml = "", shownTable = false, shown = 0;
  function paintSoon(reply) {
    if (reply.seq !== seq) return; // an answer to a search since replaced
    var fresh = reply.seq !== asked;
    answer = reply;
    if (fresh || reply.complete || reply.failure || focusAt >= 0 || performance.now() - paintedAt >= PAINT) paint();
    else if (!paintTimer) paintTimer = setTimeout(paint, PAINT - (performance.now() - paintedAt));
  }
  function paint() {
    clearTimeout(paintTimer);
    paintTimer = 0;
    paintedAt = performance.now();
    var a = answer, box = a.table ? tbody : list;
    asked = a.seq;
    list.hidden = a.table;
    tableWrap.hidden = !a.table;
    // The results shown stay while they lead the answer: new ones are added after them.
    if (a.html !== shownHtml || a.table !== shownTable) {
      if (a.table === shownTable && a.html.indexOf(shownHtml) === 0) box.insertAdjacentHTML("beforeend", a.html.slice(shownHtml.length));
      else {
        list.textContent = "";
        tbody.textContent = "";
        box.insertAdjacentHTML("beforeend", a.html);
      }
      shownHtml = a.html;
      shownTable = a.table;
      showPicked(last.state, box);
    }
    shown = a.shown;
    if (focusAt >= 0 && shown > focusAt) {
      var at = box.children[focusAt], link = at && at.querySelector("a");
      if (link) link.focus(); // keyboard users carry on from the first new result
      focusAt = -1;
    }
    var left = a.count - shown;
    more.hidden = left === 0;
    more.textContent = "Show " + Math.min(left, PAGE) + " more (" + grouped(left) + " not shown yet)";
    showOthers(a.others);
    if (a.counts) showCounts(a.counts); // while parts load, the lists show no partial counts
    showCount(a);
    if (a.complete && !window.spacecraftSearch) {
      window.spacecraftSearch = { size: a.n }; // benchmarks, debugging
      if (window.performance && performance.mark) performance.mark("search-ready");
    }
  }

  // The people and stations whose names have every word of the query, above the spacecraft.
  var othersBox = document.getElementById("search-others"), othersList = document.getElementById("search-others-list");
  var shownOthers = "";
  function showOthers(others) {
    if (others.html !== shownOthers) othersList.innerHTML = shownOthers = others.html;
    othersBox.hidden = others.n === 0;
    document.getElementById("search-others-more").textContent = others.n > others.listed
      ? "and " + grouped(others.n - others.listed) + " more: add a word to narrow them." : "";
  }

  // The status line: how many match; while parts are loading, how many were searched so far
  // (aria-busy, so a screen reader waits for the last), or why the rest could not be.
  function showCount(a) {
    var n = a.count, text;
    if (!a.complete && !a.failure) {
      text = (n === 0 ? "No match so far" : grouped(n) + " spacecraft " + (n === 1 ? "matches" : "match") + " so far") +
        " (" + grouped(a.n) + " of " + grouped(a.total) + " searched; the rest is loading).";
    } else {
      text = n === 0 ? "No spacecraft match." : grouped(n) + (n === 1 ? " spacecraft matches." : " spacecraft match.");
      if (n === a.n && !last.state.search.trim()) text = "All " + grouped(a.n) + " spacecraft.";
      if (a.failure) text += " Only " + grouped(a.n) + " of " + grouped(a.total) + " spacecraft were searched: " + a.failure + ".";
    }
    if (countEl.textContent !== text) countEl.textContent = text;
    if (a.complete || a.failure) countEl.removeAttribute("aria-busy"); else countEl.setAttribute("aria-busy", "true");
  }

  function run(state) {
    last = { state: state, seq: ++seq };
    engine.post({ search: state, seq: seq, pages: 1 });
    showSorted(!state.ordering && S.words(state.search).length ? "relevance" : state.ordering);
    showActive(state);
    document.title = (state.search.trim() ? state.search.trim() + " · " : "") + title;
  }

  // The line that folds the filters away on a phone: how many filters and ranges are set.
  var activeEl = document.getElementById("search-filters-active");
  function showActive(state) {
    var n = FACETS.filter(function (name) { return state[name]; }).length + (state.crew ? 1 : 0) +
      RANGES.filter(function (key) { return state[key + "__gte"] || state[key + "__lte"]; }).length;
    activeEl.textContent = " (" + (n ? n + " active" : "none active") + ")";
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

  var crewInput = form.elements.crew; // a crew member's name searches as one types too
  [input, crewInput].forEach(function (box) {
    box.addEventListener("input", function () {
      commit(!typing); // the first keystroke makes a history entry; the rest update it
      typing = true;
    });
    box.addEventListener("change", function () { typing = false; });
  });
  form.addEventListener("change", function (event) {
    if (event.target !== input && event.target !== crewInput) { typing = false; commit(true); }
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
    focusAt = shown;
    engine.post({ more: Math.floor(shown / PAGE) + 1, seq: seq });
  });
  // The table's headers sort the whole result, through the ordering in the URL: text columns
  // first A to Z, numbers first largest; the sorted column's header says which way (aria-sort).
  var headers = Array.prototype.slice.call(tableWrap.querySelectorAll("th[data-order]"));
  function showSorted(ordering) {
    var key = (ordering || "name").replace(/^-/, ""), desc = (ordering || "").charAt(0) === "-";
    headers.forEach(function (th) {
      if (th.getAttribute("data-order") === key) th.setAttribute("aria-sort", desc ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
  }
  headers.forEach(function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var key = th.getAttribute("data-order"), now = th.getAttribute("aria-sort");
      var desc = now ? now === "ascending" : th.classList.contains("num");
      var ordering = (desc ? "-" : "") + key;
      form.elements.ordering.value = ordering === "name" && !form.elements.search.value.trim() ? "" : ordering;
      typing = false;
      commit(true);
      th.querySelector("button").focus();
    });
  });

  // Picking spacecraft to compare: their ids go into the URL (compare=1,2) and the link to compare.html.
  var compareLink = document.getElementById("compare-link"), picked = [];
  function showPicked(state, within) {
    picked = (state.compare || "").split(",").map(Number).filter(function (id, at, all) {
      return id > 0 && all.indexOf(id) === at;
    }).slice(0, MAX_COMPARED);
    picker.hidden = picked.length === 0;
    var enough = picked.length >= 2;
    compareLink.textContent = enough ? "Compare " + picked.length + " spacecraft" : "Pick one more to compare";
    if (enough) compareLink.href = form.getAttribute("data-compare") + "?ids=" + picked.join(",");
    else compareLink.removeAttribute("href");
    Array.prototype.forEach.call((within || document).querySelectorAll("input.pick"), function (box) {
      box.checked = picked.indexOf(Number(box.value)) >= 0;
      box.disabled = !box.checked && picked.length >= MAX_COMPARED;
    });
  }
  function onPick(event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("pick")) return;
    var id = Number(box.value), now = picked.filter(function (p) { return p !== id; });
    if (box.checked) now.push(id);
    form.elements.compare.value = now.join(",");
    var state = formState();
    last.state.compare = state.compare;
    showPicked(state);
    try { history.replaceState(null, "", queryOf(state)); } catch (e) { /* see commit() */ }
  }
  list.addEventListener("change", onPick);
  tbody.addEventListener("change", onPick);
  document.getElementById("compare-clear").addEventListener("click", function () {
    form.elements.compare.value = "";
    var state = formState();
    last.state.compare = "";
    showPicked(state);
    try { history.replaceState(null, "", queryOf(state)); } catch (e) { /* see commit() */ }
  });

  window.addEventListener("popstate", function () {
    typing = false;
    var state = readState(location.search);
    showState(state);
    run(state);
  });

  // ---- Start: the search in the URL, answered as soon as the index's head is in ----
  var initial = readState(location.search);
  showState(initial);
  run(initial);
  if (location.hash === "#search-input") input.focus(); // "/" on a page without a search box (keys.js)
  var headIn = false;
  SpacecraftIndex.load(form, {
    text: true,
    head: function (text) { headIn = true; engine.post({ head: text }); },
    part: function (text) { engine.post({ part: text }); },
    done: function () { engine.post({ done: true }); },
    fail: function (reason) {
      if (headIn) engine.post({ fail: reason }); // the engine says how much it searched
      else countEl.textContent = "The search index could not be loaded: " + reason + ".";
    }
  });
})();

// What the page and the engine both know: the URL's parameters, the facets, and how a query is read.
function spacecraftSearchTerms(H) {
  "use strict";
  // Facets: filters on one value each, every value shown with the number of matches it would give.
  // crewed is yes, no or unknown (crewed=unknown); station is any of the stations a spacecraft docked at.
  var FACETS = ["status", "spacecraft_config", "agency", "type", "in_space", "is_placeholder", "known_license",
    "crewed", "station"];
  // Ranges in django-filter's spelling, as LL2 spells its own (flights_count__gte=5): counts are
  // integers, durations ISO 8601 ("P30D", "PT12H") or seconds, as Django's DurationField takes them.
  var RANGES = ["flights_count", "mission_ends_count", "time_in_space", "time_docked", "crew_count", "docking_count"];
  var BOUNDS = [];
  RANGES.forEach(function (key) { BOUNDS.push(key + "__gte", key + "__lte"); });
  // A duration in seconds: ISO 8601 days to seconds ("P1DT2H", "PT90M", "P1.5D") or plain seconds; NaN if neither.
  var ISO_RE = /^P(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;
  function duration(text) {
    if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
    var m = ISO_RE.exec(text);
    if (!m || text.length < 2 || /T$/i.test(text)) return NaN;
    var n = function (v) { return v ? Number(v.replace(",", ".")) : 0; };
    return n(m[1]) * 86400 + n(m[2]) * 3600 + n(m[3]) * 60 + n(m[4]);
  }
  return {
    PAGE: 50, // results rendered at a time: five screens or so, and few enough to build within a frame
    FACETS: FACETS,
    MULTI: { station: true }, // a facet whose value per spacecraft is a list (each value counts)
    RANGES: RANGES,
    DURATIONS: { time_in_space: true, time_docked: true },
    BOUNDS: BOUNDS,
    // crew: the spacecraft some of whose crew a name finds (crew=glenn), as the search box finds spacecraft.
    PARAMS: ["search"].concat(FACETS, ["crew"], BOUNDS, ["ordering", "view", "compare"]),
    ORDERINGS: ["flights_count", "id", "mission_ends_count", "time_docked", "time_in_space",
      "name", "spacecraft_config__name", "spacecraft_config__agency__name", "status__name"],
    bool: function (value) {
      return value === "true" || value === "True" || value === "1" ? 1 : value === "false" || value === "False" || value === "0" ? 0 : -1;
    },
    duration: duration,
    words: function (text) { return H.fold(text).split(" ").filter(Boolean); } // a query's words
  };
}

// The engine: takes in the index and answers searches. It runs in a worker, made from this function's
// text (SpacecraftIndex.worker), so it sees nothing of the page: H is index.js's helpers, S the terms
// above, post() sends an answer. Messages, in the order the page sends them:
//   {options: [[value, ...] per facet]}  the values of the facets' options, to count
//   {search: state, seq, pages}           search (again): answered with reply() (the page ignores
//                                         the answers to a search it has replaced)
//   {head: text} {part: text} ... {done}  the index's head and parts as they load ({fail: reason}
//                                         when one could not be), each searched as it comes
//   {more: pages, seq}                    show more results of the current search
function spacecraftSearchEngine(H, S, post) {
  "use strict";
  var PAGE = S.PAGE, FACETS = S.FACETS, MULTI = S.MULTI, RANGES = S.RANGES, DURATIONS = S.DURATIONS;
  var ORDERINGS = S.ORDERINGS, fold = H.fold, escape = H.escape, column = H.column;
  var options = [], current = null, data = null;

  // ---- The index, unpacked into columns as its parts arrive ----
  var TOTAL = 0, N = 0, complete = false, failure = ""; // N: the rows in so far
  var fields, col = {}, configs, agencies, statuses, configName, configAgency, statusName, ids, configType;
  var agencyName, agencyAbbrev, types, configTypeAt, configFolded, configInitials, personName, personUrl;
  var personFolds, stationName, stationFolded, stationUrl, haystack, flightText, wordText, STOP, facetValues, facetCol;
  function begin(head) {
    data = head;
    TOTAL = data.total === undefined ? data.spacecraft.rows.length : data.total;
    fields = data.spacecraft.fields;
    fields.forEach(function (name) { col[name] = []; });
    col.crewed = []; col.crew_count = []; // read from crew: 1, 0 or null; how many aboard (null: unknown)
    configs = data.configurations; agencies = data.agencies; statuses = data.statuses;
    configName = column(configs, "name"); configAgency = column(configs, "agency");
    statusName = column(statuses, "name");
    ids = { spacecraft_config: column(configs, "id"), agency: column(agencies, "id"), status: column(statuses, "id") };
    configType = column(configs, "type"); agencyName = column(agencies, "name"); agencyAbbrev = column(agencies, "abbrev");
    types = [];
    configType.forEach(function (t) { if (t !== null && types.indexOf(t) < 0) types.push(t); });
    configTypeAt = configType.map(function (t) { return t === null ? -1 : types.indexOf(t); });
    configFolded = configName.map(fold);
    configInitials = configName.map(initials);
    // The people and stations (search-index.js: astronauts, stations), as results of their own.
    var people = data.astronauts || { fields: ["id", "name", "url"], rows: [] };
    var places = data.stations || { fields: ["id", "name", "url"], rows: [] };
    personName = column(people, "name"); personUrl = column(people, "url");
    personFolds = new Array(personName.length); // folded on first use: 12,000 names at 100,000 spacecraft
    stationName = column(places, "name"); stationFolded = stationName.map(fold); stationUrl = column(places, "url");
    ids.station = column(places, "id");
    // One string per spacecraft, fields separated by spaces: a query word is a substring of it.
    // And two more, ranked lower: the missions (" | " between them, so that no phrase spans two) and
    // the flights' terms; the description's words. " " for none: most spacecraft have no flights.
    haystack = new Array(TOTAL); flightText = new Array(TOTAL); wordText = new Array(TOTAL);
    STOP = {};
    (data.stopwords || []).forEach(function (word) { STOP[word] = true; });
    // Each facet's value per spacecraft, as a position in that facet's list of values (-1: none).
    facetValues = {
      status: ids.status, spacecraft_config: ids.spacecraft_config, agency: ids.agency, type: types,
      in_space: [false, true], is_placeholder: [false, true], known_license: [false, true],
      crewed: [false, true, null], station: ids.station // crewed: no, yes, unknown
    };
    facetCol = FACETS.map(function () { return new Int32Array(TOTAL); });
  }
  function personFolded(k) { var f = personFolds[k]; return f === undefined ? (personFolds[k] = fold(personName[k])) : f; }
  function facetOf(name, i) {
    var cfg = col.configuration[i], v = name === "status" ? col.status[i] : name === "spacecraft_config" ? cfg
      : name === "agency" ? configAgency[cfg] : name === "type" ? configTypeAt[cfg] : col[name][i];
    if (name === "crewed") return v === null || v === undefined ? 2 : v;
    return v === null || v === undefined ? -1 : v;
  }

  // Take in a part's rows: their columns, facet values and folded text. Orderings are sorted again
  // on their next use.
  var NONE = [], LISTS = { missions: true, crew: true, stations: true }; // an empty list of these is NONE
  function add(rows) {
    var from = N, f;
    fields.forEach(function (name, at) {
      var values = col[name], r, v;
      if (!LISTS[name]) for (r = 0; r < rows.length; r++) values.push(rows[r][at]);
      else for (r = 0; r < rows.length; r++) values.push((v = rows[r][at]) && !v.length ? NONE : v);
    });
    N += rows.length;
    // Each text is made flat in one piece (join): "a" + "b" + ... leaves a tree of strings that all
    // live as long as the text does, which the collector copies.
    for (var i = from; i < N; i++) {
      haystack[i] = [" ", fold(col.name[i]), " ", col.serial[i] ? fold(col.serial[i]) : "", " ",
        configFolded[col.configuration[i]], " "].join("");
      var missions = col.missions[i], terms = col.terms[i], described = col.words[i];
      // The crew's names and the stations docked at are searched as the flights' words are.
      var aboard = col.crew[i] || NONE, visited = col.stations[i] || NONE, crewText = "", k;
      for (k = 0; k < aboard.length; k++) crewText += (k ? " | " : "") + personFolded(aboard[k]);
      for (k = 0; k < visited.length; k++) crewText += (crewText ? " | " : "") + stationFolded[visited[k]];
      col.crewed.push(col.crew[i] === null || col.crew[i] === undefined ? null : aboard.length ? 1 : 0);
      col.crew_count.push(col.crewed[i] === null ? null : aboard.length);
      if (missions.length || terms || crewText) {
        var text = [" "];
        for (k = 0; k < missions.length; k++) text.push(k ? " | " : "", fold(missions[k]));
        text.push(" | ", fold(terms), " | ", crewText, " ");
        flightText[i] = text.join("");
      } else flightText[i] = " ";
      wordText[i] = described ? [" ", fold(described), " "].join("") : " ";
      for (f = 0; f < FACETS.length; f++) if (!MULTI[FACETS[f]]) facetCol[f][i] = facetOf(FACETS[f], i);
    }
    orders = {};
    return from;
  }

  // ---- Orderings: one sorted permutation per key, made after the last part or on first use ----
  // Each (value, position) pair is packed into one float, value high and position low, so a
  // native numeric sort of a Float64Array does the work: no comparator calls, a few ms for 100,000.
  // Missing values sort last either way; ties keep the catalog's name order (the position).
  var orders = {};
  function order(ordering) {
    if (orders[ordering]) return orders[ordering];
    var desc = ordering.charAt(0) === "-", key = desc ? ordering.slice(1) : ordering;
    var perm;
    if (RANGES.indexOf(key) >= 0) { // a figure: placeholders after the real spacecraft, the unknown last
      perm = sortedBy(orderValues(key), desc, col.is_placeholder);
    } else if (ORDERINGS.indexOf(key) >= 0) {
      perm = sortedBy(orderValues(key), desc);
    } else { // no ordering, or one the API does not have: the catalog's name order
      perm = new Int32Array(N);
      for (var k = 0; k < N; k++) perm[k] = k;
    }
    orders[ordering] = perm;
    return perm;
  }
  // What an ordering sorts by: a number column, or the rank of a name (the catalog's rows are in name order).
  function rankOf(names) {
    var sorted = names.map(function (n, at) { return at; });
    sorted.sort(function (a, b) { return names[a].localeCompare(names[b]) || a - b; });
    var rank = new Array(names.length);
    sorted.forEach(function (at, r) { rank[at] = r; });
    return rank;
  }
  function orderValues(key) {
    var values = new Array(N), k;
    if (key === "name") for (k = 0; k < N; k++) values[k] = k;
    else if (key === "spacecraft_config__name") {
      var byConfig = rankOf(configName);
      for (k = 0; k < N; k++) values[k] = byConfig[col.configuration[k]];
    } else if (key === "spacecraft_config__agency__name") {
      var byAgency = rankOf(agencyName);
      for (k = 0; k < N; k++) values[k] = byAgency[configAgency[col.configuration[k]]];
    } else if (key === "status__name") {
      var byStatus = rankOf(statusName);
      for (k = 0; k < N; k++) values[k] = byStatus[col.status[k]];
    } else return col[key];
    return values;
  }
  function sortedBy(values, desc, after) { // after[k] truthy: row k goes after every other present value
    var lo = Infinity, hi = -Infinity, k, v;
    for (k = 0; k < N; k++) {
      v = values[k];
      if (v !== null) { if (v < lo) lo = v; if (v > hi) hi = v; }
    }
    if (lo === Infinity) { lo = 0; hi = 0; }
    var slots = 1;
    while (slots < N) slots *= 2;
    var span = hi - lo + 1, missing = after ? 2 * span : span; // past the largest rank: after every present value
    if ((missing + 1) * slots > 9007199254740991) return sortedSlowly(values, desc, after); // floats would round
    var packed = new Float64Array(N);
    for (k = 0; k < N; k++) {
      v = values[k];
      var rank = v === null ? missing : (after && after[k] ? span : 0) + (desc ? hi - v : v - lo);
      packed[k] = rank * slots + k;
    }
    packed.sort();
    var perm = new Int32Array(N);
    for (k = 0; k < N; k++) perm[k] = packed[k] % slots;
    return perm;
  }
  function sortedSlowly(values, desc, after) {
    var perm = new Array(N);
    for (var k = 0; k < N; k++) perm[k] = k;
    return perm.sort(function (a, b) {
      var x = values[a], y = values[b];
      if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1;
      var late = (after && after[a] ? 1 : 0) - (after && after[b] ? 1 : 0);
      if (late) return late;
      if (x === y) return a - b;
      return desc ? y - x : x - y;
    });
  }

  // ---- Matching ----
  function bound(name, text) {
    if (!text) return null;
    var value = DURATIONS[name.split("__")[0]] ? S.duration(text) : /^-?\d+$/.test(text) ? Number(text) : NaN;
    return value;
  }
  // The position a URL value selects: -1 for no filter, -2 for a value no spacecraft has.
  function wanted(name, value) {
    if (!value) return -1;
    var at = name === "type" ? types.indexOf(value) : name === "crewed" && value === "unknown" ? 2
      : facetValues[name] && facetValues[name][0] === false ? S.bool(value) : ids[name].indexOf(Number(value));
    return at < 0 ? -2 : at;
  }

  // ---- Ranking ----
  // A query word scores by where it is found, best first: a whole word of the name, serial or
  // configuration (8); a whole word of a mission, designator or destination (7); the start of a word
  // of the name (6) or of the flights (5); a whole word of the description (3) or its start (2);
  // inside a word of the name (1: "юз" of "Союз"). A word ending in a digit never starts a longer
  // number: "11" is not the start of "111" (but "059" starts "059a"). All the words as a phrase in the
  // name or in one mission add 20: "apollo 11" is a mission of Columbia (CSM-107), not of CSM-111.
  // A stopword of the index (data.stopwords) found nowhere is passed over, unless every word is one.
  var PHRASE = 20;
  function parse(text) {
    var words = S.words(text);
    var optional = words.some(function (w) { return !STOP[w]; });
    return {
      words: words, phrase: words.length > 1 ? " " + words.join(" ") + " " : "",
      starts: words.map(function (w) { // " 11" not followed by a digit for a number, " w" for a word
        if (!/[0-9]$/.test(w)) return function (text) { return text.indexOf(" " + w) >= 0; };
        var re = new RegExp(" " + w + "(?![0-9])");
        return function (text) { return re.test(text); };
      }),
      optional: words.map(function (w) { return optional && STOP[w] === true; })
    };
  }
  function scoreOf(i, query) {
    var name = haystack[i], flights = flightText[i], described = wordText[i], total = 0;
    for (var w = 0; w < query.words.length; w++) {
      var word = query.words[w], whole = " " + word + " ", starts = query.starts[w], s = 0;
      if (name.indexOf(word) >= 0 || flights.indexOf(word) >= 0 || described.indexOf(word) >= 0) {
        s = name.indexOf(whole) >= 0 ? 8 : flights.indexOf(whole) >= 0 ? 7 : starts(name) ? 6
          : starts(flights) ? 5 : described.indexOf(whole) >= 0 ? 3 : starts(described) ? 2
          : name.indexOf(word) >= 0 ? 1 : 0;
      }
      if (!s && !query.optional[w]) return 0;
      total += s;
    }
    if (query.phrase && (name.indexOf(query.phrase) >= 0 || flights.indexOf(query.phrase) >= 0)) total += PHRASE;
    return total || 1;
  }
  // Whether a search is ranked: it has a query and no order was chosen (then the catalog's order breaks ties).
  function ranked(state) { return !state.ordering && parse(state.search).words.length > 0; }
  // The matches by score, highest first, ties in the order found: packed into floats for a native sort, as in sortedBy().
  function byScore(found, scores) {
    var n = found.length, slots = 1, k;
    while (slots < n) slots *= 2;
    var packed = new Float64Array(n), top = 0;
    for (k = 0; k < n; k++) if (scores[k] > top) top = scores[k];
    for (k = 0; k < n; k++) packed[k] = (top - scores[k]) * slots + k;
    packed.sort();
    var out = new Array(n);
    var sorted = new Array(n);
    for (k = 0; k < n; k++) { out[k] = found[packed[k] % slots]; sorted[k] = scores[packed[k] % slots]; }
    out.scores = sorted; // for merging the matches of a part that comes later (refresh)
    return out;
  }
  // Whether a person's folded name has every word of a query at the start of one of its words.
  function named(folded, query) {
    var text = " " + folded + " ";
    return query.words.every(function (w, at) { return query.optional[at] || text.indexOf(" " + w) >= 0; });
  }
  // The first of spacecraft i's crew whose name has every word of the query (position in the astronauts table), or -1.
  function personOf(i, query) {
    var aboard = col.crew[i] || NONE;
    for (var k = 0; k < aboard.length; k++) if (named(personFolded(aboard[k]), query)) return aboard[k];
    return -1;
  }
  // The first mission of spacecraft i a query names (its phrase, else one of its words), for its result.
  function missionOf(i, query) {
    var missions = col.missions[i], best = null;
    for (var m = 0; m < missions.length && query.words.length; m++) {
      var text = " " + fold(missions[m]) + " ";
      if (query.phrase && text.indexOf(query.phrase) >= 0) return missions[m];
      if (best === null && query.words.some(function (w, at) { return !query.optional[at] && text.indexOf(" " + w + " ") >= 0 && haystack[i].indexOf(" " + w + " ") < 0; })) best = missions[m];
    }
    return best;
  }

  // One pass: the matches in order, and for each facet the matches each of its values would give
  // with every other filter kept (a spacecraft failing only that facet's filter counts for its value).
  // With `since`, only the rows from there on, in the catalog's order (the rows a new part brought).
  function evaluate(state, since) {
    var query = parse(state.search), words = query.words, nwords = words.length;
    var F = FACETS.length, want = FACETS.map(function (name) { return wanted(name, state[name]); });
    var counts = FACETS.map(function (name) { return new Int32Array(facetValues[name].length); });
    var totals = new Int32Array(F), out = [];
    var ranges = [];
    var invalid = false;
    RANGES.forEach(function (key) {
      var lo = bound(key + "__gte", state[key + "__gte"]), hi = bound(key + "__lte", state[key + "__lte"]);
      if ((lo !== null && isNaN(lo)) || (hi !== null && isNaN(hi))) invalid = true;
      if (lo !== null || hi !== null) ranges.push([col[key], lo === null ? -Infinity : lo, hi === null ? Infinity : hi]);
    });
    if (invalid) return { results: out, counts: counts, totals: totals };
    var perm = since === undefined ? order(state.ordering || "") : null, nranges = ranges.length;
    var ranking = ranked(state), scores = [], score = 0;
    var crewQuery = parse(state.crew || ""), ncrew = crewQuery.words.length;
    var multi = FACETS.map(function (name) { return MULTI[name] ? col.stations : null; });
    // Inlined by hand below for the facets of one value (all but station): this loop runs over every row.
    function has(f, i, w) { return multi[f] ? (multi[f][i] || NONE).indexOf(w) >= 0 : facetCol[f][i] === w; }
    function tally(f, i) {
      if (multi[f]) { for (var at = 0, list = multi[f][i] || NONE; at < list.length; at++) counts[f][list[at]]++; }
      else if (facetCol[f][i] >= 0) counts[f][facetCol[f][i]]++;
    }
    outer: for (var k = since || 0; k < N; k++) {
      var i = perm ? perm[k] : k, f, r, v;
      for (r = 0; r < nranges; r++) {
        v = ranges[r][0][i];
        if (v === null || v < ranges[r][1] || v > ranges[r][2]) continue outer; // no value is in no range
      }
      if (ncrew && personOf(i, crewQuery) < 0) continue outer;
      if (nwords && !(score = scoreOf(i, query))) continue outer;
      var fails = 0, failed = -1;
      for (f = 0; f < F; f++) {
        if (want[f] !== -1 && (multi[f] ? !has(f, i, want[f]) : facetCol[f][i] !== want[f])) {
          if (++fails > 1) continue outer;
          failed = f;
        }
      }
      if (fails === 1) {
        totals[failed]++;
        tally(failed, i);
        continue;
      }
      out.push(i);
      if (ranking) scores.push(score);
      for (f = 0; f < F; f++) {
        totals[f]++;
        if (multi[f]) tally(f, i);
        else if ((v = facetCol[f][i]) >= 0) counts[f][v]++;
      }
    }
    return { results: ranking ? byScore(out, scores) : out, counts: counts, totals: totals };
  }

  // After a part came in: search its rows too. In the catalog's order they come after every row
  // searched so far, so only they are searched; the best match first merges their matches in;
  // another order sorts and searches every row again, so while parts load that is done at most once
  // every RESORT ms, and once more at the end (behind: rows came in since).
  var RESORT = 1000, sortedAt = -Infinity, behind = false;
  function refresh(from) {
    var state = current.state;
    var inOrder = !ranked(state) && (!state.ordering || state.ordering === "name");
    if (inOrder) current.found = merge(current.found, evaluate(state, from));
    else if (ranked(state)) current.found = mergeRanked(current.found, evaluate(state, from));
    else if (!complete && !failure && Date.now() - sortedAt < RESORT) { behind = true; return false; }
    else searchAll();
    return true;
  }
  function searchAll() {
    current.found = evaluate(current.state);
    sortedAt = Date.now();
    behind = false;
  }
  // The best match first: the new rows' matches merged into the others by score. A row's score is its
  // own, and ties keep the catalog's order, in which every row searched before comes first: the same
  // list as searching every row again, without searching them again on each part.
  function mergeRanked(found, more) {
    var a = found.results, b = more.results, sa = a.scores, sb = b.scores, out = [], scores = [], i = 0, j = 0;
    if (!b.length) return merge(found, more); // most parts of a narrow search add no match
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && sa[i] >= sb[j])) { out.push(a[i]); scores.push(sa[i++]); }
      else { out.push(b[j]); scores.push(sb[j++]); }
    }
    out.scores = scores;
    more.results = [];
    found = merge(found, more);
    found.results = out;
    return found;
  }
  function merge(found, more) {
    for (var k = 0; k < more.results.length; k++) found.results.push(more.results[k]);
    found.counts.forEach(function (counts, f) {
      found.totals[f] += more.totals[f];
      for (var v = 0; v < counts.length; v++) counts[v] += more.counts[f][v];
    });
    return found;
  }

  // ---- The answer ----
  // Rows are built as one HTML string, which the page inserts at once. Every text from the index goes
  // through escape(). The compare boxes come unticked: the page ticks the ones picked.
  function initials(name) {
    var words = name.replace(/-/g, " ").split(/\s+/).filter(function (w) { return /^[\p{L}\p{N}]/u.test(w); });
    return words.slice(0, 2).map(function (w) { return w.charAt(0); }).join("").toUpperCase() || "?";
  }
  function item(i, query) {
    var cfg = col.configuration[i], thumb = col.thumbnail[i], serial = col.serial[i], flights = col.flights_count[i];
    var sub = configName[cfg] + (serial && serial !== col.name[i] ? " · " + serial : "");
    var mission = missionOf(i, query), person = mission || !query.words.length ? -1 : personOf(i, query);
    return '<li class="result"><a class="result-link" href="' + escape(col.url[i]) + '">' +
      (thumb === null || thumb === undefined
        ? '<span class="result-thumb placeholder" aria-hidden="true">' + escape(configInitials[cfg]) + "</span>"
        : '<img class="result-thumb" loading="lazy" decoding="async" alt="" src="' + escape(data.thumbnails[thumb]) + '">') +
      '<span class="result-body"><span class="result-name">' + escape(col.name[i]) + "</span>" +
      '<span class="result-sub">' + escape(sub) + "</span>" +
      (mission ? '<span class="result-mission">Mission: ' + escape(mission) + "</span>" : "") +
      (person >= 0 ? '<span class="result-mission">Crew: ' + escape(personName[person]) + "</span>" : "") +
      '<span class="result-facts"><span class="badge status-' + ids.status[col.status[i]] + '">' +
      escape(statusName[col.status[i]]) + "</span>" +
      (col.in_space[i] ? ' <span class="badge in-space">In space</span>' : "") +
      (col.is_placeholder[i] ? ' <span class="badge">Placeholder</span>' : "") +
      ' <span class="fact">' + escape(H.figureText("flights_count", flights, col.figure_sources[i])) +
      "</span></span></span></a>" + pick(i, true) + "</li>";
  }
  function pick(i, labelled) { // a card's box has a visible label; a table row's is named by aria-label
    var box = '<input type="checkbox" class="pick" value="' + col.id[i] + '"' +
      (labelled ? "" : ' aria-label="Compare ' + escape(col.name[i]) + '"') + ">";
    return labelled ? '<label class="result-pick">' + box + ' Compare<span class="visually-hidden"> ' + escape(col.name[i]) + "</span></label>" : box;
  }
  function row(i) {
    var cfg = col.configuration[i], agency = configAgency[cfg];
    return '<tr><td class="pick-cell">' + pick(i) + '</td><th scope="row"><a href="' + escape(col.url[i]) + '">' +
      escape(col.name[i]) + "</a></th><td>" + escape(configName[cfg]) + "</td><td>" +
      escape(agencyAbbrev[agency] || agencyName[agency]) + "</td><td>" + escape(statusName[col.status[i]]) +
      "</td>" + H.FIGURES.map(function (key) { // each with its source, as pages say it
        return '<td class="num">' + escape(H.figureCell(key, col[key][i], col.figure_sources[i])) + "</td>";
      }).join("") + "</tr>";
  }
  // The people and stations whose names have every word of the query (at a word's start), up to
  // OTHERS of them: "Glenn" finds John Glenn, and the spacecraft he flew below.
  var OTHERS = 12;
  function others(query) {
    var html = "", n = 0, k;
    function add(url, name, kind) {
      n++;
      if (n <= OTHERS) html += '<li><a href="' + escape(url) + '">' + escape(name) + '</a> <span class="result-kind">' + kind + "</span></li>";
    }
    if (query.words.length) {
      for (k = 0; k < personName.length; k++) if (named(personFolded(k), query)) add(personUrl[k], personName[k], "astronaut");
      for (k = 0; k < stationFolded.length; k++) if (named(stationFolded[k], query)) add(stationUrl[k], stationName[k], "space station");
    }
    return { html: html, n: n, listed: Math.min(n, OTHERS) };
  }

  // What the page shows for the current search: the first pages of results as HTML, how many match,
  // how many rows were searched of how many, and once every part is in (or one failed), the count
  // each filter's option would give.
  function reply() {
    var c = current, found = c.found, state = c.state, table = state.view === "table", query = parse(state.search);
    var results = found.results, end = Math.min(results.length, c.pages * PAGE), html = "";
    for (var k = 0; k < end; k++) html += table ? row(results[k]) : item(results[k], query);
    if (!c.others) c.others = others(query);
    var counts = null;
    if (complete || failure) {
      counts = options.map(function (values, f) {
        return values.map(function (value) {
          var at = wanted(FACETS[f], value);
          return at === -1 ? found.totals[f] : at >= 0 ? found.counts[f][at] : 0;
        });
      });
    }
    post({ seq: c.seq, html: html, shown: end, table: table, count: results.length, n: N, total: TOTAL,
      complete: complete, failure: failure, counts: counts, others: c.others });
  }

  // Sort the index by every ordering once the last part is in, one ordering a task, so choosing one costs no sort.
  function warm() {
    var unsorted = [];
    ORDERINGS.forEach(function (key) { unsorted.push("-" + key, key); });
    unsorted.splice(unsorted.indexOf("name"), 1);
    (function next() {
      if (!unsorted.length || !complete) return;
      order(unsorted.shift());
      setTimeout(next, 0);
    })();
  }

  return function (message) {
    if (message.options) options = message.options;
    else if (message.search) {
      current = { state: message.search, seq: message.seq, pages: message.pages };
      if (!data) return; // answered once the head is in
      searchAll();
      reply();
    } else if (message.more) {
      if (!current || message.seq !== current.seq || !data) return;
      current.pages = message.more;
      reply();
    } else if (message.head) {
      var head = JSON.parse(message.head);
      begin(head);
      add(head.spacecraft.rows);
      if (!head.parts || !head.parts.length) complete = true; // a small catalog's index is all in its head
      if (current) { searchAll(); reply(); }
      if (complete) warm();
    } else if (message.part) {
      var from = add(JSON.parse(message.part).rows);
      if (current && refresh(from)) reply();
    } else if (message.done || message.fail) {
      if (!data) return;
      if (message.done) complete = true;
      else failure = message.fail;
      if (current) { if (behind) searchAll(); reply(); }
      if (complete) warm();
    }
  };
}
