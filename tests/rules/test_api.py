"""batch_create, update_definition, batch_delete and MetricDestination: the API's shapes,
partial success, request-level errors, limits and conflicts."""

from __future__ import annotations

import copy
import json
import pickle
import threading

import pytest

import rumrules
from rumrules import RequestError
from rumrules.catalog.metrics import EXTENDED_METRICS
from rumrules.rules import _identity
from rumrules.rules._identity import canonical
from rumrules.service import MetricDestination, batch_create, batch_delete, update_definition

ARN = "arn:aws:evidently:us-east-1:123456789012:project/shop/experiment/checkout"


def custom(i: int) -> dict:
    return {"Name": f"Visits{i}", "Namespace": "Shop",
            "EventPattern": json.dumps({"event_type": ["visit"], "metadata": {"pageId": [f"/{i}"]}}),
            "DimensionKeys": {"metadata.pageId": "Page"}}


def _request(members: dict, over: dict) -> dict:
    r = {"AppMonitorName": "web", "Destination": "CloudWatch", **members, **over}
    return {k: v for k, v in r.items() if v is not ...}


def request(defs, **over) -> dict:
    """A BatchCreate request (``...`` removes a member)."""
    return _request({"MetricDefinitions": defs}, over)


def _update(definition_id, definition, **over):
    return _request({"MetricDefinitionId": definition_id, "MetricDefinition": definition}, over)


def _delete(ids, **over):
    return _request({"MetricDefinitionIds": ids}, over)


JS = EXTENDED_METRICS["JsErrorCount"].definition()
BAD = {"Name": "JsErrorCount", "UnitLabel": "count",
       "EventPattern": '{"event_type": ["com.amazon.rum.js_error_event"]}'}


def test_public_names():
    import rumrules.service
    for name in ("check_definition", "check_definitions", "Rule", "RULES"):
        assert getattr(rumrules, name) is getattr(rumrules.rules, name)
    for name in ("batch_create", "update_definition", "batch_delete", "MetricDestination"):
        assert getattr(rumrules, name) is getattr(rumrules.service, name)
    # analyse/canonical/MAX_PER_DESTINATION for the service; rule_by_code and the RUM6xx
    # facts and iter_diagnostics for the linter and the CLI; the API model for the JSON
    # Schemas (not in rumrules)
    assert sorted(rumrules.rules.__all__) == sorted(
        ["check_definition", "check_definitions", "iter_diagnostics", "Rule", "RULES", "analyse", "canonical",
         "MAX_PER_DESTINATION", "detached", "rule_by_code", "check_document", "DocumentFacts",
         "MonitorFacts", "DestinationFacts", "DefinitionFacts", "CallFacts", "UncheckedFacts",
         "LogReaderFacts",
         "LENGTHS", "NAMESPACE_CHARS", "APP_MONITOR_NAME_RE", "APP_MONITOR_NAME_LENGTH",
         "MAX_DIMENSIONS", "DIMENSION_KEY_LENGTH", "DIMENSION_NAME_LENGTH", "MAX_BATCH",
         "ARN_MAX", "ID_LENGTH", "DESTINATIONS"])
    assert {"batch_create", "update_definition", "batch_delete",
            "MetricDestination"} <= set(rumrules.service.__all__)
    assert rumrules.rules.rule_by_code("rum204").code == "RUM204"


def test_partial_success_shape():
    state = MetricDestination(deterministic_ids=True)
    resp = batch_create(request([JS, BAD, custom(1)]), state)
    assert set(resp) == {"Errors", "MetricDefinitions"}
    created = resp["MetricDefinitions"]
    assert [d["Name"] for d in created] == ["JsErrorCount", "Visits1"]
    assert all(set(d) == {"MetricDefinitionId", *src} for d, src in zip(created, [JS, custom(1)]))
    (err,) = resp["Errors"]
    assert set(err) == {"ErrorCode", "ErrorMessage", "MetricDefinition"}
    assert err["ErrorCode"] == "ValidationException"
    assert "'Count'" in err["ErrorMessage"]
    assert err["MetricDefinition"] == BAD
    assert len(state) == 2 and state.get(created[0]["MetricDefinitionId"]) == JS


