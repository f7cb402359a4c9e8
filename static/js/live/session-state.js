// The session's real state on every live page (tablet, console): planned, in session, suspended,
// closed. One line says it when nothing is being discussed or the session is suspended; the
// pages offer only what the state allows (no speaking requests, no votes while suspended).

import { setText } from "../dom.js";
import { S, t } from "./common.js";

const TEXT = { draft: "not_published", published: "not_in_session", closed: "session_closed", archived: "session_closed" };

/** Show `state` (the meeting's state; `suspended` its suspension or null) in the #session-state
 * line; hidden while the session runs. */
export function renderSessionState(el, state, suspended = null) {
  if (!el) return;
  const paused = state === "in_session" && Boolean(suspended);
  const key = paused ? "session_suspended" : TEXT[state];
  el.hidden = !key;
  el.dataset.state = paused ? "suspended" : state;
  if (!key) return;
  const text = paused && suspended.reason ? t("session_suspended_reason", { r: suspended.reason }) : S[key];
  setText(el.querySelector("[data-text]") || el, text);
}

/** The "now discussing" banner's label: "Tạm dừng" while the session is suspended (its item
 * stays on screen, its timer stands still), else "Đang thảo luận". */
export function renderNowLabel(banner, suspended) {
  const label = banner?.querySelector(".now-banner__label");
  if (!label) return;
  setText(label, suspended ? S.suspended : S.now);
  banner.toggleAttribute("data-suspended", Boolean(suspended));
}

/** A snapshot patched for a new meeting state (and suspension, from `meeting.state_changed`):
 * outside the session nothing is current; while suspended nobody asks to speak or votes. */
export function applyState(snapshot, state, suspended = null) {
  snapshot.meeting.state = state;
  snapshot.live.in_session = state === "in_session";
  snapshot.live.suspended = snapshot.live.in_session ? suspended || null : null;
  if (!snapshot.live.in_session) {
    snapshot.live.current_item = null;
    snapshot.live.speaking = null;
    snapshot.live.vote = null;
  }
}
