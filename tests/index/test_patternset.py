"""PatternSet: the corpus of pattern sets, and the same answers as a loop over patterns."""

from __future__ import annotations

import json
import pickle
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rumrules import PatternError, PatternSet, RumRulesError, compile_pattern
from rumrules.pattern import _patternset
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


@pytest.mark.parametrize("line", SETS[::4], ids=[s["id"] for s in SETS[::4]])
def test_patternset_corpus_through_levels(line):
    """The corpus again, the set built through many levels (a match after each add, a name
    removed and added back now and then): the same answers for text and dict events."""
    ps = PatternSet()
    items = list(line["patterns"].items())
    levels = []
    for i, (name, text) in enumerate(items):
        ps.add(name, text)
        ps.matches(line["events"][i % len(line["events"])])
        if i % 7 == 3:
            ps.remove(items[i // 2][0])
            ps.add(*items[i // 2])
        levels.append(len(ps._current().indexes))
    for name, text in items:   # the same patterns again under their names: no new answer
        if len(ps._current().indexes) > 1:
            break
        ps.add(name, text)
        ps.matches(line["events"][0])
    assert max(levels) > 1 and len(ps._current().indexes) > 1
    for i, (event, expected) in enumerate(zip(line["events"], line["matches"])):
        assert sorted(ps.matches(event)) == expected, f"event {i}"
        assert sorted(ps.matches(event.encode())) == expected, f"event {i} as bytes"
        as_dict = json.loads(event, parse_float=Decimal)
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
# eventbridge: the indexed string operators often, over a few pieces so that patterns share
# prefixes and suffixes and events hit them: case pairs whose folds are special (ß/SS, İ/i̇,
# ı/I, Kelvin K, ǅ, ς/σ/Σ, ﬀ/FF), ? and a non-BMP character (the matcher reads it as ??)
CASED = ["\u00df", "SS", "ss", "sS", "\u0130", "i\u0307", "i", "I", "\u0131", "k", "K", "\u212a",
         "\U0001f600", "??", "\u01c5", "\u01c6", "\u01c4", "\u03a3", "\u03c3", "\u03c2", "\ufb00",
         "FF", "ff", "stra\u00dfe", "STRASSE", "Strasse"]
PIECES = ["a", "A", "b", "s", "S", "\u00df", "I", "\u0131", "?", "\U0001f600", ".", "*", "\\"]
texts = st.one_of(st.sampled_from(CASED),
                  st.lists(st.sampled_from(PIECES), max_size=3).map("".join))
literals = st.lists(st.sampled_from(["a", "s", "S", "ß", "?", "\\*", "\\\\"]),
                   max_size=3).map("".join)  # wildcard text without a *
wildcards = st.one_of(literals, st.builds(lambda h, t: f"{h}*{t}", literals, literals),
                      st.builds(lambda h, m, t: f"{h}*{m}*{t}", literals, literals, literals),
                      st.lists(st.sampled_from(["a", "*", "\\", "ß"]), max_size=4).map("".join))
ADDRESSES = ["10.0.0.0", "10.0.0.1", "10.0.0.255", "10.1.2.3", "0.0.0.0", "0.0.0.3",
             "255.255.255.255", "::", "::1", "2001:db8::", "2001:db8::1", "a00::", "a00:1::",
             "::ffff:10.0.0.1", "ffff::"]
cidrs = st.builds(lambda a, m: {"cidr": f"{a}/{m}"}, st.sampled_from(ADDRESSES),
                  st.one_of(st.integers(0, 31), st.integers(0, 127)))
string_ops = st.one_of(
    texts.map(lambda t: {"prefix": t}), texts.map(lambda t: {"suffix": t}),
    texts.map(lambda t: {"equals-ignore-case": t}),
    texts.map(lambda t: {"prefix": {"equals-ignore-case": t}}),
    texts.map(lambda t: {"suffix": {"equals-ignore-case": t}}),
    wildcards.map(lambda t: {"wildcard": t}), cidrs, texts.map(lambda t: {"exactly": t}),
    st.sampled_from(ADDRESSES))
eb_items = st.one_of(rum_items, string_ops, string_ops, st.sampled_from([
    {"prefix": "x"}, {"suffix": "e"}, {"anything-but": ["x"]}, {"anything-but": 2},
    {"exists": True}, {"exists": False}, {"equals-ignore-case": "CHROME"},
    {"cidr": "10.0.0.0/8"}, {"wildcard": "*r*"}, {"exactly": "y"},
    {"anything-but": {"prefix": "C"}}, {"anything-but": {"equals-ignore-case": "ß"}},
    {"anything-but": {"wildcard": "a*"}}]))


def _patterns(items):
    leaf = st.lists(items, min_size=1, max_size=3)
    return st.recursive(st.dictionaries(names, leaf, min_size=1, max_size=3),
                        lambda c: st.dictionaries(names, c | leaf, min_size=1, max_size=3),
                        max_leaves=6)


# many one-field patterns on "a", so that several of them match one event
eb_patterns = st.one_of(_patterns(eb_items), st.builds(lambda items: {"a": items},
                                                       st.lists(eb_items, min_size=1, max_size=3)))
event_values = st.recursive(scalars, lambda c: st.lists(c, max_size=3)
                            | st.dictionaries(names, c, max_size=3), max_leaves=12)
events = st.dictionaries(names, event_values, max_size=4)
eb_scalars = st.one_of(scalars, texts, texts, st.sampled_from(ADDRESSES + [
    "010.000.000.001", "10.0.0.128", "0A00::1", "10", "167772161"]),
    st.sampled_from([0, 3, 167772161, 167772415, 4294967295, 4294967296]))
eb_events = st.one_of(st.dictionaries(names, st.recursive(
    eb_scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(names, c, max_size=3),
    max_leaves=12), max_size=4), st.builds(lambda v: {"a": v}, eb_scalars | st.lists(eb_scalars)))


@settings(max_examples=200)
@given(st.lists(_patterns(rum_items), min_size=1, max_size=8), st.lists(events, max_size=6))
@example([{"a": ["x"]}], [{"a": ["x"], "a.b": []}])  # regression: a dotted key merged into a list
@example([{"a": ["x"], "b": ["x"], "a.b": ["x"]}], [{"a": "x", "b": "x", "a.b": "x"}])  # regression:
# the single-pattern walk treated a merged value as "any one part"; the reference sees all parts
def test_patternset_equals_the_loop_rum(pattern_dicts, evs):
    _check(pattern_dicts, evs, "rum")


@settings(max_examples=300)
@given(st.lists(eb_patterns, min_size=1, max_size=12), st.lists(eb_events, max_size=6),
       st.booleans())
def test_patternset_equals_the_loop_eventbridge(pattern_dicts, evs, with_or):
    if with_or and len(pattern_dicts) >= 2:
        pattern_dicts = pattern_dicts[2:] + [{"$or": [pattern_dicts[0], pattern_dicts[1]]}]
    _check(pattern_dicts, evs, "eventbridge")


def _near(item) -> list:
    """Event strings close to a value-list item: its text, extended at either end, in other
    cases, and (for a wildcard) with each * filled in."""
    if not isinstance(item, dict):
        return [item]
    (op, text), = item.items()
    if isinstance(text, dict):
        text = text["equals-ignore-case"]
    if op == "cidr":
        return [text.split("/")[0]]
    if op == "wildcard":
        filled = text.replace("\\\\", "\0").replace("\\*", "\1")
        text = filled.replace("*", "").replace("\0", "\\").replace("\1", "*")
        return [text, filled.replace("*", "xß").replace("\0", "\\").replace("\1", "*")]
    return [text, text + "a", "S" + text, text.upper(), text.lower(), text.swapcase()]


@settings(max_examples=300)
@given(st.lists(st.lists(string_ops, min_size=1, max_size=3), min_size=1, max_size=16),
       st.data())
def test_patternset_equals_the_loop_string_operators(item_lists, data):
    """Dense: many one-field patterns of the indexed operators, events on that field, many of
    them close to the patterns' texts."""
    near = sorted({s for items in item_lists for it in items for s in _near(it)}, key=repr)
    value = st.sampled_from(near) | eb_scalars
    values = data.draw(st.lists(value | st.lists(value, max_size=3), min_size=1, max_size=8))
    _check([{"a": items} for items in item_lists], [{"a": v} for v in values], "eventbridge")


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


def test_bad_arguments_are_rumrules_errors_of_the_python_kind():
    from rumrules import RumRulesError

    for patterns in (None, 5, [1], [("a",)], [([1], '{"a": ["x"]}')]):
        with pytest.raises(RumRulesError) as e:
            PatternSet("rum", patterns)
        assert isinstance(e.value, TypeError)
    ps = PatternSet("rum", [("a", '{"a": ["x"]}')])
    with pytest.raises(KeyError):
        ps.remove("b")
    with pytest.raises(RumRulesError, match="no pattern is named 'b'"):
        ps.remove("b")
    assert [1] not in ps and "a" in ps


def test_changes_cost_the_pattern_not_the_set(monkeypatch):
    """add/remove between matches do not rebuild the whole set: the patterns added form a
    small index (a level) merged with the levels before it while they are not much bigger,
    removed names are filtered, and the levels are rebuilt as one only when half is removed
    (or after many matches without a change).  Every answer equals the loop over the
    patterns; the levels stay O(log n) and each entry is indexed O(log n) times."""
    built = []
    original = _patternset._Level.__init__

    def counting(self, entries, few=False):
        original(self, entries, few)
        if type(self.index) is not _patternset._Few:   # an index was built
            built.append(len(entries))
    monkeypatch.setattr(_patternset._Level, "__init__", counting)
    ps = PatternSet()
    live: dict[str, list] = {}
    for i in range(600):
        text = f'{{"a":["v{i % 7}"],"b":[{{"numeric":[">",{i % 11}]}}]}}'
        ps.add(f"n{i}", text)
        live[f"n{i}"] = [compile_pattern(text)]
        if i % 3 == 0 and i:
            ps.remove(f"n{i - 2}")
            del live[f"n{i - 2}"]
            text = f'{{"a":["v{(i + 1) % 7}"]}}'
            ps.add(f"n{i - 2}", text)   # re-added: now last
            live[f"n{i - 2}"] = [compile_pattern(text)]
        if i % 5 == 0:
            ps.add(f"n{i}", '{"c":[1]}')   # a second pattern under one name: ORed
            live[f"n{i}"].append(compile_pattern('{"c":[1]}'))
        event = {"a": f"v{i % 7}", "b": i % 13, "c": i % 2}
        got = ps.matches(event)
        assert got == [n for n in ps.names if any(p.matches(event) for p in live[n])]
        assert len(ps._levels) <= (len(ps) + 1).bit_length() + 1
    entries = sum(len(v) for v in live.values())
    assert len(ps) == entries and ps.names == list(live)
    assert len(built) > 100                                   # many small levels ...
    assert sum(built) <= entries * (entries.bit_length() + 3)  # ... each entry O(log n) times
    assert max(built) < entries                               # the set was never rebuilt whole
    for name in list(live)[: 2 * len(live) // 3]:              # remove two thirds: rebuilt
        ps.remove(name)
        del live[name]
    built.clear()
    assert ps.matches({"a": "v1", "b": 5}) == [n for n in live if any(
        p.matches({"a": "v1", "b": 5}) for p in live[n])]
    assert built == [sum(len(v) for v in live.values())] and len(ps._levels) == 1


def test_a_set_that_stops_changing_is_matched_through_one_index():
    ps = PatternSet()
    for i in range(40):
        ps.add(f"n{i}", f'{{"a":["v{i % 3}"]}}')
        ps.matches({"a": "v0"})
    assert len(ps._current().indexes) > 1
    expected = [f"n{i}" for i in range(0, 40, 3)]
    for _ in range(_patternset._MIN_READS):
        assert ps.matches('{"a": "v0"}') == expected
    assert len(ps._current().indexes) == 1
    assert ps.matches({"a": "v0"}) == expected
