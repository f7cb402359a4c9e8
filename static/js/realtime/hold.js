// Events that wait for a snapshot. While a snapshot of a meeting is on its way (meeting.join),
// that meeting's events are kept and applied after it: the server may read the snapshot before
// a change whose event arrives first, and a page that applied the event and then the older
// snapshot would lose the change (a request to speak missing from the chair's queue). Event
// payloads carry whole parts (the queue, the quorum, the poll), so applying one again after a
// snapshot that already had it changes nothing.

const holding = new Map(); // meeting id -> {joins, queue: [() => handler(payload)]}

/** A snapshot of meeting `id` is on its way: keep its events until release(id). */
export function hold(id) {
  const entry = holding.get(id) || { joins: 0, queue: [] };
  entry.joins += 1;
  holding.set(id, entry);
}

/** The snapshot of meeting `id` was handled: apply the events kept meanwhile, in order. */
export function release(id) {
  const entry = holding.get(id);
  if (!entry) return;
  entry.joins -= 1;
  if (entry.joins > 0) return;
  holding.delete(id);
  for (const apply of entry.queue) {
    try {
      apply();
    } catch (e) {
      console.error(e);
    }
  }
}

/** `fn` as an event handler that waits while a snapshot of the payload's meeting is on its way. */
export function held(fn) {
  return (payload) => {
    const entry = payload && holding.get(Number(payload.meeting_id));
    if (entry) entry.queue.push(() => fn(payload));
    else fn(payload);
  };
}
