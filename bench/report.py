"""Write ``docs/benchmarks.md`` from ``bench/out/run.json`` and the scripts' ``bench/out/*.json``.

    .venv/bin/python bench/report.py          # after bench/run_all.py (which calls it itself)

Every scenario the issues ask for has a section; a figure that is missing is shown as failed or
not run with the reason, never left out.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT_DIR, ROOT, Scenario, machine_info  # noqa: E402
from bench.sections import SECTIONS, Section  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"
RUN_FILE = OUT_DIR / "run.json"
RESULTS_DIR = OUT_DIR / "run"  # run_all's copies of this run's results
SCENARIO_FIELDS = {f.name for f in fields(Scenario)}


@dataclass
class Row:
    """A table row: a measured scenario, or a placeholder saying why there is no figure."""

    name: str
    scenario: Scenario | None = None
    missing: str = ""
    source: str = ""
    extra: dict = field(default_factory=dict)


def fmt(value: float | None) -> str:
    """A number with sensible precision (thousands separated)."""
    if value is None:
        return "—"
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:,.3g}"


def scenario_from(data: dict) -> Scenario:
    """A Scenario back from its JSON form (ratio and verdict are recomputed)."""
    return Scenario(**{k: v for k, v in data.items() if k in SCENARIO_FIELDS})


def target_text(s: Scenario) -> str:
    """The target as a reader reads it: "≤ 1.25× baseline" or "≤ 300 MB"."""
    sign = "≥" if s.higher_is_better else "≤"
    if s.target is not None and s.ratio is not None:
        return f"{sign} {s.target:g}×"
    if s.limit is not None:
        return f"{sign} {fmt(s.limit)} {s.unit}"
    return "—"


def verdict_text(s: Scenario) -> str:
    """pass, — (no target), or **miss** with by how much, in the unit and in percent."""
    if s.passed is None:
        return "—"
    if s.passed:
        return "pass"
    by_ratio = s.target is not None and s.ratio is not None
    allowed = s.target * s.baseline if by_ratio else s.limit
    delta = s.figure - allowed
    percent = (s.figure / allowed - 1) * 100 if allowed else float("inf")
    sign = "+" if delta >= 0 else "−"
    return f"**miss** by {sign}{fmt(abs(delta))} {s.unit} ({sign}{abs(percent):.0f} %)"


def ratio_text(ratio: float | None) -> str:
    """A ratio as 1.25×, small ones with significant digits (0.0031×)."""
    if ratio is None:
        return "—"
    return f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.2g}×"


def escape(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def table(rows: list[Row]) -> str:
    """The Markdown table of one section."""
    lines = [
        "| scenario | figure | baseline (same run) | ratio | target | result | why / note |",
        "|---|---:|---|---:|---:|---|---|",
    ]
    for row in rows:
        s = row.scenario
        if s is None:
            lines.append(f"| {escape(row.name)} | — | — | — | — | {escape(row.missing)} | |")
            continue
        baseline = "—"
        if s.baseline is not None:
            baseline = f"{fmt(s.baseline)} {s.unit}"
            if s.baseline_name:
                baseline += f" ({s.baseline_name})"
        ratio = ratio_text(s.ratio)
        lines.append(
            f"| {escape(s.name)} | {fmt(s.figure)} {s.unit} | {escape(baseline)} | {ratio} | "
            f"{target_text(s)} | {verdict_text(s)} | {escape(s.note)} |"
        )
    return "\n".join(lines)


def load_results(run: dict) -> dict[str, dict]:
    """Each script's result document of this run, by script name (only those that succeeded)."""
    documents = {}
    for record in run.get("scripts", {}).values():
        for output in record.get("outputs", []):
            path = RESULTS_DIR / output
            if path.exists():
                documents[Path(output).stem] = json.loads(path.read_text())
    return documents


def script_problem(name: str, run: dict) -> str | None:
    """Why a script's figures are absent ("failed: ...", "not run: ..."), or None when present."""
    record = run.get("scripts", {}).get(name)
    if record is None:
        if not (ROOT / "bench" / f"bench_{name}.py").exists():
            return f"not run: bench/bench_{name}.py does not exist yet"
        return f"not run: bench/bench_{name}.py was not part of this run"
    if record["status"] == "ok":
        return None
    last = [line for line in record.get("tail", "").splitlines() if line.strip()]
    hint = f" — last output: `{last[-1].strip()[:160]}`" if last else ""
    return f"**failed** ({record.get('reason') or record['status']}){hint}"


def section_rows(section: Section, run: dict, documents: dict[str, dict]) -> list[Row]:
    """The rows of one section, with a placeholder for every expected figure that is absent."""
    rows: list[Row] = []
    pg = run.get("postgresql", {})
    for source in section.sources:
        problem = script_problem(source, run)
        if problem:
            rows.append(Row(f"bench_{source}.py", missing=problem, source=source))
            continue
        document = documents.get(source)
        if document is None:
            rows.append(Row(f"bench_{source}.py", missing="**failed**: no results file"))
            continue
        for data in document.get("scenarios", []):
            if section.match(data["name"]):
                rows.append(Row(data["name"], scenario_from(data), source=source))
    names = {r.name for r in rows}
    for expected in section.postgres_rows:
        if expected in names:
            continue
        if not pg.get("reachable"):
            reason = f"not run: PostgreSQL unreachable ({pg.get('url', '?')})"
        elif any(r.scenario is None for r in rows):
            continue  # the script's own failure row already explains it
        else:
            reason = "**missing**: PostgreSQL was reachable but the script reported no figure"
        rows.append(Row(expected, missing=reason))
    return rows


