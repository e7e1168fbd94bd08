"""``--format json``: a list of ``{"file", "line", "column", "end_line", "end_column",
"code", "severity", "message", "path", "help", "fix", "url"}`` (``path`` rendered
``$.a[0].b``; ``fix`` the edits, or ``null``); ``rumrules check`` wraps it with the counts:
``{"summary": {"files", "definitions_checked", "not_checked"}, "findings": [...]}``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ...linter import sort_findings

__all__ = ["format_json"]


def format_json(findings: Iterable[Any], *, counts: Mapping[str, int] | None = None) -> str:
    """The findings as a JSON list (2-space indented, UTF-8 kept), ending with a newline;
    with ``counts`` (what ``rumrules check`` prints), ``{"summary": counts, "findings":
    [...]}``."""
    # written finding by finding: what json.dumps(records, indent=2) writes, without a dict
    # for every finding at once (100,000 findings of a long file)
    items = [json.dumps(f.to_dict(), indent=2, ensure_ascii=False)
             for f in sort_findings(findings)]
    if counts is None:
        return _json_list(items, 0) + "\n"
    summary = json.dumps(dict(counts), indent=2, ensure_ascii=False).replace("\n", "\n  ")
    return f'{{\n  "summary": {summary},\n  "findings": {_json_list(items, 2)}\n}}\n'


def _json_list(items: list[str], indent: int) -> str:
    """A JSON array of already written values, as ``json.dumps(indent=2)`` lays it out
    ``indent`` spaces in."""
    if not items:
        return "[]"
    pad = " " * (indent + 2)
    return ("[\n" + ",\n".join(pad + i.replace("\n", "\n" + pad) for i in items) + "\n"
            + " " * indent + "]")
