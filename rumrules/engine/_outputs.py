"""Outputs: PutMetricData requests (API limits), Embedded Metric Format lines, aggregation."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from collections.abc import Iterable as _Iterable, Mapping
from typing import Any, Iterable, Iterator

from ..errors import RumRulesError
from ._datum import MetricDatum, StatisticSet

__all__ = ["put_metric_data_requests", "emf_lines", "aggregate", "MAX_DATA_POINTS",
           "MAX_REQUEST_BYTES"]

#: PutMetricData accepts at most 1000 MetricData entries ...
MAX_DATA_POINTS = 1000
#: ... and a request payload of at most 1 MB.
MAX_REQUEST_BYTES = 1_000_000


def _json_size(entry: dict) -> int:
    return len(json.dumps(entry, default=_iso, separators=(",", ":")))


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _int_argument(name: str, value: Any, low: int, high: int | None = None) -> int:
    """``value`` checked: an ``int`` (``TypeError`` otherwise: a programming error) within
    ``low..high`` (:class:`RumRulesError` otherwise)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < low or (high is not None and value > high):
        limit = f"{low}..{high}" if high is not None else f">= {low}"
        raise RumRulesError(f"{name} must be {limit}, not {value}")
    return value


def _items(data: Any, types: tuple[type, ...], what: str) -> Iterator[Any]:
    """The items of ``data``, each checked to be one of ``types`` (``TypeError`` otherwise:
    these functions take what the engine produced, not data from outside)."""
    if isinstance(data, (str, bytes, bytearray, Mapping)) or not isinstance(data, _Iterable):
        raise TypeError(f"data must be an iterable of {what}, not {type(data).__name__}")
    for d in data:
        if not isinstance(d, types):
            raise TypeError(f"data must hold {what}, not {type(d).__name__}")
        yield d


def put_metric_data_requests(data: Iterable[MetricDatum | StatisticSet], *,
                             max_data_points: int = MAX_DATA_POINTS,
                             max_bytes: int = MAX_REQUEST_BYTES) -> list[dict[str, Any]]:
    """PutMetricData requests (boto3's parameter form: ``{"Namespace", "MetricData"}``) that
    carry ``data``: one namespace per request, at most ``max_data_points`` entries and at
    most ``max_bytes`` of JSON each, in the order the data came.

    Raise :class:`RumRulesError` when ``max_data_points`` is not 1..1000 or ``max_bytes``
    is below 1, and ``TypeError`` when either is not an ``int``, when ``data`` is not an
    iterable (a list) or holds something other than :class:`MetricDatum` and
    :class:`StatisticSet` objects.
    """
    _int_argument("max_data_points", max_data_points, 1, MAX_DATA_POINTS)
    _int_argument("max_bytes", max_bytes, 1)
    by_namespace: dict[str, list[dict]] = {}
    for d in _items(data, (MetricDatum, StatisticSet), "MetricDatum or StatisticSet objects"):
        by_namespace.setdefault(d.namespace, []).append(d.to_cloudwatch())
    requests = []
    for namespace, entries in by_namespace.items():
        overhead = _json_size({"Namespace": namespace, "MetricData": []})
        batch: list[dict] = []
        size = overhead
        for entry in entries:
            n = _json_size(entry) + 1
            if batch and (len(batch) >= max_data_points or size + n > max_bytes):
                requests.append({"Namespace": namespace, "MetricData": batch})
                batch, size = [], overhead
            batch.append(entry)
            size += n
        if batch:
            requests.append({"Namespace": namespace, "MetricData": batch})
    return requests


#: The root key of an EMF record that holds its metadata.
_EMF_METADATA = "_aws"


def _emf_clash(d: MetricDatum) -> str | None:
    """Why ``d`` cannot be one EMF record, or ``None``.  A record keeps the metric's value
    and each dimension's value under root keys named after them, beside ``_aws``."""
    if d.name == _EMF_METADATA:
        return f"EMF keeps its metadata under the root key {_EMF_METADATA!r}"
    if _EMF_METADATA in d.dimensions:
        return (f"its dimension {_EMF_METADATA!r} would replace the metadata EMF keeps "
                "under that root key")
    if d.name in d.dimensions:
        return (f"its dimension {d.name!r} has the metric's own name, and EMF would keep "
                "the metric value and the dimension value under the same root key")
    return None


def emf_lines(data: Iterable[MetricDatum]) -> Iterator[str]:
    """CloudWatch Embedded Metric Format: one JSON line (one record) per data point, so
    different data points never share root keys.

    Raise :class:`RumRulesError` naming the metric when a data point cannot be an EMF
    record at all: a metric named ``_aws``, a dimension named ``_aws``, or a metric with
    a dimension of its own name; ``TypeError`` when ``data`` is not an iterable (a list) of
    :class:`MetricDatum` objects.  Lines are produced as ``data`` is read, so the lines
    before such a data point have been yielded already.
    """
    for d in _items(data, (MetricDatum,), "MetricDatum objects"):
        clash = _emf_clash(d)
        if clash is not None:
            raise RumRulesError(
                f"metric {d.name!r} ({d.namespace}) cannot be written as an EMF record: "
                f"{clash}",
                hint="rename the metric or the dimension (DimensionKeys), or publish it "
                     "with put_metric_data_requests, which has no such limit")
        record: dict[str, Any] = {
            _EMF_METADATA: {
                "Timestamp": int(d.timestamp.timestamp() * 1000),
                "CloudWatchMetrics": [{
                    "Namespace": d.namespace,
                    "Dimensions": [list(d.dimensions)],
                    "Metrics": [{"Name": d.name, "Unit": d.unit or "None"}],
                }],
            },
        }
        record.update(d.dimensions)
        record[d.name] = d.value
        yield json.dumps(record, separators=(",", ":"), ensure_ascii=False)


def aggregate(data: Iterable[MetricDatum], period_seconds: int = 60) -> list[StatisticSet]:
    """Aggregate data points into statistic sets per metric, dimensions, unit and period
    (one minute by default), in order of first appearance.

    Raise :class:`RumRulesError` when ``period_seconds`` is below 1 or puts the start of a
    period outside the years 1-9999, and ``TypeError`` when ``period_seconds`` is not an
    ``int`` or ``data`` is not an iterable (a list) of :class:`MetricDatum` objects.
    """
    _int_argument("period_seconds", period_seconds, 1)
    groups: dict[tuple, list] = {}
    for d in _items(data, (MetricDatum,), "MetricDatum objects"):
        ts = int(d.timestamp.timestamp())
        try:
            start = datetime.fromtimestamp(ts - ts % period_seconds, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise RumRulesError(f"a period of {period_seconds} seconds starts before year 1 "
                                f"or after year 9999 for the data point at {d.timestamp}") from None
        key = (d.namespace, d.name, d.unit, tuple(d.dimensions.items()), start)
        g = groups.get(key)
        if g is None:
            groups[key] = [1, d.value, d.value, d.value]
        else:
            g[0] += 1
            g[1] += d.value
            g[2] = min(g[2], d.value)
            g[3] = max(g[3], d.value)
    return [StatisticSet(ns, name, unit, dict(dims), start, float(c), s, lo, hi)
            for (ns, name, unit, dims, start), (c, s, lo, hi) in groups.items()]
