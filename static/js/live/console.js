// The chair's console: open/suspend/resume/close the session, move the current item, run the speakers' list
// (with the time per speaker), open and close votes (live/vote-form.js), all on one screen.
// Every irreversible step asks first in a real dialog; refusals are keyed toasts that go as soon
// as the state they were about changes.

import { morph, setText } from "../dom.js";
import { askDialog, confirmDialog } from "../dialog.js";
import { joinMeeting, on, request, resync } from "../realtime.js";
import { esc } from "../strings.js";
import { clearToast, formatDate, toast } from "../ui.js";
import { S, renderQuorum, renderTimer, t } from "./common.js";
import { applyState, renderNowLabel, renderSessionState } from "./session-state.js";
import { speechEnds, startSpeechTicker, tickSpeeches } from "./speaking-timer.js";
import { mountVoteCard, refreshTally, renderVoteCard } from "./vote-form.js";

const meetingId = Number(document.body.dataset.meetingId);
const $ = (id) => document.getElementById(id);
let state = null;
let live = null;

/** Send one console action; a refusal is shown as the toast of its subject (`key`). */
async function act(event, data, key = event) {
  try {
    const ack = await request(event, { meeting_id: meetingId, ...data });
    clearToast(key);
    return ack;
  } catch (err) {
    toast(err.message, "error", { key });
    return null;
  }
}

function render() {
  const inSession = live.in_session;
  $("session-open").hidden = state.meeting.state !== "published";
  const suspended = Boolean(inSession && live.suspended);
  $("session-close").hidden = !inSession;
  $("session-suspend").hidden = !inSession || suspended;
  $("session-resume").hidden = !suspended;
  renderSessionState($("session-state"), state.meeting.state, live.suspended);
  renderQuorum($("quorum"), live.quorum);
  const current = live.current_item;
  $("now-banner").hidden = !current;
  renderNowLabel($("now-banner"), suspended);
  renderTimer($("now-timer"), current);
  if (current) {
    const item = state.items.find((i) => i.id === current.item_id);
    setText($("now-title"), `${S.item} ${current.number}${item ? ` — ${item.title}` : ""}`);
  }
  // Lists are updated in place (dom.js): a tap on a button during a live update still lands.
  // Buttons are keyed by action, so a tap never lands on a button that changed its meaning.
  morph(
    $("agenda"),
    state.items
      .map((item, i) => {
        const isCurrent = item.id === current?.item_id;
        const go = inSession && !isCurrent ? `<button class="btn btn--secondary btn--sm" data-key="goto" data-goto="${item.id}">${esc(S.go_to_item)}</button>` : "";
        return `<li class="agenda__item${isCurrent ? " agenda__item--current" : ""}" data-key="item-${item.id}">
        <span class="agenda__no">${i + 1}</span>
        <div><p class="agenda__title mb-0">${esc(item.title)}</p><p class="agenda__meta muted small mb-0">${esc(item.ministry || "")} · ${item.planned_minutes}′</p></div>
        <span class="agenda__end">${go}</span>
      </li>`;
      })
      .join(""),
  );
  renderQueue();
  renderVoteCard();
}

let shownSpeaker = null;

function renderQueue() {
  const q = live.speaking;
  const list = q ? q.queue : [];
  const ends = speechEnds(q);
  morph(
    $("queue"),
    list
      .map((e) => {
        const speaking = e.status === "speaking";
        // While suspended nobody is given the floor (the server refuses too).
        const floor = live.suspended ? "" : `<button class="btn btn--primary btn--sm" data-key="floor" data-floor="${e.id}">${esc(S.give_floor)}</button>`;
        const timer = speaking && ends ? `<span class="speech-timer speech-timer--sm" data-countdown-speaker data-speech-ends="${ends}"><span data-left></span></span>` : "";
        return `<li class="queue__entry${speaking ? " queue__entry--speaking" : ""}" data-key="request-${e.id}">
        <span class="queue__name">${esc(e.name)}<span class="queue__org">${esc(e.for_member ? t("deputy_for", { n: e.for_member }) : e.title || "")}</span></span>
        ${timer}
        ${
          speaking
            ? `<button class="btn btn--secondary btn--sm" data-key="finish" data-finish="${e.id}">${esc(S.finish)}</button>`
            : `${floor}
               <button class="btn btn--ghost btn--sm" data-key="remove" data-remove="${e.id}">${esc(S.remove)}</button>`
        }
      </li>`;
      })
      .join(""),
  );
  tickSpeeches($("queue"));
  // A new speaker is listed first: bring them into view in the list the chair may have scrolled.
  const speaker = list.find((e) => e.status === "speaking")?.id ?? null;
  if (speaker !== null && speaker !== shownSpeaker) $("queue").scrollTop = 0;
  shownSpeaker = speaker;
  $("queue-empty").hidden = list.length > 0;
  $("close-list").hidden = !live.current_item;
  $("close-list").dataset.closed = q?.closed ? "1" : "";
  $("close-list").setAttribute("aria-pressed", q?.closed ? "true" : "false");
  const limits = $("speaking-limits");
  limits.hidden = !live.current_item;
  $("speaking-limit").value = String(q?.item_limit_seconds ?? q?.session_limit_seconds ?? "");
  $("speaking-limit-session").value = String(q?.session_limit_seconds ?? "");
  setText($("speaking-limit-now"), $("speaking-limit").selectedOptions[0]?.textContent || "");
}

