"""Event timestamps -> epoch milliseconds.

Accepted, as boto3 takes them (``botocore.utils.parse_timestamp``): epoch seconds as a JSON
number (what the web client sends), a :class:`datetime.datetime` (naive means UTC), or a
string: ISO 8601 (``2024-04-07T12:20:22Z``, offsets, fractions; without an offset it is UTC,
as botocore reads it) or epoch seconds in text.  Fractions of a millisecond are dropped
(floor).  The range is years 1-9999 in UTC, whatever the form (an offset can push a
``datetime`` that is in range locally out of it); booleans, NaN and infinities are refused.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

__all__ = ["to_epoch_ms", "MIN_SECONDS", "MAX_SECONDS"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MIN_SECONDS = -62135596800      # 0001-01-01T00:00:00Z
MAX_SECONDS = 253402300800      # 10000-01-01T00:00:00Z (exclusive)
_OUT_OF_RANGE = "is out of range (years 1 to 9999, UTC)"


def _from_seconds(seconds: int | float | Decimal) -> int:
    if isinstance(seconds, float) and not math.isfinite(seconds):
        raise ValueError("must be a finite number of epoch seconds")
    if not MIN_SECONDS <= seconds < MAX_SECONDS:
        raise ValueError(_OUT_OF_RANGE)
    if isinstance(seconds, int):
        return seconds * 1000
    # exact decimal arithmetic: 1712492422.123 -> 1712492422123, not ...122
    return math.floor(Decimal(repr(seconds) if isinstance(seconds, float) else seconds) * 1000)


def _from_datetime(value: datetime) -> int:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        value = value.replace(tzinfo=timezone.utc)
    delta = value - _EPOCH
    seconds = delta.days * 86_400 + delta.seconds
    # the range is checked in UTC, as for epoch seconds: "9999-12-31T23:59:59-23:59" is
    # 10000-01-01T23:58:59Z (botocore fails on it too: "date value out of range")
    if not MIN_SECONDS <= seconds < MAX_SECONDS:
        raise ValueError(_OUT_OF_RANGE)
    return seconds * 1000 + delta.microseconds // 1000


def _from_text(text: str) -> int:
    stripped = text.strip()
    try:
        number = Decimal(stripped)
    except InvalidOperation:
        number = None
    if number is not None and number.is_finite():
        return _from_seconds(number)
    try:
        # Python 3.11 reads ISO 8601 date-times, dates, "Z", offsets and fractions
        parsed = datetime.fromisoformat(stripped)
    except ValueError:
        raise ValueError("is not epoch seconds or an ISO 8601 date-time") from None
    return _from_datetime(parsed)


def to_epoch_ms(value: object) -> int:
    """Epoch milliseconds of ``value``; ``ValueError`` (with the reason) when it is not a
    timestamp."""
    kind = type(value)
    if kind is int or kind is float:
        return _from_seconds(value)  # type: ignore[arg-type]
    if isinstance(value, datetime):
        return _from_datetime(value)
    if isinstance(value, str):
        return _from_text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):  # int/float subclasses
        return _from_seconds(float(value) if isinstance(value, float) else int(value))
    raise ValueError("must be epoch seconds (a number), a datetime or an ISO 8601 string")