def fanout_series(documents: dict[str, dict], source: str = "fanout", key: str = "series") -> str:
    """The 50/150/300/500 series behind the plot, as a table."""
    series = documents.get(source, {}).get(key) or []
    if not series:
        return ""
    rss = any(p.get("app_rss_mb") is not None for p in series)
    lines = [
        "| tablets | app p50 | bare p50 | p50 ratio | app p99 | bare p99 | p99 ratio |"
        + (" server RSS |" if rss else ""),
        "|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if rss else ""),
    ]

    def ratio(app: float | None, bare: float | None) -> str:
        return ratio_text(app / bare if app is not None and bare else None)

    for p in sorted(series, key=lambda x: x["tablets"]):
        lines.append(
            f"| {p['tablets']} | {fmt(p['app_last_p50_ms'])} ms | {fmt(p['bare_last_p50_ms'])} ms | "
            f"{ratio(p['app_last_p50_ms'], p['bare_last_p50_ms'])} | "
            f"{fmt(p['app_last_p99_ms'])} ms | {fmt(p['bare_last_p99_ms'])} ms | "
            f"{ratio(p['app_last_p99_ms'], p['bare_last_p99_ms'])} |"
            + (f" {fmt(p.get('app_rss_mb'))} MB |" if rss else "")
        )
    rounds = series[0].get("rounds")
    return "\n".join(lines) + (f"\n\n{rounds} rounds per size." if rounds else "")


def tablets_series(documents: dict[str, dict]) -> list[str]:
    """The tablets bench's fan-out series per database, and its plot."""
    out = []
    for key, label, png in (
        ("series", "SQLite", "tablets-fanout.png"),
        ("series_postgres", "PostgreSQL", "tablets-fanout-postgres.png"),
    ):
        series = fanout_series(documents, "tablets", key)
        if not series:
            continue
        out += [f"Agenda change → last tablet against the number of tablets ({label}):", ""]
        out += [series, ""]
        if (ROOT / "docs" / "img" / png).exists():
            out += [
                f"![Agenda change → last tablet, p50 and p99, app ({label}) beside the bare "
                f"python-socketio server]({'img/' + png})",
                "",
            ]
    return out


def summary(all_rows: list[tuple[Section, list[Row]]]) -> str:
    """One line per targeted figure (and per absent figure): the table to quote."""
    lines = [
        "| scenario | figure | baseline | target | result |",
        "|---|---:|---:|---:|---|",
    ]
    for section, rows in all_rows:
        for row in rows:
            s = row.scenario
            if s is None:
                name = row.name if row.name.startswith("[") else f"{section.title}: {row.name}"
                lines.append(f"| {escape(name)} | — | — | — | {escape(row.missing)} |")
            elif s.passed is not None:
                baseline = f"{fmt(s.baseline)} {s.unit}" if s.baseline is not None else "—"
                lines.append(
                    f"| {escape(s.name)} | {fmt(s.figure)} {s.unit} | {baseline} | "
                    f"{target_text(s)} | {verdict_text(s)} |"
                )
    return "\n".join(lines)


def runs_table(run: dict) -> str:
    """Each script: how it ended, how long it took, the machine's load when it started."""
    lines = [
        "| script | status | time | budget | load average at start (1/5/15 min) | started (UTC) |",
        "|---|---|---:|---:|---|---|",
    ]
    for r in run.get("scripts", {}).values():
        status = r["status"] if not r.get("reason") else f"{r['status']}: {r['reason']}"
        load = " / ".join(f"{x:.1f}" for x in r.get("loadavg", []))
        lines.append(
            f"| `{r['script']}` | {escape(status)} | {r['seconds']:.0f} s | {r['budget']:.0f} s | "
            f"{load} | {r['at'][11:19]} |"
        )
    return "\n".join(lines)


def failures(run: dict) -> str:
    """The last lines of output of every script that failed, for the reader to act on."""
    parts = []
    for r in run.get("scripts", {}).values():
        if r["status"] != "ok" and r.get("tail"):
            parts.append(
                f"**`{r['script']}`** ({r.get('reason') or r['status']}; full log in "
                f"`{r['log']}`):\n\n```text\n{r['tail']}\n```"
            )
    return "\n\n".join(parts)


def others(documents: dict[str, dict]) -> list[Row]:
    """Scenarios of scripts no section names, so that nothing measured is left out."""
    named = {s for section in SECTIONS for s in section.sources}
    return [
        Row(data["name"], scenario_from(data), source=name)
        for name, document in documents.items()
        if name not in named
        for data in document.get("scenarios", [])
    ]


