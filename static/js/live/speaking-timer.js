// The speaking-time countdown: each speaker has the time the chair set (per item or for the
// session); their tablet and the console count down from the server's clock, not the tablet's.

import { S } from "./common.js";

/** When the current speaker's time ends (ISO, on this device's clock), or "" without a limit. */
export function speechEnds(queue) {
  const speaking = queue?.queue?.find((e) => e.status === "speaking");
  if (!speaking || !queue.limit_seconds || !speaking.floor_at) return "";
  const skew = queue.server_now ? Date.now() - new Date(queue.server_now).getTime() : 0;
  return new Date(new Date(speaking.floor_at).getTime() + skew + queue.limit_seconds * 1000).toISOString();
}

function mmss(seconds) {
  const s = Math.abs(seconds);
  return `${seconds < 0 ? "−" : ""}${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** Write the time left into every [data-speech-ends] element (red once the time is up). */
export function tickSpeeches(root = document) {
  const now = Date.now();
  root.querySelectorAll("[data-speech-ends]").forEach((el) => {
    const end = new Date(el.dataset.speechEnds).getTime();
    if (Number.isNaN(end)) return;
    const left = Math.ceil((end - now) / 1000);
    const value = el.querySelector("[data-left]") || el;
    if (value.textContent !== mmss(left)) value.textContent = mmss(left);
    el.classList.toggle("speech-timer--over", left < 0);
    el.classList.toggle("speech-timer--soon", left >= 0 && left <= 30);
    const label = el.querySelector("[data-left-label]");
    if (label) label.textContent = left < 0 ? S.speech_over : S.speech_left;
  });
}

let ticking = false;
/** Start the once-a-second tick (idempotent). */
export function startSpeechTicker() {
  if (ticking) return;
  ticking = true;
  window.setInterval(tickSpeeches, 500);
}
