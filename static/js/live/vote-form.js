// The chair's vote card on the console: the form that opens a vote, the open vote with its live
// count, and the last result, which stays in view. Its own module so other features can open a
// vote from here (e.g. a motion prepared with the item): `openVote({ question, kind, … })`.
//
// A second tap while "Mở biểu quyết" is on its way does nothing (the button is busy until the
// answer); after a vote closes the form comes back empty, never with the old question.

import { setText } from "../dom.js";
import { request } from "../realtime.js";
import { confirmDialog } from "../dialog.js";
import { clearToast, toast } from "../ui.js";
import { S, t } from "./common.js";
import { showResult } from "./result.js";

const $ = (id) => document.getElementById(id);
let ctx = null; // { meetingId, live: () => snapshot.live }
let pending = false;

/** Wire the card once; `live()` returns the console's current live state. */
export function mountVoteCard(meetingId, live) {
  ctx = { meetingId, live };
  $("vote-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    openVote({
      question: String(form.get("question") || "").trim(),
      kind: form.get("kind"),
      motion_id: Number(form.get("motion_id")) || null, // set by live/motions.js
    });
  });
  $("vote-close").addEventListener("click", closeVote);
}

/** Open a vote on the current item (payload: question, kind, and what a hook adds). One at a
 * time: a call while one is on its way is ignored. Resolves with the poll, or null. */
export async function openVote(payload) {
  if (pending) return null;
  const live = ctx.live();
  setPending(true);
  try {
    const ack = await request("vote.open", { meeting_id: ctx.meetingId, item_id: live.current_item?.item_id ?? null, ...payload });
    clearToast("vote");
    $("vote-form").reset();
    if (!live.vote || live.vote.poll.id !== ack.poll.id) live.vote = { poll: ack.poll };
    renderVoteCard();
    return ack.poll;
  } catch (err) {
    toast(err.message, "error", { key: "vote" });
    return null;
  } finally {
    setPending(false);
  }
}

function setPending(on) {
  pending = on;
  const button = $("vote-open");
  button.disabled = on;
  button.toggleAttribute("aria-busy", on);
}

async function closeVote() {
  const live = ctx.live();
  const poll = live.vote?.poll;
  if (!poll) return;
  const yes = await confirmDialog(t("close_vote_confirm", { n: poll.voted ?? 0, m: poll.eligible ?? 0 }), {
    title: S.close_vote,
    confirmLabel: S.close_vote,
    kind: "danger",
  });
  if (!yes) return;
  try {
    const ack = await request("vote.close", { poll_id: poll.id });
    clearToast("vote");
    // The vote.closed event may have come first: the result is this poll's either way.
    if (!live.last_result || live.last_result.id !== poll.id) live.last_result = { ...poll, result: ack.result };
    if (live.vote?.poll.id === poll.id) live.vote = null;
    renderVoteCard();
  } catch (err) {
    toast(err.message, "error", { key: "vote" });
  }
}

/** Draw the card from the live state: the form (in session, no vote open), the open vote, and
 * the last result (kept in view below either). */
export function renderVoteCard() {
  const live = ctx.live();
  const vote = live.vote;
  // No vote opens while the session is suspended (the server refuses too).
  $("vote-form").hidden = Boolean(vote) || !live.in_session || Boolean(live.suspended);
  $("vote-live").hidden = !vote;
  if (vote) {
    setText($("vote-question"), vote.poll.question);
    setText($("vote-progress"), t("voted", { n: vote.poll.voted ?? 0, m: vote.poll.eligible ?? 0 }));
  } else {
    setText($("vote-tally"), "");
  }
  $("vote-idle").hidden = live.in_session && !live.suspended;
  $("vote-result-empty").hidden = Boolean(live.last_result?.result);
  showResult($("vote-result"), live.last_result);
}

/** The live count of an open vote (the chair's console only; a secret vote shows no tally). */
export async function refreshTally() {
  const live = ctx.live();
  if (!live.vote) return;
  const ack = await request("vote.tally", { poll_id: live.vote.poll.id }).catch(() => null);
  if (!ack || !live.vote) return;
  const tally = ack.tally;
  live.vote.poll.voted = ack.voted;
  setText($("vote-progress"), t("voted", { n: ack.voted, m: ack.eligible }));
  setText($("vote-tally"), tally ? `${S.live_tally}: ${t("result_line", { a: tally.approve, d: tally.disapprove, x: tally.abstain, n: tally.not_voted })}` : "");
}
