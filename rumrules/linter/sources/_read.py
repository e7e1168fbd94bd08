"""Reading files, directories and standard input into :class:`Document` objects."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any

from ._errors import SourceError
from ._json import parse_json
from ._records import Document, SourceNote
from ._shapes import build_document
from ._text import LineMap, decode
from ._yaml import parse_yaml

__all__ = ["read_text", "read_bytes", "read_file", "read_paths", "walk", "EXTENSIONS",
           "STDIN", "MAX_INPUT_BYTES", "read_limited", "read_path", "display_name"]

#: File name endings read when walking a directory (case-insensitive).
EXTENSIONS = (".json", ".yaml", ".yml", ".template")
#: The path that names standard input.
STDIN = "-"
#: The most one input (a file, standard input) may hold: 64 MiB.  A destination holds at
#: most 2000 definitions of at most ~4.6 KB each (about 9 MB); the limit leaves room for
#: templates and many requests in one file, and stops ``/dev/zero`` or a runaway pipe before
#: it takes the machine's memory.
MAX_INPUT_BYTES = 64 * 1024 * 1024


_CHUNK = 1 << 20


def read_limited(handle: IO[Any], file: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read a binary handle to its end, or raise :class:`SourceError` once it holds more
    than ``limit`` bytes: a regular file larger than that is refused unread, any other
    stream (a pipe, ``/dev/zero``) is read by the MiB up to ``limit + 1`` bytes."""
    def too_large() -> SourceError:
        return SourceError(f"the input is larger than {limit} bytes ({limit // 1048576} MiB), "
                           f"the limit", file=file)
    try:
        info = os.fstat(handle.fileno())
        size = info.st_size if stat.S_ISREG(info.st_mode) else None
    except (OSError, AttributeError, ValueError):  # not a real file (io.BytesIO...)
        size = None
    if size is not None:
        if size > limit:
            raise too_large()
        data = handle.read()
    else:
        chunks, total = [], 0
        while total <= limit:
            chunk = handle.read(min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        data = chunks[0][:0].join(chunks) if chunks else b""  # a text stream gives str
    if len(data) > limit:
        raise too_large()
    return data


# text that makes an unreadable file found by walking worth an error instead of a skip
_RELEVANT = ("AWS::RUM::AppMonitor", "MetricDefinition", "EventPattern")

_NOT_OURS = ("not a metric definition request, a list of metric definitions, or a "
             "CloudFormation template")


def _syntax(file: str, text: str) -> str:
    lower = file.lower()
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    # .template files and standard input: JSON when the text starts as JSON does (a JSON
    # template with a trailing comma is a JSON error, not a YAML flow mapping), else YAML
    stripped = text.lstrip(" \t\r\n\ufeff")
    return "json" if stripped[:1] in ("{", "[") else "yaml"


def _parse(text: str, file: str) -> tuple[Any, Any, LineMap]:
    if _syntax(file, text) == "yaml":
        lines = LineMap(text, yaml=True)
        return (*parse_yaml(text, file, lines), lines)
    lines = LineMap(text)
    return (*parse_json(text, file, lines), lines)


def read_text(text: str, file: str = "<stdin>", *, explicit: bool = True) -> Document | None:
    """Read one document from ``text``; ``file`` is its display name (its ending, ``.json``
    or ``.yaml``/``.yml``, picks the syntax; otherwise text starting with ``{`` or ``[`` is
    JSON and any other text YAML).

    Raises :class:`SourceError` when the text cannot be parsed or, when ``explicit``, when it
    is none of the supported shapes.  With ``explicit=False`` (files found by walking a
    directory) a document of another shape gives ``None``, and so does unparseable text that
    does not mention RUM metric definitions at all.
    """
    if text.startswith("\ufeff"):  # a byte-order mark left in text handed over as str
        text = text[1:]
    try:
        value, root, lines = _parse(text, file)
    except SourceError:
        if explicit or any(word in text for word in _RELEVANT):
            raise
        return None
    except RecursionError:  # pragma: no cover - the readers are iterative
        raise SourceError("the document nests too deeply", file=file) from None
    doc = build_document(file, value, root, lines)
    if doc is None and explicit:
        raise SourceError(_NOT_OURS, file=file, line=1, column=1)
    return doc


def read_bytes(data: bytes, file: str = "<stdin>", *, explicit: bool = True) -> Document | None:
    """Decode and read ``data`` (see :func:`read_text`)."""
    try:
        text = decode(data, file)
    except SourceError:
        if explicit or any(word.encode() in data for word in _RELEVANT):
            raise
        return None
    del data  # the text is what is kept: a file's bytes are not held beside it
    return read_text(text, file, explicit=explicit)


def read_path(path: str | os.PathLike[str], file: str | None = None) -> bytes:
    """The bytes of the file at ``path``, at most the input limit (``file`` is the display
    name, by default the path); every way the path can fail to be read is a
    :class:`SourceError` naming it: a missing file, a directory, a name holding a NUL byte or
    a lone surrogate (which no file system can hold), a FIFO that no program writes to (it is
    opened without waiting for a writer, so ``check fifo`` does not hang; a pipe with a
    writer, as ``<(command)`` gives, is read), an ``OSError``, or more than the limit."""
    display = file if file is not None else display_name(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise SourceError("no such file or directory", file=display) from None
    except IsADirectoryError:
        raise SourceError("is a directory", file=display) from None
    except OSError as exc:
        raise SourceError(f"cannot be read: {exc.strerror or exc}", file=display) from None
    except UnicodeError:  # a lone surrogate that the file system encoding cannot write
        raise SourceError("cannot be read: the file name is not valid Unicode (it holds a "
                          "lone surrogate)", file=display) from None
    except ValueError:  # os.open: "embedded null byte"
        raise SourceError("cannot be read: the file name holds a NUL byte",
                          file=display) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise SourceError("is a directory", file=display)
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device: read it as a stream
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as handle:
            fd = -1  # the handle closes it
            data = read_limited(handle, display)
    except OSError as exc:
        raise SourceError(f"cannot be read: {exc.strerror or exc}", file=display) from None
    finally:
        if fd != -1:
            os.close(fd)
    if not data and stat.S_ISFIFO(info.st_mode):
        raise SourceError("a FIFO (named pipe) that no program writes to: nothing to read",
                          file=display)
    return data


def display_name(path: str | os.PathLike[str] | bytes) -> str:
    """``path`` as a display name on one printable line: a NUL byte, a control character,
    a line separator or a lone surrogate is written as its backslash escape (``a\\x00b``)."""
    name = os.fspath(path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if name.isprintable():
        return name
    return "".join(c if c.isprintable() else c.encode("unicode_escape", "backslashreplace")
                   .decode("ascii") if not 0xD800 <= ord(c) <= 0xDFFF else f"\\u{ord(c):04x}"
                   for c in name)


def read_file(path: str | os.PathLike[str], *, file: str | None = None,
              explicit: bool = True) -> Document | None:
    """Read the file at ``path`` (``file`` is the display name, by default the path)."""
    display = file if file is not None else display_name(path)
    return read_bytes(read_path(path, display), display, explicit=explicit)


def walk(directory: str | os.PathLike[str]) -> Iterator[str]:
    """The files under ``directory`` that may hold definitions (``*.json``, ``*.yaml``,
    ``*.yml``, ``*.template``), in sorted order; hidden files and folders are skipped, and
    symbolic links to folders are not followed."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(EXTENSIONS):
                yield os.path.join(root, name)


def read_paths(paths: Iterable[str | os.PathLike[str]], *,
               stdin: bytes | str | IO[Any] | None = None,
               stdin_filename: str = "<stdin>", skip_unrecognized: bool = False,
               notes: list[SourceNote] | None = None) -> Iterator[Document]:
    """Read every document named by ``paths``: files (an error when unreadable or of no
    supported shape), directories (walked; files of other shapes are skipped), and ``-`` for
    standard input (``stdin``, by default ``sys.stdin``; ``stdin_filename`` is its display
    name and picks its syntax).  A file named twice is read once.

    With ``skip_unrecognized`` a named file (or standard input) of another shape is skipped
    as a file found by walking is: a pre-commit hook hands over every JSON/YAML file of a
    repository (``package.json``, CI workflows...).  A directory in which no document is found
    adds a :class:`SourceNote` (line and column ``None``) to ``notes``.

    Raises :class:`SourceError` at the first input that cannot be read.
    """
    seen: set[str] = set()
    explicit = not skip_unrecognized
    for path in paths:
        path = os.fspath(path)
        if path == STDIN:
            doc = read_bytes(_read_stdin(stdin, stdin_filename), stdin_filename,
                             explicit=explicit)
            if doc is not None:
                yield doc
            continue
        if os.path.isdir(path):
            candidates = found_any = 0
            for found in walk(path):
                candidates += 1
                key = os.path.realpath(found)
                if key in seen:  # named before: whatever it held was said there
                    found_any += 1
                    continue
                seen.add(key)
                doc = read_file(found, file=os.path.normpath(found), explicit=False)
                if doc is not None:
                    found_any += 1
                    yield doc
            if not found_any and notes is not None:
                kinds = "/".join("*" + e for e in EXTENSIONS)
                what = (f"none of its {candidates} {kinds} file{'s' if candidates > 1 else ''}"
                        f" holds any" if candidates else f"it has no {kinds} files")
                notes.append(SourceNote(os.path.normpath(path), None, None,
                                        f"no metric definitions found in this directory "
                                        f"({what})"))
            continue
        try:
            key = os.path.realpath(path)
        except ValueError:  # a NUL byte or a lone surrogate: read_file says which
            key = path
        if key in seen:
            continue
        seen.add(key)
        doc = read_file(path, file=display_name(os.path.normpath(path)), explicit=explicit)
        if doc is not None:
            yield doc


def _read_stdin(stdin: bytes | str | IO[Any] | None, file: str = STDIN) -> bytes:
    if stdin is None:
        stdin = sys.stdin
        if stdin is None:  # started with standard input closed (<&-)
            raise SourceError("cannot be read: standard input is closed", file=file)
        stdin = getattr(stdin, "buffer", stdin)
    if not isinstance(stdin, (bytes, str)):
        try:
            stdin = read_limited(stdin, file)
        except (OSError, ValueError) as exc:  # a closed or write-only descriptor
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise SourceError(f"cannot be read: {reason}", file=file) from None
    return stdin.encode("utf-8", "surrogateescape") if isinstance(stdin, str) else stdin
