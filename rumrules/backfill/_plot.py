"""One small chart per metric over time (the ``plot`` extra: matplotlib): the metric's Sum
per minute over all its dimension sets; old and new side by side when comparing."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Sequence

from ..errors import RumRulesError
from ._aggregate import Row

__all__ = ["plot_rows", "MAX_PLOTTED"]

#: At most this many metrics get a chart (the rest are named in a note).
MAX_PLOTTED = 40


def _series(rows: Sequence[Row]) -> dict[tuple[str, str], dict[int, float]]:
    out: dict[tuple[str, str], dict[int, float]] = {}
    for r in rows:
        s = out.setdefault((r.namespace, r.metric), {})
        s[r.minute] = s.get(r.minute, 0.0) + r.sum
    return out


def plot_rows(path: str, new: Sequence[Row], old: Sequence[Row] | None = None) -> int:
    """Write a PNG (or any format matplotlib knows by the ending of ``path``) with one chart
    per metric; return the number of charts.  Raise :class:`RumRulesError` without
    matplotlib or when the file cannot be written."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise RumRulesError("--plot needs matplotlib", hint="pip install 'rumrules[plot]'") from None
    sides = [("new", _series(new))] if old is None else [("old", _series(old)), ("new", _series(new))]
    metrics = sorted(set().union(*(s for _, s in sides)))
    shown = metrics[:MAX_PLOTTED]
    cols = len(sides)
    fig, axes = plt.subplots(max(1, len(shown)), cols, squeeze=False, sharex=True,
                             figsize=(5 * cols, 1.6 * max(1, len(shown)) + 0.6))
    for row, key in enumerate(shown):
        for col, (label, series) in enumerate(sides):
            ax = axes[row][col]
            points = sorted(series.get(key, {}).items())
            if points:
                ax.plot([datetime.fromtimestamp(m, tz=timezone.utc) for m, _ in points],
                        [v for _, v in points], linewidth=0.8, marker=".", markersize=3)
            else:
                ax.text(0.5, 0.5, "not published", ha="center", va="center",
                        transform=ax.transAxes, fontsize=8, color="grey")
            title = f"{key[1]} ({key[0]})" + (f" — {label}" if old is not None else "")
            ax.set_title(title, fontsize=8)
            ax.tick_params(labelsize=6)
        if old is not None:   # one y scale per metric, so old and new compare by eye
            lo = min(a.get_ylim()[0] for a in axes[row])
            hi = max(a.get_ylim()[1] for a in axes[row])
            for a in axes[row]:
                a.set_ylim(lo, hi)
    if len(metrics) > len(shown):
        fig.text(0.01, 0.005, f"{len(metrics) - len(shown)} more metrics not shown", fontsize=7)
    if not shown:
        axes[0][0].text(0.5, 0.5, "no data points", ha="center", va="center")
    fig.suptitle("Sum per minute, all dimension sets", fontsize=9)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=100)
    except (OSError, ValueError) as e:
        raise RumRulesError(f"cannot write {path}: {e}") from None
    finally:
        plt.close(fig)
    return len(shown)
