// The paper reader: PDF.js pages with lazy rendering, thumbnails, search (accent-insensitive,
// so "nghi dinh" finds "Nghị định"), zoom, keyboard shortcuts, private notes, offline copies
// and the live withdrawal of the paper. PDF.js is vendored under /static/vendor/pdfjs (no CDN).
//
// This module opens the paper and wires the controls; the parts live beside it: state.js
// (elements, strings, state), pages.js (rendering, zoom, moving between pages), thumbs.js,
// panels.js (thumbnail and notes drawers), search.js, notes.js, withdrawal.js, offline.js.
import "./comments.js";
import { initFollow } from "./follow.js";
import "./gestures.js";
import { loadNotes, renderNotes } from "./notes.js";
import { isCached, precacheForUser, registerServiceWorker } from "./offline.js";
import { applyZoom, goTo, openDocument, pageObserver, setCurrent, zoomStep } from "./pages.js";
import { toggleNotes, toggleThumbs } from "./panels.js";
import { closeSearch, isFull, openSearch, toggleFull } from "./room.js";
import { runSearch, showMatch } from "./search.js";
import { T, cfg, classified, fitHeight, fitsWindow, isPortrait, pageInput, root, searchInput, setStatus, state, viewer, zoomSelect } from "./state.js";
import { buildThumbs } from "./thumbs.js";
import { closeWithdrawn, listenLive } from "./withdrawal.js";

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
  "search-open": () => (closeSearch() ? null : openSearch()),
  fullscreen: () => toggleFull(),
};

root.addEventListener("click", (event) => {
  const button = event.target.closest("[data-action]");
  if (button && actions[button.dataset.action]) actions[button.dataset.action]();
});
pageInput.addEventListener("change", () => goTo(Number(pageInput.value) || 1));
zoomSelect.addEventListener("change", () => {
  if (zoomSelect.value !== "custom") applyZoom(zoomSelect.value);
});

document.addEventListener("keydown", (event) => {
  const typing = event.target.closest?.("input, textarea, select, [contenteditable]");
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "f") {
    event.preventDefault();
    openSearch();
    return;
  }
  if (event.key === "Escape" && event.target === searchInput && closeSearch()) {
    root.querySelector('[data-action="search-open"]').focus();
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
    "/": () => openSearch(),
    f: () => toggleFull(),
    Escape: () => {
      const open = root.classList.contains("pr--thumbs-open") || !root.querySelector("[data-notes]").hidden;
      toggleThumbs(false);
      toggleNotes(false);
      if (!open && !closeSearch() && isFull()) toggleFull(false);
    },
  };
  const action = keys[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
});

new ResizeObserver(() => {
  if (state.doc && fitsWindow()) applyZoom(state.zoom);
}).observe(viewer);
window.addEventListener("resize", fitHeight);
// What stands above the reader (the site header, its navigation) may change height after the
// first measure — fonts arriving late on a busy tablet, a line that wraps, then unwraps: the
// reader follows it, so the paper never stays shorter than the window allows.
const aboveReader = new ResizeObserver(() => fitHeight());
for (let el = root; el && el !== document.body; el = el.parentElement) {
  for (let sib = el.previousElementSibling; sib; sib = sib.previousElementSibling) aboveReader.observe(sib, { box: "border-box" });
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
    await openDocument();
  } catch (error) {
    console.error(error);
    if (error?.status === 410 || error?.status === 404) return closeWithdrawn();
    setStatus(T.loadFailed, true);
    return;
  }
  fitHeight();
  if (isPortrait()) {
    root.querySelector('[data-action="thumbs"]').setAttribute("aria-expanded", "false");
  }
  buildThumbs();
  applyZoom("page-width", false);
  for (const p of state.pages) pageObserver.observe(p.el);
  const hashPage = Number(new URLSearchParams(location.hash.slice(1)).get("page"));
  setCurrent(1);
  if (hashPage > 1) goTo(hashPage);
  renderNotes();
}

open();
loadNotes();
listenLive();
initFollow();
offlineState();
