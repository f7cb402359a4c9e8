// The reader's side panels: thumbnails and notes sit beside the page in landscape and become
// drawers (over a scrim) in portrait; a page fitted to the window is re-fitted when they move.
import { applyZoom } from "./pages.js";
import { fitsWindow, isPortrait, noteText, notesPanel, root, scrim, state } from "./state.js";

function refit() {
  if (fitsWindow()) requestAnimationFrame(() => applyZoom(state.zoom));
}

function syncScrim() {
  const drawer = isPortrait() && (root.classList.contains("pr--thumbs-open") || !notesPanel.hidden);
  scrim.hidden = !drawer;
}

/** Show or hide the thumbnails (toggle when `open` is undefined). */
export function toggleThumbs(open) {
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
    refit();
  }
}

/** Show or hide the notes panel (toggle when `open` is undefined). */
export function toggleNotes(open) {
  const show = open ?? notesPanel.hidden;
  notesPanel.hidden = !show;
  root.querySelector('[data-action="notes"]').setAttribute("aria-expanded", String(show));
  if (show && isPortrait()) toggleThumbs(false);
  syncScrim();
  if (show) noteText.focus({ preventScroll: true });
  if (!isPortrait()) refit();
}

scrim.addEventListener("click", () => {
  toggleThumbs(false);
  toggleNotes(false);
});
