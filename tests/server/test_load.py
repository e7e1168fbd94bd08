"""Load and faults on loopback, against ``python -m rumrules serve`` in a subprocess:
concurrent clients, every acknowledged event stored exactly once and the data points equal
to the engine's offline result; a SIGKILL mid-load and a restart lose no acknowledged
batch, store no batch by halves, and count retried BatchIds once.  Bounded in count and
time (the full-size run is bench/test_bench_server.py)."""

from __future__ import annotations

import threading
import time

from rumrules.service import Store

from .conftest import rum_client
from .load import LoadResult, batches, run_load
from .process import ProcessServer
from .traffic import offline_points, setup_monitor, stored_points

CLIENTS = 16
BATCHES = 160
EVENTS = 25  # 4,000 events
NO_RATE_LIMIT = ("--events-per-second", "0")


def _stored(data, app_id: str) -> tuple[dict[str, int], set[str], object]:
    """Events per stored BatchId, the accepted BatchIds, and the data points' sums."""
    store = Store(data)
    try:
        with store.read() as conn:
            per_batch = dict(conn.execute(
                "SELECT batch_id, COUNT(*) FROM events WHERE app_monitor_id = ? "
                "GROUP BY batch_id", (app_id,)))
            accepted = {b for (b,) in conn.execute(
                "SELECT batch_id FROM batches WHERE app_monitor_id = ?", (app_id,))}
        return per_batch, accepted, stored_points(store, app_id)
    finally:
        store.close()


def _check_stored(data, app_id: str, name: str, bodies: dict[str, dict]) -> None:
    """Exactly ``bodies`` (BatchId -> body) stored, each batch whole and once, and their
    data points those of the engine offline."""
    per_batch, accepted, points = _stored(data, app_id)
    assert per_batch == {b: len(body["RumEvents"]) for b, body in bodies.items()}
    assert accepted == set(bodies)
    assert points == offline_points(name, bodies.values())


def _check_partial(data, app_id: str, name: str, acknowledged: dict[str, dict],
                   sent: dict[str, dict]) -> None:
    """After the kill: every acknowledged batch stored, and every stored batch whole (its
    events and its data points; some may have committed without their answer)."""
    per_batch, accepted, points = _stored(data, app_id)
    assert set(acknowledged) <= accepted
    assert set(per_batch) == accepted and set(per_batch.values()) == {EVENTS}
    assert points == offline_points(name, [sent[b] for b in accepted])


def test_concurrent_clients_every_acknowledged_event_once(tmp_path):
    server = ProcessServer(tmp_path / "data", *NO_RATE_LIMIT, log=tmp_path / "server.log")
    try:
        name = "load"
        app_id = setup_monitor(rum_client(server.url), name)
        work = batches(app_id, BATCHES, EVENTS)
        result = run_load(server.url, work, CLIENTS)
    finally:
        server.stop()
    assert not result.pending and not result.refused
    assert len(result.acknowledged) == BATCHES
    _check_stored(tmp_path / "data", app_id, name, result.acknowledged)
    # it said at start who may call, and where
    assert "any caller accepted (no --credentials), so on loopback only" in (
        tmp_path / "server.log").read_text()


def test_sigkill_mid_load_then_restart_and_retry(tmp_path):
    data = tmp_path / "data"
    server = ProcessServer(data, *NO_RATE_LIMIT, log=tmp_path / "server.log")
    name = "faults"
    try:
        app_id = setup_monitor(rum_client(server.url), name)
        work = batches(app_id, BATCHES, EVENTS, seed=10_000)
        result = LoadResult()
        loader = threading.Thread(target=run_load, args=(server.url, work, CLIENTS),
                                  kwargs={"result": result})
        loader.start()
        # kill the server once some batches were acknowledged (others are in flight)
        deadline = time.monotonic() + 120
        while len(result.acknowledged) < BATCHES // 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()
        loader.join(120)
    finally:
        server.stop()
    assert result.acknowledged and result.pending, "the kill did not land mid-load"
    # after the restart: every acknowledged batch is there, none by halves
    everything = {b["BatchId"]: b for b in work}
    _check_partial(data, app_id, name, result.acknowledged, everything)
    server = ProcessServer(data, *NO_RATE_LIMIT, port=server.port, log=tmp_path / "server.log")
    try:
        # the clients retry what got no answer, and some acknowledged ones again (their
        # answer could have been lost): the same BatchIds
        again = result.pending + list(result.acknowledged.values())[:20]
        retried = run_load(server.url, again, CLIENTS)
    finally:
        server.stop()
    assert not retried.pending and not retried.refused
    assert set(result.acknowledged) | set(retried.acknowledged) == set(everything)
    _check_stored(data, app_id, name, everything)
