"""Reading stored RUM event documents as a stream of batches: JSON lines, GetAppMonitorData
output (an object whose ``Events`` array holds document texts, one page or the CLI's merged
pages, pretty-printed or not), and CloudWatch Logs export files (each line an ISO timestamp,
a space, then the document).  Any of them may be gzip-compressed; the format is recognised
from the first bytes.  Nothing is read whole: memory holds a batch at a time."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import math
import re
import sys
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from ..errors import RumRulesError

__all__ = ["FORMATS", "Batch", "read_batches", "document_texts", "document_text", "locate",
           "is_cwlogs_line", "splittable", "read_range", "line_at"]

#: The input formats, as ``--input-format`` names them (``auto`` recognises each file).
FORMATS = ("auto", "jsonl", "getappmonitordata", "cwlogs")

#: About this many bytes of input go in one batch.
BATCH_BYTES = 256 * 1024
#: A document (or a value the GetAppMonitorData reader skips) larger than this is refused.
MAX_VALUE_BYTES = 64 * 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b"
#: A CloudWatch Logs export line: the event's ISO 8601 time, a space, the message.
_CWLOGS_LINE = re.compile(rb"\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:?\d\d)? ")
_PAGE_START = re.compile(r'\{\s*"(?:Events|NextToken)"\s*:')
_WS = re.compile(r"\s*")


@dataclass(frozen=True)
class Batch:
    """Documents on their way to a worker.  ``kind`` ``lines``: ``payload`` is bytes holding
    whole lines, one document each (``cwlogs``: after the timestamp), the first being line
    ``first`` of ``source``.  ``kind`` ``texts``: ``payload`` is a list of document texts,
    the first being item ``first`` (0-based) of the source's ``Events``."""

    kind: str
    payload: object
    source: str
    first: int
    cwlogs: bool = False
    #: where ``payload`` starts in the file (``lines``), for a ``first`` of 0: not known
    offset: int = 0


def _open(path: str) -> BinaryIO:
    try:
        raw: BinaryIO = sys.stdin.buffer if path == "-" else open(path, "rb")
    except OSError as e:
        raise RumRulesError(f"cannot read {path}: {e.strerror or e}") from None
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if head == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return raw


def _sniff(stream: io.BufferedReader, path: str, fmt: str) -> str:
    if fmt != "auto":
        return fmt
    head = stream.peek(64 * 1024)
    stripped = head.lstrip()
    if not stripped:
        return "jsonl"     # empty
    if _CWLOGS_LINE.match(stripped):
        return "cwlogs"
    if stripped[:1] == b"[" or _PAGE_START.match(stripped[:4096].decode("utf-8", "replace")):
        return "getappmonitordata"
    if stripped[:1] == b"{":
        first_line = stripped.split(b"\n", 1)[0]
        try:
            json.loads(first_line)
            return "jsonl"
        except ValueError:
            return "getappmonitordata"    # a pretty-printed value: the JSON stream reader
    raise RumRulesError(
        f"{path}: not stored RUM events (JSON lines, GetAppMonitorData output or a "
        f"CloudWatch Logs export): it starts with {stripped[:20]!r}",
        hint="pass --input-format if the format was misread")


def read_batches(path: str, fmt: str = "auto") -> Iterator[Batch]:
    """The batches of one input file (``-``: standard input), gzip or not.

    Raise :class:`RumRulesError` naming the file (and line) when it cannot be read or is
    not one of :data:`FORMATS`."""
    if fmt not in FORMATS:
        raise RumRulesError(f"unknown input format {fmt!r} ({', '.join(FORMATS)})")
    stream = _open(path)
    try:
        buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)  # type: ignore[arg-type]
        try:
            kind = _sniff(buffered, path, fmt)
            if kind == "getappmonitordata":
                yield from _json_stream(buffered, path)
            else:
                # a plain file's line numbers are counted only when an error names one
                # (line_at): counting every batch's lines costs ~0.2 µs per document
                plain = path != "-" and not isinstance(stream, gzip.GzipFile)
                yield from _line_batches(buffered, path, kind == "cwlogs", 0 if plain else 1)
        except (OSError, EOFError, gzip.BadGzipFile) as e:
            raise RumRulesError(f"cannot read {path}: {e}") from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _line_batches(stream: BinaryIO, path: str, cwlogs: bool, line: int = 1, offset: int = 0,
                  end: float = math.inf) -> Iterator[Batch]:
    """Batches of whole lines from ``stream`` (at byte ``offset`` of the file, the start of
    line ``line``, 0 when not known), up to the line that holds byte ``end - 1``."""
    while offset < end:
        chunk = stream.read(int(min(BATCH_BYTES, end - offset)))
        if not chunk:
            break
        if chunk[-1:] != b"\n":
            rest = stream.readline(MAX_VALUE_BYTES + 1)
            if len(rest) > MAX_VALUE_BYTES:
                raise RumRulesError(f"{path}:{_line_name(path, line, offset, chunk)}: a line "
                                    f"longer than {MAX_VALUE_BYTES} bytes")
            chunk += rest
        yield Batch("lines", chunk, path, line, cwlogs, offset)
        if line:
            line += chunk.count(b"\n")
        offset += len(chunk)


