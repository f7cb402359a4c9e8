// The tablets of several meetings at once, through nginx in front of several workers
// (bench/bench_cluster.py): the official socket.io JS client, one fresh connection per tablet
// (bench/tablets/client.mjs, as bench/tablets/loadgen.mjs opens them).
//
//   node bench/cluster/tablets.mjs CONFIG.json     # its result as JSON on stdout
//
// CONFIG: {"url": "http://127.0.0.1:PORT" (nginx), "trigger": "app" | "bare",
//          "meetings": [{"id", "items": [...], "cookies": [...one per tablet]}],
//          "secretariat": cookie (app), "rounds", "all_rounds", "pause_ms", "ack_timeout_ms"}
//
// 1. Each meeting's tablets connect and `meeting.join` at once, one meeting after the other
//    (the join of each meeting is timed); then a checkpoint (the orchestrator reads every
//    worker's memory and connections).
// 2. `rounds` times, one meeting at a time in turn: its agenda changes (the app: the
//    secretariat's HTTP PUT with CSRF; bare: POST /trigger) → time until the last tablet OF
//    THAT MEETING has the new order. A tablet that receives another meeting's order is a stray.
// 3. `all_rounds` times: every meeting's agenda changes at the same instant → time until the
//    last tablet of all the meetings has its meeting's new order.

import { readFileSync } from "node:fs";
import { checkpoint, client, connectedOf, droppedOf, log, now, pct, runScenario, sleep, summary } from "../tablets/client.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const URL_ = config.url;
const ACK_TIMEOUT = config.ack_timeout_ms ?? 120000;
const { group, closeAll, csrfFor } = client({ url: URL_, ackTimeout: ACK_TIMEOUT });

const inbox = new Map(); // "meeting:order" -> receipt times
let strays = 0;

function listen(meetingId) {
  return () => ({
    "agenda.reordered": (data) => {
      if (data.meeting_id !== meetingId) strays += 1;
      const times = inbox.get(`${data.meeting_id}:${data.order.join(",")}`);
      if (times) times.push(now());
    },
  });
}

async function trigger(http, meeting, order) {
  const response =
    config.trigger === "app"
      ? await fetch(`${URL_}/api/v1/meetings/${meeting.id}/order`, {
          method: "PUT",
          headers: { Cookie: http.cookie, "X-CSRFToken": http.csrf, "Content-Type": "application/json" },
          body: JSON.stringify({ order }),
        })
      : await fetch(`${URL_}/trigger`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ meeting_id: meeting.id, order }),
        });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`reorder of meeting ${meeting.id}: HTTP ${response.status} ${body.slice(0, 300)}`);
}

/** Change the agendas of `chosen` meetings at the same instant; the last receipt per meeting. */
async function change(http, chosen) {
  const keys = chosen.map((m) => {
    m.order = [...m.order.slice(1), m.order[0]];
    const key = `${m.id}:${m.order.join(",")}`;
    inbox.set(key, []);
    return key;
  });
  const t0 = now();
  await Promise.all(chosen.map((m) => trigger(http, m, m.order)));
  const httpMs = now() - t0;
  const expected = chosen.map((m) => connectedOf(m.tablets).length);
  const done = () => keys.every((k, i) => inbox.get(k).length >= expected[i]);
  const deadline = now() + ACK_TIMEOUT;
  while (!done() && now() < deadline) await sleep(1);
  const found = chosen.map((m, i) => {
    const times = inbox.get(keys[i]).map((t) => t - t0);
    inbox.delete(keys[i]);
    return { meeting_id: m.id, tablets: expected[i], received: times.length, last_ms: times.length ? Math.max(...times) : null };
  });
  const missing = found.reduce((n, f) => n + Math.max(0, f.tablets - f.received), 0);
  const lasts = found.map((f) => f.last_ms).filter((x) => x !== null);
  await sleep(config.pause_ms ?? 100);
  return { http_ms: httpMs, last_ms: lasts.length ? Math.max(...lasts) : null, missing, meetings: found };
}

async function scenario() {
  const meetings = config.meetings.map((m) => ({ ...m, order: [...m.items], tablets: [] }));
  const joins = [];
  for (const m of meetings) {
    const joined = await group(m.cookies, m.id, listen(m.id));
    m.tablets = joined.tablets;
    joins.push({ meeting_id: m.id, ...joined.stats });
    log(`${config.trigger}: meeting ${m.id}: ${joined.stats.ok}/${m.cookies.length} joined, last ${joined.stats.last_ms?.toFixed(0)} ms`);
  }
  const all = meetings.flatMap((m) => m.tablets);
  await sleep(500);
  await checkpoint("joined", { tablets: connectedOf(all).length });
  const http = config.trigger === "app" ? await csrfFor(config.secretariat, meetings[0].id) : null;
  const rounds = [];
  for (let r = 0; r < config.rounds; r++) rounds.push(await change(http, [meetings[r % meetings.length]]));
  const last = rounds.map((r) => r.last_ms).filter((x) => x !== null);
  log(`${config.trigger}: one meeting at a time: p50 ${pct(last, 50)?.toFixed(1)} p99 ${pct(last, 99)?.toFixed(1)} ms`);
  const together = [];
  for (let r = 0; r < (config.all_rounds ?? 0); r++) together.push(await change(http, meetings));
  const lastAll = together.map((r) => r.last_ms).filter((x) => x !== null);
  log(`${config.trigger}: all meetings at once: p50 ${pct(lastAll, 50)?.toFixed(1)} p99 ${pct(lastAll, 99)?.toFixed(1)} ms`);
  const dropped = droppedOf(all);
  await closeAll(all);
  return {
    joins,
    tablets: all.length,
    joined: all.filter((t) => t.ok).length,
    rounds,
    last: summary(last),
    all_rounds: together,
    last_all: summary(lastAll),
    missing: [...rounds, ...together].reduce((n, r) => n + r.missing, 0),
    strays,
    dropped: dropped.length,
    dropped_reasons: [...new Set(dropped)],
  };
}

await runScenario(scenario);
