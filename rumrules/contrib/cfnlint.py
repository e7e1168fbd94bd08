"""rumrules as a cfn-lint plugin::

    cfn-lint template.yaml --append-rules rumrules.contrib.cfnlint
    cat template.yaml | cfn-lint --append-rules rumrules.contrib.cfnlint

(The template comes first: ``--append-rules`` takes every argument after it that does not
start with ``-``.)  Each rumrules rule becomes a cfn-lint rule in the range cfn-lint leaves to
plugins: ``RUM204`` (error) is ``E9204``, ``RUM207`` (warning) ``W9207``, ``RUM305`` (info)
``I9305``.  Findings in a template file keep rumrules' exact line and column, inside
EventPattern text too; for a template read from standard input (whose text cfn-lint does not
keep) cfn-lint places each finding at the node of its path, as it does its own.  Suppression
in the template's ``Metadata.rumrules`` applies, per app monitor and per definition.  The
template is checked once per run; every rule class reads its own findings from that one result.
"""

from __future__ import annotations

import os
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from ..linter import SourceError, docs_url, lint
from ..rules import RULES

__all__ = ["cfnlint_id"]

_LETTER = {"error": "E", "warning": "W", "info": "I"}
_cache: dict[tuple[str, int], tuple[list, bool]] = {}


def cfnlint_id(code: str, severity: str) -> str:
    """The cfn-lint id of a rumrules code: ``RUM204`` at error severity is ``E9204``."""
    return f"{_LETTER[str(severity)]}9{code[3:]}"


def _findings(filename: str | None, cfn: Any) -> tuple[list, bool]:
    """The findings on the template, and whether their lines and columns are the file's
    (``False`` when the template was not read from a file)."""
    key = (filename or "", id(cfn))
    hit = _cache.get(key)
    if hit is not None:
        return hit
    if len(_cache) > 64:
        _cache.clear()
    resources = (cfn.template or {}).get("Resources") or {}
    placed = bool(filename) and filename != "-" and os.path.isfile(filename)
    found: list = []
    if any(isinstance(r, dict) and r.get("Type") == "AWS::RUM::AppMonitor"
           for r in resources.values()):
        try:
            if placed:
                found = lint(filename)
            else:  # standard input: only the decoded template is left; positions are not ours
                found = lint(data=cfn.template, filename="template.json")
        except SourceError:
            found = []
    _cache[key] = (found, placed)
    return found, placed


class _RumRule(CloudFormationLintRule):
    """Base of the generated rules: report this rule's findings on the template."""

    code = ""
    tags = ["rum", "rumrules"]

    def match(self, cfn):  # noqa: D102 - cfn-lint's interface
        matches = []
        found, placed = _findings(getattr(cfn, "filename", None), cfn)
        for f in found:
            if f.code != self.code:
                continue
            if not placed:  # cfn-lint finds the node of the path in its own template
                matches.append(RuleMatch(list(f.path), f.message))
                continue
            line, column = (f.line or 1) - 1, (f.column or 1) - 1
            matches.append(RuleMatch(list(f.path), f.message,
                                     location=(line, column, line, column + 1)))
        return matches


def _make_rules() -> dict[str, type]:
    out = {}
    for rule in RULES:
        name = f"Rum{rule.code}"
        out[name] = type(name, (_RumRule,), {
            "__doc__": f"{rule.code} {rule.name}: {rule.summary}",
            "__module__": __name__,
            "id": cfnlint_id(rule.code, rule.severity),
            "shortdesc": f"{rule.code} {rule.name}",
            "description": rule.summary,
            "source_url": docs_url(rule.code),
            "code": rule.code,
        })
    return out


globals().update(_make_rules())
