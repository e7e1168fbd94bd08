"""The compiled matching core (``rumrules/pattern/_ccore.c``) against the pure-Python core.

The pure-Python walk is the reference: over the bundled corpora and Hypothesis events (both
dialects, both JSON readers, text and dict events) the compiled core must give the same
answers and the same errors.  The C core is optional at install time, so these tests skip
where it was not built — except under ``CI=true``, where they fail: CI builds it.  And a
test proves that the C core really answers the kind of events and patterns the shared
benchmark uses (no silent fall back to Python after a change of the index's layout).
"""

from __future__ import annotations

import importlib.util
import json
import os
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rumrules import PatternSet, RumRulesError, compile_pattern
from rumrules import strategies as rst
from rumrules.pattern import MATCHING_CORE, _core
from rumrules.pattern._events import use_fast_parser
from tests.conftest import matching_core, read_jsonl_gz, requires_shared, shared_path
from tests.pattern.corpus import eventpattern_cases


@pytest.fixture(autouse=True)
def _needs_the_c_core(compiled_core):
    """Every test here runs on the compiled core (see ``tests/conftest.py``)."""
    yield


def _pure():
    """The pure-Python core for the duration."""
    return matching_core(None)


def _answer(ps: PatternSet, event):
    try:
        return ("ok", ps.matches(event))
    except RumRulesError as e:
        return ("error", type(e).__name__, str(e))


def _both(ps: PatternSet, event):
    """(compiled answer, pure answer) for one event."""
    compiled = _answer(ps, event)
    with _pure():
        pure = _answer(ps, event)
    return compiled, pure


def test_the_core_in_use_is_the_compiled_one_unless_turned_off():
    pure = os.environ.get("RUMRULES_PURE_PYTHON") == "1"
    assert MATCHING_CORE == ("python" if pure else "c")
    ps = PatternSet("rum", [("p", '{"a":["x"]}')])
    _core.reset_stats()
    assert ps.matches('{"a":"x"}') == ["p"]
    assert _core.stats()["events"] == 1
    with _pure():
        assert ps.matches('{"a":"x"}') == ["p"]
    assert _core.stats()["events"] == 1


@pytest.mark.parametrize("fast", [True, False], ids=["orjson", "json"])
def test_eventpattern_corpus_same_answers(fast):
    previous = use_fast_parser(fast)
    try:
        checked = 0
        for case in eventpattern_cases():
            if not case["valid"]:
                continue
            try:
                ps = PatternSet(case["dialect"], [("p", case["pattern"])])
            except RumRulesError:
                continue
            event = case["event"]
            forms = [event]
            try:
                forms.append(json.loads(event))
                forms.append(json.loads(event, parse_float=Decimal))
            except (ValueError, RecursionError):
                pass
            for form in forms:
                compiled, pure = _both(ps, form)
                assert compiled == pure, (case["id"], form)
                checked += 1
        assert checked > 10000
    finally:
        use_fast_parser(previous)


@pytest.mark.parametrize("fast", [True, False], ids=["orjson", "json"])
def test_patternset_corpus_same_answers(fast):
    previous = use_fast_parser(fast)
    try:
        for line in read_jsonl_gz("patternset-public.jsonl.gz"):
            ps = PatternSet()
            for name, text in line["patterns"].items():
                ps.add(name, text)
            for i, (event, expected) in enumerate(zip(line["events"], line["matches"])):
                compiled, pure = _both(ps, event)
                assert compiled == pure, (line["id"], i)
                assert compiled[0] == "ok" and sorted(compiled[1]) == expected, (line["id"], i)
                as_dict = json.loads(event)
                assert _both(ps, as_dict) == (compiled, compiled), (line["id"], i)
    finally:
        use_fast_parser(previous)


numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),              # subnormals included
    st.floats(min_value=-1e-300, max_value=1e-300, allow_nan=False),
    st.integers(-(2 ** 70), 2 ** 70),
    st.sampled_from([-5e-324, 5e-324, 0.0, -0.0, 0, 2 ** 53, 2 ** 53 + 1, -(2 ** 53) - 1,
                     -(2 ** 63), 2 ** 64, 1.7976931348623157e308, 2.2250738585072014e-308,
                     46775328864789648, 0.1, -1.5, 1211.5999999999995, 1e16, 12345678901234567]))
