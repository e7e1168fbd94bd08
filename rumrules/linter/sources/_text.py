"""Bytes -> text, and text offsets -> 1-based (line, column).

Text is decoded strictly: UTF-8 (a UTF-8 byte-order mark is dropped), or UTF-16/UTF-32 when
the text starts with their byte-order mark.  Columns count Unicode code points, as editors
and SARIF's ``unicodeCodePoints`` do.
"""

from __future__ import annotations

import codecs
import re
from array import array
from bisect import bisect_right

from ._errors import SourceError

__all__ = ["decode", "encode", "LineMap"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# JSON (and most editors) break lines at CR LF, CR and LF; YAML 1.1 also at NEL, LS and PS.
_JSON_BREAKS = re.compile(r"\r\n|[\r\n]")
_YAML_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def decode(data: bytes, file: str) -> str:
    """Decode file bytes; undecodable bytes raise :class:`SourceError` at their position."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        last = before.rfind(b"\n") + 1
        column = len(before[last:].decode(encoding, errors="replace")) + 1
        raise SourceError(
            f"the file is not valid {encoding.upper().replace('-SIG', '')} text "
            f"(byte 0x{data[exc.start]:02x} cannot be decoded)",
            file=file, line=line, column=column) from None


_ENCODE = {"utf-32": {codecs.BOM_UTF32_LE: "utf-32-le", codecs.BOM_UTF32_BE: "utf-32-be"},
           "utf-16": {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}}


def encode(text: str, like: bytes) -> bytes:
    """``text`` encoded as the bytes ``like`` were (the same encoding and byte-order mark):
    what :func:`decode` of the result gives back is ``text``."""
    for bom, name in _BOMS:
        if like.startswith(bom):
            codec = _ENCODE.get(name, {}).get(bom, "utf-8")
            return bom + text.encode(codec)
    return text.encode("utf-8")


class LineMap:
    """Maps character offsets of one text to 1-based ``(line, column)`` pairs."""

    __slots__ = ("text", "starts")

    def __init__(self, text: str, *, yaml: bool = False) -> None:
        self.text = text
        breaks = _YAML_BREAKS if yaml else _JSON_BREAKS
        #: the offset where each line starts (an array: 4 bytes a line, not an int object;
        #: 8 for a text of 2 GiB or more)
        self.starts = array("i" if len(text) < 2**31 else "q", [0])
        self.starts.extend(m.end() for m in breaks.finditer(text))

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of the character at ``offset``."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based ``(line, column)`` (clamped to the text)."""
        index = max(0, min(line - 1, len(self.starts) - 1))
        return min(self.starts[index] + max(column, 1) - 1, len(self.text))
