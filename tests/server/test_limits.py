"""Limits: body size (declared or streamed, gzip decoded size), the time to receive a body,
events per request and per second per app monitor; each refused in the service's error shape
before anything is stored, and nothing acknowledged lost.  CORS preflight by Domain."""

from __future__ import annotations

import gzip
import http.client
import json
import socket
import time
import uuid

import pytest

from rumrules.server import Limits, TrafficOptions

from .conftest import ThreadServer, rum_client
from .traffic import boto_batch, web_batch

LIMITS = Limits(max_body_bytes=64 * 1024, max_decoded_bytes=256 * 1024, request_seconds=1.0,
                max_events_per_request=20, events_per_second=50)


@pytest.fixture(scope="module")
def limited():
    s = ThreadServer(traffic=TrafficOptions(limits=LIMITS))
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def monitor_id(limited):
    rum = rum_client(limited.url)
    name = f"limits-{uuid.uuid4().hex[:12]}"
    return rum.create_app_monitor(Name=name, Domain="*.shop.example",
                                  CustomEvents={"Status": "ENABLED"})["Id"], name


def _request(server, method, path, body=b"", headers=None, chunked=False):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
    r = conn.getresponse()
    out = r.status, r.headers, r.read()  # headers: case-insensitive
    conn.close()
    return out


def _stored(server, app_id: str) -> int:
    with server.app.state.service.store.read() as conn:
        return conn.execute("SELECT COUNT(*) FROM events WHERE app_monitor_id = ?",
                            (app_id,)).fetchone()[0]


def _error(answer) -> tuple[int, str]:
    status, headers, body = answer
    assert headers["x-amzn-ErrorType"] == json.loads(body)["__type"]
    return status, json.loads(body)["__type"]


def test_body_over_the_limit(limited, monitor_id):
    app_id, _ = monitor_id
    body = json.dumps(web_batch(app_id, 20, 1)).encode() + b" " * 70_000
    assert _error(_request(limited, "POST", f"/appmonitors/{app_id}/", body)) == (
        413, "RequestEntityTooLargeException")
    assert _error(_request(limited, "POST", f"/appmonitors/{app_id}/", iter([body]),
                           chunked=True)) == (413, "RequestEntityTooLargeException")
    bomb = gzip.compress(json.dumps(web_batch(app_id, 20, 1)).encode() + b" " * 300_000)
    assert len(bomb) < LIMITS.max_body_bytes
    assert _error(_request(limited, "POST", f"/appmonitors/{app_id}/", bomb,
                           {"Content-Encoding": "gzip"})) == (413, "RequestEntityTooLargeException")
    assert _error(_request(limited, "POST", f"/appmonitors/{app_id}/", b"\x1f\x8bnot gzip",
                           {"Content-Encoding": "gzip"})) == (400, "SerializationException")
    assert _stored(limited, app_id) == 0


def test_a_slow_body_times_out(limited, monitor_id):
    app_id, _ = monitor_id
    with socket.create_connection(("127.0.0.1", limited.port), timeout=30) as sock:
        sock.sendall(f"POST /appmonitors/{app_id}/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     f"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{".encode())
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert json.loads(body)["__type"] == "RequestTimeoutException"


def test_events_per_request(limited, monitor_id):
    app_id, _ = monitor_id
    rum = rum_client(limited.url)
    with pytest.raises(rum.exceptions.ValidationException, match="less than or equal to 20"):
        rum.put_rum_events(**boto_batch(web_batch(app_id, 21, 2)))
    assert _stored(limited, app_id) == 0


def test_events_per_second_throttles_and_loses_nothing_acknowledged(limited, monitor_id):
    app_id, _ = monitor_id
    acknowledged, throttled = 0, []
    for seed in range(6):  # 6 x 20 events at once (no client retries): the bucket holds 50
        body = json.dumps(web_batch(app_id, 20, 100 + seed)).encode()
        answer = _request(limited, "POST", f"/appmonitors/{app_id}/", body)
        if answer[0] == 200:
            acknowledged += 20
        else:
            assert _error(answer) == (429, "ThrottlingException")
            assert int(answer[1]["Retry-After"]) >= 1
            throttled.append(body)
    assert acknowledged == 40 and len(throttled) == 4
    assert _stored(limited, app_id) == 40
    time.sleep(20 / LIMITS.events_per_second + 0.1)
    # retried once the bucket refilled
    assert _request(limited, "POST", f"/appmonitors/{app_id}/", throttled[0])[0] == 200
    assert _stored(limited, app_id) == 60


@pytest.mark.parametrize("origin, allowed", [("http://www.shop.example:8080", True),
                                             ("https://a.b.shop.example", True),
                                             ("http://shop.example.evil.com", False),
                                             ("http://127.0.0.1:9000", False)])
def test_cors_preflight_by_domain(limited, monitor_id, origin, allowed):
    app_id, _ = monitor_id
    status, headers, _ = _request(limited, "OPTIONS", f"/appmonitors/{app_id}", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,content-encoding"})
    if allowed:
        assert status == 204
        assert headers["access-control-allow-origin"] == origin
        assert "POST" in headers["access-control-allow-methods"]
        assert headers["access-control-allow-headers"] == "content-type,content-encoding"
        body = json.dumps(web_batch(app_id, 5, 9)).encode()
        status, headers, _ = _request(limited, "POST", f"/appmonitors/{app_id}", body,
                                      {"Origin": origin, "Content-Type": "text/plain"})
        assert status == 200 and headers["access-control-allow-origin"] == origin
    else:
        assert status == 403 and "access-control-allow-origin" not in {
            k.lower() for k in headers}
