"""``--format json``: a list of ``{"file", "line", "column", "end_line", "end_column",
"code", "severity", "message", "path", "help", "fix", "url"}`` (``path`` rendered
``$.a[0].b``; ``fix`` the edits, or ``null``); ``rumrules check`` wraps it with the counts:
``{"summary": {"files", "definitions_checked", "not_checked"}, "findings": [...]}``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ...linter import sort_findings

__all__ = ["format_json", "iter_json"]


def format_json(findings: Iterable[Any], *, counts: Mapping[str, int] | None = None) -> str:
    """The findings as a JSON list (2-space indented, UTF-8 kept), ending with a newline;
    with ``counts`` (what ``rumrules check`` prints), ``{"summary": counts, "findings":
    [...]}``."""
    return "".join(iter_json(findings, counts=counts))


def iter_json(findings: Iterable[Any], *,
              counts: Mapping[str, int] | None = None) -> Iterator[str]:
    """:func:`format_json`'s text in pieces, one finding at a time: what ``rumrules check``
    writes to its stream, without the whole report (100,000 findings of a long file) or a
    dict for every finding in memory at once."""
    indent = 0 if counts is None else 2
    if counts is not None:
        summary = json.dumps(dict(counts), indent=2, ensure_ascii=False).replace("\n", "\n  ")
        yield f'{{\n  "summary": {summary},\n  "findings": '
    pad = " " * (indent + 2)
    first = True
    for f in sort_findings(findings):
        item = json.dumps(f.to_dict(), indent=2, ensure_ascii=False)
        yield ("[\n" if first else ",\n") + pad + item.replace("\n", "\n" + pad)
        first = False
    yield "[]" if first else "\n" + " " * indent + "]"
    yield "\n" if counts is None else "\n}\n"
