// The case page's small map: the case's point on a plain background (works offline).
(function () {
  "use strict";
  const el = document.getElementById("pin");
  if (!el) return;
  const point = L.latLng(parseFloat(el.dataset.lat), parseFloat(el.dataset.lon));
  const map = L.map(el, { attributionControl: false }).setView(point, 15);
  L.circleMarker(point, { radius: 8, color: "#b3261e", fillOpacity: 0.8 }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
})();
