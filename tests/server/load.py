"""A bounded load on loopback: N client threads, each with its own keep-alive connection,
send their share of PutRumEvents batches (wire JSON, as the web client sends them) and record
which were acknowledged and how long each took.  Used by tests/server/test_load.py (small)
and bench/test_bench_server.py (full size)."""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .traffic import web_batch

#: A whole run ends by itself after this long, acknowledged or not.
DEADLINE_SECONDS = 300.0


@dataclass
class LoadResult:
    """``acknowledged`` (BatchId -> body), ``pending`` (bodies without an answer: the
    connection failed), ``refused`` (status -> count), ``latencies`` (seconds, acknowledged
    requests) and ``seconds`` (the whole run)."""

    acknowledged: dict[str, dict] = field(default_factory=dict)
    pending: list[dict] = field(default_factory=list)
    refused: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def percentile(self, p: float) -> float:
        values = sorted(self.latencies)
        return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else 0.0


def batches(app_id: str, count: int, events: int, seed: int = 0) -> list[dict]:
    """``count`` distinct batches of ``events`` events (deterministic)."""
    return [web_batch(app_id, events, seed + i) for i in range(count)]


def run_load(url: str, work: list[dict], clients: int, *,
             stop: threading.Event | None = None,
             result: LoadResult | None = None) -> LoadResult:
    """Send ``work`` (PutRumEvents bodies) over ``clients`` connections at once; a body
    whose request fails (connection refused or reset: the server died) goes to ``pending``
    and its client goes on with the next one, so a killed server leaves a record of what was
    and was not acknowledged.  ``stop`` ends the run early (the rest becomes pending);
    ``result`` (filled as answers come) lets another thread watch the progress."""
    parts = urlsplit(url)
    result = result if result is not None else LoadResult()
    lock = threading.Lock()
    shares = [work[i::clients] for i in range(clients)]
    deadline = time.monotonic() + DEADLINE_SECONDS

    def client(share: list[dict]) -> None:
        conn: http.client.HTTPConnection | None = None
        for body in share:
            if (stop is not None and stop.is_set()) or time.monotonic() > deadline:
                with lock:
                    result.pending.append(body)
                continue
            raw = json.dumps(body).encode()
            path = f"/appmonitors/{body['AppMonitorDetails']['id']}/"
            started = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                conn.request("POST", path, body=raw,
                             headers={"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):  # no answer: pending
                if conn is not None:
                    conn.close()
                conn = None
                with lock:
                    result.pending.append(body)
                continue
            took = time.perf_counter() - started
            with lock:
                if status == 200:
                    result.acknowledged[body["BatchId"]] = body
                    result.latencies.append(took)
                else:
                    result.refused[status] = result.refused.get(status, 0) + 1
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=client, args=(s,), daemon=True) for s in shares]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(DEADLINE_SECONDS)
    result.seconds = time.perf_counter() - started
    return result
