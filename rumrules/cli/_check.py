"""``rumrules check``: the pre-deployment check over files, directories and standard input."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..errors import Severity
from ..rules import check_definitions
from ..rules._checker import rule_by_code
from .formatters import Finding, render
from .sources import code_matches, read_paths

__all__ = ["CheckOptions", "run_check", "collect_findings", "rule_lookup"]

# request-level rules that do not apply to a CloudFormation destination (its limits are the
# resource's, and AppMonitorName comes from the resource's Name)
_NOT_FOR_CFN = ("RUM501", "RUM506", "RUM509")


@dataclass
class CheckOptions:
    """What ``check`` does: which codes to report, how to print, how to exit."""

    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    format: str = "text"
    exit_zero: bool = False
    color: bool | None = None
    stdin_filename: str = "<stdin>"


def rule_lookup(code: str):
    """Rule metadata for the formatters (``None`` for an unknown code)."""
    try:
        return rule_by_code(code)
    except KeyError:
        return None


def _selected(code: str, options: CheckOptions) -> bool:
    return code_matches(code, options.select) and not code_matches(code, options.ignore)


def collect_findings(paths: Iterable[str], options: CheckOptions, *, stdin: Any = None,
                     notes: list | None = None) -> list[Finding]:
    """Read ``paths`` and return the findings to report (raises ``SourceError``)."""
    findings: list[Finding] = []
    for doc in read_paths(list(paths), stdin=stdin, stdin_filename=options.stdin_filename):
        if notes is not None:
            notes.extend(doc.notes)
        for source in doc.requests:
            request = source.request
            if source.kind in ("batch-create", "update"):
                diagnostics = check_definitions(request)
            else:
                diagnostics = check_definitions(
                    list(request.get("MetricDefinitions", [])),
                    destination=source.destination or "CloudWatch",
                    destination_arn=source.destination_arn)
            for diag in diagnostics:
                if source.kind == "cloudformation" and diag.code in _NOT_FOR_CFN:
                    continue
                if source.is_unresolved(diag.path) or source.is_suppressed(diag.code):
                    continue
                if not _selected(diag.code, options):
                    continue
                line, column = source.locate(diag.path, diag.line, diag.column)
                findings.append(Finding.from_diagnostic(diag, file=doc.file, line=line,
                                                        column=column,
                                                        path=source.full_path(diag.path)))
    return findings


def run_check(paths: list[str], options: CheckOptions, *, stdout=None, stderr=None,
              stdin: Any = None) -> int:
    """Run the check and print; return the exit code (0 clean, 1 errors found)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    notes: list = []
    findings = collect_findings(paths, options, stdin=stdin, notes=notes)
    for note in notes:
        print(f"{note.file}:{note.line}:{note.column}: note: {note.message}", file=stderr)
    text = render(findings, options.format, rule_lookup=rule_lookup, color=options.color,
                  stream=stdout, base_dir=str(Path.cwd()))
    stdout.write(text)
    if options.exit_zero:
        return 0
    return 1 if any(f.severity == Severity.ERROR or str(f.severity) == "error"
                    for f in findings) else 0
