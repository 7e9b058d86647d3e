// The boundary import's map: what the file holds, drawn before anything is written (no basemap
// needed): green passed the checks, red did not.
(function () {
  "use strict";
  const element = document.getElementById("boundary-preview");
  const data = JSON.parse(document.getElementById("boundary-preview-data").textContent);
  const map = L.map(element, { attributionControl: false }).setView([33.8, 118.3], 10);
  const layer = L.geoJSON(data, {
    style: (f) => ({ color: f.properties.ok ? "#2c8a4b" : "#b3261e", weight: 2, fillOpacity: 0.25 }),
    onEachFeature: (f, l) => l.bindTooltip(`${f.properties.name || "（无名称）"}（${f.properties.code || "无代码"}）`),
  }).addTo(map);
  const bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16] });
  element.dataset.loaded = "true";
})();