/** A session planned for another day (next week's, opened by mistake) is named in the question. */
function openingWarning() {
  const starts = state.meeting.starts_at ? new Date(state.meeting.starts_at) : null;
  if (!starts || Number.isNaN(starts.getTime())) return "";
  if (formatDate(starts, "date") === formatDate(new Date(), "date")) return "";
  return t("open_other_day", { d: formatDate(starts, "full") });
}

async function openSession() {
  const yes = await confirmDialog(S.open_confirm, { title: S.open_session, confirmLabel: S.open_session, detail: openingWarning() });
  if (yes) await act("session.open", {}, "session");
}

async function closeSession() {
  // An open vote must end first (the server refuses too): say so rather than ask.
  if (live.vote) return void toast(S.close_confirm_vote_open, "warning", { key: "session" });
  const yes = await confirmDialog(S.close_confirm, { title: S.close_session, confirmLabel: S.close_session, kind: "danger" });
  if (yes) await act("session.close", {}, "session");
}

async function suspendSession() {
  // A vote is never left dangling: it ends first (the server refuses too).
  if (live.vote) return void toast(S.suspend_vote_open, "warning", { key: "session" });
  const reason = await askDialog(S.suspend_reason, { title: S.suspend_session, confirmLabel: S.suspend_session });
  if (reason !== null) await act("session.suspend", { reason }, "session");
}

function setLimit(itemId, value) {
  act("speaking.set_limit", { item_id: itemId, seconds: value ? Number(value) : null }, "speaking");
}

function bind() {
  $("session-open").addEventListener("click", openSession);
  $("session-close").addEventListener("click", closeSession);
  $("session-suspend").addEventListener("click", suspendSession);
  $("session-resume").addEventListener("click", () => act("session.resume", {}, "session"));
  document.addEventListener("click", async (ev) => {
    const button = ev.target.closest("button");
    if (!button) return;
    const { goto, floor, finish, remove } = button.dataset;
    if (goto) await act("session.set_current_item", { item_id: Number(goto) }, "item");
    if (floor) await act("speaking.give_floor", { request_id: Number(floor) }, "speaking");
    if (finish) await act("speaking.finish", { request_id: Number(finish) }, "speaking");
    if (remove) await act("speaking.remove", { request_id: Number(remove) }, "speaking");
  });
  $("close-list").addEventListener("click", () =>
    act("speaking.close_list", { item_id: live.current_item.item_id, closed: !$("close-list").dataset.closed }, "speaking"),
  );
  $("speaking-limit").addEventListener("change", (ev) => setLimit(live.current_item?.item_id ?? null, ev.target.value));
  $("speaking-limit-session").addEventListener("change", (ev) => setLimit(null, ev.target.value));
  mountVoteCard(meetingId, () => live);
  on("attendance.updated", (p) => {
    if (p.meeting_id !== meetingId) return;
    live.quorum = p.quorum;
    renderQuorum($("quorum"), live.quorum);
    // A refusal for want of a quorum is stale once the quorum is met.
    if (p.quorum.met) clearToast("vote");
  });
  on("session.current_item", (p) => {
    if (p.meeting_id !== meetingId || !live?.in_session) return;
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
    clearToast("vote");
    renderVoteCard();
  });
  on("vote.progress", (p) => {
    if (live.vote && live.vote.poll.id === p.poll_id) refreshTally();
  });
  on("vote.closed", (p) => {
    if (p.meeting_id !== meetingId) return;
    if (live.vote?.poll.id === p.poll.id) live.vote = null;
    live.last_result = p.poll;
    renderVoteCard();
  });
  on("meeting.state_changed", (p) => {
    if (p.meeting_id !== meetingId) return;
    if (!state) return void resync(meetingId); // not joined yet: the first snapshot is on its way
    // The whole console follows at once (a closed session shows no item, timer or vote form);
    // the snapshot follows.
    applyState(state, p.state, p.suspended);
    clearToast("session");
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
startSpeechTicker();
joinMeeting(meetingId, onState);
