// A member's tablet in session: now-discussing banner, check-in, agenda, speaking, voting.
// The full state comes from meeting.join (again after every reconnect); events patch it.

import { fragment, morph, setText } from "../dom.js";
import { joinMeeting, on, request, resync as refetch } from "../realtime.js";
import { esc } from "../strings.js";
import { toast } from "../ui.js";
import { S, renderQuorum, renderTimer, t } from "./common.js";
import { agendaTitle, renderNowPapers } from "./papers.js";
import { showResult } from "./result.js";
import { applyState, renderNowLabel, renderSessionState } from "./session-state.js";
import { speechEnds, startSpeechTicker, tickSpeeches } from "./speaking-timer.js";
import { acked, checkReceipt, dropLegacy, forgetMeeting, prepare, sealBallot, unsent } from "./secret.js";

const meetingId = Number(document.body.dataset.meetingId);
const $ = (id) => document.getElementById(id);
let state = null;
let live = null;
dropLegacy(meetingId);

function render() {
  renderSessionState($("session-state"), state.meeting.state, live.suspended);
  renderAgenda();
  renderNow();
  renderQuorum($("quorum"), live.quorum);
  renderCheckIn();
  renderQueue();
  renderVote();
}

function renderAgenda() {
  const current = live.current_item?.item_id;
  // Updated in place (dom.js), like every live list: taps and focus survive a live update.
  morph(
    $("agenda"),
    state.items
      .map(
        (item, i) => `<li class="agenda__item${item.id === current ? " agenda__item--current" : ""}" id="item-${item.id}">
        <span class="agenda__no">${i + 1}</span>
        <div><p class="agenda__title mb-0">${agendaTitle(item)}</p>
        <p class="agenda__meta muted small mb-0">${esc(item.ministry || "")}</p></div>
      </li>`,
      )
      .join(""),
  );
}

function renderNow() {
  const current = live.current_item;
  const banner = $("now-banner");
  const item = current && state.items.find((i) => i.id === current.item_id);
  banner.hidden = !current;
  renderNowLabel(banner, live.suspended);
  renderNowPapers(item);
  renderTimer($("now-timer"), current); // no item (a closed session): the timer stops and empties
  if (!current) return;
  setText($("now-title"), `${S.item} ${current.number}${item ? ` — ${item.title}` : ""}`);
  $("now-jump").href = `#item-${current.item_id}`;
}

