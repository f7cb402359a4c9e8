// One tablet and a group of tablets, as the load generators open them (bench/tablets/loadgen.mjs,
// bench/cluster/tablets.mjs): the official socket.io JS client, a fresh connection each,
// opened the way static/js/realtime.js opens it (WebSocket first, the cookies of a signed-in
// session), following the meeting with `meeting.join`; the secretariat's CSRF token; statistics.
// Times are milliseconds from performance.now().

import { createInterface } from "node:readline";
import { io } from "socket.io-client";

export const TABLET_TIMEOUT = 10000; // realtime.js DEFAULT_TIMEOUT: beyond this a tablet retries
export const now = () => performance.now();
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The orchestrator's protocol (bench/tablets/harness.py run_node): JSON lines on stdout, and
// after a checkpoint line one line on stdin (the orchestrator samples the server meanwhile).
export const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
export const log = (msg) => out({ log: msg });
let stdinLines = null;
export async function checkpoint(name, extra = {}) {
  stdinLines ??= createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  out({ checkpoint: name, ...extra });
  await stdinLines.next();
}

/** Run the scenario; print its result (or its error) as the last line, and exit. */
export async function runScenario(run) {
  try {
    const result = await run();
    // stdout is a pipe: asynchronous in Node, so exit only once the (long) line is written.
    process.stdout.write(JSON.stringify({ result }) + "\n", () => process.exit(0));
  } catch (err) {
    process.stdout.write(JSON.stringify({ error: String(err.stack || err) }) + "\n", () => process.exit(1));
  }
}

export function pct(values, p) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const rank = ((s.length - 1) * p) / 100;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}
export const summary = (v) => ({ n: v.length, p50: pct(v, 50), p90: pct(v, 90), p99: pct(v, 99), max: v.length ? Math.max(...v) : null, min: v.length ? Math.min(...v) : null });

// The client's `timeout` bounds the transport's opening only: a namespace CONNECT that is never
// answered, or a link closed before it was, would leave a tablet waiting for ever (a 500-tablet
// run once waited on 4 such tablets until its watchdog). Such a tablet fails, and is counted.
export const CONNECT_TIMEOUT = 60000;

export function connected(socket, timeout = CONNECT_TIMEOUT) {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    const timer = setTimeout(() => reject(new Error(`not connected within ${timeout} ms`)), timeout);
    const done = (fn) => (arg) => {
      clearTimeout(timer);
      fn(arg);
    };
    socket.once("connect", done(resolve));
    socket.once("connect_error", done((err) => reject(new Error(`connect_error: ${err.message}`))));
    socket.once("disconnect", done((reason) => reject(new Error(`closed before connect: ${reason}`))));
  });
}

export const connectedOf = (tablets) => tablets.filter((t) => t.ok && t.socket.connected);
export const droppedOf = (tablets) => tablets.filter((t) => t.dropped).map((t) => t.dropped);

/** The tablets of one server: {url, ackTimeout, keepAck, settleMs, cookieName}. */
export function client({ url, ackTimeout = 120000, keepAck = false, settleMs = 500, cookieName = "ecabinet_session" }) {
  function open(cookie) {
    // realtime.js: io({transports: ["websocket", "polling"], withCredentials: true, timeout: 10000});
    // here without reconnection, so that every measured connection is a fresh one.
    return io(url, {
      transports: ["websocket", "polling"],
      extraHeaders: cookie ? { Cookie: cookie } : {},
      reconnection: false,
      forceNew: true,
      timeout: ackTimeout,
    });
  }

  function call(socket, event, data, timeout = ackTimeout) {
    return new Promise((resolve, reject) => {
      socket.timeout(timeout).emit(event, data, (err, ack) => {
        if (err) reject(new Error(`${event}: no ack within ${timeout} ms`));
        else resolve(ack);
      });
    });
  }

  /** Connect and join; timings from `t0` (the instant the whole group started). */
  async function tablet(cookie, meetingId, t0, listeners = {}) {
    const socket = open(cookie);
    for (const [event, fn] of Object.entries(listeners)) socket.on(event, fn);
    const record = { ok: false, socket };
    // A tablet the server drops (ping timeout while its hub stalls) is counted, not waited for.
    socket.on("disconnect", (reason) => {
      if (!record.closing) record.dropped = reason;
    });
    try {
      await connected(socket);
      record.connect_ms = now() - t0;
      const sent = now();
      const ack = await call(socket, "meeting.join", { meeting_id: meetingId });
      record.join_ms = now() - sent;
      record.total_ms = now() - t0;
      record.ok = !!(ack && ack.ok);
      record.ack_bytes = JSON.stringify(ack).length;
      if (keepAck) record.ack = ack;
      if (!record.ok) record.error = JSON.stringify(ack).slice(0, 200);
    } catch (err) {
      record.error = String(err.message || err);
    }
    return record;
  }

  /** N tablets at once (the room after a Wi-Fi drop: everybody reconnects in the same second). */
  async function group(cookies, meetingId, listeners = () => ({})) {
    const t0 = now();
    const tablets = await Promise.all(cookies.map((c, i) => tablet(c, meetingId, t0, listeners(i))));
    const ok = tablets.filter((t) => t.ok);
    const failed = tablets.filter((t) => !t.ok);
    return {
      tablets,
      stats: {
        tablets: cookies.length,
        ok: ok.length,
        failed: failed.length,
        errors: [...new Set(failed.map((t) => t.error))].slice(0, 5),
        last_ms: ok.length ? Math.max(...ok.map((t) => t.total_ms)) : null,
        total: summary(ok.map((t) => t.total_ms)),
        connect: summary(ok.map((t) => t.connect_ms)),
        join: summary(ok.map((t) => t.join_ms)),
        join_over_tablet_timeout: ok.filter((t) => t.join_ms > TABLET_TIMEOUT).length,
        ack_bytes: ok.length ? ok[0].ack_bytes : null,
      },
    };
  }

  async function closeAll(tablets) {
    for (const t of tablets) {
      t.closing = true;
      t.socket.disconnect();
    }
    await sleep(settleMs);
  }

  function cookieFrom(response, fallback) {
    for (const header of response.headers.getSetCookie()) {
      const pair = header.split(";", 1)[0];
      if (pair.startsWith(`${cookieName}=`)) return pair;
    }
    return fallback;
  }

  /** The secretariat's CSRF token (and session cookie) from a meeting's manage page. */
  async function csrfFor(cookie, meetingId) {
    const page = await fetch(`${url}/meetings/${meetingId}/manage`, { headers: { Cookie: cookie } });
    const html = await page.text();
    const match = html.match(/name="csrf-token" content="([^"]+)"/);
    if (!match) throw new Error(`no CSRF token on the manage page (HTTP ${page.status})`);
    return { csrf: match[1], cookie: cookieFrom(page, cookie) };
  }

  return { open, call, tablet, group, closeAll, cookieFrom, csrfFor };
}