def write_report(run: dict | None = None, *, plot: Path | None = None, path: Path = DOCS) -> Path:
    """Write the Markdown report and return its path."""
    if run is None:
        run = json.loads(RUN_FILE.read_text())
    documents = load_results(run)
    machine = run.get("machine") or machine_info()
    pg = run.get("postgresql", {})
    all_rows = [(section, section_rows(section, run, documents)) for section in SECTIONS]
    extra_rows = others(documents)
    if extra_rows:
        all_rows.append((Section("Other measurements", ()), extra_rows))
    started = run.get("started", datetime.now(UTC).isoformat(timespec="seconds"))
    load_start = " / ".join(f"{x:.1f}" for x in run.get("loadavg_start", []))
    load_end = " / ".join(f"{x:.1f}" for x in run.get("loadavg_end", []))
    pg_line = (
        f"{pg.get('url')} — {pg.get('detail')}"
        if pg.get("reachable")
        else f"{pg.get('url')} — **unreachable** ({pg.get('detail')}); its scenarios were not run"
    )

    out = [
        "# Benchmarks",
        "",
        "<!-- Generated by bench/run_all.py (bench/report.py); edit those, not this file. -->",
        "",
        "Every figure is measured beside its baseline **in the same run** on the same machine, "
        "over loopback, so the ratio is what matters more than the absolute number.",
        "",
        "## The run",
        "",
        f"* **Date:** {started.replace('T', ' ').replace('+00:00', ' UTC')}"
        + (f" → {run['finished'][11:19]} UTC" if run.get("finished") else ""),
        f"* **Machine:** {machine.get('cpu')}, {machine.get('cores')} cores, "
        f"{machine.get('ram_gb')} GB RAM; {machine.get('distro')} ({machine.get('os')}); "
        f"Python {machine.get('python')}",
        f"* **Code:** commit `{run.get('revision', 'unknown')}`",
        f"* **PostgreSQL:** {pg_line}",
        f"* **Load:** load average {load_start or '?'} (1/5/15 min) at the start"
        + (f", {load_end} at the end" if load_end else "")
        + ". "
        + _load_remark(load_start),
        "",
        "## Reproduce",
        "",
        "```sh",
        "make bench                       # setup, then every bench/bench_*.py, then this report",
        "# or, once set up:",
        "ECABINET_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\",
        "  .venv/bin/python bench/run_all.py",
        ".venv/bin/python bench/run_all.py --only fanout   # re-run one script, keep the others",
        ".venv/bin/python bench/run_all.py --report-only   # rewrite this page from bench/out/",
        "```",
        "",
        "`ECABINET_BENCH_DATABASE_URL` defaults to `postgresql://postgres@127.0.0.1:5432/test`; "
        "the vote benchmark drops and recreates the tables there, so use a database nobody else "
        "is using (this run's is named under *The run*). When it does not answer, the "
        "PostgreSQL rows say *not run*. Each script also runs alone (its `--help` lists the "
        "sizes; alone, `bench_votes.py` takes PostgreSQL from `BENCH_PG_URL`), as run here:",
        "",
        "```sh",
        *[r["command"] for r in run.get("scripts", {}).values()],
        "```",
        "",
        "Results land in `bench/out/<name>.json` (git-ignored; this run's copies in "
        "`bench/out/run/`), the scripts' output in `bench/out/logs/`.",
        "",
        "## Summary",
        "",
        "Every figure that has a target, and every figure that could not be measured:",
        "",
        summary(all_rows),
        "",
    ]
    for section, rows in all_rows:
        out += [f"## {section.title}", ""]
        if section.about:
            out += [section.about, ""]
        out += [table(rows), ""]
        if section.sources == ("tablets",):
            out += tablets_series(documents)
        if section.sources == ("fanout",) and "RSS" not in section.title:
            series = fanout_series(documents)
            if series:
                out += ["Latency against the number of tablets (the plot's data):", "", series, ""]
            if plot is not None or (ROOT / "docs" / "img" / "fanout.png").exists():
                out += [
                    "![Fan-out latency (p50 and p99) against the number of tablets, e-Cabinet "
                    "beside a bare python-socketio broadcast](img/fanout.png)",
                    "",
                ]
    out += ["## Scripts in this run", "", runs_table(run), ""]
    failed = failures(run)
    if failed:
        out += ["## Failures", "", failed, ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out))
    return path


if __name__ == "__main__":
    print(write_report())


def _load_remark(load_start: str | None) -> str:
    """What the machine's load says about the figures (busy when the 1-minute load exceeds 1)."""
    try:
        busy = float(str(load_start).split("/")[0]) > 1.0
    except ValueError:
        busy = True
    if busy:
        return (
            "The machine is a **shared 2-core virtual machine** and was busy with other work "
            "during this run, so absolute figures — and their tails (p99) most of all — are "
            "noisier and slower than on a dedicated server. The baselines ran in the same minutes "
            "under the same load."
        )
    return (
        "The 2-core virtual machine was otherwise idle. The load generator (up to 500 "
        "Socket.IO clients) runs on the same two cores as the server, so tails (p99) include "
        "the clients' own scheduling. The baselines ran in the same minutes on the same machine."
    )
