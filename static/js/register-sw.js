// Installs the service worker (/sw.js) that keeps the case-logging page usable without a network.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  const url = document.currentScript.dataset.worker;
  // After the page's own requests: on a weak signal the page comes first.
  window.addEventListener("load", () => {
    navigator.serviceWorker.register(url).catch((error) => console.warn("service worker:", error));
  });
})();
