"""The EventPattern language: text -> parse (Lark) -> AST -> compile -> matcher tries.

Public through :mod:`rumrules`: :func:`compile_pattern`, :class:`EventPattern`,
:class:`Explanation`, :func:`purge`.  Other rumrules packages (rules, index) also use
:func:`parse_json`, the AST node classes and the compiled :class:`Condition` objects;
:func:`load_event` reads an event (a stored document) as matching reads it (engine, backfill).
"""

from ._ast import ArrayNode, LiteralNode, Member, NumberNode, ObjectNode, StringNode, iter_nodes
from ._compile import DIALECTS, EVENTBRIDGE_OPERATORS, Condition
from ._events import load_event
from ._explain import ConditionResult, Explanation
from ._parse import MAX_PATTERN_LENGTH, parse_json
from ._pattern import EventPattern, compile_pattern, purge

__all__ = ["compile_pattern", "EventPattern", "Explanation", "ConditionResult", "purge",
           "parse_json", "Condition", "DIALECTS", "EVENTBRIDGE_OPERATORS", "MAX_PATTERN_LENGTH",
           "ObjectNode", "Member", "ArrayNode", "StringNode", "NumberNode", "LiteralNode",
           "iter_nodes", "load_event"]
