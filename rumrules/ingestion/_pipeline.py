"""PutRumEvents -> stored documents: request validation, then each event on its own.

Request-level faults raise :class:`RequestError` before anything is produced; event-level
faults drop that event (``dropped_events``) and attribute faults remove that attribute
(``dropped_attributes``), and the batch goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..catalog.event_types import (
    BUILTIN_EVENT_TYPES,
    CUSTOM_EVENT_TYPE_RE,
    RUM_EVENT_PREFIX,
    closest_event_type,
)
from ._document import DocumentBuilder
from ._jsontext import JsonTextError, loads
from ._metadata import SessionMetadata, apply_rules
from ._request import parse_request
from ._schemas import validator_for

__all__ = ["IngestResult", "ingest_batch"]


@dataclass
class IngestResult:
    """What one PutRumEvents request became.

    ``documents``: the stored documents of the accepted events, in request order.
    ``dropped_events``: ``(event index, reason)`` for each event that was not stored.
    ``dropped_attributes``: ``(event index, metadata key, reason)`` for each metadata
    attribute removed from a stored event.
    """

    documents: list[dict[str, Any]] = field(default_factory=list)
    dropped_events: list[tuple[int, str]] = field(default_factory=list)
    dropped_attributes: list[tuple[int, str, str]] = field(default_factory=list)


_custom_type_ok = CUSTOM_EVENT_TYPE_RE.fullmatch


def _type_problem(event_type: str) -> str | None:
    if event_type.startswith(RUM_EVENT_PREFIX):
        close = closest_event_type(event_type)
        hint = f" (did you mean {close!r}?)" if close else ""
        return f"{event_type!r} is not a built-in event type{hint}"
    if not _custom_type_ok(event_type):
        return (f"custom event type {event_type[:64]!r} must be 1-256 characters of "
                "letters, digits, '_', '.' and '-'")
    return None


def _parse(text: Any, member: str) -> Any:
    """A JSON-text member of an event, parsed (already-parsed objects pass through)."""
    if isinstance(text, str):
        try:
            return loads(text)
        except JsonTextError as exc:
            raise _Drop(f"{member} is not valid JSON: {exc.reason}") from None
    return text


class _Drop(Exception):
    pass


def _check_arg(name: str, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string or None, not {type(value).__name__}")


def ingest_batch(request: Any, *, app_monitor_name: str | None = None,
                 account_id: str | None = None) -> IngestResult:
    """See :func:`rumrules.ingest_batch`."""
    _check_arg("app_monitor_name", app_monitor_name)
    _check_arg("account_id", account_id)
    parsed = parse_request(request)
    session = SessionMetadata(parsed.session_metadata)
    builder = DocumentBuilder(parsed, app_monitor_name, account_id)
    result = IngestResult()
    documents, dropped, removed_attrs = (result.documents, result.dropped_events,
                                         result.dropped_attributes)
    builtin = BUILTIN_EVENT_TYPES
    build = builder.build
    for index, (event_id, timestamp_ms, event_type, details, metadata) in enumerate(
            parsed.events):
        try:
            if event_type in builtin:
                details = _parse(details, "details")
                if type(details) is not dict:
                    raise _Drop("details is not a JSON object")
                problem = validator_for(event_type).problem(details)
                if problem is not None:
                    raise _Drop(f"details do not match the schema of {event_type}: {problem}")
            else:
                problem = _type_problem(event_type)
                if problem is not None:
                    raise _Drop(problem)
                details = _parse(details, "details")
                if type(details) is not dict:
                    raise _Drop("details is not a JSON object")
            own = {} if metadata is None else _parse(metadata, "metadata")
            if type(own) is not dict:
                raise _Drop("metadata is not a JSON object")
        except _Drop as drop:
            dropped.append((index, str(drop)))
            continue
        metadata, removed = apply_rules(session, own)
        for key, reason in removed:
            removed_attrs.append((index, key, reason))
        documents.append(build(event_id, timestamp_ms, event_type, details, metadata))
    return result
