"""Properties of the pattern language: totality, and the grammar is exactly strict JSON."""

from __future__ import annotations

import json

from hypothesis import assume, example, given
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark

from rumrules import EventPattern, PatternError, RumRulesError, compile_pattern
from rumrules.pattern import parse_json
from rumrules.pattern._numbers import comparable

_GRAMMAR = Lark.open_from_package("rumrules.grammar", "event_pattern.lark", ("",),
                                  parser="lalr", lexer="basic")

json_scalars = (st.none() | st.booleans() | st.integers(-(2 ** 70), 2 ** 70)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8))
json_values = st.recursive(json_scalars, lambda c: st.lists(c, max_size=4)
                           | st.dictionaries(st.text(max_size=5), c, max_size=4), max_leaves=20)

# pattern-ish text: JSON made of pattern pieces, mutated by hand-written damage
keys = st.sampled_from(["a", "b", "a.b", "", "event_type", "numeric", "prefix", "$or",
                        "anything-but", "exists", "cidr", "wildcard"])
operands = st.sampled_from(["=", "<", "<=", ">", ">=", "=>", "!=", 5, "5", None, 1e308, -0.0,
                            [], {}, True])
leaf_items = (json_scalars | st.lists(operands, max_size=5).map(lambda l: {"numeric": l})
              | st.builds(lambda k, v: {k: v}, keys, json_scalars | st.lists(json_scalars,
                                                                             max_size=3)))
patternish = st.recursive(st.lists(leaf_items, max_size=3),
                          lambda c: st.dictionaries(keys, c, max_size=3), max_leaves=10)


def _total(text, dialect):
    try:
        result = compile_pattern(text, dialect=dialect)
    except PatternError as e:
        assert e.message and e.line >= 1 and e.column >= 1
        return None
    assert isinstance(result, EventPattern)
    return result


@given(st.text(max_size=200), st.sampled_from(["rum", "eventbridge"]))
def test_any_text_gives_a_pattern_or_a_pattern_error(text, dialect):
    _total(text, dialect)


@given(patternish, st.sampled_from(["rum", "eventbridge"]), st.sampled_from([None, 1, 2]),
       json_values)
def test_pattern_shaped_text_is_total_and_matching_is_total(value, dialect, indent, event):
    p = _total(json.dumps(value, indent=indent), dialect)
    if p is not None:
        doc = {"a": event, "b": {"a": event}, "event_type": event}
        assert p.matches(doc) in (True, False)
        assert bool(p.explain(doc)) is p.matches(doc)
        assert p.matches(json.dumps(doc)) is p.matches(json.loads(json.dumps(doc)))


@given(from_lark(_GRAMMAR))
def test_text_from_the_grammar_is_json_and_compiles_or_errors(text):
    json.loads(text)  # the grammar produces only what json.loads accepts
    _total(text, "eventbridge")


@given(json_values, st.sampled_from([None, 0, 2]), st.booleans())
def test_grammar_accepts_what_json_loads_accepts(value, indent, ascii_only):
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    parse_json(text)


def _strict_json(text: str) -> bool:
    def refuse(name):
        raise ValueError(name)
    try:
        json.loads(text, parse_constant=refuse)
    except (ValueError, RecursionError):
        return False
    return True


_noise = st.text(alphabet='{}[]:,"\\ \t\n0123456789.eE+-truefalsn\'xNaI', max_size=40)


@given(_noise | st.text(max_size=40))
def test_grammar_accepts_exactly_strict_json(text):
    try:
        parse_json(text)
        accepted = True
    except PatternError:
        accepted = False
    assert accepted == _strict_json(text)


@given(st.floats(allow_nan=False, allow_infinity=False), st.floats(allow_nan=False,
                                                                   allow_infinity=False))
@example(bound=0.0, value=5e-324)
def test_numeric_range_agrees_with_float_comparison(bound, value):
    try:
        p = compile_pattern(json.dumps({"x": [{"numeric": [">=", bound]}]}))
    except PatternError as e:  # e.g. 5e-324, which Java prints as 4.9E-324
        assert comparable(json.dumps(bound)) is None and "Cannot compare" in e.message
        return
    text = json.dumps({"x": value})
    as_text = value >= bound and comparable(json.dumps(value)) is not None
    assert p.matches(text) is as_text
    # a float in a dict answers as its json.dumps text (a subnormal such as 5e-324, which
    # Java prints as 4.9E-324, is not comparable there either)
    assert p.matches({"x": value}) is as_text


