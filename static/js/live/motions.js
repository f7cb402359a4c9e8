// The chair's console: the current item's prepared motions. "Biểu quyết" opens the vote on a
// motion with one tap (its text is the question); "Sửa rồi biểu quyết" copies it into the
// console's vote form, which sends the motion_id it carries, to be reworded first. In session
// the chair adds amendments here; every change arrives as `motion.*` and the list is re-read.

import { morph } from "../dom.js";
import { getJSON, postJSON } from "../http.js";
import { joinMeeting, on, request } from "../realtime.js";
import { esc, strings, translator } from "../strings.js";
import { toast } from "../ui.js";

const S = strings("motion-strings");
const t = translator("motion-strings");
const $ = (id) => document.getElementById(id);
const meetingId = Number(document.body.dataset.meetingId);
let itemId = null;
let inSession = false;
let voteOpen = false;
let motions = [];

function voteBadge(vote) {
  if (!vote) return "";
  if (vote.state === "open") return `<span class="badge badge--live">${esc(S.voting)}</span>`;
  return vote.passed
    ? `<span class="badge badge--ok">${esc(S.passed)}</span>`
    : `<span class="badge badge--bad">${esc(S.rejected)}</span>`;
}

function render() {
  const box = $("console-motions");
  if (!box) return;
  box.hidden = !itemId || motions.length === 0;
  const canOpen = inSession && !voteOpen;
  // Updated in place (dom.js): a tap during a live update still lands on its button.
  morph(
    $("console-motion-list"),
    motions
      .map((m) => {
        const open = !m.vote && canOpen;
        const tools = open
          ? `<button class="btn btn--primary btn--sm" type="button" data-motion-vote="${m.id}">${esc(S.vote_now)}</button>
             <button class="btn btn--secondary btn--sm" type="button" data-motion-edit="${m.id}">${esc(S.edit_first)}</button>`
          : "";
        const amend =
          inSession && !m.parent_id
            ? `<details class="motion__amend"><summary class="btn btn--ghost btn--sm">${esc(S.amend)}</summary>
                 <form class="form stack--sm" data-amend="${m.id}">
                   <label class="field__label" for="amend-${m.id}">${esc(t("amend_label", { label: m.label }))}</label>
                   <textarea class="textarea" id="amend-${m.id}" rows="2" required minlength="3"></textarea>
                   <button class="btn btn--secondary btn--sm" type="submit">${esc(S.amend_send)}</button>
                 </form></details>`
            : "";
        return `<li class="motion${m.parent_id ? " motion--amendment" : ""}" data-motion="${m.id}" data-key="motion-${m.id}">
          <div class="motion__head"><strong class="motion__label">${esc(m.label)}</strong>${voteBadge(m.vote)}</div>
          <p class="motion__text mb-0">${esc(m.text)}</p>
          ${tools || amend ? `<div class="cluster motion__tools">${tools}${amend}</div>` : ""}
        </li>`;
      })
      .join(""),
  );
}

async function load() {
  if (!itemId) {
    motions = [];
    render();
    return;
  }
  const asked = itemId;
  try {
    const data = await getJSON(`/api/v1/items/${asked}/motions`);
    if (asked === itemId) motions = data.motions;
  } catch {
    motions = [];
  }
  render();
}

/** The console's vote form carries the motion it was filled from (console.js sends it). */
function tie(motion) {
  const form = $("vote-form");
  if (!form) return;
  let input = form.querySelector('input[name="motion_id"]');
  if (!input) {
    input = document.createElement("input");
    input.type = "hidden";
    input.name = "motion_id";
    form.prepend(input);
  }
  input.value = motion ? String(motion.id) : "";
  let chip = form.querySelector("[data-motion-chip]");
  if (!chip) {
    chip = document.createElement("p");
    chip.className = "motion-chip mb-0";
    chip.dataset.motionChip = "";
    form.prepend(chip);
  }
  chip.hidden = !motion;
  morph(
    chip,
    motion
      ? `<span>${esc(t("from_motion", { label: motion.label }))}</span> <button class="btn btn--ghost btn--sm" type="button" data-motion-untie>${esc(S.untie)}</button>`
      : "",
  );
}

function kind() {
  return $("vote-form")?.querySelector('input[name="kind"]:checked')?.value || "open";
}

document.addEventListener("click", async (ev) => {
  const button = ev.target.closest("button");
  if (!button) return;
  const { motionVote, motionEdit } = button.dataset;
  if ("motionUntie" in button.dataset) return void tie(null);
  const motion = motions.find((m) => m.id === Number(motionVote || motionEdit));
  if (!motion) return;
  if (motionEdit) {
    const question = $("f-question");
    question.value = motion.text;
    tie(motion);
    question.focus();
    return;
  }
  button.disabled = true; // one tap opens one vote
  try {
    await request("vote.open", { meeting_id: meetingId, item_id: itemId, motion_id: motion.id, question: motion.text, kind: kind() });
  } catch (err) {
    if (err.code !== "vote.already_open") toast(err.message, "error");
    button.disabled = false;
  }
});

document.addEventListener("submit", async (ev) => {
  const form = ev.target.closest("[data-amend]");
  if (!form) return;
  ev.preventDefault();
  const text = form.querySelector("textarea").value.trim();
  try {
    await postJSON(`/api/v1/items/${itemId}/motions`, { parent_id: Number(form.dataset.amend), text });
    toast(S.amend_added, "success");
  } catch (err) {
    toast(err.message, "error");
  }
});

function onState(snapshot) {
  const live = snapshot.live || {};
  inSession = Boolean(live.in_session) && !live.suspended; // no vote opens while suspended
  voteOpen = Boolean(live.vote);
  const next = live.current_item?.item_id ?? null;
  if (next !== itemId) {
    itemId = next;
    tie(null);
  }
  load();
}

for (const event of ["motion.added", "motion.updated", "motion.removed"]) {
  on(event, (p) => {
    if (p.meeting_id === meetingId && p.item_id === itemId) load();
  });
}
on("vote.opened", (p) => {
  if (p.meeting_id !== meetingId) return;
  voteOpen = true;
  tie(null);
  load();
});
on("vote.closed", (p) => {
  if (p.meeting_id !== meetingId) return;
  voteOpen = false;
  load();
});
on("session.current_item", (p) => {
  if (p.meeting_id !== meetingId) return;
  itemId = p.item_id;
  tie(null);
  load();
});
on("meeting.state_changed", (p) => {
  if (p.meeting_id !== meetingId) return;
  inSession = p.state === "in_session" && !p.suspended;
  render();
});

joinMeeting(meetingId, onState);
