"""The fast reading of :func:`rumrules.pattern.read_events` and
:meth:`PatternSet.matches_read` answer as :meth:`PatternSet.matches` on the text, or say
that only the exact reading can (``None``)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from rumrules import PatternSet, RumRulesError
from rumrules.pattern import read_events

from .test_dict_and_text import pattern_and_event


@settings(max_examples=300, deadline=None)
@given(pattern_and_event(), st.booleans())
def test_matches_read_answers_as_matches(case, whole):
    pattern, event = case
    try:
        text = json.dumps(event)
    except ValueError:
        return
    ps = PatternSet("eventbridge", [("p", pattern), ("q", '{"zz": [{"exists": false}]}')])
    try:
        expected = ps.matches(text)
    except RumRulesError:
        expected = None
    data = text.encode()
    (doc,) = read_events([data], data if whole else None)
    if doc is None:
        return                       # the caller reads it exactly
    try:
        got = ps.matches_read(doc, False)
    except RumRulesError:
        got = "refused"
    if expected is None:
        assert got in (None, "refused")
    else:
        assert got is None or got == expected


def test_a_changed_set_asks_for_the_text():
    ps = PatternSet("eventbridge", [("a", '{"x": [1]}')])
    assert ps.matches_read({"x": 1}, False) == ["a"]
    ps.add("b", '{"x": [1]}')
    # the set may merge its levels into one index (then it answers) or not (then None: use matches)
    assert ps.matches_read({"x": 1}, False) in (None, ["a", "b"])
    assert ps.matches('{"x": 1}') == ["a", "b"]
    ps.remove("a")
    assert ps.matches_read({"x": 1}, False) in (None, ["b"])  # never the removed name
    assert ps.matches('{"x": 1}') == ["b"]


def test_a_zero_float_asks_for_the_text():
    ps = PatternSet("eventbridge", [("a", '{"x": [0]}')])
    (doc,) = read_events([b'{"x": 1e-400}'])
    assert doc == {"x": 0.0}                                # orjson's reading
    assert ps.matches_read(doc, False) is None              # not the exact one
    assert ps.matches('{"x": 1e-400}') == []
