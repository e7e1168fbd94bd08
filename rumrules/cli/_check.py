"""``rumrules check``: the pre-deployment check over files, directories and standard input
(the runner is :func:`rumrules.linter.collect_findings`, fixing :func:`rumrules.linter.fix_text`;
this module parses the options, prints and exits)."""

from __future__ import annotations

import argparse
import difflib
import gc
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import RumRulesError
from ..linter import (FAIL_ON, Finding, LintOptions, LintStats, collect_findings, fix_text,
                      normalize_codes, rule_lookup)
from ..linter.sources import STDIN, decode, encode, read_path, read_paths, read_stdin
from ._output import replace_file, write_output
from .formatters import FORMATS, iter_json, iter_text, render, use_color

__all__ = ["CheckOptions", "run_check", "add_parser"]



@dataclass
class CheckOptions(LintOptions):
    """What ``check`` does: which codes to report (:class:`~rumrules.linter.LintOptions`),
    how to print (``format``, ``color``, ``quiet``, ``statistics``, ``output_file``), how to
    exit (``exit_zero``, ``fail_on``) and whether to fix (``fix``, ``diff``,
    ``unsafe_fixes``)."""

    format: str = "text"
    exit_zero: bool = False
    color: bool | None = None
    fail_on: str = "error"
    quiet: bool = False
    statistics: bool = False
    output_file: str | None = None
    fix: bool = False
    diff: bool = False
    unsafe_fixes: bool = False


