"""The stored RUM event document that EventPattern is matched against (SPEC §3.2).

Field by field (``docs/ingestion.md`` has the table and the sources):

===================== ====================================================================
``userId``            ``UserDetails.userId`` (left out when absent)
``sessionId``         ``UserDetails.sessionId`` (left out when absent)
``application_id``    the app monitor id: ``Id``, else ``AppMonitorDetails.id``
``application_Id``    the same value (the spelling the API documents, D7)
``application_version`` ``AppMonitorDetails.version`` (left out when absent)
``application_name``  the caller's ``app_monitor_name``, else ``AppMonitorDetails.name``
``event_id``          ``RumEvent.id``
``event_timestamp``   ``RumEvent.timestamp`` in epoch milliseconds
``event_type``        ``RumEvent.type``
``event_version``     ``details.version`` (left out when details has none)
``log_stream``        ``{"seconds": ..., "nanos": ...}`` of the event timestamp
``batch_id``          ``BatchId``
``metadata``          SessionMetadata merged under the event's metadata, after the rules
``event_details``     the parsed ``details``
``user_details``      ``{"sessionId": ..., "userId": ...}`` (the members present)
``account_id``        the caller's ``account_id`` (left out when not given)
``event_interaction`` ``quote(metadata.pageId) + "-" + metadata.interaction`` when both are
                      there (a string and a number), else left out
===================== ====================================================================

Absent values are left out, never ``null``: in EventPattern ``[null]`` matches only ``null``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ._request import ParsedRequest

__all__ = ["DocumentBuilder"]


def _number_text(value: int | float) -> str:
    if type(value) is int:
        return str(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


class DocumentBuilder:
    """Builds the documents of one request; the per-request fields are worked out once."""

    __slots__ = ("_head", "_batch_id", "_user_details", "_account_id", "_quoted")

    def __init__(self, request: ParsedRequest, app_monitor_name: str | None,
                 account_id: str | None) -> None:
        head: dict[str, Any] = {}
        user: dict[str, Any] = {}
        if request.user_id is not None:
            head["userId"] = request.user_id
        if request.session_id is not None:
            head["sessionId"] = request.session_id
        if request.session_id is not None:
            user["sessionId"] = request.session_id
        if request.user_id is not None:
            user["userId"] = request.user_id
        head["application_id"] = request.app_monitor_id
        head["application_Id"] = request.app_monitor_id
        if request.app_version is not None:
            head["application_version"] = request.app_version
        name = app_monitor_name if app_monitor_name is not None else request.app_name
        if name is not None:
            head["application_name"] = name
        self._head = head
        self._batch_id = request.batch_id
        self._user_details = user
        self._account_id = account_id
        self._quoted: dict[str, str] = {}

    def build(self, event_id: str, timestamp_ms: int, event_type: str, details: Any,
              metadata: dict[str, Any]) -> dict[str, Any]:
        """The stored document of one accepted event."""
        seconds, ms = divmod(timestamp_ms, 1000)
        doc = {**self._head, "event_id": event_id, "event_timestamp": timestamp_ms,
               "event_type": event_type}
        if "version" in details:
            doc["event_version"] = details["version"]
        doc["log_stream"] = {"seconds": seconds, "nanos": ms * 1_000_000}
        doc["batch_id"] = self._batch_id
        doc["metadata"] = metadata
        doc["event_details"] = details
        doc["user_details"] = self._user_details.copy()
        if self._account_id is not None:
            doc["account_id"] = self._account_id
        # event_interaction: quote(pageId) + "-" + interaction, when both are there
        page_id = metadata.get("pageId")
        if type(page_id) is str:
            depth = metadata.get("interaction")
            kind = type(depth)
            if kind is int or kind is float:
                quoted = self._quoted.get(page_id)
                if quoted is None:
                    quoted = self._quoted[page_id] = quote(page_id, safe="")
                doc["event_interaction"] = f"{quoted}-{_number_text(depth)}"
        return doc
