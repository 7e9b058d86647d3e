{% load static %}// The service worker. A Django template: gridcase.front.views.service_worker renders it at /sw.js
// (so that its scope is the whole site), the static tag naming the app shell, hashed in production.
// It keeps the three logging pages (dispute, hazard, resident request) usable without a network: the
// shell (with what the home map needs to show and send the outbox) is pre-cached, and the logging pages
// and the grid layer are fetched network-first, the last good copy answering when there is none.
"use strict";

const SHELL = [
  "{% static 'css/app.css' %}",
  "{% static 'js/deliberation-place.js' %}",
  "{% static 'css/dashboards.css' %}",
  "{% static 'js/dashboards.js' %}",
  "{% static 'js/dashboards-exports.js' %}",
  "{% static 'js/gcj02.js' %}",
  "{% static 'js/home.js' %}",
  "{% static 'js/map.js' %}",
  "{% static 'js/outbox.js' %}",
  "{% static 'js/outbox-queue.js' %}",
  "{% static 'js/page.js' %}",
  "{% static 'js/patrols.js' %}",
  "{% static 'js/patrols-map.js' %}",
  "{% static 'js/photos.js' %}",
  "{% static 'js/picker.js' %}",
  "{% static 'js/pin.js' %}",
  "{% static 'js/register-sw.js' %}",
  "{% static 'vendor/leaflet-1.9.4/leaflet.css' %}",
  "{% static 'vendor/leaflet-1.9.4/leaflet.js' %}",
  "{% static 'vendor/leaflet-1.9.4/images/layers.png' %}",
  "{% static 'vendor/leaflet-1.9.4/images/layers-2x.png' %}",
  "{% static 'vendor/leaflet-1.9.4/images/marker-icon.png' %}",
  "{% static 'vendor/leaflet-1.9.4/images/marker-icon-2x.png' %}",
  "{% static 'vendor/leaflet-1.9.4/images/marker-shadow.png' %}",
];
const REGISTER = "{% url 'cases:register' %}";
const LOG_PAGES = [REGISTER, "{% url 'hazards:report' %}", "{% url 'requests:register' %}"];
const GRIDS = "{% url 'geodata:areas' %}?level=grid";
const START = "{% url 'front:home' %}";
const LOGOUT = "{% url 'logout' %}";
// On a weak signal the last good copy of the logging page beats a long wait for a blank screen.
const NETWORK_TIMEOUT_MS = 6000;
// The shell's URLs change with their content in production (hashed names), so does the cache's name.
const SHELL_CACHE = `gridcase-shell-${digest(SHELL.join(" "))}`;
// Pages carry the user's name and jurisdiction: kept in their own cache, emptied at logout.
const PAGE_CACHE = "gridcase-pages";

function digest(text) {
  let hash = 5381;
  for (let i = 0; i < text.length; i++) hash = (hash * 33 + text.charCodeAt(i)) >>> 0;
  return hash.toString(36);
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(warm).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key.startsWith("gridcase-shell-") && key !== SHELL_CACHE)
      .map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === LOGOUT) {
    event.waitUntil(caches.delete(PAGE_CACHE));
    return;
  }
  if (request.method !== "GET") return;  // form posts (and the outbox's) always go to the network
  if (request.mode === "navigate" && LOG_PAGES.includes(url.pathname) && !url.search) {
    event.respondWith(networkFirst(event, url.pathname));
  } else if (request.mode === "navigate" && LOG_PAGES.includes(url.pathname) && onlyPoint(url)) {
    // "在此登记" from the map: the page opens with the point (?lon=…&lat=…, which picker.js also reads
    // for the cached copy). Never cached under the plain page's key, so that no old point sticks to it.
    event.respondWith(fetch(request).catch(() => caches.match(url.pathname, { cacheName: PAGE_CACHE, ignoreVary: true })
      .then((copy) => copy || Response.error())));
  } else if (url.pathname + url.search === GRIDS) {
    event.respondWith(networkFirst(event, GRIDS));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(shellFirst(event));
  } else if (request.mode === "navigate") {
    event.waitUntil(warm());
    // The installed app starts at the map; without a network, open the logging page instead.
    if (url.pathname === START) event.respondWith(fetch(request).catch(() => startOffline()));
  }
});

// Fill the page cache when it lacks a logging page or the grid layer (first install, after a logout).
async function warm() {
  const cache = await caches.open(PAGE_CACHE);
  for (const url of [REGISTER, GRIDS, ...LOG_PAGES.slice(1)]) {  // what the offline start needs first
    if (await cache.match(url, { ignoreVary: true })) continue;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await cache.put(url, response);  // not the login page
    } catch (error) {
      return;  // offline: the next page tries again
    }
  }
}

function onlyPoint(url) {
  const names = [...url.searchParams.keys()].sort().join(",");
  return names === "lat,lon";
}

function networkFirst(event, key) {
  let saving = Promise.resolve();
  const network = fetch(event.request).then((response) => {
    if (response.ok && !response.redirected) {
      const copy = response.clone();
      saving = caches.open(PAGE_CACHE).then((cache) => cache.put(key, copy));
    }
    return response;
  });
  event.waitUntil(network.then(() => saving, () => undefined));
  return lastGoodCopy(key, network);
}

async function lastGoodCopy(key, network) {
  const copy = await caches.match(key, { cacheName: PAGE_CACHE, ignoreVary: true });
  if (!copy) return network;
  const answer = network.then((response) => (response.status >= 500 ? copy : response), () => copy);
  const slow = new Promise((resolve) => setTimeout(resolve, NETWORK_TIMEOUT_MS, copy));
  return Promise.race([answer, slow]);
}

// Cached shell files answer at once; the network refreshes them behind (a 304 or the HTTP cache,
// mostly: hashed files are immutable in production, and in development edits show on the next load).
function shellFirst(event) {
  const cache = caches.open(SHELL_CACHE);
  const fresh = fetch(event.request).then(async (response) => {
    if (response.ok) await (await cache).put(event.request, response.clone());
    return response;
  });
  event.waitUntil(fresh.catch(() => undefined));
  return cache.then((c) => c.match(event.request)).then((hit) => hit || fresh);
}

async function startOffline() {
  if (await caches.match(REGISTER, { cacheName: PAGE_CACHE, ignoreVary: true })) return Response.redirect(REGISTER, 302);
  return Response.error();
}
