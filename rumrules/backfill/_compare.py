"""Two definition sets over the same events: which metrics appear, disappear or change."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Sequence

from ._aggregate import Row

__all__ = ["MetricChange", "compare_rows", "report_text", "report_json"]


@dataclass(frozen=True)
class MetricChange:
    """One metric (``namespace``, ``metric``) under the old and the new definitions:
    ``status`` ``added``, ``removed``, ``changed`` or ``same``; per side the rows
    (dimension sets x minutes), dimension sets, total ``SampleCount`` and ``Sum``
    (``None`` on a side where the metric is absent), and ``rows_differing``: rows present on
    one side only or with other statistics."""

    namespace: str
    metric: str
    status: str
    old_rows: int
    new_rows: int
    old_dimension_sets: int
    new_dimension_sets: int
    old_sample_count: int | None
    new_sample_count: int | None
    old_sum: float | None
    new_sum: float | None
    rows_differing: int

    def to_dict(self) -> dict[str, Any]:
        """The change as the JSON report writes it."""
        return dict(self.__dict__)


def _by_metric(rows: Sequence[Row]) -> dict[tuple[str, str], dict[tuple, Row]]:
    out: dict[tuple[str, str], dict[tuple, Row]] = {}
    for r in rows:
        out.setdefault((r.namespace, r.metric), {})[(r.unit, r.dimensions, r.minute)] = r
    return out


def _totals(rows: dict[tuple, Row] | None) -> tuple[int, int, int | None, float | None]:
    if not rows:
        return 0, 0, None, None
    return (len(rows), len({k[1] for k in rows}), sum(r.sample_count for r in rows.values()),
            math.fsum(r.sum for r in rows.values()))


def compare_rows(old: Sequence[Row], new: Sequence[Row]) -> list[MetricChange]:
    """The change of every metric that either side publishes, sorted by namespace and
    metric name."""
    a, b = _by_metric(old), _by_metric(new)
    out = []
    for key in sorted(set(a) | set(b)):
        ra, rb = a.get(key), b.get(key)
        na, da, ca, sa = _totals(ra)
        nb, db, cb, sb = _totals(rb)
        ra, rb = ra or {}, rb or {}
        differing = sum(1 for k in set(ra) | set(rb) if ra.get(k) != rb.get(k))
        status = ("added" if not ra else "removed" if not rb
                  else "changed" if differing else "same")
        out.append(MetricChange(key[0], key[1], status, na, nb, da, db, ca, cb, sa, sb,
                                differing))
    return out


def report_json(changes: Sequence[MetricChange]) -> str:
    """The JSON report: a summary of statuses and the per-metric changes."""
    summary = {s: sum(1 for c in changes if c.status == s)
               for s in ("added", "removed", "changed", "same")}
    return json.dumps({"summary": summary, "metrics": [c.to_dict() for c in changes]},
                      indent=2, ensure_ascii=False)


def _num(x: float | int | None) -> str:
    if x is None:
        return "-"
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,}" if isinstance(x, int) else f"{x:,.6g}"


def report_text(changes: Sequence[MetricChange]) -> str:
    """The text report: one line per metric that appears, disappears or changes, then a
    summary line."""
    lines = []
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for c in changes:
        if c.status == "same":
            continue
        lines.append(
            f"{marks[c.status]} {c.namespace} {c.metric}: {c.status}; "
            f"SampleCount {_num(c.old_sample_count)} -> {_num(c.new_sample_count)}, "
            f"Sum {_num(c.old_sum)} -> {_num(c.new_sum)}, "
            f"dimension sets {c.old_dimension_sets} -> {c.new_dimension_sets}"
            + (f", {c.rows_differing} of the minute rows differ" if c.status == "changed" else ""))
    n = {s: sum(1 for c in changes if c.status == s) for s in ("added", "removed", "changed", "same")}
    lines.append(f"{n['added']} added, {n['removed']} removed, {n['changed']} changed, "
                 f"{n['same']} unchanged metrics")
    return "\n".join(lines) + "\n"