def test_all_errors_joined_in_message():
    bad = {**BAD, "Namespace": "AWS/X", "Name": "x"}
    (err,) = batch_create(request([bad]))["Errors"]
    assert "AWS/" in err["ErrorMessage"] and "'Count'" in err["ErrorMessage"]


def test_warnings_only_is_created():
    http = {"Name": "HttpErrorCount", "EventPattern": '{"event_type": ["com.amazon.rum.http_event"]}'}
    resp = batch_create(request([http]))
    assert resp["Errors"] == [] and len(resp["MetricDefinitions"]) == 1


def test_200_ok_201_refused():
    resp = batch_create(request([custom(i) for i in range(200)]))
    assert len(resp["MetricDefinitions"]) == 200 and resp["Errors"] == []
    state = MetricDestination()
    with pytest.raises(RequestError) as e:
        batch_create(request([custom(i) for i in range(201)]), state)
    assert e.value.code == "ValidationException" and e.value.field == "MetricDefinitions"
    assert "200" in e.value.message
    assert len(state) == 0  # nothing half-applied


@pytest.mark.parametrize("defs", [[], None, "x", {"Name": "a"}])
def test_bad_definitions_list(defs):
    with pytest.raises(RequestError) as e:
        batch_create(request(defs if defs is not None else ...))
    assert e.value.field == "MetricDefinitions"


def test_evidently_needs_arn():
    with pytest.raises(RequestError) as e:
        batch_create(request([JS], Destination="Evidently"))
    assert (e.value.code, e.value.field) == ("ValidationException", "DestinationArn")
    state = MetricDestination("Evidently", ARN)
    resp = batch_create(request([JS], Destination="Evidently", DestinationArn=ARN), state)
    assert len(resp["MetricDefinitions"]) == 1 and len(state) == 1


def test_cloudwatch_refuses_arn():
    with pytest.raises(RequestError) as e:
        batch_create(request([JS], DestinationArn=ARN))
    assert e.value.field == "DestinationArn" and "remove" in e.value.message


@pytest.mark.parametrize("name", ["my app", ".web", "", "a" * 256, None, 5])
def test_bad_app_monitor_name(name):
    with pytest.raises(RequestError) as e:
        batch_create(request([JS], AppMonitorName=name if name is not None else ...))
    assert e.value.field == "AppMonitorName" and e.value.code == "ValidationException"
    assert isinstance(e.value, ValueError)


@pytest.mark.parametrize("req", ["not a dict", [JS]])
def test_request_not_an_object(req):
    with pytest.raises(RequestError):
        batch_create(req)


def test_unknown_request_member():
    with pytest.raises(RequestError) as e:
        batch_create(request([JS], MetricDefinitionId="x"))
    assert e.value.field == "MetricDefinitionId"


def test_duplicates_in_batch_and_destination():
    state = MetricDestination()
    resp = batch_create(request([JS, custom(1), copy.deepcopy(JS)]), state)
    assert [e["ErrorCode"] for e in resp["Errors"]] == ["ConflictException"]
    assert len(resp["MetricDefinitions"]) == 2
    # identical to one already stored (whitespace and Namespace AWS/RUM do not matter)
    again = {**JS, "Namespace": "AWS/RUM", "EventPattern": JS["EventPattern"].replace(" ", "")}
    resp = batch_create(request([again, custom(2)]), state)
    assert [e["ErrorCode"] for e in resp["Errors"]] == ["ConflictException"]
    assert resp["Errors"][0]["MetricDefinition"] == again
    assert len(state) == 3


