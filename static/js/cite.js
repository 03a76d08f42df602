// "Cite this": the BibTeX and CSL-JSON of the page, made here when the block opens, and a copy
// button for each citation that works also from file://.
//
// The page carries the text citation and, on <details class="cite">, the few values the other two
// need (data-key, data-ident, data-name, data-url, data-date, data-site: the site's title): a page stays light, and no fetch is
// needed (file:// refuses one). catalog/site/cite.py is the one source of these formats; it writes
// the same entries into the catalog's citation files (for readers without script), and
// tests/site/test_cite_print.py checks that this script's output equals Python's for hostile names.
//
// navigator.clipboard exists only in a secure context (https, localhost, and in some browsers not
// file://); elsewhere the citation is selected and copied with document.execCommand("copy"),
// and if even that is refused it stays selected for Ctrl+C.
(function () {
  "use strict";

  var AUTHOR = "The Space Devs";
  var SOURCE = "Launch Library 2";
  // cite.py's _BIBTEX, character for character (tests/site/test_cite_print.py runs both on the same names):
  // a brace is a command, never \{ (BibTeX counts braces before LaTeX reads a backslash).
  var BIBTEX = {"\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}", "%": "\\%",
                "&": "\\&", "#": "\\#", "$": "\\$", "_": "\\_", "^": "\\textasciicircum{}", "~": "\\textasciitilde{}"};

  function bibtexText(value) {
    return value.replace(/[\\{}%&#$_^~]/g, function (char) { return BIBTEX[char]; });
  }

  function asOf(date) {
    return date ? "data as of " + date : "data from an undated sample snapshot";
  }

  function bibtex(c) {
    var fields = [["author", "{" + AUTHOR + "}"], ["title", "{" + bibtexText(c.name) + "}"],
                  ["howpublished", SOURCE + ", via " + bibtexText(c.site)], ["note", bibtexText(c.ident + "; " + asOf(c.date))],
                  ["url", c.url]];
    if (c.date) fields.push(["year", c.date.slice(0, 4)], ["urldate", c.date]);
    return "@misc{" + c.key + ",\n" + fields.map(function (f) { return "  " + f[0] + " = {" + f[1] + "}"; })
      .join(",\n") + "\n}";
  }

  function cslJson(c) {
    var csl = {"id": c.key, "type": "dataset", "title": c.name, "author": [{"literal": AUTHOR}], "publisher": AUTHOR,
               "container-title": SOURCE, "note": c.ident + "; " + asOf(c.date) + "; via " + c.site, "URL": c.url};
    if (c.date) csl.issued = {"date-parts": [c.date.split("-").map(Number)]};
    var names = Object.keys(csl).sort(); // ASCII names: the order of Python's sorted()
    return "[{\n" + names.map(function (name) {
      return "  " + JSON.stringify(name) + ": " + JSON.stringify(csl[name]);
    }).join(",\n") + "\n}]";
  }

  function citation(block) {
    var d = block.dataset;
    return {key: d.key, ident: d.ident, name: d.name, url: d.url, date: d.date || "", site: d.site};
  }

  // One format's figure, as the text citation's: a caption with its copy button, and the code.
  function figure(id, what, label, text) {
    var fig = document.createElement("figure");
    fig.className = "cite-format";
    var caption = document.createElement("figcaption");
    caption.textContent = what + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "cite-copy";
    button.setAttribute("data-copy", id);
    button.setAttribute("aria-label", "Copy the " + label);
    button.textContent = "Copy";
    caption.appendChild(button);
    var pre = document.createElement("pre");
    pre.id = id;
    pre.className = "cite-code";
    pre.textContent = text;
    fig.appendChild(caption);
    fig.appendChild(pre);
    return fig;
  }

  function select(pre) {
    var range = document.createRange();
    range.selectNodeContents(pre);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyBySelection(pre) {
    select(pre);
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function copy(pre) {
    var text = pre.textContent;
    if (window.isSecureContext && navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return copyBySelection(pre); }
      );
    }
    return Promise.resolve(copyBySelection(pre));
  }

  function enable(button, status) {
    var pre = document.getElementById(button.getAttribute("data-copy"));
    if (!pre) return;
    var what = button.parentNode.firstChild.textContent.trim(); // the format's name: "Text", "BibTeX"...
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(pre).then(function (done) {
        status.textContent = done ? what + " copied." : "Press Ctrl+C (\u2318C on a Mac) to copy the selected " + what + ".";
      });
    });
  }

  function complete(block, status) {
    var c = citation(block);
    var before = block.querySelector(".cite-more") || status;
    [figure("cite-bibtex", "BibTeX", "BibTeX", bibtex(c)), figure("cite-csl", "CSL-JSON", "CSL-JSON", cslJson(c))]
      .forEach(function (fig) {
        before.parentNode.insertBefore(fig, before);
        enable(fig.querySelector(".cite-copy"), status);
      });
  }

  document.querySelectorAll("details.cite").forEach(function (block) {
    var status = block.querySelector(".cite-status");
    if (!status) return;
    block.querySelectorAll(".cite-copy").forEach(function (button) { enable(button, status); });
    if (!block.dataset.key) return;
    var done = false;
    function open() {
      if (done || !block.open) return;
      done = true;
      complete(block, status);
    }
    block.addEventListener("toggle", open);
    open(); // already open (a reload keeps it so in some browsers)
  });
})();