function renderCheckIn() {
  const card = $("checkin-card");
  const mine = live.me.attendance;
  card.hidden = !live.in_session;
  if (mine && mine.presence === "present") {
    $("checkin-status").textContent = `${S.checked_in} (${mine.mode === "remote" ? S.remote : S.in_room})`;
    // The pressed button disappears: keep a keyboard or screen-reader user's place on the answer.
    if ($("checkin-actions").contains(document.activeElement)) $("checkin-status").focus();
    $("checkin-actions").hidden = true;
  } else {
    $("checkin-actions").hidden = false;
  }
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
        ${e.status === "speaking" ? `<span class="badge badge--ok">${esc(S.speaking)}</span>` : ""}
      </li>`,
      )
      .join(""),
  );
  $("queue-empty").hidden = list.length > 0;
  const me = Number(document.body.dataset.userId);
  const mine = list.find((e) => e.user_id === me && e.status === "waiting");
  // Waiting or speaking already: asking again would do nothing; while the session is suspended
  // nobody asks to speak (the server refuses too).
  const speaking = list.some((e) => e.user_id === me && e.status === "speaking");
  $("request-floor").hidden =
    Boolean(mine) || speaking || !live.current_item || Boolean(live.suspended);
  $("request-floor").disabled = Boolean(q?.closed);
  $("request-floor").title = q?.closed ? S.list_closed : "";
  $("withdraw-floor").hidden = !mine;
  $("withdraw-floor").dataset.requestId = mine ? mine.id : "";
  // The speaker's own countdown, large at the top of their tablet.
  const speakingNow = list.find((e) => e.status === "speaking");
  const ends = speakingNow?.user_id === me ? speechEnds(q) : "";
  const timer = $("my-countdown");
  timer.hidden = !ends;
  if (ends) timer.dataset.speechEnds = ends;
  else delete timer.dataset.speechEnds;
  tickSpeeches(timer.parentElement);
}

function renderVote() {
  const area = $("vote-area");
  const vote = live.vote;
  if (!vote) {
    if (!live.last_result) {
      area.replaceChildren();
      return;
    }
    if (!area.querySelector("[data-result-card]")) {
      area.replaceChildren(fragment(`<div class="card" data-result-card><div class="card__body"></div></div>`));
    }
    const body = area.querySelector("[data-result-card] > .card__body");
    showResult(body, live.last_result);
    showBallotCheck(body, live.last_result);
    return;
  }
  if (vote.poll.kind === "secret") prepare();
  let panel = area.querySelector("[data-poll]");
  if (!panel || Number(panel.dataset.poll) !== vote.poll.id) {
    area.replaceChildren();
    panel = $("vote-template").content.firstElementChild.cloneNode(true);
    panel.dataset.poll = vote.poll.id;
    area.append(panel);
    panel.scrollIntoView({ block: "start", behavior: "smooth" });
    panel.querySelectorAll("input[name=choice]").forEach((input) => input.addEventListener("change", () => cast(vote.poll, input.value)));
  }
  setText(panel.querySelector("[data-question]"), vote.poll.question);
  morph(panel.querySelector("[data-kind]"), `<span class="badge badge--${vote.poll.kind === "secret" ? "info" : "neutral"}">${esc(vote.poll.kind === "secret" ? S.secret : S.open)}</span>`);
  setText(panel.querySelector("[data-progress]"), t("voted", { n: vote.poll.voted, m: vote.poll.eligible }));
  // Someone who may not vote is told why, and offered no buttons to tap.
  const note = panel.querySelector("[data-note]");
  const inputs = panel.querySelectorAll("input[name=choice]");
  note.hidden = vote.can_vote;
  panel.querySelector("[data-note-text]").textContent = vote.can_vote ? "" : S[`not_eligible_${vote.not_eligible}`] || S.not_eligible;
  panel.querySelector("[data-choices]").hidden = !vote.can_vote;
  const secretDone = vote.poll.kind === "secret" && vote.my_cast;
  inputs.forEach((input) => {
    input.disabled = !vote.can_vote || Boolean(secretDone);
  });
  showReceipt(panel, vote);
}

// After a secret vote: the tablet looks for its own receipt token in the published list.
function showBallotCheck(body, poll) {
  const check = poll.kind === "secret" ? checkReceipt(meetingId, poll) : null;
  let line = body.querySelector("[data-ballot-check]");
  if (!check) {
    line?.remove();
    return;
  }
  if (!line) {
    line = document.createElement("p");
    line.className = "receipt mb-0";
    body.append(line);
  }
  line.dataset.ballotCheck = check.status;
  const text = check.status === "counted" ? S.ballot_counted : S.ballot_missing;
  const token = check.token ? ` · ${t("receipt_token", { t: check.token })}` : "";
  setText(line, `${check.status === "counted" ? "✓ " : "⚠ "}${text}${token}`);
}

function showReceipt(panel, vote) {
  const box = panel.querySelector("[data-receipt]");
  const cast = vote.my_cast;
  // The foot only holds the receipt: no empty band under the choices or the note.
  box.parentElement.hidden = !cast;
  if (!cast) {
    box.hidden = true;
    return;
  }
  // A secret cast's choice never comes back from the server and the tablet does not keep it.
  const choice = cast.choice;
  if (choice) {
    const input = panel.querySelector(`input[value="${choice}"]`);
    if (input) input.checked = true;
  }
  const time = new Date(cast.at).toLocaleTimeString("vi-VN");
  const line = cast.choice ? t("your_choice", { c: S[cast.choice] }) : S.secret_cast;
  box.hidden = false;
  box.classList.toggle("receipt--pending", Boolean(cast.pending));
  setText(box, cast.pending ? S.sending : `✓ ${line} · ${t("receipt", { t: time })}`);
  box.dataset.receipt = cast.client_id || "";
}

async function cast(poll, choice) {
  const vote = live.vote;
  vote.my_cast = { ...(vote.my_cast || {}), pending: true, choice: poll.kind === "open" ? choice : undefined };
  renderVote();
  try {
    let data = { poll_id: poll.id, choice };
    if (poll.kind === "secret") {
      // Sealed here; only the ciphertext leaves the tablet (kept until acked, to resend as is).
      const sealed = await sealBallot(meetingId, poll, choice);
      data = { poll_id: poll.id, client_id: sealed.client_id, ciphertext: sealed.ciphertext };
    }
    const ack = await request("vote.cast", data, { retry: true });
    if (poll.kind === "secret") acked(meetingId, poll.id);
    if (live.vote && live.vote.poll.id === poll.id) {
      live.vote.my_cast = ack.receipt;
      renderVote();
    }
  } catch (err) {
    toast(err.message, "error");
    if (live.vote) live.vote.my_cast = null;
    renderVote();
  }
}

function bind() {
  document.querySelectorAll("[data-checkin]").forEach((btn) =>
    btn.addEventListener("click", async () => {
      try {
        const ack = await request("attendance.check_in", { meeting_id: meetingId, mode: btn.dataset.checkin }, { retry: true });
        live.me.attendance = ack.attendance;
        renderCheckIn();
      } catch (err) {
        toast(err.message, "error");
      }
    }),
  );
  $("request-floor").addEventListener("click", async () => {
    try {
      await request("speaking.request", { meeting_id: meetingId, item_id: live.current_item.item_id });
    } catch (err) {
      toast(err.message, "error");
    }
  });
  $("withdraw-floor").addEventListener("click", async () => {
    try {
      await request("speaking.withdraw", { meeting_id: meetingId, request_id: Number($("withdraw-floor").dataset.requestId) });
    } catch (err) {
      toast(err.message, "error");
    }
  });
  on("attendance.updated", (p) => {
    if (p.meeting_id !== meetingId) return;
    live.quorum = p.quorum;
    const mine = p.attendee.user_id === Number(document.body.dataset.userId);
    if (mine) live.me.attendance = p.attendee;
    renderQuorum($("quorum"), live.quorum);
    renderCheckIn();
    // Arriving during a vote changes why this person may not vote in it ("arrived late").
    if (mine && live.vote && !live.vote.can_vote) resync();
  });
  on("session.current_item", (p) => {
    if (p.meeting_id !== meetingId || !live?.in_session) return;
    live.current_item = p;
    if (live.speaking && live.speaking.item_id !== p.item_id) live.speaking = null;
    renderAgenda();
    renderNow();
    renderQueue();
  });
  on("speaking.updated", (p) => {
    if (p.meeting_id !== meetingId || p.item_id !== live.current_item?.item_id) return;
    live.speaking = p;
    renderQueue();
  });
  on("vote.opened", (p) => {
    if (p.meeting_id !== meetingId) return;
    // Whether this person may vote is personal: the snapshot says so.
    resync();
  });
  on("vote.progress", (p) => {
    if (!live.vote || live.vote.poll.id !== p.poll_id) return;
    live.vote.poll.voted = p.voted;
    renderVote();
  });
  on("vote.closed", (p) => {
    if (p.meeting_id !== meetingId) return;
    live.vote = null;
    live.last_result = p.poll;
    renderVote();
  });
  on("meeting.state_changed", (p) => {
    if (p.meeting_id !== meetingId) return;
    if (!state) return void resync(); // not joined yet: the first snapshot is on its way
    // The whole page follows at once (check-in offered on opening; after closing no item, timer
    // or "Đăng ký phát biểu", nor while suspended); the snapshot (which may take a while on a
    // busy server) follows.
    applyState(state, p.state, p.suspended);
    render();
    resync();
  });
}

function resync() {
  refetch(meetingId); // onState gets the snapshot; events meanwhile wait for it
}

function onState(snapshot) {
  state = snapshot;
  live = snapshot.live;
  if (snapshot.meeting?.state === "closed") forgetMeeting(meetingId);
  render();
  resendUnsent();
}

// A secret ballot sealed before a reload or a drop but never acked goes out again, unchanged.
function resendUnsent() {
  const vote = live.vote;
  if (!vote || vote.poll.kind !== "secret" || vote.my_cast || !vote.can_vote) {
    if (vote?.my_cast && vote.poll.kind === "secret") acked(meetingId, vote.poll.id);
    return;
  }
  if (unsent(meetingId, vote.poll.id)) cast(vote.poll, null);
}

bind();
startSpeechTicker();
joinMeeting(meetingId, onState);
