"""catalog.event_types and catalog.metadata: the data, the look-ups, the generated schemas."""

from __future__ import annotations

import dataclasses

import jsonschema
import pytest

from rumrules.catalog import event_types as et
from rumrules.catalog import metadata as md
from rumrules.catalog.event_types import BUILTIN_EVENT_TYPES, closest_event_type

P = et.RUM_EVENT_PREFIX

ALL_TYPES = {
    "session_start_event", "page_view_event", "page_close_event",
    "performance_navigation_event", "performance_resource_event",
    "largest_contentful_paint_event", "first_input_delay_event",
    "cumulative_layout_shift_event", "interaction_to_next_paint_event",
    "first_contentful_paint_event", "time_to_first_byte_event", "time_to_interactive_event",
    "js_error_event", "http_event", "xray_trace_event", "dom_event", "rrweb_event",
}


def test_every_builtin_type_of_the_reference():
    assert set(BUILTIN_EVENT_TYPES) == {P + t for t in ALL_TYPES}
    for name, t in BUILTIN_EVENT_TYPES.items():
        assert t.name == name
        assert t.version == ("1.1.0" if name == P + "dom_event" else "1.0.0")


def test_field_spec_interface():
    spec = BUILTIN_EVENT_TYPES[P + "http_event"].field("response.status")
    assert dataclasses.is_dataclass(spec)
    assert (spec.path, spec.type, spec.required, spec.enum) == (
        "response.status", "number", True, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.type = "string"  # type: ignore[misc]


@pytest.mark.parametrize("type_, path, known", [
    ("http_event", "response", True),
    ("http_event", "response.status", True),
    ("http_event", "request.method", True),
    ("http_event", "error.stack", True),
    ("http_event", "response.code", False),
    ("http_event", "status", False),
    ("http_event", "", False),
    ("http_event", "response.", False),
    ("performance_resource_event", "fileType", True),
    ("performance_resource_event", "transfer_size", False),
    ("performance_navigation_event", "navigationTimingLevel", True),
    ("xray_trace_event", "annotations", True),
    ("xray_trace_event", "annotations.anything.below", True),
    ("xray_trace_event", "metadata.k", True),
    ("xray_trace_event", "subsegments", True),
    ("xray_trace_event", "subsegments.id", True),
    ("xray_trace_event", "subsegments.subsegments.subsegments.name", True),
    ("xray_trace_event", "subsegments.http.request.url", True),
    ("xray_trace_event", "subsegments.annotations.x", True),
    ("xray_trace_event", "subsegments.bogus", False),
    ("xray_trace_event", "cause.exceptions.stack.line", True),
    ("xray_trace_event", "http.request.traced", True),
    ("rrweb_event", "events.timestamp", True),
    ("rrweb_event", "events.data.source", True),
    ("rrweb_event", "events.other", False),
    ("page_close_event", "duration", True),
    ("dom_event", "cssLocator", True),
])
def test_has_field(type_, path, known):
    assert BUILTIN_EVENT_TYPES[P + type_].has_field(path) is known
    assert (BUILTIN_EVENT_TYPES[P + type_].field(path) is not None) is known


def test_field_types_and_arrays():
    xray = BUILTIN_EVENT_TYPES[P + "xray_trace_event"]
    assert xray.field("subsegments").type == "array"
    assert xray.field("subsegments").items == "object"
    assert xray.field("subsegments.subsegments").ref == "subsegments"
    assert xray.field("subsegments.subsegments.start_time").type == "number"
    assert xray.field("cause.exceptions.truncated").type == "integer"
    assert xray.field("annotations.q").type == "any"
    assert xray.free_form == ("annotations", "metadata", "subsegments.annotations",
                              "subsegments.metadata")
    nav = BUILTIN_EVENT_TYPES[P + "performance_navigation_event"]
    assert nav.field("initiatorType").enum == ("navigation", "route_change")
    assert nav.field("version").enum == ("1.0.0",)
    assert nav.field("redirectCount").type == "integer"
    assert nav.field("duration").numeric and not nav.field("nextHopProtocol").numeric
    assert BUILTIN_EVENT_TYPES[P + "http_event"].field("trace_id").max_length == 35


@pytest.mark.parametrize("type_, path, closest", [
    ("performance_resource_event", "transfer_size", "transferSize"),
    ("performance_resource_event", "filetype", "fileType"),
    ("performance_resource_event", "durations", "duration"),
    ("http_event", "response.staus", "response.status"),
    ("http_event", "reponse.status", "response.status"),
    ("http_event", "response.status", "response.status"),
    ("http_event", "zzzzzz", None),
    ("largest_contentful_paint_event", "Value", "value"),
])
def test_closest_field(type_, path, closest):
    assert BUILTIN_EVENT_TYPES[P + type_].closest_field(path) == closest


@pytest.mark.parametrize("name, closest", [
    (P + "http", P + "http_event"),
    (P + "http_event", P + "http_event"),
    ("js_error_event", P + "js_error_event"),
    (P + "page_veiw_event", P + "page_view_event"),
    ("COM.AMAZON.RUM.DOM_EVENT", P + "dom_event"),
    ("my_custom_thing", None),
])
def test_closest_event_type(name, closest):
    assert closest_event_type(name) == closest


@pytest.mark.parametrize("name, ok", [("a", True), ("a.b-c_D9", True), ("x" * 256, True),
                                      ("", False), ("x" * 257, False), ("a b", False)])
def test_custom_event_type_re(name, ok):
    assert bool(et.CUSTOM_EVENT_TYPE_RE.fullmatch(name)) is ok


@pytest.mark.parametrize("name", sorted(BUILTIN_EVENT_TYPES))
def test_details_schema_is_valid_draft_2020_12_and_closed(name):
    t = BUILTIN_EVENT_TYPES[name]
    schema = t.details_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    required = {f.path for f in t.fields.values() if f.required and "." not in f.path}
    assert set(schema.get("required", ())) == required
    assert set(schema["properties"]) == {p for p in t.fields if "." not in p}
    schema["properties"].clear()
    assert t.details_schema()["properties"], "details_schema() must return a fresh copy"


def test_metadata_catalog():
    assert len(md.RESERVED_KEYWORDS) == 20
    assert md.AWS_BUILTIN_KEYS == {"aws:client", "aws:clientVersion", "aws:releaseId",
                                   "aws:userAgent"}
    assert set(md.METADATA_FIELDS) == md.BUILTIN_KEYS
    assert md.METADATA_FIELDS["interaction"].type == "number"
    assert md.METADATA_FIELDS["pageTags"].items == "string"
    assert md.is_builtin_key("pageTags") and not md.is_builtin_key("pageTag")
    schema = md.metadata_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["required"] == ["version", "domain"]
    assert "required" not in md.metadata_schema(enforce_required=False)
    validator = jsonschema.Draft202012Validator(md.metadata_schema(enforce_required=False))
    assert validator.is_valid({"pageId": "/", "custom": 1, "pageTags": ["a"]})
    assert not validator.is_valid({"interaction": "0"})


def test_event_type_built_by_hand_from_specs():
    fields = {"a": et.FieldSpec("a", "object", True), "a.b": et.FieldSpec("a.b", "number"),
              "free": et.FieldSpec("free", "object")}
    t = et.EventType("my.type", "1.0.0", fields, free_form=("free",))
    assert t.has_field("a.b") and t.has_field("free.x.y") and not t.has_field("a.c")
    assert t.closest_field("a.B") == "a.b"
    assert t.details_schema()["required"] == ["a"]
