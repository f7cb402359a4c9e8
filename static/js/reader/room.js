// Room for the paper on a tablet: a full-screen mode (the Fullscreen API where the browser has
// it, a fixed layer over the page where it does not) and the search box folded behind a button
// on tablet widths, so the toolbar is one row and the page gets the height.
import { applyZoom } from "./pages.js";
import { $, fitsWindow, root, searchInput, state } from "./state.js";

const fullButton = $('[data-action="fullscreen"]');
const searchButton = $('[data-action="search-open"]');

function refit() {
  if (fitsWindow()) requestAnimationFrame(() => applyZoom(state.zoom));
}

function showFull(on) {
  root.classList.toggle("pr--full", on);
  const label = on ? fullButton.dataset.labelOff : fullButton.dataset.labelOn;
  fullButton.setAttribute("aria-label", label);
  fullButton.title = `${label} (F)`;
  refit();
}

/** True while the reader fills the screen. */
export function isFull() {
  return root.classList.contains("pr--full");
}

/** Enter or leave full screen (toggle when `on` is undefined). */
export function toggleFull(on) {
  const want = on ?? !isFull();
  showFull(want);
  // The real full screen hides the browser's own bars too; refused or absent, the layer stays.
  if (want && !document.fullscreenElement && root.requestFullscreen) {
    root.requestFullscreen({ navigationUI: "hide" }).catch(() => {});
  } else if (!want && document.fullscreenElement) {
    document.exitFullscreen().catch(() => {});
  }
}

document.addEventListener("fullscreenchange", () => {
  // Left with the system gesture or Escape: the layer goes too.
  if (!document.fullscreenElement && isFull()) showFull(false);
});

/** Show the search box (folded behind a button on tablets) and put the cursor in it. */
export function openSearch() {
  const tools = $(".pr-tools").getBoundingClientRect();
  root.style.setProperty("--pr-head", `${Math.round(tools.bottom - root.getBoundingClientRect().top + 4)}px`);
  root.classList.add("pr--search-open");
  searchButton.setAttribute("aria-expanded", "true");
  searchInput.focus();
  searchInput.select();
}

/** Fold the search box away again (on tablet widths; wide screens always show it). */
export function closeSearch() {
  if (!root.classList.contains("pr--search-open")) return false;
  root.classList.remove("pr--search-open");
  searchButton.setAttribute("aria-expanded", "false");
  return true;
}
