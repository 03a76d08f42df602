// "/" focuses the page's search box, as on many sites; on a page without one it opens the search
// page with its box focused. Ignored while typing in a field or with a modifier key held.
(function () {
  "use strict";
  var me = document.currentScript;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var at = event.target;
    if (at && (at.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(at.tagName))) return;
    event.preventDefault();
    var box = document.querySelector("input[type=search]");
    if (box) { box.focus(); box.select(); return; }
    location.href = me.getAttribute("data-search") + "#search-input"; // the page's relative link to search.html
  });
})();
