"""SessionMetadata merge and the custom attribute rules (SPEC §3.1)."""

from __future__ import annotations

import json

import pytest

from rumrules import RequestError
from rumrules.catalog.metadata import AWS_BUILTIN_KEYS, RESERVED_KEYWORDS
from rumrules.ingestion import ingest_batch

from .payloads import event, request


def run(event_meta=None, session=None, n_events=1):
    members = {} if session is None else {"SessionMetadata": json.dumps(session)}
    events = [event(metadata=event_meta, n=i) for i in range(n_events)]
    return ingest_batch(request(*events, **members))


def stored(event_meta=None, session=None):
    result = run(event_meta, session)
    return result.documents[0]["metadata"], result.dropped_attributes


def test_session_metadata_is_merged_under_event_metadata_event_keys_win():
    meta, dropped = stored({"pageId": "/a", "browserName": "Firefox"},
                           {"browserName": "Chrome", "domain": "d.example", "version": "1.0.0"})
    assert meta == {"browserName": "Firefox", "domain": "d.example", "version": "1.0.0",
                    "pageId": "/a"}
    assert list(meta) == ["browserName", "domain", "version", "pageId"]
    assert dropped == []


def test_session_metadata_applies_to_every_event():
    result = run({"pageId": "/"}, {"domain": "d.example"}, n_events=3)
    assert [d["metadata"] for d in result.documents] == [{"domain": "d.example", "pageId": "/"}] * 3


def test_no_metadata_at_all_gives_empty_object():
    meta, dropped = stored()
    assert meta == {} and dropped == []


def test_required_metadata_members_are_not_enforced():
    meta, dropped = stored({"pageId": "/"})  # no version, no domain
    assert meta == {"pageId": "/"} and dropped == []


@pytest.mark.parametrize("key", ["custom_attribute_key_at_runtime",
                                 "valid:customAttributeKeyAtRuntime", "a", "x" * 128,
                                 "applicationVersion", "pageTagsExtra", "AWS:upper"])
def test_valid_custom_keys(key):
    meta, dropped = stored({key: "v"})
    assert meta == {key: "v"} and dropped == []


@pytest.mark.parametrize("key, words", [
    ("aws:invalidCustomAttributeKey", "must not start with 'aws:'"),
    ("invalid-custom-attribute-key", "must match"),
    ("invalid custom attribute key", "must match"),
    ("invalid.custom.attribute.key", "must match"),
    ("x" * 129, "must match"),
    ("", "must match"),
    ("ключ", "must match"),
])
def test_invalid_custom_keys_are_removed_and_reported(key, words):
    meta, dropped = stored({"pageId": "/", key: "v"})
    assert meta == {"pageId": "/"}
    (index, k, reason), = dropped
    assert (index, k) == (0, key) and words in reason


@pytest.mark.parametrize("value, ok", [
    ("s", True), ("x" * 256, True), ("x" * 257, False), (0, True), (-1.5, True),
    (True, True), (False, True), (None, False), ([1], False), ({"a": 1}, False),
    (10 ** 300, False),
])
def test_custom_values(value, ok):
    meta, dropped = stored({"k": value})
    assert ("k" in meta) is ok
    assert (dropped == []) is ok


def test_only_the_first_ten_valid_custom_attributes_are_kept_session_first():
    session = {f"s{i}": i for i in range(4)} | {"domain": "d"}
    own = {"bad key": 1} | {f"e{i}": i for i in range(8)} | {"pageId": "/"}
    meta, dropped = stored(own, session)
    kept = [k for k in meta if k not in ("domain", "pageId")]
    assert kept == ["s0", "s1", "s2", "s3", "e0", "e1", "e2", "e3", "e4", "e5"]
    assert meta["domain"] == "d" and meta["pageId"] == "/"
    assert [k for _, k, _ in dropped] == ["bad key", "e6", "e7"]
    assert "more than 10 custom attributes" in dropped[1][2]


def test_exactly_ten_custom_attributes_are_all_kept():
    meta, dropped = stored({f"k{i}": i for i in range(10)})
    assert len(meta) == 10 and dropped == []


def test_eleven_custom_attributes_from_session_alone():
    meta, dropped = stored({"pageId": "/"}, {f"k{i}": i for i in range(11)})
    assert "k10" not in meta and [k for _, k, _ in dropped] == ["k10"]