def _line_name(path: str, line: int, offset: int, chunk: bytes) -> int:
    """The number of the last line begun in ``chunk`` (read at ``offset``)."""
    return (line or line_at(path, offset)) + chunk.count(b"\n")


def line_at(path: str, offset: int) -> int:
    """The number of the line of ``path`` that starts at byte ``offset`` (counted when an
    error is to name it: a range's reader does not know it)."""
    line = 1
    with open(path, "rb") as f:
        while offset > 0:
            block = f.read(min(offset, 1 << 20))
            if not block:
                break
            line += block.count(b"\n")
            offset -= len(block)
    return line


def splittable(path: str, fmt: str = "auto") -> str | None:
    """``jsonl`` or ``cwlogs`` when ``path`` is such a file, not compressed, that
    :func:`read_range` can read in parts; else ``None`` (standard input, gzip,
    GetAppMonitorData output: read whole by :func:`read_batches`)."""
    if path == "-" or fmt not in FORMATS:
        return None
    try:
        with open(path, "rb") as raw:
            if raw.peek(2)[:2] == _GZIP_MAGIC:
                return None
            kind = _sniff(raw, path, fmt)
    except (OSError, RumRulesError):
        return None      # read_batches says what is wrong
    return kind if kind in ("jsonl", "cwlogs") else None


def read_range(path: str, kind: str, start: int, end: int) -> Iterator[Batch]:
    """The batches of the lines of ``path`` (a :func:`splittable` file of that ``kind``)
    that start at bytes ``start`` to ``end`` (excluded): ranges that tile a file read each
    line once.  Raise :class:`RumRulesError` naming the file when it cannot be read."""
    try:
        with open(path, "rb") as f:
            offset = start
            if start > 0:
                f.seek(start - 1)
                if f.read(1) != b"\n":        # a line begun before start: not ours
                    offset += len(f.readline())
            yield from _line_batches(f, path, kind == "cwlogs", 1 if offset == 0 else 0,
                                     offset, end)
    except OSError as e:
        raise RumRulesError(f"cannot read {path}: {e.strerror or e}") from None


def is_cwlogs_line(line: bytes | str) -> bool:
    """Whether ``line`` starts as a CloudWatch Logs export line (an ISO time, a space)."""
    raw = line.encode("utf-8", "surrogatepass") if isinstance(line, str) else line
    return _CWLOGS_LINE.match(raw[:64].lstrip()) is not None


def document_text(line: bytes | str, cwlogs: bool) -> bytes | str:
    """The document of one input line (a CloudWatch Logs export line loses its timestamp)."""
    if cwlogs:
        space = line.find(b" " if isinstance(line, bytes) else " ")
        return line[space + 1:] if space >= 0 else line
    return line


def document_texts(batch: Batch) -> list:
    """The document texts of a batch, in order (blank lines are none): the lines' bytes
    (split at ``\n`` only: a JSON text holds no raw line feed, but may hold U+2028 and
    the like), or the ``str`` items of a ``texts`` batch."""
    if batch.kind == "texts":
        return batch.payload  # type: ignore[return-value]
    lines = batch.payload.split(b"\n")  # type: ignore[attr-defined]
    if batch.cwlogs:
        return [document_text(line, True) for line in lines if line and not line.isspace()]
    return [line for line in lines if line and not line.isspace()]


def locate(batch: Batch, k: int) -> str:
    """Where the ``k``-th document of a batch is: ``file:line`` or ``file: Events[i]``."""
    if batch.kind == "texts":
        return f"{batch.source}: Events[{batch.first + k}]"
    seen = -1
    first = batch.first or line_at(batch.source, batch.offset)
    for n, raw in enumerate(batch.payload.split(b"\n"), start=first):  # type: ignore[attr-defined]
        if raw.strip():
            seen += 1
            if seen == k:
                return f"{batch.source}:{n}"
    return batch.source


