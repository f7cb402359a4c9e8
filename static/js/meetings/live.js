// Live meeting pages: the agenda (members and the secretariat's editor) and an item's papers
// follow every change in place. The page keeps the snapshot from meeting.join and applies
// events to it; events about restricted content carry only ids, so the page asks for a fresh
// snapshot (one message) instead.

import { morph } from "../dom.js";
import { HttpError, putJSON } from "../http.js";
import { joinMeeting, on, resync as refetch } from "../realtime.js";
import { esc, strings, translator } from "../strings.js";
import { markUpdated, toast } from "../ui.js";

const body = document.body;
const meetingId = Number(body.dataset.meetingId);
const itemId = body.dataset.itemId ? Number(body.dataset.itemId) : null;
const agendaEl = document.getElementById("agenda");
const papersEl = document.getElementById("papers");
const S = strings("meetings-strings");
const fmt = translator("meetings-strings");
let state = null;

function icon(name, cls = "") {
  const base = body.dataset.static || "/static/";
  return `<svg class="icon ${cls}" aria-hidden="true" focusable="false"><use href="${base}img/icons.svg#${name}"></use></svg>`;
}

function badge(state, label, kind) {
  const lock = state === "restricted" || state === "secret";
  return `<span class="badge badge--${kind}${lock ? " badge--lock" : ""}" data-state="${esc(state)}">${lock ? icon("lock", "icon--sm") : ""}${esc(label)}</span>`;
}

function sizeText(n) {
  return n >= 1048576 ? `${(n / 1048576).toFixed(1).replace(".", ",")} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
}

/* ----------------------------------------------------------------- agenda */

function agendaRow(item, i, n, manage) {
  const papers = (item.papers || []).filter((p) => !p.withdrawn).length;
  const kind = S.kinds?.[item.kind] || [item.kind, "neutral"];
  const moves = manage
    ? `<div class="cluster" data-move>
        <button class="btn btn--ghost btn--icon" type="button" data-key="up" data-move-up aria-label="${esc(S.move_up)}"${i === 0 ? " disabled" : ""}>${icon("arrow-up")}</button>
        <button class="btn btn--ghost btn--icon" type="button" data-key="down" data-move-down aria-label="${esc(S.move_down)}"${i === n - 1 ? " disabled" : ""}>${icon("arrow-down")}</button>
        <span class="agenda__handle" aria-hidden="true" title="${esc(S.drag)}">${icon("grip")}</span>
      </div>`
    : "";
  return `<li class="agenda__item" id="item-${item.id}" data-item-id="${item.id}"${manage ? ' draggable="true"' : ""}>
    <span class="agenda__no" data-position>${i + 1}</span>
    <div><h3 class="agenda__title"><a href="${esc(S.item_url.replace("0", item.id))}">${esc(item.title)}</a></h3>
      ${item.summary ? `<p class="agenda__summary">${esc(item.summary.length > 240 ? item.summary.slice(0, 237) + "..." : item.summary)}</p>` : ""}</div>
    <div class="agenda__end">${badge(item.kind, kind[0], kind[1])}${item.restricted ? badge("restricted", S.restricted, "warn") : ""}${moves}</div>
    <div class="agenda__meta meta-inline small muted">
      ${item.ministry ? `<span>${icon("users")} ${esc(item.ministry)}</span>` : ""}
      ${item.presenter ? `<span>${icon("mic")} ${esc(item.presenter)}</span>` : ""}
      <span>${icon("clock")} ${esc(fmt("minutes", { n: item.planned_minutes }))}</span>
      <span data-paper-count>${icon("file")} ${esc(fmt("papers", { n: papers }))}</span>
    </div></li>`;
}

function renderAgenda(changedIds = []) {
  if (!agendaEl || !state) return;
  const manage = agendaEl.dataset.manage === "1";
  const items = state.items;
  // Rows are updated in place (a tap during a live update still lands); a row that moved may
  // still lose focus, or its button may become disabled: keep keyboard focus on the same item.
  const focused = agendaEl.contains(document.activeElement) ? document.activeElement : null;
  const focusItem = focused?.closest("[data-item-id]")?.id;
  const focusSel = focused?.hasAttribute("data-move-up") ? "[data-move-up]" : focused?.hasAttribute("data-move-down") ? "[data-move-down]" : null;
  morph(agendaEl, items.map((it, i) => agendaRow(it, i, items.length, manage)).join(""));
  const lost = !agendaEl.contains(document.activeElement) || document.activeElement.disabled;
  if (focusItem && focusSel && lost) {
    const again = document.querySelector(`#${focusItem} ${focusSel}:not([disabled])`) ||
      document.querySelector(`#${focusItem} [data-move-up]:not([disabled]), #${focusItem} [data-move-down]:not([disabled])`);
    again?.focus();
  }
  const empty = document.getElementById("agenda-empty");
  if (empty) empty.hidden = items.length > 0;
  for (const id of changedIds) markUpdated(document.getElementById(`item-${id}`));
}