values = st.one_of(numbers, st.text(max_size=5), st.booleans(), st.none(),
                   st.lists(numbers, max_size=3), st.dictionaries(st.text(max_size=2), numbers,
                                                                  max_size=2))


@st.composite
def set_and_event(draw):
    dialect = draw(st.sampled_from(["rum", "eventbridge"]))
    texts = draw(st.lists(rst.event_patterns(dialect=dialect), min_size=1, max_size=4))
    ps = PatternSet(dialect)
    for i, text in enumerate(texts):
        ps.add(f"p{i % 3}", text)          # some names hold several patterns
    event: dict = {}
    for text in texts:
        for cond in compile_pattern(text, dialect=dialect).conditions:
            if draw(st.booleans()):
                continue                  # the field left out
            if draw(st.integers(0, 9)) == 0:
                event[cond.path] = draw(values)       # a dotted key names the path
                continue
            node = event
            for seg in cond.segments[:-1]:
                nxt = node.setdefault(seg, {})
                node = nxt if isinstance(nxt, dict) else {}
            node[cond.segments[-1]] = draw(values)
    return ps, event


@settings(max_examples=300, deadline=None)
@given(set_and_event(), st.booleans())
@example((PatternSet("rum", [("p", '{"a":[{"numeric":["<",0]}]}')]), {"a": -5e-324}), True)
@example((PatternSet("rum", [("p", '{"a":[{"numeric":[">",1]}]}')]), {"a": 2 ** 64}), True)
def test_hypothesis_events_same_answers(case, fast):
    ps, event = case
    previous = use_fast_parser(fast)
    try:
        forms = [event]
        try:
            forms.append(json.dumps(event))
            forms.append(json.dumps(event).encode())
        except ValueError:
            pass
        for form in forms:
            compiled, pure = _both(ps, form)
            assert compiled == pure, form
    finally:
        use_fast_parser(previous)


def test_unusual_events_fall_back_to_the_same_answers():
    ps = PatternSet("rum", [("n", '{"a":{"b":[{"numeric":[">",0]}]}}'),
                            ("s", '{"c":["x"]}')])
    for event in ['{"a":{"b":1e-400},"c":"x"}', '{"a.b":5,"c":"x"}', '{"a":{"b":[1,2]}}',
                  '{"a":{"b":123456789012345678901234567890}}', '{"a":{"b":1.00000000000000001}}',
                  '{"c":"x","c":"y"}', '{"a":', '[1]', b'{"c":"x"}', '{"c":"\\ud800"}',
                  {"a": {"b": Decimal("2")}}, {"a": {"b": 10 ** 1001}}, {1: "x", "c": "x"},
                  {"a": {"b": float("nan")}}, {"a": {"b": True}}, {"a": {"b": 0.0}}]:
        compiled, pure = _both(ps, event)
        assert compiled == pure, event


TEXTS = [
    ' {"c" : "x" , "a" : { "b" : 5 } }\n', '{"c":"x",}', '{"c":"\\u0078"}', '{"c":"x\\n"}',
    '{"\\u0063":"x"}', '{"a":{"b":01}}', '{"a":{"b":-}}', '{"a":{"b":1.}}', '{"a":{"b":.5}}',
    '{"a":{"b":1e5}}', '{"a":{"b":1E+2}}', '{"a":{"b":-0}}', '{"a":{"b":-0.0}}',
    '{"a":{"b":NaN}}', '{"a":{"b":Infinity}}', '{"c":"x"} x', '{"c":"x"}{}', '{"c":"x\u0001"}',
    '{"c":"é"}', '{"c":"x\u00e9"}', '{"c":"\\ud800"}', '{"a":{"b":2},"a":{"b":3}}',
    '{"a":{},"c":"x"}', '{"a":null,"c":"x"}', '{"a":{"b":true}}', '{"a":{"b":"5"}}',
    '{"c":"x","z":[1,{"q":[]},"s",true,null,-2.5e-3]}', '{"c":"x","z":{"a.b":1}}',
    '{"c":"x","z":' + "[" * 300 + "]" * 300 + "}", '{"c":"x","z":' + "[" * 30 + "]" * 29 + "}",
    '{"a":{"b":1,"b":-1},"c":"x"}', '{"a":{"b":1}}\t', '{"a":{"b":tru}}', '{"a":{"b":nul}}',
    '{"a":{"b":1},"c":"x","d":"\\q"}', '{"a":{"b":1},"c":"x","d":"\\u12"}', '{"a"}', '{',
    '', '{"a":{"b":123456789012345}}', '{"a":{"b":1234567890123456}}', '{"a":{"b":1e-320}}',
    '{"a":{"b":1e400}}', '{"a":{"b":-1e400}}', '{"a":{"b":2.5}, "c":["x"]}', '{"c":{"d":"x"}}',
]


