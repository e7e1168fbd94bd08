"""Growth on hostile events and on changes (issue 12, point 4): each group's baseline is its
smallest size, and every row is timed per unit of input (object, key or add-then-match
cycle), so a ratio near 1.0x at every size means linear growth.

* arrays of objects: a pattern that names two fields inside one array, against an array of
  1k..16k objects (two fields matched inside one element: array consistency);
* dotted keys: 2000 patterns on distinct paths against events with 500..8k dotted keys;
* changes: 250..2000 cycles of ``add`` then ``matches`` on one set, and 250..2000 cycles of
  ``remove``, ``matches``, ``add`` (the same pattern back), ``matches`` on a set of that size.

Times are CPU time (``time.process_time``, set on each benchmark here, whatever
``--benchmark-timer`` says): the machine these run on is shared, and CPU time is what other
jobs move least.  ``python bench/report.py`` turns the JSON into the ratio tables.
"""

from __future__ import annotations

import json
import time

import pytest

from rumrules import PatternSet
from workload import definitions

ARRAY_SIZES = [1000, 2000, 4000, 8000, 16000]
DOTTED_SIZES = [500, 1000, 2000, 4000, 8000]
CYCLES = [250, 500, 1000, 2000]


@pytest.fixture(autouse=True)
def _cpu_time(request):
    """Time the benchmarks of this module in CPU time (pytest-benchmark reads its timer
    from the fixture when a round starts)."""
    if "benchmark" in request.fixturenames:
        bench = request.getfixturevalue("benchmark")
        if hasattr(bench, "_timer"):
            bench._timer = time.process_time
    yield


def _array_event(n: int) -> dict:
    # every element has "a": "x"; only the last has "b": "y" (the walk meets every element)
    return {"d": [{"a": "x", "b": f"z{i}"} for i in range(n - 1)] + [{"a": "x", "b": "y"}]}


@pytest.mark.parametrize("n", ARRAY_SIZES)
def test_array_of_objects(benchmark, n):
    benchmark.group = "growth: two fields inside one array of n objects (per object)"
    benchmark.name = f"{'baseline ' if n == ARRAY_SIZES[0] else ''}{n} objects"
    ps = PatternSet("rum", [("both", '{"d":{"a":["x"],"b":["y"]}}'),
                            ("other", '{"d":{"a":["x"],"b":["q"]}}')])
    event = _array_event(n)
    assert ps.matches(event) == ["both"]
    benchmark.extra_info["events"] = n
    benchmark.pedantic(ps.matches, args=(event,), rounds=3, iterations=1)


_DOTTED = PatternSet("rum", [(f"n{i}", json.dumps({f"p{i}": {"x": [1]}})) for i in range(2000)])


@pytest.mark.parametrize("n", DOTTED_SIZES)
def test_dotted_keys(benchmark, n):
    benchmark.group = "growth: 2000 patterns on distinct paths, n dotted keys (per key)"
    benchmark.name = f"{'baseline ' if n == DOTTED_SIZES[0] else ''}{n} dotted keys"
    event = {f"p{i % 4000}.x": 1 if i == n - 1 else 2 for i in range(n)}
    expected = [f"n{(n - 1) % 4000}"] if (n - 1) % 4000 < 2000 else []
    assert _DOTTED.matches(event) == expected
    benchmark.extra_info["events"] = n
    benchmark.pedantic(_DOTTED.matches, args=(event,), rounds=3, iterations=1)


_DEFS = definitions(2000)
_DOC = json.dumps({"event_type": "com.amazon.rum.performance_navigation_event",
                   "metadata": {"browserName": "Chrome", "countryCode": "US"},
                   "event_details": {"duration": 2345.6}})


def _cycles(n: int) -> int:
    ps = PatternSet()
    found = 0
    for d in _DEFS[:n]:
        ps.add(d["Name"], d["EventPattern"])
        found += len(ps.matches(_DOC))
    return found


@pytest.mark.parametrize("n", CYCLES)
def test_add_then_match(benchmark, n):
    benchmark.group = "growth: n cycles of add then matches on one set (per cycle)"
    benchmark.name = f"{'baseline ' if n == CYCLES[0] else ''}{n} add-then-match cycles"
    _cycles(n)  # compile the patterns outside the timing (the compile cache keeps them)
    benchmark.extra_info["events"] = n
    benchmark.pedantic(_cycles, args=(n,), rounds=3, iterations=1)


def _churn(ps: PatternSet, n: int) -> int:
    found = 0
    for d in _DEFS[:n]:
        ps.remove(d["Name"])
        found += len(ps.matches(_DOC))
        ps.add(d["Name"], d["EventPattern"])
        found += len(ps.matches(_DOC))
    return found


@pytest.mark.parametrize("n", CYCLES)
def test_remove_then_re_add(benchmark, n):
    benchmark.group = "growth: n cycles of remove, matches, add, matches on a set of n (per cycle)"
    benchmark.name = f"{'baseline ' if n == CYCLES[0] else ''}{n} remove-add cycles"
    ps = PatternSet("rum", [(d["Name"], d["EventPattern"]) for d in _DEFS[:n]])
    expected = 2 * len(ps.matches(_DOC)) * n
    assert _churn(ps, n) <= expected and ps.names[-1] == _DEFS[n - 1]["Name"]
    benchmark.extra_info["events"] = n
    benchmark.pedantic(_churn, args=(ps, n), rounds=3, iterations=1)
