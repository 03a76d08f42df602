// compare.html: two to four spacecraft (?ids=1,2, their LL2 ids) or configurations (?configs=6,10)
// side by side, from the search index (catalog/site/search_index.py), which index.js loads in
// parts after the first paint with <script src>, so that it works from file:// as from a server.
// Only the spacecraft compared (or those of the configurations compared) are kept as parts arrive,
// and parts stop loading once every spacecraft asked for is found.
(function () {
  "use strict";
  var root = document.getElementById("compare");
  if (!root || !window.SpacecraftIndex) return;
  var MAX = 4;
  var status = document.getElementById("compare-status"), out = document.getElementById("compare-result");
  var escape = SpacecraftIndex.escape, grouped = SpacecraftIndex.grouped, formatSeconds = SpacecraftIndex.formatSeconds;
  function table(t) {
    return t.rows.map(function (r) { return record(t.fields, r); });
  }
  function record(fields, row) { var o = {}; fields.forEach(function (f, at) { o[f] = row[at]; }); return o; }
  var params = new URLSearchParams(location.search);
  function wanted(name) {
    var out = [];
    params.getAll(name).join(",").split(",").forEach(function (v) {
      var id = Number(v.trim());
      if (v.trim() && out.indexOf(id) < 0) out.push(id);
    });
    return out;
  }
  var kind = params.has("configs") && !params.has("ids") ? "configs" : "ids";
  var ids = wanted(kind);
  function agencyOf(config) { var a = agencies[config.agency]; return a.abbrev ? a.name + " (" + a.abbrev + ")" : a.name; }
  function yes(v) { return v ? "Yes" : "No"; }
  // A figure with its source, as every page says it (catalog/site/figures.py): "25 (listed)", "—".
  function figure(key, c) { return escape(SpacecraftIndex.figureCell(key, c[key], c.figure_sources)); }

  var configs, agencies, statuses, crafts = [], fields, needed;
  if (!ids.length) { show(); return; } // nothing asked for: no index to load
  root.setAttribute("aria-busy", "true");
  SpacecraftIndex.load(root, {
    head: function (head) {
      configs = table(head.configurations);
      agencies = table(head.agencies);
      statuses = table(head.statuses);
      fields = head.spacecraft.fields;
      var at = fields.indexOf(kind === "ids" ? "id" : "configuration");
      var wantedAt = kind === "ids" ? ids : configs.map(function (c, position) {
        return ids.indexOf(c.id) >= 0 ? position : -1;
      }).filter(function (position) { return position >= 0; });
      needed = function (row) { return wantedAt.indexOf(row[at]) >= 0; };
    },
    rows: function (rows, loaded, total) {
      for (var k = 0; k < rows.length; k++) if (needed(rows[k])) crafts.push(record(fields, rows[k]));
      if (loaded < total) status.textContent = "Loading the catalog: " + grouped(loaded) + " of " + grouped(total) + " spacecraft…";
    },
    // Spacecraft by id: once all are found the rest of the index is not loaded (configurations
    // need every part: their spacecraft are in all of them).
    enough: function () { return kind === "ids" && crafts.length >= ids.length; },
    done: show,
    fail: function (reason) {
      root.removeAttribute("aria-busy");
      status.textContent = "The search index could not be loaded: " + reason + ".";
    }
  });

  function show() {
    root.removeAttribute("aria-busy");
    var pool = kind === "ids" ? crafts : configs, found = [], missing = [];
    ids.forEach(function (id) {
      var item = pool.filter(function (c) { return c.id === id; })[0];
      if (item) found.push(item); else missing.push(id);
    });
    var notes = [];
    if (missing.length) notes.push("Not in the catalog: " + missing.join(", ") + ".");
    if (found.length > MAX) { notes.push("Only four can be compared: showing the first four."); found = found.slice(0, MAX); }
    var noun = kind === "ids" ? "spacecraft" : "configurations";
    if (found.length < 2) {
      status.textContent = notes.concat(["Pick two to four " + noun + " to compare."]).join(" ");
      return;
    }
    status.textContent = notes.concat(["Comparing " + found.length + " " + noun + "."]).join(" ");

    var rows;
    var base = root.getAttribute("data-compare"), search = root.getAttribute("data-search");
    if (kind === "ids") {
      rows = [
        ["Configuration", function (c) { return escape(configs[c.configuration].name); }],
        ["Agency", function (c) { return escape(agencyOf(configs[c.configuration])); }],
        ["Type", function (c) { return escape(configs[c.configuration].type || "—"); }],
        ["Status", function (c) { return escape(statuses[c.status].name); }],
        ["Serial number", function (c) { return escape(c.serial || "—"); }],
        ["In space", function (c) { return yes(c.in_space); }],
        ["Placeholder", function (c) { return yes(c.is_placeholder); }],
        ["Flights", function (c) { return figure("flights_count", c); }],
        ["Mission ends", function (c) { return figure("mission_ends_count", c); }],
        ["Time in space", function (c) { return figure("time_in_space", c); }],
        ["Time docked", function (c) { return figure("time_docked", c); }],
        ["LL2 id", function (c) { return String(c.id); }]
      ];
    } else {
      var members = {};
      crafts.forEach(function (c) { (members[c.configuration] = members[c.configuration] || []).push(c); });
      found = found.map(function (config) {
        var at = configs.indexOf(config);
        return { id: config.id, name: config.name, url: config.url, config: config, crafts: members[at] || [] };
      });
      rows = [
        ["Agency", function (g) { return escape(agencyOf(g.config)); }],
        ["Type", function (g) { return escape(g.config.type || "—"); }],
        ["Spacecraft", function (g) { return grouped(g.crafts.length); }],
        ["In space", function (g) { return grouped(g.crafts.filter(function (c) { return c.in_space; }).length); }],
        ["Flights", function (g) { return SpacecraftIndex.totalCell("flights_count", g.crafts); }],
        ["Mission ends", function (g) { return SpacecraftIndex.totalCell("mission_ends_count", g.crafts); }],
        ["Time in space", function (g) { return SpacecraftIndex.totalCell("time_in_space", g.crafts); }],
        ["Time docked", function (g) { return SpacecraftIndex.totalCell("time_docked", g.crafts); }],
        ["LL2 id", function (g) { return String(g.id); }]
      ];
    }
    var html = '<div class="table-scroll" tabindex="0" role="region" aria-label="Comparison"><table class="compare-table">' +
      '<thead><tr><td></td>';
    found.forEach(function (item) {
      var others = found.filter(function (o) { return o !== item; }).map(function (o) { return o.id; });
      html += '<th scope="col">' + (item.url ? '<a href="' + escape(item.url) + '">' + escape(item.name) + "</a>" : escape(item.name)) +
        '<br><a class="compare-remove" href="' + escape(base + "?" + kind + "=" + others.join(",")) + '">Remove<span class="visually-hidden"> ' +
        escape(item.name) + "</span></a></th>";
    });
    html += "</tr></thead><tbody>";
    rows.forEach(function (r) {
      html += '<tr><th scope="row">' + r[0] + "</th>";
      found.forEach(function (item) { html += "<td>" + r[1](item) + "</td>"; });
      html += "</tr>";
    });
    out.innerHTML = html + "</tbody></table></div>" +
      (kind === "ids" ? '<p><a href="' + escape(search + "?compare=" + found.map(function (c) { return c.id; }).join(",")) +
        '">Change the picks on the search page</a></p>' : "");
  }
})();
