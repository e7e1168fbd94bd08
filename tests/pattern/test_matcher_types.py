"""Each matcher type, on its own: its test, its filing in the index, its hits and misses,
its explain text and its dialect (one parametrized case per operator form)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rumrules.errors import PatternError
from rumrules.pattern import (ABSENT, MATCHER_TYPES, Exact, Matcher, MatcherKind, Numeric,
                              compile_pattern)
from rumrules.pattern._index import Group
from rumrules.pattern._matchers import REFUSALS, show_value

# (value list item, matcher type, where Group files it)
FORMS = [
    ('"Chrome"', Exact, "strings"),
    ('"10.0.0.1"', Exact, "ips"),
    ("5", Exact, "numbers"),
    ("-0.5e1", Exact, "numbers"),
    ("9007199254740993", Exact, "texts"),
    ("true", Exact, "trues"),
    ("false", Exact, "falses"),
    ("null", Exact, "nulls"),
    ('{"numeric": [">", 0, "<=", 10]}', Numeric, "ranges"),
    ('{"numeric": ["=", 3]}', Numeric, "ranges"),
    ('{"numeric": ["<", -1e300]}', Numeric, "ranges"),
    ('{"prefix": "ab"}', MATCHER_TYPES[MatcherKind.PREFIX], "prefixes"),
    ('{"prefix": {"equals-ignore-case": "Ab"}}', MATCHER_TYPES[MatcherKind.PREFIX],
     "fprefixes"),
    ('{"suffix": ".png"}', MATCHER_TYPES[MatcherKind.SUFFIX], "suffixes"),
    ('{"suffix": {"equals-ignore-case": "X"}}', MATCHER_TYPES[MatcherKind.SUFFIX],
     "fsuffixes"),
    ('{"equals-ignore-case": "Straße"}', MATCHER_TYPES[MatcherKind.EQUALS_IGNORE_CASE],
     "folded"),
    ('{"exactly": "10.0.0.1"}', MATCHER_TYPES[MatcherKind.EXACTLY], "strings"),
    ('{"wildcard": "ab"}', MATCHER_TYPES[MatcherKind.WILDCARD], "strings"),
    ('{"wildcard": "ab*"}', MATCHER_TYPES[MatcherKind.WILDCARD], "prefixes"),
    ('{"wildcard": "*.png"}', MATCHER_TYPES[MatcherKind.WILDCARD], "suffixes"),
    ('{"wildcard": "x*y*zz"}', MATCHER_TYPES[MatcherKind.WILDCARD], "suffixes"),
    ('{"wildcard": "*a*"}', MATCHER_TYPES[MatcherKind.WILDCARD], "others"),
    ('{"cidr": "10.0.0.0/8"}', MATCHER_TYPES[MatcherKind.CIDR], "cidrs"),
    ('{"cidr": "2001:db8::/33"}', MATCHER_TYPES[MatcherKind.CIDR], "cidrs"),
    ('{"anything-but": ["x", "y"]}', MATCHER_TYPES[MatcherKind.ANYTHING_BUT], "others"),
    ('{"anything-but": [1, 2]}', MATCHER_TYPES[MatcherKind.ANYTHING_BUT], "others"),
    ('{"anything-but": {"prefix": "q"}}', MATCHER_TYPES[MatcherKind.ANYTHING_BUT], "others"),
    ('{"anything-but": {"suffix": "q"}}', MATCHER_TYPES[MatcherKind.ANYTHING_BUT], "others"),
    ('{"anything-but": {"equals-ignore-case": ["Q"]}}',
     MATCHER_TYPES[MatcherKind.ANYTHING_BUT], "others"),
    ('{"anything-but": {"wildcard": "q*"}}', MATCHER_TYPES[MatcherKind.ANYTHING_BUT],
     "others"),
    ('{"exists": true}', MATCHER_TYPES[MatcherKind.EXISTS], "others"),
    ('{"exists": false}', MATCHER_TYPES[MatcherKind.EXISTS], "absent"),
]
IDS = [item for item, _, _ in FORMS]


def _pattern(item: str):
    return compile_pattern('{"a": [%s]}' % item, "eventbridge")


def _matcher(item: str) -> Matcher:
    (cond,) = _pattern(item).conditions
    (m,) = cond.matchers
    return m


def _event(v):
    return {} if v is ABSENT else {"a": v}


def _checked(m: Matcher) -> tuple[list, list]:
    """The matcher's hits that it accepts and its misses that it refuses."""
    return ([v for v in m.hits() if m.accepts(v)], [v for v in m.misses() if not m.accepts(v)])


