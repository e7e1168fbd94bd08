"""``rumrules serve`` under load: 32 concurrent clients on loopback send 20,000 events in
25-event PutRumEvents batches to the server in a subprocess (SQLite on disk, the metric
definitions of tests/server/traffic.py applied).  The baseline is ``MetricEngine.process``
in-process on the very same batches, measured in the same run: the ratio is what HTTP,
storage and the transaction per request cost on top of the engine.  ``extra_info`` records
events per second and the p50/p99 latency of a request beside the p50/p99 of
``MetricEngine.process`` on one batch, and their ratios."""

from __future__ import annotations

import time

import pytest

from tests.server.conftest import rum_client
from tests.server.load import batches, run_load
from tests.server.process import ProcessServer
from tests.server.traffic import engine, setup_monitor

CLIENTS = 32
BATCHES = 800
EVENTS = 25  # 20,000 events
GROUP = "server: PutRumEvents over HTTP, 32 clients, 20,000 events in 25-event batches"


def _percentiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return (values[len(values) // 2], values[min(len(values) - 1, int(0.99 * len(values)))])


def _in_process(name: str, work: list[dict]) -> list[float]:
    """Per-batch times of ``MetricEngine.process`` on ``work``."""
    e = engine(name)
    times = []
    for body in work:
        started = time.perf_counter()
        e.process(body)
        times.append(time.perf_counter() - started)
    return times


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench-server")
    s = ProcessServer(folder / "data", "--events-per-second", "0",
                      log=folder / "server.log")
    try:
        yield s
    finally:
        s.stop()


@pytest.mark.benchmark(group=GROUP)
def test_server_baseline_engine_process(benchmark):
    work = batches("00000000-0000-4000-8000-000000000000", BATCHES, EVENTS)
    e = engine("bench")

    def run() -> None:
        for body in work:
            e.process(body)

    benchmark.extra_info["events"] = BATCHES * EVENTS
    benchmark.pedantic(run, rounds=3, iterations=1)
    p50, p99 = _percentiles(_in_process("bench", work))
    benchmark.extra_info.update(batch_p50_ms=p50 * 1e3, batch_p99_ms=p99 * 1e3)


def _http_rounds(benchmark, server, clients: int, count: int) -> None:
    """Rounds of ``count`` fresh batches over ``clients`` connections; the last round's
    figures and the engine's on the same batches in ``extra_info``."""
    rum = rum_client(server.url)
    rounds: list = []

    def setup():
        name = f"bench-{clients}-{len(rounds)}-{time.monotonic_ns()}"
        app_id = setup_monitor(rum, name)  # a fresh app monitor: no BatchId seen before
        work = batches(app_id, count, EVENTS)
        rounds.append((name, work))
        return (work,), {}

    def run(work):
        result = run_load(server.url, work, clients)
        assert len(result.acknowledged) == count, (result.refused, len(result.pending))
        rounds[-1] = rounds[-1] + (result,)

    benchmark.extra_info["events"] = count * EVENTS
    benchmark.pedantic(run, setup=setup, rounds=2, iterations=1)
    name, work, result = rounds[-1]
    p50, p99 = result.percentile(50), result.percentile(99)
    base50, base99 = _percentiles(_in_process(name, work))
    benchmark.extra_info.update(
        events_per_second=count * EVENTS / result.seconds,
        request_p50_ms=p50 * 1e3, request_p99_ms=p99 * 1e3,
        engine_batch_p50_ms=base50 * 1e3, engine_batch_p99_ms=base99 * 1e3,
        p50_ratio=p50 / base50, p99_ratio=p99 / base99)


@pytest.mark.benchmark(group=GROUP)
def test_server_put_rum_events_http(benchmark, server):
    _http_rounds(benchmark, server, CLIENTS, BATCHES)


@pytest.mark.benchmark(group=GROUP)
def test_server_put_rum_events_http_one_client(benchmark, server):
    """One client, one request at a time: the latency of a request without queueing."""
    _http_rounds(benchmark, server, 1, BATCHES // 4)
