// The patrol detail map: the kept track, dropped fixes in grey, check points (green: checked in,
// red: missed) with their radius, the findings (orange), in the patrol's grid. WGS-84 data on a blank background (no basemap needed).
(function () {
  "use strict";
  const element = document.getElementById("patrol-map");
  const map = L.map(element, { attributionControl: false });
  const grid = L.geoJSON(JSON.parse(document.getElementById(element.dataset.grid).textContent), {
    style: { color: "#2c8a4b", weight: 2, fillOpacity: 0.05 }, interactive: false }).addTo(map);
  // A view first: circles compute their bounds through the map's projection, which needs one.
  map.fitBounds(grid.getBounds(), { padding: [16, 16] });
  const text = (v) => { const s = document.createElement("span"); s.textContent = v == null ? "—" : String(v); return s.innerHTML; };

  fetch(element.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((r) => { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
    .then((data) => {
      const layers = L.featureGroup().addTo(map);
      if (data.track) {
        L.geoJSON(data.track, { style: { color: data.colour, weight: 4 }, className: "patrol-track" }).addTo(layers);
      }
      L.geoJSON(data.points, {
        filter: (f) => f.properties.dropped,
        pointToLayer: (f, at) => L.circleMarker(at, { radius: 4, color: "#888", fillOpacity: 0.6, className: "dropped-fix" })
          .bindTooltip(`剔除：${f.properties.reason === "speed" ? "速度异常" : "精度过低"}`),
      }).addTo(layers);
      L.geoJSON(data.check_points, {
        pointToLayer: (f, at) => L.circle(at, {
          radius: f.properties.radius_m, color: f.properties.checked ? "#2c8a4b" : "#b3261e",
          className: f.properties.checked ? "check-point checked" : "check-point",
        }).bindPopup(`${text(f.properties.name)}<br>${f.properties.checked ? "已打卡" : "未打卡"}`),
      }).addTo(layers);
      L.geoJSON(data.findings, {
        pointToLayer: (f, at) => L.circleMarker(at, { radius: 7, color: "#fff", weight: 2, fillColor: "#e08a00",
                                                      fillOpacity: 1, className: "finding-mark" })
          .bindPopup(`${text(f.properties.label)} <a href="${encodeURI(f.properties.url)}">${text(f.properties.number)}</a><br>${text(f.properties.title)}`),
      }).addTo(layers);
      const bounds = layers.getBounds();
      // No animation: the page is ready (data-loaded) when the track is where it will stay.
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 18, animate: false });
      element.dataset.loaded = "true";
    })
    .catch((error) => {
      element.textContent = "轨迹加载失败，请刷新重试。";
      throw error;  // surface it (console, browser tests) instead of hiding it behind the message
    });

  // 结束巡逻 asks first, in a dialog (a test and a screen reader see it; confirm() they do not).
  const finish = document.getElementById("finish-dialog");
  if (finish) {
    document.getElementById("open-finish").addEventListener("click", () => finish.showModal());
    document.getElementById("finish-cancel").addEventListener("click", () => finish.close());
  }
})();
