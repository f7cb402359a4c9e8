// Meeting revisions (docs/protocol.md, "Revisions and the heartbeat"): the page knows when it
// missed a broadcast. Every broadcast about a meeting carries the revision of its commit, the
// snapshot the revision it was read at, and each worker's meeting.heartbeat the latest committed
// one. A gap, or a heartbeat newer than what the page holds, resyncs the meeting (meeting.join);
// the pill shows "updating…" meanwhile (and the DOM event realtime:syncing reports it).

const revisions = new Map(); // meeting id -> the revision this page holds
const stale = new WeakSet(); // payloads older than what the page holds: not applied
const syncing = new Set(); // meeting ids being resynced
const waiting = new Map(); // meeting id -> timer of a heartbeat's grace period
// A broadcast may reach the page a little after the heartbeat that already counts it (it went
// through Redis, the heartbeat did not): wait this long before resyncing on a heartbeat, plus a
// random part of the spread, so that the tablets of a worker that all missed the same broadcast
// do not all rejoin in the same instant (their joins would compete with a vote's casts).
const HEARTBEAT_GRACE_MS = 1500;
const HEARTBEAT_SPREAD_MS = 1000;
let resyncer = null;

/** How to resync a meeting: fn(id) -> Promise (realtime.js's rejoin). */
export function setResyncer(fn) {
  resyncer = fn;
}

/** A snapshot of meeting `id` read at `revision` was applied. */
export function snapshotAt(id, revision) {
  if (typeof revision === "number") revisions.set(id, revision);
}

/** The page stopped following meeting `id`. */
export function forget(id) {
  revisions.delete(id);
  window.clearTimeout(waiting.get(id));
  waiting.delete(id);
}

/** The revision held for meeting `id` (undefined before its first snapshot). */
export function revisionOf(id) {
  return revisions.get(id);
}

/** Look at every server event before its handlers run (socket.onAny). */
export function observe(event, payload) {
  if (!payload || typeof payload !== "object" || typeof payload.revision !== "number") return;
  const id = Number(payload.meeting_id);
  const mine = revisions.get(id);
  if (mine === undefined) return;
  const revision = payload.revision;
  if (event === "meeting.heartbeat") {
    if (revision > mine && !waiting.has(id)) {
      const timer = window.setTimeout(() => {
        waiting.delete(id);
        if ((revisions.get(id) ?? revision) < revision) resync(id);
      }, HEARTBEAT_GRACE_MS + Math.random() * HEARTBEAT_SPREAD_MS);
      waiting.set(id, timer);
    }
    return;
  }
  if (revision < mine) {
    stale.add(payload); // the snapshot (or an earlier event) had it already
  } else if (revision > mine + 1) {
    resync(id); // missed one or more: the event is applied after the fresh snapshot
  } else {
    revisions.set(id, revision);
  }
}

/** True for a payload older than the page's state (its handlers skip it). */
export function isStale(payload) {
  return !!payload && typeof payload === "object" && stale.has(payload);
}

/** True while a meeting is being resynced. */
export function isSyncing() {
  return syncing.size > 0;
}

function resync(id) {
  if (syncing.has(id) || !resyncer) return;
  syncing.add(id);
  render();
  Promise.resolve(resyncer(id)).finally(() => {
    syncing.delete(id);
    render();
  });
}

function render() {
  const pill = document.getElementById("conn-pill");
  const on = syncing.size > 0;
  if (pill) {
    pill.toggleAttribute("data-syncing", on);
    const text = pill.querySelector(".conn-pill__text");
    const label = on ? pill.dataset.labelSyncing : pill.dataset[`label${cap(pill.dataset.state || "")}`];
    if (text && label) text.textContent = label;
  }
  document.dispatchEvent(new CustomEvent("realtime:syncing", { detail: { syncing: on, meetings: [...syncing] } }));
}

function cap(s) {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
