"""The one registry of matcher types: the compiler reads every operator's syntax through it,
so adding an operator touches ``pattern/_matchers.py`` (and its tests) only."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from typing import Any, ClassVar

import pytest

from rumrules.errors import PatternError
from rumrules.pattern import (DIALECTS, EVENTBRIDGE_OPERATORS, MATCHER_TYPES, Matcher,
                              MatcherKind, compile_pattern)
from rumrules.pattern import _matchers
from rumrules.pattern._matchers import OPERATOR_TYPES, RUM_KINDS

# one written form of each operator (the value of its matcher object)
WRITTEN = {
    "numeric": '[">", 0]', "prefix": '"a"', "suffix": '"a"', "equals-ignore-case": '"a"',
    "exactly": '"a"', "wildcard": '"a*"', "cidr": '"10.0.0.0/8"', "anything-but": '"a"',
    "exists": "true",
}


def test_the_registry_covers_every_operator_of_both_dialects():
    operators = set(EVENTBRIDGE_OPERATORS) - {"$or"}
    assert operators <= set(OPERATOR_TYPES)
    assert {name for name, cls in OPERATOR_TYPES.items() if not cls.in_rum} == operators
    # the rum dialect's operators: its matcher kinds written as a matcher object
    assert {name for name, cls in OPERATOR_TYPES.items() if cls.in_rum} == {
        str(k) for k in RUM_KINDS if MATCHER_TYPES[k].is_operator} == {"numeric"}
    # every matcher type but the plain values is written {name: value}, by its kind's name
    assert set(OPERATOR_TYPES) == {str(k) for k in MatcherKind if k is not MatcherKind.EXACT}
    for name, cls in OPERATOR_TYPES.items():
        assert cls is MATCHER_TYPES[MatcherKind(name)] and issubclass(cls, Matcher)
        assert cls.from_syntax.__func__ is not Matcher.from_syntax.__func__, name
    assert set(WRITTEN) == set(OPERATOR_TYPES)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("name", sorted(WRITTEN))
def test_each_operator_compiles_to_its_type_in_its_dialects(name, dialect):
    text = '{"f": [{"%s": %s}]}' % (name, WRITTEN[name])
    cls = OPERATOR_TYPES[name]
    if dialect == "rum" and not cls.in_rum:
        with pytest.raises(PatternError, match="not part of the rum dialect"):
            compile_pattern(text, dialect)
        return
    (cond,) = compile_pattern(text, dialect).conditions
    (m,) = cond.matchers
    assert type(m) is cls


def test_compile_names_no_operator():
    """``_compile.py`` holds no operator's name (``$or`` is structure, not a matcher)."""
    source = Path(_matchers.__file__).with_name("_compile.py").read_text(encoding="utf-8")
    names = set(OPERATOR_TYPES) | {str(k) for k in MatcherKind}
    found = sorted({node.value for node in ast.walk(ast.parse(source))
                    if isinstance(node, ast.Constant) and node.value in names})
    assert found == []


@dataclasses.dataclass(frozen=True, slots=True)
class _Even(Matcher):
    """A test-only operator, ``{"even": true}``: even integers."""

    value: bool
    line: int = 0
    column: int = 0
    kind: ClassVar[Any] = "even"

    @classmethod
    def from_syntax(cls, node, reader):
        value = node.members[0].value
        if getattr(value, "value", None) is not True:
            reader.fail("even match pattern must be true", value)
        reader.only_one(node)
        return cls(True, value.line, value.column)

    def test(self, v):
        return type(v) is int and v % 2 == 0

    def describe(self):
        return "even"


def test_a_new_operator_needs_only_its_type(monkeypatch):
    """A matcher type registered by name is compiled, filed, matched and explained with no
    other change; its syntax errors come out with their position."""
    monkeypatch.setitem(MATCHER_TYPES, "even", _Even)
    monkeypatch.setitem(OPERATOR_TYPES, "even", _Even)
    p = compile_pattern('{"n": [{"even": true}], "t": ["x"]}', "eventbridge")
    (m,) = p.conditions[0].matchers
    assert isinstance(m, _Even)
    assert p.matches({"n": 4, "t": "x"}) and not p.matches({"n": 3, "t": "x"})
    assert not p.explain({"n": 3, "t": "x"}).matched
    with pytest.raises(PatternError) as err:
        compile_pattern('{"n": [{"even": 1}]}', "eventbridge")
    assert (err.value.message, err.value.line, err.value.column) == (
        "even match pattern must be true", 1, 17)
    with pytest.raises(PatternError, match="not part of the rum dialect"):
        compile_pattern('{"n": [{"even": true}]}', "rum")
    with pytest.raises(PatternError, match="Only one key allowed"):
        compile_pattern('{"n": [{"even": true, "x": 1}]}', "eventbridge")