def test_event_override_of_a_session_key_keeps_the_session_position():
    session = {f"s{i}": i for i in range(10)}
    meta, dropped = stored({"e": 1, "s9": "override"}, session)
    assert meta["s9"] == "override" and "e" not in meta
    assert [k for _, k, _ in dropped] == ["e"]


def test_event_override_can_make_a_session_attribute_invalid():
    meta, dropped = stored({"s": "x" * 300}, {"s": "fine"})
    assert meta == {} and [k for _, k, _ in dropped] == ["s"]


def test_event_override_can_repair_a_session_attribute():
    meta, dropped = stored({"s": "fine"}, {"s": "x" * 300})
    assert meta == {"s": "fine"} and dropped == []


def test_builtin_keys_do_not_count_as_custom_attributes():
    builtins = {k: "x" for k in RESERVED_KEYWORDS | AWS_BUILTIN_KEYS}
    builtins.update(version="1.0.0", interaction=0, pageTags=["a", "b"])
    customs = {f"c{i}": i for i in range(10)}
    meta, dropped = stored(customs, builtins)
    assert len(meta) == 24 + 10 and dropped == []


@pytest.mark.parametrize("key, value", [
    ("interaction", "0"), ("interaction", True), ("pageTags", "a"), ("pageTags", [1]),
    ("version", "2.0.0"), ("browserName", 5), ("aws:client", None),
])
def test_builtin_key_with_wrong_type_is_removed_and_reported(key, value):
    meta, dropped = stored({"pageId": "/", key: value})
    assert meta == {"pageId": "/"}
    (index, k, reason), = dropped
    assert k == key and "built-in key" in reason


def test_same_session_fault_is_reported_for_each_event():
    result = run({"pageId": "/"}, {"bad key": 1}, n_events=2)
    assert result.dropped_attributes == [(0, "bad key", result.dropped_attributes[0][2]),
                                         (1, "bad key", result.dropped_attributes[0][2])]
    assert all(d["metadata"] == {"pageId": "/"} for d in result.documents)


def test_session_metadata_as_an_object_is_accepted():
    result = ingest_batch(request(event(metadata={"pageId": "/"}),
                                  SessionMetadata={"domain": "d"}))
    assert result.documents[0]["metadata"] == {"domain": "d", "pageId": "/"}


# -- numbers too large for a double (json.loads would make them inf) ------------------------
# A text holding one is not accepted JSON, as with NaN: the event's metadata drops the event
# (like '{"custom": NaN}'), SessionMetadata refuses the request; the object form is refused
# too (a non-finite float cannot be serialised as JSON).
@pytest.mark.parametrize("literal", ["1e400", "-1e999", "1E+309"])
@pytest.mark.parametrize("key", ["custom", "interaction"])
def test_overflowing_number_in_metadata_drops_the_event(key, literal):
    text = '{"pageId": "/", "%s": %s}' % (key, literal)
    result = ingest_batch(request(event(metadata=text), event(metadata={key: 1}, n=2)))
    assert len(result.documents) == 1 and result.dropped_attributes == []
    (index, reason), = result.dropped_events
    assert index == 0
    assert reason == f"metadata is not valid JSON: number {literal} is out of range " \
                     "(larger than a double)"
    nan = ingest_batch(request(event(metadata='{"pageId": "/", "%s": NaN}' % key)))
    assert nan.dropped_events[0][1].startswith("metadata is not valid JSON")  # the same way


def test_overflowing_number_in_session_metadata_refuses_the_request():
    with pytest.raises(RequestError) as info:
        ingest_batch(request(SessionMetadata='{"domain": "d", "custom": 1e400}'))
    assert info.value.field == "SessionMetadata"
    assert "number 1e400 is out of range" in info.value.message


@pytest.mark.parametrize("member", ["metadata", "details", "SessionMetadata"])
@pytest.mark.parametrize("number", [float("inf"), float("-inf"), float("nan")])
def test_non_finite_number_in_object_form_is_refused(member, number):
    value = {"version": "1.0.0", "custom": number}
    if member == "SessionMetadata":
        req, field = request(SessionMetadata=value), "SessionMetadata"
    else:
        ev = event()
        ev[member] = value  # the object itself, not a JSON text of it
        req, field = request(ev), f"RumEvents[0].{member}"
    with pytest.raises(RequestError) as info:
        ingest_batch(req)
    assert info.value.field == field and "Member must be JSON" in info.value.message
