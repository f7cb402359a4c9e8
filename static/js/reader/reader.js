// The paper reader: PDF.js pages with lazy rendering, thumbnails, search (accent-insensitive,
// so "nghi dinh" finds "Nghị định"), zoom, keyboard shortcuts, private notes, and the live
// withdrawal of the paper. PDF.js is vendored under /static/vendor/pdfjs (no CDN).
import * as pdfjsLib from "../../vendor/pdfjs/pdf.mjs";
import { isCached, precacheForUser, purgePaper, registerServiceWorker } from "./offline.js";

const root = document.getElementById("reader");
const cfg = root.dataset;
const T = JSON.parse(document.getElementById("pr-i18n").textContent);
const $ = (sel) => root.querySelector(sel);
const paperId = Number(cfg.paperId);
const meetingId = Number(cfg.meetingId);
const classified = cfg.classified === "true";

const viewer = $("[data-viewer]");
const pagesEl = $("[data-pages]");
const thumbsEl = $("[data-thumbs]");
const statusEl = $("[data-status]");
const pageInput = $("[data-page-input]");
const zoomSelect = $("[data-zoom]");
const searchInput = $("[data-search-input]");
const searchCount = $("[data-search-count]");
const notesPanel = $("[data-notes]");
const scrim = $("[data-scrim]");

pdfjsLib.GlobalWorkerOptions.workerSrc = cfg.workerSrc;

// Exposed for tests and for the curious: what has been rendered so far.
const state = (window.__reader = {
  doc: null,
  pages: [],
  pageCount: 0,
  current: 1,
  scale: 1,
  zoom: "page-width",
  rendered: new Set(),
  search: { query: "", matches: [], index: -1 },
  notes: [],
});

const ZOOM_STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3];
const DPR = Math.min(window.devicePixelRatio || 1, 2);
const KEEP_RENDERED = 10; // canvases kept in memory; tablets have little of it

function fitHeight() {
  // The reader fills the window below the site header, whatever that header's height is.
  const top = root.getBoundingClientRect().top + window.scrollY;
  root.style.setProperty("--pr-h", `${Math.max(420, window.innerHeight - top - 12)}px`);
}

function setStatus(text, error = false) {
  statusEl.textContent = text || "";
  statusEl.classList.toggle("pr-status--error", error);
}

function isPortrait() {
  return window.matchMedia("(max-width: 900px), (orientation: portrait) and (max-width: 1100px)").matches;
}

// ------------------------------------------------------------------------------ layout

function targetScale(mode) {
  const first = state.pages[state.current - 1] || state.pages[0];
  if (!first) return 1;
  const width = viewer.clientWidth - 32;
  const height = viewer.clientHeight - 32;
  if (mode === "page-width") return Math.max(0.25, width / first.width);
  if (mode === "page-fit") return Math.max(0.25, Math.min(width / first.width, height / first.height));
  return Number(mode) || 1;
}

function applyZoom(mode, keepPage = true) {
  const page = state.current;
  const pageOffset = keepPage ? offsetInPage(page) : 0;
  state.zoom = mode;
  state.scale = targetScale(mode);
  const known = [...zoomSelect.options].some((o) => o.value === String(mode));
  const custom = zoomSelect.querySelector('option[value="custom"]');
  if (known) {
    zoomSelect.value = String(mode);
  } else {
    custom.textContent = `${Math.round(state.scale * 100)}%`;
    custom.hidden = false;
    zoomSelect.value = "custom";
  }
  for (const p of state.pages) {
    p.el.style.width = `${Math.floor(p.width * state.scale)}px`;
    p.el.style.height = `${Math.floor(p.height * state.scale)}px`;
    p.el.style.setProperty("--scale-factor", state.scale);
  }
  if (keepPage) scrollToPage(page, pageOffset);
  renderVisible();
}

function offsetInPage(num) {
  const p = state.pages[num - 1];
  if (!p) return 0;
  return (viewer.scrollTop - p.el.offsetTop) / Math.max(1, p.el.offsetHeight);
}

