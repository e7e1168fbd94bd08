"""A dict event and its ``json.dumps`` text always get the same answer (both readers)."""

from __future__ import annotations

import json

from hypothesis import example, given, reject, settings
from hypothesis import strategies as st

from rumrules import PatternError, PatternSet, RumRulesError, compile_pattern
from rumrules import strategies as rst
from rumrules.pattern._events import use_fast_parser

numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),              # subnormals included
    st.floats(min_value=-1e-300, max_value=1e-300, allow_nan=False),
    st.integers(-(2 ** 80), 2 ** 80),
    st.integers(-(10 ** 999), 10 ** 999),                          # up to Jackson's limit
    st.sampled_from([-5e-324, 5e-324, -0.0, 2 ** 53 + 1, -(2 ** 63), 1.7976931348623157e308,
                     2.2250738585072014e-308, 46775328864789648, 0.1, -1.5]))
values = st.one_of(numbers, st.text(max_size=5), st.booleans(), st.none(),
                   st.lists(numbers, max_size=3))


@st.composite
def pattern_and_event(draw):
    text = draw(rst.event_patterns(dialect=draw(st.sampled_from(["rum", "eventbridge"]))))
    pattern = compile_pattern(text, dialect="eventbridge")
    event: dict = {}
    for cond in pattern.conditions:
        if draw(st.booleans()):
            event[cond.path] = draw(values)       # a dotted key names the path
        else:
            node = event
            for seg in cond.segments[:-1]:
                nxt = node.setdefault(seg, {})
                node = nxt if isinstance(nxt, dict) else {}
            node[cond.segments[-1]] = draw(values)
    return pattern, event


@settings(max_examples=300, deadline=None)
@given(pattern_and_event(), st.booleans())
@example((compile_pattern('{"a":[{"numeric":["<",0]}]}'), {"a": -5e-324}), True)
@example((compile_pattern('{"a":[{"numeric":["<",0]}]}'), {"a": -5e-324}), False)
@example((compile_pattern('{"a":[4.9e-324]}', dialect="eventbridge"), {"a": 5e-324}), True)
def test_dict_events_answer_as_their_text(case, fast):
    pattern, event = case
    try:
        text = json.dumps(event)
    except ValueError:   # an integer past Python's int/str limit: no text to compare with
        return
    previous = use_fast_parser(fast)
    try:
        answers = []
        for e in (event, text):
            try:
                answers.append((pattern.matches(e),
                                PatternSet("eventbridge", [("p", pattern)]).matches(e)))
            except RumRulesError:
                answers.append("refused")
        assert answers[0] == answers[1], text[:300]
    finally:
        use_fast_parser(previous)


limits = st.sampled_from([0, -0.0, 5e-324, -5e-324, 4.9e-324, 1e-323, -1e-323,
                          2.2250738585072014e-308, -2.2250738585072014e-308,
                          2.225073858507201e-308, 1.7976931348623157e308,
                          -1.7976931348623157e308, 5e9, -5e9, 2 ** 53, -(2 ** 53), 2 ** 53 + 1,
                          -(2 ** 53 + 1), 2 ** 63, -(2 ** 63) - 1, 2 ** 64, 10 ** 20,
                          -(10 ** 20), 0.1, -0.1, 1e-7, -1e-7])
near = st.one_of(limits, numbers, limits.map(lambda v: -v),
                 limits.filter(lambda v: isinstance(v, float) and abs(v) < 1e308).map(
                     lambda v: v * (1 + 2e-16)))   # the next double or so


@st.composite
def number_pattern(draw):
    bound = draw(st.sampled_from([0, -0.0, 1, -1, 0.1, -0.1, 1e-7, -1e-7, 5e9, -5e9]))
    kind = draw(st.sampled_from(["numeric", "exact", "anything-but"]))
    if kind == "numeric":
        op = draw(st.sampled_from(["<", "<=", "=", ">=", ">"]))
        item = {"numeric": [op, bound]}
    elif kind == "exact":
        item = draw(limits)
    else:
        item = {"anything-but": [bound]}
    try:
        return compile_pattern(json.dumps({"a": [item]}), dialect="eventbridge")
    except PatternError:   # a number no pattern may hold (the reference refuses it too)
        reject()


@settings(max_examples=400, deadline=None)
@given(number_pattern(), st.one_of(near, st.lists(near, min_size=1, max_size=3)),
       st.booleans(), st.booleans())
@example(compile_pattern('{"a":[{"numeric":["<",0]}]}'), -5e-324, True, False)
@example(compile_pattern('{"a":[{"numeric":[">",0]}]}'), 5e-324, False, True)
@example(compile_pattern('{"a":[{"numeric":["<",0]}]}'), -(2 ** 63) - 1, True, True)
def test_numbers_near_the_limits_answer_as_their_text(pattern, value, nested, fast):
    """Subnormals, the largest doubles, integers past 2^53 and 2^64, negative or not: a dict
    event answers as its ``json.dumps`` text, through EventPattern and PatternSet, both
    readers, at the top and one object down."""
    event = {"x": {"a": value}} if nested else {"a": value}
    if nested:
        pattern = compile_pattern(pattern.text.replace('{"a"', '{"x":{"a"', 1) + "}",
                                  dialect="eventbridge")
    text = json.dumps(event)
    previous = use_fast_parser(fast)
    try:
        answers = []
        for e in (event, text, text.encode()):
            try:
                answers.append((pattern.matches(e),
                                PatternSet("eventbridge", [("p", pattern)]).matches(e)))
            except RumRulesError:
                answers.append("refused")
        assert answers[0] == answers[1] == answers[2], (pattern.text, text)
        assert answers[0] == "refused" or answers[0][0] == bool(answers[0][1])
    finally:
        use_fast_parser(previous)
