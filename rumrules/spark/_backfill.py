"""rumrules.spark.backfill: the documents of a DataFrame -> one row per namespace, metric,
dimension set and minute."""

from __future__ import annotations

import json
import math
import uuid
from typing import Any, Iterator, Mapping, Sequence

from ..backfill import (COLUMNS, Backfiller, Batch, Window, document_text, is_cwlogs_line)
from ..engine import MetricEngine
from ..errors import RumRulesError

__all__ = ["backfill", "PARTIAL_SCHEMA"]

#: What each partition hands to Spark's group-by: a statistic set with its sum as exact
#: partial sums (``rumrules.backfill.exact_partials``), so any merge order gives the same Sum.
PARTIAL_SCHEMA = ("namespace string, metric string, unit string, dimensions string, "
                  "minute long, sample_count long, partials array<double>, minimum double, "
                  "maximum double")

#: Engines built in this Python worker, by backfill: built once, used by every task.
_ENGINES: dict[str, MetricEngine] = {}


def _engine(spec: tuple) -> MetricEngine:
    definitions, app_monitor_name, destination, account_id = spec
    return MetricEngine(definitions, app_monitor_name=app_monitor_name,
                        destination=destination, account_id=account_id)


def _partition(spec_b, key: str, window: Window, column: str, cwlogs: bool | None):
    """The ``mapInArrow`` function: Arrow batches of document texts in, the partition's
    statistic sets out."""
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = _engine(spec_b.value)
        worker = Backfiller([engine], window)
        detect = cwlogs
        for rb in batches:
            texts = [t for t in rb.column(column).to_pylist() if t is not None and t.strip()]
            if not texts:
                continue
            if detect is None:
                detect = is_cwlogs_line(texts[0])
            if detect:
                texts = [document_text(t, True) for t in texts]
            worker.feed(Batch("texts", texts, "spark partition", 0))
        out = {name: [] for name in ("namespace", "metric", "unit", "dimensions", "minute",
                                     "sample_count", "partials", "minimum", "maximum")}
        for ((ns, name, unit), dims, minute), n, partials, lo, hi in worker.aggregators[0].partials():
            out["namespace"].append(ns)
            out["metric"].append(name)
            out["unit"].append(unit)
            out["dimensions"].append(json.dumps(dict(dims), ensure_ascii=False,
                                                separators=(",", ":")))
            out["minute"].append(minute)
            out["sample_count"].append(n)
            out["partials"].append(partials)
            out["minimum"].append(lo)
            out["maximum"].append(hi)
        if out["namespace"]:
            yield pa.RecordBatch.from_pydict(out, schema=_arrow_schema())
    return run


def _arrow_schema():
    import pyarrow as pa

    return pa.schema([("namespace", pa.string()), ("metric", pa.string()),
                      ("unit", pa.string()), ("dimensions", pa.string()),
                      ("minute", pa.int64()), ("sample_count", pa.int64()),
                      ("partials", pa.list_(pa.float64())), ("minimum", pa.float64()),
                      ("maximum", pa.float64())])


def _fsum(values):   # no annotations: Spark would read them as a pandas UDF's
    return math.fsum(values or ())


def backfill(events, definitions: Sequence[Mapping[str, Any]], *, app_monitor_name: str,
             column: str | None = None, start: float | None = None, end: float | None = None,
             destination: str = "CloudWatch", account_id: str | None = None,
             cwlogs: bool | None = None):
    """What ``definitions`` would have published over the stored documents of ``events``
    (a Spark DataFrame), as a DataFrame with the columns of ``rumrules.backfill.COLUMNS``:
    ``namespace``, ``metric``, ``unit``, ``dimensions`` (a JSON object text, in the data
    point's order), ``timestamp`` (the minute's start), ``sample_count``, ``sum``,
    ``minimum``, ``maximum`` — the rows ``rumrules backfill`` writes for the same input.

    ``events`` holds documents as JSON text in ``column`` (default: its only string column,
    such as ``spark.read.text``'s ``value``; CloudWatch Logs export lines, an ISO time
    before the document, are recognised, or say ``cwlogs``), or parsed (any other
    columns: each row is turned back into JSON text with ``to_json``, so numbers are as
    Spark typed them).  ``start``/``end`` (epoch ms) keep events from ``start`` up to, not
    including, ``end``; documents without a usable ``event_timestamp`` are left out.

    Raise :class:`rumrules.DefinitionError` (on the driver) for definitions the checker
    refuses; a document that is not JSON fails the Spark job with the reason."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    engine = MetricEngine(definitions, app_monitor_name=app_monitor_name,
                          destination=destination, account_id=account_id)   # checked here
    string_columns = [f.name for f in events.schema.fields
                      if isinstance(f.dataType, T.StringType)]
    if column is None:
        if len(events.columns) == 1 and string_columns:
            column = string_columns[0]
        else:
            events = events.select(F.to_json(F.struct(*events.columns)).alias("value"))
            column = "value"
    elif column not in string_columns:
        raise RumRulesError(f"column {column!r} is not a string column of the DataFrame "
                            f"({', '.join(events.columns)})")
    texts = events.select(F.col(column).alias("value"))
    spec = (engine.definitions, app_monitor_name, destination, account_id)
    spec_b = texts.sparkSession.sparkContext.broadcast(spec)
    key = uuid.uuid4().hex
    partials = texts.mapInArrow(_partition(spec_b, key, Window(start, end), "value", cwlogs),
                                PARTIAL_SCHEMA)
    exact_sum = F.udf(_fsum, T.DoubleType())
    grouped = (partials.groupBy("namespace", "metric", "unit", "dimensions", "minute")
               .agg(F.sum("sample_count").alias("sample_count"),
                    F.flatten(F.collect_list("partials")).alias("partials"),
                    F.min("minimum").alias("minimum"), F.max("maximum").alias("maximum")))
    out = grouped.select(
        "namespace", "metric", "unit", "dimensions",
        F.timestamp_seconds("minute").alias("timestamp"),
        F.col("sample_count").cast("long").alias("sample_count"),
        exact_sum("partials").alias("sum"), "minimum", "maximum")
    assert tuple(out.columns) == COLUMNS
    return out