function zoomStep(direction) {
  const current = state.scale;
  const next =
    direction > 0
      ? ZOOM_STEPS.find((s) => s > current + 0.01) ?? ZOOM_STEPS.at(-1)
      : [...ZOOM_STEPS].reverse().find((s) => s < current - 0.01) ?? ZOOM_STEPS[0];
  applyZoom(next);
}

// --------------------------------------------------------------------------- rendering

const textCache = new Map();

function textContent(num) {
  if (!textCache.has(num)) {
    textCache.set(num, state.doc.getPage(num).then((page) => page.getTextContent()));
  }
  return textCache.get(num);
}

async function renderPage(p) {
  const scale = state.scale;
  if (p.renderedScale === scale || p.pending === scale) return;
  p.pending = scale;
  p.task?.cancel();
  const page = await state.doc.getPage(p.num);
  const viewport = page.getViewport({ scale });
  const canvas = document.createElement("canvas");
  canvas.width = Math.floor(viewport.width * DPR);
  canvas.height = Math.floor(viewport.height * DPR);
  canvas.setAttribute("aria-hidden", "true");
  const task = page.render({
    canvasContext: canvas.getContext("2d", { alpha: false }),
    viewport,
    transform: DPR !== 1 ? [DPR, 0, 0, DPR, 0, 0] : null,
  });
  p.task = task;
  try {
    await task.promise;
  } catch (error) {
    if (error?.name !== "RenderingCancelledException") console.error(error);
    return;
  } finally {
    if (p.task === task) p.task = null;
  }
  if (p.pending !== scale) return;
  p.canvas?.remove();
  p.el.prepend(canvas);
  p.canvas = canvas;
  p.renderedScale = scale;
  p.pending = null;
  p.el.dataset.rendered = "true";
  state.rendered.add(p.num);
  p.lastUsed = performance.now();
  if (p.num === 1) setStatus("");
  root.dispatchEvent(new CustomEvent("reader:pagerendered", { detail: { page: p.num } }));
  // The text layer: selectable text, and where search highlights live.
  const layer = document.createElement("div");
  layer.className = "textLayer";
  const textLayer = new pdfjsLib.TextLayer({ textContentSource: await textContent(p.num), container: layer, viewport });
  await textLayer.render();
  if (p.renderedScale !== scale) return;
  p.textLayer?.remove();
  p.el.append(layer);
  p.textLayer = layer;
  p.textDivs = textLayer.textDivs;
  p.textStrs = textLayer.textContentItemsStr;
  highlightPage(p);
  evictFarPages();
}

function evictFarPages() {
  const live = state.pages.filter((p) => p.canvas);
  if (live.length <= KEEP_RENDERED) return;
  live
    .sort((a, b) => Math.abs(a.num - state.current) - Math.abs(b.num - state.current))
    .slice(KEEP_RENDERED)
    .forEach((p) => {
      p.canvas.width = p.canvas.height = 0; // frees the bitmap at once on WebKit and Blink
      p.canvas.remove();
      p.canvas = null;
      p.textLayer?.remove();
      p.textLayer = null;
      p.renderedScale = null;
      delete p.el.dataset.rendered;
    });
}

let visible = new Set();
const pageObserver = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) {
      const num = Number(entry.target.dataset.page);
      if (entry.isIntersecting) visible.add(num);
      else visible.delete(num);
    }
    renderVisible();
  },
  { root: viewer, rootMargin: "100% 0px" },
);

function renderVisible() {
  for (const num of [...visible].sort((a, b) => Math.abs(a - state.current) - Math.abs(b - state.current))) {
    renderPage(state.pages[num - 1]);
  }
}

// -------------------------------------------------------------------------- navigation

function scrollToPage(num, fraction = 0) {
  const p = state.pages[num - 1];
  if (!p) return;
  viewer.scrollTop = p.el.offsetTop - 16 + fraction * p.el.offsetHeight;
  setCurrent(num);
}

