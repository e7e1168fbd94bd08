"""The former curves of issue 13, as ratios: each group's baseline is its smallest size, and
every row is timed per unit (per gzip member, per definition), so a ratio near 1.0x at 10x
or 100x the size means the cost grows linearly.

- gzip bodies of many (empty) members through ``rumrules.ingest``: was quadratic (each
  member re-sliced the rest of the body);
- ``rumrules check`` on N definitions: its peak memory per byte of the file is recorded too
  (``extra_info["peak_memory_per_file_byte"]``, traced by ``tracemalloc``);
- ``rumrules eval`` refusing a definitions file beyond the 2000 of one destination (RUM507):
  was refused only after every definition had been checked.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import tracemalloc

import pytest

import rumrules
from rumrules.cli import main

_ID = "cff852ba-f230-45cf-b1b7-b7fa57825a3d"
REQUEST = {"Id": _ID, "BatchId": _ID, "AppMonitorDetails": {"id": _ID}, "UserDetails": {},
           "RumEvents": [{"id": _ID, "timestamp": 1_700_000_000, "type": "checkout.completed",
                          "details": '{"total": 3}'}]}
EMPTY_MEMBER = gzip.compress(b"", mtime=0)


def _definitions(n: int) -> dict:
    return {"AppMonitorName": "bench", "Destination": "CloudWatch", "MetricDefinitions": [
        {"Name": f"Checkout{i}", "Namespace": "Shop", "ValueKey": "event_details.total",
         "UnitLabel": "Count", "DimensionKeys": {"metadata.browserName": "Browser"},
         "EventPattern": json.dumps({"event_type": ["checkout.completed"],
                                     "metadata": {"browserName": [f"Chrome{i}"]}})}
        for i in range(n)]}


def _quiet(argv: list[str]) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(argv)


def _sizes(name: str, sizes: list[int], unit: str):
    """Parametrize ``name`` over ``sizes``; the first is the group's baseline."""
    return pytest.mark.parametrize(name, sizes, ids=[
        ("baseline_" if i == 0 else "") + f"{n}_{unit}" for i, n in enumerate(sizes)])


@_sizes("members", [10_000, 100_000, 300_000], "members")
@pytest.mark.benchmark(group="limits: gzip body of N members, per member")
def test_gzip_members(benchmark, members):
    body = gzip.compress(json.dumps(REQUEST).encode(), mtime=0) + EMPTY_MEMBER * members
    benchmark.extra_info["events"] = members
    docs = benchmark.pedantic(rumrules.ingest, args=(body,),
                              kwargs={"app_monitor_name": "bench"}, rounds=3, iterations=1)
    assert len(docs) == 1


@_sizes("count", [250, 1_000, 4_000], "definitions")
@pytest.mark.benchmark(group="limits: rumrules check on N definitions, per definition")
def test_check_definitions_count(benchmark, tmp_path, count):
    path = tmp_path / "definitions.json"
    path.write_text(json.dumps(_definitions(count), indent=1))
    argv = ["check", str(path), "--format", "json"]
    _quiet(argv)  # imports first: the peak below is the check's own
    rumrules.purge()
    tracemalloc.start()
    try:
        _quiet(argv)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    benchmark.extra_info["events"] = count
    benchmark.extra_info["peak_memory_per_file_byte"] = round(peak / path.stat().st_size, 1)
    # each round compiles every pattern, as a first run does (no pattern cache hits)
    code = benchmark.pedantic(_quiet, args=(argv,), setup=rumrules.purge, rounds=2,
                              iterations=1)
    assert code in (0, 1)


@_sizes("count", [2_001, 6_003, 18_009], "definitions")
@pytest.mark.benchmark(group="limits: rumrules eval refusing N > 2000 definitions, per definition")
def test_eval_refuses_early(benchmark, tmp_path, count):
    defs = tmp_path / "definitions.json"
    defs.write_text(json.dumps(_definitions(count)))
    events = tmp_path / "events.json"
    events.write_text(json.dumps(REQUEST))
    benchmark.extra_info["events"] = count
    code = benchmark.pedantic(_quiet, args=(["eval", "--definitions", str(defs), "--events",
                                             str(events)],), setup=rumrules.purge, rounds=2,
                              iterations=1)
    assert code == 2
