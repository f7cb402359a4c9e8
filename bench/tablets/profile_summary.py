"""Read what `bench/profile_tablets.py` collected and write ``summary.md``: where the time of a
join and a cast goes (py-spy), what runs per event (counters), GC pauses, hub stalls, memory."""

from __future__ import annotations

import collections
import json
import re
from pathlib import Path

OURS = ("cabinet/", "meetings/", "voting/", "records/", "demo/")
OUR_FILE = re.compile(r'File "[^"]*/(?:wt-[^/]+|main|work)/(cabinet|meetings|voting|records|demo)/')
FRAME = re.compile(r"^(?P<func>.*) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")


def short(path: str) -> str:
    """A file path as the reader looks for it: `meetings/sockets.py`, `flask_socketio/__init__.py`."""
    for marker in ("site-packages/", "lib/python3.11/", "/wt-bench/", "/main/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path  # py-spy already shortens paths on sys.path: `socketio/server.py`


def parse(path: Path) -> list[tuple[list[str], int]]:
    """py-spy's raw (collapsed) output: [(frames root→leaf as "file:function", samples)]."""
    stacks = []
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = []
        for raw in stack.split(";"):
            match = FRAME.match(raw.strip())
            if match:
                func = match["func"].rsplit("<locals>.", 1)[-1]
                frames.append(f"{short(match['file'])}:{func}")
            else:
                frames.append(raw.strip()[:80])
        stacks.append((frames, int(count)))
    return stacks


def classify(frames: list[str]) -> str:
    """Which kind of work a sample was doing."""
    if any(f.endswith("SocketIO._handle_event") for f in frames):
        for f in frames:
            if f.startswith(OURS) and "/sockets.py:" in f:
                return f"socket event {f}"
        if any(f == "cabinet/realtime.py:on_connect" for f in frames):
            return "socket event cabinet/realtime.py:on_connect"
        if any(f.startswith("cabinet/realtime.py:on_disconnect") for f in frames):
            return "socket event cabinet/realtime.py:on_disconnect"
        return "socket event dispatch (Flask-SocketIO, outside our handler)"
    if any("full_dispatch_request" in f for f in frames):
        return "HTTP request (Flask)"
    if any("pubsub_manager" in f or "redis" in f.split(":")[0] for f in frames):
        return "Redis message queue"
    if any(f.startswith(("engineio/", "geventwebsocket/", "socketio/")) for f in frames):
        return "Socket.IO / Engine.IO transport"
    if any("gevent/" in f for f in frames):
        return "gevent hub / pywsgi"
    return "other"


def kinds(stacks) -> list[tuple[str, int, float]]:
    """Samples per kind of work, with the share of all samples."""
    total = sum(c for _, c in stacks) or 1
    found = collections.Counter()
    for frames, count in stacks:
        found[classify(frames)] += count
    return [(k, v, 100 * v / total) for k, v in found.most_common()]


def inclusive(stacks, keep, limit: int = 30, ours_only: bool = False):
    """Frames by the share of the kept samples they appear in (each frame once per sample)."""
    kept = [(f, c) for f, c in stacks if keep(f)]
    total = sum(c for _, c in kept) or 1
    found = collections.Counter()
    own = collections.Counter()
    for frames, count in kept:
        for frame in set(frames):
            if not ours_only or frame.startswith(OURS):
                found[frame] += count
        own[frames[-1]] += count
    # The frames every sample is on (the dispatch chain down to the handler) say nothing.
    top = [(f, 100 * v / total) for f, v in found.most_common() if v < total][:limit]
    leaf = [(f, 100 * v / total) for f, v in own.most_common(15)]
    return total, top, leaf


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(x) for x in row) + " |" for row in rows]
    return "\n".join(lines)


def profile_section(path: Path, handler: str | None) -> list[str]:
    """The py-spy tables of one phase."""
    stacks = parse(path)
    total = sum(c for _, c in stacks)
    out = [f"### py-spy: {path.stem} ({total} samples on CPU)", ""]
    out += [
        _table(["work", "samples", "share"], [[k, v, f"{p:.1f} %"] for k, v, p in kinds(stacks)])
    ]
    out.append("")
    if handler:
        n, top, leaf = inclusive(stacks, lambda f: any(x.endswith(handler) for x in f), 40)
        out += [
            f"Inside `{handler}` ({n} samples = {100 * n / (total or 1):.0f} % of the phase): "
            "frames by the share of its samples they are on (inclusive), then the leaf frames "
            "(self time).",
            "",
            _table(["frame (inclusive)", "share"], [[f"`{f}`", f"{p:.1f} %"] for f, p in top]),
            "",
            _table(["leaf frame (self)", "share"], [[f"`{f}`", f"{p:.1f} %"] for f, p in leaf]),
            "",
        ]
    n, top, _ = inclusive(
        stacks, lambda f: any(x.endswith("SocketIO._handle_event") for x in f), 40
    )
    out += [
        f"Every socket event of the phase ({n} samples): frames by inclusive share.",
        "",
        _table(["frame (inclusive)", "share"], [[f"`{f}`", f"{p:.1f} %"] for f, p in top]),
        "",
    ]
    return out


