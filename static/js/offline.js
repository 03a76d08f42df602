// Registers the service worker (sw.js at the site root) that keeps visited pages, the search page
// and its index available offline. Only over http(s): under file:// there is nothing to register.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!("serviceWorker" in navigator) || (location.protocol !== "http:" && location.protocol !== "https:")) return;
  navigator.serviceWorker.register(me.getAttribute("data-worker")).catch(function () {
    // A browser that refuses (private mode, no storage): the site works as it does online.
  });
})();
