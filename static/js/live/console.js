// The chair's console: open/close the session, move the current item, run the speakers'
// list, open and close votes (with the live count and the provisional tally).

import { morph, setText } from "../dom.js";
import { joinMeeting, on, request, resync } from "../realtime.js";
import { esc } from "../strings.js";
import { toast } from "../ui.js";
import { S, renderQuorum, renderTimer, t } from "./common.js";
import { showResult } from "./result.js";

const meetingId = Number(document.body.dataset.meetingId);
const $ = (id) => document.getElementById(id);
let state = null;
let live = null;

async function act(event, data) {
  try {
    return await request(event, { meeting_id: meetingId, ...data });
  } catch (err) {
    toast(err.message, "error");
    return null;
  }
}

function render() {
  $("session-open").hidden = state.meeting.state !== "published";
  $("session-close").hidden = !live.in_session;
  renderQuorum($("quorum"), live.quorum);
  const current = live.current_item;
  $("now-banner").hidden = !current;
  if (current) {
    const item = state.items.find((i) => i.id === current.item_id);
    $("now-title").textContent = `${S.item} ${current.number}${item ? ` — ${item.title}` : ""}`;
    renderTimer($("now-timer"), current);
  }
  // Lists are updated in place (dom.js): a tap on a button during a live update still lands.
  // Buttons are keyed by action, so a tap never lands on a button that changed its meaning.
  morph(
    $("agenda"),
    state.items
      .map(
        (item, i) => `<li class="agenda__item${item.id === current?.item_id ? " agenda__item--current" : ""}" data-key="item-${item.id}">
        <span class="agenda__no">${i + 1}</span>
        <div><p class="agenda__title mb-0">${esc(item.title)}</p><p class="agenda__meta muted small mb-0">${esc(item.ministry || "")} · ${item.planned_minutes}′</p></div>
        <span class="agenda__end">${item.id === current?.item_id ? "" : `<button class="btn btn--secondary btn--sm" data-key="goto" data-goto="${item.id}" ${live.in_session ? "" : "disabled"}>${esc(S.go_to_item)}</button>`}</span>
      </li>`,
      )
      .join(""),
  );
  renderQueue();
  renderVote();
}

function renderQueue() {
  const q = live.speaking;
  const list = q ? q.queue : [];
  morph(
    $("queue"),
    list
      .map(
        (e) => `<li class="queue__entry${e.status === "speaking" ? " queue__entry--speaking" : ""}" data-key="request-${e.id}">
        <span class="queue__name">${esc(e.name)}<span class="queue__org">${esc(e.for_member ? t("deputy_for", { n: e.for_member }) : e.title || "")}</span></span>
        ${
          e.status === "speaking"
            ? `<button class="btn btn--secondary btn--sm" data-key="finish" data-finish="${e.id}">${esc(S.finish)}</button>`
            : `<button class="btn btn--primary btn--sm" data-key="floor" data-floor="${e.id}">${esc(S.give_floor)}</button>
               <button class="btn btn--ghost btn--sm" data-key="remove" data-remove="${e.id}">${esc(S.remove)}</button>`
        }
      </li>`,
      )
      .join(""),
  );
  $("queue-empty").hidden = list.length > 0;
  $("close-list").disabled = !live.current_item;
  $("close-list").dataset.closed = q?.closed ? "1" : "";
  $("close-list").setAttribute("aria-pressed", q?.closed ? "true" : "false");
}

function renderVote() {
  const vote = live.vote;
  $("vote-form").hidden = Boolean(vote) || !live.in_session;
  $("vote-live").hidden = !vote;
  if (vote) {
    setText($("vote-question"), vote.poll.question);
    setText($("vote-progress"), t("voted", { n: vote.poll.voted, m: vote.poll.eligible }));
  }
  showResult($("vote-result"), vote ? null : live.last_result);
}

async function refreshTally() {
  if (!live.vote) return;
  const ack = await request("vote.tally", { poll_id: live.vote.poll.id }).catch(() => null);
  if (!ack || !live.vote) return;
  const tally = ack.tally;
  live.vote.poll.voted = ack.voted;
  setText($("vote-progress"), t("voted", { n: ack.voted, m: ack.eligible }));
  // A secret vote shows nobody a running tally, the chair included: only "N of M have voted".
  setText($("vote-tally"), tally ? `${S.live_tally}: ${t("result_line", { a: tally.approve, d: tally.disapprove, x: tally.abstain, n: tally.not_voted })}` : "");
}

function bind() {
  $("session-open").addEventListener("click", () => act("session.open"));
  $("session-close").addEventListener("click", () => act("session.close"));
  document.addEventListener("click", async (ev) => {
    const button = ev.target.closest("button");
    if (!button) return;
    const { goto, floor, finish, remove } = button.dataset;
    if (goto) await act("session.set_current_item", { item_id: Number(goto) });
    if (floor) await act("speaking.give_floor", { request_id: Number(floor) });
    if (finish) await act("speaking.finish", { request_id: Number(finish) });
    if (remove) await act("speaking.remove", { request_id: Number(remove) });
  });
  $("close-list").addEventListener("click", () =>
    act("speaking.close_list", { item_id: live.current_item.item_id, closed: !$("close-list").dataset.closed }),
  );
  $("vote-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const ack = await act("vote.open", {
      item_id: live.current_item?.item_id ?? null,
      question: String(form.get("question") || "").trim(),
      kind: form.get("kind"),
      motion_id: Number(form.get("motion_id")) || null, // set by live/motions.js
    });
    if (ack) {
      live.vote = { poll: ack.poll };
      renderVote();
    }
  });
  $("vote-close").addEventListener("click", async () => {
    const ack = await request("vote.close", { poll_id: live.vote.poll.id }).catch((err) => toast(err.message, "error"));
    if (ack) {
      live.last_result = { ...live.vote.poll, result: ack.result };
      live.vote = null;
      renderVote();
    }
  });
  on("attendance.updated", (p) => {
    if (p.meeting_id !== meetingId) return;
    live.quorum = p.quorum;
    renderQuorum($("quorum"), live.quorum);
  });
  on("session.current_item", (p) => {
    if (p.meeting_id !== meetingId) return;
    live.current_item = p;
    live.speaking = null;
    resync(meetingId); // the new item's queue; events meanwhile wait for the snapshot
  });
  on("speaking.updated", (p) => {
    if (p.meeting_id !== meetingId || p.item_id !== live.current_item?.item_id) return;
    live.speaking = p;
    renderQueue();
  });
  on("vote.opened", (p) => {
    if (p.meeting_id !== meetingId) return;
    live.vote = { poll: p.poll };
    renderVote();
  });
  on("vote.progress", (p) => {
    if (live.vote && live.vote.poll.id === p.poll_id) refreshTally();
  });
  on("vote.closed", (p) => {
    if (p.meeting_id !== meetingId) return;
    live.vote = null;
    live.last_result = p.poll;
    renderVote();
  });
  on("meeting.state_changed", (p) => {
    if (p.meeting_id !== meetingId) return;
    if (!state) return void resync(meetingId); // not joined yet: the first snapshot is on its way
    // The session buttons follow at once; the snapshot (agenda, queue, vote) follows.
    state.meeting.state = p.state;
    live.in_session = p.state === "in_session";
    render();
    resync(meetingId);
  });
}

function onState(snapshot) {
  state = snapshot;
  live = snapshot.live;
  render();
}

bind();
joinMeeting(meetingId, onState);
