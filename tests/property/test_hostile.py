"""Hostile input at every public name: huge values, subclasses of the JSON types, objects
whose own methods raise (see ``hostile.py`` and ``docs/reliability.md``).

Each call either answers, or raises :class:`~rumrules.RumRulesError`, or lets the caller's own
:class:`Boom` through -- and a call that raises changed nothing.  Subclasses that change nothing
(``str``/``dict``/``list`` subclasses) are answered exactly as the plain values are.
"""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import rumrules
from rumrules import MetricDatum, MetricDestination, MetricEngine, RumRulesError
from rumrules import strategies as rst

from .hostile import (HUGE, Boom, DictSub, RaisingEq, RaisingHash, RaisingItems, StrSub,
                      hostile_values, plain, spoil)
from .test_cli_hostile import hostile_files
from .test_totality import DATA_NAMES

_ID = "cff852ba-f230-45cf-b1b7-b7fa57825a3d"
APP = "MyWebApp"
VALID = {"Name": "Visits", "Namespace": "Shop",
         "EventPattern": '{"event_type": ["checkout.completed"]}'}


#: what _answer returns for a refusal
REFUSED = object()


def _answer(fn, *args, **kwargs):
    """Call ``fn``: its answer, or REFUSED for a RumRulesError or the caller's Boom."""
    try:
        return fn(*args, **kwargs)
    except (RumRulesError, Boom):
        return REFUSED


def _snapshot(state: MetricDestination):
    return pickle.dumps((state.definitions(), state.keys()))


definitions = st.lists(rst.metric_definitions(), min_size=1, max_size=2)
create_requests = definitions.map(lambda defs: {
    "AppMonitorName": APP, "Destination": "CloudWatch", "MetricDefinitions": defs})
event_requests = rst.put_rum_events_requests(max_events=2)


def _state(defs=()) -> MetricDestination:
    state = MetricDestination("CloudWatch", app_monitor_name=APP, deterministic_ids=True)
    if defs:
        rumrules.batch_create({"AppMonitorName": APP, "Destination": "CloudWatch",
                               "MetricDefinitions": list(defs)}, state)
    return state


# ------------------------------------------------------------------------------ rules

@given(spoil(rst.metric_definitions()))
@example({"Name": 10 ** 5000})
@example({"Name": "N", "Namespace": "ns", "UnitLabel": 2 ** 20000})   # YAML 0x + 4000 digits
@example({"Name": "N", "DimensionKeys": {10 ** 5000: "x"}})
def test_check_definition_takes_hostile_values(definition):
    _answer(rumrules.check_definition, definition)
    _answer(rumrules.check_definitions, [definition, definition])


@given(spoil(rst.metric_definitions(), benign=True))
def test_subclasses_are_checked_as_plain_values(definition):
    assert (rumrules.check_definition(definition)
            == rumrules.check_definition(plain(definition)))


@given(definitions, spoil(create_requests))
@example([VALID],
         {"AppMonitorName": APP, "Destination": 10 ** 5000, "MetricDefinitions": []})
def test_batch_create_is_all_or_nothing(stored, request):
    state = _state(stored)
    before = _snapshot(state)
    if _answer(rumrules.batch_create, request, state) is REFUSED:
        assert _snapshot(state) == before


@given(definitions, st.lists(st.one_of(st.text(max_size=3), hostile_values), max_size=3),
       st.data())
@example([VALID], [RaisingHash("x")], None)
def test_batch_delete_is_all_or_nothing(stored, extra, data):
    state = _state(stored)
    count = len(state)
    ids = list(state) + list(extra)
    if data is not None:
        ids = data.draw(st.permutations(ids))
    else:
        ids = ids[:1] + list(extra)
    before = _snapshot(state)
    response = _answer(rumrules.batch_delete, {"AppMonitorName": APP, "Destination": "CloudWatch",
                                               "MetricDefinitionIds": ids}, state)
    if response is REFUSED:
        assert _snapshot(state) == before
    else:
        assert len(state) == count - len(response["MetricDefinitionIds"])


