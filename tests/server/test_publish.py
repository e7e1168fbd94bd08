"""Metrics out: the server forwards the data points it stored to moto's CloudWatch server
(boto3 PutMetricData), and get_metric_statistics returns what the engine computes offline;
EMF lines for an app monitor with CwLogEnabled."""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from moto.server import ThreadedMotoServer

from rumrules.server import TrafficOptions

from .conftest import ThreadServer, rum_client
from .traffic import boto_batch, engine, setup_monitor, web_batch

DRAIN_SECONDS = 30


@pytest.fixture(scope="module")
def moto_url():
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        moto.stop()


def _drain(server: ThreadServer) -> None:
    store = server.app.state.service.store
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        with store.read() as conn:
            if not conn.execute("SELECT COUNT(*) FROM data_points WHERE published = 0"
                                ).fetchone()[0]:
                return
        time.sleep(0.1)
    raise AssertionError("the publisher did not drain the data points")


def test_cloudwatch_round_trip_and_emf(moto_url, tmp_path):
    emf = tmp_path / "emf"
    server = ThreadServer(traffic=TrafficOptions(cloudwatch_endpoint=moto_url,
                                                 emf_dir=str(emf)))
    try:
        rum = rum_client(server.url)
        name = "moto-round-trip"
        app_id = setup_monitor(rum, name)
        rum.update_app_monitor(Name=name, CwLogEnabled=True)
        bodies = [web_batch(app_id, 60, seed) for seed in (21, 100, 500)]  # three minutes
        for body in bodies:
            rum.put_rum_events(**boto_batch(body))
        _drain(server)
    finally:
        server.stop()
    offline = [d for body in bodies for d in engine(name).process(body)]
    groups: dict = defaultdict(list)
    for d in offline:
        groups[(d.namespace, d.name, tuple(sorted(d.dimensions.items())))].append(d)
    assert {k[1] for k in groups} == {"PageViewCount", "JsErrorCount", "Clicks"}
    cloudwatch = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=moto_url,
                              aws_access_key_id="testing", aws_secret_access_key="testing")
    for (namespace, metric, dims), data in groups.items():
        # periods count from StartTime: start on a minute, as the data points' minutes do
        start = min(d.timestamp for d in data).replace(second=0, microsecond=0) \
            - timedelta(minutes=5)
        end = max(d.timestamp for d in data) + timedelta(minutes=5)
        got = cloudwatch.get_metric_statistics(
            Namespace=namespace, MetricName=metric, StartTime=start, EndTime=end, Period=60,
            Dimensions=[{"Name": k, "Value": v} for k, v in dims],
            Statistics=["SampleCount", "Sum"])["Datapoints"]
        by_minute: dict = defaultdict(lambda: [0, 0.0])
        for d in data:
            minute = d.timestamp.replace(second=0, microsecond=0)
            by_minute[minute][0] += 1
            by_minute[minute][1] += d.value
        # per minute (moto stamps a period with its first data point's time: compare the
        # minutes' statistics in order)
        assert [[p["SampleCount"], p["Sum"]] for p in sorted(got, key=lambda p: p["Timestamp"])
                ] == [by_minute[m] for m in sorted(by_minute)], (namespace, metric, dims)
    lines = (emf / f"{name}.log").read_text().splitlines()
    assert len(lines) == len(offline)
    records = [json.loads(line) for line in lines]
    assert sorted((r["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"],
                   r["_aws"]["Timestamp"]) for r in records) == sorted(
        (d.name, int(d.timestamp.timestamp() * 1000)) for d in offline)
    assert all(isinstance(r["application_name"], str) for r in records)
    assert datetime.fromtimestamp(records[0]["_aws"]["Timestamp"] / 1000, timezone.utc).year > 2000


def test_a_failed_send_is_released_and_sent_later(moto_url, tmp_path):
    from botocore.config import Config
    from botocore.exceptions import EndpointConnectionError

    from rumrules.server import Publisher

    from .process import free_port

    server = ThreadServer()
    try:
        rum = rum_client(server.url)
        app_id = setup_monitor(rum, "down-then-up")
        body = web_batch(app_id, 30, 51)
        rum.put_rum_events(**boto_batch(body))
        service = server.app.state.service
        down = boto3.client("cloudwatch", region_name="us-east-1",
                            endpoint_url=f"http://127.0.0.1:{free_port()}",
                            aws_access_key_id="t", aws_secret_access_key="t",
                            config=Config(retries={"total_max_attempts": 1},
                                          connect_timeout=2))
        with pytest.raises(EndpointConnectionError):  # nothing listens there
            Publisher(service, cloudwatch=down).publish_once()
        with service.store.read() as conn:
            waiting = conn.execute("SELECT COUNT(*) FROM data_points WHERE published = 0"
                                   ).fetchone()[0]
        assert waiting == len(engine("down-then-up").process(body)) > 0
        up = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=moto_url,
                          aws_access_key_id="t", aws_secret_access_key="t")
        assert Publisher(service, cloudwatch=up).publish_once() == waiting
        assert Publisher(service, cloudwatch=up).publish_once() == 0
    finally:
        server.stop()


def test_traffic_options_reach_worker_processes_intact():
    from rumrules.server import Limits

    options = TrafficOptions(credentials={"AKID": "s"}, limits=Limits(events_per_second=5),
                             open_page=True, cloudwatch_endpoint="http://127.0.0.1:1",
                             emf_dir="/tmp/emf")
    assert TrafficOptions.from_json(options.to_json()) == options


def _series(d) -> tuple:
    return d.namespace, d.name, tuple(sorted(d.dimensions.items()))


def _sample_counts(cloudwatch, data) -> dict:
    """Per metric and dimension set, the data points CloudWatch holds for ``data``'s span."""
    counts = {}
    for key in {_series(d) for d in data}:
        namespace, metric, dims = key
        stamps = [d.timestamp for d in data if _series(d) == key]
        got = cloudwatch.get_metric_statistics(
            Namespace=namespace, MetricName=metric, Period=3600, Statistics=["SampleCount"],
            StartTime=min(stamps).replace(second=0, microsecond=0) - timedelta(minutes=5),
            EndTime=max(stamps) + timedelta(minutes=5),
            Dimensions=[{"Name": k, "Value": v} for k, v in dims])["Datapoints"]
        counts[key] = sum(p["SampleCount"] for p in got)
    return counts


def test_workers_publish_each_data_point_once(moto_url, tmp_path):
    from .load import batches, run_load
    from .process import ProcessServer

    server = ProcessServer(tmp_path / "data", "--workers", "2", "--cloudwatch-endpoint",
                           moto_url, "--events-per-second", "0", log=tmp_path / "server.log")
    name = "two-workers"
    try:
        app_id = setup_monitor(rum_client(server.url), name)
        work = batches(app_id, 40, 20, seed=777)
        result = run_load(server.url, work, 8)
        assert len(result.acknowledged) == len(work)
        offline = [d for body in work for d in engine(name).process(body)]
        expected = {k: float(n) for k, n in Counter(_series(d) for d in offline).items()}
        cloudwatch = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=moto_url,
                                  aws_access_key_id="t", aws_secret_access_key="t")
        deadline = time.monotonic() + DRAIN_SECONDS
        while _sample_counts(cloudwatch, offline) != expected and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(1.0)  # a second publisher that sent a point twice would show by now
        assert _sample_counts(cloudwatch, offline) == expected
    finally:
        server.stop()