def test_every_kind_has_one_type_and_is_exercised_here():
    assert set(MATCHER_TYPES) == set(MatcherKind)
    for kind, cls in MATCHER_TYPES.items():
        assert issubclass(cls, Matcher) and cls.kind is kind
    assert {cls for _, cls, _ in FORMS} == set(MATCHER_TYPES.values())


@pytest.mark.parametrize("item,cls,slot", FORMS, ids=IDS)
def test_compiles_to_its_type_and_its_dialect(item, cls, slot):
    m = _matcher(item)
    assert type(m) is cls and m.kind is cls.kind
    # in_rum says whether the rum dialect has the operator
    try:
        compile_pattern('{"a": [%s]}' % item, "rum")
    except PatternError:
        in_rum = False
    else:
        in_rum = True
    assert m.in_rum is in_rum
    assert cls.in_rum is (cls in (Exact, Numeric))


@pytest.mark.parametrize("item,cls,slot", FORMS, ids=IDS)
def test_hits_are_hits_and_misses_are_misses(item, cls, slot):
    """The matcher's own values: some hits it accepts and some misses it refuses, and on
    every one of them the one walk (``EventPattern.matches``) answers as ``accepts``."""
    m = _matcher(item)
    p = _pattern(item)
    hits, misses = _checked(m)
    assert hits and misses
    for v in m.hits() + m.misses():
        assert p.matches(_event(v)) is m.accepts(v), v


@pytest.mark.parametrize("item,cls,slot", FORMS, ids=IDS)
def test_its_filing(item, cls, slot):
    """``file`` puts the edge where the type says, and the group's lookup then finds it for
    exactly the present values the matcher accepts."""
    m = _matcher(item)
    group = Group("a", ("a",))
    node = object()
    m.file(group, node)
    filled = {name for name in ("strings", "numbers", "texts", "trues", "falses", "nulls",
                                "ips", "ranges", "others", "absent", "folded", "cidrs")
              if getattr(group, name)}
    filled |= {name for name in ("prefixes", "suffixes", "fprefixes", "fsuffixes")
               if getattr(group, name).keys}
    assert filled == {slot}
    group.finish()
    for v in m.hits() + m.misses():
        if v is ABSENT:
            assert (node in group.absent) is m.accepts_absence
        else:
            assert (node in group.targets(v)) is m.accepts(v), v


@pytest.mark.parametrize("item,cls,slot", FORMS, ids=IDS)
def test_edge_key(item, cls, slot):
    """The same matcher written elsewhere (another position) shares the edge; the other
    forms here do not."""
    m = _matcher(item)
    again = compile_pattern('{\n "b": [1], "a":\n [%s]}' % item, "eventbridge")
    (twin,) = [c for c in again.conditions if c.path == "a"][0].matchers
    assert (twin.line, twin.column) != (m.line, m.column)
    assert twin.edge_key() == m.edge_key()
    others = [_matcher(other).edge_key() for other, _, _ in FORMS if other != item]
    assert m.edge_key() not in others


