"""Metrics out: a thread that takes the data points PutRumEvents stored (oldest first) and
publishes those of CloudWatch destinations, with boto3 ``PutMetricData`` to
``--cloudwatch-endpoint`` and as Embedded Metric Format lines (``--emf-dir``) for app
monitors with ``CwLogEnabled``.

The data points are in the database before the request is acknowledged; publishing
follows.  A batch of points is claimed in one transaction, so several worker processes
never send one point twice; when sending fails the batch is released and sent again later
(the next attempt after ``retry_seconds``).  A process killed between claiming and sending
loses that batch's forwarding (at most ``BATCH`` points), never the stored points.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from ..engine import MAX_DATA_POINTS, emf_lines, put_metric_data_requests
from ..errors import RumRulesError
from ..service import RumService, StoredDataPoint, claim_unpublished, release_unpublished

__all__ = ["Publisher", "BATCH"]

_log = logging.getLogger("rumrules.server")
#: Data points claimed and sent at a time: one PutMetricData request's worth.
BATCH = MAX_DATA_POINTS
CLOUDWATCH = "CloudWatch"


def _cloudwatch_client(endpoint: str, region: str) -> Any:
    import boto3  # the server extra's botocore brings boto3's dependency; imported on use

    session = boto3.Session(region_name=region)
    keys = {}
    if session.get_credentials() is None:  # a local CloudWatch (moto) takes any key
        keys = {"aws_access_key_id": "rumrules", "aws_secret_access_key": "rumrules"}
    return session.client("cloudwatch", endpoint_url=endpoint, **keys)


class Publisher:
    """Publishes the stored data points of ``service``: to ``cloudwatch`` (a boto3
    CloudWatch client, or ``None``) and into ``emf_dir`` (a folder, or ``None``).  Call
    :meth:`start` to run it in a daemon thread, :meth:`stop` to end it;
    :meth:`publish_once` does one round (what the thread repeats)."""

    def __init__(self, service: RumService, *, cloudwatch: Any = None,
                 emf_dir: str | Path | None = None, idle_seconds: float = 0.2,
                 retry_seconds: float = 5.0) -> None:
        self.service = service
        self.cloudwatch = cloudwatch
        self.emf_dir = Path(emf_dir) if emf_dir is not None else None
        self.idle_seconds, self.retry_seconds = idle_seconds, retry_seconds
        self.sent = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def for_endpoint(cls, service: RumService, endpoint: str | None,
                     emf_dir: str | None) -> Publisher:
        """A publisher to a CloudWatch ``endpoint`` URL (credentials from boto3's usual
        chain) and/or ``emf_dir``."""
        client = _cloudwatch_client(endpoint, service.region) if endpoint else None
        return cls(service, cloudwatch=client, emf_dir=emf_dir)

    def publish_once(self) -> int:
        """Claim and publish one batch; return how many data points it held."""
        points = claim_unpublished(self.service.store, BATCH)
        if not points:
            return 0
        try:
            self._send([p for p in points if p.destination == CLOUDWATCH])
        except Exception:
            release_unpublished(self.service.store, [p.seq for p in points])
            raise
        self.sent += len(points)
        return len(points)

    def _send(self, points: list[StoredDataPoint]) -> None:
        if self.cloudwatch is not None and points:
            for body in put_metric_data_requests([p.datum for p in points]):
                self.cloudwatch.put_metric_data(**body)
        if self.emf_dir is not None:
            by_monitor: dict[str, list[str]] = {}
            for p in points:
                if not p.cw_log:
                    continue
                try:
                    by_monitor.setdefault(p.name, []).extend(emf_lines([p.datum]))
                except RumRulesError as e:  # a name EMF cannot hold: PutMetricData still can
                    _log.warning("EMF: %s", e)
            self.emf_dir.mkdir(parents=True, exist_ok=True)
            for name, lines in by_monitor.items():
                with open(self.emf_dir / f"{name}.log", "a", encoding="utf-8") as fh:
                    fh.write("".join(line + "\n" for line in lines))

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                n = self.publish_once()
            except Exception:  # noqa: BLE001 - the destination is down: say so, retry later
                _log.exception("publishing data points failed; retrying in %gs",
                               self.retry_seconds)
                self._stop.wait(self.retry_seconds)
                continue
            if n < BATCH:
                self._stop.wait(self.idle_seconds)

    def start(self) -> Publisher:
        """Run in a daemon thread until :meth:`stop`."""
        self._thread = threading.Thread(target=self._run, name="rumrules-publisher",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread (after the round in progress)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