@given(definitions, spoil(rst.metric_definitions()), st.integers(0, 2))
def test_update_and_replace_are_all_or_nothing(stored, new, which):
    state = _state(stored)
    ids = list(state)
    definition_id = ids[which % len(ids)]
    before = _snapshot(state)
    request = {"AppMonitorName": APP, "Destination": "CloudWatch",
               "MetricDefinitionId": definition_id, "MetricDefinition": new}
    if _answer(rumrules.update_definition, request, state) is REFUSED:
        assert _snapshot(state) == before
    state = _state(stored)
    if _answer(state.replace, definition_id, new) is REFUSED:
        assert _snapshot(state) == before
    state = _state(stored)
    if _answer(state.add, new) is REFUSED:
        assert _snapshot(state) == before


def test_replace_with_a_raising_mapping_keeps_the_old_definition():
    """Regression: replace dropped the old key before reading the new mapping's items."""
    state = _state([VALID])
    (definition_id,) = state
    before = _snapshot(state)
    for call in (lambda: state.replace(definition_id, RaisingItems(VALID)),
                 lambda: rumrules.update_definition(
                     {"AppMonitorName": APP, "Destination": "CloudWatch",
                      "MetricDefinitionId": definition_id,
                      "MetricDefinition": RaisingItems(VALID)}, state)):
        with pytest.raises(Boom):
            call()
        assert _snapshot(state) == before
    assert rumrules.batch_create({"AppMonitorName": APP, "Destination": "CloudWatch",
                                  "MetricDefinitions": [VALID]}, state)["Errors"]


@given(definitions)
def test_destination_shares_nothing_with_callers(defs):
    state = _state()
    given_defs = copy.deepcopy(defs)
    response = rumrules.batch_create({"AppMonitorName": APP, "Destination": "CloudWatch",
                                      "MetricDefinitions": given_defs}, state)
    before = _snapshot(state)
    for d in given_defs + response["MetricDefinitions"] + state.definitions() + [
            state.get(i) for i in state]:
        d["Name"] = "Changed"
        d.setdefault("DimensionKeys", {})["metadata.browserName"] = "Changed"
        if isinstance(d.get("DimensionKeys"), dict):
            d["DimensionKeys"].clear()
    assert _snapshot(state) == before
    again = rumrules.batch_create({"AppMonitorName": APP, "Destination": "CloudWatch",
                                   "MetricDefinitions": defs}, state)
    assert not again["MetricDefinitions"]   # each is a duplicate of a stored one


# -------------------------------------------------------------------------- ingestion

@given(spoil(event_requests))
def test_ingest_takes_hostile_values(request):
    _answer(rumrules.ingest_batch, request, app_monitor_name=APP)


@given(event_requests, st.integers(4301, 6000))
def test_integers_of_any_size_in_details_are_answered(request, digits):
    """A JSON integer in ``details`` longer than Python's conversion limit (I18)."""
    for event in request["RumEvents"]:
        event["type"] = "checkout.completed"   # a custom type: details have no schema
        event["details"] = '{"big": ' + "7" * digits + "}"
    result = rumrules.ingest_batch(request, app_monitor_name=APP)
    assert not result.documents and all("4300 digits" in reason
                                        for _, reason in result.dropped_events)
    for event in request["RumEvents"]:
        event["details"] = '{"big": ' + "7" * 4300 + "}"
    result = rumrules.ingest_batch(request, app_monitor_name=APP)
    assert [d["event_details"]["big"] for d in result.documents] == [
        int("7" * 4300)] * len(request["RumEvents"])
    text = json.dumps(request).replace('"timestamp": ', '"timestamp": ' + "1" * digits, 1)
    _answer(rumrules.ingest, text, app_monitor_name=APP)


# ----------------------------------------------------------------------------- engine

@given(spoil(definitions), st.sampled_from(["CloudWatch", *HUGE[:3]]) | hostile_values)
def test_engine_takes_hostile_definitions(defs, destination):
    engine = _answer(MetricEngine, defs, app_monitor_name=APP,
                     destination=destination)
    if engine is not REFUSED:
        pickle.loads(pickle.dumps(engine))


