"""rumrules.strategies: what each strategy promises holds, and we fuzz ourselves with them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rumrules import (DefinitionError, EventPattern, MetricEngine, PatternSet, Severity,
                      check_definition, check_definitions, compile_pattern, ingest, ingest_batch)
from rumrules import strategies as rst


@given(rst.event_patterns(dialect="rum"))
def test_event_patterns_are_valid_rum(text):
    assert compile_pattern(text, dialect="rum")


@given(rst.event_patterns(dialect="eventbridge"))
def test_event_patterns_are_valid_eventbridge(text):
    assert compile_pattern(text, dialect="eventbridge")


@given(st.data(), rst.event_patterns(dialect="eventbridge"))
def test_events_matching_always_match(data, text):
    p = compile_pattern(text, dialect="eventbridge")
    doc = data.draw(rst.events(matching=p))
    assert p.matches(doc) and p.matches(json.dumps(doc))


@given(st.data(), rst.event_patterns(dialect="rum"))
def test_events_not_matching_never_match(data, text):
    p = compile_pattern(text)
    doc = data.draw(rst.events(not_matching=text))
    assert not p.matches(doc)


def _errors(d):
    return {x.code for x in check_definition(d) if x.severity == Severity.ERROR}


@given(rst.metric_definitions())
def test_valid_definitions_get_no_error(d):
    assert _errors(d) == set(), check_definition(d)


@given(rst.metric_definitions(valid=False))
def test_invalid_definitions_break_exactly_one_rule(d):
    assert len(_errors(d)) == 1, check_definition(d)


@given(rst.put_rum_events_requests())
def test_requests_are_accepted_whole(request):
    result = ingest_batch(request, app_monitor_name="MyWebApp")
    assert len(result.documents) == len(request["RumEvents"]) and not result.dropped_events


@settings(max_examples=40)
@given(st.lists(rst.metric_definitions(), min_size=1, max_size=6), rst.put_rum_events_requests())
def test_ingest_then_engine_invariants(definitions, request):
    names = [d["Name"] for d in definitions]
    if any(x.severity is Severity.ERROR for x in check_definitions(definitions)):
        # valid one by one, not together (copies of one definition): the engine refuses them
        with pytest.raises(DefinitionError):
            MetricEngine(definitions, app_monitor_name="MyWebApp")
        return
    engine = MetricEngine(definitions, app_monitor_name="MyWebApp")
    docs = ingest(request, app_monitor_name="MyWebApp")
    result = engine.process_batch(request)
    assert len(result.data) + result.skipped <= len(docs) * len(definitions)
    patterns = [compile_pattern(d["EventPattern"], dialect="eventbridge")
                if d.get("EventPattern") else None for d in definitions]
    expected = sum(1 for doc in docs for p in patterns if p is None or p.matches(doc))
    assert len(result.data) + result.skipped == expected
    for datum in result.data:
        d = definitions[datum.definition]
        assert datum.name == names[datum.definition]
        assert datum.namespace == ("AWS/RUM" if d.get("Namespace") in (None, "AWS/RUM")
                                   else "RUM/CustomMetrics/" + d["Namespace"])
        assert datum.dimensions["application_name"] == "MyWebApp"
        assert set(datum.dimensions) - {"application_name"} <= set(
            (d.get("DimensionKeys") or {}).values())
        assert datum.value == 1.0 or d.get("ValueKey")


@given(st.from_type(EventPattern), st.from_type(PatternSet))
def test_types_are_registered(pattern, patternset):
    assert isinstance(pattern, EventPattern) and isinstance(patternset, PatternSet)


def test_importing_strategies_without_hypothesis_says_so(tmp_path):
    (tmp_path / "hypothesis.py").write_text("raise ImportError('no hypothesis here')\n")
    code = ("import sys; sys.path.insert(0, %r)\n"
            "try:\n    import rumrules.strategies\nexcept ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code % str(tmp_path)], capture_output=True,
                         text=True)
    assert "pip install 'rumrules[strategies]'" in out.stdout


def test_arguments_are_keyword_only():
    import inspect

    for fn in (rst.event_patterns, rst.events, rst.metric_definitions,
               rst.put_rum_events_requests):
        params = inspect.signature(fn).parameters.values()
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params), fn
