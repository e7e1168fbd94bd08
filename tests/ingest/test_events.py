"""Per-event rules (SPEC §3.1): schema checks, dropped events, custom and unknown types."""

from __future__ import annotations

import json

import pytest

from rumrules.catalog.event_types import BUILTIN_EVENT_TYPES
from rumrules.ingestion import ingest, ingest_batch

from .payloads import P, event, request

HTTP = P + "http_event"

# (type, details that pass, details that fail its schema, words in the reason)
SCHEMA_CASES = [
    (HTTP, {"version": "1.0.0", "request": {"method": "GET"}},
     {"version": "1.0.0", "request": {"url": "/x"}}, "'method' is a required property"),
    (HTTP, {"version": "1.0.0", "request": {"method": "GET"}, "response": {"status": 404}},
     {"version": "1.0.0", "request": {"method": "GET"}, "response": {"status": "404"}},
     "details.response.status"),
    (HTTP, {"version": "1.0.0", "request": {"method": "GET"}, "trace_id": "1-" + "a" * 8 + "-" + "b" * 24},
     {"version": "1.0.0", "request": {"method": "GET"}, "trace_id": "a" * 32}, "trace_id"),
    (HTTP, {"version": "1.0.0", "request": {"method": "GET"}},
     {"version": "1.0.0", "request": {"method": "GET"}, "extra": 1}, "extra"),
    (HTTP, {"version": "1.0.0", "request": {"method": "GET"}},
     {"version": "2.0.0", "request": {"method": "GET"}}, "'1.0.0' was expected"),
    (P + "session_start_event", {"version": "1.0.0"}, {}, "'version' is a required property"),
    (P + "page_view_event", {"pageId": "/"}, {"version": "1.0.0"}, "pageId"),
    (P + "page_close_event", {"pageId": "/", "pageInteractionId": "/-0", "interaction": 0},
     {"pageId": "/", "interaction": 0}, "pageInteractionId"),
    (P + "performance_navigation_event",
     {"version": "1.0.0", "initiatorType": "navigation", "startTime": 0, "duration": 1,
      "redirectCount": 2.0},
     {"version": "1.0.0", "initiatorType": "navigation", "startTime": 0, "duration": 1,
      "redirectCount": 2.5}, "redirectCount"),
    (P + "performance_navigation_event",
     {"version": "1.0.0", "initiatorType": "route_change", "startTime": 0, "duration": 1},
     {"version": "1.0.0", "initiatorType": "link", "startTime": 0, "duration": 1},
     "initiatorType"),
    (P + "performance_resource_event",
     {"version": "1.0.0", "initiatorType": "img", "duration": 3, "fileType": "image"},
     {"version": "1.0.0", "initiatorType": "img", "duration": True, "fileType": "image"},
     "duration"),
    (P + "largest_contentful_paint_event", {"version": "1.0.0", "value": 1},
     {"version": "1.0.0", "value": 1, "attribution": {"element": "img"}}, "timeToFirstByte"),
    (P + "first_input_delay_event", {"version": "1.0.0", "value": 1},
     {"version": "1.0.0", "value": 1, "attribution": {"eventTarget": "a", "eventType": "b",
                                                      "eventTime": 1, "loadState": "done"}},
     "loadState"),
    (P + "cumulative_layout_shift_event", {"version": "1.0.0", "value": 0.1},
     {"version": "1.0.0"}, "value"),
    (P + "interaction_to_next_paint_event",
     {"version": "1.0.0", "value": 1, "attribution": {"interactionType": "keyboard"}},
     {"version": "1.0.0", "value": 1, "attribution": {"interactionType": "mouse"}},
     "interactionType"),
    (P + "first_contentful_paint_event", {"version": "1.0.0", "value": 1},
     {"version": "1.0.0", "value": 1, "attribution": {"timeToFirstByte": 1}}, "firstByteToFCP"),
    (P + "time_to_first_byte_event", {"version": "1.0.0", "value": 1},
     {"version": "1.0.0", "value": "1"}, "value"),
    (P + "time_to_interactive_event", {"version": "1.0.0", "value": 1},
     {"version": "1.0.0", "value": 1, "attribution": {}}, "attribution"),
    (P + "js_error_event", {"version": "1.0.0", "type": "TypeError", "lineno": 3},
     {"version": "1.0.0", "lineno": "3"}, "lineno"),
    (P + "xray_trace_event",
     {"name": "n", "id": "i", "trace_id": "t", "start_time": 1.5,
      "annotations": {"anything": {"goes": [1]}},
      "subsegments": [{"id": "a", "name": "b", "start_time": 1,
                       "subsegments": [{"id": "c", "name": "d", "start_time": 2,
                                        "metadata": {"x": None}}]}]},
     {"name": "n", "id": "i", "trace_id": "t", "start_time": 1.5,
      "subsegments": [{"id": "a", "name": "b", "start_time": 1,
                       "subsegments": [{"id": "c", "start_time": 2}]}]},
     "'name' is a required property"),
    (P + "xray_trace_event",
     {"name": "n", "id": "i", "trace_id": "t", "start_time": 1,
      "cause": {"exceptions": [{"id": "e", "stack": [{"line": 3}]}]}},
     {"name": "n", "id": "i", "trace_id": "t", "start_time": 1,
      "cause": {"exceptions": [{"id": "e", "stack": [{"line": 3.5}]}]}}, "line"),
    (P + "dom_event", {"version": "1.1.0", "event": "click"},
     {"version": "1.0.0", "event": "click"}, "'1.1.0' was expected"),
    (P + "rrweb_event",
     {"version": "1.0.0", "events": [{"type": 2, "timestamp": 1, "data": {"node": {}}}],
      "eventCount": 1},
     {"version": "1.0.0", "events": [{"type": 2, "timestamp": 1}], "eventCount": 1}, "data"),
]


