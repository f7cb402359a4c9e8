// The one shared Socket.IO connection of a page, and the client half of the event envelope
// (docs/protocol.md): client→server events are acknowledged with {ok: true, ...} or
// {ok: false, error: {code, message}}; server→client events are named noun.verb. The events
// themselves (vote.cast, vote.closed, agenda.reordered …) are listed in docs/protocol.md.
//
//   import { on, request, joinMeeting, status } from "/static/js/realtime.js";
//   on("agenda.reordered", (payload) => …);
//   const ack = await request("vote.cast", {poll_id, choice}, {retry: true});
//   joinMeeting(42, (state) => render(state));   // called again with fresh state after every reconnect
//
// The connection starts lazily on first use (ui.js starts it on every signed-in page so the
// status pill and personal notifications work everywhere).

import { io } from "../vendor/socket.io/socket.io.esm.min.js";
import { held, hold, release } from "./realtime/hold.js";
import { link } from "./realtime/link.js";
import { goToSignIn, renderPill } from "./realtime/pill.js";
import { DEFAULT_TIMEOUT, emitOnce, flushPending, pendingRequests, request as send } from "./realtime/requests.js";
import { forget, isStale, observe, revisionOf, setResyncer, snapshotAt } from "./realtime/revisions.js";

export { clientId, onPending, pendingRequests, RequestError } from "./realtime/requests.js";
export { isSyncing, revisionOf } from "./realtime/revisions.js";

let socket = null;
let state = "connecting"; // connecting | connected | reconnecting | offline
let everConnected = false;
const statusListeners = new Set();
const meetings = new Map(); // meeting id -> Set of onState callbacks

/** The shared socket, created on first call. */
export function connect() {
  if (socket) return socket;
  socket = io({
    // WebSocket first (what tablets keep open for hours); long-polling only when a proxy
    // refuses the upgrade.
    transports: ["websocket", "polling"],
    withCredentials: true,
    reconnection: true,
    // Exponential backoff with jitter: 0.5 s, 1 s, 2 s … capped at 15 s, so 150 tablets
    // coming back after a Wi-Fi drop do not all knock at the same instant.
    reconnectionDelay: 500,
    reconnectionDelayMax: 15000,
    randomizationFactor: 0.5,
    timeout: 10000,
  });
  link.socket = socket;

  socket.on("connect", onConnect);
  // Revisions first: a gap or a newer heartbeat resyncs the meeting (realtime/revisions.js).
  socket.onAny(observe);
  // The worker is shutting down after answering what it had: reconnect (the proxy sends the
  // new connection to another worker), rejoin, resend what is unanswered.
  socket.on("server.restarting", () => {
    setState("reconnecting");
    socket.io.engine?.close();
  });
  socket.on("disconnect", (reason) => {
    if (reason === "io server disconnect") {
      // The server hung up on purpose (e.g. the account was deactivated). Try once more: a
      // refused connect then sends the person to the sign-in page.
      setState("reconnecting");
      window.setTimeout(() => socket.connect(), 1000);
      return;
    }
    setState(navigator.onLine === false ? "offline" : "reconnecting");
  });
  socket.on("connect_error", (err) => {
    if (!socket.active && err?.message === "unavailable") {
      // Refused for now (database unreachable, worker draining): not a session problem.
      setState("reconnecting");
      window.setTimeout(() => socket.connect(), 1000 + Math.random() * 2000);
      return;
    }
    if (!socket.active) {
      // Refused by the server's connect handler: no valid session any more.
      goToSignIn();
      return;
    }
    setState(navigator.onLine === false ? "offline" : "reconnecting");
    if (err && err.message) console.debug("realtime: connect error", err.message);
  });
  socket.io.on("reconnect_attempt", () => {
    if (state !== "offline") setState("reconnecting");
  });
  socket.on("session.revoked", () => goToSignIn());

  // The browser knows about lost networks long before a ping times out; a tablet walking out
  // of Wi-Fi range shows "offline" at once and reconnects the moment the network is back.
  window.addEventListener("offline", () => {
    setState("offline");
    if (socket.connected) socket.io.engine?.close();
  });
  window.addEventListener("online", () => {
    if (socket.connected) return;
    setState("reconnecting");
    // Skip the rest of the backoff wait: a forced close resets it, connect() dials at once.
    socket.disconnect();
    socket.connect();
  });
  if (navigator.onLine === false) setState("offline");
  return socket;
}

function onConnect() {
  const wasReconnect = everConnected;
  everConnected = true;
  setState("connected");
  // Rejoin every followed meeting first (the room must exist before replayed actions
  // produce events), then replay requests made while offline.
  const joins = [...meetings.keys()].map((id) => rejoin(id));
  Promise.allSettled(joins).then(() => flushPending());
  if (wasReconnect) document.dispatchEvent(new CustomEvent("realtime:reconnected"));
}

function setState(next) {
  if (state === next) return;
  const previous = state;
  state = next;
  link.state = next;
  renderPill(state, previous);
  for (const fn of statusListeners) {
    try {
      fn(next, previous);
    } catch (e) {
      console.error(e);
    }
  }
  document.dispatchEvent(new CustomEvent("realtime:status", { detail: { state: next, previous } }));
}

/** Current connection state: "connecting" | "connected" | "reconnecting" | "offline". */
export function status() {
  return state;
}

/** Call fn(state, previous) on every connection state change; returns an unsubscribe function. */
export function onStatus(fn) {
  statusListeners.add(fn);
  return () => statusListeners.delete(fn);
}

const wrappers = new Map(); // handler -> Map(event -> the wrapper given to the socket)