# (a, b): two EventPattern texts naming the same fields with the same values, so two
# definitions that differ only there are identical (ConflictException).
SAME_PATTERNS = [
    # duplicate keys: for the same field the last value list wins
    ('{"event_type":["x"],"metadata":{"b":["1"]},"metadata":{"b":["2"]}}',
     '{"event_type":["x"],"metadata":{"b":["2"]}}'),
    # a dotted key names the same path as nested objects
    ('{"metadata.pageId":["x"],"event_type":["x"]}',
     '{"metadata":{"pageId":["x"]},"event_type":["x"]}'),
    ('{"event_type":["x"],"event_details":{"a.b":["y"]}}',
     '{"event_type":["x"],"event_details.a":{"b":["y"]}}'),
    # numbers compare as doubles, strings by value
    ('{"event_type":["x"],"metadata":{"n":[{"numeric":[">=",2e3]}]}}',
     '{"event_type":["x"],"metadata":{"n":[{"numeric":[">=",2000]}]}}'),
    ('{"event_type":["x"],"metadata":{"n":[5]}}', '{"event_type":["x"],"metadata":{"n":[5.0]}}'),
    ('{"event_type":["x"],"metadata":{"s":["\\u0041"]}}',
     '{"event_type":["x"],"metadata":{"s":["A"]}}'),
]
# (a, b): patterns that differ in their fields or values.
DIFFERENT_PATTERNS = [
    # duplicate keys merge path by path: the first pattern needs both fields
    ('{"event_type":["x"],"metadata":{"a":["1"]},"metadata":{"b":["2"]}}',
     '{"event_type":["x"],"metadata":{"b":["2"]}}'),
    ('{"event_type":["x"],"metadata":{"n":["5"]}}', '{"event_type":["x"],"metadata":{"n":[5]}}'),
    ('{"event_type":["x"],"metadata":{"n":[{"numeric":["<=",499]}]}}',
     '{"event_type":["x"],"metadata":{"n":[{"numeric":["<",500]}]}}'),
    ('{"event_type":["x"],"metadata":{"a.b":["x"]}}',
     '{"event_type":["x"],"metadata":{"a":["x"]}}'),
]


def _ns(text: str) -> dict:
    return {"Name": "M", "Namespace": "Shop", "EventPattern": text}


@pytest.mark.parametrize("a,b", SAME_PATTERNS)
def test_identical_after_the_patterns_own_semantics_conflict(a, b):
    assert canonical(_ns(a)) == canonical(_ns(b))
    resp = batch_create(request([_ns(a), _ns(b)]))
    assert [e["ErrorCode"] for e in resp["Errors"]] == ["ConflictException"]
    state = MetricDestination()
    batch_create(request([_ns(a)]), state)
    assert [e["ErrorCode"] for e in batch_create(request([_ns(b)]), state)["Errors"]] == [
        "ConflictException"]


@pytest.mark.parametrize("a,b", DIFFERENT_PATTERNS)
def test_different_fields_do_not_conflict(a, b):
    assert canonical(_ns(a)) != canonical(_ns(b))
    resp = batch_create(request([_ns(a), _ns(b)]))
    assert "ConflictException" not in [e["ErrorCode"] for e in resp["Errors"]]


def test_canonical_of_an_invalid_pattern_is_its_text():
    assert canonical(_ns("{")) == canonical(_ns("{"))
    assert canonical(_ns("{")) != canonical(_ns("{ "))
    valid = '{"event_type":["x"]}'
    assert canonical(_ns(valid + " ")) == canonical(_ns(valid))
    assert canonical(_ns(valid[:-1])) != canonical(_ns(valid))


def test_canonical_takes_the_compiled_pattern():
    text = '{"event_type":["x"],"metadata.a":["1"]}'
    compiled = rumrules.compile_pattern(text, dialect="eventbridge")
    other = rumrules.compile_pattern('{"event_type":["y"]}', dialect="eventbridge")
    _identity._KEYS.clear()
    assert canonical(_ns(text), compiled) == canonical(_ns(text))
    _identity._KEYS.clear()
    wrong = canonical(_ns(text), other)  # not this text's pattern: ignored
    _identity._KEYS.clear()
    assert wrong == canonical(_ns(text))


