"""Why a pattern matches an event or not, condition by condition.

:func:`explain_condition` looks each condition up on its own (every value the event holds at
the path, arrays flattened) and says which values satisfy it, or why none does, in words
(``reason``) and as a machine-readable ``kind`` (see :data:`FAILURE_KINDS`).  When every
condition holds on its own but the pattern still fails, the values came from different
elements of one array (array consistency), and the explanation says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ._events import shape_at
from ._matchers import AnythingBut, Exact, Numeric, show_value as _show
from ._numbers import NumberText, event_number

__all__ = ["Explanation", "ConditionResult", "explain_alternatives", "FAILURE_KINDS",
           "EXPLANATION_KINDS"]

#: ``ConditionResult.kind`` of a condition that does not hold (``None`` when it holds).
FAILURE_KINDS = {
    "missing": "the event has no value at the path",
    "object": "the path holds an object, and objects are not values",
    "empty_array": "the path holds an empty array, which has no value",
    "wrong_type": "the value's JSON type is one that no matcher of the field accepts "
                  "(a string for numeric, a number for an exact string, a boolean for "
                  "a number, ...)",
    "not_comparable": "a number that a double does not hold exactly (1e309, a 25-digit id; "
                      "NaN or an infinity in a dict): it never satisfies numeric",
    "not_in_list": "a value of an accepted type that is none of the values, prefixes, "
                   "suffixes or wildcards listed",
    "out_of_range": "a number outside the numeric range, or an address outside the CIDR block",
    "excluded": "a value that anything-but excludes",
    "present": "exists: false, but the field holds a value",
}

#: ``Explanation.kind``: why the pattern does not match (``None`` when it matches).
EXPLANATION_KINDS = {
    "conditions": "at least one condition does not hold (see each condition's kind)",
    "inconsistent_array": "every condition holds on its own, but not within one element of "
                          "an array",
}


@dataclass(frozen=True)
class ConditionResult:
    """The verdict on one condition: ``path``, ``matched``, ``expected`` (the condition in
    words), ``found`` (the values at the path, JSON-ready), ``reason`` in words and ``kind``,
    the reason as a key of :data:`FAILURE_KINDS` (``None`` when the condition holds)."""

    path: str
    matched: bool
    expected: str
    found: tuple
    reason: str
    line: int | None = None
    column: int | None = None
    kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "matched": self.matched, "kind": self.kind,
                "expected": self.expected, "found": list(self.found), "reason": self.reason,
                "line": self.line, "column": self.column}


@dataclass(frozen=True)
class Explanation:
    """The answer of :meth:`EventPattern.explain`: truthy when the pattern matches.

    ``conditions`` holds one :class:`ConditionResult` per condition of the alternative
    shown (for ``$or`` patterns: the first that matches, else the one that got furthest:
    the most conditions held, then the fewest that fail, then the first);
    ``note`` adds what the conditions alone do not say (array consistency); ``kind`` is
    ``None`` when the pattern matches, else a key of :data:`EXPLANATION_KINDS`.
    """

    matched: bool
    conditions: tuple[ConditionResult, ...]
    alternative: int = 0
    alternatives: int = 1
    note: str | None = None
    failed: tuple[ConditionResult, ...] = field(default=(), repr=False)
    kind: str | None = None

    def __bool__(self) -> bool:
        return self.matched

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the explanation."""
        return {"matched": self.matched, "kind": self.kind, "alternative": self.alternative,
                "alternatives": self.alternatives, "note": self.note,
                "conditions": [c.to_dict() for c in self.conditions]}

    def __str__(self) -> str:
        held = sum(c.matched for c in self.conditions)
        head = "match" if self.matched else "no match"
        lines = [f"{head}: {held} of {len(self.conditions)} conditions hold"
                 + (f" (alternative {self.alternative + 1} of {self.alternatives})"
                    if self.alternatives > 1 else "")]
        for c in self.conditions:
            mark = "\u2713" if c.matched else "\u2717"
            lines.append(f"  {mark} {c.path}: {c.reason}")
        if self.note:
            lines.append(f"  note: {self.note}")
        return "\n".join(lines)


# ---------------------------------------------------------------------- values

def _plain(v: Any) -> Any:
    """The value as JSON-ready data."""
    if isinstance(v, NumberText):
        return v.text
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return "NaN" if v != v else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(v, Decimal):
        n = event_number(v)
        if n is None:
            return str(v)
        return int(v) if v == v.to_integral_value() and abs(n) < 2 ** 53 else n
    return v