# ------------------------------------------------------------------ GetAppMonitorData


class _Text:
    """Decoded text of a byte stream, read as needed; ``pos`` is the cursor in ``buf``."""

    def __init__(self, stream: BinaryIO, path: str) -> None:
        self.stream = stream
        self.path = path
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
        self.buf = ""
        self.pos = 0
        self.line = 1     # line of buf[0]
        self.eof = False

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.stream.read(BATCH_BYTES)
        try:
            text = self.decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as e:
            raise RumRulesError(f"{self.path}: not UTF-8 text ({e.reason})") from None
        if not chunk:
            self.eof = True
        # drop what was consumed, counting its lines
        self.line += self.buf.count("\n", 0, self.pos)
        self.buf = self.buf[self.pos:] + text
        self.pos = 0
        return bool(chunk) or bool(text)

    def where(self, pos: int | None = None) -> str:
        pos = self.pos if pos is None else pos
        line = self.line + self.buf.count("\n", 0, pos)
        column = pos - self.buf.rfind("\n", 0, pos)
        return f"{self.path}:{line}:{column}"

    def skip_ws(self) -> str:
        """The next non-blank character ('' at the end), not consumed."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def expect(self, char: str, what: str) -> None:
        if self.skip_ws() != char:
            raise RumRulesError(f"{self.where()}: expected {char!r} {what}",
                                hint="GetAppMonitorData output is {\"Events\": [\"...\", ...]}")
        self.pos += 1

    def closes(self, close: str, what: str) -> bool:
        """After an item: consume ``close`` (True) or a comma (False)."""
        if self.skip_ws() == close:
            self.pos += 1
            return True
        self.expect(",", what)
        return False

    def value(self) -> tuple[object, int]:
        """The next JSON value and where its text starts in ``buf``; reads more text as
        long as the value is cut off by the end of what was read."""
        self.skip_ws()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as e:
                if not self.eof and len(self.buf) - self.pos <= MAX_VALUE_BYTES and self.more():
                    continue
                line = self.line + self.buf.count("\n", 0, e.pos)
                raise RumRulesError(f"{self.path}:{line}: not JSON: {e.msg}") from None
            except RecursionError:
                raise RumRulesError(f"{self.where()}: nested too deeply to read") from None
            start, self.pos = self.pos, end
            return value, start


_DECODER = json.JSONDecoder()


def _json_stream(stream: BinaryIO, path: str) -> Iterator[Batch]:
    """GetAppMonitorData output: one or more pages (``{"Events": [...], "NextToken": ...}``,
    in any layout), a bare ``Events`` array, or documents as JSON values one after another."""
    pending: list = []
    first = 0
    for k, item in enumerate(_documents(_Text(stream, path))):
        pending.append(item)
        if len(pending) >= _TEXTS_PER_BATCH:
            yield Batch("texts", pending, path, first)
            pending, first = [], k + 1
    if pending:
        yield Batch("texts", pending, path, first)


#: Document texts per batch from GetAppMonitorData output.
_TEXTS_PER_BATCH = 256


def _documents(text: _Text) -> Iterator[str]:
    while True:
        c = text.skip_ws()
        if not c:
            return
        if c == "{" and len(text.buf) - text.pos < 4096:
            text.more()     # enough text to tell a page from a document
        if c == "{" and _PAGE_START.match(text.buf, text.pos) is None:
            # a document as a JSON value: its own text goes to the worker
            _, start = text.value()
            yield text.buf[start:text.pos]
        elif c == "{":
            text.pos += 1
            while True:
                key, _ = text.value()
                text.expect(":", "after a member name")
                if key == "Events":
                    yield from _array(text)
                else:
                    text.value()
                if text.closes("}", "between members"):
                    break
        elif c == "[":
            yield from _array(text)
        else:
            raise RumRulesError(f"{text.where()}: expected a GetAppMonitorData page, an Events "
                                f"array or a document, not {c!r}")


def _array(text: _Text) -> Iterator[str]:
    """The items of a JSON array at the cursor as document texts (an item that is a string
    is the text, as GetAppMonitorData returns it; an object is given as its own text)."""
    text.expect("[", "to open the Events array")
    if text.skip_ws() == "]":
        text.pos += 1
        return
    while True:
        value, start = text.value()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield text.buf[start:text.pos]
        else:
            raise RumRulesError(f"{text.where(start)}: an Events item is a document (a JSON "
                                f"string or object), not {type(value).__name__}")
        if text.closes("]", "between array items"):
            return
