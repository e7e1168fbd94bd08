"""``--format json``: a list of ``{"file", "line", "column", "code", "severity", "message",
"path"}`` (``path`` rendered ``$.a[0].b``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ._finding import sort_findings

__all__ = ["format_json"]


def format_json(findings: Iterable[Any]) -> str:
    """The findings as a JSON list (2-space indented, UTF-8 kept), ending with a newline.

    Written finding by finding (what ``json.dumps(list, indent=2)`` writes, without the list
    of dicts for every finding at once)."""
    items = ["  " + json.dumps(f.to_dict(), indent=2, ensure_ascii=False).replace("\n", "\n  ")
             for f in sort_findings(findings)]
    return ("[\n" + ",\n".join(items) + "\n]\n") if items else "[]\n"
