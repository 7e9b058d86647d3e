// The meeting's place: the village boundary as context; a click fills longitude/latitude (WGS-84),
// typing coordinates moves the marker. Works without a basemap.
(function () {
  "use strict";
  const el = document.getElementById("place-map");
  if (!el) return;
  const lon = document.getElementById("id_lon");
  const lat = document.getElementById("id_lat");
  const map = L.map(el, { attributionControl: false });
  const boundary = JSON.parse(document.getElementById("village-boundary").textContent || "null");
  let marker = null;
  if (boundary) {
    const layer = L.geoJSON(JSON.parse(boundary), { style: { color: "#1f5fa8", weight: 2, fillOpacity: 0.05 } }).addTo(map);
    map.fitBounds(layer.getBounds());
  } else {
    map.setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)], 14);
  }
  function place(latlng, fill) {
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
    if (fill) {
      lon.value = latlng.lng.toFixed(6);
      lat.value = latlng.lat.toFixed(6);
    }
  }
  map.on("click", (event) => place(event.latlng, true));
  function typed() {
    const x = parseFloat(lon.value), y = parseFloat(lat.value);
    if (!Number.isNaN(x) && !Number.isNaN(y)) place(L.latLng(y, x), false);
  }
  lon.addEventListener("change", typed);
  lat.addEventListener("change", typed);
  typed();
})();
