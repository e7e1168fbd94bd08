"""JSON text in and out of ingestion, with every failure turned into :class:`JsonTextError`.

RFC 8259 strictly: ``NaN``, ``Infinity`` and ``-Infinity`` (which :func:`json.loads` takes by
default) are refused.  Deep nesting (``RecursionError`` in the C scanner), bad UTF-8 and bad
gzip streams become a :class:`JsonTextError` too, so callers only ever see one exception.
"""

from __future__ import annotations

import gzip
import json
import zlib
from typing import Any

__all__ = ["JsonTextError", "loads", "load_body", "normalise", "GZIP_MAGIC"]

GZIP_MAGIC = b"\x1f\x8b"


class JsonTextError(ValueError):
    """A text that is not JSON; ``reason`` in words, ``line``/``column`` when known."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


# One decoder, built once: json.loads(s, **kw) would build a new one on every call.
_DECODER = json.JSONDecoder(parse_constant=_no_constant)
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
    except (ValueError, TypeError) as exc:  # NaN/Infinity, over-long integers
        raise JsonTextError(str(exc)) from None


def load_body(body: bytes | bytearray | memoryview | str) -> Any:
    """Parse a request body: JSON text, as ``str`` or bytes (UTF-8/16/32, detected as
    :func:`json.loads` does), optionally gzip-compressed (detected by its magic number)."""
    if isinstance(body, str):
        return loads(body)
    data = bytes(body)
    if data[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error, ValueError) as exc:
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
