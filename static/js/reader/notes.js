// The reader's private notes: listed beside the paper, marked on the pages that have them,
// written for the current page; kept on the server (GET/POST/PATCH/DELETE, http.js).
import { confirmDialog } from "../dialog.js";
import { deleteJSON, getJSON, patchJSON, postJSON } from "../http.js";
import { toast } from "../ui.js";
import { goTo, setCurrent } from "./pages.js";
import { toggleNotes } from "./panels.js";
import { $, T, cfg, noteText, root, state } from "./state.js";

const noteList = $("[data-note-list]");
const noteEmpty = $("[data-note-empty]");
const noteForm = $("[data-note-form]");

function noteUrl(id) {
  return cfg.noteUrl.replace(/0$/, String(id));
}

/** Fetch this person's notes on the paper and show them. */
export async function loadNotes() {
  try {
    const data = await getJSON(cfg.notesUrl);
    state.notes = data.notes;
  } catch {
    state.notes = [];
    noteEmpty.textContent = navigator.onLine ? T.noteFailed : T.notesOffline;
  }
  renderNotes();
}

function button(label, onClick, className = "pr-btn") {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

/** Draw the list of notes and the per-page markers. */
export function renderNotes() {
  const frag = document.createDocumentFragment();
  for (const note of state.notes) {
    const li = document.createElement("li");
    li.className = "pr-note";
    li.dataset.page = note.page;
    li.dataset.noteId = note.id;
    const head = document.createElement("div");
    head.className = "pr-note__head";
    const jump = button(`${T.page} ${note.page}`, () => goTo(note.page), "pr-btn pr-note__page");
    const actions = document.createElement("div");
    actions.className = "pr-note__actions";
    actions.append(
      button(T.edit, () => editNote(li, note)),
      button(T.delete, () => deleteNote(note)),
    );
    head.append(jump, actions);
    const text = document.createElement("p");
    text.className = "pr-note__text";
    text.textContent = note.text;
    li.append(head, text);
    frag.append(li);
  }
  noteList.replaceChildren(frag);
  noteEmpty.hidden = state.notes.length > 0;
  root.querySelector("[data-notes-count]").textContent = state.notes.length || "";
  renderMarkers();
  markNotesHere();
}

function renderMarkers() {
  // A marker on each page that has notes, so they are found while reading.
  const perPage = new Map();
  for (const n of state.notes) perPage.set(n.page, (perPage.get(n.page) || 0) + 1);
  for (const p of state.pages) {
    let marker = p.el.querySelector(".pr-page__notes");
    const count = perPage.get(p.num);
    if (!count) {
      marker?.remove();
      continue;
    }
    if (!marker) {
      marker = document.createElement("button");
      marker.type = "button";
      marker.className = "pr-page__notes";
      marker.addEventListener("click", () => {
        setCurrent(p.num);
        toggleNotes(true);
      });
      p.el.append(marker);
    }
    marker.textContent = count;
    marker.setAttribute("aria-label", `${T.page} ${p.num}: ${count}`);
  }
}

function markNotesHere() {
  for (const li of noteList.children) li.classList.toggle("is-here", Number(li.dataset.page) === state.current);
}

function editNote(li, note) {
  const area = document.createElement("textarea");
  area.value = note.text;
  area.rows = 4;
  area.maxLength = 10000;
  const save = button(T.save, async () => {
    try {
      Object.assign(note, await patchJSON(noteUrl(note.id), { text: area.value }));
      renderNotes();
    } catch {
      toast(T.noteFailed, "error");
    }
  }, "pr-btn pr-btn--primary");
  const cancel = button(T.cancel, renderNotes);
  li.querySelector(".pr-note__text").replaceWith(area);
  li.querySelector(".pr-note__actions").replaceChildren(save, cancel);
  area.focus();
}

async function deleteNote(note) {
  if (!(await confirmDialog(T.confirmDelete, { kind: "danger" }))) return;
  try {
    await deleteJSON(noteUrl(note.id));
    state.notes = state.notes.filter((n) => n.id !== note.id);
    renderNotes();
  } catch {
    toast(T.noteFailed, "error");
  }
}

noteForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = noteText.value.trim();
  if (!text) return;
  try {
    const note = await postJSON(cfg.notesUrl, { page: state.current, text, version: Number(cfg.version) });
    state.notes.push(note);
    state.notes.sort((a, b) => a.page - b.page || a.id - b.id);
    noteText.value = "";
    renderNotes();
  } catch {
    toast(navigator.onLine ? T.noteFailed : T.notesOffline, "error");
  }
});

root.addEventListener("reader:pagechange", markNotesHere);
