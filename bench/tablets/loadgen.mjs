// The tablets: N signed-in Socket.IO clients, with the official JS client the tablets run
// (socket.io-client from node_modules, the same package static/vendor is built from).
//
//   node bench/tablets/loadgen.mjs CONFIG.json      # one scenario; its result as JSON on stdout
//
// CONFIG: {"scenario": "signin" | "join" | "fanout" | "burst" | "single_join" | "waves",
//          "url": "http://127.0.0.1:PORT", ...the scenario's fields (see each function)}.
// Every tablet is a fresh connection (forceNew), opened the way static/js/realtime.js opens
// it (WebSocket first, cookies of a signed-in session), and follows the meeting with
// `meeting.join`, as realtime.js does after every (re)connect.
//
// Output: progress lines {"log": ...}, checkpoint lines {"checkpoint": name, ...} after which
// the script waits for one line on stdin (the orchestrator samples the server meanwhile), and
// one final line {"result": {...}}. Times are milliseconds from performance.now().

import { readFileSync } from "node:fs";
import { TABLET_TIMEOUT, checkpoint, client, connectedOf, droppedOf, log, now, pct, runScenario, sleep, summary } from "./client.mjs";
import { sealAll } from "./seal.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const URL_ = config.url;
const ACK_TIMEOUT = config.ack_timeout_ms ?? 120000; // long enough to measure a slow server
// One tablet, a group of tablets, the CSRF token: bench/tablets/client.mjs.
const { call, tablet, group, closeAll, cookieFrom, csrfFor } = client({
  url: URL_,
  ackTimeout: ACK_TIMEOUT,
  keepAck: !!config.keep_ack,
  settleMs: config.settle_ms ?? 500,
  cookieName: config.cookie_name ?? "ecabinet_session",
});

// -- HTTP (sign-in, CSRF, the agenda change) -------------------------------------------------

async function signIn(email, password) {
  const page = await fetch(`${URL_}/sign-in`);
  const html = await page.text();
  const csrf = html.match(/name="csrf_token" value="([^"]+)"/)[1];
  const cookie = cookieFrom(page, "");
  const body = new URLSearchParams({ csrf_token: csrf, email, password });
  const response = await fetch(`${URL_}/sign-in`, {
    method: "POST",
    body,
    redirect: "manual",
    headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
  });
  if (response.status !== 302) throw new Error(`sign-in of ${email}: HTTP ${response.status}`);
  return cookieFrom(response, cookie);
}

/** {emails, password, concurrency}: each signs in over HTTP; their session cookies. */
async function scenarioSignin() {
  const cookies = new Array(config.emails.length);
  let next = 0;
  const t0 = now();
  async function worker() {
    while (next < config.emails.length) {
      const i = next++;
      cookies[i] = await signIn(config.emails[i], config.password);
    }
  }
  await Promise.all(Array.from({ length: config.concurrency ?? 4 }, worker));
  return { cookies, seconds: (now() - t0) / 1000 };
}

// -- scenarios -------------------------------------------------------------------------------

/** {cookies, meeting_id}: all tablets connect and join at once. */
async function scenarioJoin() {
  const { tablets, stats } = await group(config.cookies, config.meeting_id);
  if (config.checkpoint) await checkpoint("joined", { ok: stats.ok });
  await closeAll(tablets);
  return stats;
}

/** {cookies, meeting_id, sizes, rounds, trigger: "app"|"bare", secretariat, items}: the room
 * grows to each size (fresh tablets join); per round the agenda changes once; time until the
 * last tablet has the new order. */
