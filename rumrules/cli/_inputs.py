"""Reading the ``explain``/``eval`` inputs: a file or standard input (``-``), holding one JSON
value, a JSON array of values, or JSON lines."""

from __future__ import annotations

import json
import os
import re
from typing import Any

from ..errors import RumRulesError
from ..linter.sources import MAX_DEPTH, SourceError, display_name, read_path, read_stdin

__all__ = ["read_input", "json_records", "json_entries", "argument_text"]


def read_input(path: str) -> str:
    """The text of a file, or of standard input for ``-``, as UTF-8 (a RumRulesError naming
    the file, and the line and column of an undecodable byte, if unreadable or larger than
    the input limit; see :func:`~rumrules.linter.sources.read_path`)."""
    if path == "-":
        name = "<stdin>"
        data = read_stdin(None, name)
    else:
        data = read_path(path)
        name = display_name(path)
    return _utf8(data, name)


def _utf8(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, column = _position(data[:e.start].decode("utf-8", "replace"), None)
        raise SourceError(f"not valid UTF-8 text (byte 0x{data[e.start]:02x})", file=name,
                          line=line, column=column) from None


def argument_text(value: str, name: str) -> str:
    """A command-line argument as the text the user typed: undone from the surrogate escapes
    a non-UTF-8 locale (``LC_ALL=C``) decodes it with, and refused when not UTF-8."""
    try:
        raw = os.fsencode(value)
    except UnicodeEncodeError:  # lone surrogates that no locale made: refuse them
        raise SourceError("the argument holds a lone surrogate (not valid Unicode text)",
                          file=name) from None
    return _utf8(raw, name)


def _position(text: str, offset: int | None) -> tuple[int, int]:
    """1-based line and column of ``offset`` (default: the end) in ``text``."""
    before = text if offset is None else text[:offset]
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def _too_deep(text: str, source: str) -> SourceError:
    """The error for JSON nested too deeply for ``json`` to read, at the bracket that goes
    past the readers' limit (MAX_DEPTH, 200 levels, as ``rumrules check`` has)."""
    depth = 0
    for m in _TOKENS.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line, column = _position(text, m.start())
                return SourceError(f"JSON nested deeper than {MAX_DEPTH} levels", file=source,
                                   line=line, column=column)
        elif token in "]}":
            depth -= 1
    return SourceError(f"JSON nested deeper than {MAX_DEPTH} levels", file=source)


def _loads(text: str, source: str) -> Any:
    """``json.loads``, with nesting too deep for it (RecursionError) a SourceError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise _too_deep(text, source) from None


def json_entries(text: str, source: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The records of ``text`` and where each is: ``([(where, JSON text)], [refusals])``.

    A JSON array gives its items (``source[3]``); JSON lines give each line that parses
    (``source:12``) and, for each line that does not, a refusal ``source:12: not JSON:
    reason``; any other text is one record (its consumer parses it and reports on it)."""
    stripped = text.strip()
    try:
        value = _loads(stripped, source)
    except ValueError:
        lines = [(n, ln) for n, ln in enumerate(text.splitlines(), start=1) if ln.strip()]
        if len(lines) < 2:
            return [(source, stripped)], []
        records, refused = [], []
        for n, line in lines:
            try:
                _loads(line, source)
            except ValueError as e:
                refused.append(f"{source}:{n}: not JSON: {e}")
            else:
                records.append((f"{source}:{n}", line))
        return records, refused
    if isinstance(value, list):
        return [(f"{source}[{i}]", json.dumps(item)) for i, item in enumerate(value)], []
    return [(source, stripped)], []


def json_records(text: str, source: str) -> list[str]:
    """The records of ``text`` as JSON texts: the items of a JSON array, each line of JSON
    lines, or the whole text (which the consumer parses and reports on); a line of JSON
    lines that does not parse is a :class:`RumRulesError` naming it."""
    records, refused = json_entries(text, source)
    if refused:
        raise RumRulesError(refused[0])
    return [record for _, record in records]
