"""Request-level validation (SPEC §3.1): each constraint with a passing and a failing request."""

from __future__ import annotations

import copy
import gzip
import json
import struct
import tracemalloc
import zlib
from datetime import datetime, timedelta, timezone

import pytest

import rumrules
from rumrules import RequestError
from rumrules.ingestion import _jsontext, ingest_batch

from .payloads import ABSENT, APP_ID, event, request, uid

GOOD_UUID = uid(7)
UPPER_UUID = "ABCDEF12-0000-4000-8000-00000000000A"


def refused(req) -> RequestError:
    with pytest.raises(RequestError) as info:
        ingest_batch(req)
    err = info.value
    assert err.code == "ValidationException"
    assert isinstance(err, rumrules.RumRulesError) and isinstance(err, ValueError)
    return err


def accepted(req) -> list[dict]:
    return ingest_batch(req).documents


# (member overrides that pass, member overrides that fail, the field the error names)
TOP_CASES = [
    ({"Id": GOOD_UUID}, {"Id": "1234"}, "Id"),
    ({"Id": UPPER_UUID}, {"Id": GOOD_UUID + "0"}, "Id"),
    ({"Id": GOOD_UUID}, {"Id": "g" * 8 + GOOD_UUID[8:]}, "Id"),
    ({"Id": GOOD_UUID}, {"Id": 12}, "Id"),
    ({"BatchId": GOOD_UUID}, {"BatchId": ABSENT}, "BatchId"),
    ({"BatchId": GOOD_UUID}, {"BatchId": "x" * 36}, "BatchId"),
    ({"BatchId": GOOD_UUID}, {"BatchId": None}, "BatchId"),
    ({"AppMonitorDetails": {}}, {"AppMonitorDetails": ABSENT, "Id": APP_ID}, "AppMonitorDetails"),
    ({"AppMonitorDetails": {"name": "n", "version": "v"}}, {"AppMonitorDetails": []},
     "AppMonitorDetails"),
    ({"AppMonitorDetails": {"name": "any name"}}, {"AppMonitorDetails": {"name": 5}},
     "AppMonitorDetails.name"),
    ({"AppMonitorDetails": {"version": "1"}}, {"AppMonitorDetails": {"version": ["1"]}},
     "AppMonitorDetails.version"),
    ({"AppMonitorDetails": {"id": APP_ID}}, {"AppMonitorDetails": {"Name": "x"}},
     "AppMonitorDetails.Name"),
    ({"UserDetails": {}}, {"UserDetails": ABSENT}, "UserDetails"),
    ({"UserDetails": {"userId": GOOD_UUID}}, {"UserDetails": {"userId": ""}},
     "UserDetails.userId"),
    ({"UserDetails": {"sessionId": GOOD_UUID}}, {"UserDetails": {"sessionId": "s" * 36}},
     "UserDetails.sessionId"),
    ({"UserDetails": {"sessionId": GOOD_UUID}}, {"UserDetails": {"session": GOOD_UUID}},
     "UserDetails.session"),
    ({"RumEvents": []}, {"RumEvents": ABSENT}, "RumEvents"),
    ({"RumEvents": []}, {"RumEvents": {}}, "RumEvents"),
    ({"RumEvents": [event()]}, {"RumEvents": [event(), "x"]}, "RumEvents[1]"),
    ({"Alias": "a"}, {"Alias": ""}, "Alias"),
    ({"Alias": "a" * 255}, {"Alias": "a" * 256}, "Alias"),
    ({"Alias": ABSENT}, {"Alias": 3}, "Alias"),
    ({"SessionMetadata": "{}"}, {"SessionMetadata": "[]"}, "SessionMetadata"),
    ({"SessionMetadata": '{"a": 1}'}, {"SessionMetadata": '{"a": '}, "SessionMetadata"),
    ({"SessionMetadata": ABSENT}, {"SessionMetadata": 5}, "SessionMetadata"),
    ({}, {"Metadata": "{}"}, "Metadata"),
]