async function scenarioFanout() {
  const inbox = new Map(); // order key -> array of receipt times
  const listen = () => ({
    "agenda.reordered": (data) => {
      const key = data.order.join(",");
      const times = inbox.get(key);
      if (times) times.push(now());
    },
  });
  let http = null;
  if (config.trigger === "app") http = await csrfFor(config.secretariat, config.meeting_id);
  let order = [...config.items];
  const tablets = [];
  const points = [];
  for (const size of config.sizes) {
    const joined = await group(config.cookies.slice(tablets.length, size), config.meeting_id, listen);
    tablets.push(...joined.tablets);
    const live = tablets.filter((t) => t.ok).length;
    await sleep(300);
    if (config.checkpoint) await checkpoint(`joined ${size}`, { tablets: live });
    const last = [];
    const every = [];
    const http_ms = [];
    let missing = 0;
    for (let r = 0; r < config.rounds; r++) {
      order = [...order.slice(1), order[0]];
      const key = order.join(",");
      inbox.set(key, []);
      const t0 = now();
      if (config.trigger === "app") {
        const response = await fetch(`${URL_}/api/v1/meetings/${config.meeting_id}/order`, {
          method: "PUT",
          headers: { Cookie: http.cookie, "X-CSRFToken": http.csrf, "Content-Type": "application/json" },
          body: JSON.stringify({ order }),
        });
        if (response.status !== 200) throw new Error(`reorder: HTTP ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
      } else {
        const response = await fetch(`${URL_}/trigger`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ order }) });
        await response.arrayBuffer();
      }
      http_ms.push(now() - t0);
      const deadline = now() + ACK_TIMEOUT;
      while (inbox.get(key).length < connectedOf(tablets).length && now() < deadline) await sleep(1);
      const times = inbox.get(key).map((t) => t - t0);
      missing += Math.max(0, connectedOf(tablets).length - times.length);
      if (times.length) last.push(Math.max(...times));
      every.push(...times);
      inbox.delete(key);
      await sleep(config.pause_ms ?? 100);
    }
    const dropped = droppedOf(tablets);
    points.push({ tablets: size, joined: live, join: joined.stats, rounds: config.rounds, last, last_summary: summary(last), each: summary(every), http: summary(http_ms), missing, dropped: dropped.length, dropped_reasons: [...new Set(dropped)] });
    log(`fan-out ${config.trigger} ${size}: p50 ${pct(last, 50)?.toFixed(1)} p99 ${pct(last, 99)?.toFixed(1)} ms`);
  }
  await closeAll(tablets);
  return { points };
}

/** {cookies, chair, meeting_id, item_id, rounds, kind}: per round the chair opens a vote
 * (kind "secret": every tablet casts a ballot sealed to the vote's key), every
 * tablet casts at the same instant, every cast is resent with the same client id, the chair
 * closes; per-ack times, last durable ack, close → result on the last tablet. */
async function scenarioBurst() {
  const opened = new Map(); // poll id -> receipt times (events may come before the ack)
  const closed = new Map();
  const push = (map, id) => (map.get(id) ?? map.set(id, []).get(id)).push(now());
  const listen = () => ({
    "vote.opened": (data) => push(opened, data.poll.id),
    "vote.closed": (data) => push(closed, data.poll.id),
  });
  const chairJoin = await tablet(config.chair, config.meeting_id, now());
  if (!chairJoin.ok) throw new Error(`chair join: ${chairJoin.error}`);
  let chair = chairJoin.socket;
  let chairRejoins = 0; // the server dropped the chair's socket (a stalled hub): joined again
  const joined = await group(config.cookies, config.meeting_id, listen);
  const tablets = joined.tablets.filter((t) => t.ok);
  await sleep(300);
  const rounds = [];
  const choices = ["approve", "approve", "disapprove", "abstain"];
  for (let r = 0; r < config.rounds; r++) {
    if (!chair.connected) {
      const again = await tablet(config.chair, config.meeting_id, now());
      if (!again.ok) throw new Error(`chair rejoin: ${again.error}`);
      [chair, chairRejoins] = [again.socket, chairRejoins + 1];
    }
    const openAck = await call(chair, "vote.open", { meeting_id: config.meeting_id, item_id: config.item_id, question: `Biểu quyết đo tải ${r + 1}?`, kind: config.kind ?? "open" });
    if (!openAck?.ok) throw new Error(`vote.open: ${JSON.stringify(openAck)}`);
    const pollId = openAck.poll.id;
    if (!opened.has(pollId)) opened.set(pollId, []);
    if (!closed.has(pollId)) closed.set(pollId, []);
    let deadline = now() + ACK_TIMEOUT;
    while (opened.get(pollId).length < connectedOf(tablets).length && now() < deadline) await sleep(2);
    await sleep(200);
    const voters = connectedOf(tablets);
    const clientIds = voters.map((_, i) => `bench-${pollId}-${i}-${Math.random().toString(36).slice(2, 10)}`);
    const key = openAck.poll.public_key; // secret votes only (the bare server sends none)
    const sealed = key ? await sealAll(key, voters.map((_, i) => choices[i % 4])) : null;
    const ballot = (i) => (sealed ? { ciphertext: sealed[i] } : { choice: choices[i % 4] });
    const castAll = async (t0) =>
      Promise.all(
        voters.map(async (t, i) => {
          try {
            const ack = await call(t.socket, "vote.cast", { poll_id: pollId, ...ballot(i), client_id: clientIds[i] });
            return { ms: now() - t0, ok: !!ack?.ok, duplicate: !!ack?.duplicate, error: ack?.ok ? undefined : JSON.stringify(ack).slice(0, 160) };
          } catch (err) {
            return { ms: now() - t0, ok: false, error: String(err.message) };
          }
        }),
      );
    if (config.checkpoint) await checkpoint("casting", { round: r });
    const t0 = now();
    const acks = await castAll(t0);
    const ackMs = acks.filter((a) => a.ok).map((a) => a.ms);
    if (config.checkpoint) await checkpoint("cast", { round: r });
    const resent = await castAll(now());
    await sleep(100);
    const tClose = now();
    const closeAck = await call(chair, "vote.close", { poll_id: pollId });
    const closeAckMs = now() - tClose;
    if (!closeAck?.ok) throw new Error(`vote.close: ${JSON.stringify(closeAck)}`);
    deadline = now() + ACK_TIMEOUT;
    while (closed.get(pollId).length < connectedOf(tablets).length && now() < deadline) await sleep(1);
    const resultTimes = closed.get(pollId).map((t) => t - tClose);
    const result = closeAck.result || {};
    rounds.push({
      poll_id: pollId,
      kind: sealed ? "secret" : "open",
      chair_rejoins: chairRejoins,
      tablets: voters.length,
      dropped_before_cast: tablets.length - voters.length,
      dropped: droppedOf(tablets).length,
      acked_ok: ackMs.length,
      failed: acks.filter((a) => !a.ok).length,
      errors: [...new Set(acks.filter((a) => !a.ok).map((a) => a.error))].slice(0, 5),
      over_tablet_timeout: ackMs.filter((ms) => ms > TABLET_TIMEOUT).length,
      last_ack_ms: ackMs.length ? Math.max(...ackMs) : null,
      first_ack_ms: ackMs.length ? Math.min(...ackMs) : null,
      acks: summary(ackMs),
      ack_ms: ackMs.map((x) => Math.round(x * 10) / 10),
      resent_ok: resent.filter((a) => a.ok).length,
      resent_duplicate: resent.filter((a) => a.ok && a.duplicate).length,
      resent_last_ms: Math.max(...resent.map((a) => a.ms)),
      close_ack_ms: closeAckMs,
      result_received: resultTimes.length,
      result_last_ms: resultTimes.length ? Math.max(...resultTimes) : null,
      result: summary(resultTimes),
      counts: { approve: result.approve, disapprove: result.disapprove, abstain: result.abstain, passed: result.passed },
    });
    log(`burst round ${r + 1}: last ack ${rounds.at(-1).last_ack_ms?.toFixed(0)} ms, result on last tablet ${rounds.at(-1).result_last_ms?.toFixed(0)} ms`);
    opened.delete(pollId);
    closed.delete(pollId);
    await sleep(config.pause_ms ?? 300);
  }
  await closeAll([...joined.tablets, chairJoin, { socket: chair }]);
  return { join: joined.stats, rounds };
}

/** {cookie, meetings: [{name, id}], repeats}: one tablet at a time, fresh connection, joins;
 * the meetings are taken in turn so each sees the same conditions. */
async function scenarioSingleJoin() {
  const byName = Object.fromEntries(config.meetings.map((m) => [m.name, { join: [], connect: [], ack_bytes: null }]));
  for (let r = 0; r < config.repeats; r++) {
    for (const m of config.meetings) {
      const t = await tablet(config.cookie, m.id, now());
      if (!t.ok) throw new Error(`single join ${m.name}: ${t.error}`);
      byName[m.name].join.push(t.join_ms);
      byName[m.name].connect.push(t.connect_ms);
      byName[m.name].ack_bytes = t.ack_bytes;
      if (config.keep_ack) byName[m.name].ack = t.ack;
      t.socket.disconnect();
      await sleep(config.pause_ms ?? 50);
    }
  }
  return Object.fromEntries(Object.entries(byName).map(([k, v]) => [k, { join: summary(v.join), connect: summary(v.connect), ack_bytes: v.ack_bytes, join_ms: v.join, ack: v.ack }]));
}

/** {cookies, meeting_id, waves}: N tablets connect, join and disconnect, `waves` times; a
 * checkpoint after each wave lets the orchestrator read the server's memory. */
async function scenarioWaves() {
  const waves = [];
  for (let w = 1; w <= config.waves; w++) {
    const { tablets, stats } = await group(config.cookies, config.meeting_id);
    await closeAll(tablets);
    waves.push(stats);
    await checkpoint(`wave ${w}`, { wave: w, ok: stats.ok, last_ms: stats.last_ms });
  }
  return { waves };
}

const SCENARIOS = { signin: scenarioSignin, join: scenarioJoin, fanout: scenarioFanout, burst: scenarioBurst, single_join: scenarioSingleJoin, waves: scenarioWaves };

await runScenario(async () => {
  const run = SCENARIOS[config.scenario];
  if (!run) throw new Error(`unknown scenario ${config.scenario}`);
  return run();
});
