// The page's words: strings translated on the server, placeholders, and HTML escaping. One copy
// for every module (a page carries its strings as <script type="application/json" id="…">).
//
//   import { t, fmt, esc, strings } from "/static/js/strings.js";
//   t("left", { t: "2 ngày" });                    // base.html's #ui-strings, {name} filled in
//   const S = strings("live-strings");             // a page's own bundle (cached)
//   fmt(S.voted, { n: 3, m: 5 });                  // "3 / 5 đã biểu quyết"
//   `<p>${esc(item.title)}</p>`;                   // text into HTML

const bundles = new Map();

/** The JSON strings block with this id (parsed once; {} when the page has none or it is broken). */
export function strings(id = "ui-strings") {
  if (!bundles.has(id)) {
    let parsed = {};
    try {
      parsed = JSON.parse(document.getElementById(id)?.textContent || "{}");
    } catch {
      parsed = {};
    }
    bundles.set(id, parsed);
  }
  return bundles.get(id);
}

/** Fill {name} placeholders; a placeholder without a value stays as written. */
export function fmt(text, values = {}) {
  return String(text ?? "").replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name] ?? "") : m));
}

/** A translated string by key (the key itself when missing), with {name} filled in. */
export function t(key, values = {}, bundle = "ui-strings") {
  return fmt(strings(bundle)[key] ?? key, values);
}

/** `t` bound to one bundle: `const tl = translator("live-strings"); tl("voted", {n, m})`. */
export function translator(bundle) {
  return (key, values = {}) => t(key, values, bundle);
}

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escape text for HTML content and quoted attribute values. */
export function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
