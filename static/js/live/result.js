// The outcome card of a closed vote on the live pages. The card is drawn once, in Jinja
// (templates/live/_result.html, the same macro the item page renders): this module copies the
// page's #vote-result-template and fills it from the poll's result.

import { setText } from "../dom.js";
import { strings, translator } from "../strings.js";

const S = strings("live-strings");
const t = translator("live-strings");
const TIE_NOTES = { secret: "secret_tie", chair_approve: "chair_tie", chair_disapprove: "chair_tie" };

/** A filled copy of the result card for `poll` ({question, result}); null when the page has no template. */
export function resultCard(poll) {
  const template = document.getElementById("vote-result-template");
  if (!template) return null;
  const card = template.content.firstElementChild.cloneNode(true);
  fillResult(card, poll);
  return card;
}

/** Write `poll`'s result into a card made from the template (used again for a newer result). */
export function fillResult(card, poll) {
  const r = poll.result;
  card.dataset.passed = String(r.passed);
  card.dataset.poll = String(poll.id ?? r.poll_id ?? "");
  setText(card.querySelector("[data-question]"), poll.question || "");
  // The vote on a prepared motion links back to it on the item page.
  const motion = card.querySelector("[data-motion]");
  if (motion) {
    motion.hidden = !poll.motion_id;
    const link = motion.querySelector("a");
    link.href = poll.motion_id ? `/meetings/items/${poll.item_id}#motion-${poll.motion_id}` : "#";
    setText(link, poll.motion_label || "");
  }
  const outcome = card.querySelector("[data-outcome]");
  outcome.classList.toggle("outcome--passed", r.passed);
  outcome.classList.toggle("outcome--rejected", !r.passed);
  const use = outcome.querySelector("use");
  use?.setAttribute("href", use.getAttribute("href").replace(/#.*$/, r.passed ? "#success" : "#error"));
  setText(card.querySelector("[data-outcome-text]"), r.passed ? S.passed : S.rejected);
  // The bar's scale is all members (what the rule counts against), not those who could vote.
  const scale = r.all_members || r.eligible;
  const pct = (n) => (scale ? (100 * n) / scale : 0).toFixed(2);
  for (const seg of card.querySelectorAll("[data-seg]")) seg.style.setProperty("--value", `${pct(r[seg.dataset.seg])}%`);
  const mark = card.querySelector("[data-threshold]");
  if (mark) {
    mark.hidden = false;
    mark.style.setProperty("--at", `${pct(r.required)}%`);
    setText(mark.querySelector("[data-threshold-label]"), String(r.required));
  }
  setText(card.querySelector("[data-scale]"), String(scale));
  setText(card.querySelector("[data-counts]"), t("result_line", { a: r.approve, d: r.disapprove, x: r.abstain, n: r.not_voted }));
  setText(card.querySelector("[data-rule]"), ruleLine(r));
  const tie = card.querySelector("[data-tie]");
  const isTie = r.decided_by === "chair_tie";
  tie.hidden = !isTie;
  setText(tie, isTie ? S[TIE_NOTES[r.tie_break] || "chair_no_side"] : "");
}

/** "Quy tắc quá nửa tổng số thành viên: cần 14 phiếu tán thành trên 27 thành viên". */
export function ruleLine(r) {
  const rule = r.rule || {};
  const name = t("rule_name", { t: S[`threshold_${rule.threshold}`] || rule.threshold, b: S[`base_${rule.base}`] || rule.base });
  const unit = rule.base === "votes_cast" ? S.unit_votes : S.unit_members;
  return t("rule_line", { rule: name, r: r.required, b: r.base, u: unit });
}

/** Show `poll`'s result in `box` (reusing the card already there), or empty the box. */
export function showResult(box, poll) {
  if (!box) return;
  if (!poll?.result) {
    box.replaceChildren();
    return;
  }
  const card = box.querySelector("[data-result]");
  if (card) fillResult(card, poll);
  else box.replaceChildren(resultCard(poll) || "");
}
