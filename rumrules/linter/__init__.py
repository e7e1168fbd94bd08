"""The linter as a library: metric definitions in files, text or parsed objects in, findings
placed in their files out.

::

    for f in rumrules.lint(["templates/", "defs.json"], select=["RUM2"]):
        print(f.file, f.line, f.column, f.code, f.message)
    rumrules.lint(text=yaml_text, filename="template.yaml")
    rumrules.lint(data={"AppMonitorName": "app", "Destination": "CloudWatch",
                        "MetricDefinitions": [...]})

:func:`lint` reads with :mod:`rumrules.linter.sources` (the position-keeping JSON, YAML and
CloudFormation readers), checks every request with the rules, and returns :class:`Finding`
objects: the records that every ``rumrules check`` output format and the cfn-lint plugin
(:mod:`rumrules.contrib.cfnlint`) render.
"""

from ._finding import (DOCS_BASE_URL, FAIL_ON, INFORMATION_URI, Edit, Finding, FindingFix,
                       RuleLookup, as_finding, docs_url, rule_metadata, severity_of,
                       sort_findings)
from ._run import (LintOptions, LintStats, collect_findings, document_findings, finding_key,
                   lint, normalize_codes, rule_lookup)
from ._fix import FixResult, apply_edits, fix_text
from .sources import SourceError, SourceNote

__all__ = [
    "DOCS_BASE_URL",
    "FAIL_ON",
    "INFORMATION_URI",
    "Edit",
    "Finding",
    "FixResult",
    "FindingFix",
    "LintOptions",
    "LintStats",
    "RuleLookup",
    "SourceError",
    "SourceNote",
    "apply_edits",
    "as_finding",
    "collect_findings",
    "docs_url",
    "document_findings",
    "finding_key",
    "fix_text",
    "lint",
    "normalize_codes",
    "rule_lookup",
    "rule_metadata",
    "severity_of",
    "sort_findings",
]
