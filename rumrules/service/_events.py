"""What an accepted PutRumEvents request leaves behind besides its events: the batch (so a
retried ``BatchId`` is not counted twice) and the data points of every metric definition of
the app monitor's destinations, written in the request's own transaction.

Also the reads that ``rumrules serve`` needs beyond the API: an app monitor by its id (CORS,
resource policies), data points to publish, and the overview its page shows.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from ..engine import MetricDatum, MetricEngine
from ..errors import RumRulesError
from ._store import Store

__all__ = ["EventRecorder", "StoredDataPoint", "app_monitor_by_id", "resource_policy",
           "claim_unpublished", "release_unpublished", "overview", "ensure_schema",
           "forget_app_monitor"]

_log = logging.getLogger("rumrules.service")

# Tables of this module (created when missing, beside the store's own).
_SCHEMA = (
    # one row per accepted batch: the first request with a (monitor, BatchId) wins
    """CREATE TABLE IF NOT EXISTS batches (
        app_monitor_id TEXT NOT NULL, batch_id TEXT NOT NULL, received INTEGER NOT NULL,
        events INTEGER NOT NULL, data_points INTEGER NOT NULL,
        PRIMARY KEY (app_monitor_id, batch_id))""",
    # a data point RUM would publish; published: 0 waiting, 1 claimed or sent
    """CREATE TABLE IF NOT EXISTS data_points (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, app_monitor_id TEXT NOT NULL,
        batch_id TEXT NOT NULL, destination TEXT NOT NULL, destination_arn TEXT NOT NULL,
        definition_id TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
        value REAL NOT NULL, unit TEXT, dimensions TEXT NOT NULL, timestamp INTEGER NOT NULL,
        published INTEGER NOT NULL DEFAULT 0)""",
    """CREATE INDEX IF NOT EXISTS data_points_by_definition
        ON data_points (app_monitor_id, definition_id, timestamp)""",
    """CREATE INDEX IF NOT EXISTS data_points_to_publish ON data_points (published, seq)""",
)


def ensure_schema(store: Store) -> None:
    """Create this module's tables in ``store`` when missing."""
    with store.write() as conn:
        for statement in _SCHEMA:
            conn.execute(statement)


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