def test_invalid_duplicate_is_validation_error():
    resp = batch_create(request([BAD, BAD]))
    assert [e["ErrorCode"] for e in resp["Errors"]] == ["ValidationException"] * 2


def test_2000_per_destination():
    state = MetricDestination()
    for start in range(0, 2000, 200):
        resp = batch_create(request([custom(i) for i in range(start, start + 200)]), state)
        assert resp["Errors"] == []
    assert len(state) == 2000 and state.is_full
    resp = batch_create(request([custom(5000), custom(5001)]), state)
    assert [e["ErrorCode"] for e in resp["Errors"]] == ["ServiceQuotaExceededException"] * 2
    assert resp["MetricDefinitions"] == [] and len(state) == 2000
    # a conflict is still a conflict when full
    resp = batch_create(request([custom(3)]), state)
    assert resp["Errors"][0]["ErrorCode"] == "ConflictException"


def test_partial_fill():
    state = MetricDestination(capacity=3)
    resp = batch_create(request([custom(i) for i in range(5)]), state)
    assert len(resp["MetricDefinitions"]) == 3
    assert [e["ErrorCode"] for e in resp["Errors"]] == ["ServiceQuotaExceededException"] * 2
    assert [e["MetricDefinition"]["Name"] for e in resp["Errors"]] == ["Visits3", "Visits4"]


MISMATCHED_STATES = [
    (MetricDestination("Evidently", ARN), "Destination"),
    (MetricDestination(app_monitor_name="other"), "AppMonitorName"),
]


def _calls(state):
    yield lambda: batch_create(request([JS]), state)
    yield lambda: update_definition(_update("guid2", JS), state)
    yield lambda: batch_delete(_delete(["guid2"]), state)


@pytest.mark.parametrize("state,field", MISMATCHED_STATES, ids=lambda x: getattr(x, "__name__", ""))
@pytest.mark.parametrize("call", range(3), ids=["create", "update", "delete"])
def test_state_must_match_request(state, field, call):
    before = state.definitions()
    with pytest.raises(RequestError) as e:
        list(_calls(state))[call]()
    assert type(e.value) is RequestError  # not a bare ValueError
    assert (e.value.code, e.value.field) == ("ResourceNotFoundException", field)
    assert state.definitions() == before


def test_state_with_another_evidently_arn():
    state = MetricDestination("Evidently", ARN + "-2", app_monitor_name="web")
    with pytest.raises(RequestError) as e:
        batch_create(request([JS], Destination="Evidently", DestinationArn=ARN), state)
    assert (e.value.code, e.value.field) == ("ResourceNotFoundException", "DestinationArn")
    assert len(state) == 0


def test_non_object_definition_is_a_per_definition_error():
    resp = batch_create(request([JS, "JsErrorCount"]))
    assert resp["Errors"][0]["MetricDefinition"] == "JsErrorCount"
    assert len(resp["MetricDefinitions"]) == 1


def test_ids_deterministic_or_random():
    a, b = MetricDestination(deterministic_ids=True), MetricDestination(deterministic_ids=True)
    ids_a = [d["MetricDefinitionId"] for d in batch_create(request([JS, custom(1)]), a)[
        "MetricDefinitions"]]
    ids_b = [d["MetricDefinitionId"] for d in batch_create(request([JS, custom(1)]), b)[
        "MetricDefinitions"]]
    assert ids_a == ids_b and len(set(ids_a)) == 2
    r1 = batch_create(request([JS]))["MetricDefinitions"][0]["MetricDefinitionId"]
    r2 = batch_create(request([JS]))["MetricDefinitions"][0]["MetricDefinitionId"]
    assert r1 != r2 and len(r1) == 36


def test_destination_pickles_and_lists():
    state = MetricDestination(deterministic_ids=True)
    batch_create(request([JS, custom(1)]), state)
    copy_ = pickle.loads(pickle.dumps(state))
    assert copy_.definitions() == state.definitions() and len(copy_) == 2
    assert copy_.find(JS) == state.find(JS)
    batch_create(request([custom(2)]), copy_)  # the lock is back
    assert len(copy_) == 3 and len(state) == 2
    listed = state.definitions()
    assert [d["Name"] for d in listed] == ["JsErrorCount", "Visits1"]
    assert all("MetricDefinitionId" in d for d in listed)


