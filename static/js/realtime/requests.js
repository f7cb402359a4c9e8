// Requests and their acks (docs/protocol.md, "The envelope"): one-shot requests, and the queue
// of must-not-be-lost ones (retry: true) that are resent with the same client_id after every
// reconnect until the server answers.

import { link } from "./link.js";
import { renderPendingBadge } from "./pill.js";
import { t } from "../strings.js";

export const DEFAULT_TIMEOUT = 10000;
const pending = []; // retryable requests not yet acknowledged: {event, data, timeout, resolve, reject, inflight}
const pendingListeners = new Set();

function renderPending() {
  renderPendingBadge(pending.length);
  for (const fn of pendingListeners) fn(pending.length);
  document.dispatchEvent(new CustomEvent("realtime:pending", { detail: { count: pending.length } }));
}

/** Call fn(count) whenever the number of queued (unacknowledged, retryable) requests changes. */
export function onPending(fn) {
  pendingListeners.add(fn);
  return () => pendingListeners.delete(fn);
}

/** A client id for idempotent requests (crypto.randomUUID needs a secure context; tablets on a
 * plain-http LAN do not have one, so fall back to getRandomValues, which is always there). */
export function clientId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  const b = window.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The error a request rejects with: err.code ("vote.closed", "timeout", "offline", …), err.message. */
export class RequestError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.name = "RequestError";
    this.code = code;
    this.details = details;
  }
}

export function emitOnce(event, data, timeout) {
  return new Promise((resolve, reject) => {
    link.socket.timeout(timeout).emit(event, data, (err, ack) => {
      if (err) {
        reject(new RequestError("timeout", t("request_timeout")));
      } else if (ack && ack.ok) {
        resolve(ack);
      } else {
        const e = (ack && ack.error) || {};
        const { code, message, ...details } = e;
        reject(new RequestError(code || "error", message || "error", details));
      }
    });
  });
}

/**
 * Send a client→server event and wait for its ack.
 * Resolves with the ack ({ok: true, ...}); rejects with a RequestError carrying the server's
 * {code, message}, or code "timeout" / "offline" ("offline" at once when the device has no
 * network; while the page is still connecting or reconnecting it waits up to the timeout).
 *
 * options.timeout   ms to wait for the ack (default 10 s)
 * options.retry     true for actions that must not be lost (votes, check-in): the payload gets a
 *                   `client_id` (kept across retries, so the server can ignore duplicates), and
 *                   the request is queued while offline or unanswered and resent after every
 *                   reconnect until the server answers. Only a server error rejects it.
 */
export function request(event, data = {}, options = {}) {
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  const socket = link.socket;
  if (!options.retry) {
    if (socket.connected) return emitOnce(event, data, timeout);
    if (link.state === "offline") {
      return Promise.reject(new RequestError("offline", t("offline_request")));
    }
    // Still connecting (page just loaded) or reconnecting: wait for the link within the timeout.
    const started = Date.now();
    return waitForConnect(timeout).then(() => emitOnce(event, data, Math.max(1000, timeout - (Date.now() - started))));
  }
  const payload = { ...data };
  if (!payload.client_id) payload.client_id = clientId();
  return new Promise((resolve, reject) => {
    const entry = { event, data: payload, timeout, resolve, reject, inflight: false };
    pending.push(entry);
    renderPending();
    if (socket.connected) send(entry);
  });
}

function waitForConnect(timeout) {
  const socket = link.socket;
  return new Promise((resolve, reject) => {
    const timer = window.setTimeout(() => {
      socket.off("connect", done);
      reject(new RequestError("timeout", t("request_timeout")));
    }, timeout);
    function done() {
      window.clearTimeout(timer);
      resolve();
    }
    socket.once("connect", done);
  });
}

/** The queued retryable requests (read-only copies), e.g. to show "your vote is waiting to send". */
export function pendingRequests() {
  return pending.map(({ event, data }) => ({ event, data }));
}

function send(entry) {
  if (entry.inflight) return;
  entry.inflight = true;
  emitOnce(entry.event, entry.data, entry.timeout).then(
    (ack) => settle(entry, () => entry.resolve(ack)),
    (err) => {
      entry.inflight = false;
      if (err.code === "timeout") {
        // Unanswered: the server may or may not have it. Resend with the same client id, now
        // if still connected, otherwise from onConnect after the reconnect.
        if (link.socket.connected) window.setTimeout(() => send(entry), 1000);
        return;
      }
      settle(entry, () => entry.reject(err));
    },
  );
}

function settle(entry, fn) {
  const i = pending.indexOf(entry);
  if (i >= 0) pending.splice(i, 1);
  renderPending();
  fn();
}

/** Resend every queued request (after a reconnect and the rejoins). */
export function flushPending() {
  for (const entry of [...pending]) send(entry);
}

