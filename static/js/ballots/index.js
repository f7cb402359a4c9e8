// The member's ballot list: a ballot sent while the page is open appears at once.
import { on } from "../realtime.js";
import { toast, markUpdated } from "../ui.js";

const list = document.getElementById("open-ballots");
const template = document.getElementById("ballot-row-template");
const strings = document.getElementById("ballot-strings")?.dataset || {};

on("ballot.sent", (ballot) => {
  toast(`${strings.new || "New ballot"}: ${ballot.title}`, "info");
  if (!list || !template || list.querySelector(`[data-ballot-id="${ballot.ballot_id}"]`)) return;
  const row = template.content.firstElementChild.cloneNode(true);
  row.dataset.ballotId = ballot.ballot_id;
  const link = row.querySelector("a");
  link.href = ballot.url;
  row.querySelector(".ballot-row__title").textContent = ballot.title;
  row.querySelector(".ballot-row__meta").textContent = `${strings.deadline || "Deadline"}: ${ballot.deadline_text}`;
  list.hidden = false;
  list.parentElement.querySelector(".empty-state")?.remove();
  list.prepend(row);
  markUpdated(row);
});

on("ballot.closed", (ballot) => {
  list?.querySelector(`[data-ballot-id="${ballot.ballot_id}"]`)?.remove();
});
