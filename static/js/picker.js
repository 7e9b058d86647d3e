// Pick a point for a new report: the user's grids as context, a click fills the longitude/latitude
// fields (WGS-84), and typing coordinates (where the form shows them) moves the marker.
(function () {
  "use strict";
  const el = document.getElementById("picker");
  const lon = document.getElementById("id_lon");
  const lat = document.getElementById("id_lat");
  const words = el.dataset;  // translated by the template (front/picker.html)
  const map = L.map(el, { attributionControl: false });
  let marker = null;
  // "在此登记" on the home map opens this page with the point tapped there (WGS-84); the server fills it
  // in too, but a copy of the page from the service worker's cache has only the address to go by.
  const tapped = new URLSearchParams(location.search);
  if (!lon.value && !lat.value && tapped.get("lon") && tapped.get("lat")) {
    const [x, y] = [Number(tapped.get("lon")), Number(tapped.get("lat"))];
    if (Math.abs(x) <= 180 && Math.abs(y) <= 90) [lon.value, lat.value] = [x.toFixed(6), y.toFixed(6)];
  }

  function place(latlng, fill) {
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
    if (fill) {
      lon.value = latlng.lng.toFixed(6);
      lat.value = latlng.lat.toFixed(6);
    }
    showNearby();
  }

  // Open cases close by: perhaps the same dispute, to add to rather than log twice.
  const nearby = document.createElement("section");
  nearby.className = "nearby";
  nearby.setAttribute("aria-live", "polite");
  el.insertAdjacentElement("afterend", nearby);
  const category = document.getElementById("id_category");

  function escape(value) {
    const span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML;
  }

  async function showNearby() {
    if (!lon.value || !lat.value || !el.dataset.nearbyUrl) return;
    const params = new URLSearchParams({ lon: lon.value, lat: lat.value });
    if (category && category.value) params.set("category", category.value);
    try {
      const response = await fetch(`${el.dataset.nearbyUrl}?${params}`, { credentials: "same-origin" });
      if (!response.ok) { nearby.innerHTML = ""; return; }
      const cases = await response.json();
      nearby.innerHTML = cases.length ? `<h2>${escape(words.nearbyTitle)}</h2><p class="hint">${escape(words.nearbyHint)}</p><ul>${
        cases.map((c) => `<li><a href="/cases/${c.id}/">${escape(c.number)}</a> ${escape(c.title)}（${
          escape(words.distance.replace("{m}", c.metres))}，${escape(c.state)}）
          <a class="button" href="/cases/${c.id}/report/">${escape(words.addTo)}</a></li>`).join("")}</ul>` : "";
    } catch (error) {
      nearby.innerHTML = "";  // offline: nothing to suggest
    }
  }
  if (category) category.addEventListener("change", showNearby);

  // A queued or sent form is reset for the next report: the old point goes with it.
  lon.form.addEventListener("reset", () => {
    if (marker) { marker.remove(); marker = null; }
    lon.value = lat.value = "";  // hidden inputs keep their value through a reset
    nearby.innerHTML = "";
  });

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
      if (lon.value && lat.value) {
        const at = L.latLng(+lat.value, +lon.value);
        place(at, false);
        if (tapped.get("lon")) map.setView(at, Math.max(map.getZoom(), 16));  // near the spot, to adjust it
      }
    });
  map.on("click", (e) => place(e.latlng, true));

  // "Use my location": the phone's GPS fix, for a worker standing where the dispute is.
  if ("geolocation" in navigator) {
    const locate = document.createElement("button");
    locate.type = "button";
    locate.className = "locate";
    locate.textContent = words.locate;
    locate.addEventListener("click", () => {
      locate.disabled = true;
      locate.textContent = words.locating;
      navigator.geolocation.getCurrentPosition((position) => {
        const here = L.latLng(position.coords.latitude, position.coords.longitude);
        place(here, true);
        map.setView(here, Math.max(map.getZoom(), 16));
        locate.disabled = false;
        locate.textContent = words.located.replace("{m}", Math.round(position.coords.accuracy));
      }, (error) => {
        locate.disabled = false;
        locate.textContent = error.code === 1 ? words.denied : words.failed;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
    el.insertAdjacentElement("beforebegin", locate);
  }
  [lon, lat].forEach((input) => input.addEventListener("change", () => {
    if (lon.value && lat.value) place(L.latLng(+lat.value, +lon.value), false);
  }));
})();
