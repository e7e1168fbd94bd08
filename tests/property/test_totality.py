"""Totality: every public name of rumrules, on arbitrary input, returns or raises RumRulesError —
never anything else.  One exception: an argument of the wrong Python *type* given by the
programmer (not data: events, requests and definitions are data) may raise ``TypeError`` when
the docstring of what was called says so.  The same tests are fuzz targets
(``.hypothesis.fuzz_one_input``).

:data:`COVERED` maps each name of ``rumrules.__all__`` to the tests that fuzz it (or to the
reason it takes no input); a new public name without an entry fails
:func:`test_every_public_name_is_covered`.
"""

from __future__ import annotations

import inspect
import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import rumrules
from rumrules import (MetricDatum, MetricDestination, MetricEngine, PatternSet, RumRulesError,
                      StatisticSet)
from rumrules import strategies as rst

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
    max_leaves=25)
#: what a programmer may pass by mistake: any JSON value, and objects of other types
anything = st.one_of(json_values, st.binary(max_size=10), st.tuples(json_values),
                     st.sets(st.integers(), max_size=3), st.just(object()), st.just(len),
                     st.frozensets(st.text(max_size=3), max_size=2))

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
definitions = st.one_of(json_values, st.lists(st.one_of(definitionish, rst.metric_definitions()),
                                              max_size=3))
events = st.one_of(json_values, st.text(max_size=40), st.binary(max_size=40), rst.events())


def _documents_type_error(fn) -> bool:
    """Does the docstring of ``fn`` (or of its class and ``__init__``) say ``TypeError``?"""
    docs = [inspect.getdoc(fn) or ""]
    if inspect.isclass(fn):
        docs.append(inspect.getdoc(fn.__init__) or "")
    return any("TypeError" in d for d in docs)


def _total(fn, *args, type_errors: bool = False, **kwargs):
    """Call ``fn``; a RumRulesError is an answer, anything else a failure — except a
    TypeError when ``type_errors`` (the call may hold a programmer argument of the wrong
    type) and ``fn``'s docstring documents it."""
    try:
        return fn(*args, **kwargs)
    except RumRulesError:
        return None
    except TypeError:
        if type_errors and _documents_type_error(fn):
            return None
        raise


# --------------------------------------------------------------------------- patterns

@given(st.one_of(st.text(max_size=80), st.binary(max_size=80), json_values, anything),
       st.one_of(st.sampled_from(["rum", "eventbridge"]), anything))
def test_compile_pattern_is_total(value, dialect):
    _total(rumrules.compile_pattern, value, dialect=dialect)


@given(rst.event_patterns(dialect="eventbridge"), events, st.booleans())
def test_matches_and_explain_are_total(text, event, purge):
    if purge:
        rumrules.purge()
    p = rumrules.compile_pattern(text, dialect="eventbridge")
    _total(p.matches, event)
    explanation = _total(p.explain, event)
    if explanation is not None:
        assert isinstance(explanation, rumrules.Explanation)
        str(explanation)
        json.dumps(explanation.to_dict(), default=str)


@given(st.one_of(st.sampled_from(["rum", "eventbridge"]), anything),
       st.one_of(st.lists(st.tuples(st.text(max_size=3), rst.event_patterns(dialect="rum"))),
                 anything, st.lists(anything, max_size=2)))
@example("rum", None)  # regression: TypeError (None is not iterable)
@example("rum", [1])   # regression: TypeError (cannot unpack)
def test_patternset_constructor_is_total(dialect, patterns):
    _total(PatternSet, dialect, patterns)


@given(st.lists(st.tuples(st.one_of(st.text(max_size=3), anything),
                          st.one_of(rst.event_patterns(dialect="eventbridge"), anything,
                                    st.from_type(rumrules.EventPattern))), max_size=4),
       st.lists(st.one_of(st.text(max_size=3), anything), max_size=3), events)
@example([([1], '{"a": ["x"]}')], [], {})  # regression: TypeError (unhashable name)
@example([], [None], {})                    # regression: KeyError (unknown name)
def test_patternset_methods_are_total(adds, removes, event):
    ps = PatternSet("eventbridge")
    for name, pattern in adds:
        _total(ps.add, name, pattern)
    for name in removes:
        _total(ps.remove, name)
        name in ps  # noqa: B015 - membership of anything is an answer
    _total(ps.matches, event)
    assert isinstance(ps.names, list) and len(ps) >= 0


# ------------------------------------------------------------------------------ rules

@given(st.one_of(json_values, definitionish))
def test_check_definition_is_total(value):
    result = rumrules.check_definition(value)
    assert isinstance(result, list)


