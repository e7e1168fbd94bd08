"""PutRumEvents end to end: events stored, the app monitor's definitions applied per
destination, data points in the same transaction, a retried BatchId counted once."""

from __future__ import annotations

import gzip
import json
import urllib.request

import pytest

from .traffic import (DEFINITIONS, boto_batch, offline_points, setup_monitor, stored_points,
                      web_batch)


def _post(url: str, body: bytes, headers: dict) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_events_stored_and_data_points_match_the_engine(server, rum, name):
    app_id = setup_monitor(rum, name)
    bodies = [web_batch(app_id, 40, seed) for seed in range(5)]
    for body in bodies:
        rum.put_rum_events(**boto_batch(body))
    events = rum.get_app_monitor_data(Name=name, TimeRange={"After": 0},
                                      MaxResults=100)
    total = len(events["Events"])
    while "NextToken" in events:
        events = rum.get_app_monitor_data(Name=name, TimeRange={"After": 0}, MaxResults=100,
                                          NextToken=events["NextToken"])
        total += len(events["Events"])
    assert total == 200
    expected = offline_points(name, bodies)
    assert expected and stored_points(server.app.state.service.store, app_id) == expected
    names = {k[1] for k in expected}
    assert names == {d["Name"] for d in DEFINITIONS}


def test_a_retried_batch_id_is_acknowledged_and_counted_once(server, rum, name):
    app_id = setup_monitor(rum, name)
    body = web_batch(app_id, 30, 7)
    for _ in range(3):
        rum.put_rum_events(**boto_batch(body))
    store = server.app.state.service.store
    assert stored_points(store, app_id) == offline_points(name, [body])
    with store.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM events WHERE app_monitor_id = ?",
                            (app_id,)).fetchone()[0] == 30


def test_a_refused_request_stores_nothing(server, rum, name):
    app_id = setup_monitor(rum, name)
    body = web_batch(app_id, 5, 3)
    body["RumEvents"][2]["id"] = "not an event id" * 20  # over the model's length
    with pytest.raises(rum.exceptions.ValidationException):
        rum.put_rum_events(**boto_batch(body))
    assert not stored_points(server.app.state.service.store, app_id)
    fixed = web_batch(app_id, 5, 3)  # the same BatchId, now valid: not taken by the refusal
    rum.put_rum_events(**boto_batch(fixed))
    assert stored_points(server.app.state.service.store, app_id) == offline_points(name,
                                                                                   [fixed])


def test_web_client_wire_body_gzip_and_session_metadata(server, rum, name):
    app_id = setup_monitor(rum, name)
    body = web_batch(app_id, 50, 11)
    body["SessionMetadata"] = json.dumps({"version": "1.0.0", "browserName": "Firefox",
                                          "domain": "127.0.0.1"})
    for event in body["RumEvents"]:
        meta = json.loads(event["metadata"])
        del meta["browserName"]
        event["metadata"] = json.dumps(meta)
    raw = gzip.compress(json.dumps(body).encode())
    status, headers, answer = _post(f"{server.url}/appmonitors/{app_id}", raw,
                                    {"Content-Type": "application/json",
                                     "Content-Encoding": "gzip"})
    assert status == 200, answer
    events = rum.get_app_monitor_data(Name=name, TimeRange={"After": 0}, MaxResults=100,
                                      Filters=[{"Name": "Browser", "Values": ["Firefox"]}])
    assert len(events["Events"]) == 50


def test_the_page_and_its_overview(server, rum, name):
    app_id = setup_monitor(rum, name)
    rum.put_rum_events(**boto_batch(web_batch(app_id, 20, 6)))
    with urllib.request.urlopen(f"{server.url}/", timeout=30) as r:
        page = r.read().decode()
        assert r.headers["Content-Type"].startswith("text/html")
    assert "/_rumrules/static/page.js" in page
    with urllib.request.urlopen(f"{server.url}/_rumrules/static/page.js", timeout=30) as r:
        assert b"function chart" in r.read()
    with urllib.request.urlopen(f"{server.url}/_rumrules/overview", timeout=30) as r:
        overview = json.load(r)
    mine = next(m for m in overview["appMonitors"] if m["name"] == name)
    assert mine["events"] == 20 and len(mine["recent"]) == 20
    fired = {d["name"]: sum(p[1] for p in d["points"]) for d in mine["definitions"]}
    expected = offline_points(name, [web_batch(app_id, 20, 6)])  # every value is 1: a count
    assert fired == {d["Name"]: sum(v for k, v in expected.items() if k[1] == d["Name"])
                     for d in DEFINITIONS}
    assert all(fired.values())


def test_definitions_changed_between_batches_apply_from_then_on(server, rum, name):
    app_id = setup_monitor(rum, name)
    first = web_batch(app_id, 30, 31)
    rum.put_rum_events(**boto_batch(first))
    extra = {"Name": "HttpCalls", "Namespace": "Shop",
             "EventPattern": '{"event_type": ["com.amazon.rum.http_event"]}'}
    rum.batch_create_rum_metric_definitions(AppMonitorName=name, Destination="CloudWatch",
                                            MetricDefinitions=[extra])
    second = web_batch(app_id, 30, 32)
    rum.put_rum_events(**boto_batch(second))
    stored = stored_points(server.app.state.service.store, app_id)
    http = {k: v for k, v in stored.items() if k[1] == "HttpCalls"}
    assert http and sum(http.values()) == sum(
        1 for e in second["RumEvents"] if e["type"] == "com.amazon.rum.http_event")
    assert {k: v for k, v in stored.items() if k[1] != "HttpCalls"} == offline_points(
        name, [first, second])


def test_every_destination_gets_its_data_points(server, rum, name):
    app_id = setup_monitor(rum, name)
    arn = "arn:aws:evidently:us-east-1:123456789012:project/shop/feature/checkout"
    rum.put_rum_metrics_destination(AppMonitorName=name, Destination="Evidently",
                                    DestinationArn=arn)
    rum.batch_create_rum_metric_definitions(
        AppMonitorName=name, Destination="Evidently", DestinationArn=arn,
        MetricDefinitions=[{"Name": "PageViews", "Namespace": "Shop", "EventPattern":
                            '{"event_type": ["com.amazon.rum.page_view_event"]}'}])
    body = web_batch(app_id, 40, 41)
    rum.put_rum_events(**boto_batch(body))
    with server.app.state.service.store.read() as conn:
        by_destination = dict(conn.execute(
            "SELECT destination, COUNT(*) FROM data_points WHERE app_monitor_id = ? "
            "GROUP BY destination", (app_id,)))
    views = sum(1 for e in body["RumEvents"] if e["type"] == "com.amazon.rum.page_view_event")
    assert by_destination["Evidently"] == views
    assert by_destination["CloudWatch"] == sum(offline_points(name, [body]).values())