def counters_section(dump: dict, label: str) -> list[str]:
    """Per event: what ran (SQL, contexts, sessions, users, schemas, commits) per event."""
    rows = []
    for name, b in sorted(dump["events"].items(), key=lambda kv: -kv[1]["count"]):
        count = b["count"] or 1
        if not b["count"] and not b["sql"]:
            continue
        rows.append(
            [
                f"`{name}`",
                b["count"],
                f"{b['wall_ms'] / count:.1f}",
                f"{b['max_ms']:.0f}",
                f"{b['sql'] / count:.1f}",
                f"{b['sql_ms'] / count:.1f}",
                f"{b['request_contexts'] / count:.1f}",
                f"{b['sessions_opened'] / count:.1f}",
                f"{b['users_loaded'] / count:.1f}",
                f"{sum(b['schemas'].values()) / count:.1f}",
                f"{b['commits'] / count:.1f}",
            ]
        )
    header = ["event", "n", "wall ms/ev", "max ms", "SQL/ev", "SQL ms/ev", "req ctx/ev"]
    header += ["sessions/ev", "users loaded/ev", "schemas/ev", "commits/ev"]
    out = [f"### Counters: {label}", "", _table(header, rows), ""]
    for name, b in dump["events"].items():
        if b["count"] and b["statements"] and name in ("meeting.join", "vote.cast", "connect"):
            count = b["count"]
            out += [f"SQL of one `{name}` (statements per event, most frequent first):", ""]
            out += [
                _table(
                    ["per event", "statement (first 160 characters)"],
                    [[f"{c / count:.1f}", f"`{s}`"] for s, c in b["statements"][:25]],
                ),
                "",
            ]
            if b["schemas"]:
                per = ", ".join(f"{k} ×{v / count:.1f}" for k, v in b["schemas"].items())
                out += [f"Schemas instantiated per `{name}`: {per}.", ""]
    return out


def gc_and_blocks(dump: dict, label: str) -> list[str]:
    """GC collections and hub stalls of one phase."""
    out = []
    by_gen = collections.defaultdict(list)
    for g in dump["gc"]:
        by_gen[g["gen"]].append(g["ms"])
    rows = [
        [gen, len(v), f"{sum(v):.0f}", f"{max(v):.1f}"] for gen, v in sorted(by_gen.items()) if v
    ]
    if rows:
        out += [f"GC during {label} ({dump['seconds']:.0f} s):", ""]
        out += [_table(["generation", "collections", "total ms", "longest ms"], rows), ""]
    lag = dump.get("lag") or []
    if lag or dump.get("lag_max_ms"):
        worst_lag = sorted(lag, key=lambda x: -x[1])[:8]
        out += [
            f"Hub lag during {label} (a greenlet asking to wake every 10 ms, how late it woke): "
            f"longest {dump.get('lag_max_ms', 0):.0f} ms; {len(lag)} wake-ups late by ≥ 20 ms"
            + (
                "; the longest at " + ", ".join(f"+{a:.1f} s ({ms:.0f} ms)" for a, ms in worst_lag)
                if worst_lag
                else ""
            )
            + ".",
            "",
        ]
        long_gc = [g for g in dump["gc"] if g["ms"] >= 20]
        if long_gc:
            out += [
                "Collections of ≥ 20 ms (time, generation, ms, objects freed): "
                + ", ".join(
                    f"+{g['at']:.1f} s gen{g['gen']} {g['ms']:.0f} ms ({g['collected']})"
                    for g in long_gc[:12]
                ),
                "",
            ]
    blocked = dump["blocked"]
    if blocked:
        worst = sorted(blocked, key=lambda b: -b["ms"])
        out += [
            f"gevent's monitor found the hub blocked (one greenlet running ≥ "
            f"{worst[0]['ms']:.0f} ms without yielding) {len(blocked)} times. "
            "Where, by the blocking greenlet's innermost frame of ours:",
            "",
        ]
        places = collections.Counter()
        leaves = collections.Counter()
        for report in blocked:
            ours = [line.strip() for line in report["info"] if OUR_FILE.search(line)]
            files = [line.strip() for line in report["info"] if line.strip().startswith("File")]
            places[_frame_text(ours[-1]) if ours else "(none of ours)"] += 1
            leaves[_frame_text(files[-1]) if files else "?"] += 1
        out += [
            _table(
                ["innermost frame of ours", "reports"],
                [[f"`{k}`", v] for k, v in places.most_common(12)],
            ),
            "",
            _table(
                ["innermost frame (any)", "reports"],
                [[f"`{k}`", v] for k, v in leaves.most_common(8)],
            ),
        ]
        out.append("")
    return out


