// Touch on the paper: two fingers pinch the zoom (previewed with a CSS transform, rendered
// once the fingers lift), one finger swiped sideways turns the page. Pointer events, so a
// pen or a mouse drag on a touch laptop behave the same; the browser's own page zoom is off
// on the paper (touch-action, room.css) so the pinch is the reader's.
import { applyZoom, goTo } from "./pages.js";
import { pagesEl, root, state, viewer } from "./state.js";

const MIN_SCALE = 0.5;
const MAX_SCALE = 4;
const SWIPE_MIN = 80; // px sideways before a swipe counts

const fingers = new Map();
let pinch = null;
let swipe = null;

function distance() {
  const [a, b] = [...fingers.values()];
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function middle() {
  const [a, b] = [...fingers.values()];
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

function pinchRatio() {
  const target = Math.min(MAX_SCALE, Math.max(MIN_SCALE, (pinch.scale * distance()) / pinch.distance));
  return target / pinch.scale;
}

function startPinch() {
  const box = pagesEl.getBoundingClientRect();
  const mid = middle();
  pinch = { distance: Math.max(1, distance()), scale: state.scale, ratio: 1 };
  pagesEl.style.transformOrigin = `${mid.x - box.left}px ${mid.y - box.top}px`;
  pagesEl.dataset.pinching = "";
  swipe = null;
}

function endPinch() {
  const target = pinch.scale * pinch.ratio;
  pinch = null;
  pagesEl.style.transform = "";
  delete pagesEl.dataset.pinching;
  if (Math.abs(target - state.scale) > 0.01) applyZoom(Number(target.toFixed(3)));
}

viewer.addEventListener("pointerdown", (event) => {
  if (event.pointerType === "mouse") return;
  fingers.set(event.pointerId, { x: event.clientX, y: event.clientY });
  if (fingers.size === 2) startPinch();
  else if (fingers.size === 1) swipe = { x: event.clientX, y: event.clientY, id: event.pointerId };
});

viewer.addEventListener("pointermove", (event) => {
  if (!fingers.has(event.pointerId)) return;
  fingers.set(event.pointerId, { x: event.clientX, y: event.clientY });
  if (pinch && fingers.size === 2) {
    pinch.ratio = pinchRatio();
    pagesEl.style.transform = `scale(${pinch.ratio})`;
  }
});

function lift(event) {
  if (!fingers.delete(event.pointerId)) return;
  if (pinch && fingers.size < 2) {
    endPinch();
    swipe = null;
    return;
  }
  if (swipe && swipe.id === event.pointerId && event.type === "pointerup") {
    const dx = event.clientX - swipe.x;
    const dy = event.clientY - swipe.y;
    const wide = viewer.scrollWidth > viewer.clientWidth + 1;
    // Sideways, far enough, and not a pan across a zoomed page wider than the screen.
    if (!wide && Math.abs(dx) >= SWIPE_MIN && Math.abs(dx) > 2 * Math.abs(dy)) goTo(state.current + (dx < 0 ? 1 : -1));
  }
  swipe = null;
}
viewer.addEventListener("pointerup", lift);
viewer.addEventListener("pointercancel", lift);

// A page wider than the screen pans sideways with a finger; otherwise sideways is a swipe.
root.addEventListener("reader:zoom", () => {
  requestAnimationFrame(() => {
    if (viewer.scrollWidth > viewer.clientWidth + 1) viewer.dataset.panX = "";
    else delete viewer.dataset.panX;
  });
});
