// Pick a point for a new case: the user's grids as context, a click fills the longitude/latitude
// fields (WGS-84), and typing coordinates moves the marker.
(function () {
  "use strict";
  const el = document.getElementById("picker");
  const lon = document.getElementById("id_lon");
  const lat = document.getElementById("id_lat");
  const map = L.map(el, { attributionControl: false });
  let marker = null;

  function place(latlng, fill) {
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
    if (fill) {
      lon.value = latlng.lng.toFixed(6);
      lat.value = latlng.lat.toFixed(6);
    }
  }

  fetch(`${el.dataset.areasUrl}?level=grid`, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((data) => {
      const grids = L.geoJSON(data, {
        style: { color: "#2c8a4b", weight: 1, fillOpacity: 0.05 },
        onEachFeature: (f, layer) => layer.bindTooltip(f.properties.name),
      }).addTo(map);
      grids.on("click", (e) => place(e.latlng, true));
      if (grids.getLayers().length) map.fitBounds(grids.getBounds());
      else map.setView([33.8, 118.3], 10);
      if (lon.value && lat.value) place(L.latLng(+lat.value, +lon.value), false);
    });
  map.on("click", (e) => place(e.latlng, true));
  [lon, lat].forEach((input) => input.addEventListener("change", () => {
    if (lon.value && lat.value) place(L.latLng(+lat.value, +lon.value), false);
  }));
})();
