"""The stored document (SPEC §3.2)."""

from __future__ import annotations

import json

import pytest

from rumrules.catalog.keys import FIRST_LEVEL_KEYS
from rumrules.ingestion import ingest, ingest_batch

from .payloads import (
    ABSENT, APP_ID, BATCH_ID, P, SESSION_ID, T0, USER_ID, event, request, uid,
)

HTTP_DETAILS = {"version": "1.0.0", "request": {"method": "GET", "url": "/api"},
                "response": {"status": 404, "statusText": "Not Found"}}


def one(req, **kw):
    docs = ingest(req, **kw)
    assert len(docs) == 1
    return docs[0]


def test_every_field_of_the_stored_document():
    req = request(event(P + "http_event", HTTP_DETAILS,
                        {"pageId": "/", "interaction": 0, "browserName": "Chrome"}))
    doc = one(req, app_monitor_name="MyWebApp", account_id="123456789012")
    assert doc == {
        "userId": USER_ID,
        "sessionId": SESSION_ID,
        "application_id": APP_ID,
        "application_Id": APP_ID,
        "application_version": "1.0.0",
        "application_name": "MyWebApp",
        "event_id": uid(0x101),
        "event_timestamp": T0 * 1000,
        "event_type": P + "http_event",
        "event_version": "1.0.0",
        "log_stream": {"seconds": T0, "nanos": 0},
        "batch_id": BATCH_ID,
        "metadata": {"pageId": "/", "interaction": 0, "browserName": "Chrome"},
        "event_details": HTTP_DETAILS,
        "user_details": {"sessionId": SESSION_ID, "userId": USER_ID},
        "account_id": "123456789012",
        "event_interaction": "%2F-0",
    }
    json.dumps(doc, allow_nan=False)  # a JSON document


def test_the_document_keys_are_first_level_keys_the_checker_knows():
    doc = one(request(event(metadata={"pageId": "/p", "interaction": 1})),
              app_monitor_name="n", account_id="1")
    assert set(doc) <= FIRST_LEVEL_KEYS


@pytest.mark.parametrize("stamp, ms", [
    (1712492422, 1712492422000),
    (1712492422.5, 1712492422500),
    (1712492422.123, 1712492422123),
    ("2024-04-07T12:20:22Z", 1712492422000),
    ("2024-04-07T14:20:22.250+02:00", 1712492422250),
    ("2024-04-07T12:20:22", 1712492422000),  # no offset: UTC, as botocore reads it
    ("2024-04-07", 1712448000000),
    ("9999-12-31T23:59:59-00:00", 253402300799000),
    ("9999-12-31T23:59:59.999+23:59", 253402214459999),
])
def test_event_timestamp_is_epoch_milliseconds(stamp, ms):
    doc = one(request(event(timestamp=stamp)))
    assert doc["event_timestamp"] == ms
    assert doc["log_stream"] == {"seconds": ms // 1000, "nanos": ms % 1000 * 1_000_000}


def test_application_name_defaults_to_app_monitor_details_name():
    assert one(request())["application_name"] == "MyWebApp"
    assert one(request(), app_monitor_name="Other")["application_name"] == "Other"
    doc = one(request(AppMonitorDetails={"id": APP_ID}))
    assert "application_name" not in doc and "application_version" not in doc


def test_absent_values_are_left_out_not_null():
    doc = one(request(event(details={"version": "1.0.0"}), UserDetails={}))
    for key in ("userId", "sessionId", "account_id", "event_interaction"):
        assert key not in doc
    assert doc["user_details"] == {}


def test_event_version_comes_from_details_version():
    assert one(request(event(P + "dom_event", {"version": "1.1.0", "event": "click"})))[
        "event_version"] == "1.1.0"
    assert "event_version" not in one(request(event(P + "page_view_event", {"pageId": "/"})))
    assert one(request(event("my.custom", {"version": 2})))["event_version"] == 2


@pytest.mark.parametrize("meta, expected", [
    ({"pageId": "/", "interaction": 0}, "%2F-0"),
    ({"pageId": "/products/42?x=1", "interaction": 3}, "%2Fproducts%2F42%3Fx%3D1-3"),
    ({"pageId": "/", "interaction": 2.0}, "%2F-2"),
    ({"pageId": "/"}, None),
    ({"interaction": 1}, None),
])
def test_event_interaction(meta, expected):
    doc = one(request(event(metadata=meta)))
    assert doc.get("event_interaction") == expected


def _containers(value, found):
    """ids of every list and dict inside ``value``."""
    if isinstance(value, (list, dict)):
        found.add(id(value))
        for item in value.values() if isinstance(value, dict) else value:
            _containers(item, found)
    return found


SHARED_SESSION = {"domain": "d", "pageTags": ["a", "b"], "version": "1.0.0"}


@pytest.mark.parametrize("session", [
    json.dumps(SHARED_SESSION),
    SHARED_SESSION,                                   # given as an object
    json.dumps({**SHARED_SESSION, "bad key": 1}),     # with an attribute removed
    json.dumps({**SHARED_SESSION, "pageId": "/s"}),   # with a key the events override
])
def test_documents_do_not_share_mutable_parts(session):
    details = {"version": "1.0.0", "steps": [{"n": 1}], "cart": {"items": [1, 2]}}
    events = [event("my.custom", details, {"pageId": "/", "interaction": 0}, n=1),
              event("my.custom", details, n=2),
              event(P + "session_start_event", n=3)]
    docs = ingest(request(*events, SessionMetadata=session))
    assert len(docs) == 3 and all(d["metadata"]["pageTags"] == ["a", "b"] for d in docs)
    seen: set[int] = set()
    for doc in docs:
        mine = _containers(doc, set())
        assert not mine & seen, "a list or object is shared between documents"
        seen |= mine
    docs[0]["metadata"]["pageTags"].append("x")
    docs[0]["metadata"]["x"] = 1
    docs[0]["user_details"]["x"] = 1
    assert docs[1]["metadata"]["pageTags"] == ["a", "b"]
    assert "x" not in docs[1]["metadata"] and "x" not in docs[1]["user_details"]
    if isinstance(session, dict):
        assert session["pageTags"] == ["a", "b"]  # nor with the caller's objects


def test_id_absent_in_wire_body_gives_application_id_from_details():
    doc = one(json.dumps(request(Id=ABSENT)))
    assert doc["application_id"] == doc["application_Id"] == APP_ID


def test_ingest_equals_ingest_batch_documents():
    req = request(event(n=1), event("bad type!", n=2), event(n=3))
    assert ingest(req) == ingest_batch(req).documents