function goTo(num) {
  scrollToPage(Math.min(Math.max(1, num), state.pageCount));
}

function setCurrent(num) {
  if (num === state.current && pageInput.value === String(num)) return;
  state.current = num;
  pageInput.value = num;
  root.querySelector("[data-note-page]").textContent = num;
  for (const t of thumbsEl.children) {
    if (Number(t.dataset.page) === num) {
      t.setAttribute("aria-current", "page");
      if (!thumbsEl.matches(":hover")) t.scrollIntoView({ block: "nearest" });
    } else {
      t.removeAttribute("aria-current");
    }
  }
  markNotesHere();
}

let scrollFrame = 0;
viewer.addEventListener("scroll", () => {
  cancelAnimationFrame(scrollFrame);
  scrollFrame = requestAnimationFrame(() => {
    const middle = viewer.scrollTop + viewer.clientHeight / 3;
    const hit = state.pages.find((p) => p.el.offsetTop + p.el.offsetHeight > middle);
    if (hit) setCurrent(hit.num);
  });
});

// -------------------------------------------------------------------------- thumbnails

const thumbObserver = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) renderThumb(Number(entry.target.dataset.page));
    }
  },
  { root: thumbsEl, rootMargin: "200px 0px" },
);

async function renderThumb(num) {
  const button = thumbsEl.children[num - 1];
  if (!button || button.dataset.done) return;
  button.dataset.done = "1";
  const page = await state.doc.getPage(num);
  const base = page.getViewport({ scale: 1 });
  const viewport = page.getViewport({ scale: (132 / base.width) * DPR });
  const canvas = document.createElement("canvas");
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  await page.render({ canvasContext: canvas.getContext("2d", { alpha: false }), viewport }).promise;
  button.querySelector(".pr-thumb__ph").replaceWith(canvas);
}

function buildThumbs() {
  const frag = document.createDocumentFragment();
  for (const p of state.pages) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "pr-thumb";
    button.dataset.page = p.num;
    const label = T.thumbnail.replace("{n}", p.num);
    button.setAttribute("aria-label", label);
    const ph = document.createElement("span");
    ph.className = "pr-thumb__ph";
    ph.style.aspectRatio = `${p.width} / ${p.height}`;
    const caption = document.createElement("span");
    caption.className = "pr-thumb__label";
    caption.textContent = p.num;
    button.append(ph, caption);
    button.addEventListener("click", () => {
      goTo(p.num);
      if (isPortrait()) toggleThumbs(false);
    });
    frag.append(button);
  }
  thumbsEl.replaceChildren(frag);
  for (const b of thumbsEl.children) thumbObserver.observe(b);
}

function toggleThumbs(open) {
  const button = root.querySelector('[data-action="thumbs"]');
  if (isPortrait()) {
    const show = open ?? !root.classList.contains("pr--thumbs-open");
    root.classList.toggle("pr--thumbs-open", show);
    button.setAttribute("aria-expanded", String(show));
    if (show) toggleNotes(false);
    syncScrim();
  } else {
    const show = open ?? root.classList.contains("pr--no-thumbs");
    root.classList.toggle("pr--no-thumbs", !show);
    button.setAttribute("aria-expanded", String(show));
    if (state.zoom === "page-width" || state.zoom === "page-fit") requestAnimationFrame(() => applyZoom(state.zoom));
  }
}

function syncScrim() {
  const drawer = isPortrait() && (root.classList.contains("pr--thumbs-open") || !notesPanel.hidden);
  scrim.hidden = !drawer;
}

// ------------------------------------------------------------------------------ search

function fold(text) {
  // Accent- and case-insensitive: Vietnamese readers often type without diacritics.
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
}

function foldWithMap(strs) {
  let folded = "";
  const map = [];
  strs.forEach((str, item) => {
    for (let i = 0; i < str.length; i++) {
      const f = fold(str[i]);
      folded += f;
      for (let k = 0; k < f.length; k++) map.push([item, i]);
    }
    folded += " ";
    map.push([item, str.length]);
  });
  return { folded, map };
}