def test_cases_cover_every_builtin_type():
    assert {case[0] for case in SCHEMA_CASES} == set(BUILTIN_EVENT_TYPES)


@pytest.mark.parametrize("type_, good, bad, words", SCHEMA_CASES,
                         ids=[f"{c[0][15:]}-{i}" for i, c in enumerate(SCHEMA_CASES)])
def test_builtin_details_schema(type_, good, bad, words):
    ok = ingest_batch(request(event(type_, good)))
    assert len(ok.documents) == 1 and ok.dropped_events == []
    result = ingest_batch(request(event(type_, good, n=1), event(type_, bad, n=2),
                                  event(type_, good, n=3)))
    assert [d["event_id"] for d in result.documents] == [event(n=1)["id"], event(n=3)["id"]]
    (index, reason), = result.dropped_events
    assert index == 1
    assert type_ in reason and words in reason


@pytest.mark.parametrize("details", ["[]", "1", '"x"', "null", "true"])
@pytest.mark.parametrize("type_", [HTTP, "my.custom_event"])
def test_details_not_an_object_drops_the_event(type_, details):
    result = ingest_batch(request(event(type_, details)))
    assert result.documents == []
    assert result.dropped_events == [(0, "details is not a JSON object")]


@pytest.mark.parametrize("details, words", [
    ("{", "details is not valid JSON"),
    ('{"a": NaN}', "details is not valid JSON"),
    ('{"a": 1} {"b": 2}', "details is not valid JSON"),
    ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
])
def test_details_not_json_drops_the_event(details, words):
    result = ingest_batch(request(event("my.custom", details), event()))
    assert len(result.documents) == 1
    (index, reason), = result.dropped_events
    assert index == 0 and words in reason


# Numbers too large for a double: json.loads makes them inf, which no stored document may
# hold (it is not JSON).  They are treated like NaN/Infinity: the text is not accepted JSON.
OVERFLOWING = ["1e400", "-1e999", "1E+309", "2e308", "1e0400", "-" + "9" * 400 + ".5",
               "1" + "0" * 320 + "e-10"]


