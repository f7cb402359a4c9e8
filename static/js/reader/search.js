// Search in the paper: accent- and case-insensitive (Vietnamese readers often type without
// diacritics, so "nghi dinh" finds "Nghị định"), matches highlighted in the text layer.
import { isInView, scrollToPage, textContent } from "./pages.js";
import { T, root, searchCount, searchInput, state, viewer } from "./state.js";

/** Text folded for comparison: no accents, đ → d, lower case. */
export function fold(text) {
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

/** Find every match of `query` and show the first one at or after the current page. */
export async function runSearch(query) {
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
  const from = state.search.matches.findIndex((m) => m.page >= state.current);
  showMatch(from === -1 ? 0 : from);
}

/** Go to match number `index` (wrapping around) and mark it as the current one. */
export function showMatch(index) {
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

// A page's text layer arrives after its canvas: mark the matches on it.
root.addEventListener("reader:textlayer", ({ detail: { page } }) => highlightPage(page));

let searchTimer = 0;
searchInput.addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => runSearch(searchInput.value), 250);
});
root.querySelector("[data-search-form]").addEventListener("submit", (event) => event.preventDefault());
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
