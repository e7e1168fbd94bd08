"""Output formatters of ``rumrules check``: ``text``, ``json``, ``sarif`` and ``github``.

Each takes findings (:class:`Finding`, or mappings/objects with the same fields) and returns
the whole output as text; findings are ordered by file, line, column and code.  Rule metadata
(for SARIF) comes from a callable ``rule_lookup(code)`` that returns the rule object (``.name``,
``.severity``, ``.summary``, ``.source``) or ``None``; this package imports no rules.

::

    print(render(findings, "sarif", rule_lookup=lookup), end="")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO, Any

from ...linter import (DOCS_BASE_URL, INFORMATION_URI, Finding, RuleLookup, as_finding,
                       rule_metadata, severity_of, sort_findings)
from ._github import escape_data, escape_property, format_github
from ._json import format_json, iter_json
from ._sarif import FINGERPRINT_KEY, SARIF_SCHEMA, artifact_uri, fingerprint, format_sarif, sarif_log
from ._statistics import format_statistics
from ._text import counts_line, fixable_line, format_text, iter_text, summary_line, use_color

__all__ = [
    "DOCS_BASE_URL",
    "FINGERPRINT_KEY",
    "FORMATS",
    "INFORMATION_URI",
    "SARIF_SCHEMA",
    "Finding",
    "RuleLookup",
    "artifact_uri",
    "as_finding",
    "escape_data",
    "escape_property",
    "fixable_line",
    "fingerprint",
    "format_github",
    "format_json",
    "format_sarif",
    "format_statistics",
    "format_text",
    "iter_json",
    "iter_text",
    "render",
    "rule_metadata",
    "sarif_log",
    "counts_line",
    "severity_of",
    "sort_findings",
    "summary_line",
    "use_color",
]

#: The names accepted by ``--format``.
FORMATS = ("text", "json", "sarif", "github")


def render(findings: Iterable[Any], format: str = "text", *,
           rule_lookup: RuleLookup | None = None, rules: Iterable[str] | None = None,
           color: bool | None = None, stream: IO[Any] | None = None,
           tool_version: str | None = None, base_dir: str | None = None,
           summary: bool = True, unsafe_fixes: bool = False,
           counts: Mapping[str, int] | None = None) -> str:
    """The output of ``format`` for ``findings``.

    ``color``, ``summary`` (the counts, summary and fixable lines) and ``unsafe_fixes``
    (whether unsafe fixes count as applicable): text only; ``color=None`` decides from
    ``stream`` (a terminal, ``NO_COLOR``, ``FORCE_COLOR``).  ``rule_lookup``/``rules``/
    ``tool_version``/``base_dir``: SARIF only.  ``counts`` (``{"files",
    "definitions_checked", "not_checked"}``): a line of text, the ``summary`` of JSON, the
    run's ``properties`` in SARIF (not in ``github``).
    """
    if format == "text":
        return format_text(findings, color=use_color(stream) if color is None else color,
                           summary=summary, unsafe_fixes=unsafe_fixes, counts=counts)
    if format == "json":
        return format_json(findings, counts=counts)
    if format == "sarif":
        return format_sarif(findings, rule_lookup=rule_lookup, rules=rules,
                            tool_version=tool_version, base_dir=base_dir, counts=counts)
    if format == "github":
        return format_github(findings)
    raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
