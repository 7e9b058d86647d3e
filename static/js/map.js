// The jurisdiction map: town, village and grid outlines with labels, key areas, a layer switcher,
// and a popup for each grid. Works with no basemap at all (intranet, offline).
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("map-config").textContent);
  const notice = document.getElementById("map-notice");
  const basemap = config.basemap;

  function showNotice(text) {
    notice.textContent = text;
    notice.hidden = false;
  }

  // Data is WGS-84; on GCJ-02 tiles every vertex is shifted so that outlines sit on the right streets.
  const toLatLng = basemap.url && basemap.crs === "gcj02"
    ? (c) => { const p = window.gcj02.wgs84ToGcj02(c[0], c[1]); return L.latLng(p[1], p[0]); }
    : (c) => L.latLng(c[1], c[0]);

  const map = L.map("map", { zoomControl: true, attributionControl: Boolean(basemap.attribution) });
  // Page scripts that add to the map (tap to log here, the worker's own position) start from this.
  window.gridcaseMap = { map, toLatLng, config };
  document.dispatchEvent(new CustomEvent("gridcase:map", { detail: window.gridcaseMap }));
  const [west, south, east, north] = config.extent;
  map.fitBounds([toLatLng([west, south]), toLatLng([east, north])], { padding: [12, 12] });

  const baseLayers = {};
  if (basemap.url) {
    const tiles = L.tileLayer(basemap.url, { maxZoom: basemap.maxZoom, attribution: basemap.attribution });
    let warned = false;
    tiles.on("tileerror", () => {
      if (!warned) showNotice("底图无法加载，仅显示辖区矢量图层。");
      warned = true;
    });
    baseLayers["底图"] = tiles.addTo(map);
  }
  baseLayers["空白底图"] = L.layerGroup();
  if (!basemap.url) baseLayers["空白底图"].addTo(map);

  const styles = {
    town: { color: "#7a2e8e", weight: 3, fill: false, interactive: false },
    village: { color: "#1f5fa8", weight: 2, fill: false, interactive: false },
    grid: { color: "#2c8a4b", weight: 1, fillColor: "#2c8a4b", fillOpacity: 0.06, className: "area-grid" },
    key: { color: "#d2462c", weight: 2, dashArray: "4 3", fillColor: "#d2462c", fillOpacity: 0.15, className: "key-area" },
  };
  // Labels that would crowd the map at low zoom appear only from these zoom levels on.
  const labelZoom = { town: 0, village: 12, grid: 14 };

  function text(value) {
    const span = document.createElement("span");
    span.textContent = value == null || value === "" ? "—" : String(value);
    return span.innerHTML;
  }

  function gridPopup(feature) {
    const p = feature.properties;
    return `<dl class="popup">
      <dt>网格</dt><dd>${text(p.name)}</dd>
      <dt>代码</dt><dd>${text(feature.id)}</dd>
      <dt>户数</dt><dd>${text(p.households)}</dd>
      <dt>人口</dt><dd>${text(p.population)}</dd>
      <dt>网格员</dt><dd>${p.workers.length ? p.workers.map(text).join("、") : "未分配"}</dd>
    </dl>`;
  }

  function areaLayer(level) {
    return L.geoJSON(null, {
      coordsToLatLng: toLatLng,
      style: styles[level],
      onEachFeature(feature, layer) {
        layer.bindTooltip(text(feature.properties.name), {  // names are admin-supplied: escaped
          permanent: true, direction: "center", className: `area-label label-${level}`,
        });
        if (level === "grid") layer.bindPopup(gridPopup(feature));
      },
    });
  }

  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }

  async function load(url, layer) {
    const data = await getJSON(url);
    layer.clearLayers();
    layer.addData(data);
    return layer;
  }

  // The view as the server wants it: WGS-84 degrees (a GCJ-02 map is off by ~500 m, so pad).
  function viewBox() {
    const b = map.getBounds();
    const pad = basemap.url && basemap.crs === "gcj02" ? 0.01 : 0;
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    return [clamp(b.getWest() - pad, -180, 180), clamp(b.getSouth() - pad, -90, 90),
      clamp(b.getEast() + pad, -180, 180), clamp(b.getNorth() + pad, -90, 90)].map((v) => v.toFixed(5)).join(",");
  }

  const stateColours = { registered: "#1f5fa8", accepted: "#1f5fa8", mediating: "#c77700", failed: "#b3261e", escalated: "#b3261e" };

  // Open cases in view: each case close in, counts per square (clustered in PostGIS) further out.
  const casesLayer = L.layerGroup();
  async function loadCases() {
    if (!map.hasLayer(casesLayer)) return;
    const data = await getJSON(`${config.casePointsUrl}?bbox=${viewBox()}&zoom=${map.getZoom()}`);
    casesLayer.clearLayers();
    for (const f of data.features) {
      const at = toLatLng(f.geometry.coordinates);
      const p = f.properties;
      if (data.clustered) {
        const size = 24 + Math.min(24, Math.round(Math.log10(p.count + 1) * 10));
        L.marker(at, {
          icon: L.divIcon({ className: "case-cluster", html: `<span>${p.count}</span>`, iconSize: [size, size] }),
          keyboard: false,
        }).on("click", () => map.setView(at, map.getZoom() + 2)).addTo(casesLayer);
      } else {
        L.circleMarker(at, { radius: 7, weight: 2, color: p.overdue ? "#b3261e" : "#fff",
          fillColor: stateColours[p.state] || "#555", fillOpacity: 0.9, className: "case-point" })
          .bindPopup(`<a href="/cases/${p.id}/">${text(p.number)}</a><br>${text(p.title)}`).addTo(casesLayer);
      }
    }
    document.getElementById("map").dataset.cases = String(data.total);
  }

  const overlays = {
    "乡镇/街道": areaLayer("town"),
    "村/社区": areaLayer("village"),
    "网格": areaLayer("grid"),
    "治安重点地区": L.geoJSON(null, {
      coordsToLatLng: toLatLng,
      style: styles.key,
      onEachFeature: (f, layer) => layer.bindPopup(`<strong>${text(f.properties.name)}</strong><br>每周至少巡逻 ${text(f.properties.patrols_per_week)} 次`),
    }),
  };
  overlays["矛盾纠纷"] = casesLayer;
  // Open hazards in view, from the hazards app's GeoJSON points API; outlined red when overdue.
  if (config.hazardPointsUrl) {
    const hazards = L.layerGroup().addTo(map);
    const severityColours = { 1: "#c77700", 2: "#d2462c", 3: "#7a0010" };
    const loadHazards = async () => {
      if (!map.hasLayer(hazards)) return;
      const data = await getJSON(`${config.hazardPointsUrl}?bbox=${viewBox()}`);
      hazards.clearLayers();
      for (const f of data.features) {
        const p = f.properties;
        L.circleMarker(toLatLng(f.geometry.coordinates), { radius: 6, weight: 2, color: p.overdue ? "#b3261e" : "#fff",
          fillColor: severityColours[p.severity] || "#555", fillOpacity: 0.9, className: "hazard-point" })
          .bindPopup(`<a href="${p.url}">${text(p.number)}</a><br>${text(p.title)}`).addTo(hazards);
      }
      document.getElementById("map").dataset.hazards = String(data.total);
    };
    let timer = null;
    map.on("moveend overlayadd", () => { clearTimeout(timer); timer = setTimeout(() => loadHazards().catch(console.error), 150); });
    loadHazards().catch(console.error);
    overlays["隐患"] = hazards;
  }

  // Resident requests (民情诉求, gridcase.requests) with a location and not yet closed; off until chosen.
  const requestsLayer = L.layerGroup();
  overlays["民情诉求"] = requestsLayer;
  const requestColours = { registered: "#6a1b9a", handling: "#c77700", deliberating: "#00796b", mediation: "#b3261e", replied: "#2c8a4b" };
  async function loadRequests() {
    if (!map.hasLayer(requestsLayer)) return;
    const data = await getJSON(`${config.requestPointsUrl || "/requests/points/"}?bbox=${viewBox()}`);
    requestsLayer.clearLayers();
    for (const f of data.features) {
      const p = f.properties;
      L.circleMarker(toLatLng(f.geometry.coordinates), { radius: 6, weight: 2, color: p.overdue ? "#b3261e" : "#fff",
        fillColor: requestColours[p.state] || "#555", fillOpacity: 0.9, className: "request-point" })
        .bindPopup(`<a href="${text(p.url)}">${text(p.number)}</a><br>${text(p.matter)}${p.reporters > 1 ? `<br>${p.reporters} 人次反映` : ""}`)
        .addTo(requestsLayer);
    }
    document.getElementById("map").dataset.requests = String(data.total);
  }
  map.on("moveend overlayadd", () => loadRequests().catch(console.error));
  // Patrol layers (off by default, loaded when switched on): this week's tracks coloured by type,
  // and key areas coloured by whether they had their patrols this week (green met, red not).
  const patrolLayers = {
    "巡逻轨迹（本周）": [config.patrolTracksUrl || "/patrols/api/tracks/", (f) => ({ color: f.properties.colour, weight: 3, opacity: 0.8 }),
      (f) => `<a href="${f.properties.url}">${text(f.properties.type_label)}</a><br>${text(f.properties.grid)} · ${text(f.properties.distance_m)} 米`],
    "重点地区达标（本周）": [config.patrolKeyAreasUrl || "/patrols/api/key-areas/", (f) => ({ color: f.properties.colour, weight: 2, fillColor: f.properties.colour, fillOpacity: 0.3 }),
      (f) => `<strong>${text(f.properties.name)}</strong><br>本周巡逻 ${text(f.properties.patrols)} 次 / 要求 ${text(f.properties.required)} 次`],
  };
  for (const [name, [url, style, popup]] of Object.entries(patrolLayers)) {
    const layer = L.geoJSON(null, { coordsToLatLng: toLatLng, style, onEachFeature: (f, l) => l.bindPopup(popup(f)) });
    layer.on("add", () => load(name.startsWith("巡逻") ? `${url}?zoom=${map.getZoom()}` : url, layer).catch(console.error));
    overlays[name] = layer;
  }
  const levelUrl = (level) => `${config.areasUrl}?level=${level}&zoom=${map.getZoom()}`;
  const loads = [
    load(levelUrl("town"), overlays["乡镇/街道"]),
    load(levelUrl("village"), overlays["村/社区"]),
    load(levelUrl("grid"), overlays["网格"]),
    load(config.keyAreasUrl, overlays["治安重点地区"]),
  ];
  // Drawn bottom-up so that the town outline is not hidden under village and grid lines.
  ["治安重点地区", "网格", "村/社区", "乡镇/街道", "矛盾纠纷"].forEach((name) => overlays[name].addTo(map));
  L.control.layers(baseLayers, overlays, { collapsed: window.innerWidth < 600 }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  function updateLabels() {
    const zoom = map.getZoom();
    for (const [level, minZoom] of Object.entries(labelZoom)) {
      map.getContainer().classList.toggle(`hide-label-${level}`, zoom < minZoom);
    }
  }
  map.on("zoomend", updateLabels);
  updateLabels();

  // Outlines are simplified for the zoom they were loaded at: load them again two levels closer.
  let outlinesZoom = map.getZoom();
  map.on("zoomend", () => {
    if (Math.abs(map.getZoom() - outlinesZoom) < 2) return;
    outlinesZoom = map.getZoom();
    ["town", "village", "grid"].forEach((level, i) =>
      load(levelUrl(level), overlays[["乡镇/街道", "村/社区", "网格"][i]]).catch(console.error));
  });
  let pending = null;
  map.on("moveend overlayadd", () => {
    clearTimeout(pending);
    pending = setTimeout(() => loadCases().catch(console.error), 150);
  });

  Promise.all([...loads, loadCases()])
    .then(() => { document.getElementById("map").dataset.loaded = "true"; })
    .catch((error) => { showNotice("图层加载失败，请刷新重试。"); console.error(error); });
})();
