// The phone's patrol recorder: watches the position while the page is open, keeps every fix in
// localStorage until the server has it, and uploads them in batches (every 30 s, or sooner when
// 20 are waiting), retrying with back-off when there is no signal. Each fix carries its own id
// and time, so a batch the server got but whose answer was lost is simply counted duplicate.
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
    if (position.timestamp - lastAt < MIN_GAP_MS || position.timestamp === lastAt) return;
    lastAt = position.timestamp;
    const c = position.coords;
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
  const finish = $("finish-form");
  if (finish) {
    finish.addEventListener("submit", async (event) => {
      if (!queue.length) return;
      event.preventDefault();
      show("正在上传剩余轨迹点…");
      for (let i = 0; i < 5 && queue.length; i += 1) {
        if (!(await upload())) break;
      }
      if (queue.length && !confirm(`还有 ${queue.length} 个点未上传（无信号）。仍然结束巡逻？未上传的点以后会补传。`)) return;
      finish.submit();
    });
  }

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
})();
