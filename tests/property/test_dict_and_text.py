"""A dict event and its ``json.dumps`` text always get the same answer (both readers)."""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from rumrules import PatternSet, RumRulesError, compile_pattern
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
