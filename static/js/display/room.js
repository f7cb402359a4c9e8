// The room screen: read-only, no sign-in. It connects with its display token and redraws the
// whole screen from each `display.state` the server pushes (computed there: never papers, never
// who voted what). A revoked token blanks the screen and stops reconnecting. With a speaking-
// time limit the speaker's time left counts down (the tablets' countdown, at room size), from
// the server's clock: a screen that reconnects or reloads shows the same time.

import { io } from "../../vendor/socket.io/socket.io.esm.min.js";
import { setText } from "../dom.js";
import { strings, translator } from "../strings.js";
import { showResult } from "../live/result.js";
import { tickSpeeches } from "../live/speaking-timer.js";

const S = strings("display-strings");
const t = translator("display-strings");
const $ = (id) => document.getElementById(id);
const body = document.body;
let skew = 0; // server clock minus this screen's clock, in ms

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function renderQuorum(q) {
  setText($("d-present"), t("present", { p: q.present, a: q.all_members }));
  setText($("d-quorum-note"), q.met ? S.quorum_met : t("quorum_missing", { n: q.missing }));
  $("d-quorum").dataset.met = String(q.met);
}

function renderItem(state) {
  const now = state.current;
  const closed = ["closed", "archived"].includes(state.meeting.state);
  const suspended = Boolean(state.meeting.suspended);
  body.dataset.phase = suspended ? "suspended" : state.meeting.state;
  if (!now) {
    setText($("d-item-label"), closed ? S.closed : suspended ? S.suspended : state.meeting.state === "in_session" ? S.no_item : S.not_in_session);
    setText($("d-item"), "");
    setText($("d-ministry"), "");
    return;
  }
  // A suspended session keeps its item on the screen, under "Tạm dừng".
  setText($("d-item-label"), suspended ? `${S.suspended} · ${t("item", { n: now.number })}` : t("item", { n: now.number }));
  setText($("d-item"), now.restricted ? S.restricted : now.title);
  setText($("d-ministry"), now.ministry || "");
}

function renderSpeaker(state) {
  const speaker = state.current?.speaker;
  $("d-speaker-panel").dataset.empty = String(!speaker);
  setText($("d-speaker"), speaker ? speaker.name : S.no_speaker);
  const org = speaker?.office || "";
  setText($("d-speaker-org"), speaker?.for_member ? `${org} (${t("for_member", { n: speaker.for_member })})` : org);
  // A limit: the time left (and past it, how far over) instead of the time spoken.
  const limit = speaker?.since && speaker.limit_seconds ? speaker.limit_seconds : 0;
  const countdown = $("d-countdown");
  countdown.hidden = !limit;
  if (limit) {
    const end = new Date(speaker.since).getTime() - skew + limit * 1000;
    countdown.dataset.speechEnds = new Date(end).toISOString();
    setText($("d-limit"), t("limit", { t: clock(limit) }));
  } else {
    delete countdown.dataset.speechEnds;
    countdown.classList.remove("speech-timer--over", "speech-timer--soon");
  }
  $("d-speaker-panel").dataset.limit = String(Boolean(limit));
  $("d-speaker-clock").hidden = Boolean(limit);
  $("d-speaker-clock").dataset.since = limit ? "" : speaker?.since || "";
  tick();
}

function renderVote(state) {
  const vote = state.vote;
  const last = state.last_result;
  const panel = $("d-vote-panel");
  panel.hidden = !vote && !last;
  body.dataset.vote = vote ? "open" : last ? "result" : "none";
  if (vote) {
    setText($("d-vote-label"), `${S.voting} · ${vote.kind === "secret" ? S.secret : S.open}`);
    setText($("d-question"), vote.motion_label ? `${vote.motion_label}: ${vote.question}` : vote.question);
    $("d-progress-wrap").hidden = false;
    setText($("d-voted"), t("voted", { n: vote.voted, m: vote.eligible }));
    $("d-bar").style.setProperty("--value", `${vote.eligible ? (100 * vote.voted) / vote.eligible : 0}%`);
    showResult($("d-result"), null);
  } else if (last) {
    setText($("d-vote-label"), `${S.result} · ${last.kind === "secret" ? S.secret : S.open}`);
    setText($("d-question"), last.motion_label ? `${last.motion_label}: ${last.question}` : last.question);
    $("d-progress-wrap").hidden = true;
    showResult($("d-result"), { id: last.poll_id, question: "", result: last.result });
  }
}

function render(state) {
  skew = new Date(state.server_now).getTime() - Date.now();
  setText($("d-meeting"), state.meeting.title);
  renderQuorum(state.quorum);
  renderItem(state);
  renderSpeaker(state);
  renderVote(state);
  // Nobody speaking while a vote runs or its result shows: the vote takes the whole width.
  const voting = Boolean(state.vote || state.last_result);
  // Nobody can speak before an item is under discussion: no empty "speaking" panel then.
  // A suspended session has nobody speaking either.
  $("d-speaker-panel").hidden = !state.current || Boolean(state.meeting.suspended) || (voting && !state.current.speaker);
  body.dataset.panels = String([$("d-speaker-panel"), $("d-vote-panel")].filter((p) => !p.hidden).length);
  body.dataset.display = "live";
}

function tick() {
  const el = $("d-speaker-clock");
  const since = el.dataset.since;
  setText(el, since ? clock((Date.now() + skew - new Date(since).getTime()) / 1000) : "");
  tickSpeeches($("d-speaker-panel"));
  $("d-speaker-panel").dataset.over = String($("d-countdown").classList.contains("speech-timer--over"));
}

function revoked() {
  body.dataset.display = "revoked";
  setText($("d-status"), S.revoked);
  for (const id of ["d-item", "d-ministry", "d-speaker", "d-speaker-org", "d-question", "d-present", "d-quorum-note"]) setText($(id), "");
  $("d-vote-panel").hidden = true;
  $("d-countdown").hidden = true;
  showResult($("d-result"), null);
}

function connect() {
  const socket = io({ auth: { display: body.dataset.displayToken }, transports: ["websocket", "polling"] });
  socket.on("display.state", render);
  socket.on("display.revoked", () => {
    socket.disconnect();
    revoked();
  });
  socket.on("connect", () => setText($("d-status"), ""));
  socket.on("disconnect", (reason) => {
    if (body.dataset.display === "revoked" || reason === "io client disconnect") return;
    setText($("d-status"), S.offline);
    // Dropped by the server (its token revoked, or a restart): ask again; a revoked token is
    // refused and the screen goes dark.
    if (reason === "io server disconnect") socket.connect();
  });
  socket.on("connect_error", (err) => {
    // The server refuses a revoked token: stop trying, the screen stays dark.
    if (String(err?.message || "").includes("display_token_revoked")) {
      socket.disconnect();
      revoked();
    } else setText($("d-status"), S.offline);
  });
}

render(JSON.parse($("display-state").textContent));
setInterval(tick, 500);
connect();