@given(definitions, st.sampled_from(["CloudWatch", "Evidently", "x"]), json_values)
@example(None, "CloudWatch", None)  # regression: raised a bare TypeError
def test_check_definitions_is_total(value, destination, arn):
    _total(rumrules.check_definitions, value, destination=destination, destination_arn=arn)


api_requests = st.one_of(json_values, st.fixed_dictionaries({}, optional={
    "AppMonitorName": json_values | st.just("app"), "Destination": st.sampled_from(
        ["CloudWatch", "Evidently", 5]), "DestinationArn": json_values,
    "MetricDefinitions": st.lists(st.one_of(definitionish, rst.metric_definitions()),
                                  max_size=3),
    "MetricDefinitionIds": json_values | st.lists(st.text(max_size=40), max_size=3),
    "MetricDefinitionId": json_values, "MetricDefinition": definitionish}))


@st.composite
def destinations(draw):
    """None, or a destination holding a few definitions, or (a programmer's mistake)
    something else."""
    kind = draw(st.sampled_from(["none", "state", "other"]))
    if kind == "none":
        return None
    if kind == "other":
        return draw(anything)
    state = MetricDestination("CloudWatch", app_monitor_name="app", deterministic_ids=True,
                              capacity=draw(st.integers(0, 3)))
    rumrules.batch_create({"AppMonitorName": "app", "Destination": "CloudWatch",
                           "MetricDefinitions": draw(st.lists(rst.metric_definitions(),
                                                              min_size=1, max_size=3))}, state)
    return state


@given(st.lists(api_requests, min_size=1, max_size=3), destinations())
def test_batch_operations_are_total(requests, state):
    for request in requests:
        for fn in (rumrules.batch_create, rumrules.update_definition, rumrules.batch_delete):
            _total(fn, request, state, type_errors=True)
            _total(fn, request, destination_state=state, type_errors=True)


@given(st.one_of(st.sampled_from(["CloudWatch", "Evidently"]), anything), anything,
       st.one_of(st.text(max_size=5), anything), st.one_of(st.integers(-2, 2001), anything))
@example("CloudWatch", None, None, None)  # regression: capacity None broke add (TypeError)
def test_metric_destination_constructor_is_total(destination, arn, name, capacity):
    state = _total(MetricDestination, destination, arn, app_monitor_name=name,
                   capacity=capacity, type_errors=True)
    if state is not None:
        repr(state)
        _total(state.add, {"Name": "x"})


@given(st.lists(st.one_of(definitionish, rst.metric_definitions(), anything), max_size=4),
       st.lists(st.one_of(anything, st.text(max_size=36)), max_size=4))
@example([None], [])                      # regression: AttributeError in canonical
@example([{"DimensionKeys": {1: "a", "b": "c"}}], [])  # keys that do not sort: TypeError
@example([], [[1]])                       # regression: TypeError (unhashable id)
def test_metric_destination_methods_are_total(stored, ids):
    state = MetricDestination(capacity=3)
    created = [x for x in (_total(state.add, d) for d in stored) if x is not None]
    for d in stored:
        _total(state.find, d)
    for i in ids + created:
        _total(state.get, i)
        i in state  # noqa: B015 - membership of anything is an answer
        for d in stored[:2]:
            _total(state.replace, i, d)
    for i in ids + created:
        _total(state.remove, i)
    assert isinstance(state.definitions(), list) and isinstance(state.keys(), dict)


def test_rules_take_no_input_and_render():
    """RULES and Rule: metadata; each renders its docs page (``Rule.run`` takes the
    checker's own context, which check_definition builds, so the checker tests cover it)."""
    assert rumrules.RULES and all(isinstance(r, rumrules.Rule) for r in rumrules.RULES)
    for rule in rumrules.RULES:
        assert isinstance(rule.family, str) and rule.docs_page()


# -------------------------------------------------------------------------- ingestion

@given(st.one_of(json_values, requestish, rst.put_rum_events_requests(max_events=3),
                 st.text(max_size=40), st.binary(max_size=40)))
def test_ingest_is_total(request):
    _total(rumrules.ingest_batch, request, app_monitor_name="MyWebApp")
    if isinstance(request, dict):
        _total(rumrules.ingest, json.dumps(request, default=str), app_monitor_name="MyWebApp")


@given(rst.put_rum_events_requests(max_events=2), anything, anything)
@example({}, ["MyWebApp"], None)  # TypeError for the wrong type: documented
def test_ingest_caller_arguments_are_total(request, name, account):
    for fn in (rumrules.ingest, rumrules.ingest_batch):
        _total(fn, request, app_monitor_name=name, account_id=account, type_errors=True)


# ----------------------------------------------------------------------------- engine

