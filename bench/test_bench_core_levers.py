"""The levers of the compiled matching core, each as a ratio to ``json.loads`` of the same
texts in the same run (``bench/report.py``), on the RUM workload at 1, 100 and 2000
definitions (events as JSON text):

* ``pure-python``: ``PatternSet.matches`` on the pure-Python core (``Bits.match_doc`` over
  the document orjson reads, when installed, else json);
* ``c-walk-over-orjson``: orjson reads the text, the C core walks the dict (the lever
  without the C reader);
* ``c-reader``: the C reader takes the text straight into the walk (only the values on the
  patterns' paths become objects), called directly like ``c-walk-over-orjson``;
* ``c-core``: ``PatternSet.matches`` on the compiled core (the C reader, plus the Python
  layers: the snapshot, the index's hook, the names of the sequence numbers);
* ``orjson-loads``: orjson alone, for scale.

Skipped where the compiled core was not built (``rumrules.pattern.MATCHING_CORE``).
"""

from __future__ import annotations

import contextlib
import json

import pytest

from rumrules import PatternSet
from rumrules.pattern import _core
from workload import definitions, documents

SIZES = [1, 100, 2000]
BATCH = 400
DOCS = documents(BATCH)

pytestmark = pytest.mark.skipif(_core.BUILT is None, reason="the compiled matching core "
                                "was not built (no C compiler at install time)")


@contextlib.contextmanager
def _core_in_use(compiled: bool):
    saved = _core.C
    _core.C = _core.BUILT if compiled else None
    try:
        yield
    finally:
        _core.C = saved


def _set(n: int) -> PatternSet:
    ps = PatternSet()
    for d in definitions(n, overlapping=True):
        ps.add(d["Name"], d["EventPattern"])
    ps.matches(DOCS[0])  # build the index outside the timing
    return ps


def _group(n: int) -> str:
    return f"core levers: RUM workload, {n} definitions, events as text"


@pytest.mark.parametrize("n", SIZES)
def test_baseline_json_loads(benchmark, n):
    benchmark.group = _group(n)
    benchmark.extra_info["events"] = BATCH
    benchmark(lambda: [json.loads(d) for d in DOCS])


@pytest.mark.parametrize("n", SIZES)
def test_orjson_loads(benchmark, n):
    orjson = pytest.importorskip("orjson")
    benchmark.group = _group(n)
    benchmark.extra_info["events"] = BATCH
    benchmark(lambda: [orjson.loads(d) for d in DOCS])


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("core", ["pure-python", "c-core"])
def test_patternset(benchmark, n, core):
    benchmark.group = _group(n)
    ps = _set(n)
    benchmark.extra_info["events"] = BATCH
    with _core_in_use(core == "c-core"):
        answers = [ps.matches(d) for d in DOCS]
        benchmark(lambda: [ps.matches(d) for d in DOCS])
    with _core_in_use(False):
        assert [ps.matches(d) for d in DOCS] == answers   # the same answers either way


@pytest.mark.parametrize("n", SIZES)
def test_c_walk_over_orjson(benchmark, n):
    orjson = pytest.importorskip("orjson")
    benchmark.group = _group(n)
    ps = _set(n)
    bits = ps._current().indexes[0].bits
    plan = _core.plan_of(bits)
    assert plan is not False
    find = _core.BUILT.find
    loads = orjson.loads
    benchmark.extra_info["events"] = BATCH
    found = benchmark(lambda: [find(plan, loads(d)) for d in DOCS])
    assert None not in found


@pytest.mark.parametrize("n", SIZES)
def test_c_reader(benchmark, n):
    benchmark.group = _group(n)
    ps = _set(n)
    plan = _core.plan_of(ps._current().indexes[0].bits)
    assert plan is not False
    find = _core.BUILT.find
    benchmark.extra_info["events"] = BATCH
    found = benchmark(lambda: [find(plan, d) for d in DOCS])
    assert None not in found
