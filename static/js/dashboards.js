// The dashboard map: territory outlines from the geodata API, and either the heat layer (bins
// counted in PostGIS for the visible box and zoom) or a choropleth of the children. No basemap needed.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("dashboard-map-config").textContent);
  const status = document.getElementById("map-status");
  const map = L.map("dashboard-map", { attributionControl: false, preferCanvas: false });
  const [west, south, east, north] = config.extent;
  map.fitBounds([[south, west], [north, east]], { padding: [8, 8] });
  const outlines = L.geoJSON(null, { style: { color: "#1f5fa8", weight: 1.5, fill: false }, interactive: false }).addTo(map);
  let layer = null;
  let mode = "heat";
  let pending = null;

  function heatColour(share) {
    const stops = [[255, 237, 160], [254, 178, 76], [240, 59, 32], [128, 0, 38]];
    const p = Math.max(0, Math.min(share, 1)) * (stops.length - 1);
    const i = Math.min(Math.floor(p), stops.length - 2);
    const t = p - i;
    const c = stops[i].map((a, k) => Math.round(a + (stops[i + 1][k] - a) * t));
    return `rgb(${c[0]},${c[1]},${c[2]})`;
  }

  function params(extra) {
    const query = new URLSearchParams(config.query);
    for (const [k, v] of Object.entries(extra)) query.set(k, v);
    return query.toString();
  }

  async function getJSON(url) {
    if (pending) pending.abort();
    pending = new AbortController();
    const response = await fetch(url, { signal: pending.signal, credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  }

  function replace(next) {
    if (layer) map.removeLayer(layer);
    layer = next.addTo(map);
    outlines.bringToFront();
  }

  // The heat layers: what each counts (its unit) and the page filters that apply to it (the
  // category, source and level filters are the cases'; hazards and tracks are not filtered by them).
  const HEAT = {
    heat: { layer: "cases", unit: "件", what: "纠纷", own: true },
    hazards: { layer: "hazards", unit: "件", what: "隐患", own: false },
    tracks: { layer: "tracks", unit: "次", what: "巡逻", own: false },
  };
  const legend = document.getElementById("map-legend");
  const legendText = document.getElementById("map-legend-text");

  async function drawHeat(kind) {
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(",");
    const extra = { bbox, zoom: map.getZoom(), layer: kind.layer };
    if (!kind.own) Object.assign(extra, { category: "", source: "", level: "" });
    const data = await getJSON(`${config.heat}?${params(extra)}`);
    const peak = data.max || 1;
    replace(L.geoJSON(data, {
      style: (f) => ({ stroke: false, fillColor: heatColour(f.properties.count / peak), fillOpacity: 0.75, className: "heat-cell" }),
      onEachFeature: (f, l) => l.bindTooltip(`${f.properties.count} ${kind.unit}${kind.what}`),
    }));
    legendText.textContent = `每格${kind.what}数：浅 1 → 深 ${data.max || 0} ${kind.unit}（${data.size} 米格）`;
    legend.hidden = false;
    status.textContent = `热力格 ${data.size} 米 · ${data.features.length} 格 · 共 ${data.total} ${kind.unit}${kind.what}`;
  }

  async function drawChoropleth(measure) {
    const data = await getJSON(`${config.choropleth}?${params({ code: config.code, measure, zoom: map.getZoom() })}`);
    const low = data.min ?? 0;
    const span = (data.max ?? 1) - low || 1;
    const good = measure === "success";
    replace(L.geoJSON(data, {
      style: (f) => {
        const v = f.properties.value;
        const share = v == null ? 0 : (v - low) / span;
        return { color: "#5b6876", weight: 1, fillOpacity: v == null ? 0.05 : 0.7, fillColor: heatColour(good ? 1 - share : share), className: "choropleth-area" };
      },
      onEachFeature: (f, l) => {
        const v = f.properties.value;
        const shown = v == null ? "—" : measure === "success" ? `${v}%` : `${v}`;
        l.bindTooltip(`${f.properties.name}：${shown}（${f.properties.num}/${f.properties.den || f.properties.households || 0}）`);
      },
    }));
    const shown = (v) => (v == null ? "—" : good ? `${v}%` : `${v}`);
    legendText.textContent = good
      ? `调解成功率：浅 ${shown(data.max)} → 深 ${shown(data.min)}（颜色越深越低；几乎无色的为期内没有调解结束的案件）`
      : `每千户登记纠纷数：浅 ${shown(data.min)} → 深 ${shown(data.max)}（颜色越深越多）`;
    legend.hidden = false;
    status.textContent = measure === "success" ? "调解成功率（颜色越深越低）" : "每千户登记纠纷数（颜色越深越多）";
  }

  async function redraw() {
    try {
      if (HEAT[mode]) await drawHeat(HEAT[mode]);
      else await drawChoropleth(mode);
    } catch (error) {
      if (error.name !== "AbortError") status.textContent = `图层加载失败：${error.message}`;
    }
  }

  fetch(`${config.areas}?level=${config.child_level === "grid" ? "grid" : config.child_level}&zoom=12`, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((data) => {
      const features = (data.features || []).filter((f) => String(f.id).startsWith(config.code));
      outlines.addData({ type: "FeatureCollection", features });
    })
    .catch(() => { status.textContent = "辖区边界加载失败"; });

  map.on("moveend", () => { if (HEAT[mode]) redraw(); });
  document.querySelectorAll('input[name="layer"]').forEach((input) => {
    input.addEventListener("change", () => { mode = input.value; redraw(); });
  });
  redraw();
  window.dashboardMap = map;
})();

// Hot spots are listed after the page has loaded (DBSCAN over the period's cases).
(function () {
  "use strict";
  const box = document.getElementById("hot-spots");
  if (!box) return;
  function cell(text) { const td = document.createElement("td"); td.textContent = text; return td; }
  fetch(box.dataset.url, { credentials: "same-origin" }).then((r) => r.json()).then((data) => {
    box.innerHTML = "";
    if (!data.spots || !data.spots.length) {
      const p = document.createElement("p"); p.className = "empty"; p.textContent = "期内没有发现纠纷多发点。"; box.appendChild(p); return;
    }
    const table = document.createElement("table");
    table.className = "list hot-spots";
    table.innerHTML = "<thead><tr><th>类型</th><th>件数</th><th>最早</th><th>最近</th><th>案件</th><th></th></tr></thead>";
    const body = document.createElement("tbody");
    for (const spot of data.spots) {
      const tr = document.createElement("tr");
      tr.append(cell(spot.category), cell(spot.count), cell(spot.first.slice(0, 10)), cell(spot.last.slice(0, 10)));
      const cases = document.createElement("td");
      spot.cases.forEach(([id, number], i) => {
        const a = document.createElement("a"); a.href = `/cases/${id}/`; a.textContent = number;
        if (i) cases.append("、");
        cases.append(a);
      });
      const focus = document.createElement("td");
      const link = document.createElement("a"); link.href = "#dashboard-map"; link.textContent = "地图定位";
      link.addEventListener("click", () => {
        window.dashboardMap.setView([spot.lat, spot.lon], 16);
        L.circleMarker([spot.lat, spot.lon], { radius: 12, color: "#c0392b" }).addTo(window.dashboardMap);
      });
      focus.append(link);
      tr.append(cases, focus);
      body.append(tr);
    }
    table.append(body);
    box.append(table);
  }).catch(() => { box.textContent = "多发点加载失败"; });
})();
