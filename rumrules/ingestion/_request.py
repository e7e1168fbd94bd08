"""PutRumEvents request validation: the API's constraints, all or nothing (SPEC §3.1).

:func:`parse_request` reads the request (a boto3-style dict, or the wire JSON as ``str`` or
bytes, gzip-compressed or not), checks every member the API constrains, and returns a
:class:`ParsedRequest`; or raises :class:`RequestError` naming the first bad member as a path
(``RumEvents[2].id``).  Nothing is produced for a refused request.

Per-event JSON texts (``details``, ``metadata``) are only checked to be texts here; parsing
them is the event's business (a bad one drops that event, not the request).
``SessionMetadata`` is request-level: it must be a JSON object, else the request is refused.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from ..errors import RequestError
from ._jsontext import BodyTooLargeError, JsonTextError, load_body, loads, normalise
from ._timestamps import MAX_SECONDS as _MAX_S
from ._timestamps import MIN_SECONDS as _MIN_S
from ._timestamps import to_epoch_ms

__all__ = ["ParsedRequest", "ParsedEvent", "parse_request"]

UUID_PATTERN = "[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}"
_UUID = re.compile(UUID_PATTERN)

_TOP = ("Id", "BatchId", "AppMonitorDetails", "UserDetails", "RumEvents", "Alias",
        "SessionMetadata")
_TOP_SET = frozenset(_TOP)
_EVENT = frozenset({"id", "timestamp", "type", "details", "metadata"})
_APP = frozenset({"id", "name", "version"})
_USER = frozenset({"userId", "sessionId"})


#: One event that passed request validation: ``(id, timestamp_ms, type, details, metadata)``;
#: ``details``/``metadata`` are still JSON texts (or already-parsed objects, see the docs).
ParsedEvent = tuple


class ParsedRequest:
    """A PutRumEvents request that passed validation."""

    __slots__ = ("app_monitor_id", "batch_id", "app_name", "app_version", "user_id",
                 "session_id", "alias", "session_metadata", "events")

    def __init__(self, **members: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, members.get(name))


# -- messages, in the API's words ---------------------------------------------------------
def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        text = value if len(value) <= 64 else value[:61] + "..."
        return f"'{text}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) or (isinstance(value, int) and value.bit_length() < 200):
        text = repr(value)
    else:
        text = type(value).__name__
    return text if len(text) <= 64 else text[:61] + "..."


def _fail(field: str, value: Any, constraint: str, hint: str | None = None) -> RequestError:
    return RequestError(f"Value {_show(value)} at '{field}' failed to satisfy constraint: "
                        f"{constraint}", field=field, hint=hint)


def _missing(field: str) -> RequestError:
    return _fail(field, None, "Member must not be null")


def _check_members(obj: Mapping, allowed: frozenset[str], where: str) -> None:
    extra = [k for k in obj if k not in allowed]
    if extra:
        key = extra[0]
        field = f"{where}.{key}" if where else str(key)
        close = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.6)
        raise RequestError(f"Unknown member '{key}' at '{field}'", field=field,
                           hint=f"did you mean '{close[0]}'?" if close else None)


def _member(obj: Mapping, key: str, field: str, required: bool) -> Any:
    """The member's value, ``None`` when absent or null (refused when required)."""
    value = obj.get(key)
    if value is None and required:
        raise _missing(field)
    return value


def _object(obj: Mapping, key: str, field: str, *, required: bool) -> Mapping | None:
    value = _member(obj, key, field, required)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _fail(field, value, "Member must be a structure (a JSON object)")
    return value


def _string(obj: Mapping, key: str, field: str, *, required: bool = False,
            length: tuple[int, int] | None = None, uuid: bool = False) -> str | None:
    value = _member(obj, key, field, required)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(field, value, "Member must be a string")
    if uuid:
        if len(value) != 36:
            side = "greater" if len(value) < 36 else "less"
            raise _fail(field, value, f"Member must have length {side} than or equal to 36")
        if _UUID.fullmatch(value) is None:
            raise _fail(field, value,
                        f"Member must satisfy regular expression pattern: {UUID_PATTERN}")
    elif length is not None:
        lo, hi = length
        if len(value) < lo:
            raise _fail(field, value, f"Member must have length greater than or equal to {lo}")
        if len(value) > hi:
            raise _fail(field, value, f"Member must have length less than or equal to {hi}")
    return value


