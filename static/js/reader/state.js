// The reader's shared pieces: its elements, configuration, strings and the state every part
// reads (window.__reader, for tests and the curious). The parts talk through events on `root`:
// "reader:pagechange" (the current page changed) and "reader:textlayer" (a page's text is
// ready), so none of them imports another in a circle.
import { strings } from "../strings.js";

export const root = document.getElementById("reader");
export const cfg = root.dataset;
export const T = strings("pr-i18n");
export const $ = (sel) => root.querySelector(sel);
export const paperId = Number(cfg.paperId);
export const meetingId = Number(cfg.meetingId);
export const classified = cfg.classified === "true";

export const viewer = $("[data-viewer]");
export const pagesEl = $("[data-pages]");
export const thumbsEl = $("[data-thumbs]");
export const pageInput = $("[data-page-input]");
export const zoomSelect = $("[data-zoom]");
export const searchInput = $("[data-search-input]");
export const searchCount = $("[data-search-count]");
export const notesPanel = $("[data-notes]");
export const noteText = $("[data-note-text]");
export const scrim = $("[data-scrim]");
const statusEl = $("[data-status]");

// Exposed for tests and for the curious: what has been rendered so far.
export const state = (window.__reader = {
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

export const DPR = Math.min(window.devicePixelRatio || 1, 2);

/** Show a line in the reader's status area (an error in red). */
export function setStatus(text, error = false) {
  statusEl.textContent = text || "";
  statusEl.classList.toggle("pr-status--error", error);
}

/** Portrait tablets and narrow windows: thumbnails and notes become drawers. */
export function isPortrait() {
  return window.matchMedia("(max-width: 900px), (orientation: portrait) and (max-width: 1100px)").matches;
}

/** The reader fills the window below the site header, whatever that header's height is. */
export function fitHeight() {
  const top = root.getBoundingClientRect().top + window.scrollY;
  root.style.setProperty("--pr-h", `${Math.max(420, window.innerHeight - top - 8)}px`);
}

/** True when the zoom follows the window (so it is recomputed when the panels change). */
export function fitsWindow() {
  return state.zoom === "page-width" || state.zoom === "page-fit";
}
