// Reorder spacecraft cards in the browser: the catalog has no server to sort for it.
(function () {
  "use strict";
  document.querySelectorAll(".sorter").forEach(function (sorter) {
    var select = sorter.querySelector("select");
    var list = document.getElementById(select.getAttribute("aria-controls"));
    if (!list) return;
    var cards = Array.prototype.slice.call(list.children);
    // The page lists cards by name (natural order, made by the build): keep that as the tie-breaker.
    cards.forEach(function (card, i) { card.dataset.position = i; });
    sorter.hidden = false;
    select.addEventListener("change", function () {
      var value = select.value, desc = value.charAt(0) === "-", key = desc ? value.slice(1) : value;
      var sorted = cards.slice().sort(function (a, b) {
        var va = key === "name" ? "" : a.dataset[key], vb = key === "name" ? "" : b.dataset[key];
        // An unknown value (empty) goes last either way round, as on the search page.
        if (va === "" || vb === "") {
          if (va === vb) return a.dataset.position - b.dataset.position;
          return va === "" ? 1 : -1;
        }
        var d = Number(va) - Number(vb);
        if (d === 0) return a.dataset.position - b.dataset.position;
        return desc ? -d : d;
      });
      var frag = document.createDocumentFragment();
      sorted.forEach(function (c) { frag.appendChild(c); });
      list.appendChild(frag);
    });
  });
})();
