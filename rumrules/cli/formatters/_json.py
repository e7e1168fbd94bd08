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
    records: Any = [f.to_dict() for f in sort_findings(findings)]
    if counts is not None:
        records = {"summary": dict(counts), "findings": records}
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