def _json_text(value: Any, field: str) -> Any:
    """A JSON-text member: a ``str`` is kept as it is (parsed later); an already-parsed
    JSON object (dict) is accepted too (lenient, documented) and made JSON-clean."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        try:
            return normalise(dict(value))
        except JsonTextError as exc:
            raise _fail(field, value, f"Member must be JSON ({exc.reason})") from None
    raise _fail(field, value, "Member must be a JSON text (a string)")


def _load(request: Any) -> Mapping:
    if isinstance(request, Mapping):
        return request
    if isinstance(request, (str, bytes, bytearray, memoryview)):
        try:
            body = load_body(request)
        except BodyTooLargeError as exc:
            raise RequestError(f"The request body is too large: {exc.reason}") from None
        except JsonTextError as exc:
            raise RequestError(f"The request body is not valid JSON: {exc.reason}",
                               line=exc.line, column=exc.column) from None
        if isinstance(body, dict):
            return body
        raise RequestError("The request body must be a JSON object, not "
                           f"{_json_kind(body)}")
    raise RequestError("A PutRumEvents request is a dict (boto3 parameters) or the JSON body "
                       f"(str or bytes), not {type(request).__name__}")


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "an array"}.get(type(value), type(value).__name__)


def _session_metadata(top: Mapping) -> dict[str, Any] | None:
    value = top.get("SessionMetadata")
    if value is None:
        return None
    parsed = _json_text(value, "SessionMetadata")
    if isinstance(parsed, str):
        try:
            parsed = loads(parsed)
        except JsonTextError as exc:
            raise _fail("SessionMetadata", value,
                        f"Member must be a JSON text ({exc.reason})") from None
    if not isinstance(parsed, dict):
        raise _fail("SessionMetadata", value, "Member must be a JSON object text")
    return parsed


def _event(index: int, event: Any) -> ParsedEvent:
    """Validate one event with the API's messages (the slow path of :func:`_events`)."""
    where = f"RumEvents[{index}]"
    if not isinstance(event, Mapping):
        raise _fail(where, event, "Member must be a structure (a JSON object)")
    _check_members(event, _EVENT, where)
    event_id = _string(event, "id", where + ".id", required=True, uuid=True)
    stamp = event.get("timestamp")
    if stamp is None:
        raise _missing(where + ".timestamp")
    try:
        ms = to_epoch_ms(stamp)
    except ValueError as exc:
        raise _fail(where + ".timestamp", stamp, f"Member {exc}") from None
    kind = _string(event, "type", where + ".type", required=True)
    details = event.get("details")
    if details is None:
        raise _missing(where + ".details")
    details = _json_text(details, where + ".details")
    metadata = event.get("metadata")
    if metadata is not None:
        metadata = _json_text(metadata, where + ".metadata")
    return (event_id, ms, kind, details, metadata)


def _events(top: Mapping) -> list[ParsedEvent]:
    raw = top.get("RumEvents")
    if raw is None:
        raise _missing("RumEvents")
    if not isinstance(raw, (list, tuple)):
        raise _fail("RumEvents", raw, "Member must be a list")
    events: list[ParsedEvent] = []
    append = events.append
    uuid_match = _UUID.fullmatch
    allowed = _EVENT
    for index, event in enumerate(raw):
        # fast path: the shape the web client sends, checked without building messages
        if type(event) is dict and event.keys() <= allowed:
            event_id = event.get("id")
            kind = event.get("type")
            details = event.get("details")
            metadata = event.get("metadata")
            stamp = event.get("timestamp")
            if (type(event_id) is str and len(event_id) == 36 and uuid_match(event_id)
                    and type(kind) is str and type(details) is str
                    and (metadata is None or type(metadata) is str)
                    and type(stamp) is int and _MIN_S <= stamp < _MAX_S):
                append((event_id, stamp * 1000, kind, details, metadata))
                continue
        append(_event(index, event))
    return events


def parse_request(request: Any) -> ParsedRequest:
    """Validate a PutRumEvents request; :class:`RequestError` when the API would refuse it."""
    top = _load(request)
    if not top.keys() <= _TOP_SET:
        _check_members(top, _TOP_SET, "")
    batch_id = _string(top, "BatchId", "BatchId", required=True, uuid=True)
    app = _object(top, "AppMonitorDetails", "AppMonitorDetails", required=True)
    _check_members(app, _APP, "AppMonitorDetails")  # type: ignore[arg-type]
    details_id = _string(app, "id", "AppMonitorDetails.id")  # type: ignore[arg-type]
    app_name = _string(app, "name", "AppMonitorDetails.name")  # type: ignore[arg-type]
    app_version = _string(app, "version", "AppMonitorDetails.version")  # type: ignore[arg-type]
    # Id is the URI parameter; the wire body has none, and the web client puts the same id
    # in AppMonitorDetails.id, so that stands in for it.
    if top.get("Id") is not None or details_id is None:
        monitor_id = _string(top, "Id", "Id", required=True, uuid=True)
    else:
        monitor_id = _string(app, "id", "AppMonitorDetails.id", uuid=True)  # type: ignore[arg-type]
    user = _object(top, "UserDetails", "UserDetails", required=True)
    _check_members(user, _USER, "UserDetails")  # type: ignore[arg-type]
    user_id = _string(user, "userId", "UserDetails.userId", uuid=True)  # type: ignore[arg-type]
    session_id = _string(user, "sessionId", "UserDetails.sessionId",  # type: ignore[arg-type]
                         uuid=True)
    events = _events(top)
    alias = _string(top, "Alias", "Alias", length=(1, 255))
    return ParsedRequest(app_monitor_id=monitor_id, batch_id=batch_id, app_name=app_name,
                         app_version=app_version, user_id=user_id, session_id=session_id,
                         alias=alias, session_metadata=_session_metadata(top), events=events)

