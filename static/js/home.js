// The home map's own behaviours (map.js draws the map): the 我的待办 sheet, open on a desk and closed
// to its handle on a phone; and "在此登记": tapping the map in one of the user's grids offers to log
// there, the form opening with that point picked (?lon=…&lat=…, WGS-84), no coordinates typed.
(function () {
  "use strict";
  const sheet = document.getElementById("tasks");
  if (sheet && window.matchMedia("(min-width: 761px)").matches) sheet.open = true;

  const home = window.gridcaseMap;
  if (!home) return;
  const { map, config } = home;

  // Once the outbox (outbox-queue.js) has sent what waited, the new reports belong on the map.
  const outbox = document.getElementById("outbox");
  let shown = 0;
  if (outbox) {
    outbox.addEventListener("outbox:change", (event) => {
      if (event.detail.sent > shown) map.fire("moveend");  // map.js reloads the points in view
      shown = event.detail.sent;
    });
  }

  const here = document.getElementById("log-here");
  if (!here) return;
  const words = here.dataset;

  // The map shows GCJ-02 when its basemap is (AMap, Tencent): back to WGS-84, by fixed-point iteration
  // of the forward shift (converges to well under a metre in three steps).
  function toWgs84(latlng) {
    if (!(config.basemap.url && config.basemap.crs === "gcj02")) return [latlng.lng, latlng.lat];
    let [lon, lat] = [latlng.lng, latlng.lat];
    for (let i = 0; i < 3; i++) {
      const [x, y] = window.gcj02.wgs84ToGcj02(lon, lat);
      lon -= x - latlng.lng;
      lat -= y - latlng.lat;
    }
    return [lon, lat];
  }

  function link(text, url, point, primary) {
    const a = document.createElement("a");
    a.className = primary ? "button" : "button secondary";
    a.textContent = text;
    a.href = `${url}?${new URLSearchParams({ lon: point[0].toFixed(6), lat: point[1].toFixed(6) })}`;
    return a;
  }

  // A grid's popup (map.js) opens where the grid was tapped: the spot to log at.
  map.on("popupopen", (event) => {
    const content = event.popup.getElement().querySelector(".leaflet-popup-content");
    if (!content || !content.querySelector("dl.popup") || content.querySelector(".log-here")) return;
    const point = toWgs84(event.popup.getLatLng());
    const actions = document.createElement("nav");
    actions.className = "log-here";
    actions.setAttribute("aria-label", words.case);
    actions.append(link(words.case, words.caseUrl, point, true), link(words.hazard, words.hazardUrl, point, false),
      link(words.request, words.requestUrl, point, false));
    content.prepend(actions);  // not popup.update(): it would write the content again from its string
  });
})();
