"""``rumrules check``: the pre-deployment check over files, directories and standard input
(the runner is :func:`rumrules.linter.collect_findings`; this module prints and exits)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..linter import LintOptions, LintStats, collect_findings, rule_lookup
from .formatters import render

__all__ = ["CheckOptions", "run_check"]


@dataclass
class CheckOptions(LintOptions):
    """What ``check`` does: which codes to report (:class:`~rumrules.linter.LintOptions`),
    how to print, how to exit."""

    format: str = "text"
    exit_zero: bool = False
    color: bool | None = None


def run_check(paths: list[str], options: CheckOptions, *, stdout=None, stderr=None,
              stdin: Any = None) -> int:
    """Run the check and print; return the exit code (0 clean, 1 errors found)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    notes: list = []
    stats = LintStats()
    findings = collect_findings(paths, options, stdin=stdin, notes=notes, stats=stats)
    for note in notes:
        print(note, file=stderr)
    text = render(findings, options.format, rule_lookup=rule_lookup, color=options.color,
                  stream=stdout, base_dir=str(Path.cwd()), counts=stats.to_dict())
    stdout.write(text)
    if options.exit_zero:
        return 0
    return 1 if any(f.severity == "error" for f in findings) else 0
