// The outbox's queue: what the three logging forms (dispute, hazard, resident request) could not send
// waits on the phone — its fields and its photos, as Blobs — in IndexedDB (store "outbox", key
// client_id), and is sent when the network returns, from any page that shows the outbox (the home map
// and the three logging pages): each item carries its kind and where it goes. The server takes a
// repeated client_id as the same submission (photos included), so a retry never makes a second report;
// the in-flight flag below keeps one page from even trying. The form side is static/js/outbox.js.
(function () {
  "use strict";
  const box = document.getElementById("outbox");
  if (!box || !window.indexedDB || !window.fetch) return;  // the plain forms still work
  const labels = box.dataset;
  const user = labels.user;
  // Items queued before the outbox knew kinds were all disputes.
  const legacy = { kind: "case", kind_label: "", post_url: labels.casePostUrl, detail_url: labels.caseUrl };
  const SEND_TIMEOUT_MS = 60000;  // photos on a weak signal take a while
  const RETRY_MS = 60000;  // navigator.onLine stays true on a weak signal: "online" may never fire
  const sent = [];  // sent while this page is open: {kind_label, title, url, message}
  let sending = false;
  let editor = null;  // {kind, edit(item)}: the form on this page, which can take an item back
  const sendButton = box.querySelector(".outbox-send");
  const status = box.querySelector(".outbox-status");

  // ---------------------------------------------------------------- IndexedDB
  function store(mode, work) {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open("gridcase", 1);
      open.onupgradeneeded = () => open.result.createObjectStore("outbox", { keyPath: "client_id" });
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        const tx = db.transaction("outbox", mode);
        const request = work(tx.objectStore("outbox"));
        tx.oncomplete = () => { db.close(); resolve(request.result); };
        tx.onerror = tx.onabort = () => { db.close(); reject(tx.error); };
      };
    });
  }
  const all = () => store("readonly", (s) => s.getAll()).then((items) => items.map((item) => ({ ...legacy, ...item })));
  const get = (id) => store("readonly", (s) => s.get(id));
  const put = (item) => store("readwrite", (s) => s.put(item));
  const drop = (id) => store("readwrite", (s) => s.delete(id));

  // ---------------------------------------------------------------- sending
  function cookie(name) {
    const found = document.cookie.split("; ").find((c) => c.startsWith(`${name}=`));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  function parse(html) {
    return new DOMParser().parseFromString(html, "text/html");
  }

  function errorsIn(doc) {
    const errors = Array.from(doc.querySelectorAll("main .errorlist li"), (li) => {
      const label = li.closest("label");
      const name = label && label.firstChild.nodeType === Node.TEXT_NODE ? label.firstChild.textContent.trim() : "";
      return name ? `${name}：${li.textContent.trim()}` : li.textContent.trim();
    });
    return errors.length ? errors : [labels.check];
  }

  // The server's "已登记，编号 …" rode on the redirect to the new report's page, which this fetch read.
  function messageIn(doc) {
    const message = doc.querySelector("main .message:not(.error)");
    return message ? message.textContent.trim() : "";
  }

  // One POST of the stored form. Resolves to {url, message} (sent), {errors} (the form came back: fix
  // it) or {note} (not sent, try again later); rejects when the network is not there.
  async function send(item) {
    const body = new FormData();
    for (const [name, value] of Object.entries(item.fields)) {
      for (const one of [].concat(value)) body.append(name, one);
    }
    for (const file of item.files || []) body.append(file.field, file.blob, file.name);
    // The page (and so the stored token) may be older than the session's CSRF cookie, e.g. after a login.
    const token = cookie("csrftoken");
    if (token) body.set("csrfmiddlewaretoken", token);
    const response = await fetch(item.post_url, {
      method: "POST", body, credentials: "same-origin", redirect: "follow",
      signal: AbortSignal.timeout ? AbortSignal.timeout(SEND_TIMEOUT_MS) : undefined,
    });
    const path = new URL(response.url).pathname;
    const [prefix, suffix] = item.detail_url.split("999999999");
    const id = path.startsWith(prefix) && path.endsWith(suffix) ? path.slice(prefix.length, path.length - suffix.length) : "";
    if (/^\d+$/.test(id)) return { url: response.url, message: messageIn(parse(await response.text())) };
    if (response.ok && path === new URL(item.post_url, location.href).pathname) return { errors: errorsIn(parse(await response.text())) };
    if (response.ok) return { note: labels.login };  // redirected to the login page
    return { note: labels.failed.replace("{status}", response.status) };
  }

  async function flush() {
    if (sending) return;
    sending = true;
    sendButton.disabled = true;
    status.textContent = "";
    try {
      const items = (await all()).filter((item) => item.user === user && !item.errors);
      for (const item of items.sort(byTime)) {
        let outcome;
        try {
          outcome = await send(item);
        } catch (error) {
          status.textContent = labels.unreachable;
          break;  // still no network: keep them all for the next try
        }
        if (outcome.url) {
          await drop(item.client_id);
          sent.push({ kind_label: item.kind_label, title: item.title, url: outcome.url, message: outcome.message });
        } else {
          await put({ ...item, errors: outcome.errors, note: outcome.note });
        }
      }
    } finally {
      sending = false;
      sendButton.disabled = false;
      await render();
    }
  }

  // ---------------------------------------------------------------- the list
  function byTime(a, b) {
    return a.queued_at.localeCompare(b.queued_at);
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  async function render() {
    const items = await all();
    const mine = items.filter((item) => item.user === user).sort(byTime);
    const others = items.length - mine.length;
    box.querySelector(".outbox-waiting h2").textContent = labels.waiting.replace("{n}", mine.length);
    box.querySelector(".outbox-items").replaceChildren(...mine.map(row));
    box.querySelector(".outbox-others").textContent = others ? labels.others.replace("{n}", others) : "";
    box.querySelector(".outbox-waiting").hidden = !items.length;
    sendButton.hidden = !mine.some((item) => !item.errors);
    box.querySelector(".outbox-sent").replaceChildren(...sent.map((done) => {
      const li = element("li", labels.sent);
      const link = element("a", done.message || done.title);
      link.href = done.url;
      li.append(link);
      if (done.message && done.title) li.append(" ", element("span", done.title, "hint"));
      return li;
    }));
    box.hidden = !items.length && !sent.length;
    box.dataset.count = String(mine.length);
    box.dispatchEvent(new CustomEvent("outbox:change", { detail: { waiting: mine.length, sent: sent.length } }));
  }

  function row(item) {
    const li = element("li");
    li.dataset.clientId = item.client_id;
    li.dataset.kind = item.kind;
    if (item.kind_label) li.append(element("span", item.kind_label, "kind"), " ");
    li.append(element("strong", item.title), " ",
      element("time", new Date(item.queued_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })));
    const photos = (item.files || []).length;
    if (photos) li.append(" ", element("span", labels.photos.replace("{n}", photos), "hint"));
    if (item.errors) {
      li.classList.add("needs-fix");
      li.append(" ", element("span", labels.fix, "fix"));
      const errors = element("ul", "", "errorlist");
      errors.append(...item.errors.map((text) => element("li", text)));
      li.append(errors);
      if (editor && item.kind === editor.kind) {
        const edit = element("button", labels.edit, "outbox-edit");
        edit.type = "button";
        edit.addEventListener("click", () => editor.edit(item));
        li.append(edit);
      } else {
        const elsewhere = element("a", labels.elsewhere.replace("{kind}", item.kind_label), "button secondary");
        elsewhere.href = item.post_url;
        li.append(elsewhere);
      }
    } else if (item.note) {
      li.append(element("p", item.note, "hint"));
    }
    return li;
  }

  window.gridcaseOutbox = {
    box, labels, user, get, put, drop, send, render,
    // The form of this page (outbox.js) takes back the items of its kind to be corrected.
    setEditor(kind, edit) { editor = { kind, edit }; return render(); },
  };

  sendButton.addEventListener("click", flush);
  window.addEventListener("online", flush);
  setInterval(() => { if (!box.hidden) flush(); }, RETRY_MS);
  render().then(flush);
})();