@pytest.mark.parametrize("item,cls,slot", FORMS, ids=IDS)
def test_explain_text(item, cls, slot):
    """explain says what the matcher says: ``describe()`` as the expectation, and for a
    refused value its ``refusal`` as the kind and its ``why_not`` (or the plain sentence)
    as the reason."""
    m = _matcher(item)
    p = _pattern(item)
    hits, misses = _checked(m)
    for v in hits:
        result = p.explain(_event(v)).conditions[0]
        assert result.matched and result.expected == m.describe()
    for v in misses:
        x = p.explain(_event(v))
        (result,) = x.conditions
        assert not result.matched and result.expected == m.describe()
        if v is ABSENT:
            assert result.kind == "missing"
            continue
        kind = m.refusal(v)
        assert kind in REFUSALS and result.kind == kind
        if kind == "present":
            want = f"{show_value(v)} is present, but the pattern wants the field absent"
        elif m.why_not(v) is not None:
            want = m.why_not(v)
        elif kind == "excluded":
            want = f"{show_value(v)} is excluded by {m.describe()}"
        else:
            want = f"{show_value(v)} is not {m.describe()}"
        assert result.reason == want


@pytest.mark.parametrize("item,value,reason", [
    ('{"numeric": [">", 0]}', "x", '"x" is a string; numeric matchers only accept JSON numbers'),
    ('{"numeric": [">", 0]}', True, "true is a boolean; numeric matchers only accept JSON numbers"),
    ('{"numeric": [">", 0]}', None, "null is not a number; numeric matchers only accept JSON numbers"),
    ('{"numeric": [">", 0]}', math.inf, "a number too large for a double: it never satisfies a numeric matcher"),
    ('{"numeric": [">", 0]}', -1, "-1 is not > 0"),
    ("5", "5", '"5" is a string; the pattern wants a number (strings never equal numbers)'),
    ("5", False, "false is a boolean; booleans never equal numbers"),
    ('"5"', 5, "5 is a number; the pattern wants a string (numbers never equal strings)"),
    ('{"anything-but": ["x"]}', "x", '"x" is excluded by anything but "x"'),
    ('{"cidr": "10.0.0.0/8"}', "11.0.0.1", '"11.0.0.1" is not an address in 10.0.0.0/8'),
    ('{"exists": false}', 0, "0 is present, but the pattern wants the field absent"),
    ('{"prefix": "ab"}', 7, '7 is not prefix "ab"'),
])
def test_why_not_sentences(item, value, reason):
    p = _pattern(item)
    assert p.explain({"a": value}).conditions[0].reason == reason


@pytest.mark.parametrize("item", [item for item, cls, _ in FORMS
                                  if cls.kind is not MatcherKind.ANYTHING_BUT])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_hit_strategy_draws_hits(item, data):
    """What ``hit_strategy`` draws, the matcher accepts (anything-but aside: its strategy
    draws values near its list, which the caller checks) and the walk agrees."""
    m = _matcher(item)
    strategy = m.hit_strategy(st)
    if strategy is None:   # no further values than hits() (see the test below)
        return
    v = data.draw(strategy)
    assert m.accepts(v)
    assert _pattern(item).matches(_event(v))


def test_which_types_draw_further_hits():
    """Types with a range of hits draw from it; a type of single values has only hits()
    (a numeric bound that is subnormal once made inclusive has none either)."""
    drawing = {type(m) for m in map(_matcher, IDS) if m.hit_strategy(st) is not None}
    assert drawing == {MATCHER_TYPES[k] for k in (
        MatcherKind.NUMERIC, MatcherKind.PREFIX, MatcherKind.SUFFIX,
        MatcherKind.EQUALS_IGNORE_CASE, MatcherKind.WILDCARD, MatcherKind.CIDR,
        MatcherKind.ANYTHING_BUT)}
    assert _matcher('{"numeric": [">", 0]}').hit_strategy(st) is None
    assert _matcher('{"numeric": [">=", 0]}').hit_strategy(st) is not None


@pytest.mark.parametrize("item,cls,slot", FORMS, ids=IDS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_miss_strategy_agrees_with_the_walk(item, cls, slot, data):
    m = _matcher(item)
    strategy = m.miss_strategy(st)
    assert strategy is not None
    v = data.draw(strategy)
    assert _pattern(item).matches(_event(v)) is m.accepts(v)
