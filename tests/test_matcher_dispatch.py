"""Operator knowledge lives in the matcher types: no module outside ``pattern/_matchers.py``
tests a matcher's ``kind`` against an operator's name (read from the source with ``ast``).

Code elsewhere asks the matcher (``m.in_rum``, ``m.accepts_absence``, ``m.file(...)``,
``m.why_not(v)``, ...) or its type (``isinstance(m, Numeric)``).  ``kind`` attributes of
other things (a linter source's ``"cloudformation"``, a request's ``"update"``) are not
matcher kinds: only string literals that name an operator (a :class:`MatcherKind` value)
count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import rumrules
from rumrules.pattern import MatcherKind

ROOT = Path(rumrules.__file__).parent
MATCHER_MODULE = ROOT / "pattern" / "_matchers.py"
OPERATORS = frozenset(k.value for k in MatcherKind)


def _is_kind(node: ast.AST) -> bool:
    """``x.kind`` or ``getattr(x, "kind", ...)``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "kind"
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "getattr" and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant) and node.args[1].value == "kind")


def _operator_literal(node: ast.AST) -> bool:
    """A string literal naming an operator, or a tuple/list/set holding one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value in OPERATORS
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_operator_literal(e) for e in node.elts)
    return False


def kind_tests(source: str) -> list[int]:
    """The lines of ``source`` that compare a ``kind`` with an operator's name."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for left, right in zip(operands, operands[1:]):
            if (_is_kind(left) and _operator_literal(right)) or (
                    _is_kind(right) and _operator_literal(left)):
                lines.append(node.lineno)
                break
    return lines


def test_no_kind_string_tests_outside_the_matcher_module():
    files = sorted(ROOT.rglob("*.py"))
    assert len(files) > 40 and MATCHER_MODULE in files
    bad = [f"{path.relative_to(ROOT.parent)}:{line}"
           for path in files if path != MATCHER_MODULE
           for line in kind_tests(path.read_text(encoding="utf-8"))]
    assert bad == []


def test_the_check_sees_kind_string_tests():
    """The reader finds every form the test above forbids, and lets other kinds be."""
    assert kind_tests('if m.kind == "cidr": pass') == [1]
    assert kind_tests('x = "numeric" != m.kind') == [1]
    assert kind_tests('y = m.kind in ("prefix", "suffix")') == [1]
    assert kind_tests('y = m.kind not in {"exact"}') == [1]
    assert kind_tests('z = getattr(m, "kind", None) == "exists"') == [1]
    assert kind_tests('a = source.kind == "cloudformation"') == []
    assert kind_tests('b = isinstance(m, Numeric) and m.kind is K') == []
    assert kind_tests('c = m.type == "numeric"') == []
