// The live tablet's way to the papers: each agenda row links to its item's page, and the
// current item's papers (only those the snapshot lists for this person) are one tap away under
// the "now discussing" banner.
import { morph } from "../dom.js";
import { esc } from "../strings.js";

const list = document.getElementById("now-papers");

/** The page of agenda item `id` (the URL pattern comes from the template, 0 as placeholder). */
export function itemUrl(id) {
  return (document.getElementById("agenda")?.dataset.itemUrl || "/meetings/items/0").replace(/0$/, String(id));
}

/** An agenda row's title, as a link to the item's page. */
export function agendaTitle(item) {
  return `<a href="${esc(itemUrl(item.id))}">${esc(item.title)}</a>`;
}

function paperLink(paper) {
  const href = paper.links?.reader || paper.links?.download;
  if (!href) return "";
  const lock = paper.classification !== "normal" ? `<svg class="icon" aria-hidden="true"><use href="${esc(list.dataset.icons)}#lock"></use></svg>` : "";
  return `<li data-key="paper-${paper.id}"><a class="now-papers__link" href="${esc(href)}">${lock}<svg class="icon" aria-hidden="true"><use href="${esc(list.dataset.icons)}#file"></use></svg><span>${esc(paper.title)}</span></a></li>`;
}

/** List the current item's readable papers under the banner (hidden when there are none). */
export function renderNowPapers(item) {
  if (!list) return;
  const papers = (item?.papers || []).filter((p) => !p.withdrawn);
  morph(list, papers.map(paperLink).join(""));
  list.hidden = papers.length === 0;
}