@given(st.lists(st.one_of(definitionish, rst.metric_definitions()), max_size=3),
       st.one_of(requestish, rst.put_rum_events_requests(max_events=3)))
def test_engine_is_total(definitions, request):
    engine = _total(MetricEngine, definitions, app_monitor_name="MyWebApp")
    if engine is not None:
        _total(engine.process, request)
        _total(engine.process_batch, request)


@given(definitions, st.one_of(st.just("MyWebApp"), anything),
       st.one_of(st.sampled_from(["CloudWatch", "Evidently"]), anything),
       st.one_of(st.none(), st.just("123456789012"), anything))
@example(None, "MyWebApp", "CloudWatch", None)    # regression: TypeError (not iterable)
@example([], "MyWebApp", "CloudWatch", ["123"])  # regression: TypeError at process time
def test_engine_constructor_is_total(defs, name, destination, account):
    engine = _total(MetricEngine, defs, app_monitor_name=name, destination=destination,
                    account_id=account)
    if engine is not None:
        _total(engine.process, ONE_EVENT)


_ID = "cff852ba-f230-45cf-b1b7-b7fa57825a3d"
ONE_EVENT = {"Id": _ID, "BatchId": _ID, "AppMonitorDetails": {"id": _ID}, "UserDetails": {},
             "RumEvents": [{"id": _ID, "timestamp": 1_700_000_000, "type": "my.event",
                            "details": "{}"}]}

document_lists = st.one_of(anything, st.lists(st.one_of(events, st.fixed_dictionaries(
    {"event_timestamp": st.one_of(st.integers(), st.floats(), anything)}, optional={
        "event_type": st.just("com.amazon.rum.js_error_event")})), max_size=3))


@given(st.lists(rst.metric_definitions(), min_size=1, max_size=2), document_lists)
@example([{"Name": "N", "Namespace": "ns", "EventPattern": ""}], None)  # regression: TypeError
@example([{"Name": "N", "Namespace": "ns"}], [{"event_timestamp": 1e20}])  # OverflowError
@example([{"Name": "N", "Namespace": "ns"}], [{"event_timestamp": float("nan")}])
def test_process_documents_is_total(defs, documents):
    engine = _total(MetricEngine, defs, app_monitor_name="MyWebApp")
    if engine is not None:
        _total(engine.process_documents, documents)


timestamps = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                          timezones=st.just(timezone.utc))
names = st.text(max_size=6) | st.sampled_from(["_aws", "application_name"])
data_points = st.builds(
    MetricDatum, namespace=st.sampled_from(["AWS/RUM", "RUM/CustomMetrics/x"]), name=names,
    value=st.floats(), unit=st.none() | st.sampled_from(["Count", "Milliseconds"]),
    dimensions=st.dictionaries(names, st.text(max_size=4), max_size=3), timestamp=timestamps)
statistic_sets = st.builds(
    StatisticSet, namespace=st.just("AWS/RUM"), name=names, unit=st.none(),
    dimensions=st.dictionaries(names, st.text(max_size=4), max_size=2), timestamp=timestamps,
    sample_count=st.floats(), sum=st.floats(), minimum=st.floats(), maximum=st.floats())
int_arguments = st.one_of(st.integers(-5, 2000), st.integers(), anything)


@given(st.one_of(st.lists(st.one_of(data_points, statistic_sets), max_size=5),
                 st.lists(anything, max_size=2), anything),
       int_arguments, int_arguments, int_arguments)
@example(None, 1000, 1000, 60)          # regression: TypeError (None is not iterable)
@example([], None, 1000, 60)            # regression: TypeError comparing None
@example({"": None}, 1000, 1000, 60)    # regression: AttributeError ('str' .name)
@example([], 1000, 1000, 0)             # ZeroDivisionError
def test_outputs_are_total(data, max_points, max_bytes, period):
    _total(rumrules.put_metric_data_requests, data, max_data_points=max_points,
           max_bytes=max_bytes, type_errors=True)
    try:  # a generator: its checks run as it is read
        list(rumrules.emf_lines(data))
    except RumRulesError:
        pass
    except TypeError:
        assert _documents_type_error(rumrules.emf_lines)
    _total(rumrules.aggregate, data, period, type_errors=True)


def test_aggregate_far_periods_are_refused():
    """Regression: a period that puts the start before year 1 raised OverflowError."""
    d = MetricDatum("AWS/RUM", "N", 1.0, None, {}, datetime(1, 1, 2, tzinfo=timezone.utc))
    _total(rumrules.aggregate, [d], 10 ** 12)
    _total(rumrules.aggregate, [d], 86_400 * 400)
    later = MetricDatum("AWS/RUM", "N", 1.0, None, {}, d.timestamp + timedelta(days=1))
    assert len(rumrules.aggregate([d, later], 86_400)) == 2