@pytest.mark.parametrize("good, bad, field", TOP_CASES)
def test_top_level_constraint(good, bad, field):
    accepted(request(**good))
    err = refused(request(**bad))
    assert err.field == field
    assert field in err.message


E = "RumEvents[0]"
EVENT_CASES = [
    ({"id": GOOD_UUID}, {"id": "short"}, f"{E}.id"),
    ({"id": UPPER_UUID}, {"id": ABSENT}, f"{E}.id"),
    ({"id": GOOD_UUID}, {"id": None}, f"{E}.id"),
    ({"timestamp": 1712492422}, {"timestamp": ABSENT}, f"{E}.timestamp"),
    ({"timestamp": 1712492422.5}, {"timestamp": True}, f"{E}.timestamp"),
    ({"timestamp": "2024-04-07T12:20:22Z"}, {"timestamp": "yesterday"}, f"{E}.timestamp"),
    ({"timestamp": "1712492422"}, {"timestamp": 1e300}, f"{E}.timestamp"),
    ({"timestamp": 0}, {"timestamp": [1]}, f"{E}.timestamp"),
    # the year range (1-9999) holds in UTC for every form: an offset can move a date-time
    # that is in range locally out of it (10000-01-01T23:58:59Z, 0000-12-31T23:59:00Z)
    ({"timestamp": "9999-12-31T23:59:59Z"}, {"timestamp": "9999-12-31T23:59:59-23:59"},
     f"{E}.timestamp"),
    ({"timestamp": "9999-12-31T23:59:59+23:59"}, {"timestamp": "9999-12-31T23:59:59-00:01"},
     f"{E}.timestamp"),
    ({"timestamp": "0001-01-01T00:00:00Z"}, {"timestamp": "0001-01-01T00:00:00+00:01"},
     f"{E}.timestamp"),
    ({"timestamp": datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(minutes=1)))},
     {"timestamp": datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(minutes=-1)))},
     f"{E}.timestamp"),
    ({"timestamp": 253402300799}, {"timestamp": 253402300800}, f"{E}.timestamp"),
    ({"type": "my.custom"}, {"type": ABSENT}, f"{E}.type"),
    ({"type": "my.custom"}, {"type": 1}, f"{E}.type"),
    ({"details": "{}"}, {"details": ABSENT}, f"{E}.details"),
    ({"details": '{"version": "1.0.0"}'}, {"details": 5}, f"{E}.details"),
    ({"details": '{"version": "1.0.0"}'}, {"details": ["{}"]}, f"{E}.details"),
    ({"metadata": "{}"}, {"metadata": 1.5}, f"{E}.metadata"),
    ({"metadata": ABSENT}, {"metadata": True}, f"{E}.metadata"),
    ({}, {"Details": "{}"}, f"{E}.Details"),
]


def _event_with(members):
    ev = event()
    for key, value in members.items():
        if value is ABSENT:
            ev.pop(key, None)
        else:
            ev[key] = value
    return ev


@pytest.mark.parametrize("good, bad, field", EVENT_CASES)
def test_event_constraint(good, bad, field):
    accepted(request(_event_with(good)))
    err = refused(request(_event_with(bad)))
    assert err.field == field


def test_error_names_the_event_index_and_nothing_is_half_applied():
    events = [event(n=i) for i in range(6)]
    events[4]["id"] = "not-a-uuid"
    with pytest.raises(RequestError) as info:
        rumrules.ingest(request(*events))
    assert info.value.field == "RumEvents[4].id"
    assert "RumEvents[4].id" in str(info.value)
    assert info.value.message.startswith("Value 'not-a-uuid' at 'RumEvents[4].id' failed to "
                                         "satisfy constraint")


def test_empty_event_list_is_accepted():
    result = ingest_batch(request(RumEvents=[]))
    assert result.documents == [] and result.dropped_events == []


def test_wire_body_without_id_uses_app_monitor_details_id():
    req = request(Id=ABSENT)
    docs = accepted(json.dumps(req))
    assert docs[0]["application_id"] == APP_ID


def test_wire_body_without_any_id_is_refused():
    req = request(Id=ABSENT, AppMonitorDetails={"version": "1"})
    assert refused(json.dumps(req)).field == "Id"


