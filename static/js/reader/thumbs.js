// The reader's thumbnails: one button per page, drawn when scrolled into the strip; the
// current page's thumbnail is marked and kept in view.
import { fmt } from "../strings.js";
import { goTo } from "./pages.js";
import { toggleThumbs } from "./panels.js";
import { DPR, T, isPortrait, root, state, thumbsEl } from "./state.js";

/** Watches which thumbnails are near view (disconnected when the paper is withdrawn). */
export const thumbObserver = new IntersectionObserver(
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

/** One thumbnail button per page of the open paper. */
export function buildThumbs() {
  const frag = document.createDocumentFragment();
  for (const p of state.pages) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "pr-thumb";
    button.dataset.page = p.num;
    button.setAttribute("aria-label", fmt(T.thumbnail, { n: p.num }));
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

root.addEventListener("reader:pagechange", ({ detail: { page } }) => {
  for (const t of thumbsEl.children) {
    if (Number(t.dataset.page) === page) {
      t.setAttribute("aria-current", "page");
      if (!thumbsEl.matches(":hover")) t.scrollIntoView({ block: "nearest" });
    } else {
      t.removeAttribute("aria-current");
    }
  }
});