const foldedPages = new Map();

async function foldedPage(num) {
  if (!foldedPages.has(num)) {
    const content = await textContent(num);
    const strs = content.items.map((it) => it.str ?? "");
    foldedPages.set(num, foldWithMap(strs));
  }
  return foldedPages.get(num);
}

let searchRun = 0;

async function runSearch(query) {
  const run = ++searchRun;
  const needle = fold(query.trim()).replace(/\s+/g, " ");
  state.search = { query: needle, matches: [], index: -1 };
  clearHighlights();
  if (!needle) {
    searchCount.textContent = "";
    return;
  }
  searchCount.textContent = T.searching;
  for (let num = 1; num <= state.pageCount; num++) {
    const { folded, map } = await foldedPage(num);
    if (run !== searchRun) return;
    const haystack = folded.replace(/\s/g, " ");
    let at = haystack.indexOf(needle);
    while (at !== -1) {
      state.search.matches.push({ page: num, start: map[at], end: map[at + needle.length - 1] });
      at = haystack.indexOf(needle, at + needle.length);
    }
  }
  if (state.search.matches.length === 0) {
    searchCount.textContent = T.noMatches;
    return;
  }
  // Start from the first match at or after the page being read.
  const from = state.search.matches.findIndex((m) => m.page >= state.current);
  showMatch(from === -1 ? 0 : from);
}

function showMatch(index) {
  const { matches } = state.search;
  if (!matches.length) return;
  state.search.index = (index + matches.length) % matches.length;
  const match = matches[state.search.index];
  searchCount.textContent = `${state.search.index + 1}/${matches.length}`;
  const p = state.pages[match.page - 1];
  if (match.page !== state.current || !isInView(p)) scrollToPage(match.page);
  state.pages.forEach(highlightPage);
  const mark = p.textLayer?.querySelector("mark.is-current");
  if (mark) mark.scrollIntoView({ block: "center", inline: "nearest" });
}

function isInView(p) {
  return p.el.offsetTop < viewer.scrollTop + viewer.clientHeight && p.el.offsetTop + p.el.offsetHeight > viewer.scrollTop;
}

function clearHighlights() {
  for (const p of state.pages) {
    if (!p.textDivs) continue;
    p.textDivs.forEach((div, i) => {
      if (div.firstElementChild) div.textContent = p.textStrs[i];
    });
  }
}

function highlightPage(p) {
  if (!p.textDivs) return;
  p.textDivs.forEach((div, i) => {
    if (div.firstElementChild) div.textContent = p.textStrs[i];
  });
  const ranges = new Map(); // item index -> [[from, to, current]]
  state.search.matches.forEach((m, index) => {
    if (m.page !== p.num) return;
    const [i0, c0] = m.start;
    const [i1, c1] = m.end;
    for (let item = i0; item <= i1; item++) {
      const from = item === i0 ? c0 : 0;
      const to = item === i1 ? c1 + 1 : (p.textStrs[item] ?? "").length;
      if (to > from) {
        if (!ranges.has(item)) ranges.set(item, []);
        ranges.get(item).push([from, to, index === state.search.index]);
      }
    }
  });
  for (const [item, parts] of ranges) {
    const div = p.textDivs[item];
    const text = p.textStrs[item] ?? "";
    if (!div) continue;
    const frag = document.createDocumentFragment();
    let pos = 0;
    for (const [from, to, current] of parts.sort((a, b) => a[0] - b[0])) {
      if (from > pos) frag.append(text.slice(pos, from));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(Math.max(from, pos), to);
      if (current) mark.className = "is-current";
      frag.append(mark);
      pos = Math.max(pos, to);
    }
    frag.append(text.slice(pos));
    div.replaceChildren(frag);
  }
}

// ------------------------------------------------------------------------------- notes

function csrf() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

async function api(url, options = {}) {
  const response = await fetch(url, {
    credentials: "same-origin",
    ...options,
    headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrf(), ...(options.headers || {}) },
  });
  if (!response.ok) throw new Error(`${response.status}`);
  return response.status === 204 ? null : response.json();
}

