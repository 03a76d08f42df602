// Search the catalog in the browser: no server, works from file:// and on any static host.
// The data comes from the search index (format in catalog/site/search_index.py), which index.js
// loads in parts after the first paint: the page searches the rows it has as soon as the first
// part is in, and searches again as each further part arrives, saying how many of how many
// spacecraft it searched until the last is in (never a final "No spacecraft match." before then).
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
  var search = null;
  SpacecraftIndex.load(form, {
    head: function (head) { search = start(head); },
    rows: function (rows, loaded, total) { search.add(rows, loaded, total); },
    done: function () { search.done(); },
    fail: function (reason) {
      if (search) search.fail(reason);
      else document.getElementById("search-count").textContent = "The search index could not be loaded: " + reason + ".";
    }
  });

function start(data) {
  "use strict";
  if (window.performance && performance.mark) performance.mark("search-start"); // for benchmarks

  var PAGE = 50; // results rendered at a time: five screens or so, and few enough to build within a frame
  // Facets: filters on one value each, every value shown with the number of matches it would give.
  // crewed is yes, no or unknown (crewed=unknown); station is any of the stations a spacecraft docked at.
  var FACETS = ["status", "spacecraft_config", "agency", "type", "in_space", "is_placeholder", "known_license",
    "crewed", "station"];
  var MULTI = { station: true }; // a facet whose value per spacecraft is a list (each value counts)
  // Ranges in django-filter's spelling, as LL2 spells its own (flights_count__gte=5): counts are
  // integers, durations ISO 8601 ("P30D", "PT12H") or seconds, as Django's DurationField takes them.
  var RANGES = ["flights_count", "mission_ends_count", "time_in_space", "time_docked", "crew_count", "docking_count"];
  var DURATIONS = { time_in_space: true, time_docked: true };
  var BOUNDS = [];
  RANGES.forEach(function (key) { BOUNDS.push(key + "__gte", key + "__lte"); });
  // crew: the spacecraft some of whose crew a name finds (crew=glenn), as the search box finds spacecraft.
  var PARAMS = ["search"].concat(FACETS, ["crew"], BOUNDS, ["ordering", "view", "compare"]);
  var ORDERINGS = ["flights_count", "id", "mission_ends_count", "time_docked", "time_in_space",
    "name", "spacecraft_config__name", "spacecraft_config__agency__name", "status__name"];
  var MAX_COMPARED = 4;

  var form = document.getElementById("search-form");
  var input = document.getElementById("search-input");
  var countEl = document.getElementById("search-count");
  var list = document.getElementById("search-results");
  var tableWrap = document.getElementById("search-table");
  var tbody = document.getElementById("search-rows");
  var more = document.getElementById("search-more");
  var picker = document.getElementById("compare-picker");
  var title = document.title, typing = false;
  var escape = SpacecraftIndex.escape, grouped = SpacecraftIndex.grouped, formatSeconds = SpacecraftIndex.formatSeconds;

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

  // ---- The index, unpacked into columns as its parts arrive ----
  var column = SpacecraftIndex.column;
  var TOTAL = data.total, N = 0, complete = false, failure = ""; // N: the rows in so far
  var fields = data.spacecraft.fields, col = {};
  fields.forEach(function (name) { col[name] = []; });
  col.crewed = []; col.crew_count = []; // read from crew: 1, 0 or null; how many aboard (null: unknown)
  var configs = data.configurations, agencies = data.agencies, statuses = data.statuses;
  var configName = column(configs, "name"), configAgency = column(configs, "agency");
  var statusName = column(statuses, "name");
  var ids = {
    spacecraft_config: column(configs, "id"),
    agency: column(agencies, "id"),
    status: column(statuses, "id")
  };
  var configType = column(configs, "type"), agencyName = column(agencies, "name"), agencyAbbrev = column(agencies, "abbrev");
  var types = [];
  configType.forEach(function (t) { if (t !== null && types.indexOf(t) < 0) types.push(t); });
  var configTypeAt = configType.map(function (t) { return t === null ? -1 : types.indexOf(t); });
  var configFolded = configName.map(fold);
  // The people and stations (search-index.js: astronauts, stations), as results of their own.
  var people = data.astronauts || { fields: ["id", "name", "url"], rows: [] };
  var places = data.stations || { fields: ["id", "name", "url"], rows: [] };
  // A person's name is folded on first use (at 100,000 spacecraft the head names 12,000 people, and
  // folding them all took 10-15 ms of the task that starts the page).
  var personName = column(people, "name"), personUrl = column(people, "url"), personFolds = new Array(personName.length);
  function personFolded(k) { var f = personFolds[k]; return f === undefined ? (personFolds[k] = fold(personName[k])) : f; }
  var stationName = column(places, "name"), stationFolded = stationName.map(fold), stationUrl = column(places, "url");
  ids.station = column(places, "id");
  // One string per spacecraft, fields separated by spaces: a query word is a substring of it.
  var haystack = new Array(TOTAL);
  // And two more, ranked lower: the missions (" | " between them, so that no phrase spans two) and
  // the flights' terms; the description's words. " " for none: most spacecraft have no flights.
  var flightText = new Array(TOTAL), wordText = new Array(TOTAL);
  var STOP = {};
  (data.stopwords || []).forEach(function (word) { STOP[word] = true; });

  // ---- Orderings: one sorted permutation per key, made in idle time after load or on first use ----
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

  // ---- State <-> URL ----
  function readState(query) {
    var params = new URLSearchParams(query), state = {};
    PARAMS.forEach(function (name) { state[name] = (params.get(name) || "").trim(); });
    state.search = params.has("search") ? params.get("search") : params.get("q") || ""; // q: the usual name elsewhere
    state.view = state.view === "table" ? "table" : "";
    ["in_space", "is_placeholder", "known_license", "crewed"].forEach(function (name) { // the API also takes True, 1, False, 0
      var flag = bool(state[name]);
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
        var seconds = duration(value);
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

  // ---- Matching ----
  function bool(value) { return value === "true" || value === "True" || value === "1" ? 1 : value === "false" || value === "False" || value === "0" ? 0 : -1; }
  // A duration in seconds: ISO 8601 days to seconds ("P1DT2H", "PT90M", "P1.5D") or plain seconds; NaN if neither.
  var ISO_RE = /^P(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;
  function duration(text) {
    if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
    var m = ISO_RE.exec(text);
    if (!m || text.length < 2 || /T$/i.test(text)) return NaN;
    var n = function (v) { return v ? Number(v.replace(",", ".")) : 0; };
    return n(m[1]) * 86400 + n(m[2]) * 3600 + n(m[3]) * 60 + n(m[4]);
  }
  function bound(name, text) {
    if (!text) return null;
    var value = DURATIONS[name.split("__")[0]] ? duration(text) : /^-?\d+$/.test(text) ? Number(text) : NaN;
    return value;
  }

  // Each facet's value per spacecraft, as a position in that facet's list of values (-1: none).
  var facetValues = {
    status: ids.status, spacecraft_config: ids.spacecraft_config, agency: ids.agency, type: types,
    in_space: [false, true], is_placeholder: [false, true], known_license: [false, true],
    crewed: [false, true, null], station: ids.station // crewed: no, yes, unknown
  };
  var facetCol = FACETS.map(function () { return new Int32Array(TOTAL); });
  function facetOf(name, i) {
    var cfg = col.configuration[i], v = name === "status" ? col.status[i] : name === "spacecraft_config" ? cfg
      : name === "agency" ? configAgency[cfg] : name === "type" ? configTypeAt[cfg] : col[name][i];
    if (name === "crewed") return v === null || v === undefined ? 2 : v;
    return v === null || v === undefined ? -1 : v;
  }

  // Take in a part's rows: their columns, facet values and folded text. Orderings are sorted again
  // on their next use (after the last part, in idle time).
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
    // live as long as the text does, and at 100,000 spacecraft the collector's pauses, which copy
    // what lives, were the page's longest tasks.
    for (var i = from; i < N; i++) {
      haystack[i] = [" ", fold(col.name[i]), " ", col.serial[i] ? fold(col.serial[i]) : "", " ",
        configFolded[col.configuration[i]], " "].join("");
      var missions = col.missions[i], terms = col.terms[i], described = col.words[i];
      // The crew's names and the stations docked at are searched as the flights' words are.
      // (Loops, not map/concat/join: this runs for every row as the parts load, most rows have none.)
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
  // The position a URL value selects: -1 for no filter, -2 for a value no spacecraft has.
  function wanted(name, value) {
    if (!value) return -1;
    var at = name === "type" ? types.indexOf(value) : name === "crewed" && value === "unknown" ? 2
      : facetValues[name] && facetValues[name][0] === false ? bool(value) : ids[name].indexOf(Number(value));
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
    var words = fold(text).split(" ").filter(Boolean);
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
    var aboard = col.crew[i] || [];
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
  function matches(state) { return evaluate(state).results; }

  // Each option of a facet's list says how many matches it would give: "Active (12)".
  var facetOptions = FACETS.map(function (name) {
    return Array.prototype.map.call(form.elements[name].options, function (option) {
      return { option: option, label: option.textContent, at: wanted(name, option.value) };
    });
  });
  function showCounts(found) {
    facetOptions.forEach(function (options, f) {
      options.forEach(function (o) {
        var n = o.at === -1 ? found.totals[f] : o.at >= 0 ? found.counts[f][o.at] : 0;
        var text = o.label + " (" + grouped(n) + ")";
        if (o.option.textContent !== text) o.option.textContent = text;
      });
    });
  }

  // ---- Rendering ----
  // Rows are built as one HTML string and parsed once: several times faster than createElement
  // per node. Every text from the index goes through escape().
  function initials(name) {
    var words = name.replace(/-/g, " ").split(/\s+/).filter(function (w) { return /^[\p{L}\p{N}]/u.test(w); });
    return words.slice(0, 2).map(function (w) { return w.charAt(0); }).join("").toUpperCase() || "?";
  }
  var configInitials = configName.map(initials);

  function item(i) {
    var cfg = col.configuration[i], thumb = col.thumbnail[i], serial = col.serial[i], flights = col.flights_count[i];
    var sub = configName[cfg] + (serial && serial !== col.name[i] ? " · " + serial : "");
    var mission = missionOf(i, shownQuery), person = mission || !shownQuery.words.length ? -1 : personOf(i, shownQuery);
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
      ' <span class="fact">' + escape(SpacecraftIndex.figureText("flights_count", flights, col.figure_sources[i])) +
      "</span></span></span></a>" + pick(i, true) + "</li>";
  }

  function pick(i, labelled) { // a card's box has a visible label; a table row's is named by aria-label
    var id = col.id[i], on = picked.indexOf(id) >= 0;
    var box = '<input type="checkbox" class="pick" value="' + id + '"' + (labelled ? "" : ' aria-label="Compare ' + escape(col.name[i]) + '"') +
      (on ? " checked" : picked.length >= MAX_COMPARED ? " disabled" : "") + ">";
    return labelled ? '<label class="result-pick">' + box + ' Compare<span class="visually-hidden"> ' + escape(col.name[i]) + "</span></label>" : box;
  }
  function row(i) {
    var cfg = col.configuration[i], agency = configAgency[cfg];
    return '<tr><td class="pick-cell">' + pick(i) + '</td><th scope="row"><a href="' + escape(col.url[i]) + '">' +
      escape(col.name[i]) + "</a></th><td>" + escape(configName[cfg]) + "</td><td>" +
      escape(agencyAbbrev[agency] || agencyName[agency]) + "</td><td>" + escape(statusName[col.status[i]]) +
      "</td>" + SpacecraftIndex.FIGURES.map(function (key) { // each with its source, as pages say it
        return '<td class="num">' + escape(SpacecraftIndex.figureCell(key, col[key][i], col.figure_sources[i])) + "</td>";
      }).join("") + "</tr>";
  }

  // The people and stations whose names have every word of the query (at a word's start), up to
  // OTHERS of them, above the spacecraft: "Glenn" finds John Glenn, and the spacecraft he flew below.
  var OTHERS = 12;
  var othersBox = document.getElementById("search-others"), othersList = document.getElementById("search-others-list");
  function showOthers(query) {
    var html = "", n = 0, k;
    function add(url, name, kind) {
      n++;
      if (n <= OTHERS) html += '<li><a href="' + escape(url) + '">' + escape(name) + '</a> <span class="result-kind">' + kind + "</span></li>";
    }
    if (query.words.length) {
      for (k = 0; k < personName.length; k++) if (named(personFolded(k), query)) add(personUrl[k], personName[k], "astronaut");
      for (k = 0; k < stationFolded.length; k++) if (named(stationFolded[k], query)) add(stationUrl[k], stationName[k], "space station");
    }
    if (othersList.innerHTML !== html) othersList.innerHTML = html;
    othersBox.hidden = n === 0;
    document.getElementById("search-others-more").textContent = n > OTHERS ? "and " + grouped(n - OTHERS) + " more: add a word to narrow them." : "";
  }

  // results: what the last search found; onScreen: the list the results shown were taken from.
  var results = [], onScreen = [], shown = 0, pages = 1, table = false, picked = [], shownQuery = parse("");
  var last = null; // the state searched and what it found: { state, found }

  // Show the results up to `pages` pages of PAGE, after those shown already.
  function render() {
    onScreen = results;
    var end = Math.min(results.length, pages * PAGE), html = "";
    for (var k = shown; k < end; k++) html += table ? row(results[k]) : item(results[k]);
    if (html) (table ? tbody : list).insertAdjacentHTML("beforeend", html);
    shown = Math.max(shown, end);
    var left = results.length - shown;
    more.hidden = left === 0;
    more.textContent = "Show " + Math.min(left, PAGE) + " more (" + grouped(left) + " not shown yet)";
  }
  function renderMore() {
    pages = Math.floor(shown / PAGE) + 1;
    render();
  }
  function clear() {
    shown = 0;
    list.textContent = "";
    tbody.textContent = "";
  }

  function run(state) {
    last = { state: state, found: evaluate(state) };
    sortedAt = paintedAt = performance.now();
    behind = false;
    clearTimeout(paintTimer);
    paintTimer = 0;
    results = last.found.results;
    shownQuery = parse(state.search);
    showOthers(shownQuery);
    pages = 1;
    table = state.view === "table";
    list.hidden = table;
    tableWrap.hidden = !table;
    clear();
    showSorted(ranked(state) ? "relevance" : state.ordering);
    showActive(state);
    render();
    if (complete) showCounts(last.found); // while parts load, the lists show no partial counts
    showCount();
    document.title = (state.search.trim() ? state.search.trim() + " · " : "") + title;
  }

  // After a part came in: search its rows too. In the catalog's order they come after every row
  // searched so far, so only they are searched and what is shown stays; the best match first merges
  // their matches in; another order sorts and searches every row again, so while parts load that is
  // done at most once every RESORT ms (rows come in slices of 100, many a second), and once more at
  // the end (behind: rows came in since). What is shown stays if it still leads the results.
  var RESORT = 1000, sortedAt = -Infinity, behind = false;
  function refresh(from) {
    var state = last.state;
    var inOrder = !ranked(state) && (!state.ordering || state.ordering === "name");
    if (inOrder) last.found = merge(last.found, evaluate(state, from));
    else if (ranked(state)) last.found = mergeRanked(last.found, evaluate(state, from));
    else if (!complete && performance.now() - sortedAt < RESORT) { behind = true; return; }
    else { last.found = evaluate(state); sortedAt = performance.now(); behind = false; }
    results = last.found.results;
    // While parts load, the page is painted again at most every PAINT ms: each new status line or
    // result lays the page out again, and rows come in a slice at a time.
    if (!complete && !failure && performance.now() - paintedAt < PAINT) {
      if (!paintTimer) paintTimer = setTimeout(paint, PAINT);
      return;
    }
    paint();
  }
  var PAINT = 1000, paintedAt = -Infinity, paintTimer = 0;
  // Show what the last search found: the results shown stay if they still lead it.
  function paint() {
    clearTimeout(paintTimer);
    paintTimer = 0;
    paintedAt = performance.now();
    for (var k = 0; k < shown; k++) if (results[k] !== onScreen[k]) { clear(); break; }
    render();
    if (complete) showCounts(last.found); // while parts load, the lists show no partial counts
    showCount();
  }
  // The best match first: the new rows' matches merged into the others by score. A row's score is its
  // own, and ties keep the catalog's order, in which every row searched before comes first: the same
  // list as searching every row again, without searching them again on each part (at 100,000 spacecraft
  // that made each part's task grow with all the rows before it).
  function mergeRanked(found, more) {
    var a = found.results, b = more.results, sa = a.scores, sb = b.scores, out = [], scores = [], i = 0, j = 0;
    if (!b.length) return merge(found, more); // most slices add no match: the list stays as it is
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

  // The line that folds the filters away on a phone: how many filters and ranges are set.
  var activeEl = document.getElementById("search-filters-active");
  function showActive(state) {
    var n = FACETS.filter(function (name) { return state[name]; }).length + (state.crew ? 1 : 0) +
      RANGES.filter(function (key) { return state[key + "__gte"] || state[key + "__lte"]; }).length;
    activeEl.textContent = " (" + (n ? n + " active" : "none active") + ")";
  }

  // The status line: how many match; while parts are loading, how many were searched so far
  // (aria-busy, so a screen reader waits for the last), or why the rest could not be.
  function showCount() {
    var n = results.length, state = last.state, text;
    if (!complete && !failure) {
      text = (n === 0 ? "No match so far" : grouped(n) + " spacecraft " + (n === 1 ? "matches" : "match") + " so far") +
        " (" + grouped(N) + " of " + grouped(TOTAL) + " searched; the rest is loading).";
    } else {
      text = n === 0 ? "No spacecraft match." : grouped(n) + (n === 1 ? " spacecraft matches." : " spacecraft match.");
      if (n === N && !state.search.trim()) text = "All " + grouped(N) + " spacecraft.";
      if (failure) text += " Only " + grouped(N) + " of " + grouped(TOTAL) + " spacecraft were searched: " + failure + ".";
    }
    if (countEl.textContent !== text) countEl.textContent = text;
    if (complete || failure) countEl.removeAttribute("aria-busy"); else countEl.setAttribute("aria-busy", "true");
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
    var first = shown;
    renderMore();
    var at = (table ? tbody : list).children[first], link = at && at.querySelector("a");
    if (link) link.focus(); // keyboard users carry on from the first new result
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
  var compareLink = document.getElementById("compare-link");
  function showPicked(state) {
    picked = (state.compare || "").split(",").map(Number).filter(function (id, at, all) {
      return id > 0 && all.indexOf(id) === at;
    }).slice(0, MAX_COMPARED);
    picker.hidden = picked.length === 0;
    var enough = picked.length >= 2;
    compareLink.textContent = enough ? "Compare " + picked.length + " spacecraft" : "Pick one more to compare";
    if (enough) compareLink.href = form.getAttribute("data-compare") + "?ids=" + picked.join(",");
    else compareLink.removeAttribute("href");
    Array.prototype.forEach.call(document.querySelectorAll("input.pick"), function (box) {
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
    showPicked(state);
    try { history.replaceState(null, "", queryOf(state)); } catch (e) { /* see commit() */ }
  }
  list.addEventListener("change", onPick);
  tbody.addEventListener("change", onPick);
  document.getElementById("compare-clear").addEventListener("click", function () {
    form.elements.compare.value = "";
    var state = formState();
    showPicked(state);
    try { history.replaceState(null, "", queryOf(state)); } catch (e) { /* see commit() */ }
  });

  window.addEventListener("popstate", function () {
    typing = false;
    var state = readState(location.search);
    showState(state);
    run(state);
  });

  // Sort the index by every ordering while the page is idle, so choosing one costs no sort. From
  // 20,000 spacecraft one sort is a long task (tens of ms): an ordering is sorted on first use.
  var WARM_BELOW = 20000;
  function warm() {
    var idle = window.requestIdleCallback || function (callback) { return setTimeout(callback, 50); };
    var unsorted = [];
    ORDERINGS.forEach(function (key) { unsorted.push("-" + key, key); });
    unsorted.splice(unsorted.indexOf("name"), 1);
    idle(function next(deadline) {
      do order(unsorted.shift());
      while (unsorted.length && deadline && deadline.timeRemaining() > 10);
      if (unsorted.length) idle(next);
    });
  }

  return {
    add: function (rows) { // the head's rows, then each part's: the first search, then searches of what came
      var from = add(rows);
      if (last) { refresh(from); return; }
      var initial = readState(location.search);
      showState(initial);
      run(initial);
      if (location.hash === "#search-input") input.focus(); // "/" on a page without a search box (keys.js)
    },
    done: function () {
      complete = true;
      if (behind) refresh(N); else paint();
      if (N < WARM_BELOW) warm();
      window.spacecraftSearch = { run: run, matches: matches, evaluate: evaluate, fold: fold, size: N }; // benchmarks, debugging
      if (window.performance && performance.mark) performance.mark("search-ready");
    },
    fail: function (reason) {
      failure = reason;
      if (behind) { sortedAt = -Infinity; refresh(N); } else paint();
      showCounts(last.found); // the counts of what was searched, which the status line says is not all
      showCount();
    }
  };
}
})();
