// The reader's pages: PDF.js rendering of the pages near the one being read (canvases beyond
// KEEP_RENDERED are freed), zoom, and moving between pages.
import * as pdfjsLib from "../../vendor/pdfjs/pdf.mjs";
import { DPR, T, cfg, pageInput, pagesEl, root, setStatus, state, viewer, zoomSelect } from "./state.js";

pdfjsLib.GlobalWorkerOptions.workerSrc = cfg.workerSrc;

const ZOOM_STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3];
const KEEP_RENDERED = 10; // canvases kept in memory; tablets have little of it

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

/** Zoom to a mode ("page-width", "page-fit") or a factor, keeping the place on the page. */
export function applyZoom(mode, keepPage = true) {
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
  root.dispatchEvent(new CustomEvent("reader:zoom", { detail: { scale: state.scale } }));
}

function offsetInPage(num) {
  const p = state.pages[num - 1];
  if (!p) return 0;
  return (viewer.scrollTop - p.el.offsetTop) / Math.max(1, p.el.offsetHeight);
}

/** One step in or out on the zoom ladder. */
export function zoomStep(direction) {
  const current = state.scale;
  const next =
    direction > 0
      ? ZOOM_STEPS.find((s) => s > current + 0.01) ?? ZOOM_STEPS.at(-1)
      : [...ZOOM_STEPS].reverse().find((s) => s < current - 0.01) ?? ZOOM_STEPS[0];
  applyZoom(next);
}

// --------------------------------------------------------------------------- rendering

const textCache = new Map();

/** A page's text content (fetched once; search and the text layer share it). */
export function textContent(num) {
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
  root.dispatchEvent(new CustomEvent("reader:textlayer", { detail: { page: p } }));
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

const visible = new Set();
/** Watches which pages are near the viewport (disconnected when the paper is withdrawn). */
export const pageObserver = new IntersectionObserver(
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

/** Scroll so that page `num` (and `fraction` of it) is at the top. */
export function scrollToPage(num, fraction = 0) {
  const p = state.pages[num - 1];
  if (!p) return;
  viewer.scrollTop = p.el.offsetTop - 16 + fraction * p.el.offsetHeight;
  setCurrent(num);
}

/** Go to page `num` (clamped to the paper). */
export function goTo(num) {
  scrollToPage(Math.min(Math.max(1, num), state.pageCount));
}

/** Make `num` the current page (page box, note form); the thumbnails and notes follow the event. */
export function setCurrent(num) {
  if (num === state.current && pageInput.value === String(num)) return;
  state.current = num;
  pageInput.value = num;
  root.querySelector("[data-note-page]").textContent = num;
  root.dispatchEvent(new CustomEvent("reader:pagechange", { detail: { page: num } }));
}

/** True when some of page `p` is on screen. */
export function isInView(p) {
  return p.el.offsetTop < viewer.scrollTop + viewer.clientHeight && p.el.offsetTop + p.el.offsetHeight > viewer.scrollTop;
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

// ------------------------------------------------------------------------------- open

/** Open the paper with PDF.js and lay out one empty box per page (rendered when near view). */
export async function openDocument() {
  state.doc = await pdfjsLib.getDocument({
    url: cfg.fileUrl,
    cMapUrl: cfg.cmapUrl,
    cMapPacked: true,
    standardFontDataUrl: cfg.fontUrl,
    withCredentials: true,
    isEvalSupported: false,
  }).promise;
  state.pageCount = state.doc.numPages;
  root.querySelector("[data-page-count]").textContent = state.pageCount;
  pageInput.max = state.pageCount;
  const sizes = await Promise.all(
    Array.from({ length: state.pageCount }, (_, i) => state.doc.getPage(i + 1).then((page) => page.getViewport({ scale: 1 }))),
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
}