const noteList = $("[data-note-list]");
const noteEmpty = $("[data-note-empty]");
const noteForm = $("[data-note-form]");
const noteText = $("[data-note-text]");

function noteUrl(id) {
  return cfg.noteUrl.replace(/0$/, String(id));
}

async function loadNotes() {
  try {
    const data = await api(cfg.notesUrl);
    state.notes = data.notes;
  } catch {
    state.notes = [];
    noteEmpty.textContent = navigator.onLine ? T.noteFailed : T.notesOffline;
  }
  renderNotes();
}

function renderNotes() {
  const frag = document.createDocumentFragment();
  for (const note of state.notes) {
    const li = document.createElement("li");
    li.className = "pr-note";
    li.dataset.page = note.page;
    li.dataset.noteId = note.id;
    const head = document.createElement("div");
    head.className = "pr-note__head";
    const jump = document.createElement("button");
    jump.type = "button";
    jump.className = "pr-btn pr-note__page";
    jump.textContent = `${T.page} ${note.page}`;
    jump.addEventListener("click", () => goTo(note.page));
    const actions = document.createElement("div");
    actions.className = "pr-note__actions";
    const edit = document.createElement("button");
    edit.type = "button";
    edit.className = "pr-btn";
    edit.textContent = T.edit;
    edit.addEventListener("click", () => editNote(li, note));
    const del = document.createElement("button");
    del.type = "button";
    del.className = "pr-btn";
    del.textContent = T.delete;
    del.addEventListener("click", () => deleteNote(note));
    actions.append(edit, del);
    head.append(jump, actions);
    const text = document.createElement("p");
    text.className = "pr-note__text";
    text.textContent = note.text;
    li.append(head, text);
    frag.append(li);
  }
  noteList.replaceChildren(frag);
  noteEmpty.hidden = state.notes.length > 0;
  root.querySelector("[data-notes-count]").textContent = state.notes.length || "";
  // A marker on each page that has notes, so they are found while reading.
  const perPage = new Map();
  for (const n of state.notes) perPage.set(n.page, (perPage.get(n.page) || 0) + 1);
  for (const p of state.pages) {
    let marker = p.el.querySelector(".pr-page__notes");
    const count = perPage.get(p.num);
    if (!count) {
      marker?.remove();
      continue;
    }
    if (!marker) {
      marker = document.createElement("button");
      marker.type = "button";
      marker.className = "pr-page__notes";
      marker.addEventListener("click", () => {
        setCurrent(p.num);
        toggleNotes(true);
      });
      p.el.append(marker);
    }
    marker.textContent = count;
    marker.setAttribute("aria-label", `${T.page} ${p.num}: ${count}`);
  }
  markNotesHere();
}

function markNotesHere() {
  for (const li of noteList.children) li.classList.toggle("is-here", Number(li.dataset.page) === state.current);
}

function editNote(li, note) {
  const area = document.createElement("textarea");
  area.value = note.text;
  area.rows = 4;
  area.maxLength = 10000;
  const save = document.createElement("button");
  save.type = "button";
  save.className = "pr-btn pr-btn--primary";
  save.textContent = T.save;
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "pr-btn";
  cancel.textContent = T.cancel;
  cancel.addEventListener("click", renderNotes);
  save.addEventListener("click", async () => {
    try {
      const updated = await api(noteUrl(note.id), { method: "PATCH", body: JSON.stringify({ text: area.value }) });
      Object.assign(note, updated);
      renderNotes();
    } catch {
      alert(T.noteFailed);
    }
  });
  li.querySelector(".pr-note__text").replaceWith(area);
  li.querySelector(".pr-note__actions").replaceChildren(save, cancel);
  area.focus();
}

async function deleteNote(note) {
  if (!confirm(T.confirmDelete)) return;
  try {
    await api(noteUrl(note.id), { method: "DELETE" });
    state.notes = state.notes.filter((n) => n.id !== note.id);
    renderNotes();
  } catch {
    alert(T.noteFailed);
  }
}

noteForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = noteText.value.trim();
  if (!text) return;
  try {
    const note = await api(cfg.notesUrl, {
      method: "POST",
      body: JSON.stringify({ page: state.current, text, version: Number(cfg.version) }),
    });
    state.notes.push(note);
    state.notes.sort((a, b) => a.page - b.page || a.id - b.id);
    noteText.value = "";
    renderNotes();
  } catch {
    alert(navigator.onLine ? T.noteFailed : T.notesOffline);
  }
});

function toggleNotes(open) {
  const show = open ?? notesPanel.hidden;
  notesPanel.hidden = !show;
  root.querySelector('[data-action="notes"]').setAttribute("aria-expanded", String(show));
  if (show && isPortrait()) toggleThumbs(false);
  syncScrim();
  if (show) noteText.focus({ preventScroll: true });
  if (!isPortrait() && (state.zoom === "page-width" || state.zoom === "page-fit")) {
    requestAnimationFrame(() => applyZoom(state.zoom));
  }
}

// ---------------------------------------------------------------------------- controls

const actions = {
  prev: () => goTo(state.current - 1),
  next: () => goTo(state.current + 1),
  "zoom-in": () => zoomStep(1),
  "zoom-out": () => zoomStep(-1),
  thumbs: () => toggleThumbs(),
  notes: () => toggleNotes(),
  "notes-close": () => toggleNotes(false),
  "search-next": () => (state.search.matches.length ? showMatch(state.search.index + 1) : runSearch(searchInput.value)),
  "search-prev": () => showMatch(state.search.index - 1),
};

root.addEventListener("click", (event) => {
  const button = event.target.closest("[data-action]");
  if (button && actions[button.dataset.action]) actions[button.dataset.action]();
});
scrim.addEventListener("click", () => {
  toggleThumbs(false);
  toggleNotes(false);
});
pageInput.addEventListener("change", () => goTo(Number(pageInput.value) || 1));
zoomSelect.addEventListener("change", () => {
  if (zoomSelect.value !== "custom") applyZoom(zoomSelect.value);
});

let searchTimer = 0;
searchInput.addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => runSearch(searchInput.value), 250);
});
$("[data-search-form]").addEventListener("submit", (event) => event.preventDefault());
searchInput.addEventListener("keydown", (event) => {
  if (event.key === "Enter") {
    event.preventDefault();
    clearTimeout(searchTimer);
    const query = fold(searchInput.value.trim()).replace(/\s+/g, " ");
    if (query !== state.search.query) runSearch(searchInput.value);
    else showMatch(state.search.index + (event.shiftKey ? -1 : 1));
  } else if (event.key === "Escape") {
    searchInput.blur();
    viewer.focus();
  }
});

document.addEventListener("keydown", (event) => {
  const typing = event.target.closest?.("input, textarea, select, [contenteditable]");
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "f") {
    event.preventDefault();
    searchInput.focus();
    searchInput.select();
    return;
  }
  if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
  const keys = {
    ArrowRight: actions.next,
    PageDown: actions.next,
    j: actions.next,
    ArrowLeft: actions.prev,
    PageUp: actions.prev,
    k: actions.prev,
    Home: () => goTo(1),
    End: () => goTo(state.pageCount),
    "+": actions["zoom-in"],
    "=": actions["zoom-in"],
    "-": actions["zoom-out"],
    0: () => applyZoom("page-width"),
    t: actions.thumbs,
    n: actions.notes,
    "/": () => searchInput.focus(),
    Escape: () => {
      toggleThumbs(false);
      toggleNotes(false);
    },
  };
  const action = keys[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
});

new ResizeObserver(() => {
  if (state.doc && (state.zoom === "page-width" || state.zoom === "page-fit")) applyZoom(state.zoom);
}).observe(viewer);
window.addEventListener("resize", fitHeight);