/* ----------------------------------------------------------------- papers */

function paperRow(p, manage) {
  const cur = p.current;
  const cls = p.withdrawn ? " paper--withdrawn" : p.updated_since_read ? " paper--updated" : "";
  const badges = [];
  if (cur) badges.push(`<span class="badge badge--outline" data-version>${esc(fmt("version", { n: cur.number }))}</span>`);
  if (p.classification !== "normal") badges.push(badge(p.classification, S[p.classification], p.classification === "secret" ? "bad" : "warn"));
  if (p.withdrawn) badges.push(badge("withdrawn", S.withdrawn, "bad"));
  else if (p.updated_since_read) badges.push(`<span class="badge badge--info" data-updated>${esc(S.updated)}</span>`);
  else if (p.unread) badges.push(`<span class="badge badge--info" data-unread>${esc(S.unread)}</span>`);
  if (cur) badges.push(`<span class="muted">${esc(cur.display_name)} · ${sizeText(cur.size)}${cur.page_count ? " · " + esc(fmt("pages", { n: cur.page_count })) : ""}</span>`);
  if (cur && !cur.readable) badges.push(`<span class="badge badge--warn">${esc(S.download_only)}</span>`);
  let actions = "";
  if (p.links) {
    const read = cur && cur.readable ? `<a class="btn btn--primary" data-key="read" href="${esc(p.links.reader || p.links.file)}">${icon("eye")}<span>${esc(S.read)}</span></a>` : "";
    const dl =
      p.classification === "normal" || manage
        ? `<a class="btn btn--secondary" data-key="download" href="${esc(cur && cur.readable ? p.links.download : p.links.file + "?original=1")}" download>${icon("download")}<span>${esc(S.download)}</span></a>`
        : "";
    actions = `<div class="cluster">${read}${dl}</div>`;
  }
  return `<li class="paper${cls}" id="paper-${p.id}" data-paper-id="${p.id}">
    <span class="paper__icon">${icon("file", "icon--lg")}</span>
    <div class="paper__body"><div class="paper__title">${esc(p.title)}</div><div class="cluster small">${badges.join("")}</div></div>
    ${actions}</li>`;
}

function renderPapers(changedIds = []) {
  if (!papersEl || !state) return;
  const item = state.items.find((it) => it.id === itemId);
  const papers = item ? item.papers : [];
  morph(papersEl, papers.map((p) => paperRow(p, papersEl.dataset.manage === "1")).join(""));
  const empty = document.getElementById("papers-empty");
  if (empty) empty.hidden = papers.length > 0;
  for (const id of changedIds) markUpdated(document.getElementById(`paper-${id}`));
}

