"""Fixing: apply the exact fixes of the findings to a document's text, again until nothing
changes, and say what was fixed and what was not.

Edits only replace the characters of the values concerned, so the rest of the file (comments,
indentation, quoting, key order, line breaks) is kept byte for byte; running again changes
nothing (idempotent).  Unsafe fixes are applied only when asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import RumRulesError
from ._finding import Finding, sort_findings
from ._run import LintOptions, LintStats, document_findings
from .sources import read_text

__all__ = ["FixResult", "fix_text", "apply_edits", "MAX_ROUNDS"]

#: A fix can make another one possible (or change a position); the text is re-checked after
#: each round, up to this many rounds.
MAX_ROUNDS = 10


@dataclass
class FixResult:
    """What fixing one document did: ``text`` (the fixed text; the input when nothing was
    fixed), ``fixed`` (the findings whose fix was applied, as found before their round) and
    ``remaining`` (the findings on the fixed text).  ``changed`` says whether the text
    changed; :attr:`unsafe_available` counts remaining findings with a fix that only
    ``unsafe=True`` applies."""

    original: str
    text: str
    fixed: list[Finding] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when the text changed."""
        return self.text != self.original

    @property
    def unsafe_available(self) -> int:
        """Remaining findings that ``unsafe=True`` would fix."""
        return sum(1 for f in self.remaining if f.fix is not None and not f.fix.safe)


def _applicable(findings: list[Finding], unsafe: bool) -> list[Finding]:
    return [f for f in findings if f.fix is not None and (unsafe or f.fix.safe)]


def apply_edits(text: str, findings: list[Finding]) -> tuple[str, list[Finding]]:
    """``text`` with the edits of ``findings`` applied, and the findings applied (a finding
    whose edits overlap an earlier one's waits for the next round; the same edit stated by
    two findings is made once)."""
    edits: set[tuple[int, int, str]] = set()
    applied: list[Finding] = []
    for f in sorted(findings, key=lambda f: min(e.start for e in f.fix.edits)):
        spans = {(e.start, e.end, e.content) for e in f.fix.edits}
        new = spans - edits
        if any(_overlap(a, b) for a in new for b in edits):
            continue
        edits |= new
        applied.append(f)
    for start, end, content in sorted(edits, reverse=True):
        text = text[:start] + content + text[end:]
    return text, applied


def _overlap(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return (a[0] < b[1] and b[0] < a[1]) or a[0] == b[0] or (a[0] == a[1] and b[0] <= a[0] <= b[1])\
        or (b[0] == b[1] and a[0] <= b[0] <= a[1])


def fix_text(text: str, file: str, options: LintOptions | None = None, *,
             unsafe: bool = False, stats: LintStats | None = None) -> FixResult:
    """Fix one document's ``text`` (``file`` is its display name; its ending picks JSON or
    YAML); ``stats``, when given, receives the counts of the fixed text.  Raises
    :class:`~rumrules.linter.sources.SourceError` when the text cannot be read."""
    options = options or LintOptions()
    result = FixResult(original=text, text=text)
    current = text
    findings, counted = _lint(current, file, options)
    for _ in range(MAX_ROUNDS):
        todo = _applicable(findings, unsafe)
        if not todo:
            break
        updated, applied = apply_edits(current, todo)
        if updated == current:
            break
        try:
            after, counted_after = _lint(updated, file, options)
        except RumRulesError:  # a fix that breaks the text is not applied
            break
        result.fixed += applied
        current, findings, counted = updated, after, counted_after
    result.text = current
    result.remaining = sort_findings(findings)
    if stats is not None:
        stats.files += counted.files
        stats.definitions += counted.definitions
        stats.not_checked += counted.not_checked
    return result


def _lint(text: str, file: str, options: LintOptions) -> tuple[list[Finding], LintStats]:
    doc = read_text(text, file, explicit=not options.skip_unrecognized)
    counted = LintStats()
    return document_findings([doc] if doc is not None else [], options,
                             stats=counted), counted