@pytest.mark.parametrize("literal", OVERFLOWING)
@pytest.mark.parametrize("type_, template", [
    (P + "time_to_interactive_event", '{"version":"1.0.0","value":%s}'),
    ("my.custom", '{"a":[{"b":%s}]}'),  # no schema, free-form
    (P + "xray_trace_event",           # free-form annotations inside a schema
     '{"name":"n","id":"i","trace_id":"t","start_time":1,"annotations":{"a":%s}}'),
])
def test_overflowing_number_in_details_drops_the_event(type_, template, literal):
    result = ingest_batch(request(event(type_, template % literal), event(n=2)))
    assert [d["event_id"] for d in result.documents] == [event(n=2)["id"]]
    (index, reason), = result.dropped_events
    assert index == 0
    assert reason.startswith("details is not valid JSON: number ") and "out of range" in reason


@pytest.mark.parametrize("literal, value", [
    ("1e-400", 0.0),                                  # underflow is a finite 0.0
    ("1.7976931348623157e308", 1.7976931348623157e308),
    ("-1.7976931348623157E+308", -1.7976931348623157e308),
    ("1" + "0" * 400, 10 ** 400),                     # an integer: exact, any size
    ("0." + "0" * 400 + "1e400", 0.1),              # a large exponent, a small number
])
def test_numbers_at_the_edges_of_a_double_are_kept(literal, value):
    doc, = ingest(request(event("my.custom", '{"v":%s}' % literal)))
    assert doc["event_details"]["v"] == value
    json.dumps(doc, allow_nan=False)


def test_custom_event_type_has_no_schema():
    details = {"anything": [1, {"nested": True}], "version": 7}
    doc, = ingest_batch(request(event("my_app.checkout-step", details))).documents
    assert doc["event_details"] == details
    assert doc["event_type"] == "my_app.checkout-step"


@pytest.mark.parametrize("type_, ok", [
    ("a", True), ("A.b_c-9", True), ("x" * 256, True),
    ("", False), ("x" * 257, False), ("has space", False), ("slash/type", False),
    ("ünïcode", False),
])
def test_custom_event_type_name(type_, ok):
    result = ingest_batch(request(event(type_, {"a": 1})))
    assert (len(result.documents) == 1) is ok
    if not ok:
        assert "custom event type" in result.dropped_events[0][1]


@pytest.mark.parametrize("type_, suggestion", [
    (P + "http", P + "http_event"),
    (P + "demo_event", None),
    (P + "page_veiw_event", P + "page_view_event"),
])
def test_unknown_builtin_type_is_dropped(type_, suggestion):
    result = ingest_batch(request(event(type_, {"version": "1.0.0"}), event()))
    assert len(result.documents) == 1
    (index, reason), = result.dropped_events
    assert index == 0 and "not a built-in event type" in reason
    if suggestion:
        assert f"did you mean {suggestion!r}" in reason


def test_deeply_nested_details_within_parse_limit_do_not_crash():
    # deep enough to be parsed, then validated (X-Ray free-form annotations)
    deep = "[" * 900 + "]" * 900
    details = ('{"name":"n","id":"i","trace_id":"t","start_time":1,"annotations":{"a":'
               + deep + "}}")
    result = ingest_batch(request(event(P + "xray_trace_event", details)))
    assert len(result.documents) + len(result.dropped_events) == 1


def test_deep_subsegments_are_validated_or_dropped_not_crashing():
    sub = {"id": "a", "name": "b", "start_time": 1}
    node = sub
    for _ in range(300):
        child = {"id": "a", "name": "b", "start_time": 1}
        node["subsegments"] = [child]
        node = child
    details = {"name": "n", "id": "i", "trace_id": "t", "start_time": 1, "subsegments": [sub]}
    text = json.dumps(details)
    result = ingest_batch(request(event(P + "xray_trace_event", text)))
    assert len(result.documents) + len(result.dropped_events) == 1


def test_metadata_not_json_or_not_object_drops_the_event():
    result = ingest_batch(request(event(metadata="{"), event(metadata="[1]", n=2),
                                  event(metadata="{}", n=3)))
    assert len(result.documents) == 1
    assert [i for i, _ in result.dropped_events] == [0, 1]
    assert "metadata is not valid JSON" in result.dropped_events[0][1]
    assert result.dropped_events[1][1] == "metadata is not a JSON object"
