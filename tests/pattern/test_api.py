"""The public surface: compile once (cache), pickling, explain as text and data."""

from __future__ import annotations

import json
import pickle

import pytest

import rumrules
from rumrules import EventPattern, compile_pattern

NAV = ('{"event_type":["com.amazon.rum.performance_navigation_event"],'
       '"event_details":{"duration":[{"numeric":[">=",2000,"<",8000]}]}}')


def test_importing_rumrules_does_not_build_the_parser():
    import subprocess
    import sys

    code = ("import rumrules, sys; import rumrules.pattern._parse as p; "
            "sys.exit(0 if p._parser is None else 1)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_public_names():
    for name in ("compile_pattern", "EventPattern", "PatternError", "RumRulesError"):
        assert name in rumrules.__all__
        assert getattr(rumrules, name).__doc__


def test_cache_returns_the_same_object():
    a = compile_pattern(NAV)
    assert compile_pattern(NAV) is a
    assert compile_pattern(NAV, dialect="eventbridge") is not a
    rumrules.purge()
    assert compile_pattern(NAV) is not a


def test_cache_is_bounded():
    from rumrules.pattern._pattern import MAX_CACHE, _cache

    for i in range(MAX_CACHE + 50):
        compile_pattern(f'{{"a":[{i}]}}')
    assert len(_cache) <= MAX_CACHE


def test_cache_drops_the_least_recently_used():
    from rumrules.pattern._pattern import MAX_CACHE

    rumrules.purge()
    first = compile_pattern('{"lru":["first"]}')
    second = compile_pattern('{"lru":["second"]}')
    for i in range(MAX_CACHE - 2):
        compile_pattern(f'{{"fill":[{i}]}}')
    assert compile_pattern('{"lru":["first"]}') is first  # used again: now the most recent
    compile_pattern('{"lru":["third"]}')                   # one past the bound
    assert compile_pattern('{"lru":["first"]}') is first
    assert compile_pattern('{"lru":["second"]}') is not second  # it was the least recent


def test_bytes_and_bytearray_compile_and_cache():
    text = '{"a":["x"]}'
    for source in (text.encode(), bytearray(text.encode()), memoryview(text.encode())):
        if isinstance(source, memoryview):
            with pytest.raises(rumrules.PatternError):
                compile_pattern(source)
            continue
        p = compile_pattern(source)
        assert p.text == text and p.matches({"a": "x"})
        assert compile_pattern(source) is p
    mutable = bytearray(b'{"a":["x"]}')
    p = compile_pattern(mutable)
    mutable[7] = ord("y")  # the cache holds an immutable copy of the key
    q = compile_pattern(mutable)
    assert q is not p and q.matches({"a": "y"}) and p.matches({"a": "x"})


def test_pickle_round_trip():
    p = compile_pattern(NAV)
    q = pickle.loads(pickle.dumps(p))
    assert isinstance(q, EventPattern) and q == p
    assert q.matches({"event_type": "com.amazon.rum.performance_navigation_event",
                      "event_details": {"duration": 3000}})


def test_conditions_carry_positions():
    p = compile_pattern('{\n "event_type": ["x"],\n "event_details": {"duration": [1]}\n}')
    assert [(c.path, c.line, c.column) for c in p.conditions] == [
        ("event_type", 2, 2), ("event_details.duration", 3, 20)]
    assert p.conditions[1].matchers[0].kind == "exact"


def test_explain_text_and_data():
    p = compile_pattern(NAV)
    e = p.explain({"event_type": "com.amazon.rum.performance_navigation_event",
                   "event_details": {"duration": 9000}})
    assert not e
    text = str(e)
    assert "no match: 1 of 2 conditions hold" in text
    assert "9000 is not >= 2000 and < 8000" in text
    data = e.to_dict()
    assert data["matched"] is False
    assert [c["matched"] for c in data["conditions"]] == [True, False]


def test_explain_reasons():
    p = compile_pattern('{"s":[404],"b":["Chrome","Safari"],"d":[{"numeric":[">",1]}]}')
    e = p.explain({"s": "404", "b": "Firefox"})
    reasons = {c.path: c.reason for c in e.conditions}
    assert "is a string" in reasons["s"]
    assert "Firefox" in reasons["b"] and "one of" in reasons["b"]
    assert "missing" in reasons["d"]


def test_explain_array_consistency_note():
    p = compile_pattern('{"e":{"f":["Anna"],"l":["Jones"]}}')
    e = p.explain({"e": [{"f": "Anna"}, {"l": "Jones"}]})
    assert not e and e.note and "same element" in e.note


def test_explain_kinds_are_data():
    p = compile_pattern('{"s":[404],"b":["Chrome","Safari"],"d":[{"numeric":[">",1]}],'
                        '"t":[{"numeric":["<",5]}],"e":{"f":[1]}}')
    e = p.explain({"s": "404", "b": "Firefox", "t": True, "e": {"f": {"g": 1}}})
    data = json.loads(json.dumps(e.to_dict()))
    assert data["kind"] == "conditions"
    assert {c["path"]: c["kind"] for c in data["conditions"]} == {
        "s": "wrong_type", "b": "not_in_list", "d": "missing", "t": "wrong_type",
        "e.f": "object"}
    reasons = {c.path: c.reason for c in e.conditions}
    assert reasons["t"] == "true is a boolean; numeric matchers only accept JSON numbers"
    assert "not <" not in reasons["t"]


def test_explain_numbers_too_large_for_a_double():
    p = compile_pattern('{"d":[{"numeric":[">",1]}]}')
    from_text = p.explain('{"d": 1e309}').conditions[0]
    assert from_text.kind == "not_comparable" and from_text.reason.startswith("1e309 ")
    for value, shown in ((float("inf"), "a number too large for a double"),
                         (float("-inf"), "a negative number too large for a double")):
        c = p.explain({"d": value}).conditions[0]
        assert c.kind == "not_comparable" and c.reason.startswith(shown), c.reason
        assert "inf" not in c.reason
        json.dumps(c.to_dict(), allow_nan=False)  # JSON-ready


def test_explain_exists_on_an_empty_array():
    p = compile_pattern('{"f":[{"exists":true}]}', dialect="eventbridge")
    c = p.explain({"f": []}).conditions[0]
    assert not p.matches({"f": []})  # exists matches leaves only; [] holds none
    assert c.kind == "empty_array" and "empty array" in c.reason and "missing" not in c.reason
    assert p.explain({"f": [[]]}).conditions[0].kind == "empty_array"
    assert p.explain({}).conditions[0].kind == "missing"


def test_explain_or_alternatives():
    p = compile_pattern('{"$or":[{"a":["x"]},{"b":["y"]}]}', dialect="eventbridge")
    e = p.explain({"b": "y"})
    assert e and e.alternative == 1 and e.alternatives == 2
