"""Totality: every public function, on arbitrary input, returns or raises RumRulesError —
never anything else.  The same tests are fuzz targets (``.hypothesis.fuzz_one_input``)."""

from __future__ import annotations

import json

from hypothesis import example, given
from hypothesis import strategies as st

import rumrules
from rumrules import RumRulesError
from rumrules import strategies as rst

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
    max_leaves=25)

# definition-shaped noise: the right member names with arbitrary values
definitionish = st.fixed_dictionaries({}, optional={
    "Name": json_values, "Namespace": json_values, "ValueKey": json_values,
    "UnitLabel": json_values, "DimensionKeys": json_values,
    "EventPattern": st.one_of(json_values, st.text(max_size=60),
                              rst.event_patterns(dialect="eventbridge"))})
requestish = st.fixed_dictionaries({}, optional={
    "Id": json_values, "BatchId": json_values, "AppMonitorDetails": json_values,
    "UserDetails": json_values, "RumEvents": st.lists(json_values | st.fixed_dictionaries(
        {}, optional={"id": json_values, "timestamp": json_values, "type": json_values,
                      "details": json_values | st.text(max_size=30),
                      "metadata": json_values}), max_size=3),
    "SessionMetadata": json_values | st.text(max_size=20), "Alias": json_values})


def _total(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except RumRulesError:
        return None


@given(st.one_of(st.text(max_size=80), st.binary(max_size=80), json_values),
       st.sampled_from(["rum", "eventbridge"]))
def test_compile_pattern_is_total(value, dialect):
    _total(rumrules.compile_pattern, value, dialect=dialect)


@given(rst.event_patterns(dialect="eventbridge"), st.one_of(json_values, st.text(max_size=40),
                                                            st.binary(max_size=40)))
def test_matches_and_explain_are_total(text, event):
    p = rumrules.compile_pattern(text, dialect="eventbridge")
    _total(p.matches, event)
    _total(p.explain, event)
    ps = rumrules.PatternSet("eventbridge", [("p", p)])
    _total(ps.matches, event)


@given(st.one_of(json_values, definitionish))
def test_check_definition_is_total(value):
    result = rumrules.check_definition(value)
    assert isinstance(result, list)


@given(st.one_of(json_values, st.lists(definitionish, max_size=3)),
       st.sampled_from(["CloudWatch", "Evidently", "x"]))
@example(None, "CloudWatch")  # regression: raised a bare TypeError
def test_check_definitions_is_total(value, destination):
    _total(rumrules.check_definitions, value, destination=destination)


@given(st.one_of(json_values, st.fixed_dictionaries({}, optional={
    "AppMonitorName": json_values | st.just("app"), "Destination": st.sampled_from(
        ["CloudWatch", "Evidently", 5]), "DestinationArn": json_values,
    "MetricDefinitions": st.lists(definitionish, max_size=3),
    "MetricDefinitionIds": json_values, "MetricDefinitionId": json_values,
    "MetricDefinition": definitionish})))
def test_batch_operations_are_total(request):
    for fn in (rumrules.batch_create, rumrules.update_definition, rumrules.batch_delete):
        _total(fn, request)


@given(st.one_of(json_values, requestish, rst.put_rum_events_requests(max_events=3),
                 st.text(max_size=40), st.binary(max_size=40)))
def test_ingest_is_total(request):
    _total(rumrules.ingest_batch, request, app_monitor_name="MyWebApp")
    if isinstance(request, dict):
        _total(rumrules.ingest, json.dumps(request, default=str), app_monitor_name="MyWebApp")


@given(st.lists(st.one_of(definitionish, rst.metric_definitions()), max_size=3),
       st.one_of(requestish, rst.put_rum_events_requests(max_events=3)))
def test_engine_is_total(definitions, request):
    engine = _total(rumrules.MetricEngine, definitions, app_monitor_name="MyWebApp")
    if engine is not None:
        _total(engine.process, request)


def test_fuzz_targets_take_raw_bytes():
    """Each test above can be driven by an external fuzzer through fuzz_one_input."""
    targets = [test_compile_pattern_is_total, test_check_definition_is_total,
               test_ingest_is_total, test_engine_is_total, test_batch_operations_are_total]
    for target in targets:
        for blob in (b"", b"\x00" * 64, bytes(range(256)), b"rumrules" * 40):
            target.hypothesis.fuzz_one_input(blob)
