"""Reading the ``explain``/``eval`` inputs: a file or standard input (``-``), holding one JSON
value, a JSON array of values, or JSON lines."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import RumRulesError

__all__ = ["read_input", "json_records", "json_entries"]


def read_input(path: str) -> str:
    """The text of a file, or of standard input for ``-`` (a RumRulesError if unreadable)."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RumRulesError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}") from None


def json_entries(text: str, source: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The records of ``text`` and where each is: ``([(where, JSON text)], [refusals])``.

    A JSON array gives its items (``source[3]``); JSON lines give each line that parses
    (``source:12``) and, for each line that does not, a refusal ``source:12: not JSON:
    reason``; any other text is one record (its consumer parses it and reports on it)."""
    stripped = text.strip()
    try:
        value = json.loads(stripped)
    except ValueError:
        lines = [(n, ln) for n, ln in enumerate(text.splitlines(), start=1) if ln.strip()]
        if len(lines) < 2:
            return [(source, stripped)], []
        records, refused = [], []
        for n, line in lines:
            try:
                json.loads(line)
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
