"""A real client round trip: the engine's PutMetricData bodies go to moto's CloudWatch server
through boto3 and come back through get_metric_statistics; and a process pool (spawn) gives
the same data points as one process."""

from __future__ import annotations

import json
import multiprocessing
from datetime import timedelta

import pytest

from rumrules import MetricEngine, aggregate, put_metric_data_requests
from tests.ingest.payloads import P, event, request

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

NAV = P + "performance_navigation_event"
DEFINITIONS = [
    {"Name": "PerformanceNavigationDuration", "ValueKey": "event_details.duration",
     "UnitLabel": "Milliseconds", "DimensionKeys": {"metadata.browserName": "BrowserName"},
     "EventPattern": json.dumps({"event_type": [NAV], "metadata": {"browserName": ["Chrome", "Firefox"]}})},
    {"Name": "NavigationToleratedTransaction", "EventPattern": json.dumps(
        {"event_type": [NAV], "event_details": {"duration": [{"numeric": [">=", 2000, "<", 8000]}]}})},
    {"Name": "Everything", "Namespace": "Storefront"},
]


def _request(n: int = 60):
    evs = []
    for i in range(1, n + 1):
        details = {"version": "1.0.0", "initiatorType": "navigation", "startTime": 0,
                   "duration": 500.0 + 150 * i}
        meta = {"version": "1.0.0", "domain": "example.com",
                "browserName": "Chrome" if i % 3 else "Firefox"}
        evs.append(dict(event(NAV, details, meta, n=i), timestamp=1712492422 + i))
    return request(*evs)


@pytest.fixture(scope="module")
def cloudwatch():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    client = boto3.client("cloudwatch", region_name="us-east-1",
                          endpoint_url=f"http://{host}:{port}",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    yield client
    server.stop()


def _stats(client, namespace, name, dimensions, start, end):
    out = client.get_metric_statistics(
        Namespace=namespace, MetricName=name, Dimensions=dimensions, StartTime=start,
        EndTime=end, Period=60, Statistics=["SampleCount", "Sum", "Minimum", "Maximum"])
    points = out["Datapoints"]
    return (sum(p["SampleCount"] for p in points), sum(p["Sum"] for p in points),
            min(p["Minimum"] for p in points), max(p["Maximum"] for p in points),
            {p.get("Unit") or "None" for p in points})


@pytest.mark.parametrize("aggregated", [False, True])
def test_put_metric_data_round_trip(cloudwatch, aggregated):
    engine = MetricEngine(DEFINITIONS, app_monitor_name=f"RoundTrip{int(aggregated)}")
    data = engine.process(_request())
    payload = aggregate(data) if aggregated else data
    for body in put_metric_data_requests(payload):
        cloudwatch.put_metric_data(**body)
    start = min(d.timestamp for d in data) - timedelta(minutes=5)
    end = max(d.timestamp for d in data) + timedelta(minutes=5)
    groups: dict = {}
    for d in data:
        key = (d.namespace, d.name, d.unit, tuple(sorted(d.dimensions.items())))
        groups.setdefault(key, []).append(d.value)
    assert len(groups) >= 4
    assert {unit for _, _, unit, _ in groups} == {"Milliseconds", None}
    for (namespace, name, unit, dims), values in groups.items():
        dimensions = [{"Name": k, "Value": v} for k, v in dims]
        got = _stats(cloudwatch, namespace, name, dimensions, start, end)
        # CloudWatch reports a data point sent without a Unit as "None" (moto: no Unit).
        assert got == (len(values), pytest.approx(sum(values)), min(values), max(values),
                       {unit or "None"})


def _work(args):
    definitions, body = args
    engine = MetricEngine(definitions, app_monitor_name="Pool")
    return engine.process(body)


def test_spawn_pool_gives_identical_data_points():
    requests = [_request(20) for _ in range(4)]
    engine = MetricEngine(DEFINITIONS, app_monitor_name="Pool")
    expected = [engine.process(r) for r in requests]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        got = pool.map(_work, [(DEFINITIONS, r) for r in requests])
        via_pickled_engine = pool.map(engine.process, requests)
    assert got == expected
    assert via_pickled_engine == expected
