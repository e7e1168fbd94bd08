"""``--statistics``: how many findings each rule made, and how many of them ``--fix`` fixes."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from ...linter import RuleLookup, rule_metadata, sort_findings

__all__ = ["format_statistics", "statistics"]


def statistics(findings: Iterable[Any], *, rule_lookup: RuleLookup | None = None,
               unsafe_fixes: bool = False) -> list[dict[str, Any]]:
    """One record per code, most findings first (then by code): ``code``, ``name``,
    ``severity``, ``count`` and ``fixable`` (how many have a fix that applies)."""
    items = sort_findings(findings)
    counts = Counter(f.code for f in items)
    fixable = Counter(f.code for f in items
                      if f.fix is not None and (unsafe_fixes or f.fix.safe))
    severity = {f.code: f.severity for f in items}
    return [{"code": code, "name": rule_metadata(code, rule_lookup)["name"],
             "severity": severity[code], "count": n, "fixable": fixable[code]}
            for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def format_statistics(findings: Iterable[Any], format: str = "text", *,
                      rule_lookup: RuleLookup | None = None, unsafe_fixes: bool = False) -> str:
    """The statistics as a JSON list (``format="json"``) or as aligned text lines
    ``count  CODE  [*] name`` (``[*]``: some of them ``--fix`` fixes)."""
    rows = statistics(findings, rule_lookup=rule_lookup, unsafe_fixes=unsafe_fixes)
    if format == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if not rows:
        return ""
    width = len(str(rows[0]["count"]))
    return "".join(f"{r['count']:>{width}}  {r['code']}  {'[*]' if r['fixable'] else '   '} "
                   f"{r['name'] or ''}".rstrip() + "\n" for r in rows)
