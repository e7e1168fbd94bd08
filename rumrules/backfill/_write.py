"""Backfill rows out: JSON lines, CSV, Parquet (the ``parquet`` extra: pyarrow)."""

from __future__ import annotations

import csv
import json
from typing import IO, Iterable, Sequence

from ..errors import RumRulesError
from ._aggregate import COLUMNS, Row, iso_minute, row_dict

__all__ = ["OUTPUT_FORMATS", "write_rows"]

#: The ``--format`` names.
OUTPUT_FORMATS = ("jsonl", "csv", "parquet")


def write_rows(rows: Sequence[Row], fmt: str, out: IO | str) -> None:
    """Write ``rows`` in ``fmt`` to ``out`` (a text stream; a path for ``parquet``)."""
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row_dict(row), ensure_ascii=False) + "\n")  # type: ignore[union-attr]
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")  # type: ignore[arg-type]
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow([r.namespace, r.metric, r.unit or "", r.dimensions_json,
                             iso_minute(r.minute), r.sample_count, repr(r.sum),
                             repr(r.minimum), repr(r.maximum)])
    elif fmt == "parquet":
        _parquet(rows, out)
    else:
        raise RumRulesError(f"unknown output format {fmt!r} ({', '.join(OUTPUT_FORMATS)})")


def _parquet(rows: Iterable[Row], path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise RumRulesError("--format parquet needs pyarrow",
                            hint="pip install 'rumrules[parquet]'") from None
    if not isinstance(path, str):
        raise RumRulesError("--format parquet writes a file", hint="give --out FILE")
    rows = list(rows)
    table = pa.table({
        "namespace": pa.array([r.namespace for r in rows], pa.string()),
        "metric": pa.array([r.metric for r in rows], pa.string()),
        "unit": pa.array([r.unit for r in rows], pa.string()),
        "dimensions": pa.array([r.dimensions_json for r in rows], pa.string()),
        "timestamp": pa.array([r.minute * 1_000_000 for r in rows], pa.timestamp("us", tz="UTC")),
        "sample_count": pa.array([r.sample_count for r in rows], pa.int64()),
        "sum": pa.array([r.sum for r in rows], pa.float64()),
        "minimum": pa.array([r.minimum for r in rows], pa.float64()),
        "maximum": pa.array([r.maximum for r in rows], pa.float64()),
    })
    try:
        pq.write_table(table, path)
    except OSError as e:
        raise RumRulesError(f"cannot write {path}: {e}") from None
