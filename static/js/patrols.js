// The phone's patrol page. The recorder watches the position while the page is open, keeps every fix
// in localStorage until the server has it, and uploads them in batches (every 30 s, or sooner when
// 20 are waiting), retrying with back-off when there is no signal. Each fix carries its own id and
// time, so a batch the server got but whose answer was lost is simply counted duplicate.
// The map shows the grid, the check points, the track so far and the worker's dot; a finding is
// logged from a sheet on this page (so the recorder never stops) at the current fix; 结束巡逻 asks
// first, in a dialog.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("patrol-config").textContent);
  const key = `gridcase-patrol-${config.patrol}-queue`;
  const totalsKey = `gridcase-patrol-${config.patrol}-totals`;
  const BATCH = 200;
  const EVERY_MS = config.everyMs || 30000;
  const MIN_GAP_MS = config.minGapMs ?? 5000; // one fix per 5 s is enough for a walk, and easy on the battery
  const $ = (id) => document.getElementById(id);

  const load = (k, fallback) => { try { return JSON.parse(localStorage.getItem(k)) || fallback; } catch (e) { return fallback; } };
  let queue = load(key, []);
  const totals = load(totalsKey, { recorded: 0, stored: 0, duplicates: 0, dropped: 0, distance: 0 });
  let sending = false;
  let failures = 0;
  let timer = null;
  let lastAt = 0;
  let latest = null;  // the newest fix, whatever MIN_GAP_MS kept: where a finding is logged
  let onFix = () => {};  // the finding sheet follows the position while it is open
  let flushWaiting = async () => {};  // sends the findings kept on the phone
  const trackMap = patrolMap();

  function save() {
    localStorage.setItem(key, JSON.stringify(queue));
    localStorage.setItem(totalsKey, JSON.stringify(totals));
  }

  function show(text, error) {
    const status = $("record-status");
    status.textContent = text;
    status.classList.toggle("error", Boolean(error));
  }

  function render() {
    $("recorded").textContent = totals.recorded;
    $("pending").textContent = queue.length;
    $("stored").textContent = totals.stored;
    $("duplicates").textContent = totals.duplicates;
    $("dropped").textContent = totals.dropped;
    $("distance").textContent = Math.round(totals.distance);
    document.body.dataset.pending = String(queue.length);
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));
  }

  function record(position) {
    const c = position.coords;
    latest = { lon: c.longitude, lat: c.latitude, acc: c.accuracy };
    trackMap.here(latest);
    onFix(latest);
    if (position.timestamp - lastAt < MIN_GAP_MS || position.timestamp === lastAt) return;
    lastAt = position.timestamp;
    trackMap.extend(latest);
    queue.push({ id: uuid(), t: position.timestamp, lon: c.longitude, lat: c.latitude, acc: c.accuracy });
    totals.recorded += 1;
    save();
    render();
    show(`定位正常（精度约 ${Math.round(c.accuracy)} 米）`);
    if (queue.length >= 20) schedule(0);
  }

  function csrf() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  async function upload() {
    if (sending || !queue.length) return true;
    sending = true;
    const batch = queue.slice(0, BATCH);
    try {
      const response = await fetch(config.uploadUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), Accept: "application/json" },
        body: JSON.stringify({ points: batch }),
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        const sent = new Set(batch.map((p) => p.id));
        queue = queue.filter((p) => !sent.has(p.id));
        totals.stored += body.stored;
        totals.duplicates += body.duplicates;
        totals.dropped += body.dropped;
        totals.distance = body.distance_m;
        failures = 0;
        save();
        render();
        show(`已上传（保存 ${body.stored}，重复 ${body.duplicates}，剔除 ${body.dropped}）`);
        document.dispatchEvent(new Event("patrol:uploaded"));
        return true;
      }
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
        // Refused as a whole (patrol cancelled, not yours): keep the fixes, say why, stop retrying.
        show(body.detail || `上传被拒绝（${response.status}）`, true);
        failures = -1;
        return false;
      }
      throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      failures += 1;
      show(`暂时无法上传（${queue.length} 个点保存在手机上），稍后自动重试`, true);
      return false;
    } finally {
      sending = false;
    }
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      await upload();
      if (failures < 0) return;
      // Back off while uploads fail: 30 s, 60 s, 120 s … up to 5 min.
      schedule(failures ? Math.min(300000, EVERY_MS * 2 ** (failures - 1)) : (queue.length >= 20 ? 0 : EVERY_MS));
    }, delay);
  }

  window.addEventListener("online", () => { failures = Math.max(0, failures); schedule(0); });
  render();
  if (config.ongoing && navigator.geolocation) {
    navigator.geolocation.watchPosition(record, (error) => {
      show(error.code === 1 ? "未获得定位权限，请在浏览器设置中允许本网站使用位置。" : "暂时无法定位，正在重试…", true);
    }, { enableHighAccuracy: true, maximumAge: 0, timeout: 30000 });
  } else if (config.ongoing) {
    show("此浏览器不支持定位。", true);
  } else {
    show(queue.length ? "正在补传未上传的轨迹点…" : "巡逻已结束。");
  }
  schedule(queue.length ? 0 : EVERY_MS);

  // ---------------------------------------------------------------- the map
  // WGS-84 data on a blank background: the grid, check points (green: checked in, red: not yet), the
  // track the server has plus the fixes recorded since, and the worker's dot with its accuracy.
  function patrolMap() {
    const map = L.map("record-map", { attributionControl: false });
    const grid = L.geoJSON(config.grid, { style: { color: "#2c8a4b", weight: 2, fillOpacity: 0.05 }, interactive: false })
      .addTo(map);
    map.fitBounds(grid.getBounds(), { padding: [8, 8] });  // a view before any circle is measured
    const trail = L.polyline([], { color: "#1f5fa8", weight: 4, className: "patrol-track" }).addTo(map);
    let dot = null;
    let ring = null;
    fetch(config.trackUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => { if (!r.ok) throw new Error(`${config.trackUrl}: ${r.status}`); return r.json(); })
      .then((data) => {
        const stored = data.track ? data.track.coordinates.map(([lon, lat]) => [lat, lon]) : [];
        trail.setLatLngs(stored.concat(trail.getLatLngs()));
        L.geoJSON(data.check_points, {
          pointToLayer: (f, at) => L.circle(at, {
            radius: f.properties.radius_m, color: f.properties.checked ? "#2c8a4b" : "#b3261e",
            className: f.properties.checked ? "check-point checked" : "check-point",
          }).bindTooltip(f.properties.name),
        }).addTo(map);
        for (const f of data.findings.features) {
          const [lon, lat] = f.geometry.coordinates;
          mark({ lon, lat }, f.properties);
        }
        document.getElementById("record-map").dataset.loaded = "true";
      })
      .catch((error) => {
        show("轨迹地图加载失败，位置仍在记录。", true);
        throw error;  // surface it (console, browser tests)
      });
    function mark(at, found) {
      const label = document.createElement("span");
      label.textContent = `${found.label} ${found.number} ${found.title}`;
      L.circleMarker([at.lat, at.lon], { radius: 7, color: "#fff", weight: 2, fillColor: "#e08a00", fillOpacity: 1,
                                         className: "finding-mark" }).bindTooltip(label).addTo(map);
      if (dot) dot.bringToFront();  // the worker's own dot stays on top
    }
    return {
      mark,
      here(fix) {
        const at = [fix.lat, fix.lon];
        if (!dot) {
          map.setView(at, Math.max(map.getZoom(), 17), { animate: false });  // close enough to see the steps
          ring = L.circle(at, { radius: fix.acc || 0, weight: 1, fillOpacity: 0.1, interactive: false }).addTo(map);
          dot = L.circleMarker(at, { radius: 7, color: "#fff", weight: 2, fillColor: "#d2462c", fillOpacity: 1,
                                     className: "worker-dot" }).addTo(map);
        }
        dot.setLatLng(at);
        ring.setLatLng(at).setRadius(fix.acc || 0);
        if (!map.getBounds().contains(at)) map.panTo(at);
      },
      extend(fix) {
        trail.addLatLng([fix.lat, fix.lon]);
        document.getElementById("record-map").dataset.points = String(trail.getLatLngs().length);
      },
    };
  }

  // ---------------------------------------------------------------- 结束巡逻, after a confirmation
  function finishDialog() {
    const dialog = $("finish-dialog");
    if (!dialog) return;
    const form = $("finish-form");
    const warning = $("finish-warning");
    let warned = false;
    $("open-finish").addEventListener("click", () => {
      const found = document.querySelectorAll("#findings li").length;
      $("finish-summary").textContent = `已记录 ${totals.recorded} 个位置，里程约 ${Math.round(totals.distance)} 米，`
        + `本次发现 ${found} 件。结束后不再记录位置。`;
      warning.hidden = true;
      warned = false;
      dialog.showModal();
    });
    $("finish-cancel").addEventListener("click", () => dialog.close());
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = $("finish-confirm");
      button.disabled = true;
      try {
        await flushWaiting();
        if (pendingFindings) {
          warning.hidden = false;
          warning.textContent = `还有 ${pendingFindings} 条发现尚未登记（无信号或需修改），请先处理再结束巡逻。`;
          return;
        }
        for (let i = 0; i < 5 && queue.length; i += 1) {
          warning.hidden = false;
          warning.textContent = "正在上传剩余轨迹点…";
          if (!(await upload())) break;
        }
        if (queue.length && !warned) {
          warned = true;
          warning.hidden = false;
          warning.textContent = `还有 ${queue.length} 个点未上传（无信号）。再点「确认结束」仍然结束，未上传的点以后打开本页时补传。`;
          return;
        }
        form.submit();
      } finally {
        button.disabled = false;
      }
    });
  }

  // ---------------------------------------------------------------- a finding, logged on this page
  // Each finding is kept on the phone (IndexedDB: its words and its photos) from the moment it is
  // submitted until the server has it, so no signal — or a closed page — loses nothing: it is sent
  // when the signal is back, with the same client_id, so a retry never logs it twice.
  function findingStore(mode, work) {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open("gridcase-patrol", 1);
      open.onupgradeneeded = () => open.result.createObjectStore("findings", { keyPath: "client_id" });
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        const tx = db.transaction("findings", mode);
        const request = work(tx.objectStore("findings"));
        tx.oncomplete = () => { db.close(); resolve(request.result); };
        tx.onerror = tx.onabort = () => { db.close(); reject(tx.error); };
      };
    });
  }
  const waitingFindings = () => findingStore("readonly", (s) => s.getAll())
    .then((items) => items.filter((item) => item.patrol === config.patrol).sort((a, b) => a.queued_at.localeCompare(b.queued_at)));
  const keepFinding = (item) => findingStore("readwrite", (s) => s.put(item));
  const dropFinding = (id) => findingStore("readwrite", (s) => s.delete(id));
  let pendingFindings = 0;  // for the finish dialog

  function findingSheet() {
    const sheet = $("finding-sheet");
    if (!sheet) return;
    const form = $("finding-form");
    const errors = $("finding-errors");
    const where = $("finding-where");
    const KIND_LABELS = { case: "纠纷", hazard: "隐患", request: "诉求" };
    let flushing = false;

    function kindChanged() {
      const kind = form.elements.kind.value;
      for (const label of form.querySelectorAll("label[data-kind]")) {
        label.hidden = label.dataset.kind !== kind;
        label.querySelector("select").disabled = label.hidden;
      }
    }

    function place(fix) {
      form.elements.lon.value = fix ? fix.lon : "";
      form.elements.lat.value = fix ? fix.lat : "";
      where.textContent = fix ? `位置：当前定位（精度约 ${Math.round(fix.acc)} 米）` : "位置：等待定位…";
    }

    function element(tag, text, className) {
      const node = document.createElement(tag);
      if (text) node.textContent = text;
      if (className) node.className = className;
      return node;
    }

    function showErrors(list) {
      errors.replaceChildren(...list.map((text) => element("li", text)));
      errors.hidden = !list.length;
    }

    function labelled(errorsByField) {
      return Object.entries(errorsByField).flatMap(([name, messages]) => {
        const field = form.elements[name];
        const label = field && field.closest ? field.closest("label") : null;
        const caption = label && label.firstChild.nodeType === Node.TEXT_NODE ? label.firstChild.textContent.trim() : "";
        return messages.map((m) => (caption ? `${caption}：${m}` : m));
      });
    }

    function snapshot() {
      const fields = [];
      const files = [];
      for (const [name, value] of new FormData(form)) {
        if (typeof value === "string") fields.push([name, value]);
        else if (value.size) files.push({ field: name, name: value.name, type: value.type, blob: value });
      }
      const kind = form.elements.kind.value;
      return { client_id: form.elements.client_id.value, patrol: config.patrol, fields, files, kind,
               label: KIND_LABELS[kind], title: form.elements.text.value.trim(), queued_at: new Date().toISOString() };
    }

    // One POST. Resolves to the server's answer (201: logged, 400: what to correct, else: try later);
    // rejects when there is no network.
    async function send(item) {
      const body = new FormData();
      for (const [name, value] of item.fields) body.append(name, value);
      for (const file of item.files) body.append(file.field, file.blob, file.name);
      body.set("csrfmiddlewaretoken", csrf());  // the page's token, newer than a stored one
      const response = await fetch(config.findingUrl, { method: "POST", body, credentials: "same-origin",
                                                        headers: { Accept: "application/json" } });
      return { status: response.status, body: await response.json().catch(() => ({})) };
    }

    function logged(found) {
      const li = element("li", `${found.label} `);
      const link = element("a", found.number);
      link.href = found.url;
      li.append(link, ` ${found.title}`);
      return li;
    }

    async function renderWaiting() {
      const items = await waitingFindings();
      pendingFindings = items.length;
      for (const old of document.querySelectorAll("#findings li.waiting")) old.remove();
      for (const item of items) {
        const li = element("li", `${item.label} `, "waiting");
        li.dataset.clientId = item.client_id;
        li.append(element("strong", item.title), " ");
        if (item.errors) {
          li.append(element("span", `未能登记：${item.errors.join("；")}`, "error"), " ");
          const edit = element("button", "修改后重新登记", "link");
          edit.type = "button";
          edit.addEventListener("click", () => restore(item));
          li.append(edit);
        } else {
          li.append(element("span", "待发送（已存在手机上，有信号后自动登记）", "hint"));
        }
        $("findings").append(li);
      }
      $("no-findings").hidden = Boolean($("findings").children.length);
    }

    function notice(text, error) {
      const line = $("finding-done");
      line.textContent = text;
      line.classList.toggle("error", Boolean(error));
      line.hidden = false;
    }

    function done(found, item) {
      const at = Object.fromEntries(item.fields.filter(([name]) => name === "lon" || name === "lat"));
      trackMap.mark({ lon: Number(at.lon), lat: Number(at.lat) }, found);
      $("findings").append(logged(found));
      notice(found.message);
    }

    async function flushFindings() {
      if (flushing) return;
      flushing = true;
      try {
        for (const item of await waitingFindings()) {
          if (item.errors) continue;
          let answer;
          try {
            answer = await send(item);
          } catch (error) {
            break;  // still no network: keep them all for the next try
          }
          if (answer.status === 201) {
            await dropFinding(item.client_id);
            done(answer.body, item);
          } else if (answer.status === 400 && answer.body.errors) {
            const errors = labelled(answer.body.errors);
            await keepFinding({ ...item, errors });
            notice(`「${item.title}」未能登记：${errors.join("；")}。请在下方「本次巡逻发现」中修改后重新登记。`, true);
          } else {
            break;  // the server is not well: try later
          }
        }
      } finally {
        flushing = false;
        await renderWaiting();
      }
    }

    // A finding the server refused, back in the sheet to be corrected (its photos too).
    function restore(item) {
      form.reset();
      for (const [name, value] of item.fields) {
        const field = form.elements[name];
        if (!field || name === "csrfmiddlewaretoken") continue;
        if (field instanceof RadioNodeList) {
          for (const radio of field) radio.checked = radio.value === value;
        } else {
          field.value = value;
        }
      }
      const photos = new DataTransfer();
      for (const file of item.files) photos.items.add(new File([file.blob], file.name, { type: file.type }));
      form.elements.photos.files = photos.files;
      form.elements.photos.dispatchEvent(new Event("change"));
      kindChanged();
      showErrors(item.errors || []);
      sheet.showModal();
    }

    function freshSheet() {
      form.reset();
      form.elements.client_id.value = "";
      form.elements.photos.dispatchEvent(new Event("change"));
      kindChanged();
      showErrors([]);
      sheet.close();
    }

    onFix = (fix) => { if (sheet.open) place(fix); };
    for (const radio of form.querySelectorAll("input[name=kind]")) radio.addEventListener("change", kindChanged);
    kindChanged();
    $("open-finding").addEventListener("click", () => {
      if (!form.elements.client_id.value) form.elements.client_id.value = uuid();
      place(latest);
      showErrors([]);
      sheet.showModal();
    });
    $("finding-cancel").addEventListener("click", () => sheet.close());

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      place(latest);  // where the worker stands now
      // What can be told at once, without a round trip (the server checks it all again).
      const missing = [];
      if (!form.elements.text.value.trim()) missing.push("请用一句话写下发现了什么");
      const category = form.querySelector("label[data-kind]:not([hidden]) select");
      if (!category.value) missing.push(`请选择${category.closest("label").firstChild.textContent.trim()}`);
      if (!form.elements.lon.value) missing.push("尚未获得定位，请稍候再提交");
      if (missing.length) { showErrors(missing); return; }
      const button = $("finding-submit");
      button.disabled = true;
      showErrors([]);
      const item = snapshot();
      try {
        await keepFinding(item);  // on the phone first: nothing is lost whatever happens next
        let answer;
        try {
          answer = await send(item);
        } catch (error) {
          freshSheet();
          notice(`网络不通：「${item.title}」已存在手机上，有信号后自动登记。`);
          return;
        }
        if (answer.status === 201) {
          await dropFinding(item.client_id);
          freshSheet();
          done(answer.body, item);
        } else if (answer.status === 400 && answer.body.errors) {
          await dropFinding(item.client_id);  // it is in the sheet, to be corrected
          showErrors(labelled(answer.body.errors));
        } else {
          showErrors([`登记失败（${answer.status}），已存在手机上，稍后自动重试。`]);
        }
      } finally {
        button.disabled = false;
        await renderWaiting();
      }
    });

    window.addEventListener("online", flushFindings);
    document.addEventListener("patrol:uploaded", flushFindings);  // the signal is back
    flushWaiting = flushFindings;
    renderWaiting().then(flushFindings);
  }

  finishDialog();
  findingSheet();
})();