def _expected(matchers) -> str:
    parts = [m.describe() for m in matchers]
    return parts[0] if len(parts) == 1 else "one of " + ", ".join(parts)


# ---------------------------------------------------------------------- kinds

_WEAK = ("wrong_type", "not_comparable")


def _combine(kinds) -> str:
    """One kind for several: the first that is about the value's content, else the most
    specific type problem."""
    kinds = list(kinds)
    for k in kinds:
        if k not in _WEAK:
            return k
    return "not_comparable" if "not_comparable" in kinds else "wrong_type"


def _value_kind(v: Any, matchers) -> str:
    tested = [m for m in matchers if not m.accepts_absence]
    if not tested:  # only exists: false, and the field holds a value
        return "present"
    return _combine(m.refusal(v) for m in tested)


# ---------------------------------------------------------------------- reasons

def _why_not(value: Any, matchers, kind: str) -> str:
    """The reason a lone value fails: the matchers' own sentence when they all give the
    same one (``Matcher.why_not``: a value of a type they never accept), else the most
    telling of theirs, else ``... is not <expected>``."""
    if kind == "present":
        return f"{_show(value)} is present, but the pattern wants the field absent"
    reasons = {m.why_not(value) for m in matchers}
    if len(reasons) == 1:
        (reason,) = reasons
        if reason is not None:
            return reason
    if kind == "not_comparable":   # a number no double holds, as a numeric matcher says
        for m in matchers:
            if isinstance(m, Numeric):
                return m.why_not(value) or ""
    if type(value) is bool:        # a boolean next to an exact number
        for m in matchers:
            if isinstance(m, Exact) and m.type == "number":
                return m.why_not(value) or ""
    if kind == "excluded" and all(isinstance(m, AnythingBut) for m in matchers):
        return f"{_show(value)} is excluded by {_expected(matchers)}"
    return f"{_show(value)} is not {_expected(matchers)}"


def explain_condition(doc, cond) -> ConditionResult:
    leaves, saw_object, saw_empty = shape_at(doc, cond.segments)
    matchers = cond.matchers
    expected = _expected(matchers)
    absent_ok = any(m.accepts_absence for m in matchers)
    found = tuple(_plain(v) for v in leaves)
    pos = dict(line=cond.line, column=cond.column)
    if not leaves:
        if absent_ok:
            return ConditionResult(cond.path, True, expected, found, "absent, as required", **pos)
        if saw_object:
            kind, why = "object", "holds an object, not a value"
        elif saw_empty:
            kind, why = "empty_array", "holds an empty array, which has no value"
        else:
            kind, why = "missing", "missing: the event has no such field"
        return ConditionResult(cond.path, False, expected, found, f"{why} (wants {expected})",
                               kind=kind, **pos)
    good = [v for v in leaves if any(m.test(v) for m in matchers if not m.accepts_absence)]
    if good:
        return ConditionResult(cond.path, True, expected, found,
                               f"{_show(good[0])} is {expected}", **pos)
    kinds = [_value_kind(v, matchers) for v in leaves]
    kind = _combine(kinds)
    if len(leaves) == 1:
        reason = _why_not(leaves[0], matchers, kind)
    elif kind == "present":
        shown = ", ".join(_show(v) for v in leaves[:5])
        reason = (f"present: {len(leaves)} values ({shown}{', ...' if len(leaves) > 5 else ''}),"
                  " but the pattern wants the field absent")
    else:
        reason = (f"none of {len(leaves)} values ({', '.join(_show(v) for v in leaves[:5])}"
                  f"{', ...' if len(leaves) > 5 else ''}) is {expected}")
    return ConditionResult(cond.path, False, expected, found, reason, kind=kind, **pos)


def explain_alternatives(doc, alternatives, verdicts: list[bool]) -> Explanation:
    """Explain each alternative and keep the one that matches, else the one that got
    furthest: the most conditions held, then the fewest that fail, then the first."""
    best = None
    for i, conds in enumerate(alternatives):
        results = tuple(explain_condition(doc, c) for c in conds)
        held = sum(r.matched for r in results)
        score = (verdicts[i], held, held - len(results))
        if best is None or score > best[0]:
            best = (score, i, results)
        if verdicts[i]:
            break
    (matched, held, _), index, results = best
    note = None
    kind = None
    if not matched:
        kind = "conditions"
        if held == len(results):
            kind = "inconsistent_array"
            note = ("every condition holds on its own, but not within one element of an "
                    "array: fields matched inside an array must come from the same element")
    return Explanation(matched, results, index, len(alternatives), note,
                       tuple(r for r in results if not r.matched), kind)
