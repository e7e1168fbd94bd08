"""Why a pattern matches an event or not, condition by condition.

:func:`explain` looks each condition up on its own (every value the event holds at the
path, arrays flattened) and says which values satisfy it, or why none does: the field is
missing, holds an object, has the wrong type, is not in the list, or is outside the range.
When every condition holds on its own but the pattern still fails, the values came from
different elements of one array (array consistency), and the explanation says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ._events import values_at as _values_at
from ._numbers import NumberText, event_number, format_number

__all__ = ["Explanation", "ConditionResult", "explain_alternatives"]


@dataclass(frozen=True)
class ConditionResult:
    """The verdict on one condition: ``path``, ``matched``, ``expected`` (the condition in
    words), ``found`` (the values at the path, JSON-ready) and ``reason`` in words."""

    path: str
    matched: bool
    expected: str
    found: tuple
    reason: str
    line: int | None = None
    column: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "matched": self.matched, "expected": self.expected,
                "found": list(self.found), "reason": self.reason,
                "line": self.line, "column": self.column}


@dataclass(frozen=True)
class Explanation:
    """The answer of :meth:`EventPattern.explain`: truthy when the pattern matches.

    ``conditions`` holds one :class:`ConditionResult` per condition of the alternative
    shown (for ``$or`` patterns: the first that matches, else the closest one);
    ``note`` adds what the conditions alone do not say (array consistency).
    """

    matched: bool
    conditions: tuple[ConditionResult, ...]
    alternative: int = 0
    alternatives: int = 1
    note: str | None = None
    failed: tuple[ConditionResult, ...] = field(default=(), repr=False)

    def __bool__(self) -> bool:
        return self.matched

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the explanation."""
        return {"matched": self.matched, "alternative": self.alternative,
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


def _show(v: Any) -> str:
    if isinstance(v, NumberText):
        return v.text
    if isinstance(v, bool) or v is None:
        return json.dumps(v)
    if isinstance(v, (int, float)):
        return format_number(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    return repr(v)


def _plain(v: Any) -> Any:
    return v.text if isinstance(v, NumberText) else v


def _expected(matchers) -> str:
    parts = [m.describe() for m in matchers]
    return parts[0] if len(parts) == 1 else "one of " + ", ".join(parts)


def _why_not(value: Any, matchers) -> str:
    kinds = {m.kind for m in matchers}
    n = event_number(value)
    if type(value) is str and kinds & {"numeric"} and not kinds - {"numeric"}:
        return f"{_show(value)} is a string; numeric matchers only accept JSON numbers"
    if type(value) is str and all(m.kind == "exact" and m.type == "number" for m in matchers):
        return f"{_show(value)} is a string; the pattern wants a number (strings never equal numbers)"
    if n is not None and all(m.kind == "exact" and m.type == "string" for m in matchers):
        return f"{_show(value)} is a number; the pattern wants a string (numbers never equal strings)"
    if isinstance(value, NumberText) and kinds & {"numeric"}:
        return (f"{value.text} is not exactly representable as a double, "
                "so it never satisfies a numeric matcher")
    if type(value) is bool and any(m.kind == "exact" and m.type == "number" for m in matchers):
        return f"{_show(value)} is a boolean; booleans never equal numbers"
    return f"{_show(value)} is not {_expected(matchers)}"


def explain_condition(doc: dict, cond) -> ConditionResult:
    leaves, saw_object = _values_at(doc, cond.segments)
    matchers = cond.matchers
    expected = _expected(matchers)
    absent_ok = any(m.kind == "exists" and not m.value for m in matchers)
    found = tuple(_plain(v) for v in leaves)
    pos = dict(line=cond.line, column=cond.column)
    if not leaves:
        if absent_ok:
            return ConditionResult(cond.path, True, expected, found, "absent, as required", **pos)
        why = ("holds an object, not a value" if saw_object
               else "missing: the event has no such field")
        return ConditionResult(cond.path, False, expected, found, f"{why} (wants {expected})",
                               **pos)
    good = [v for v in leaves if any(m.test(v) for m in matchers if not (
        m.kind == "exists" and not m.value))]
    if good:
        return ConditionResult(cond.path, True, expected, found,
                               f"{_show(good[0])} is {expected}", **pos)
    if len(leaves) == 1:
        reason = _why_not(leaves[0], matchers)
    else:
        reason = (f"none of {len(leaves)} values ({', '.join(_show(v) for v in leaves[:5])}"
                  f"{', ...' if len(leaves) > 5 else ''}) is {expected}")
    return ConditionResult(cond.path, False, expected, found, reason, **pos)


def explain_alternatives(doc: dict, alternatives, verdicts: list[bool]) -> Explanation:
    """Explain each alternative and keep the one that matches, else the closest."""
    best = None
    for i, conds in enumerate(alternatives):
        results = tuple(explain_condition(doc, c) for c in conds)
        score = (verdicts[i], sum(r.matched for r in results))
        if best is None or score > best[0]:
            best = (score, i, results)
        if verdicts[i]:
            break
    (matched, held), index, results = best
    note = None
    if not matched and held == len(results):
        note = ("every condition holds on its own, but not within one element of an array: "
                "fields matched inside an array must come from the same element")
    return Explanation(matched, results, index, len(alternatives), note,
                       tuple(r for r in results if not r.matched))
