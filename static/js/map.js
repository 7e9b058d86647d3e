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
  const shifted = basemap.layers.length > 0 && basemap.crs === "gcj02";
  const toLatLng = shifted
    ? (c) => { const p = window.gcj02.wgs84ToGcj02(c[0], c[1]); return L.latLng(p[1], p[0]); }
    : (c) => L.latLng(c[1], c[0]);

  const map = L.map("map", { zoomControl: true, attributionControl: Boolean(basemap.attribution) });
  // Page scripts that add to the map (tap to log here, the worker's own position) start from this.
  window.gridcaseMap = { map, toLatLng, config };
  document.dispatchEvent(new CustomEvent("gridcase:map", { detail: window.gridcaseMap }));
  const [west, south, east, north] = config.extent;
  map.fitBounds([toLatLng([west, south]), toLatLng([east, north])], { padding: [12, 12] });

  // The basemap preset (geodata/basemap.py): its tile layers, the first with the attribution. The
  // offline file says which zooms it holds and the box it covers, so that no tile outside is asked.
  const baseLayers = {};
  if (basemap.error) showNotice(basemap.error);
  if (basemap.layers.length) {
    const tiles = L.layerGroup();
    let loaded = 0, failed = 0;
    basemap.layers.forEach((layer, i) => {
      const options = { maxZoom: basemap.maxZoom, subdomains: layer.subdomains || "abc", className: "basemap-tiles" };
      if (i === 0 && basemap.attribution) options.attribution = basemap.attribution;
      if (layer.minNativeZoom != null) Object.assign(options, { minNativeZoom: layer.minNativeZoom, maxNativeZoom: layer.maxNativeZoom });
      if (layer.bounds) options.bounds = L.latLngBounds(toLatLng(layer.bounds.slice(0, 2)), toLatLng(layer.bounds.slice(2)));
      const tileLayer = L.tileLayer(layer.url, options)
        .on("tileload", () => { loaded += 1; document.getElementById("map").dataset.tiles = String(loaded); })
        .on("tileerror", () => { failed += 1; })
        // A tile the file lacks is no failure; a basemap of which nothing arrives is.
        .on("load", () => { if (failed && !loaded) showNotice("底图无法加载，仅显示辖区矢量图层。"); });
      tiles.addLayer(tileLayer);
    });
    baseLayers[basemap.label || "底图"] = tiles.addTo(map);
  }
  baseLayers["空白底图"] = L.layerGroup();
  if (!basemap.layers.length) baseLayers["空白底图"].addTo(map);

  const styles = {
    town: { color: "#7a2e8e", weight: 3, fill: false, interactive: false },
    village: { color: "#1f5fa8", weight: 2, fill: false, interactive: false },
    grid: { color: "#2c8a4b", weight: 1, fillColor: "#2c8a4b", fillOpacity: 0.06, className: "area-grid" },
    myGrid: { color: "#0b6b30", weight: 3, fillColor: "#2c8a4b", fillOpacity: 0.18, className: "area-grid my-grid" },
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

  const myGrids = new Set(config.myGrids || []);

  function areaLayer(level) {
    return L.geoJSON(null, {
      coordsToLatLng: toLatLng,
      style: level === "grid" ? (f) => (myGrids.has(f.id) ? styles.myGrid : styles.grid) : styles[level],
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
    const pad = shifted ? 0.01 : 0;
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

  // A level of a dozen areas or fewer (a worker's own grids) is named at any zoom.
  const FEW = 12;
  const levelLayers = { town: "乡镇/街道", village: "村/社区", grid: "网格" };
  function updateLabels() {
    const zoom = map.getZoom();
    for (const [level, minZoom] of Object.entries(labelZoom)) {
      const few = overlays[levelLayers[level]].getLayers().length <= FEW;
      map.getContainer().classList.toggle(`hide-label-${level}`, zoom < minZoom && !few);
    }
    declutter();
  }
  map.on("zoomend", updateLabels);
  updateLabels();

  // Names that would overlap one already placed are left out (towns first, then villages, grids),
  // so that with no basemap the names stay readable; they come back as the map zooms in.
  function declutter() {
    const container = map.getContainer();
    const view = container.getBoundingClientRect();
    const placed = [];
    for (const level of Object.keys(labelZoom)) {
      const labels = container.querySelectorAll(`.label-${level}`);
      labels.forEach((label) => label.classList.remove("label-crowded"));
      if (container.classList.contains(`hide-label-${level}`)) continue;
      labels.forEach((label) => {
        const r = label.getBoundingClientRect();
        if (!r.width || r.right < view.left || r.left > view.right || r.bottom < view.top || r.top > view.bottom) return;
        if (placed.some((p) => r.left < p.right && p.left < r.right && r.top < p.bottom && p.top < r.bottom)) {
          label.classList.add("label-crowded");
        } else {
          placed.push(r);
        }
      });
    }
  }
  map.on("moveend", declutter);

  // Outlines are simplified for the zoom they were loaded at: load them again two levels closer.
  let outlinesZoom = map.getZoom();
  map.on("zoomend", () => {
    if (Math.abs(map.getZoom() - outlinesZoom) < 2) return;
    outlinesZoom = map.getZoom();
    ["town", "village", "grid"].forEach((level, i) =>
      load(levelUrl(level), overlays[["乡镇/街道", "村/社区", "网格"][i]]).then(declutter).catch(console.error));
  });
  let pending = null;
  map.on("moveend overlayadd", () => {
    clearTimeout(pending);
    pending = setTimeout(() => loadCases().catch(console.error), 150);
  });

  // The worker's own position: followed at once on a grid worker's phone (or wherever the browser
  // already may), else on the 定位 button; a denied or failed fix is said on the button, not hidden.
  const here = L.featureGroup().addTo(map);
  overlays["我的位置"] = here;
  let watching = null;
  function showPosition(position) {
    const at = toLatLng([position.coords.longitude, position.coords.latitude]);
    here.clearLayers();
    L.circle(at, { radius: position.coords.accuracy, weight: 1, color: "#1a73e8", fillOpacity: 0.1, interactive: false,
      className: "you-are-here-accuracy" }).addTo(here);
    L.circleMarker(at, { radius: 7, weight: 3, color: "#fff", fillColor: "#1a73e8", fillOpacity: 1, className: "you-are-here" })
      .bindTooltip("您在这里").addTo(here);
    locate.button.classList.add("active");
    return at;
  }
  function follow(centre) {
    if (!("geolocation" in navigator)) { locate.say("此浏览器无法定位"); return; }
    let first = centre;
    if (watching != null) navigator.geolocation.clearWatch(watching);
    watching = navigator.geolocation.watchPosition((position) => {
      const at = showPosition(position);
      if (first) { map.setView(at, Math.max(map.getZoom(), 15)); first = false; }
      locate.say("");
    }, (error) => {
      locate.say(error.code === error.PERMISSION_DENIED ? "未允许定位：请在浏览器设置中允许本站使用位置" : `定位失败：${error.message}`);
    }, { enableHighAccuracy: true, maximumAge: 30_000, timeout: 20_000 });
  }
  const locate = L.control({ position: "topleft" });
  locate.onAdd = () => {
    const box = L.DomUtil.create("div", "leaflet-bar locate-control");
    locate.button = L.DomUtil.create("a", "locate-button", box);
    Object.assign(locate.button, { href: "#", role: "button", title: "显示我的位置", textContent: "◎" });
    locate.button.setAttribute("aria-label", "显示我的位置");
    locate.status = L.DomUtil.create("span", "locate-status", box);
    locate.status.hidden = true;
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.on(locate.button, "click", (event) => { L.DomEvent.preventDefault(event); follow(true); });
    return box;
  };
  locate.say = (text) => { locate.status.textContent = text; locate.status.hidden = !text; };
  locate.addTo(map);
  if (config.role === "grid_worker") follow(false);
  else if (navigator.permissions) {
    navigator.permissions.query({ name: "geolocation" })
      .then((status) => { if (status.state === "granted") follow(false); }, console.error);
  }

  // The legend: one section per layer that is on the map, kept in step with the layer switcher.
  const dot = (colour, ring = "#fff") => `<span class="key-dot" style="background:${colour};border-color:${ring}"></span>`;
  const line = (colour, width = 2, dash = "") => `<span class="key-line" style="border-top:${width}px ${dash ? "dashed" : "solid"} ${colour}"></span>`;
  const area = (colour, fill, width = 1, dash = false) =>
    `<span class="key-area" style="border:${width}px ${dash ? "dashed" : "solid"} ${colour};background:${fill}"></span>`;
  const legendItems = {
    "乡镇/街道": [[line("#7a2e8e", 3), "乡镇/街道界"]],
    "村/社区": [[line("#1f5fa8", 2), "村/社区界"]],
    "网格": [[area("#2c8a4b", "rgba(44,138,75,.06)"), "网格"], ...(myGrids.size ? [[area("#0b6b30", "rgba(44,138,75,.18)", 3), "我的网格"]] : [])],
    "治安重点地区": [[area("#d2462c", "rgba(210,70,44,.15)", 2, true), "治安重点地区"]],
    "矛盾纠纷": [[dot("#1f5fa8"), "已登记/已受理"], [dot("#c77700"), "调解中"], [dot("#b3261e"), "调解不成/已上报"],
      [dot("#fff", "#b3261e"), "红圈：已超期"], ['<span class="key-cluster">12</span>', "数字：该处案件数，点击放大"]],
    "隐患": [[dot("#c77700"), "一般隐患"], [dot("#d2462c"), "较大隐患"], [dot("#7a0010"), "重大隐患"], [dot("#fff", "#b3261e"), "红圈：已超期"]],
    "民情诉求": [[dot("#6a1b9a"), "待分流"], [dot("#c77700"), "办理中"], [dot("#00796b"), "议事中"], [dot("#b3261e"), "转入调解"],
      [dot("#2c8a4b"), "已答复"]],
    "巡逻轨迹（本周）": [[line("#1f5fa8", 3), "日常巡查"], [line("#6a3d9a", 3), "夜间巡逻"], [line("#d2462c", 3), "重点地区巡逻"]],
    "重点地区达标（本周）": [[area("#2c8a4b", "rgba(44,138,75,.3)", 2), "本周巡逻达标"], [area("#b3261e", "rgba(179,38,30,.3)", 2), "未达标"]],
    "我的位置": [[dot("#1a73e8"), "您的位置（浅色圈为精度范围）"]],
  };
  // Outlines and the position have a legend once there is something of them to see (a worker sees
  // no town or village outline); points keep theirs, for the points the next move may bring.
  const emptyOutlines = (name) => ["乡镇/街道", "村/社区", "网格", "治安重点地区", "我的位置"].includes(name)
    && overlays[name].getLayers().length === 0;
  const legend = L.control({ position: "topleft" });
  legend.onAdd = () => {
    const box = L.DomUtil.create("details", "map-legend");
    box.id = "map-legend";
    box.open = window.innerWidth >= 600;
    box.innerHTML = '<summary>图例</summary><div class="legend-body"></div>';
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  };
  legend.addTo(map);
  function drawLegend() {
    const sections = Object.entries(legendItems)
      .filter(([name]) => overlays[name] && map.hasLayer(overlays[name]) && !emptyOutlines(name))
      .map(([name, items]) => `<section data-layer="${name}">${items.length > 1 ? `<h3>${name}</h3>` : ""}<ul>${
        items.map(([key, label]) => `<li>${key}${label}</li>`).join("")}</ul></section>`);
    legend.getContainer().querySelector(".legend-body").innerHTML = sections.join("")
      + (basemap.layers.length ? "" : '<p class="legend-note">空白底图：未接入底图，按辖区边界和名称识别位置</p>');
  }
  map.on("overlayadd overlayremove", drawLegend);
  here.on("layeradd", () => { if (here.getLayers().length === 2) drawLegend(); });
  drawLegend();

  Promise.all([...loads, loadCases()])
    .then(() => { updateLabels(); drawLegend(); document.getElementById("map").dataset.loaded = "true"; })
    .catch((error) => { showNotice("图层加载失败，请刷新重试。"); console.error(error); });
})();
