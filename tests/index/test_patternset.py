"""PatternSet: the corpus of pattern sets, and the same answers as a loop over patterns."""

from __future__ import annotations

import json
import pickle
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rumrules import PatternError, PatternSet, RumRulesError, compile_pattern
from tests.conftest import read_jsonl_gz
from tests.pattern.corpus import eventpattern_cases, has_duplicate_keys, json_loads_accepts

SETS = read_jsonl_gz("patternset-public.jsonl.gz")


@pytest.mark.parametrize("line", SETS, ids=[s["id"] for s in SETS])
def test_patternset_corpus(line):
    ps = PatternSet()
    for name, text in line["patterns"].items():
        ps.add(name, text)
    for i, (event, expected) in enumerate(zip(line["events"], line["matches"])):
        assert sorted(ps.matches(event)) == expected, f"event {i}"
        as_dict = json.loads(event, parse_float=Decimal)  # no number rounded on the way
        assert sorted(ps.matches(as_dict)) == expected, f"event {i} as dict"


def test_patternset_corpus_size():
    assert len(SETS) == 40
    assert sum(len(s["patterns"]) for s in SETS) == 4574


def _loop(patterns, event):
    return [name for name, p in patterns if p.matches(event)]


def test_every_single_corpus_pattern_through_a_set_agrees_with_the_pattern():
    """Each valid corpus case, as a one-pattern set and inside sets of its family."""
    by_family: dict[str, list] = {}
    for case in eventpattern_cases():
        if not case["valid"] or case.get("event_error") or case["match"] is None:
            continue
        if not json_loads_accepts(case["pattern"]) or has_duplicate_keys(case["event"]):
            continue  # SPEC §5 decisions, as in the conformance test
        try:
            json.loads(case["event"])
        except ValueError:
            continue
        by_family.setdefault(case["id"].rsplit("-", 1)[0], []).append(case)
    checked = 0
    for family, cases in by_family.items():
        sets = {d: PatternSet(d) for d in ("rum", "eventbridge")}
        patterns = []
        for c in cases:
            p = compile_pattern(c["pattern"], dialect=c["dialect"])
            sets[c["dialect"]].add(c["id"], p)
            patterns.append((c["id"], p))
        for c in cases[:400]:
            expected = _loop(patterns, c["event"])
            got = sets["rum"].matches(c["event"]) + sets["eventbridge"].matches(c["event"])
            assert sorted(got) == sorted(expected), (family, c["id"])
            checked += 1
    assert checked > 5000


names = st.sampled_from(["a", "b", "a.b", "c", ""])
scalars = st.one_of(st.sampled_from(["x", "y", "10.0.0.1", "", "Chrome"]),
                    st.integers(-3, 3), st.sampled_from([0.5, 2000, 8000, -0.0, True, False, None]))
numeric = st.sampled_from([[">", 0], [">=", 2000, "<", 8000], ["<", 1], ["=", 2], ["<=", -1],
                           [">", -5, "<=", 5]])
rum_items = st.one_of(scalars, numeric.map(lambda ops: {"numeric": ops}))
eb_items = st.one_of(rum_items, st.sampled_from([
    {"prefix": "x"}, {"suffix": "e"}, {"anything-but": ["x"]}, {"anything-but": 2},
    {"exists": True}, {"exists": False}, {"equals-ignore-case": "CHROME"},
    {"cidr": "10.0.0.0/8"}, {"wildcard": "*r*"}, {"exactly": "y"},
    {"anything-but": {"prefix": "C"}}]))


def _patterns(items):
    leaf = st.lists(items, min_size=1, max_size=3)
    return st.recursive(st.dictionaries(names, leaf, min_size=1, max_size=3),
                        lambda c: st.dictionaries(names, c | leaf, min_size=1, max_size=3),
                        max_leaves=6)


event_values = st.recursive(scalars, lambda c: st.lists(c, max_size=3)
                            | st.dictionaries(names, c, max_size=3), max_leaves=12)
events = st.dictionaries(names, event_values, max_size=4)


@settings(max_examples=200)
@given(st.lists(_patterns(rum_items), min_size=1, max_size=8), st.lists(events, max_size=6))
@example([{"a": ["x"]}], [{"a": ["x"], "a.b": []}])  # regression: a dotted key merged into a list
@example([{"a": ["x"], "b": ["x"], "a.b": ["x"]}], [{"a": "x", "b": "x", "a.b": "x"}])  # regression:
# the single-pattern walk treated a merged value as "any one part"; the reference sees all parts
def test_patternset_equals_the_loop_rum(pattern_dicts, evs):
    _check(pattern_dicts, evs, "rum")


@settings(max_examples=200)
@given(st.lists(_patterns(eb_items), min_size=1, max_size=8), st.lists(events, max_size=6),
       st.booleans())
def test_patternset_equals_the_loop_eventbridge(pattern_dicts, evs, with_or):
    if with_or and len(pattern_dicts) >= 2:
        pattern_dicts = pattern_dicts[2:] + [{"$or": [pattern_dicts[0], pattern_dicts[1]]}]
    _check(pattern_dicts, evs, "eventbridge")


def _check(pattern_dicts, evs, dialect):
    ps = PatternSet(dialect)
    patterns = []
    for i, d in enumerate(pattern_dicts):
        try:
            p = compile_pattern(json.dumps(d), dialect=dialect)
        except PatternError:
            continue
        ps.add(f"p{i}", p)
        patterns.append((f"p{i}", p))
    for ev in evs:
        assert ps.matches(ev) == _loop(patterns, ev)


def test_names_or_together_and_order_is_insertion_order():
    ps = PatternSet()
    ps.add("b", '{"a":["x"]}')
    ps.add("a", '{"a":["y"]}')
    ps.add("b", '{"a":["y"]}')
    assert ps.matches({"a": "y"}) == ["b", "a"]
    assert ps.matches({"a": "x"}) == ["b"]
    ps.remove("b")
    assert ps.matches({"a": "y"}) == ["a"] and ps.names == ["a"]


def test_invalid_pattern_leaves_the_set_unchanged():
    ps = PatternSet()
    ps.add("ok", '{"a":["x"]}')
    with pytest.raises(PatternError):
        ps.add("bad", '{"a":[]}')
    assert ps.names == ["ok"] and len(ps) == 1


def test_pickle_round_trip():
    ps = PatternSet("eventbridge", [("n", '{"a":[{"prefix":"x"}]}'), ("m", '{"b":[1]}')])
    qs = pickle.loads(pickle.dumps(ps))
    assert qs.matches({"a": "xyz", "b": 1}) == ["n", "m"]


def test_events_that_are_not_objects_raise():
    with pytest.raises(RumRulesError):
        PatternSet(patterns=[("n", '{"a":["x"]}')]).matches("[1]")


def test_many_numeric_ranges_use_the_boundary_index():
    ps = PatternSet()
    for lo in range(0, 10_000, 10):
        ps.add(f"r{lo}", json.dumps({"d": [{"numeric": [">=", lo, "<", lo + 25]}]}))
    got = ps.matches({"d": 1000})
    assert got == ["r980", "r990", "r1000"]
    assert ps.matches({"d": 1005.5}) == ["r990", "r1000"]
    assert ps.matches({"d": -1}) == []


def test_array_consistency_in_a_set():
    ps = PatternSet(patterns=[("anna-jones", '{"e":{"f":["Anna"],"l":["Jones"]}}'),
                              ("anna", '{"e":{"f":["Anna"]}}')])
    ev = {"e": [{"f": "Anna", "l": "Smith"}, {"f": "Peter", "l": "Jones"}]}
    assert ps.matches(ev) == ["anna"]
