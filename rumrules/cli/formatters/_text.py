"""``--format text``: ``file:line:col: CODE message`` (``CODE [*] message`` when the finding
has a fix ``--fix`` applies), a summary line and a line counting the fixable findings."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

from ...linter import sort_findings

__all__ = ["format_text", "iter_text", "use_color", "summary_line", "counts_line", "fixable_line"]

_RESET = "\033[0m"
_BOLD = "\033[1m"
_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}


def use_color(stream: IO[Any] | None) -> bool:
    """Colour by default only on a terminal; ``NO_COLOR`` turns it off, ``FORCE_COLOR`` on,
    ``TERM=dumb`` off."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb" or stream is None:
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(counts: dict[str, int]) -> str:
    """``Found 3 problems (2 errors, 1 warning).`` or ``No problems found.``"""
    total = sum(counts.values())
    if not total:
        return "No problems found."
    parts = [_plural(counts[s], s if s != "info" else "info note")
             for s in ("error", "warning", "info") if counts.get(s)]
    return f"Found {_plural(total, 'problem')} ({', '.join(parts)})."


def counts_line(counts: Mapping[str, int]) -> str:
    """``Checked 14 metric definitions in 3 files; 2 values not checked (RUM601).`` from
    ``{"files", "definitions_checked", "not_checked"}``."""
    line = (f"Checked {_plural(counts.get('definitions_checked', 0), 'metric definition')} in "
            f"{_plural(counts.get('files', 0), 'file')}")
    unchecked = counts.get("not_checked", 0)
    if unchecked:
        line += (f"; {unchecked} value{'s' if unchecked != 1 else ''} not checked "
                 f"(RUM601)")
    return line + "."


def _applies(f: Any, unsafe_fixes: bool) -> bool:
    return f.fix is not None and (unsafe_fixes or f.fix.safe)


def fixable_line(findings: Iterable[Any], *, unsafe_fixes: bool = False) -> str | None:
    """``[*] 2 fixable with --fix (1 more with --unsafe-fixes).``, ``1 fixable with --fix
    --unsafe-fixes.`` when only unsafe fixes exist, or ``None`` when no finding has a fix."""
    items = [f for f in findings if f.fix is not None]
    if not items:
        return None
    applicable = sum(1 for f in items if _applies(f, unsafe_fixes))
    hidden = len(items) - applicable
    if not applicable:
        return f"{hidden} fixable with --fix --unsafe-fixes."
    option = "--fix --unsafe-fixes" if unsafe_fixes else "--fix"
    more = f" ({hidden} more with --unsafe-fixes)" if hidden else ""
    return f"[*] {applicable} fixable with {option}{more}."


def format_text(findings: Iterable[Any], *, color: bool = False, summary: bool = True,
                unsafe_fixes: bool = False, counts: Mapping[str, int] | None = None) -> str:
    """One line per finding (``[*]`` before the message of one that ``--fix`` fixes, and an
    indented ``help:`` line for a hint that the message does not already say), then (unless
    ``summary=False``) what was read (with ``counts``: see :func:`counts_line`), a summary
    line and the fixable count.  ANSI colours only when ``color`` is true."""
    return "".join(iter_text(findings, color=color, summary=summary,
                             unsafe_fixes=unsafe_fixes, counts=counts))


def iter_text(findings: Iterable[Any], *, color: bool = False, summary: bool = True,
              unsafe_fixes: bool = False,
              counts: Mapping[str, int] | None = None) -> Iterator[str]:
    """:func:`format_text`'s text line by line (each with its newline): what ``rumrules
    check`` writes to its stream, without the whole report in memory at once."""
    totals, counts = counts, {"error": 0, "warning": 0, "info": 0}
    findings = sort_findings(findings)
    for f in findings:
        counts[f.severity] += 1
        where = f.file
        if f.line is not None:
            where = f"{where}:{f.line}:{f.column or 1}"
        code = f.code
        if color:
            where = f"{_BOLD}{where}{_RESET}"
            code = f"{_COLORS[f.severity]}{code}{_RESET}"
        mark = "[*] " if _applies(f, unsafe_fixes) else ""
        yield f"{where}: {code} {mark}{f.message}".replace("\n", "\n    ") + "\n"
        if f.extra_hint:
            yield f"    help: {f.extra_hint}".replace("\n", "\n    ") + "\n"
    if summary and totals is not None:
        yield counts_line(totals) + "\n"
    if summary:
        line = summary_line(counts)
        if color:
            tone = _COLORS["error"] if counts["error"] else _BOLD
            line = f"{tone}{line}{_RESET}"
        yield line + "\n"
        fixable = fixable_line(findings, unsafe_fixes=unsafe_fixes)
        if fixable:
            yield fixable + "\n"
