// WCAG 2.x contrast of every visible piece of text on the page against its effective background.
// Run with page.evaluate; returns the failures: [what, text, ratio, needed, foreground, background].
// The background is composed from the element up through its ancestors (semi-transparent layers
// blended); text over a background image, or over a map whose colours are drawn in SVG, is judged
// against its halo (text-shadow) when it has one and skipped otherwise. Disabled controls are exempt
// (WCAG 1.4.3), as is text that is not shown (display, visibility, opacity, zero size, clipped).
() => {
  "use strict";
  const WHITE = [255, 255, 255, 1];

  function rgba(value) {
    const m = /rgba?\(([^)]+)\)/.exec(value || "");
    if (!m) return null;
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(parseFloat);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }

  function over(top, bottom) {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1);
  }

  function luminance(c) {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  function ratio(a, b) {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }

  // The colour behind `el`, or null when it cannot be known from CSS alone.
  function background(el) {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage !== "none") return null;
      if (node.classList.contains("leaflet-container") || node.tagName === "svg") return null;
      const colour = rgba(style.backgroundColor);
      if (colour && colour[3] > 0) {
        layers.push(colour);
        if (colour[3] >= 1) break;
      }
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), WHITE);
  }

  function halo(style) {
    return style.textShadow && style.textShadow !== "none" ? rgba(style.textShadow) : null;
  }

  function shown(el, style) {
    if (style.visibility !== "visible" || el.closest("[hidden], [aria-hidden=true]")) return false;
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) return false;  // .visually-hidden and the like
    for (let node = el; node; node = node.parentElement) {
      if (parseFloat(getComputedStyle(node).opacity) === 0) return false;
    }
    return true;
  }

  function hasText(el) {
    if (["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName)) return el.type !== "hidden" && (el.value || "").trim() !== "";
    return Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  }

  function describe(el) {
    const id = el.id ? `#${el.id}` : "";
    const cls = typeof el.className === "string" && el.className.trim() ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
    const parent = el.parentElement ? `${el.parentElement.tagName.toLowerCase()} > ` : "";
    return `${parent}${el.tagName.toLowerCase()}${id}${cls}`;
  }

  const failures = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (["SCRIPT", "STYLE", "OPTION", "TITLE", "NOSCRIPT"].includes(el.tagName) || !hasText(el)) continue;
    if (el.disabled || el.closest("fieldset:disabled")) continue;
    const style = getComputedStyle(el);
    if (!shown(el, style)) continue;
    const back = halo(style) || background(el);
    if (!back) continue;
    const fore = rgba(style.color);
    const text = over(fore, back);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
    const needed = large ? 3 : 4.5;
    const got = ratio(text, back);
    if (got < needed) {
      const words = (el.value || el.textContent).trim().replace(/\s+/g, " ").slice(0, 40);
      failures.push([describe(el), words, Math.round(got * 100) / 100, needed, style.color, `rgb(${back.slice(0, 3).map(Math.round).join(", ")})`]);
    }
  }
  return failures;
}
