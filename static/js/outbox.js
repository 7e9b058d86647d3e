// The outbox of the three logging forms (dispute, hazard, resident request). A submit goes out with
// fetch; with no network (or when it drops mid-submit) the form — its fields and its photos, as Blobs —
// is kept on the phone (IndexedDB, store "outbox", key client_id) and sent when the network returns,
// from whichever of the three pages is open: each item carries its kind and where it goes. The server
// takes a repeated client_id as the same submission (photos included), so a retry never makes a second
// report; the in-flight flag below keeps one page from even trying.
(function () {
  "use strict";
  const box = document.getElementById("outbox");
  const form = box && box.parentElement.querySelector("form[method=post]");
  if (!form || !window.indexedDB || !window.fetch) return;  // the plain form still works
  const labels = box.dataset;
  const user = box.dataset.user;
  // What this page logs; items queued before the outbox knew kinds were all disputes.
  const here = { kind: labels.kind, kind_label: labels.kindLabel, post_url: labels.postUrl, detail_url: labels.detailUrl };
  const legacy = { kind: "case", kind_label: "", post_url: labels.casePostUrl, detail_url: labels.caseUrl };
  const SEND_TIMEOUT_MS = 60000;  // photos on a weak signal take a while
  const RETRY_MS = 60000;  // navigator.onLine stays true on a weak signal: "online" may never fire
  const FLASH = "gridcase-flash";  // sessionStorage: the server's message, for the page we go to
  const sent = [];  // sent while this page is open: {kind_label, title, url, message}
  let sending = false;
  const sendButton = box.querySelector(".outbox-send");
  const status = box.querySelector(".outbox-status");

  const errorBox = document.createElement("ul");
  errorBox.className = "errorlist outbox-errors";
  errorBox.hidden = true;
  form.prepend(errorBox);

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
  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));  // plain http has no randomUUID
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // The form as data: text fields by name, photos as Blobs (IndexedDB keeps them as they are).
  function snapshot() {
    const fields = {};
    const files = [];
    for (const [name, value] of new FormData(form)) {
      if (typeof value !== "string") {
        if (value.size) files.push({ field: name, name: value.name, blob: value });
      } else if (name in fields) {
        fields[name] = [].concat(fields[name], value);  // a multiple select
      } else {
        fields[name] = value;
      }
    }
    const title = (fields[labels.titleField] || "").trim().slice(0, 60);
    return { ...here, client_id: fields.client_id, user, title, fields, files, queued_at: new Date().toISOString() };
  }

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

  // ---------------------------------------------------------------- the form
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = event.submitter || form.querySelector("button[type=submit]");
    if (button.disabled) return;
    button.disabled = true;
    const item = snapshot();
    try {
      let outcome = null;
      if (navigator.onLine) {
        try {
          outcome = await send(item);
        } catch (error) {
          outcome = null;  // the network dropped mid-submit: keep it below
        }
      }
      if (outcome && outcome.url) {
        await drop(item.client_id);  // if it was a queued one, edited and sent
        if (outcome.message) sessionStorage.setItem(FLASH, outcome.message);
        window.location.assign(outcome.url);
        return;
      }
      if (outcome && outcome.errors) {
        if (await get(item.client_id)) await put({ ...item, errors: outcome.errors });
        showErrors(outcome.errors);
        return;
      }
      await put({ ...item, note: outcome ? outcome.note : undefined });
      freshForm();
      await render();
      box.scrollIntoView({ block: "start" });
    } finally {
      button.disabled = false;
    }
  });

  function showErrors(errors) {
    errorBox.replaceChildren(...errors.map((text) => element("li", text)));
    errorBox.hidden = !errors.length;
    if (errors.length) errorBox.scrollIntoView({ block: "center" });
  }

  function freshForm() {
    form.reset();
    form.elements.client_id.value = newId();
    showErrors([]);
  }

  // Put a stored item back in the form to be corrected; it stays in the outbox until sent again.
  function restore(item) {
    for (const field of form.elements) {
      if (!field.name || field.name === "csrfmiddlewaretoken") continue;
      if (field.type === "file") {
        const chosen = new DataTransfer();
        for (const file of (item.files || []).filter((f) => f.field === field.name)) {
          chosen.items.add(new File([file.blob], file.name, { type: file.blob.type }));
        }
        field.files = chosen.files;
        field.dispatchEvent(new Event("change"));  // the thumbnails follow
      } else if (field.type === "checkbox") {
        field.checked = field.name in item.fields;
      } else if (field.name in item.fields) {
        field.value = [].concat(item.fields[field.name])[0];
      }
    }
    if (form.elements.lon) form.elements.lon.dispatchEvent(new Event("change"));  // the map marker follows
    showErrors(item.errors || []);
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
      if (item.kind === here.kind) {
        const edit = element("button", labels.edit, "outbox-edit");
        edit.type = "button";
        edit.addEventListener("click", () => restore(item));
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

  form.elements.client_id.value = newId();  // a page served from the cache carries an old one
  sendButton.addEventListener("click", flush);
  window.addEventListener("online", flush);
  setInterval(() => { if (!box.hidden) flush(); }, RETRY_MS);
  render().then(flush);
})();
