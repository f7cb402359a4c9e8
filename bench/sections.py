"""The report's sections: which scripts' results each shows, what it measures, its targets.

`bench/report.py` writes one table per section into docs/benchmarks.md; a script no section
names still appears, under "Other measurements".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One scenario of the report: which scripts' results it shows, and which rows it expects."""

    title: str
    sources: tuple[str, ...]
    match: Callable[[str], bool] = lambda name: True
    postgres_rows: tuple[str, ...] = ()
    about: str = ""


SECTIONS = (
    Section(
        "What 500 tablets feel: the official JS client beside a bare server (issue 15)",
        ("tablets",),
        postgres_rows=(
            "[PostgreSQL] connect + join of 500 tablets (20 closed votes), last ack",
            "[PostgreSQL] 500 casts at once → last durable ack",
            "[PostgreSQL] close → result on the last of 500 tablets, p99",
        ),
        about="`bench/bench_tablets.py`: the official socket.io JS client (Node, "
        "`bench/tablets/loadgen.mjs`) as 500 tablets signed in over HTTP, each a fresh "
        "connection following the meeting with `meeting.join` as `static/js/realtime.js` does, "
        "on a meeting of 500 voters with a full agenda with papers and 20 closed votes of 500 "
        "voters. Beside it, in the same run and on the same message queue setting, a bare "
        "python-socketio gevent server (`bench/tablets/bare_server.py`: the app's join state "
        "as a fake join ack, the same broadcasts, casts acked from memory). Bare and app "
        "alternate at least three times (the order swaps each time); every figure is the "
        "median over the alternations. Targets (issue 15): casts → last durable ack ≤ 3× bare "
        "and ≤ 400 ms (SQLite) / 500 ms (PostgreSQL), 0 lost, 0 doubled after resending "
        "every cast; connect + join of 500 ≤ 3× bare; a single join independent of the "
        "number of past votes (0, 20, 100); agenda change → last tablet p50 and p99 ≤ 1.25× "
        "bare at 50, 150, 300 and 500 tablets; close → result p99 ≤ 1.25× bare; RSS after "
        "10 waves of 500 connect/disconnect within 5 % of after the first.",
    ),
    Section(
        "The same 500 tablets, the app as deployed: nginx in front of 2 workers (issue 15)",
        ("tablets_workers",),
        postgres_rows=(
            "[PostgreSQL, 2 workers behind nginx] connect + join of 500 tablets (20 closed "
            "votes), last ack",
            "[PostgreSQL, 2 workers behind nginx] 500 casts at once → last durable ack",
            "[PostgreSQL, 2 workers behind nginx] close → result on the last of 500 tablets, p99",
        ),
        about="`bench/bench_tablets_workers.py`: the scenarios above, with the app as "
        "production runs it on this 2-core machine: `deploy/local.py`'s nginx (the "
        "configuration of docs/nginx.conf.example) in front of two `python app.py` gevent "
        "workers, one per core, on one Redis queue; every tablet pinned to a worker by a "
        "route cookie of its own, so a meeting's tablets, joins and casts spread over both. "
        "The baseline is deployed the same way: two bare servers behind the same nginx "
        "configuration, on a Redis queue of their own, each tablet pinned by the same route "
        "cookie (a broadcast from one reaches the tablets of both, as with the workers). CPU "
        "and resident memory are the two processes' sums on either side (the RSS bound 300 MB "
        "per worker). Three waves instead of ten. Same targets.",
    ),
    Section(
        "Scale-out: 2,000 tablets in 8 meetings over 4 workers behind nginx (issue 14)",
        ("cluster",),
        about="`bench/bench_cluster.py` on PostgreSQL and a private Redis: 8 meetings in "
        "session, 2,000 member accounts spread over them (≈ 250 tablets a meeting), "
        "`deploy/local.py` starting nginx (docs/nginx.conf.example adapted) in front of 4 "
        "gevent workers. Every tablet signs in over HTTP and joins its meeting through nginx "
        "with the official socket.io JS client (`bench/cluster/tablets.mjs`), pinned to a "
        "worker by an `ecabinet_route` cookie of its own as the example configuration does. "
        "Then the secretariat changes one meeting's agenda at a time, in turn (HTTP PUT, "
        "CSRF) → time until the last tablet *of that meeting* has the new order; then every "
        "meeting's agenda at the same instant → the last of all 2,000. Baseline, in the same "
        "run: a bare python-socketio cluster (4 `bench/tablets/bare_server.py` gevent servers "
        "with a `RedisManager` on the same Redis, behind the same nginx configuration), the "
        "same 2,000 clients in 8 rooms, an HTTP request broadcasting to one room. Bare and app "
        "alternate three times (the order swaps); every figure is the median over the "
        "alternations. Target: fan-out p99 ≤ 1.25× bare (as the other fan-out benches); "
        "RSS per worker ≤ 300 MB (issue 3's bound for 500 tablets on one server).",
    ),
    Section(
        "500 tablets: agenda fan-out",
        ("fanout",),
        lambda n: "RSS" not in n,
        about="The secretariat reorders the agenda over HTTP (sign-in, CSRF, database write, "
        "audit, commit, emit); time until the *last* of N signed-in Socket.IO tablets has the "
        "new order. Baseline: a bare python-socketio server on gevent broadcasting the same "
        "event to the same number of clients when an HTTP request arrives (no Flask, no "
        "database). Target (issue 3): p99 at 500 tablets ≤ 1.25× the bare broadcast. With "
        "30 rounds per size the p99 is in effect the worst round, so one scheduling stall of "
        "the shared machine decides it; the p50 rows show the typical case.",
    ),
    Section(
        "500 simultaneous votes acknowledged (SQLite, PostgreSQL)",
        ("votes",),
        lambda n: "reconnect" not in n.lower(),
        postgres_rows=(
            "[PostgreSQL] 500 casts at once → last durable ack",
            "[PostgreSQL] close → last of 500 tablets has the result, p99",
        ),
        about="500 tablets in one open session cast at the same instant over Socket.IO; each "
        "ack is sent after the cast's commit; the time is until the last ack. Every cast is "
        "then resent with the same client id and the database is checked (none lost, none "
        "doubled). Then the chair closes the vote: time until the last tablet has the result, "
        "beside a bare python-socketio broadcast of the same message. Targets (issue 4): all "
        "500 acked within 1 s; result fan-out p99 ≤ 1.25× the bare broadcast.",
    ),
    Section(
        "Reconnect to full state",
        ("votes",),
        lambda n: "reconnect" in n.lower(),
        postgres_rows=("[PostgreSQL] reconnect → full state, p99",),
        about="A tablet drops, connects again and joins the meeting, while 500 others stay "
        "connected; time until it holds the whole session state (one message). Target "
        "(issue 4): p99 ≤ 300 ms.",
    ),
    Section(
        "Board pack build",
        ("boardpack",),
        about="One PDF per meeting: WeasyPrint cover and agenda in Vietnamese, every item's "
        "papers, bookmarks per item and paper; cold and from the cache, beside a bare pypdf "
        "concatenation of the same papers. The issue sets no target here; the script's own: "
        "cold ≤ 2× the bare concatenation, cached ≤ 0.1×.",
    ),
    Section(
        "100 concurrent paper downloads (app, nginx, X-Accel-Redirect)",
        ("downloads",),
        about="100 concurrent downloads (curl --parallel) of a 20 MB paper as a signed-in "
        "member, throughput. Baseline: nginx serving the same file (sendfile) in the same run. "
        "Targets (issue 3): app ≥ 0.5× nginx; app behind nginx with X-Accel-Redirect ≈ 1× "
        "(≥ 0.9×).",
    ),
    Section(
        "30-item minutes: render and sign",
        ("records", "minutes"),
        about="A 30-item minutes document rendered to PDF/A-3 (embedded fonts, JSON and Akoma "
        "Ntoso attachments) beside a bare WeasyPrint render of the same HTML; the secretary's "
        "and the chair's PAdES signatures in-process. Targets (issue 6): render ≤ 1.3× bare "
        "WeasyPrint; each signature ≤ 0.5 s.",
    ),
    Section(
        "Server memory (RSS) with 500 tablets connected",
        ("fanout",),
        lambda n: "RSS" in n,
        about="Resident memory of the app server process (Flask-SocketIO on gevent, as `python "
        "app.py` starts it in production) with N signed-in tablets joined to one meeting. "
        "Target (issue 3): ≤ 300 MB with 500 tablets.",
    ),
)