// ------------------------------------------------------------------ withdrawal (live)

async function closeWithdrawn() {
  if (!$("[data-gone]").hidden) return;
  $("[data-gone]").hidden = false;
  pageObserver.disconnect();
  thumbObserver.disconnect();
  pagesEl.replaceChildren();
  thumbsEl.replaceChildren();
  try {
    await state.doc?.destroy();
  } catch {
    /* already gone */
  }
  state.doc = null;
  await purgePaper(paperId);
  $("[data-gone] a")?.focus();
}

function paperIn(snapshot) {
  for (const item of snapshot?.items || []) {
    const found = (item.papers || []).find((p) => Number(p.id) === paperId);
    if (found) return found;
  }
  return null;
}

async function listenLive() {
  // The shared realtime client (one socket per tab); it re-joins after every reconnect and
  // hands over the full snapshot, so a withdrawal missed while offline is still noticed.
  try {
    const realtime = await import("../realtime.js");
    realtime.on("paper.withdrawn", (data) => {
      if (Number(data?.paper_id) === paperId) closeWithdrawn();
    });
    const follow = realtime.joinMeeting(meetingId, (snapshot) => {
      root.dataset.live = "joined";
      const mine = paperIn(snapshot);
      if (snapshot?.items && (!mine || mine.withdrawn)) closeWithdrawn();
    });
    follow.ready.catch(() => {
      root.dataset.live = "refused";
    });
  } catch (error) {
    console.warn("live updates unavailable", error);
  }
}

// ------------------------------------------------------------------------------ offline

async function offlineState() {
  const el = root.querySelector("[data-offline-state]");
  if (classified) return; // the template says so: classified papers are never kept offline
  const registration = await registerServiceWorker();
  if (!registration) return;
  let saved = await isCached(cfg.fileUrl);
  if (!saved && navigator.onLine) {
    await precacheForUser().catch(() => null);
    saved = await isCached(cfg.fileUrl);
  }
  el.dataset.state = saved ? "saved" : "missing";
  el.textContent = saved ? T.offlineSaved : T.offlineMissing;
}

// -------------------------------------------------------------------------------- open

async function open() {
  fitHeight();
  setStatus(T.loading);
  try {
    state.doc = await pdfjsLib.getDocument({
      url: cfg.fileUrl,
      cMapUrl: cfg.cmapUrl,
      cMapPacked: true,
      standardFontDataUrl: cfg.fontUrl,
      withCredentials: true,
      isEvalSupported: false,
    }).promise;
  } catch (error) {
    console.error(error);
    if (error?.status === 410 || error?.status === 404) return closeWithdrawn();
    setStatus(T.loadFailed, true);
    return;
  }
  state.pageCount = state.doc.numPages;
  root.querySelector("[data-page-count]").textContent = state.pageCount;
  pageInput.max = state.pageCount;
  const sizes = await Promise.all(
    Array.from({ length: state.pageCount }, (_, i) =>
      state.doc.getPage(i + 1).then((page) => page.getViewport({ scale: 1 })),
    ),
  );
  const frag = document.createDocumentFragment();
  state.pages = sizes.map((vp, i) => {
    const el = document.createElement("div");
    el.className = "pr-page";
    el.dataset.page = i + 1;
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", `${T.page} ${i + 1}`);
    frag.append(el);
    return { num: i + 1, el, width: vp.width, height: vp.height, canvas: null, renderedScale: null };
  });
  pagesEl.replaceChildren(frag);
  if (isPortrait()) {
    root.querySelector('[data-action="thumbs"]').setAttribute("aria-expanded", "false");
  }
  buildThumbs();
  applyZoom(isPortrait() ? "page-width" : "page-width", false);
  for (const p of state.pages) pageObserver.observe(p.el);
  const hashPage = Number(new URLSearchParams(location.hash.slice(1)).get("page"));
  setCurrent(1);
  if (hashPage > 1) goTo(hashPage);
  renderNotes();
}

open();
loadNotes();
listenLive();
offlineState();