def _frame_text(line: str) -> str:
    """'File ".../meetings/models.py", line 256, in participant' → 'meetings/models.py:256 participant'."""
    match = re.search(r'File "([^"]+)", line (\d+), in (.+)$', line)
    if not match:
        return line[:120]
    return f"{short(match[1])}:{match[2]} {match[3]}"


def memory_section(first: dict, last: dict, rss: list) -> list[str]:
    """Live objects after the first wave against after the last: what connections leave."""
    a, b = dict(first["object_types"]), dict(last["object_types"])
    growth = sorted(((b.get(k, 0) - a.get(k, 0), k) for k in set(a) | set(b)), reverse=True)
    rows = [[f"`{k}`", a.get(k, 0), b.get(k, 0), f"{d:+d}"] for d, k in growth[:20] if d]
    out = [
        "### Memory: live objects after the first and the last wave",
        "",
        f"RSS after each wave (MB): {', '.join(str(x) for x in rss)}. Live objects: "
        f"{first['objects']:,} → {last['objects']:,} ({last['objects'] - first['objects']:+,}).",
        "",
        _table(["type", "after wave 1", "after last wave", "growth"], rows),
        "",
    ]
    for kind, chains in (last.get("referrers") or {}).items():
        out += [f"Who holds the newest `{kind}` objects (a sample; holder types):", ""]
        out += [f"- {count}× held by {chain}" for chain, count in chains]
        out.append("")
    if last.get("tracemalloc_growth"):
        out += ["tracemalloc, growth by allocation site:", ""]
        out += [
            f"- {t['size_kb']} KiB, {t['count']:+d} blocks: `{' ← '.join(reversed(t['trace'][-4:]))}`"
            for t in last["tracemalloc_growth"][:12]
        ]
        out.append("")
    return out


def write(folder: Path, context: dict) -> Path:
    """summary.md from the phases' dumps and py-spy files."""
    dumps = {
        p["label"]: json.loads((folder / p["dump"]).read_text())
        for p in context["phases"]
        if "dump" in p
    }
    out = [
        "# Profile of the tablets bench (generated by bench/profile_tablets.py)",
        "",
        f"{context['tablets']} tablets connected, {context.get('voters')} voters, "
        f"{context['database']}, {context['history']} closed votes, "
        f"queue: {context['queue']}, py-spy at {context['rate']} Hz; load average "
        f"{context['loadavg_start']} at the start, {context['loadavg_end']} at the end.",
        "",
    ]
    for phase in context["phases"]:
        if "result" in phase:
            values = ", ".join(f"{x:.0f}" for x in phase["result"][:10] if x is not None)
            out.append(f"- {phase['label']}: {values} ms")
    out.append("")
    for label, handler in (
        ("join-under-load", "meetings/sockets.py:join"),
        ("cast-under-load", "voting/polls/sockets.py:cast"),
        ("fanout", None),
    ):
        path = folder / f"{label}.txt"
        if path.exists():
            out += [f"## {label}", ""] + profile_section(path, handler)
        if label in dumps:
            out += counters_section(dumps[label], label) + gc_and_blocks(dumps[label], label)
    for label in ("join-alone-x10", "cast-alone-x5"):
        if label in dumps:
            out += [f"## {label}", ""] + counters_section(dumps[label], label)
            out += gc_and_blocks(dumps[label], label)
    waves = [p for p in context["phases"] if p["label"].startswith("after-wave")]
    rss = next((p["rss_mb"] for p in context["phases"] if p["label"] == "rss"), [])
    if len(waves) >= 2:
        out += ["## waves", ""]
        out += memory_section(dumps[waves[0]["label"]], dumps[waves[-1]["label"]], rss)
    path = folder / "summary.md"
    path.write_text("\n".join(out) + "\n")
    return path
