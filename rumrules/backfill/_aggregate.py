"""Per-minute statistic sets, built incrementally and merged in any order with the same
result: ``SampleCount``, ``Sum`` (exact, then rounded once), ``Minimum``, ``Maximum``."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, NamedTuple

__all__ = ["MinuteAggregator", "Row", "COLUMNS", "exact_partials", "minute_of", "row_dict"]

#: The columns of a backfill row, in order: the CLI's CSV header, the JSON lines' keys and
#: the Spark DataFrame's columns.
COLUMNS = ("namespace", "metric", "unit", "dimensions", "timestamp", "sample_count", "sum",
           "minimum", "maximum")

#: A group's values are folded into their exact partial sums when they reach this many.
_FOLD_AT = 8
_UTC = timezone.utc
#: Below this many epoch milliseconds (year 2255), ``ms / 1000`` rounded to microseconds is
#: exactly ``ms`` milliseconds (2^53 microseconds).
EXACT_MS = _EXACT_MS = 2 ** 53 // 1000


def exact_partials(values: list[float]) -> list[float]:
    """Non-overlapping floats whose exact sum is the exact sum of ``values`` (usually one or
    two): ``math.fsum`` of them, or of them with more values, is the correctly rounded sum,
    whatever the order in which values arrived.  Values are finite (the engine skips the
    others) and at most 2^360 in magnitude, so no step overflows."""
    rest = list(values)
    out: list[float] = []
    while True:
        s = math.fsum(rest)
        if s == 0.0:       # exact sums of doubles are multiples of 2^-1074: 0 means 0
            return out
        out.append(s)
        rest.append(-s)


def minute_of(timestamp_ms: Any) -> int | None:
    """The start (epoch seconds) of the minute of an ``event_timestamp`` (epoch ms), as the
    engine dates a data point and :func:`rumrules.aggregate` files it; ``None`` when the
    document has no time a ``datetime`` holds (not a number, NaN, beyond year 9999)."""
    t = type(timestamp_ms)
    if t is int and 0 <= timestamp_ms < _EXACT_MS:
        # the same as below: the microsecond rounding gives back the exact milliseconds
        seconds = timestamp_ms // 1000
        return seconds - seconds % 60
    if t is not int and t is not float:
        return None
    try:
        ts = int(datetime.fromtimestamp(timestamp_ms / 1000, tz=_UTC).timestamp())
    except (OverflowError, OSError, ValueError):
        return None
    return ts - ts % 60


class Row(NamedTuple):
    """One backfill row: a metric (``namespace``, ``metric``, ``unit`` or ``None``), its
    ``dimensions`` (``(name, value)`` pairs, ``application_name`` first), the minute
    (``minute``, epoch seconds of its start) and the statistic set."""

    namespace: str
    metric: str
    unit: str | None
    dimensions: tuple[tuple[str, str], ...]
    minute: int
    sample_count: int
    sum: float
    minimum: float
    maximum: float

    @property
    def timestamp(self) -> datetime:
        """The start of the minute, a UTC ``datetime``."""
        return datetime.fromtimestamp(self.minute, tz=_UTC)

    @property
    def dimensions_json(self) -> str:
        """The dimensions as a JSON object text, in their order (how files hold them)."""
        return json.dumps(dict(self.dimensions), ensure_ascii=False, separators=(",", ":"))


def iso_minute(minute: int) -> str:
    """``2024-04-07T12:20:00Z``."""
    return datetime.fromtimestamp(minute, tz=_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def row_dict(row: Row) -> dict[str, Any]:
    """A row as the JSON lines output writes it (the keys of :data:`COLUMNS`)."""
    return {"namespace": row.namespace, "metric": row.metric, "unit": row.unit,
            "dimensions": dict(row.dimensions), "timestamp": iso_minute(row.minute),
            "sample_count": row.sample_count, "sum": row.sum, "minimum": row.minimum,
            "maximum": row.maximum}


class MinuteAggregator:
    """Statistic sets per metric, dimension set and minute, added to one value at a time.

    A key is ``((namespace, metric, unit), dimensions, minute)``.  Memory follows the number
    of keys (the output rows), not the number of values.  :meth:`merge` folds another
    aggregator in; any split of the values over aggregators and any merge order give the
    same rows to the bit (the sum is exact until :meth:`rows` rounds it once).
    """

    __slots__ = ("groups",)

    def __init__(self) -> None:
        self.groups: dict[tuple, list] = {}

    def add(self, key: tuple, value: float) -> None:
        """Count ``value`` under ``key``."""
        g = self.groups.get(key)
        if g is None:
            self.groups[key] = [1, [value], value, value]
            return
        g[0] += 1
        values = g[1]
        values.append(value)
        if len(values) >= _FOLD_AT:
            g[1] = exact_partials(values)
        if value < g[2]:
            g[2] = value
        elif value > g[3]:
            g[3] = value

    def merge(self, other: "MinuteAggregator") -> None:
        """Fold ``other``'s groups into this one (``other`` is not changed)."""
        groups = self.groups
        for key, (n, values, lo, hi) in other.groups.items():
            g = groups.get(key)
            if g is None:
                groups[key] = [n, list(values), lo, hi]
                continue
            g[0] += n
            g[1] = exact_partials(g[1] + values)
            g[2] = min(g[2], lo)
            g[3] = max(g[3], hi)

    def add_group(self, key: tuple, n: int, values: list[float], lo: float, hi: float) -> None:
        """Count a group of ``n`` values under ``key``: their exact partial sums (or the
        values), minimum and maximum."""
        g = self.groups.get(key)
        if g is None:
            self.groups[key] = [n, list(values), lo, hi]
            return
        g[0] += n
        g[1] = exact_partials(g[1] + values)
        g[2] = min(g[2], lo)
        g[3] = max(g[3], hi)

    def partials(self) -> Iterator[tuple[tuple, int, list[float], float, float]]:
        """``(key, sample count, exact partial sums, minimum, maximum)`` per group, in no
        particular order: the state a distributed job merges."""
        for key, (n, values, lo, hi) in self.groups.items():
            yield key, n, exact_partials(values), lo, hi

    def rows(self) -> list[Row]:
        """The rows, sorted by namespace, metric, unit, dimensions and minute."""
        return sorted_rows(Row(ns, name, unit, dims, minute, n, math.fsum(values), lo, hi)
                           for ((ns, name, unit), dims, minute), (n, values, lo, hi)
                           in self.groups.items())

    def sample_count(self) -> int:
        """The values added (and merged) in all."""
        return sum(g[0] for g in self.groups.values())

    def __len__(self) -> int:
        return len(self.groups)


def sorted_rows(rows: Iterable[Row]) -> list[Row]:
    """Rows in the order every output uses."""
    return sorted(rows, key=lambda r: (r.namespace, r.metric, r.unit or "", r.dimensions,
                                       r.minute))