function renderMeeting() {
  if (!state) return;
  for (const el of document.querySelectorAll("[data-meeting-state]")) {
    const st = state.meeting.phase || state.meeting.state; // "suspended" while suspended
    const b = S.states?.[st] || [st, "neutral"];
    morph(el, badge(st, b[0], b[1]));
  }
}

function renderAll(changed = {}) {
  renderMeeting();
  renderAgenda(changed.items || []);
  renderPapers(changed.papers || []);
}

/* ----------------------------------------------------------------- events */

function resync() {
  // The joinMeeting callback below gets the snapshot; events meanwhile wait for it.
  return refetch(meetingId);
}

function ours(payload) {
  return state && payload && payload.meeting_id === meetingId;
}

function itemOf(id) {
  return state.items.find((it) => it.id === id);
}

on("agenda.reordered", (p) => {
  if (!ours(p)) return;
  const pos = new Map(p.order.map((id, i) => [id, i]));
  state.items.sort((a, b) => (pos.get(a.id) ?? 1e9) - (pos.get(b.id) ?? 1e9));
  state.items.forEach((it, i) => (it.position = i + 1));
  renderAgenda();
  announce(S.reordered);
});

on("agenda.item_added", (p) => {
  if (!ours(p)) return;
  if (p.restricted) return void resync();
  if (!itemOf(p.item.id)) state.items.push({ ...p.item, papers: [] });
  renderAgenda([p.item.id]);
  announce(fmt("item_added", { t: p.item.title }));
});

on("agenda.item_updated", (p) => {
  if (!ours(p)) return;
  if (p.restricted || p.was_restricted) return void resync();
  const it = itemOf(p.item.id);
  if (it) Object.assign(it, p.item);
  renderAgenda([p.item.id]);
  if (itemId === p.item.id) {
    const t = document.querySelector(".page-header h1");
    if (t) t.textContent = p.item.title;
  }
});

on("agenda.item_removed", (p) => {
  if (!ours(p)) return;
  state.items = state.items.filter((it) => it.id !== p.item_id);
  renderAgenda();
  if (itemId === p.item_id) window.location.assign(S.meeting_url);
});

function upsertPaper(p, newVersion) {
  if (p.restricted) return void resync();
  const it = itemOf(p.item_id);
  if (!it) return;
  const i = it.papers.findIndex((x) => x.id === p.paper.id);
  const prev = i >= 0 ? it.papers[i] : null;
  const next = { ...p.paper, last_read: prev?.last_read ?? null };
  next.unread = next.last_read == null;
  next.updated_since_read = next.last_read != null && next.current && next.last_read < next.current.number;
  if (i >= 0) it.papers[i] = next;
  else it.papers.push(next);
  renderAgenda([it.id]);
  renderPapers([p.paper.id]);
  if (itemId === p.item_id) toast(fmt(newVersion ? "paper_version" : "paper_added", { t: p.paper.title }), "info");
}

on("paper.added", (p) => ours(p) && upsertPaper(p, false));
on("paper.version_added", (p) => ours(p) && upsertPaper(p, true));
on("paper.updated", (p) => ours(p) && resync());

on("paper.withdrawn", (p) => {
  if (!ours(p)) return;
  const it = itemOf(p.item_id);
  const paper = it?.papers.find((x) => x.id === p.paper_id);
  if (!paper) return;
  paper.withdrawn = true;
  delete paper.links;
  renderAgenda();
  renderPapers([paper.id]);
  if (itemId === p.item_id) toast(S.paper_withdrawn, "warning");
  // A reader open on this paper is told too (reader.js listens for the same event).
});

on("meeting.updated", (p) => {
  if (!ours(p)) return;
  Object.assign(state.meeting, p.meeting);
  renderMeeting();
});

on("meeting.state_changed", (p) => {
  if (!ours(p)) return;
  if (p.meeting) Object.assign(state.meeting, p.meeting);
  else state.meeting.state = p.state;
  state.meeting.phase = p.phase || p.meeting?.phase || p.state;
  renderMeeting();
  announce(fmt("state_changed", { s: S.states?.[state.meeting.phase]?.[0] || p.state }));
});

