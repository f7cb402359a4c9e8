"""From the raw results of `bench/bench_tablets.py` to the report's rows (issue 15's targets).

Every figure is the median over the alternations of that alternation's figure (a p50 or p99
over its rounds, or a last ack), the bare server's the same way, from the same run.
"""

from __future__ import annotations

import statistics
from typing import Any

from bench.common import Scenario, percentile

BARE = "bare python-socketio (gevent), same run"


def bare_name(args: Any) -> str:
    """What the app is compared with: one bare server reached directly, or (``--bare
    cluster``) as many bare servers as the app has workers, behind the same nginx."""
    if getattr(args, "bare", "direct") == "cluster":
        return (
            f"{args.workers} bare python-socketio (gevent) servers behind the same nginx, same run"
        )
    return BARE


MB = 2**20


def _median(values: list[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return statistics.median(found) if found else None


def _alts(detail: dict, key: str) -> list[dict]:
    return [a[key] for a in detail.get("alternations", []) if key in a]


def _fanout_point(results: list[dict], size: int, p: int) -> float | None:
    """Median over alternations of the p-th percentile (over rounds) of the last tablet's time."""
    values = []
    for result in results:
        for point in result["points"]:
            if point["tablets"] == size and point["last"]:
                values.append(percentile(point["last"], p))
    return _median(values)


def _dropped_note(results: list[dict], size: int) -> str:
    """Tablets the server dropped (ping timeout) during the rounds, if any."""
    dropped = [pt.get("dropped", 0) for r in results for pt in r["points"] if pt["tablets"] == size]
    return f"; {max(dropped)} tablets dropped by the server" if dropped and max(dropped) else ""


def fanout_series(detail: dict, args: Any) -> list[dict]:
    """The plot's data: p50 and p99 of "agenda change → last tablet" per size, app and bare."""
    if not detail:
        return []
    app, bare = _alts(detail, "fanout_app"), _alts(detail, "fanout_bare")
    series = []
    for size in args.sizes:
        each = {
            name: _median(
                [pt["each"]["p50"] for r in found for pt in r["points"] if pt["tablets"] == size]
            )
            for name, found in (("app", app), ("bare", bare))
        }
        series.append(
            {
                "tablets": size,
                "app_last_p50_ms": _fanout_point(app, size, 50),
                "app_last_p99_ms": _fanout_point(app, size, 99),
                "bare_last_p50_ms": _fanout_point(bare, size, 50),
                "bare_last_p99_ms": _fanout_point(bare, size, 99),
                "app_each_p50_ms": each["app"],
                "bare_each_p50_ms": each["bare"],
                "app_rss_mb": None,
                "rounds": args.rounds,
                "alternations": len(app),
            }
        )
    return series


def _rounds(detail: dict, key: str) -> list[dict]:
    return [r for result in _alts(detail, key) for r in result["rounds"]]


def _casts_check(rounds: list[dict]) -> tuple[int, int, int, str]:
    """(lost, doubled, duplicates not acked as such, text) over every app burst round."""
    lost = doubled = unacked = 0
    for r in rounds:
        lost += r["tablets"] - r.get("voters", 0)
        doubled += r.get("stored", 0) - r.get("voters", 0)
        unacked += r["tablets"] - r["resent_duplicate"]
    text = (
        f"{len(rounds)} votes × {rounds[0]['tablets'] if rounds else 0} tablets: "
        f"{lost} lost, {doubled} doubled (database), resent casts acked as duplicates "
        f"{sum(r['resent_duplicate'] for r in rounds)}/{sum(r['tablets'] for r in rounds)}"
    )
    return lost, doubled, unacked, text


def digest(details: dict, args: Any) -> dict:
    """The headline medians per database, for the report's prose and the closing note."""
    found = {}
    for label, detail in details.items():
        app_rounds, bare_rounds = _rounds(detail, "burst_app"), _rounds(detail, "burst_bare")
        found[label] = {
            "join_last_ms": {
                "app": _median([r["last_ms"] for r in _alts(detail, "join_app")]),
                "bare": _median([r["last_ms"] for r in _alts(detail, "join_bare")]),
            },
            "join_failed": sum(r["failed"] for r in _alts(detail, "join_app")),
            "burst_last_ack_ms": {
                "app": _median([r["last_ack_ms"] for r in app_rounds]),
                "bare": _median([r["last_ack_ms"] for r in bare_rounds]),
            },
            "secret_last_ack_ms": _median(
                [r["last_ack_ms"] for r in _rounds(detail, "secret_app")]
            ),
            "burst_ack_p50_ms": {
                "app": _median([r["acks"]["p50"] for r in app_rounds]),
                "bare": _median([r["acks"]["p50"] for r in bare_rounds]),
            },
            "burst_failed": sum(r["failed"] for r in app_rounds),
            "close_result_last_ms": {
                "app": _median([r["result_last_ms"] for r in app_rounds]),
                "bare": _median([r["result_last_ms"] for r in bare_rounds]),
            },
            "rss_waves_mb": [x / MB for x in detail.get("waves_app", {}).get("rss", [])],
            "rss_waves_bare_mb": [x / MB for x in detail.get("waves_bare", {}).get("rss", [])],
            "single_join_p50_ms": {
                name: v["join"]["p50"]
                for name, v in detail.get("history", {}).get("app", {}).items()
            },
            "shapes": detail.get("shapes"),
        }
    return found


def scenarios(details: dict, args: Any) -> list[Scenario]:
    """The table's rows, per database, with issue 15's targets."""
    rows: list[Scenario] = []
    n = args.tablets
    for label, detail in details.items():
        workers = getattr(args, "workers", 1)
        tag = f"[{label}, {workers} workers behind nginx]" if workers > 1 else f"[{label}]"
        bare = bare_name(args)
        joins_app, joins_bare = _alts(detail, "join_app"), _alts(detail, "join_bare")
        failed = sum(r["failed"] for r in joins_app)
        app_rounds, bare_rounds = _rounds(detail, "burst_app"), _rounds(detail, "burst_bare")
        history = detail.get("history", {})
        rows.append(
            Scenario(
                f"{tag} connect + join of {n} tablets ({args.history} closed votes), last ack",
                _median([r["last_ms"] for r in joins_app]) or float("nan"),
                _median([r["last_ms"] for r in joins_bare]),
                "ms",
                target=3,
                baseline_name=bare,
                note=f"all at once; per-tablet join ack p50 "
                f"{_median([r['join']['p50'] for r in joins_app]) or 0:.0f} ms (bare "
                f"{_median([r['join']['p50'] for r in joins_bare]) or 0:.0f} ms); "
                f"over the {len(joins_app)} alternations {failed} joins failed and "
                f"{sum(r['join_over_tablet_timeout'] for r in joins_app)} took longer than the "
                "tablets' 10 s timeout",
            )
        )
        app_fan, bare_fan = _alts(detail, "fanout_app"), _alts(detail, "fanout_bare")
        for size in args.sizes:
            for p in (50, 99):
                rows.append(
                    Scenario(
                        f"{tag} agenda change → last tablet, p{p}, {size} tablets",
                        _fanout_point(app_fan, size, p) or float("nan"),
                        _fanout_point(bare_fan, size, p),
                        "ms",
                        target=1.25,
                        baseline_name=bare,
                        note=f"{args.rounds} changes per size, median of {len(app_fan)} "
                        "alternations; HTTP PUT (session, CSRF, write, audit, commit) → emit"
                        + _dropped_note(app_fan, size),
                    )
                )
        rows += _cpu_rows(tag, n, joins_app, joins_bare, app_rounds, bare_rounds, bare)
        lost, doubled, unacked, check = _casts_check(app_rounds)
        last_app = _median([r["last_ack_ms"] for r in app_rounds])
        last_bare = _median([r["last_ack_ms"] for r in bare_rounds])
        ack_p50 = _median([r["acks"]["p50"] for r in app_rounds])
        spread = f"per-ack p50 {ack_p50 or 0:.0f} ms of last {last_app or 0:.0f} ms"
        fails = sum(r["failed"] for r in app_rounds)
        rows.append(
            Scenario(
                f"{tag} {n} casts at once → last durable ack",
                last_app or float("nan"),
                last_bare,
                "ms",
                target=3,
                baseline_name=bare + ", acking from memory",
                note=f"{spread}; {fails} casts failed; "
                f"{sum(r.get('dropped_before_cast', 0) for r in app_rounds)} tablets dropped "
                "by the server before casting; "
                f"{sum(r['over_tablet_timeout'] for r in app_rounds)} acks over 10 s",
            )
        )
        rows.append(
            Scenario(
                f"{tag} {n} casts at once → last durable ack (absolute)",
                last_app or float("nan"),
                None,
                "ms",
                limit=400 if label == "SQLite" else 500,
                note=spread,
            )
        )
        rows.append(
            Scenario(
                f"{tag} casts lost + doubled after resending every cast",
                lost + doubled + unacked,
                None,
                "casts",
                limit=0,
                note=check,
            )
        )
        rows += _secret_rows(tag, label, n, detail, last_app, last_bare, bare)
        app_close = [r["result_last_ms"] for r in app_rounds if r["result_last_ms"] is not None]
        bare_close = [r["result_last_ms"] for r in bare_rounds if r["result_last_ms"] is not None]
        rows.append(
            Scenario(
                f"{tag} close → result on the last of {n} tablets, p99",
                percentile(app_close, 99) if app_close else float("nan"),
                percentile(bare_close, 99) if bare_close else None,
                "ms",
                target=1.25,
                baseline_name=bare,
                note=f"p50 {percentile(app_close, 50) if app_close else 0:.0f} ms vs bare "
                f"{percentile(bare_close, 50) if bare_close else 0:.0f} ms over "
                f"{len(app_close)} votes of {n} casts",
            )
        )
        singles = history.get("app", {})
        meetings = sorted(history.get("meetings", []), key=lambda m: m["history"])
        bare_single = history.get("bare", {}).get("join", {}).get("p50")
        for m in meetings:
            one = singles.get(m["name"], {}).get("join", {})
            rows.append(
                Scenario(
                    f"{tag} single join, {m['history']} closed votes, p50",
                    one.get("p50") or float("nan"),
                    bare_single,
                    "ms",
                    baseline_name=bare,
                    note=f"p99 {one.get('p99') or 0:.0f} ms over {one.get('n')} joins; ack "
                    f"{singles.get(m['name'], {}).get('ack_bytes') or 0:,} bytes",
                )
            )
        if len(meetings) >= 2:
            low, high = meetings[0], meetings[-1]
            rows.append(
                Scenario(
                    f"{tag} single join at {high['history']} vs {low['history']} closed votes",
                    singles.get(high["name"], {}).get("join", {}).get("p50") or float("nan"),
                    singles.get(low["name"], {}).get("join", {}).get("p50"),
                    "ms",
                    target=1.1,
                    baseline_name=f"the same join at {low['history']} closed votes",
                    note="independent of the number of past votes: within 10 %",
                )
            )
        rss = detail.get("waves_app", {}).get("rss", [])
        bare_rss = detail.get("waves_bare", {}).get("rss", [])
        if len(rss) >= 2:
            rows.append(
                Scenario(
                    f"{tag} server RSS after {len(rss)} waves of {n} connect/disconnect",
                    rss[-1] / MB,
                    rss[0] / MB,
                    "MB",
                    target=1.05,
                    baseline_name="the same process after the first wave",
                    note="after each wave: "
                    + ", ".join(f"{x / MB:.0f}" for x in rss)
                    + " MB; bare: "
                    + ", ".join(f"{x / MB:.0f}" for x in bare_rss)
                    + " MB",
                )
            )
        peak = [r.get("rss_joined") for r in joins_app if r.get("rss_joined")]
        peak_bare = [r.get("rss_joined") for r in joins_bare if r.get("rss_joined")]
        if peak:
            rows.append(
                Scenario(
                    f"{tag} server RSS with {n} tablets joined",
                    max(peak) / MB,
                    max(peak_bare) / MB if peak_bare else None,
                    "MB",
                    limit=300 * workers,
                    baseline_name=bare,
                    note="the largest over the alternations"
                    + (f"; the {workers} workers together (300 MB each)" if workers > 1 else ""),
                )
            )
    return rows


def _cpu_rows(
    tag: str,
    n: int,
    joins_app: list,
    joins_bare: list,
    app_rounds: list,
    bare_rounds: list,
    vs: str,
) -> list[Scenario]:
    """The server's CPU per join and per cast (from /proc, whatever else the machine runs):
    what the latency rows cost, beside the bare server's."""
    measures = (
        (
            "server CPU per tablet, connect + join",
            "cpu_ms_per_tablet",
            joins_app,
            joins_bare,
            "",
            f"CPU time of the server process over the join of {n}, per tablet",
        ),
        (
            "server CPU per cast",
            "cpu_ms_per_cast",
            app_rounds,
            bare_rounds,
            ", acking from memory",
            "CPU time of the server process from the first cast to the last ack, per cast "
            "(the progress broadcasts included)",
        ),
    )
    rows = []
    for name, key, app, bare, acking, note in measures:
        figure = _median([r.get(key) for r in app])
        if figure is not None:
            baseline = _median([r.get(key) for r in bare])
            rows.append(
                Scenario(
                    f"{tag} {name}", figure, baseline, "ms", baseline_name=vs + acking, note=note
                )
            )
    return rows


def _secret_rows(
    tag: str,
    label: str,
    n: int,
    detail: dict,
    last_open: float | None,
    last_bare: float | None,
    vs: str,
) -> list[Scenario]:
    """The burst of sealed (secret) ballots, beside the open burst and the bare server."""
    rounds = _rounds(detail, "secret_app")
    if not rounds:
        return []
    last = _median([r["last_ack_ms"] for r in rounds])
    ack_p50 = _median([r["acks"]["p50"] for r in rounds])
    lost, doubled, unacked, check = _casts_check(rounds)
    spread = (
        f"per-ack p50 {ack_p50 or 0:.0f} ms of last {last or 0:.0f} ms; the open burst of the "
        f"same alternations: last {last_open or 0:.0f} ms; "
        f"{sum(r['failed'] for r in rounds)} casts failed"
    )
    return [
        Scenario(
            f"{tag} {n} sealed (secret) casts at once → last durable ack",
            last or float("nan"),
            last_bare,
            "ms",
            target=3,
            baseline_name=vs + ", acking from memory",
            note=spread,
        ),
        Scenario(
            f"{tag} {n} sealed (secret) casts at once → last durable ack (absolute)",
            last or float("nan"),
            None,
            "ms",
            limit=400 if label == "SQLite" else 500,
            note=spread,
        ),
        Scenario(
            f"{tag} sealed casts lost + doubled after resending every cast",
            lost + doubled + unacked,
            None,
            "casts",
            limit=0,
            note=check,
        ),
    ]
