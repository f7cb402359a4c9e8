// The session's real state on every live page (tablet, console): planned, in session, closed.
// One line says it when nothing is being discussed; the pages offer only what the state allows.

import { setText } from "../dom.js";
import { S } from "./common.js";

const TEXT = { draft: "not_published", published: "not_in_session", closed: "session_closed", archived: "session_closed" };

/** Show `state` (the meeting's state) in the #session-state line; hidden while in session. */
export function renderSessionState(el, state) {
  if (!el) return;
  const key = TEXT[state];
  el.hidden = !key;
  el.dataset.state = state;
  if (key) setText(el.querySelector("[data-text]") || el, S[key]);
}

/** A snapshot patched for a new meeting state: outside the session nothing is current. */
export function applyState(snapshot, state) {
  snapshot.meeting.state = state;
  snapshot.live.in_session = state === "in_session";
  if (!snapshot.live.in_session) {
    snapshot.live.current_item = null;
    snapshot.live.speaking = null;
    snapshot.live.vote = null;
  }
}