class EventRecorder:
    """Inside a PutRumEvents transaction: :meth:`first` claims the batch, :meth:`record`
    stores the data points of the documents.  Engines are built once per destination and
    kept until its definitions change (one recorder per service; the store's lock
    serialises writers, a private lock guards the cache)."""

    def __init__(self, account_id: str | None) -> None:
        self.account_id = account_id
        self._engines: dict[int, tuple[tuple, MetricEngine | None, list[str]]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def first(conn: sqlite3.Connection, app_monitor_id: str, batch_id: str) -> bool:
        """True when no batch ``batch_id`` of this app monitor was accepted before (the
        claim is part of the caller's transaction: it rolls back with it)."""
        return conn.execute("SELECT 1 FROM batches WHERE app_monitor_id = ? AND "
                            "batch_id = ?", (app_monitor_id, batch_id)).fetchone() is None

    def record(self, conn: sqlite3.Connection, monitor: Mapping[str, Any], batch_id: str,
               documents: list[dict]) -> int:
        """Store the batch and the data points that the app monitor's metric definitions
        give for ``documents``, per destination; return how many data points."""
        rows = []
        if documents:
            for destination, arn, engine, ids in self._destinations(conn, monitor):
                for d in engine.process_documents(documents).data:
                    rows.append((monitor["Id"], batch_id, destination, arn, ids[d.definition],
                                 d.namespace, d.name, d.value, d.unit,
                                 json.dumps(d.dimensions), _ms(d.timestamp)))
        conn.executemany(
            "INSERT INTO data_points (app_monitor_id, batch_id, destination, destination_arn, "
            "definition_id, namespace, name, value, unit, dimensions, timestamp) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("INSERT INTO batches (app_monitor_id, batch_id, received, events, "
                     "data_points) VALUES (?, ?, ?, ?, ?)",
                     (monitor["Id"], batch_id, _ms(datetime.now(timezone.utc)),
                      len(documents), len(rows)))
        return len(rows)

    def _destinations(self, conn: sqlite3.Connection, monitor: Mapping[str, Any]
                      ) -> Iterable[tuple[str, str, MetricEngine, list[str]]]:
        by_seq: dict[int, tuple[str, str, list[tuple[str, str]]]] = {}
        for seq, destination, arn in conn.execute(
                "SELECT seq, destination, arn FROM destinations WHERE app_monitor = ? "
                "ORDER BY seq", (monitor["Name"],)):
            by_seq[seq] = (destination, arn, [])
        if not by_seq:
            return
        marks = ",".join("?" * len(by_seq))
        for seq, definition_id, body in conn.execute(
                f"SELECT destination_seq, id, body FROM definitions WHERE destination_seq IN "
                f"({marks}) ORDER BY destination_seq, position", tuple(by_seq)):
            by_seq[seq][2].append((definition_id, body))
        for seq, (destination, arn, definitions) in by_seq.items():
            if not definitions:
                continue
            engine, ids = self._engine(seq, monitor["Name"], destination, definitions)
            if engine is not None:
                yield destination, arn, engine, ids

    def _engine(self, seq: int, name: str, destination: str,
                definitions: list[tuple[str, str]]) -> tuple[MetricEngine | None, list[str]]:
        key = (name, destination, tuple(definitions))
        with self._lock:
            cached = self._engines.get(seq)
            if cached is not None and cached[0] == key:
                return cached[1], cached[2]
        ids = [i for i, _ in definitions]
        try:
            engine: MetricEngine | None = MetricEngine(
                [json.loads(b) for _, b in definitions], app_monitor_name=name,
                destination=destination, account_id=self.account_id)
        except RumRulesError as e:  # stored before a rule changed: publish nothing, say why
            _log.warning("metric definitions of %s (%s) publish nothing: %s", name,
                         destination, e)
            engine = None
        with self._lock:
            self._engines[seq] = (key, engine, ids)
        return engine, ids


def forget_app_monitor(conn: sqlite3.Connection, app_monitor_id: str) -> None:
    """Remove what this module keeps of a deleted app monitor (in the caller's
    transaction)."""
    for table in ("batches", "data_points"):
        conn.execute(f"DELETE FROM {table} WHERE app_monitor_id = ?", (app_monitor_id,))


def app_monitor_by_id(store: Store, app_monitor_id: str) -> dict | None:
    """The stored AppMonitor structure of the app monitor with this id, or ``None``."""
    with store.read() as conn:
        row = conn.execute("SELECT body FROM app_monitors WHERE id = ?",
                           (app_monitor_id,)).fetchone()
    return None if row is None else json.loads(row[0])


def resource_policy(store: Store, name: str) -> dict | None:
    """The resource policy document of app monitor ``name`` (parsed), or ``None``."""
    with store.read() as conn:
        row = conn.execute("SELECT document FROM policies WHERE app_monitor = ?",
                           (name,)).fetchone()
    if row is None:
        return None
    try:
        document = json.loads(row[0])
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


class StoredDataPoint:
    """A data point read back for publishing: ``seq``, the app monitor's ``name`` and
    whether it logs to CloudWatch Logs (``cw_log``), ``destination`` and the
    :class:`~rumrules.MetricDatum` (``datum``)."""

    __slots__ = ("seq", "name", "cw_log", "destination", "datum")

    def __init__(self, seq: int, name: str, cw_log: bool, destination: str,
                 datum: MetricDatum) -> None:
        self.seq, self.name, self.cw_log = seq, name, cw_log
        self.destination, self.datum = destination, datum


def claim_unpublished(store: Store, limit: int = 1000) -> list[StoredDataPoint]:
    """Up to ``limit`` data points not yet published, oldest first, marked as claimed in the
    same transaction (so several processes never publish one twice);
    :func:`release_unpublished` gives them back when sending failed."""
    out = []
    with store.write() as conn:
        rows = conn.execute(
            "SELECT p.seq, m.body, p.destination, p.namespace, p.name, p.value, p.unit, "
            "p.dimensions, p.timestamp FROM data_points p JOIN app_monitors m "
            "ON m.id = p.app_monitor_id WHERE p.published = 0 ORDER BY p.seq LIMIT ?",
            (limit,)).fetchall()
        conn.executemany("UPDATE data_points SET published = 1 WHERE seq = ?",
                         [(r[0],) for r in rows])
    monitors: dict[str, dict] = {}
    for seq, body, destination, namespace, name, value, unit, dims, ts in rows:
        monitor = monitors.get(body) or monitors.setdefault(body, json.loads(body))
        cw_log = bool(monitor.get("DataStorage", {}).get("CwLog", {}).get("CwLogEnabled"))
        datum = MetricDatum(namespace, name, value, unit, json.loads(dims),
                            datetime.fromtimestamp(ts / 1000, timezone.utc))
        out.append(StoredDataPoint(seq, monitor["Name"], cw_log, destination, datum))
    return out


def release_unpublished(store: Store, seqs: Iterable[int]) -> None:
    """Mark data points as waiting again (their publishing failed)."""
    with store.write() as conn:
        conn.executemany("UPDATE data_points SET published = 0 WHERE seq = ?",
                         [(s,) for s in seqs])


def overview(store: Store, *, recent: int = 25, minutes: int = 60) -> dict:
    """What ``rumrules serve``'s page shows: every app monitor with its event count, its
    latest ``recent`` events, and per metric definition its data points per minute over
    the last ``minutes`` minutes that have any (``[minute_ms, count, sum]``)."""
    out = []
    with store.read() as conn:
        monitors = [json.loads(b) for (b,) in conn.execute(
            "SELECT body FROM app_monitors ORDER BY name")]
        for m in monitors:
            app_id = m["Id"]
            count = conn.execute("SELECT COUNT(*) FROM events WHERE app_monitor_id = ?",
                                 (app_id,)).fetchone()[0]
            events = []
            for (body,) in conn.execute("SELECT body FROM events WHERE app_monitor_id = ? "
                                        "ORDER BY seq DESC LIMIT ?", (app_id, recent)):
                d = json.loads(body)
                meta = d.get("metadata") if isinstance(d.get("metadata"), dict) else {}
                events.append({"type": d.get("event_type"), "timestamp": d.get(
                    "event_timestamp"), "page": meta.get("pageId"),
                    "batch": d.get("batch_id")})
            definitions = []
            for definition_id, body, destination, arn in conn.execute(
                    "SELECT d.id, d.body, s.destination, s.arn FROM definitions d JOIN "
                    "destinations s ON s.seq = d.destination_seq WHERE s.app_monitor = ? "
                    "ORDER BY s.seq, d.position", (m["Name"],)):
                definition = json.loads(body)
                last = conn.execute("SELECT MAX(timestamp) FROM data_points WHERE "
                                    "app_monitor_id = ? AND definition_id = ?",
                                    (app_id, definition_id)).fetchone()[0]
                points = []
                if last is not None:
                    since = (last // 60000 - minutes + 1) * 60000
                    points = [list(r) for r in conn.execute(
                        "SELECT (timestamp / 60000) * 60000 AS minute, COUNT(*), SUM(value) "
                        "FROM data_points WHERE app_monitor_id = ? AND definition_id = ? "
                        "AND timestamp >= ? GROUP BY minute ORDER BY minute",
                        (app_id, definition_id, since))]
                definitions.append({
                    "id": definition_id, "name": definition.get("Name"),
                    "namespace": definition.get("Namespace") or "AWS/RUM",
                    "destination": f"{destination} {arn}".strip(),
                    "eventPattern": definition.get("EventPattern"),
                    "dimensions": definition.get("DimensionKeys") or {},
                    "points": points})
            out.append({"name": m["Name"], "id": app_id,
                        "domains": [d for d in m.get("DomainList") or [m.get("Domain")] if d],
                        "events": count, "recent": events, "definitions": definitions})
    return {"appMonitors": out}