@pytest.mark.parametrize("fast", [True, False], ids=["orjson", "json"])
def test_the_text_reader_agrees_on_unusual_text(fast):
    ps = PatternSet("rum", [("n", '{"a":{"b":[{"numeric":[">",0]}]}}'), ("s", '{"c":["x"]}'),
                            ("t", '{"a":{"b":[true]}}'), ("e", '{"c":["é"]}'),
                            ("z", '{"a":{"b":[0]}}')])
    previous = use_fast_parser(fast)
    try:
        for event in TEXTS:
            compiled, pure = _both(ps, event)
            assert compiled == pure, event
    finally:
        use_fast_parser(previous)


def _assert_all_in_c(ps: PatternSet, events) -> None:
    _core.reset_stats()
    answers = [ps.matches(e) for e in events]
    got = _core.stats()
    assert got["unplanned"] == 0, got
    assert got["fallbacks"] == 0, got
    assert got["py_probes"] == 0, got
    assert got["events"] == len(events), got
    assert got["c_probes"] > 0, got
    with _pure():
        assert [ps.matches(e) for e in events] == answers


def _bench_workload():
    import sys
    from pathlib import Path
    bench = Path(__file__).resolve().parents[2] / "bench"
    sys.path.insert(0, str(bench))
    try:
        import workload
    finally:
        sys.path.remove(str(bench))
    return workload


def test_the_c_core_answers_the_rum_benchmark_workload_itself():
    """If a change of the index's layout makes the C core fall back to Python, this fails."""
    workload = _bench_workload()
    docs = workload.documents(300)
    for n in (1, 100, 1000):
        ps = PatternSet()
        for d in workload.definitions(n, overlapping=True):
            ps.add(d["Name"], d["EventPattern"])
        _assert_all_in_c(ps, docs)
        _assert_all_in_c(ps, [json.loads(d) for d in docs])


@requires_shared("bench", "peerbench.py")
def test_the_c_core_answers_the_shared_peerbench_workload_itself():
    spec = importlib.util.spec_from_file_location("peerbench", shared_path("bench",
                                                                            "peerbench.py"))
    peerbench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(peerbench)
    events = peerbench.gen_events("1", 2000)
    for n in (1, 100, 2000):
        ps = PatternSet()
        for p in peerbench.gen_patterns("1", n):
            ps.add(p["id"], p["pattern"])
        _assert_all_in_c(ps, events)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=4),
              st.sampled_from(["x", "é", "\ud800", "a.b", "c"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["a", "b", "c", "d", "a.b", "", "é"]),
                                            inner, max_size=4)),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d", "a.b", "é"]), json_values,
                       max_size=5),
       st.lists(st.tuples(st.integers(0, 10 ** 6), st.sampled_from(
           ['', '"', ',', '{', '}', '[', ']', ':', ' ', '\\', '0', '.', 'e', '-', 'x'])),
           max_size=2),
       st.booleans())
def test_the_text_reader_agrees_on_mutated_text(doc, edits, fast):
    """JSON text, sometimes spoiled by a character put in or taken out."""
    ps = PatternSet("eventbridge", [("n", '{"a":{"b":[{"numeric":[">",0]}]}}'), ("s", '{"c":["x"]}'),
                            ("t", '{"a":{"b":[true]}}'), ("e", '{"c":["é"]}'),
                            ("d", '{"d":[{"exists":false}],"c":[{"exists":true}]}')])
    try:
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    except ValueError:
        return
    for at, piece in edits:
        i = at % (len(text) + 1)
        text = text[:i] + piece + text[i + (not piece):]
    previous = use_fast_parser(fast)
    try:
        compiled, pure = _both(ps, text)
        assert compiled == pure, text
    finally:
        use_fast_parser(previous)
