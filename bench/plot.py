"""Fan-out latency against the number of tablets, the app beside a bare python-socketio
broadcast, from ``bench/out/fanout.json`` to ``docs/img/fanout.png``.

    .venv/bin/python bench/plot.py [bench/out/fanout.json] [docs/img/fanout.png]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT_DIR, ROOT  # noqa: E402

DEFAULT_PNG = ROOT / "docs" / "img" / "fanout.png"
APP = "#1f5fa8"
BARE = "#8a8f98"
TARGET = 1.25


def plot_fanout(
    source: Path = OUT_DIR / "fanout.json",
    target: Path = DEFAULT_PNG,
    *,
    key: str = "series",
    label: str = "e-Cabinet (reorder over HTTP)",
) -> Path:
    """Draw p50 and p99 of "agenda change → last tablet" per tablet count; return the PNG path."""
    document = json.loads(source.read_text())
    series = sorted(document[key], key=lambda point: point["tablets"])
    if not series:
        raise ValueError(f"{source} has no series to plot")
    tablets = [p["tablets"] for p in series]
    rounds = series[0].get("rounds")

    figure, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharex=True)
    for ax, p in zip(axes, (50, 99), strict=True):
        app = [point[f"app_last_p{p}_ms"] for point in series]
        bare = [point[f"bare_last_p{p}_ms"] for point in series]
        ax.plot(tablets, app, "o-", color=APP, lw=2.2, ms=7, label=label)
        ax.plot(tablets, bare, "s--", color=BARE, lw=2, ms=6, label="bare python-socketio")
        if p == 99:
            ax.plot(
                tablets,
                [b * TARGET for b in bare],
                ":",
                color="#c0392b",
                lw=1.6,
                label=f"target: {TARGET:g}× bare",
            )
        # App values above their points, bare ones above-left (the rising line leaves it free).
        for values, color, offset, ha in (
            (app, APP, (0, 8), "center"),
            (bare, BARE, (-7, 3), "right"),
        ):
            for x, y in zip(tablets, values, strict=True):
                ax.annotate(
                    f"{y:.0f}",
                    (x, y),
                    textcoords="offset points",
                    xytext=offset,
                    ha=ha,
                    va="bottom",
                    fontsize=8.5,
                    color=color,
                )
        ax.set_title(f"p{p}: agenda change → last tablet has it", fontsize=12)
        ax.set_xlabel("tablets connected to the meeting")
        ax.set_ylabel("latency (ms)")
        ax.set_xticks(tablets)
        ax.set_xlim(0, max(tablets) * 1.08)
        ax.set_ylim(
            bottom=0, top=max(app + bare + ([b * TARGET for b in bare] if p == 99 else [])) * 1.18
        )
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
        ax.grid(True, color="#e3e5e8", lw=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.legend(loc="upper left", fontsize=9, frameon=False)
    machine = document.get("machine", {})
    subtitle = (
        f"{rounds} rounds per size · {machine.get('cores', '?')} cores, {machine.get('cpu', '')} · "
        f"{document.get('at', '')[:10]} · loopback, same run"
    )
    figure.suptitle("Fan-out latency against the number of tablets", fontsize=14, y=0.995)
    figure.text(0.5, 0.915, subtitle, ha="center", fontsize=9, color="#555a61")
    figure.tight_layout(rect=(0, 0, 1, 0.91))
    target.parent.mkdir(parents=True, exist_ok=True)
    # Fixed metadata so an unchanged series gives a byte-identical PNG (clean git diffs).
    figure.savefig(target, dpi=110, metadata={"Software": None})
    plt.close(figure)
    return target


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT_DIR / "fanout.json"
    png = Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_PNG
    print(plot_fanout(source, png))
