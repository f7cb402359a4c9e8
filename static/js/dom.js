// Live re-renders that keep element identity. A list redrawn with innerHTML replaces every
// button and link in it: a tap whose press landed on the old node and whose release lands on
// the new one is lost (the browser fires no click). morph() updates the page in place instead:
// nodes are matched by key (data-key, else id) or by position, only changed attributes and
// text are written, and reordered nodes are moved (moveBefore keeps focus where supported).
//
//   import { morph, patch } from "/static/js/dom.js";
//   morph(listEl, items.map(rowHtml).join(""));   // listEl's children become the new rows
//   patch(rowEl, freshRowFromServer);             // one element becomes another, in place

// Classes a script adds for a moment (a flash after a live change, a drag in progress): a
// redraw does not take them away.
const TRANSIENT_CLASSES = ["is-updated", "is-dragging"];

/** Parse an HTML string into a detached fragment. */
export function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content;
}

/** Make the children of `parent` those described by `html` (a string, or a node whose children to copy). */
export function morph(parent, html) {
  if (!parent) return;
  patchChildren(parent, typeof html === "string" ? fragment(html) : html);
}

/** Make `el` equal to `want` (an element of the same tag) without replacing it. */
export function patch(el, want) {
  if (!sameKind(el, want)) {
    el.replaceWith(want);
    return want;
  }
  patchNode(el, want);
  return el;
}

function keyOf(node) {
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  return node.getAttribute("data-key") ?? (node.id || null);
}

function sameKind(a, b) {
  if (a.nodeType !== b.nodeType || a.nodeName !== b.nodeName) return false;
  return a.nodeType !== Node.ELEMENT_NODE || a.getAttribute("type") === b.getAttribute("type");
}

function move(parent, node, before) {
  if (typeof parent.moveBefore === "function") {
    try {
      parent.moveBefore(node, before);
      return;
    } catch {
      /* not movable atomically (e.g. across documents): fall back to a plain insert */
    }
  }
  parent.insertBefore(node, before);
}

function patchNode(el, want) {
  if (el.nodeType !== Node.ELEMENT_NODE) {
    if (el.nodeValue !== want.nodeValue) el.nodeValue = want.nodeValue;
    return;
  }
  patchAttributes(el, want);
  if (el.localName === "template") return;
  patchChildren(el, want);
}

function patchAttributes(el, want) {
  for (const { name } of [...el.attributes]) {
    if (!want.hasAttribute(name)) el.removeAttribute(name);
  }
  for (const { name, value } of [...want.attributes]) {
    let next = value;
    if (name === "class") {
      const keep = TRANSIENT_CLASSES.filter((c) => el.classList.contains(c) && !want.classList.contains(c));
      if (keep.length) next = `${value} ${keep.join(" ")}`;
    }
    if (el.getAttribute(name) !== next) el.setAttribute(name, next);
  }
  if (el.classList.length && !want.hasAttribute("class")) {
    const keep = TRANSIENT_CLASSES.filter((c) => el.classList.contains(c));
    if (keep.length) el.setAttribute("class", keep.join(" "));
  }
}

function patchChildren(parent, want) {
  const next = [...want.childNodes];
  const wanted = new Set(next.map(keyOf).filter((k) => k !== null));
  const byKey = new Map();
  for (const child of [...parent.childNodes]) {
    const key = keyOf(child);
    if (key === null) continue;
    if (!wanted.has(key) || byKey.has(key)) child.remove();
    else byKey.set(key, child);
  }
  let cursor = parent.firstChild;
  for (const node of next) {
    const key = keyOf(node);
    let match = null;
    if (key !== null) {
      match = byKey.get(key) ?? null;
      byKey.delete(key);
      if (match && !sameKind(match, node)) {
        if (match === cursor) cursor = cursor.nextSibling;
        match.remove();
        match = null;
      }
    } else if (cursor && keyOf(cursor) === null && sameKind(cursor, node)) {
      match = cursor;
    }
    if (!match) {
      parent.insertBefore(node, cursor);
      continue;
    }
    if (match === cursor) {
      cursor = cursor.nextSibling;
    } else if (onlyUnkeyedBetween(cursor, match)) {
      // Leftover text or unkeyed nodes in front of the match have no counterpart: drop them
      // instead of moving the match (a moved node loses a press in progress on some browsers).
      while (cursor !== match) {
        const after = cursor.nextSibling;
        cursor.remove();
        cursor = after;
      }
      cursor = match.nextSibling;
    } else {
      move(parent, match, cursor);
    }
    patchNode(match, node);
  }
  while (cursor) {
    const after = cursor.nextSibling;
    cursor.remove();
    cursor = after;
  }
}

function onlyUnkeyedBetween(from, to) {
  for (let node = from; node && node !== to; node = node.nextSibling) {
    if (keyOf(node) !== null) return false;
  }
  return true;
}

/** Set an element's text only when it differs (a live redraw leaves unchanged nodes alone). */
export function setText(el, text) {
  if (el && el.textContent !== String(text)) el.textContent = String(text);
}
