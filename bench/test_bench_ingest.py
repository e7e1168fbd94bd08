"""Ingestion throughput: a 100-event PutRumEvents batch as the web client sends it.

Each group has a ``json.loads`` baseline of the same body, measured in the same run, so the
ratio can be computed (``bench/report.py``).  The ``full_parse`` row is the least any
ingestion must do: ``json.loads`` of the body plus ``json.loads`` of every event's
``details`` and ``metadata`` texts.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from rumrules.ingestion import ingest_batch

DATA = Path(__file__).resolve().parent.parent / "tests" / "ingest" / "data"


def _body(version: int) -> bytes:
    return gzip.decompress((DATA / f"web_v{version}_batch100.json.gz").read_bytes())


def _full_parse(body: bytes) -> None:
    request = json.loads(body)
    for event in request["RumEvents"]:
        json.loads(event["details"])
        json.loads(event["metadata"])
    if "SessionMetadata" in request:
        json.loads(request["SessionMetadata"])


def _ingest(body) -> None:
    result = ingest_batch(body, app_monitor_name="MyWebApp", account_id="123456789012")
    assert len(result.documents) == 100


GROUPS = {3: "ingest: 100-event web-client v3 batch (SessionMetadata)",
          2: "ingest: 100-event web-client v2 batch (per-event metadata)"}
both = pytest.mark.parametrize("version", [3, 2])


@both
def test_ingest_body(benchmark, version):
    benchmark.group = GROUPS[version]
    benchmark(_ingest, _body(version))


@both
def test_ingest_full_parse(benchmark, version):
    benchmark.group = GROUPS[version]
    benchmark(_full_parse, _body(version))


@both
def test_ingest_baseline_json_loads(benchmark, version):
    benchmark.group = GROUPS[version]
    benchmark(json.loads, _body(version))


def test_ingest_gzip_body(benchmark):
    benchmark.group = GROUPS[3]
    benchmark(_ingest, gzip.compress(_body(3)))


def test_ingest_dict(benchmark):
    benchmark.group = GROUPS[3]
    benchmark(_ingest, json.loads(_body(3)))