/** Subscribe to a server event; returns an unsubscribe function. */
export function on(event, fn) {
  // Waits while a snapshot of its meeting is on its way (hold.js); skips what the page's state
  // already has (an event older than its revision, revisions.js).
  const wrapper = held((payload) => (isStale(payload) ? undefined : fn(payload)));
  if (!wrappers.has(fn)) wrappers.set(fn, new Map());
  wrappers.get(fn).set(event, wrapper);
  connect().on(event, wrapper);
  return () => off(event, fn);
}

/** Unsubscribe a handler added with on(). */
export function off(event, fn) {
  const wrapper = wrappers.get(fn)?.get(event);
  if (!wrapper) return;
  wrappers.get(fn).delete(event);
  if (socket) socket.off(event, wrapper);
}

/**
 * Send a client→server event and wait for its ack (realtime/requests.js).
 * Resolves with the ack ({ok: true, ...}); rejects with a RequestError carrying the server's
 * {code, message}, or code "timeout" / "offline". options.timeout (ms, default 10 s);
 * options.retry: must not be lost — a client_id is added and kept, and the request is resent
 * after every reconnect until the server answers.
 */
export function request(event, data = {}, options = {}) {
  connect();
  return send(event, data, options);
}

/**
 * Follow a meeting: emits meeting.join now and after every reconnect, and calls
 * onState(state) with the full snapshot each time, so a tablet resyncs without a reload.
 * Returns {ready: Promise<state>, leave()}. ready rejects with the RequestError of the first
 * join (e.g. code "forbidden").
 */
export function joinMeeting(meetingId, onState) {
  const id = Number(meetingId);
  connect();
  if (!meetings.has(id)) meetings.set(id, new Set());
  meetings.get(id).add(onState);
  let firstResolve;
  let firstReject;
  const ready = new Promise((resolve, reject) => {
    firstResolve = resolve;
    firstReject = reject;
  });
  const deliver = (snapshot) => {
    try {
      onState(snapshot);
    } finally {
      firstResolve(snapshot);
    }
  };
  ready.catch(() => {}); // callers that never await `ready` must not see an unhandled rejection
  const handle = { deliver, fail: firstReject };
  onState.__realtimeHandle = handle;
  if (socket.connected && meetings.get(id).size === 1) {
    rejoin(id);
  } else if (socket.connected) {
    // Already followed by another part of the page: one more join just for this callback.
    hold(id);
    emitOnce("meeting.join", { meeting_id: id }, DEFAULT_TIMEOUT)
      .then(
        (ack) => {
          snapshotAt(id, ack.state?.revision);
          deliver(ack.state);
        },
        (err) => firstReject(err),
      )
      .finally(() => release(id));
  }
  return {
    ready,
    leave() {
      const set = meetings.get(id);
      if (!set) return;
      set.delete(onState);
      if (set.size === 0) {
        meetings.delete(id);
        forget(id);
        if (socket.connected) socket.emit("meeting.leave", { meeting_id: id });
      }
    },
  };
}

// Errors that say "not now" rather than "not you" (a busy or failing server, the database
// briefly unreachable): a join is tried again while connected, waiting longer each time.
const TRANSIENT = new Set(["timeout", "internal", "error", "offline", "unavailable"]);

/** The wait before join attempt `attempt + 1`, or null once a join has been tried enough. */
export function rejoinDelay(err, attempt) {
  if (!TRANSIENT.has(err?.code) || attempt >= 6) return null;
  return Math.min(8000, 500 * 2 ** attempt);
}

/**
 * Fetch a fresh snapshot of a followed meeting and hand it to every joinMeeting callback (as
 * after a reconnect); the meeting's events that arrive meanwhile are applied after it.
 */
export function resync(meetingId) {
  const id = Number(meetingId);
  if (!meetings.has(id)) return Promise.resolve(undefined);
  return rejoin(id);
}

function rejoin(id, attempt = 0) {
  hold(id);
  return emitOnce("meeting.join", { meeting_id: id }, DEFAULT_TIMEOUT)
    .finally(() => window.setTimeout(() => release(id), 0))
    .then(deliverSnapshot(id), retryOrFail(id, attempt));
}

function deliverSnapshot(id) {
  return (ack) => {
    snapshotAt(id, ack.state?.revision);
    for (const fn of meetings.get(id) || []) {
      const handle = fn.__realtimeHandle;
      try {
        if (handle) handle.deliver(ack.state);
        else fn(ack.state);
      } catch (e) {
        console.error(e);
      }
    }
    return ack;
  };
}

function retryOrFail(id, attempt) {
  return (err) => {
    console.warn("realtime: join of meeting", id, "failed:", err.code, err.message);
    const delay = rejoinDelay(err, attempt);
    if (delay !== null && meetings.has(id)) {
      // A tablet must not stay on a stale agenda because one join hit a busy server.
      return new Promise((resolve) => window.setTimeout(resolve, delay)).then(() =>
        socket.connected && meetings.has(id) ? rejoin(id, attempt + 1) : undefined,
      );
    }
    for (const fn of meetings.get(id) || []) fn.__realtimeHandle?.fail(err);
    return undefined;
  };
}

setResyncer((id) => (socket?.connected && meetings.has(id) ? rejoin(id) : Promise.resolve()));

/** Read-only view for tests and debugging: window.__realtime is set by ui.js. */
export function debugState() {
  return {
    state,
    pending: pendingRequests().length,
    meetings: [...meetings.keys()],
    revisions: Object.fromEntries([...meetings.keys()].map((id) => [id, revisionOf(id)])),
    connected: !!socket?.connected,
  };
}
