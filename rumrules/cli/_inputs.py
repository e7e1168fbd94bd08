"""Reading the ``explain``/``eval`` inputs: a file or standard input (``-``), holding one JSON
value, a JSON array of values, or JSON lines."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import RumRulesError

__all__ = ["read_input", "json_records"]


def read_input(path: str) -> str:
    """The text of a file, or of standard input for ``-`` (a RumRulesError if unreadable)."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RumRulesError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}") from None


def json_records(text: str, source: str) -> list[str]:
    """The records of ``text`` as JSON texts: the items of a JSON array, each line of JSON
    lines, or the whole text (which the consumer parses and reports on)."""
    stripped = text.strip()
    try:
        value = json.loads(stripped)
    except ValueError:
        lines = [(n, ln) for n, ln in enumerate(stripped.splitlines(), start=1) if ln.strip()]
        if len(lines) < 2:
            return [stripped]
        for n, line in lines:
            try:
                json.loads(line)
            except ValueError as e:
                raise RumRulesError(f"{source}:{n}: not JSON: {e}") from None
        return [line for _, line in lines]
    if isinstance(value, list):
        return [json.dumps(item) for item in value]
    return [stripped]
