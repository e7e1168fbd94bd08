"""The EventPattern language: text -> parse (Lark) -> AST -> compile -> one index -> matches.

Public through :mod:`rumrules`: :func:`compile_pattern`, :class:`EventPattern`,
:class:`PatternSet`, :class:`Explanation`, :func:`purge`.  The inner API that other rumrules
packages use (they import nothing private from here):

* :func:`compile_uncached`: :func:`compile_pattern` without its cache (the checker of
  ``rumrules check`` compiles each definition's pattern once and lets it go);
* the syntax tree: :func:`parse_json`, the node classes, :func:`iter_nodes`;
* the compiled fields: :class:`Condition`, :data:`DIALECTS`, :data:`EVENTBRIDGE_OPERATORS`;
* the event view: :func:`load_event` (text or dict -> the object matching reads),
  :func:`read_events` (texts -> dicts by the fast reader, for
  :meth:`PatternSet.matches_read`, so a caller that also reads values reads each document
  once) and :func:`inexact_value` (a value that reader may read otherwise),
  :func:`values_at` (the leaf values at a path), :class:`NumberText` (a number a double
  cannot hold), :func:`event_number` (the double a value compares as);
* the matcher types: :class:`Matcher` (their base), :class:`MatcherKind` and the classes in
  :data:`MATCHER_TYPES` (:class:`Exact` and :class:`Numeric` by name: the ``rum`` dialect's),
  each owning its operator: its syntax (``from_syntax``, found by name in the registry), its
  test, its filing in the index, its explain text, its
  dialect (``in_rum``) and the values it accepts and just misses (``hits()``/``misses()``,
  ``hit_strategy``/``miss_strategy``, :data:`ABSENT` for a field left out), which
  :mod:`rumrules.strategies` draws from;
* :func:`capture_trie` and :func:`capture`: the members of a JSON text at some paths, read
  by the compiled core alone (``None`` without it), for :meth:`MetricEngine.screen`'s
  callers that need a matched document's values without reading it whole;
* :data:`MATCHING_CORE`: ``"c"`` when the compiled matching core is in use, ``"python"``
  when not (not built, or ``RUMRULES_PURE_PYTHON=1``); the answers are the same.
"""

from ._ast import ArrayNode, LiteralNode, Member, NumberNode, ObjectNode, StringNode, iter_nodes
from ._compile import DIALECTS, EVENTBRIDGE_OPERATORS, Condition
from ._core import MATCHING_CORE, capture, capture_trie
from ._events import inexact_value, load_event, read_events, values_at
from ._explain import ConditionResult, Explanation
from ._matchers import ABSENT, MATCHER_TYPES, Exact, Matcher, MatcherKind, Numeric
from ._numbers import NumberText, event_number
from ._parse import MAX_PATTERN_LENGTH, parse_json
from ._pattern import EventPattern, compile_pattern, compile_uncached, purge
from ._patternset import PatternSet

__all__ = ["compile_pattern", "compile_uncached", "EventPattern", "PatternSet", "Explanation",
           "ConditionResult", "purge", "parse_json", "Condition", "DIALECTS", "EVENTBRIDGE_OPERATORS",
           "MAX_PATTERN_LENGTH", "ObjectNode", "Member", "ArrayNode", "StringNode",
           "NumberNode", "LiteralNode", "iter_nodes", "load_event", "read_events", "inexact_value",
           "values_at", "NumberText", "event_number", "Matcher", "MatcherKind", "MATCHER_TYPES",
           "Exact", "Numeric", "ABSENT", "MATCHING_CORE", "capture", "capture_trie"]