@given(definitions, event_requests)
def test_engine_shares_nothing_with_callers(defs, request):
    mine = copy.deepcopy(defs)
    engine = _answer(MetricEngine, mine, app_monitor_name=APP)
    if engine is REFUSED:  # copies of each other in one destination
        return
    expected = engine.process_batch(request).data
    for d in mine + engine.definitions:
        d["Name"] = "Changed"
        if isinstance(d.get("DimensionKeys"), dict):
            d["DimensionKeys"]["event_type"] = "Changed"
    for e in (engine, pickle.loads(pickle.dumps(engine))):
        assert e.process_batch(request).data == expected
        assert e.definitions == defs


_WHEN = datetime(2024, 5, 1, tzinfo=timezone.utc)
datum_fields = st.fixed_dictionaries({
    "namespace": st.one_of(st.just("AWS/RUM"), hostile_values),
    "name": st.one_of(st.just("N"), hostile_values),
    "value": st.one_of(st.just(1.0), hostile_values, st.text(max_size=2)),
    "unit": st.one_of(st.none(), st.just("Count"), hostile_values),
    "dimensions": st.one_of(st.just({}), hostile_values, st.just({1: 2})),
    "timestamp": st.one_of(st.just(_WHEN), hostile_values, st.just("2024-05-01"))})


@given(datum_fields)
@example({"namespace": "AWS/RUM", "name": "N", "value": 1.0, "unit": None,
          "dimensions": None, "timestamp": _WHEN})
def test_hand_built_data_points_are_refused_when_built(fields):
    datum = _answer(MetricDatum, **fields)
    if datum is REFUSED:
        return
    rumrules.put_metric_data_requests([datum])
    list(rumrules.emf_lines([datum]))
    rumrules.aggregate([datum], 60)


def test_hostile_names_leave_no_process_state():
    """The library changes no process-wide state (recursion limit, int digits limit)."""
    limit, digits = sys.getrecursionlimit(), sys.get_int_max_str_digits()
    _answer(rumrules.check_definition, {"Name": 10 ** 5000, "EventPattern": "[" * 5000})
    _answer(rumrules.ingest, '{"RumEvents": [' * 3000, app_monitor_name=APP)
    assert (sys.getrecursionlimit(), sys.get_int_max_str_digits()) == (limit, digits)


def test_str_and_dict_subclasses_are_values():
    d = {"Name": StrSub("JsErrorCount"),
         "DimensionKeys": DictSub({StrSub("metadata.browserName"): StrSub("BrowserName")})}
    assert rumrules.check_definition(d) == rumrules.check_definition(plain(d))


# ------------------------------------------------- the matching core (issue 12's fixes)

PATTERN = '{"x": [{"exists": true}], "a": [1, "b"]}'


@given(st.sampled_from([10 ** 5000, -(10 ** 5000), 2 ** 20000, StrSub("k"), RaisingEq("x")]),
       st.booleans())
def test_matching_takes_huge_values_and_keys(value, as_key):
    """Huge integers as event values and keys: an answer or a RumRulesError."""
    p = rumrules.compile_pattern(PATTERN, dialect="eventbridge")
    event = {value: 1, "x.y": 1} if as_key else {"x": value, "a": value}
    _answer(p.matches, event)
    _answer(p.explain, event)
    ps = rumrules.PatternSet("eventbridge")
    _answer(ps.add, value, PATTERN)
    _answer(ps.matches, event)


def test_event_text_with_a_huge_integer_is_refused_cleanly():
    """A number of more than 1000 characters in event text makes the event unusable, as
    Jackson's limit does in the reference (issue 14): a RumRulesError naming it, never a
    bare ValueError; 1000 digits are still a number."""
    p = rumrules.compile_pattern('{"a": [{"exists": true}]}', dialect="eventbridge")
    for digits in (1001, 4301, 5000):
        with pytest.raises(rumrules.RumRulesError) as e:
            p.matches('{"a": ' + "7" * digits + "}")
        assert type(e.value) is not ValueError and "1000" in str(e.value), str(e.value)
    assert p.matches('{"a": ' + "7" * 1000 + "}")


def test_str_subclass_events_are_text():
    p = rumrules.compile_pattern('{"a": [1]}', dialect="eventbridge")
    assert p.matches(StrSub('{"a": 1}')) == p.matches('{"a": 1}') is True


