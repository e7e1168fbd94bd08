"""Backfill: what metric definitions would have published over stored RUM events.

Readers for stored documents (JSON lines, GetAppMonitorData output, CloudWatch Logs export
files, gzip or not), the per-minute aggregation (``SampleCount``, ``Sum``, ``Minimum``,
``Maximum`` per namespace, metric, dimension set and minute: what CloudWatch would hold),
a run over worker processes with bounded memory, the comparison of two definition sets, and
the outputs (JSON lines, CSV, Parquet, charts).  ``docs/backfill.md`` explains it;
``rumrules.spark`` runs the same on Spark.

::

    from rumrules.backfill import backfill
    result = backfill(definitions, ["events.jsonl.gz"], app_monitor_name="MyWebApp", jobs=4)
    result.rows; result.counts
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from ..engine import MetricEngine
from ._aggregate import COLUMNS, MinuteAggregator, Row, exact_partials, iso_minute, minute_of, row_dict, sorted_rows
from ._compare import MetricChange, compare_rows, report_json, report_text
from ._readers import (FORMATS, Batch, document_text, document_texts, is_cwlogs_line, locate,
                       read_batches, read_range, splittable)
from ._run import Backfiller, Counts, Window, default_jobs, run_batches, run_files
from ._write import OUTPUT_FORMATS, write_rows

__all__ = ["backfill", "BackfillResult", "Backfiller", "Row", "COLUMNS", "MinuteAggregator", "Counts",
           "Window", "FORMATS", "OUTPUT_FORMATS", "read_batches", "read_range", "splittable",
           "run_batches", "run_files",
           "document_text", "document_texts", "Batch", "default_jobs", "exact_partials",
           "minute_of", "iso_minute", "row_dict", "sorted_rows", "write_rows", "compare_rows",
           "MetricChange", "report_text", "report_json", "plot_rows", "application_name", "locate", "is_cwlogs_line"]


@dataclass
class BackfillResult:
    """What :func:`backfill` found: ``rows`` (the new definitions'), ``old_rows`` (the old
    definitions', when comparing, else ``None``), ``counts`` and, when comparing,
    ``changes``."""

    rows: list[Row]
    counts: Counts
    old_rows: list[Row] | None = None
    changes: list[MetricChange] | None = None


def backfill(definitions: Sequence[Mapping[str, Any]], paths: Sequence[str], *,
             app_monitor_name: str, old_definitions: Sequence[Mapping[str, Any]] | None = None,
             destination: str = "CloudWatch", account_id: str | None = None,
             input_format: str = "auto", start: float | None = None, end: float | None = None,
             jobs: int | None = None, progress: Callable[[int], None] | None = None,
             ) -> BackfillResult:
    """Run the definitions (and ``old_definitions``, in the same pass) over the stored
    documents of ``paths``, with :class:`rumrules.MetricEngine`'s semantics, and aggregate
    the data points per minute.  ``start``/``end`` (epoch ms) keep events from ``start``
    up to, not including, ``end``.  ``jobs`` processes (this one and ``jobs - 1``
    workers; default: every local core).

    Raise :class:`rumrules.DefinitionError` for definitions the checker refuses and
    :class:`rumrules.RumRulesError` for input that cannot be read (naming file and line)."""
    engines = [MetricEngine(definitions, app_monitor_name=app_monitor_name,
                            destination=destination, account_id=account_id)]
    if old_definitions is not None:
        engines.append(MetricEngine(old_definitions, app_monitor_name=app_monitor_name,
                                    destination=destination, account_id=account_id))
    aggregators, counts = run_files(engines, paths, fmt=input_format, window=Window(start, end),
                                    jobs=default_jobs() if jobs is None else jobs,
                                    progress=progress)
    rows = aggregators[0].rows()
    if old_definitions is None:
        return BackfillResult(rows, counts)
    old_rows = aggregators[1].rows()
    return BackfillResult(rows, counts, old_rows, compare_rows(old_rows, rows))


def application_name(batch: Batch) -> str | None:
    """The ``application_name`` of the first document of ``batch`` that has one (a
    non-empty string): the default app monitor name of a backfill."""
    from ..errors import RumRulesError
    from ..pattern import load_event

    for text in document_texts(batch):
        try:
            name = load_event(text).get("application_name")
        except RumRulesError:
            continue
        if isinstance(name, str) and name:
            return name
    return None


def plot_rows(path: str, new: Sequence[Row], old: Sequence[Row] | None = None) -> int:
    """One chart per metric (Sum per minute) in ``path``; old and new side by side when
    ``old`` is given (the ``plot`` extra: matplotlib).  Returns the number of charts."""
    from ._plot import plot_rows as plot

    return plot(path, new, old)
