// Comments on a draft paper: written for the current page and sent to the server, listed
// beside the paper (one's own; every comment for the secretariat and the presenting ministry,
// who also get the digest link). The private notes panel (notes.js) is a different thing.
import { getJSON, postJSON } from "../http.js";
import { goTo } from "./pages.js";
import { toggleNotes } from "./panels.js";
import { $, T, cfg, root, state } from "./state.js";

const panel = $("[data-comments]");
const list = $("[data-comment-list]");
const empty = $("[data-comment-empty]");
const form = $("[data-comment-form]");
const button = $('[data-action="comments"]');
let comments = [];

function render() {
  const frag = document.createDocumentFragment();
  for (const c of comments) {
    const li = document.createElement("li");
    li.className = "pr-note";
    li.dataset.page = c.page;
    li.dataset.commentId = c.id;
    const jump = document.createElement("button");
    jump.type = "button";
    jump.className = "pr-btn pr-note__page";
    jump.textContent = `${T.page} ${c.page}`;
    jump.addEventListener("click", () => goTo(c.page));
    const who = document.createElement("p");
    who.className = "pr-comments__who";
    who.textContent = [c.author, c.author_ministry].filter(Boolean).join(", ");
    const text = document.createElement("p");
    text.className = "pr-note__text";
    text.textContent = c.text;
    li.append(jump, who, text);
    frag.append(li);
  }
  list.replaceChildren(frag);
  empty.hidden = comments.length > 0;
  root.querySelector("[data-comments-count]").textContent = comments.length || "";
}

async function load() {
  try {
    const data = await getJSON(cfg.commentsUrl);
    comments = data.comments;
    $("[data-comments-digest]").hidden = !data.reviewer;
  } catch {
    comments = [];
  }
  render();
}

/** Show or hide the comments panel (toggle when `open` is undefined); the notes close. */
export function toggleComments(open) {
  const show = open ?? panel.hidden;
  panel.hidden = !show;
  button.setAttribute("aria-expanded", String(show));
  if (show) {
    toggleNotes(false);
    $("[data-comment-text]")?.focus({ preventScroll: true });
  }
}

form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const area = $("[data-comment-text]");
  const text = area.value.trim();
  if (!text) return;
  try {
    const comment = await postJSON(cfg.commentsUrl, { page: state.current, text, version: Number(cfg.version) });
    comments.push(comment);
    comments.sort((a, b) => a.page - b.page || a.id - b.id);
    area.value = "";
    render();
  } catch (error) {
    const { toast } = await import("../ui.js");
    toast(error.message || T.commentFailed, "error");
  }
});

root.addEventListener("reader:pagechange", (event) => {
  const label = $("[data-comment-page]");
  if (label) label.textContent = event.detail.page;
});
$('[data-action="comments-close"]').addEventListener("click", () => toggleComments(false));
button.addEventListener("click", () => toggleComments());
// Opening the notes closes the comments: one side panel at a time.
$('[data-action="notes"]').addEventListener("click", () => {
  if (!panel.hidden) toggleComments(false);
});

load();