def test_compile_pattern_leaves_the_recursion_limit():
    """In a fresh interpreter (another test may have raised the limit already)."""
    code = ("import sys, rumrules\n"
            "limit = sys.getrecursionlimit()\n"
            "deep = '{\"a\":' * 790 + '[\"x\"]' + '}' * 790\n"
            "for text in (deep, deep[:-1]):\n"
            "    try:\n"
            "        rumrules.compile_pattern(text, dialect='eventbridge').matches({})\n"
            "    except rumrules.RumRulesError:\n"
            "        pass\n"
            "print(sys.getrecursionlimit() - limit)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.strip() == "0", done.stdout + done.stderr


@pytest.mark.parametrize("call", [
    lambda: rst.put_rum_events_requests(max_events=-1),
    lambda: rst.put_rum_events_requests(max_events=10 ** 5000),
    lambda: rst.metric_definitions(kind="neither"),
])
def test_strategies_refuse_bad_arguments_as_hypothesis_does(call):
    from hypothesis.errors import InvalidArgument

    with pytest.raises(InvalidArgument):
        call().validate()


# ------------------------------------------------------------------------------- linter

@given(hostile_files(), spoil(create_requests))
@example((("MetricDefinitions:\n- Name: x\n  UnitLabel: 0x" + "f" * 4000).encode(), "yaml"),
         {"AppMonitorName": APP, "Destination": "CloudWatch",
          "MetricDefinitions": [{"Name": 10 ** 5000}]})
def test_lint_takes_hostile_text_and_data(file, request):
    data, ending = file
    _answer(rumrules.lint, (), text=data, filename="t." + ending)
    _answer(rumrules.lint, (), data=request)


# ----------------------------------------------------------------------------- registry

#: Every public name: the hostile tests that reach it, or why hostile values cannot.
HOSTILE = {
    "check_definition": [test_check_definition_takes_hostile_values,
                         test_subclasses_are_checked_as_plain_values,
                         test_str_and_dict_subclasses_are_values],
    "check_definitions": [test_check_definition_takes_hostile_values],
    "batch_create": [test_batch_create_is_all_or_nothing,
                     test_destination_shares_nothing_with_callers],
    "update_definition": [test_update_and_replace_are_all_or_nothing,
                          test_replace_with_a_raising_mapping_keeps_the_old_definition],
    "batch_delete": [test_batch_delete_is_all_or_nothing],
    "MetricDestination": [test_update_and_replace_are_all_or_nothing,
                          test_destination_shares_nothing_with_callers],
    "ingest": [test_integers_of_any_size_in_details_are_answered],
    "ingest_batch": [test_ingest_takes_hostile_values,
                     test_integers_of_any_size_in_details_are_answered],
    "MetricEngine": [test_engine_takes_hostile_definitions, test_engine_shares_nothing_with_callers],
    "MetricDatum": [test_hand_built_data_points_are_refused_when_built],
    "StatisticSet": "built by aggregate in test_hand_built_data_points_are_refused_when_built",
    "put_metric_data_requests": [test_hand_built_data_points_are_refused_when_built],
    "emf_lines": [test_hand_built_data_points_are_refused_when_built],
    "aggregate": [test_hand_built_data_points_are_refused_when_built],
    "compile_pattern": [test_compile_pattern_leaves_the_recursion_limit,
                        test_hostile_names_leave_no_process_state],
    "EventPattern": [test_matching_takes_huge_values_and_keys,
                     test_event_text_with_a_huge_integer_is_refused_cleanly,
                     test_str_subclass_events_are_text],
    "Explanation": [test_matching_takes_huge_values_and_keys],
    "PatternSet": [test_matching_takes_huge_values_and_keys],
    "purge": "takes no input",
    "lint": [test_lint_takes_hostile_text_and_data],
    "Finding": "returned by lint",
    "Rule": "metadata (test_totality renders every rule)",
    "RULES": "metadata (test_totality renders every rule)",
    **DATA_NAMES,
}


def test_every_public_name_meets_hostile_input():
    assert set(HOSTILE) == set(rumrules.__all__), (
        f"without a hostile test: {sorted(set(rumrules.__all__) - set(HOSTILE))}; "
        f"gone: {sorted(set(HOSTILE) - set(rumrules.__all__))}")
