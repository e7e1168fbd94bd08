"""``rumrules check``: the pre-deployment check over files, directories and standard input."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..errors import RumRulesError, Severity
from ..rules import check_definitions
from ..rules import rule_by_code
from .formatters import Finding, render
from .sources import code_matches, read_paths

__all__ = ["CheckOptions", "run_check", "collect_findings", "rule_lookup", "normalize_codes"]

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
    skip_unrecognized: bool = False


def normalize_codes(entries: Iterable[str], where: str) -> list[str]:
    """``entries`` of a select/ignore list, upper-cased; a :class:`RumRulesError` naming
    ``where`` (``--select``, ``pyproject.toml [tool.rumrules] ignore``...) for an entry that is
    neither ``ALL`` nor a rule code or prefix of one (a typo would turn the check off)."""
    import difflib

    from ..rules import RULES

    codes = [r.code for r in RULES]
    out = []
    for entry in entries:
        entry = entry.strip().upper()
        if not entry:
            continue
        if entry != "ALL" and not any(code.startswith(entry) for code in codes):
            close = difflib.get_close_matches(entry, codes, n=3, cutoff=0.8)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise RumRulesError(f"{where}: {entry!r} matches no rule code{hint} (codes or "
                                f"prefixes such as RUM204, RUM2, or ALL; see rumrules rule "
                                f"--list)")
        out.append(entry)
    return out


def rule_lookup(code: str):
    """Rule metadata for the formatters (``None`` for an unknown code)."""
    try:
        return rule_by_code(code)
    except KeyError:
        return None


def finding_key(source: Any, path: tuple[Any, ...]) -> str:
    """What a finding at ``path`` (a path in ``source.request``) is about, whatever its
    position in the file: for a template the app monitor's logical id and the destination
    (``Destination``, ``DestinationArn``), then the definition's ``Name`` (its index when it
    has none; the ``Fn::If`` branch it comes from) and the field inside the definition, or the
    request-level member.  The SARIF fingerprint hashes it."""
    path = tuple(path)
    parts: list[Any] = []
    if source.kind == "cloudformation":
        logical_id = source.path[1] if len(source.path) > 1 else None
        parts += [logical_id, source.request.get("Destination"),
                  source.request.get("DestinationArn")]
    definition = source.definition_at(path)
    if definition is None:
        parts += ["request", *path]
    else:
        name = definition.name
        parts += ["definition", name if isinstance(name, str) else f"#{definition.index}"]
        if len(definition.path) >= 2 and definition.path[-2] == "Fn::If":
            parts.append(f"Fn::If[{definition.path[-1]}]")
        parts += list(path[2:] if path[:1] == ("MetricDefinitions",) else path[1:])
    return json.dumps(parts, default=str, sort_keys=True, ensure_ascii=False)


def _selected(code: str, options: CheckOptions) -> bool:
    return code_matches(code, options.select) and not code_matches(code, options.ignore)


def collect_findings(paths: Iterable[str], options: CheckOptions, *, stdin: Any = None,
                     notes: list | None = None) -> list[Finding]:
    """Read ``paths`` and return the findings to report (raises ``SourceError``)."""
    findings: list[Finding] = []
    for doc in read_paths(list(paths), stdin=stdin, stdin_filename=options.stdin_filename,
                          skip_unrecognized=options.skip_unrecognized, notes=notes):
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
                if source.is_unresolved(diag.path) or source.is_suppressed(diag.code, diag.path):
                    continue
                if not _selected(diag.code, options):
                    continue
                line, column = source.locate(diag.path, diag.line, diag.column)
                findings.append(Finding.from_diagnostic(diag, file=doc.file, line=line,
                                                        column=column,
                                                        path=source.full_path(diag.path),
                                                        key=finding_key(source, diag.path)))
    return findings


def run_check(paths: list[str], options: CheckOptions, *, stdout=None, stderr=None,
              stdin: Any = None) -> int:
    """Run the check and print; return the exit code (0 clean, 1 errors found)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    notes: list = []
    findings = collect_findings(paths, options, stdin=stdin, notes=notes)
    for note in notes:
        print(note, file=stderr)
    text = render(findings, options.format, rule_lookup=rule_lookup, color=options.color,
                  stream=stdout, base_dir=str(Path.cwd()))
    stdout.write(text)
    if options.exit_zero:
        return 0
    return 1 if any(f.severity == Severity.ERROR or str(f.severity) == "error"
                    for f in findings) else 0
