"""``--format json``: a list of ``{"file", "line", "column", "code", "severity", "message",
"path"}`` (``path`` rendered ``$.a[0].b``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ...linter import sort_findings

__all__ = ["format_json"]


def format_json(findings: Iterable[Any]) -> str:
    """The findings as a JSON list (2-space indented, UTF-8 kept), ending with a newline."""
    return json.dumps([f.to_dict() for f in sort_findings(findings)], indent=2,
                      ensure_ascii=False) + "\n"
