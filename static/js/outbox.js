// The outbox's form side, on the three logging pages (dispute, hazard, resident request): a submit goes
// out with fetch; with no network (or when it drops mid-submit) the form — its fields and its photos,
// as Blobs — is put in the queue (static/js/outbox-queue.js, loaded before this), which sends it when
// the network returns, from this page or any other that shows the outbox (the home map too).
(function () {
  "use strict";
  const outbox = window.gridcaseOutbox;
  if (!outbox) return;  // no IndexedDB: the plain form still works
  const { box, labels, user } = outbox;
  const form = box.parentElement.querySelector("form[method=post]");
  if (!form) return;
  // What this page logs.
  const here = { kind: labels.kind, kind_label: labels.kindLabel, post_url: labels.postUrl, detail_url: labels.detailUrl };
  const FLASH = "gridcase-flash";  // sessionStorage: the server's message, for the page we go to

  const errorBox = document.createElement("ul");
  errorBox.className = "errorlist outbox-errors";
  errorBox.hidden = true;
  form.prepend(errorBox);

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
    // A dispute may be logged without a title (the server derives it): list it by its sentence.
    const title = (fields[labels.titleField] || fields[labels.titleFallback] || "").trim().slice(0, 60);
    return { ...here, client_id: fields.client_id, user, title, fields, files, queued_at: new Date().toISOString() };
  }

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
          outcome = await outbox.send(item);
        } catch (error) {
          outcome = null;  // the network dropped mid-submit: keep it below
        }
      }
      if (outcome && outcome.url) {
        await outbox.drop(item.client_id);  // if it was a queued one, edited and sent
        if (outcome.message) sessionStorage.setItem(FLASH, outcome.message);
        window.location.assign(outcome.url);
        return;
      }
      if (outcome && outcome.errors) {
        if (await outbox.get(item.client_id)) await outbox.put({ ...item, errors: outcome.errors });
        showErrors(outcome.errors);
        return;
      }
      await outbox.put({ ...item, note: outcome ? outcome.note : undefined });
      freshForm();
      await outbox.render();
      box.scrollIntoView({ block: "start" });
    } finally {
      button.disabled = false;
    }
  });

  function element(tag, text) {
    const node = document.createElement(tag);
    node.textContent = text;
    return node;
  }

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

  form.elements.client_id.value = newId();  // a page served from the cache carries an old one
  outbox.setEditor(here.kind, restore);
})();