def test_concurrent_creates_respect_capacity():
    state = MetricDestination(capacity=150)
    out = []

    def worker(start):
        out.append(batch_create(request([custom(i) for i in range(start, start + 100)]), state))

    threads = [threading.Thread(target=worker, args=(k * 100,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(state) == 150
    assert sum(len(r["MetricDefinitions"]) for r in out) == 150


# -- UpdateRumMetricDefinition ------------------------------------------------------------

def test_update():
    state = MetricDestination()
    ids = [d["MetricDefinitionId"] for d in batch_create(request([JS, custom(1)]), state)[
        "MetricDefinitions"]]
    new = {**JS, "DimensionKeys": {"metadata.pageId": "PageId"},
           "EventPattern": '{"event_type": ["com.amazon.rum.js_error_event"], '
                           '"metadata": {"pageId": ["/"]}}'}
    assert update_definition(_update(ids[0], new), state) == {}
    assert state.get(ids[0]) == new and state.find(JS) is None
    assert update_definition(_update(ids[0], new), state) == {}  # same again: fine
    with pytest.raises(RequestError) as e:
        update_definition(_update(ids[1], new), state)
    assert e.value.code == "ConflictException"
    with pytest.raises(RequestError) as e:
        update_definition(_update("nope", custom(9)), state)
    assert e.value.code == "ResourceNotFoundException"
    with pytest.raises(RequestError) as e:
        update_definition(_update(ids[1], {**custom(1), "UnitLabel": "ms"}), state)
    assert (e.value.code, e.value.field) == ("ValidationException", "MetricDefinition.UnitLabel")
    assert "'Milliseconds'" in e.value.message
    with pytest.raises(RequestError) as e:
        update_definition(_update("", custom(1)), state)
    assert e.value.field == "MetricDefinitionId"
    with pytest.raises(RequestError) as e:
        update_definition({"AppMonitorName": "web", "Destination": "CloudWatch",
                           "MetricDefinitionId": ids[1]}, state)
    assert e.value.field == "MetricDefinition"


def test_update_without_state_is_not_found():
    with pytest.raises(RequestError) as e:
        update_definition(_update("guid2", JS))
    assert e.value.code == "ResourceNotFoundException"


# -- BatchDeleteRumMetricDefinitions ------------------------------------------------------

def test_batch_delete():
    state = MetricDestination()
    ids = [d["MetricDefinitionId"] for d in batch_create(request([JS, custom(1)]), state)[
        "MetricDefinitions"]]
    resp = batch_delete(_delete([ids[0], "nope", "", ids[0]]), state)
    assert set(resp) == {"Errors", "MetricDefinitionIds"}
    assert resp["MetricDefinitionIds"] == [ids[0]]
    assert [(e["MetricDefinitionId"], e["ErrorCode"]) for e in resp["Errors"]] == [
        ("nope", "ResourceNotFoundException"), ("", "ValidationException"),
        (ids[0], "ResourceNotFoundException")]
    assert all(set(e) == {"MetricDefinitionId", "ErrorCode", "ErrorMessage"}
               for e in resp["Errors"])
    assert list(state) == [ids[1]]
    # deleting frees room and forgets the definition: it can be created again
    resp = batch_create(request([JS]), state)
    assert resp["Errors"] == []


@pytest.mark.parametrize("ids", [[], [f"i{n}" for n in range(201)], None, "abc"])
def test_batch_delete_bad_list(ids):
    with pytest.raises(RequestError) as e:
        batch_delete(_delete(ids))
    assert e.value.field == "MetricDefinitionIds"


def test_batch_delete_evidently_arn():
    with pytest.raises(RequestError) as e:
        batch_delete(_delete(["a"], Destination="Evidently"))
    assert e.value.field == "DestinationArn"
