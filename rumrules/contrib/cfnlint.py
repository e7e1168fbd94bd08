"""rumrules as a cfn-lint plugin::

    cfn-lint --append-rules rumrules.contrib.cfnlint template.yaml

Each rumrules rule becomes a cfn-lint rule in the range cfn-lint leaves to plugins:
``RUM204`` (error) is ``E9204``, ``RUM207`` (warning) ``W9207``, ``RUM305`` (info) ``I9305``.
Findings keep rumrules' exact line and column, inside EventPattern text too.  The template is
checked once per run; every rule class reads its own findings from that one result.
"""

from __future__ import annotations

import json
import os
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from ..cli._check import CheckOptions, collect_findings
from ..cli.formatters import DOCS_BASE_URL
from ..cli.sources import SourceError
from ..rules import RULES

__all__ = ["cfnlint_id"]

_LETTER = {"error": "E", "warning": "W", "info": "I"}
_cache: dict[tuple[str, int], list] = {}


def cfnlint_id(code: str, severity: str) -> str:
    """The cfn-lint id of a rumrules code: ``RUM204`` at error severity is ``E9204``."""
    return f"{_LETTER[str(severity)]}9{code[3:]}"


def _findings(filename: str | None, cfn: Any) -> list:
    key = (filename or "", id(cfn))
    hit = _cache.get(key)
    if hit is not None:
        return hit
    if len(_cache) > 64:
        _cache.clear()
    resources = (cfn.template or {}).get("Resources") or {}
    if not any(isinstance(r, dict) and r.get("Type") == "AWS::RUM::AppMonitor"
               for r in resources.values()):
        found: list = []
    else:
        try:
            if filename and os.path.isfile(filename):
                found = collect_findings([filename], CheckOptions())
            else:
                text = json.dumps(cfn.template, default=str)
                found = collect_findings(["-"], CheckOptions(stdin_filename=filename or "-"),
                                         stdin=text)
        except SourceError:
            found = []
    _cache[key] = found
    return found


class _RumRule(CloudFormationLintRule):
    """Base of the generated rules: report this rule's findings on the template."""

    code = ""
    tags = ["rum", "rumrules"]

    def match(self, cfn):  # noqa: D102 - cfn-lint's interface
        matches = []
        for f in _findings(getattr(cfn, "filename", None), cfn):
            if f.code != self.code:
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
            "source_url": f"{DOCS_BASE_URL}{rule.code}.md",
            "code": rule.code,
        })
    return out


globals().update(_make_rules())