def test_app_monitor_details_id_must_be_uuid_when_it_stands_for_id():
    req = request(Id=ABSENT, AppMonitorDetails={"id": "nope"})
    assert refused(req).field == "AppMonitorDetails.id"


def test_unknown_member_hint():
    err = refused(request(RumEvent=[]))
    assert err.field == "RumEvent" and err.hint == "did you mean 'RumEvents'?"


@pytest.mark.parametrize("body, words", [
    ("", "not valid JSON"),
    ("{", "not valid JSON"),
    ("[]", "must be a JSON object"),
    ("null", "must be a JSON object"),
    ('{"BatchId": NaN}', "not valid JSON"),
    ('{"BatchId": 1e400}', "number 1e400 is out of range"),
    ("{} x", "not valid JSON"),
    (b"\xff\xfe\x00", "not valid"),
    (gzip.compress(b"{", mtime=0)[:-4], "gzip"),
    (b"\x1f\x8bgarbage", "gzip"),
    (gzip.compress(b"{}", mtime=0) + b"garbage", "gzip"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
])
def test_bad_bodies(body, words):
    err = refused(body)
    assert words in err.message
    assert err.field is None


def test_year_range_message_for_an_offset_date_time():
    err = refused(request(event(timestamp="9999-12-31T23:59:59-23:59")))
    assert err.field == "RumEvents[0].timestamp"
    assert "out of range (years 1 to 9999, UTC)" in err.message


# -- gzip bodies: decompressed to at most MAX_BODY_BYTES -----------------------------------
def _zeros_bomb(mib: int) -> bytes:
    """A valid gzip stream of ``mib`` MiB of zero bytes, about 1 KB per MiB, made without
    holding the output: one fully flushed deflate block, repeated."""
    chunk = bytes(1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    comp.compress(chunk)
    comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)  # the same after a reset
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + block * mib + comp.flush()
            + struct.pack("<II", crc, (mib << 20) & 0xFFFFFFFF))


def test_gzip_bomb_is_refused_and_never_fully_decompressed():
    bomb = _zeros_bomb(64)
    assert len(bomb) < 100_000
    assert gzip.decompress(_zeros_bomb(2)) == bytes(2 << 20)  # a valid stream
    tracemalloc.start()
    try:
        err = refused(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.message == ("The request body is too large: the gzip-compressed request body "
                           "decompresses to more than 16777216 bytes (16 MiB), the limit")
    assert err.field is None
    # the output is cut at the limit: 64 MiB would take at least 64 MiB
    assert peak < 3 * _jsontext.MAX_BODY_BYTES


def test_gzip_body_limit_boundary_and_members(monkeypatch):
    body = json.dumps(request()).encode()
    monkeypatch.setattr(_jsontext, "MAX_BODY_BYTES", len(body))
    assert len(accepted(gzip.compress(body))) == 1
    assert "more than" in refused(gzip.compress(b" " + body)).message
    # gzip members one after another are one body (as gzip.decompress reads them), and the
    # limit is on their sum; NUL padding after the last member is ignored
    half = len(body) // 2
    two = gzip.compress(body[:half]) + gzip.compress(body[half:])
    assert len(accepted(two + b"\x00\x00")) == 1
    assert "more than" in refused(gzip.compress(b" ") + two).message


def test_body_error_has_line_and_column():
    err = refused('{\n  "BatchId": ,\n}')
    assert (err.line, err.column) == (2, 14)


@pytest.mark.parametrize("value", [42, None, 1.5, ["{}"], object()])
def test_request_of_wrong_python_type(value):
    assert "PutRumEvents request" in refused(value).message


def test_request_is_not_mutated():
    req = request(event(metadata={"pageId": "/", "bad key": 1}))
    before = copy.deepcopy(req)
    ingest_batch(req)
    assert req == before


@pytest.mark.parametrize("name, value", [("app_monitor_name", 5), ("account_id", 123)])
def test_caller_arguments_are_strings(name, value):
    with pytest.raises(TypeError):
        ingest_batch(request(), **{name: value})
