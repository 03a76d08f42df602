// "Cite this": copy a citation with one click, also from file://.
// navigator.clipboard exists only in a secure context (https, localhost, and in some browsers not
// file://); elsewhere the citation is selected and copied with document.execCommand("copy"),
// and if even that is refused it stays selected for Ctrl+C.
(function () {
  "use strict";

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

  document.querySelectorAll(".cite-copy").forEach(function (button) {
    var pre = document.getElementById(button.getAttribute("data-copy"));
    var block = button.closest(".cite");
    var status = block && block.querySelector(".cite-status");
    if (!pre || !status) return;
    var what = button.parentNode.firstChild.textContent.trim(); // the format's name: "Text", "BibTeX"...
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(pre).then(function (done) {
        status.textContent = done ? what + " copied." : "Press Ctrl+C (\u2318C on a Mac) to copy the selected " + what + ".";
      });
    });
  });
})();
