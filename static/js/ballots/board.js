// The secretariat's live board: join the ballot's room, apply each answer as it arrives, and
// resync the whole board after a reconnect (the join ack carries the full state).
import { on, rejoinDelay, request, status } from "../realtime.js";
import { markUpdated, localizeTimes } from "../ui.js";

const root = document.querySelector("[data-ballot-board]");
const ballotId = Number(root?.dataset.ballotBoard);
const badges = document.getElementById("board-badges");

function badgeFor(state) {
  const holder = badges?.content.querySelector(`[data-state="${state}"]`);
  return holder ? holder.firstElementChild.cloneNode(true) : document.createTextNode(state);
}

function setCount(id, value) {
  const el = document.querySelector(`#${id} [data-stat-value]`);
  if (!el) return;
  const small = el.querySelector("small");
  el.textContent = `${value}`;
  if (small) el.append(" ", small);
}

// Only what changed is rewritten: the join after every reconnect re-applies every row, and a
// tap on a row's "Nhắc" button at that moment must still land.
function applyRow(row, flash) {
  const tr = root.querySelector(`tr[data-user-id="${row.user_id}"]`);
  if (!tr) return;
  const stateClass = `board-row--${row.state}`;
  if (!tr.classList.contains(stateClass)) {
    for (const c of [...tr.classList]) if (c.startsWith("board-row--") && c !== "board-row--flash") tr.classList.remove(c);
    tr.classList.add(stateClass);
    tr.querySelector('[data-cell="state"]').replaceChildren(badgeFor(row.state));
  }
  const time = tr.querySelector('[data-cell="time"]');
  if (row.submitted_at && time.querySelector("time")?.dateTime !== row.submitted_at) {
    const stamp = document.createElement("time");
    stamp.dateTime = row.submitted_at;
    stamp.dataset.format = "datetime";
    stamp.textContent = row.submitted_at;
    time.replaceChildren(stamp);
    localizeTimes(time);
  }
  const actions = tr.querySelector('[data-cell="actions"]');
  if (row.state === "answered" && actions.hasChildNodes()) actions.replaceChildren();
  if (flash) {
    tr.classList.remove("board-row--flash");
    markUpdated(tr); // forces a style pass: the flash below starts again
    tr.classList.add("board-row--flash");
  }
}

function applyCounts(counts) {
  for (const [state, value] of Object.entries(counts)) setCount(`count-${state}`, value);
}

// A failed join is tried again (a board that never joined its room would miss the close and
// keep offering the actions of an open ballot); a reconnect joins afresh anyway.
async function join(attempt = 0) {
  try {
    const ack = await request("ballot.join", { ballot_id: ballotId });
    // Closed (or reopened) while this page was loading or offline: the page's actions changed.
    if (ack.board.status !== root.dataset.ballotStatus) {
      window.location.reload();
      return;
    }
    ack.board.rows.forEach((row) => applyRow(row, false));
    applyCounts(ack.board.counts);
  } catch (err) {
    console.warn("ballot board: join failed", err);
    const delay = rejoinDelay(err, attempt);
    if (delay === null) return;
    window.setTimeout(() => {
      if (status() === "connected") join(attempt + 1);
    }, delay);
  }
}

if (root) {
  // "connect" fires on the first connection and after every reconnect.
  on("connect", () => join());
  if (status() === "connected") join();
  on("ballot.answered", (payload) => {
    if (payload.ballot_id !== ballotId || !payload.row) return;
    applyRow(payload.row, true);
    applyCounts(payload.counts);
  });
  on("ballot.closed", (payload) => {
    if (payload.ballot_id === ballotId) window.location.reload();
  });
}