@given(st.integers(-(2 ** 64), 2 ** 64))
def test_integers_equal_their_float_spelling_only_when_they_round_trip(n):
    """An integer literal is a number when Java's shortest double text gives it back
    (50326538850080768 does not: it prints as 5.032653885008077E16); else it is text."""
    p = compile_pattern(json.dumps({"x": [n]}))
    round_trips = comparable(str(n)) is not None
    assert p.matches(json.dumps({"x": n}))
    assert p.matches(json.dumps({"x": float(n)})) is round_trips
    if round_trips:
        assert float(n) == n


@given(json_values)
def test_events_that_are_not_objects_raise(value):
    assume(not isinstance(value, dict))
    p = compile_pattern('{"a":["x"]}')
    try:
        p.matches(json.dumps(value))
    except RumRulesError:
        return
    raise AssertionError("a non-object event must raise")


# ---------------------------------------------------------------- dotted keys that merge

def _by_trails(conditions, doc) -> bool:
    """The general search the matcher once used for merged values (the oracle): one value
    per condition, satisfying it, with array trails that agree on every shared array."""
    from rumrules.pattern._events import combine_trails, path_values
    from rumrules.pattern._matchers import Leaf

    choices = []
    for cond in conditions:
        leaf = Leaf(cond.matchers)
        values = path_values(doc, cond.segments)
        if not values:
            if leaf.absent_ok:
                continue
            return False
        trails = list(dict.fromkeys(t for v, t in values if leaf.test(v)))
        if not trails:
            return False
        choices.append(trails)
    stack = [(0, ())]
    while stack:
        i, chosen = stack.pop()
        if i == len(choices):
            return True
        for trail in choices[i]:
            combined = combine_trails(chosen, trail)
            if combined is not None:
                stack.append((i + 1, combined))
    return False


_merge_names = st.sampled_from(["a", "a.b", "b", "a.b.c", "b.c", "c"])
_merge_scalars = st.sampled_from(["x", "y", 1, 2, True, None])
_merge_leaf = st.lists(_merge_scalars | st.sampled_from(
    [{"exists": True}, {"exists": False}, {"anything-but": "x"}, {"prefix": "x"}]),
    min_size=1, max_size=2)
_merge_patterns = st.recursive(
    st.dictionaries(_merge_names, _merge_leaf, min_size=1, max_size=3),
    lambda c: st.dictionaries(_merge_names, c | _merge_leaf, min_size=1, max_size=3),
    max_leaves=6)
_merge_values = st.recursive(_merge_scalars, lambda c: st.lists(c, max_size=3)
                             | st.dictionaries(_merge_names, c, max_size=3), max_leaves=14)


@given(_merge_patterns, st.dictionaries(_merge_names, _merge_values, max_size=4))
def test_merged_values_match_as_the_general_search_says(pattern, event):
    """Events whose dotted keys merge values at one path: the trie walk (linear) agrees with
    the search over every combination of values and array trails (exponential)."""
    try:
        p = compile_pattern(json.dumps(pattern), dialect="eventbridge")
    except PatternError:
        return
    assert p.matches(event) is any(_by_trails(alt, event) for alt in p.alternatives)


@given(st.lists(st.sampled_from(["a", "b", "*", "\\*", "\\\\", "ab", "ba"]), max_size=7),
       st.text(alphabet="ab*\\", max_size=30))
def test_wildcard_agrees_with_a_regular_expression(parts, value):
    import re

    text = "".join(parts)
    try:
        p = compile_pattern(json.dumps({"f": [{"wildcard": text}]}), dialect="eventbridge")
    except PatternError as e:
        assert e.message.startswith(("Consecutive wildcard", "Rule is too complex"))
        return
    regex = re.sub(r"\\(.)|(\*)|(.)",
                   lambda m: ".*" if m.group(2) else re.escape(m.group(1) or m.group(3)),
                   text)
    assert p.matches({"f": value}) is (re.fullmatch(regex, value, re.DOTALL) is not None)