def _codes(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add ``check`` and its options to the subcommand parsers ``sub``."""
    check = sub.add_parser(
        "check", help="check metric definitions in files, directories or standard input",
        description="Check BatchCreate/Update request bodies, --cli-input-json files, lists of "
                    "definitions and CloudFormation templates (JSON or YAML). Exit 0 when "
                    "clean, 1 when a finding at --fail-on severity (default: error) exists, "
                    "2 for usage errors or unreadable input. Defaults come from "
                    "[tool.rumrules] in the first pyproject.toml found in the current "
                    "directory or above it (or --config).")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files or directories; - is stdin")
    check.add_argument("--format", choices=FORMATS, default=None)
    check.add_argument("--select", type=_codes, default=None,
                       help="report only these codes or prefixes (comma-separated; ALL)")
    check.add_argument("--ignore", type=_codes, default=None,
                       help="do not report these codes or prefixes (comma-separated)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with errors")
    check.add_argument("--fail-on", choices=tuple(FAIL_ON), default=None,
                       help="the lowest severity that makes the exit code 1 (default: error)")
    check.add_argument("--fix", action="store_true",
                       help="apply the safe fixes in place (with -, print the fixed text)")
    check.add_argument("--diff", action="store_true",
                       help="print the fixes as a unified diff instead of writing them")
    check.add_argument("--unsafe-fixes", action="store_true",
                       help="with --fix or --diff, also apply the fixes that may change "
                            "what a metric means")
    check.add_argument("--statistics", action="store_true",
                       help="print how many findings each rule made instead of the findings")
    check.add_argument("-q", "--quiet", action="store_true",
                       help="print the findings and nothing else (no summary, no notes)")
    check.add_argument("--output-file", "-o", default=None, metavar="FILE",
                       help="write the report to FILE instead of standard output")
    check.add_argument("--skip-unrecognized", action="store_true",
                       help="skip named files that hold no metric definitions, request or "
                            "template (as files found in directories are) instead of "
                            "exiting 2; for pre-commit, which names every JSON/YAML file")
    check.add_argument("--stdin-filename", default=None,
                       help="the name to report for - (its ending picks JSON or YAML)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    check.add_argument("--config", default=None, help="a pyproject.toml to read settings from")
    check.set_defaults(func=_command)
    return check


def _command(args: argparse.Namespace) -> int:
    from ._config import load_config

    config = load_config(Path(args.config) if args.config else None)
    select = normalize_codes(args.select or [], "--select")
    ignore = normalize_codes(args.ignore or [], "--ignore")
    options = CheckOptions(
        select=select or config.get("select") or ["ALL"],
        ignore=(config.get("ignore") or []) + ignore,
        format=args.format or config.get("format") or "text",
        exit_zero=args.exit_zero or bool(config.get("exit-zero")),
        color={"always": True, "never": False}.get(args.color),
        stdin_filename=args.stdin_filename or "<stdin>",
        skip_unrecognized=args.skip_unrecognized,
        fail_on=args.fail_on or config.get("fail-on") or "error",
        quiet=args.quiet, statistics=args.statistics, output_file=args.output_file,
        fix=args.fix, diff=args.diff, unsafe_fixes=args.unsafe_fixes,
    )
    if options.format not in FORMATS:
        raise RumRulesError(f"unknown format {options.format!r} ({', '.join(FORMATS)})")
    if options.fail_on not in FAIL_ON:
        raise RumRulesError(f"unknown fail-on level {options.fail_on!r} "
                            f"({', '.join(FAIL_ON)})")
    if options.unsafe_fixes and not (options.fix or options.diff):
        raise RumRulesError("--unsafe-fixes works with --fix or --diff")
    return run_check(args.paths, options)


def run_check(paths: list[str], options: CheckOptions, *, stdout=None, stderr=None,
              stdin: Any = None) -> int:
    """Run the check (fixing first with ``fix``/``diff``) and print; return the exit code
    (0 clean, 1 findings at ``fail_on`` severity or, with ``diff``, changes to make)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    notes: list = []
    stats = LintStats()
    changes = 0
    report_to = stdout
    if options.fix or options.diff:
        findings, changes = _fix(paths, options, stdout=stdout, stderr=stderr, stdin=stdin,
                                 notes=notes, stats=stats)
        if options.fix and STDIN in paths:  # standard output holds the fixed text
            report_to = stderr
    else:
        findings = collect_findings(paths, options, stdin=stdin, notes=notes, stats=stats)
    # the documents read are garbage now, but in reference cycles (a request and its
    # definitions point back at their document): free them before the report is sorted,
    # rather than at some later collection (about 2.5x the file at the peak otherwise)
    gc.collect()
    if not options.quiet:
        for note in notes:
            print(note, file=stderr)
    if not options.diff:
        _report(findings, options, report_to, stats)
    if options.exit_zero:
        return 0
    if options.diff:
        return 1 if changes else 0
    failing = FAIL_ON[options.fail_on]
    return 1 if any(f.severity in failing for f in findings) else 0


def _report(findings: list[Finding], options: CheckOptions, stdout: IO[str],
            stats: LintStats) -> None:
    if options.statistics:
        from .formatters import format_statistics

        text = format_statistics(findings, options.format, rule_lookup=rule_lookup,
                                 unsafe_fixes=options.unsafe_fixes)
    elif options.format == "json" and not options.output_file:
        stdout.writelines(iter_json(findings, counts=stats.to_dict()))  # finding by finding
        return
    elif options.format == "text" and not options.output_file:
        stdout.writelines(iter_text(  # line by line
            findings, color=use_color(stdout) if options.color is None else options.color,
            summary=not options.quiet, unsafe_fixes=options.unsafe_fixes,
            counts=stats.to_dict()))
        return
    else:
        stream = None if options.output_file else stdout
        color = False if options.output_file else options.color
        text = render(findings, options.format, rule_lookup=rule_lookup, color=color,
                      stream=stream, base_dir=str(Path.cwd()), summary=not options.quiet,
                      unsafe_fixes=options.unsafe_fixes, counts=stats.to_dict())
    if options.output_file:
        write_output(options.output_file, text)
    else:
        stdout.write(text)


def _fix(paths: list[str], options: CheckOptions, *, stdout: IO[str], stderr: IO[str],
         stdin: Any, notes: list, stats: LintStats) -> tuple[list[Finding], int]:
    """Fix every document named by ``paths``; return the findings left and how many files
    changed (or would change, with ``diff``)."""
    remaining: list[Finding] = []
    fixed = changed = unsafe = 0
    files = [p for p in paths if p != STDIN]
    for doc in read_paths(files, skip_unrecognized=options.skip_unrecognized, notes=notes):
        notes.extend(doc.notes)
        data = read_path(doc.file)
        result = fix_text(decode(data, doc.file), doc.file, options,
                          unsafe=options.unsafe_fixes, stats=stats)
        remaining += result.remaining
        fixed += len(result.fixed)
        unsafe += result.unsafe_available
        if not result.changed:
            continue
        changed += 1
        if options.diff:
            _write_diff(stdout, doc.file, result.original, result.text)
        else:
            replace_file(doc.file, encode(result.text, data))
    if STDIN in paths:
        data = read_stdin(stdin)
        name = options.stdin_filename
        result = fix_text(decode(data, name), name, options, unsafe=options.unsafe_fixes,
                          stats=stats)
        remaining += result.remaining
        fixed += len(result.fixed)
        unsafe += result.unsafe_available
        changed += result.changed
        if options.diff:
            if result.changed:
                _write_diff(stdout, name, result.original, result.text)
        else:  # the fixed text goes to standard output, the report to standard error
            stdout.write(result.text)
    if not options.quiet:
        print(_fix_summary(fixed, changed, len(remaining), unsafe, options), file=stderr)
    return remaining, changed


def _fix_summary(fixed: int, files: int, left: int, unsafe: int,
                 options: CheckOptions) -> str:
    verb = "Would fix" if options.diff else "Fixed"
    problems = "problem" if fixed == 1 else "problems"
    text = (f"{verb} {fixed} {problems} in {files} file{'' if files == 1 else 's'}"
            if fixed else "No fixes " + ("to apply" if options.diff else "applied"))
    text += f"; {left} remaining" if left or fixed else ""
    if unsafe and not options.unsafe_fixes:
        text += f" ({unsafe} fixable with --unsafe-fixes)"
    return text + "."


def _write_diff(stdout: IO[str], name: str, before: str, after: str) -> None:
    stdout.writelines(difflib.unified_diff(before.splitlines(keepends=True),
                                           after.splitlines(keepends=True),
                                           fromfile=f"a/{name}", tofile=f"b/{name}"))
