// Reorder spacecraft cards in the browser: the catalog has no server to sort for it.
(function () {
  "use strict";
  document.querySelectorAll(".sorter").forEach(function (sorter) {
    var select = sorter.querySelector("select");
    var list = document.getElementById(select.getAttribute("aria-controls"));
    if (!list) return;
    var cards = Array.prototype.slice.call(list.children);
    sorter.hidden = false;
    select.addEventListener("change", function () {
      var value = select.value, desc = value.charAt(0) === "-", key = desc ? value.slice(1) : value;
      var sorted = cards.slice().sort(function (a, b) {
        if (key === "name") return a.dataset.name.localeCompare(b.dataset.name);
        var d = Number(a.dataset[key]) - Number(b.dataset[key]);
        if (d === 0) return a.dataset.name.localeCompare(b.dataset.name);
        return desc ? -d : d;
      });
      var frag = document.createDocumentFragment();
      sorted.forEach(function (c) { frag.appendChild(c); });
      list.appendChild(frag);
    });
  });
})();
