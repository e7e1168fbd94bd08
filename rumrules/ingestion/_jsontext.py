"""JSON text in and out of ingestion, with every failure turned into :class:`JsonTextError`.

RFC 8259 strictly: ``NaN``, ``Infinity`` and ``-Infinity`` (which :func:`json.loads` takes by
default) are refused, and so is a number too large for a double (``1e400``, which
:func:`json.loads` turns into ``inf``): no value that JSON cannot represent gets into a parsed
text, the same rule as :func:`normalise` (``allow_nan=False``) applies to dicts.  Deep nesting
(``RecursionError`` in the C scanner), bad UTF-8 and bad gzip streams become a
:class:`JsonTextError` too, so callers only ever see one exception.

A gzip body is decompressed to at most :data:`MAX_BODY_BYTES`; a larger one raises
:class:`BodyTooLargeError` (a decompression bomb never takes more memory than that).
"""

from __future__ import annotations

import json
import re
import sys
import zlib
from typing import Any

__all__ = ["JsonTextError", "BodyTooLargeError", "loads", "load_body", "normalise",
           "GZIP_MAGIC", "MAX_BODY_BYTES"]

GZIP_MAGIC = b"\x1f\x8b"

#: The most a gzip-compressed body may decompress to: 16 MiB.  The API documents no payload
#: limit; this is ours, far above what a web client batch is (100 events, tens of KB).
MAX_BODY_BYTES = 16 * 1024 * 1024


class JsonTextError(ValueError):
    """A text that is not JSON; ``reason`` in words, ``line``/``column`` when known."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column


class BodyTooLargeError(JsonTextError):
    """A gzip body that decompresses to more than :data:`MAX_BODY_BYTES`."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _finite_float(literal: str, _float: type = float) -> float:
    # Called by the C scanner for number literals with a fraction or an exponent only (not
    # for integers): ~0.1 us each, about 20 us for a 100-event web client batch.
    value = _float(literal)
    if value - value != 0.0:  # inf - inf is nan; a literal never gives nan
        shown = literal if len(literal) <= 24 else literal[:21] + "..."
        raise ValueError(f"number {shown} is out of range (larger than a double)")
    return value


# One decoder, built once: json.loads(s, **kw) would build a new one on every call.
_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite_float)
_SCAN = _DECODER.scan_once
_WS = " \t\n\r"


def loads(text: str) -> Any:
    """Parse one JSON text (a ``str``)."""
    if text and text[0] not in _WS:
        # fast path: straight to the C scanner; anything unusual takes the full path below,
        # which also words the error
        try:
            value, end = _SCAN(text, 0)
            if end == len(text):
                return value
        except Exception:  # noqa: BLE001 - re-raised, in words, by the full path
            pass
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise JsonTextError(exc.msg, exc.lineno, exc.colno) from None
    except RecursionError:
        raise JsonTextError("nested too deeply") from None
    except (ValueError, TypeError) as exc:  # NaN/Infinity, 1e400, over-long integers
        if "integer string conversion" in str(exc):
            raise JsonTextError(f"an integer has more than {sys.get_int_max_str_digits()} "
                                f"digits, the most Python converts") from None
        raise JsonTextError(str(exc)) from None


#: The first slice of a gzip member handed to the inflater; it doubles while the member
#: goes on.  What the inflater reads past a member's end is copied out (``unused_data``), so
#: small first slices keep that copy proportional to the member: many members stay linear.
_FIRST_SLICE = 64
_MAX_SLICE = 1 << 20
_NULS = re.compile(rb"\x00*")


def _gunzip(data: bytes, limit: int) -> bytes:
    """``gzip.decompress(data)`` (members one after another, trailing NULs allowed), but
    never more than ``limit`` bytes of output: :class:`BodyTooLargeError` instead.  The
    work is linear in the input and the output, however many members there are."""
    parts: list[bytes] = []
    size = pos = 0
    view = memoryview(data)
    end = len(data)
    while True:
        stream = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip header and trailer
        step = _FIRST_SLICE
        while not stream.eof:
            if pos >= end:
                raise JsonTextError("the body is not a valid gzip stream (it ends before "
                                    "the end-of-stream marker)")
            chunk = view[pos:pos + step]
            # max_length caps the output (0 would mean no cap; it is at least 1 here).
            # Output short of the cap means the whole slice was used (or the member ended).
            part = stream.decompress(chunk, limit - size + 1)
            size += len(part)
            if size > limit:
                raise BodyTooLargeError(
                    f"the gzip-compressed request body decompresses to more than {limit} "
                    f"bytes ({limit / 1048576:g} MiB), the limit")
            parts.append(part)
            pos += len(chunk) - len(stream.unused_data)
            step = min(step * 2, _MAX_SLICE)
        pos = _NULS.match(data, pos).end()
        if pos >= end:
            return b"".join(parts)
        if data[pos:pos + 2] != GZIP_MAGIC:
            raise JsonTextError("the body is not a valid gzip stream (data after its end)")


def load_body(body: bytes | bytearray | memoryview | str) -> Any:
    """Parse a request body: JSON text, as ``str`` or bytes (UTF-8/16/32, detected as
    :func:`json.loads` does), optionally gzip-compressed (detected by its magic number;
    at most :data:`MAX_BODY_BYTES` once decompressed, else :class:`BodyTooLargeError`)."""
    if isinstance(body, str):
        return loads(body)
    data = bytes(body)
    if data[:2] == GZIP_MAGIC:
        try:
            data = _gunzip(data, MAX_BODY_BYTES)
        except JsonTextError:
            raise
        except (zlib.error, ValueError) as exc:
            raise JsonTextError(f"the body is not a valid gzip stream ({exc})") from None
    try:
        text = data.decode(json.detect_encoding(data), "surrogatepass")
    except (UnicodeDecodeError, LookupError) as exc:
        raise JsonTextError(f"the body is not valid Unicode text ({exc.__class__.__name__})"
                            ) from None
    return loads(text)


def normalise(value: Any) -> Any:
    """A JSON-clean deep copy of an already-parsed value (a dict given where the API takes a
    JSON text): serialised and parsed again, so it holds only JSON types."""
    try:
        text = json.dumps(value, allow_nan=False)
    except RecursionError:
        raise JsonTextError("nested too deeply") from None
    except (TypeError, ValueError) as exc:  # non-JSON types, NaN, circular references
        raise JsonTextError(f"not JSON-serialisable ({exc})") from None
    return loads(text)
