"""The cluster bench's figures from its raw alternations: medians over the alternations, app
beside the bare python-socketio cluster, as `Scenario` rows (bench/common.py)."""

from __future__ import annotations

from statistics import median

from bench.common import Scenario

BARE = "bare python-socketio cluster, same nginx and Redis"
MB = 1024 * 1024


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return median(present) if present else None


def _series(alternations: list[dict], name: str, pick) -> list[float | None]:
    return [pick(a[name]) for a in alternations if name in a]


def per_side(alternations: list[dict], name: str) -> dict:
    """One side's (app or bare) medians over the alternations, and what went wrong."""

    def series(pick):
        return _series(alternations, name, pick)

    runs = [a[name] for a in alternations if name in a]
    return {
        "one_p50": _median(series(lambda r: r["result"]["last"]["p50"])),
        "one_p99": _median(series(lambda r: r["result"]["last"]["p99"])),
        "all_p50": _median(series(lambda r: r["result"]["last_all"]["p50"])),
        "all_p99": _median(series(lambda r: r["result"]["last_all"]["p99"])),
        "join_last": _median(
            series(lambda r: median(j["last_ms"] or 0 for j in r["result"]["joins"]))
        ),
        "rss_max": _median(
            series(lambda r: max(r["rss_joined"]) / MB if r["rss_joined"] else None)
        ),
        "rss_idle_max": _median(series(lambda r: max(r["rss_idle"]) / MB)),
        "connections": [r["connections"] for r in runs],
        "one_p99s": series(lambda r: r["result"]["last"]["p99"]),
        "all_p99s": series(lambda r: r["result"]["last_all"]["p99"]),
        "missing": sum(r["result"]["missing"] for r in runs),
        "strays": sum(r["result"]["strays"] for r in runs),
        "dropped": sum(r["result"]["dropped"] for r in runs),
        "not_joined": sum(r["result"]["tablets"] - r["result"]["joined"] for r in runs),
        "join_errors": sorted(
            {_code(e) for r in runs for j in r["result"]["joins"] for e in j["errors"]}
        ),
        "joins_over_timeout": [
            sum(j["join_over_tablet_timeout"] for j in r["result"]["joins"]) for r in runs
        ],
    }


def _code(error: str) -> str:
    """A join's error, short: the app's error code ("unavailable") or the client's message."""
    if '"code":"' in error:
        return error.split('"code":"', 1)[1].split('"', 1)[0]
    return error[:60]


def _refused(side: dict, joins: int) -> str:
    if not side["not_joined"]:
        return "every join acked ok"
    return f"{side['not_joined']} of {joins:,} joins refused ({', '.join(side['join_errors'])})"


def _health(side: dict) -> str:
    return (
        f"{side['not_joined']} not joined, {side['missing']} missed, {side['strays']} strays, "
        f"{side['dropped']} dropped over all alternations"
    )


def _ms(values: list[float | None]) -> str:
    return "/".join("—" if v is None else f"{v:.0f}" for v in values)


def scenarios(alternations: list[dict], args) -> list[Scenario]:
    """The table's rows."""
    app, bare = per_side(alternations, "app"), per_side(alternations, "bare")
    t, m, w = args.tablets, args.meetings, args.workers
    shape = f"{t:,} tablets in {m} meetings on {w} workers"
    per_meeting = round(t / m)
    runs = f"median of {len(alternations)} alternations"
    spread = [c for cs in app["connections"] for c in cs]
    bare_spread = [c for cs in bare["connections"] for c in cs]
    rows = [
        Scenario(
            f"[{shape}] agenda change → last tablet of that meeting ({per_meeting}), p50",
            app["one_p50"],
            bare["one_p50"],
            "ms",
            baseline_name=BARE,
            note=f"{args.rounds} changes, one meeting at a time in turn; {runs}",
        ),
        Scenario(
            f"[{shape}] agenda change → last tablet of that meeting ({per_meeting}), p99",
            app["one_p99"],
            bare["one_p99"],
            "ms",
            target=1.25,
            baseline_name=BARE,
            note=f"p99 per alternation app {_ms(app['one_p99s'])}, bare "
            f"{_ms(bare['one_p99s'])} ms; app: {_health(app)}; bare: {_health(bare)}",
        ),
    ]
    if args.all_rounds:
        rows += [
            Scenario(
                f"[{shape}] all {m} agendas change at once → last of {t:,} tablets, p50",
                app["all_p50"],
                bare["all_p50"],
                "ms",
                baseline_name=BARE,
                note=f"{args.all_rounds} rounds of {m} simultaneous changes; {runs}",
            ),
            Scenario(
                f"[{shape}] all {m} agendas change at once → last of {t:,} tablets, p99",
                app["all_p99"],
                bare["all_p99"],
                "ms",
                target=1.25,
                baseline_name=BARE,
                note=f"p99 per alternation app {_ms(app['all_p99s'])}, bare "
                f"{_ms(bare['all_p99s'])} ms",
            ),
        ]
    rows += [
        Scenario(
            f"[{shape}] connect + join of a meeting's {per_meeting} tablets at once, last ack",
            app["join_last"],
            bare["join_last"],
            "ms",
            baseline_name=BARE,
            note=f"median over the meetings (joined one after the other), of the joins acked ok; "
            f"{runs}; app: {_refused(app, t * len(alternations))}; bare: "
            f"{_refused(bare, t * len(alternations))}; joins acked "
            f"after the tablet's 10 s timeout (a real tablet would retry) per alternation: app "
            f"{app['joins_over_timeout']}, bare {bare['joins_over_timeout']}",
        ),
        Scenario(
            f"[{shape}] RSS of the largest worker, all tablets joined",
            app["rss_max"],
            bare["rss_max"],
            "MB",
            limit=300,
            baseline_name=BARE,
            note=f"≈ {round(t / w)} tablets of {m} meetings per worker; idle before the joins: "
            f"app {app['rss_idle_max'] or 0:.0f} MB, bare {bare['rss_idle_max'] or 0:.0f} MB",
        ),
        Scenario(
            f"[{shape}] tablets per worker (connections nginx holds to it), largest worker",
            float(max(spread)) if spread else 0.0,
            float(max(bare_spread)) if bare_spread else None,
            "tablets",
            baseline_name=BARE,
            note=f"per worker, every alternation: app {spread}, bare {bare_spread}; each worker "
            f"holds tablets of all {m} meetings (the route cookie pins a tablet, not a meeting)",
        ),
    ]
    return rows


def digest(alternations: list[dict]) -> dict:
    """The medians of both sides, for the JSON and the README's sentence."""
    return {"app": per_side(alternations, "app"), "bare": per_side(alternations, "bare")}
