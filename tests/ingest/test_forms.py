"""The forms a request comes in: web client bodies (v2, v3, gzip), boto3 dicts, CLI input."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta, timezone

import pytest

from rumrules.ingestion import ingest, ingest_batch

from .payloads import (
    DATA, SESSION_ATTRS, T0, body_bytes, event, request, web_client_request,
)


def load(name: str):
    raw = (DATA / name).read_bytes()
    return gzip.decompress(raw) if name.endswith(".gz") else raw


@pytest.mark.parametrize("name, version", [("web_v2_batch.json", 2), ("web_v3_batch.json", 3)])
def test_web_client_fixture(name, version):
    body = load(name)
    result = ingest_batch(body, app_monitor_name="shop", account_id="123456789012")
    n = len(json.loads(body)["RumEvents"])
    assert len(result.documents) == n
    assert result.dropped_events == [] and result.dropped_attributes == []
    for doc in result.documents:
        meta = doc["metadata"]
        assert meta["browserName"] == "Chrome" and meta["domain"] == "shop.example.com"
        assert meta["tenant"] == "acme" and meta["experiment:checkout"] is True
        assert meta["aws:clientVersion"] == ("2.1.0" if version == 2 else "3.2.0")
    types = {d["event_type"] for d in result.documents}
    assert "com.amazon.rum.session_start_event" in types


def test_v2_and_v3_shapes_store_the_same_metadata():
    v2 = ingest(body_bytes(web_client_request(30, version=2, seed=5)))
    v3 = ingest(body_bytes(web_client_request(30, version=3, seed=5)))
    for a, b in zip(v2, v3):
        a_meta = dict(a["metadata"], **{"aws:clientVersion": "x"})
        b_meta = dict(b["metadata"], **{"aws:clientVersion": "x"})
        assert a_meta == b_meta
        assert a["event_details"] == b["event_details"]


def test_v3_session_metadata_is_in_every_document():
    docs = ingest(body_bytes(web_client_request(20, version=3)))
    for doc in docs:
        assert SESSION_ATTRS.items() <= doc["metadata"].items()


def test_gzip_body_equals_plain_body():
    req = web_client_request(100, version=3)
    plain = ingest(body_bytes(req))
    assert ingest(body_bytes(req, gzip_it=True)) == plain
    assert len(plain) == 100


def test_gzip_fixture_of_100_events():
    raw = (DATA / "web_v3_batch100.json.gz").read_bytes()
    assert raw[:2] == b"\x1f\x8b"
    result = ingest_batch(raw)
    assert len(result.documents) == 100 and not result.dropped_events


@pytest.mark.parametrize("form", ["str", "bytes", "bytearray", "memoryview", "utf16", "dict"])
def test_body_forms_give_the_same_documents(form):
    req = web_client_request(5)
    text = json.dumps(req)
    body = {"str": text, "bytes": text.encode(), "bytearray": bytearray(text.encode()),
            "memoryview": memoryview(text.encode()), "utf16": text.encode("utf-16"),
            "dict": req}[form]
    assert ingest(body) == ingest(text)


def test_boto3_dict_with_datetimes():
    aware = datetime(2024, 4, 7, 12, 20, 22, 500000, tzinfo=timezone.utc)
    naive = datetime(2024, 4, 7, 12, 20, 22)
    shifted = datetime(2024, 4, 7, 14, 20, 22, tzinfo=timezone(timedelta(hours=2)))
    docs = ingest(request(event(timestamp=aware, n=1), event(timestamp=naive, n=2),
                          event(timestamp=shifted, n=3)))
    assert [d["event_timestamp"] for d in docs] == [T0 * 1000 + 500, T0 * 1000, T0 * 1000]


def test_cli_input_json_form_with_iso_timestamps():
    cli = {
        "Id": "a1b2c3d4-0000-4000-8000-0123456789ab",
        "BatchId": "ba7c4000-1111-4222-8333-0123456789ab",
        "AppMonitorDetails": {"name": "MyWebApp", "id": "a1b2c3d4-0000-4000-8000-0123456789ab",
                              "version": "1.0.0"},
        "UserDetails": {"userId": "00000000-0000-0000-0000-000000000000",
                        "sessionId": "5e551011-aaaa-4bbb-8ccc-0123456789ab"},
        "RumEvents": [{
            "id": "0b4e3d1c-0000-4000-8000-0123456789ab",
            "timestamp": "2024-04-07T12:20:22Z",
            "type": "com.amazon.rum.performance_resource_event",
            "details": json.dumps({"version": "1.0.0", "initiatorType": "img",
                                   "duration": 12.5, "fileType": "image",
                                   "targetUrl": "https://x.example/a.png", "transferSize": 0,
                                   "startTime": 1}),
            "metadata": json.dumps({"version": "1.0.0", "domain": "x.example",
                                    "pageId": "/", "interaction": 0}),
        }],
    }
    doc, = ingest(json.dumps(cli, indent=2), account_id="123456789012")
    assert doc["event_timestamp"] == T0 * 1000
    assert doc["event_details"]["fileType"] == "image"


def test_details_and_metadata_given_as_objects_are_accepted():
    ev = event()
    ev["details"] = {"version": "1.0.0"}
    ev["metadata"] = {"pageId": "/", "tags": "x"}
    doc, = ingest(request(ev))
    assert doc["event_details"] == {"version": "1.0.0"}
    assert doc["metadata"] == {"pageId": "/", "tags": "x"}
    ev["details"]["version"] = "changed"
    assert doc["event_details"] == {"version": "1.0.0"}  # a copy, not the caller's dict


def test_details_object_that_is_not_json_is_refused():
    ev = event()
    ev["details"] = {"when": datetime(2024, 1, 1)}
    from rumrules import RequestError

    with pytest.raises(RequestError) as info:
        ingest(request(ev))
    assert info.value.field == "RumEvents[0].details"


def test_tuple_of_events_is_accepted_like_a_list():
    assert len(ingest(request(RumEvents=(event(n=1), event(n=2))))) == 2