function announce(text) {
  const el = document.getElementById("agenda-status") || document.getElementById("papers-status");
  if (el && text) el.textContent = text;
}

/* ------------------------------------------------- reordering (secretariat) */

function currentOrder() {
  return [...agendaEl.querySelectorAll("[data-item-id]")].map((li) => Number(li.dataset.itemId));
}

async function saveOrder(order, focusId, focusSel) {
  const before = state.items.map((it) => it.id);
  const pos = new Map(order.map((id, i) => [id, i]));
  state.items.sort((a, b) => pos.get(a.id) - pos.get(b.id));
  renderAgenda([focusId]);
  const target = document.querySelector(`#item-${focusId} ${focusSel || ""}`.trim());
  if (target && !target.disabled) target.focus();
  else document.querySelector(`#item-${focusId} [data-move-up]:not([disabled]), #item-${focusId} [data-move-down]:not([disabled])`)?.focus();
  try {
    await putJSON(agendaEl.dataset.reorderUrl, { order });
    announce(S.reordered);
  } catch (err) {
    if (!(err instanceof HttpError) || err.status === 0) {
      toast(S.reorder_failed, "error");
      resync();
      return;
    }
    toast(err.problem.detail || S.reorder_failed, "error");
    const bpos = new Map((err.problem.order || before).map((id, i) => [id, i]));
    state.items.sort((a, b) => (bpos.get(a.id) ?? 1e9) - (bpos.get(b.id) ?? 1e9));
    renderAgenda();
    if (err.status === 409) resync();
  }
}

function enableReorder() {
  if (!agendaEl || agendaEl.dataset.manage !== "1") return;
  agendaEl.addEventListener("click", (ev) => {
    const btn = ev.target.closest("[data-move-up], [data-move-down]");
    if (!btn) return;
    ev.preventDefault();
    const li = btn.closest("[data-item-id]");
    const id = Number(li.dataset.itemId);
    const order = currentOrder();
    const i = order.indexOf(id);
    const j = btn.hasAttribute("data-move-up") ? i - 1 : i + 1;
    if (j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j], order[i]];
    saveOrder(order, id, btn.hasAttribute("data-move-up") ? "[data-move-up]" : "[data-move-down]");
  });
  let dragged = null;
  agendaEl.addEventListener("dragstart", (ev) => {
    dragged = ev.target.closest("[data-item-id]");
    if (!dragged) return;
    dragged.classList.add("is-dragging");
    ev.dataTransfer.effectAllowed = "move";
    ev.dataTransfer.setData("text/plain", dragged.dataset.itemId);
  });
  agendaEl.addEventListener("dragover", (ev) => {
    if (!dragged) return;
    ev.preventDefault();
    const over = ev.target.closest("[data-item-id]");
    if (!over || over === dragged) return;
    const rect = over.getBoundingClientRect();
    const after = ev.clientY > rect.top + rect.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });
  agendaEl.addEventListener("dragend", () => {
    if (!dragged) return;
    dragged.classList.remove("is-dragging");
    const id = Number(dragged.dataset.itemId);
    dragged = null;
    const order = currentOrder();
    if (order.join() !== state.items.map((it) => it.id).join()) saveOrder(order, id);
  });
  // The server-rendered up/down forms work without scripts; with scripts they go through the API.
  for (const form of agendaEl.querySelectorAll("form")) form.addEventListener("submit", (ev) => ev.preventDefault());
}

/* ------------------------------------------------------------------ start */

if (meetingId) {
  const sub = joinMeeting(meetingId, (snapshot) => {
    const first = state === null;
    state = snapshot;
    renderAll();
    if (first) body.dataset.live = "ready";
  });
  sub.ready.catch((err) => toast(err.message, "error"));
  enableReorder();
}
