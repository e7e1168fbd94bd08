"""Embedded storage for the service model: one SQLite database (the standard library's
``sqlite3``, WAL mode), one transaction per request."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import RumRulesError

__all__ = ["Store", "DATABASE_FILE", "MEMORY"]

DATABASE_FILE = "rum.sqlite3"
MEMORY = ":memory:"
SCHEMA_VERSION = 1

# One statement per table; a later schema version adds statements and bumps SCHEMA_VERSION.
_SCHEMA = (
    # an app monitor: the AppMonitor structure as JSON (without Tags), ordered by name
    """CREATE TABLE IF NOT EXISTS app_monitors (
        name TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS tags (
        app_monitor TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (app_monitor, key))""",
    """CREATE TABLE IF NOT EXISTS policies (
        app_monitor TEXT PRIMARY KEY, document TEXT NOT NULL, revision TEXT NOT NULL)""",
    # a metrics destination; arn is '' for CloudWatch
    """CREATE TABLE IF NOT EXISTS destinations (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, app_monitor TEXT NOT NULL,
        destination TEXT NOT NULL, arn TEXT NOT NULL, iam_role_arn TEXT,
        UNIQUE (app_monitor, destination, arn))""",
    # a metric definition of a destination: its API shape (without the id) and its identity
    """CREATE TABLE IF NOT EXISTS definitions (
        id TEXT PRIMARY KEY, destination_seq INTEGER NOT NULL, position INTEGER NOT NULL,
        body TEXT NOT NULL, key TEXT NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS definitions_by_destination
        ON definitions (destination_seq, position)""",
    # a stored event document (what GetAppMonitorData returns), by app monitor id and time
    """CREATE TABLE IF NOT EXISTS events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, app_monitor_id TEXT NOT NULL,
        timestamp INTEGER NOT NULL, batch_id TEXT NOT NULL, body TEXT NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS events_by_time ON events (app_monitor_id, timestamp, seq)""",
)


class Store:
    """The service's database: ``path`` is a folder (created when missing; the database is
    ``<path>/rum.sqlite3``) or ``":memory:"``.

    :meth:`read` and :meth:`write` give the connection inside one transaction (``BEGIN`` /
    ``BEGIN IMMEDIATE``) that commits when the block ends and rolls back when it raises, so
    a refused or failed request changes nothing.  One connection per store, used by one
    thread at a time; several processes may open the same folder (WAL mode, a busy timeout).
    Raise :class:`~rumrules.RumRulesError` when the folder or database cannot be opened.
    """

    def __init__(self, path: str | Path = MEMORY, *, busy_timeout: float = 30.0) -> None:
        self.path = str(path)
        if self.path == MEMORY:
            target = MEMORY
        else:
            folder = Path(path)
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise RumRulesError(f"cannot create the data folder {folder}: "
                                    f"{e.strerror or e}") from None
            target = str(folder / DATABASE_FILE)
        try:
            self._conn = sqlite3.connect(target, timeout=busy_timeout, isolation_level=None,
                                         check_same_thread=False)
            if target != MEMORY:
                self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            with self._transaction("BEGIN IMMEDIATE") as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise RumRulesError(f"{target} was written by a newer rumrules (schema "
                                        f"{version}; this one reads {SCHEMA_VERSION})")
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.Error as e:
            raise RumRulesError(f"cannot open the database {target}: {e}") from None
        self._lock = threading.RLock()

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        conn.execute(begin)
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """The connection inside a write transaction (all or nothing)."""
        with self._lock, self._transaction("BEGIN IMMEDIATE") as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """The connection inside a read transaction (one consistent snapshot)."""
        with self._lock, self._transaction("BEGIN") as conn:
            yield conn

    def close(self) -> None:
        """Close the database (later calls fail)."""
        with self._lock:
            self._conn.close()

    def __repr__(self) -> str:
        return f"Store({self.path!r})"
