"""PutRumEvents ingestion: requests in, stored RUM event documents out (SPEC §3).

::

    docs = rumrules.ingest(request, app_monitor_name="MyWebApp", account_id="123456789012")
    result = rumrules.ingest_batch(request, app_monitor_name="MyWebApp")
    result.documents; result.dropped_events; result.dropped_attributes

``request`` is a PutRumEvents request in boto3's parameter form (a dict; timestamps as
epoch seconds, ``datetime`` or ISO 8601 strings) or the wire body the web client sends
(JSON as ``str`` or ``bytes``, gzip-compressed or not).  ``docs/ingestion.md`` has the field
mapping and the decisions taken where the public sources are silent.
"""

from __future__ import annotations

from typing import Any

from ._pipeline import IngestResult
from ._request import UUID_PATTERN
from ._pipeline import ingest_batch as _ingest_batch

__all__ = ["ingest", "ingest_batch", "IngestResult", "UUID_PATTERN"]


def ingest_batch(request: Any, *, app_monitor_name: str | None = None,
                 account_id: str | None = None) -> IngestResult:
    """Validate a PutRumEvents request and turn each event into its stored document.

    Raises :class:`rumrules.RequestError` (``code`` ``"ValidationException"``, ``field`` a
    path such as ``"RumEvents[2].id"``) when the API would refuse the request; nothing of a
    refused request is produced (a gzip body that decompresses to more than 16 MiB is
    refused too).  Otherwise returns an :class:`IngestResult`: the documents of the accepted
    events, the events dropped (``(index, reason)``: a built-in type whose ``details`` fail its
    JSON Schema, details or metadata that are not valid JSON (``NaN``, ``1e400``) or not a JSON
    object, an unknown ``com.amazon.rum.`` type, a bad custom type name) and the metadata attributes
    removed (``(index, key, reason)``: custom attribute rules, the 10-attribute limit,
    built-in keys of the wrong type).

    ``app_monitor_name`` becomes ``application_name`` (default: ``AppMonitorDetails.name``);
    ``account_id`` becomes ``account_id`` (default: left out).  Both are the caller's own
    arguments, not request data: a value that is neither a string nor ``None`` raises
    ``TypeError``.
    """
    return _ingest_batch(request, app_monitor_name=app_monitor_name, account_id=account_id)


def ingest(request: Any, *, app_monitor_name: str | None = None,
           account_id: str | None = None) -> list[dict[str, Any]]:
    """The stored documents of a PutRumEvents request (``ingest_batch(...).documents``).

    Raises :class:`rumrules.RequestError` when the API would refuse the request, and
    ``TypeError`` when ``app_monitor_name`` or ``account_id`` is neither a string nor ``None``.
    """
    return _ingest_batch(request, app_monitor_name=app_monitor_name,
                         account_id=account_id).documents