# ------------------------------------------------------------------------------- linter

@given(st.one_of(st.text(max_size=120), st.binary(max_size=60), st.none(),
                 st.builds(json.dumps, json_values), anything),
       st.one_of(st.none(), definitions, requestish, anything),
       st.one_of(st.none(), st.sampled_from(["t.json", "t.yaml", "t.template", "<x>"]),
                 anything),
       st.one_of(st.none(), st.sampled_from(["RUM2", "ALL", "rum301,RUM1", ""]), anything),
       st.one_of(st.none(), st.lists(st.text(max_size=5), max_size=2), anything))
@example("[1, 2]", None, "t.json", None, None)
@example(None, {"MetricDefinitions": [{"Name": 5}]}, None, ["RUM1"], None)
def test_lint_is_total(text, data, filename, select, ignore):
    # paths are left out on purpose: a fuzzed path name could walk the file system
    _total(rumrules.lint, (), text=text, data=data, filename=filename, select=select,
           ignore=ignore, type_errors=True)


@given(st.one_of(st.integers(), st.binary(max_size=5), st.lists(st.integers(), min_size=1, max_size=2),
                 st.just(object())))
def test_lint_paths_of_other_types_are_type_errors(paths):
    with pytest.raises(TypeError):
        rumrules.lint(paths)


# ----------------------------------------------------------------------------- registry

#: Results and exceptions: data the functions return or raise, with no input of their own.
DATA_NAMES = {
    "IngestResult": "returned by ingest_batch",
    "ProcessResult": "returned by MetricEngine.process_batch",
    "Diagnostic": "returned by the checker",
    "Severity": "an enum",
    "RumRulesError": "an exception",
    "PatternError": "an exception",
    "RequestError": "an exception",
    "DefinitionError": "an exception",
    "__version__": "a string",
}

#: Every public name: the tests that fuzz it, or why it takes no input of its own.
COVERED = {
    "compile_pattern": [test_compile_pattern_is_total],
    "EventPattern": [test_matches_and_explain_are_total],  # built by compile_pattern
    "Explanation": [test_matches_and_explain_are_total],   # returned by explain
    "purge": [test_matches_and_explain_are_total],
    "PatternSet": [test_patternset_constructor_is_total, test_patternset_methods_are_total],
    "check_definition": [test_check_definition_is_total],
    "check_definitions": [test_check_definitions_is_total],
    "batch_create": [test_batch_operations_are_total],
    "update_definition": [test_batch_operations_are_total],
    "batch_delete": [test_batch_operations_are_total],
    "MetricDestination": [test_metric_destination_constructor_is_total,
                          test_metric_destination_methods_are_total],
    "Rule": [test_rules_take_no_input_and_render],
    "RULES": [test_rules_take_no_input_and_render],
    "ingest": [test_ingest_is_total, test_ingest_caller_arguments_are_total],
    "ingest_batch": [test_ingest_is_total, test_ingest_caller_arguments_are_total],
    "MetricEngine": [test_engine_is_total, test_engine_constructor_is_total,
                     test_process_documents_is_total],
    "put_metric_data_requests": [test_outputs_are_total],
    "emf_lines": [test_outputs_are_total],
    "aggregate": [test_outputs_are_total, test_aggregate_far_periods_are_refused],
    "MetricDatum": [test_outputs_are_total],   # data: built by the engine, read by outputs
    "StatisticSet": [test_outputs_are_total],  # data: built by aggregate
    "lint": [test_lint_is_total, test_lint_paths_of_other_types_are_type_errors],
    "Finding": "returned by lint",
    **DATA_NAMES,
}


def test_every_public_name_is_covered():
    assert set(rumrules.__all__) == set(COVERED), (
        "public names without a totality test: "
        f"{sorted(set(rumrules.__all__) - set(COVERED))}; gone: "
        f"{sorted(set(COVERED) - set(rumrules.__all__))}")


FUZZ_TARGETS = sorted({t for tests in COVERED.values() if isinstance(tests, list)
                       for t in tests if hasattr(t, "hypothesis")}, key=lambda t: t.__name__)


@pytest.mark.parametrize("target", FUZZ_TARGETS, ids=lambda t: t.__name__)
def test_fuzz_targets_take_raw_bytes(target):
    """Each test above can be driven by an external fuzzer through fuzz_one_input."""
    for blob in (b"", b"\x00" * 64, bytes(range(256)), b"rumrules" * 40):
        target.hypothesis.fuzz_one_input(blob)
