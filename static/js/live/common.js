// Shared pieces of the live-session pages: strings, the quorum stat, the timer. (The result
// card is live/result.js.)

import { morph, setText } from "../dom.js";
import { strings, translator } from "../strings.js";

export const S = strings("live-strings");
/** A live-session string by key, with {name} placeholders filled in. */
export const t = translator("live-strings");

/** Update the quorum stat: "18 / 27", with the missing count or "quorum met". */
export function renderQuorum(root, quorum) {
  if (!root || !quorum) return;
  const value = root.querySelector("[data-stat-value]");
  const note = root.querySelector("[data-stat-note]");
  const box = root.querySelector(".stat");
  morph(value, `${quorum.present} <small>/ ${quorum.all_members}</small>`);
  if (note) setText(note, quorum.met ? S.quorum_met : t("quorum_missing", { n: quorum.missing }));
  if (box) {
    box.classList.toggle("stat--ok", quorum.met);
    box.classList.toggle("stat--bad", !quorum.met);
  }
  root.dataset.quorumMet = String(quorum.met);
}

/** Start (or stop) an item timer from the server's numbers, whatever the tablet's clock says. */
export function renderTimer(el, current) {
  if (!el) return;
  if (!current) {
    el.removeAttribute("data-stopwatch");
    el.textContent = "";
    return;
  }
  el.dataset.planned = String(current.planned_minutes * 60);
  if (current.running_since) {
    const skew = Date.now() - new Date(current.server_now).getTime();
    const start = new Date(current.running_since).getTime() + skew - current.elapsed_seconds * 1000;
    el.dataset.stopwatch = new Date(start).toISOString();
  } else {
    el.removeAttribute("data-stopwatch");
    const s = current.elapsed_seconds;
    el.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }
}
