"""AST -> conditions: validation with AWS's messages, in the reference's order.

The walk mirrors event-ruler's ``JsonRuleCompiler``: members in text order, nested objects
extend the path (``a`` then ``b`` is ``a.b``, the same path as a key ``"a.b"``), value lists
compile item by item, and the *first* problem met is the one reported, with AWS's text.
Duplicate keys are all validated; for the same path the last value list wins.
``$or`` (eventbridge dialect) expands into alternatives: the cross product of its branches,
at most :data:`MAX_ALTERNATIVES` of them holding at most :data:`MAX_EXPANDED_FIELDS` fields
in all (our bounds: the reference has none).

Matcher objects (``{"prefix": "ab"}``) are read by their matcher types: the walk finds the
type by operator name in :data:`OPERATOR_TYPES` and calls its ``from_syntax`` with itself as
the :class:`SyntaxReader` (the reading primitives below); plain values are
:meth:`Exact.from_syntax`'s.  This module knows no operator but ``$or``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import PatternError
from ._ast import ArrayNode, Node, NumberNode, ObjectNode, StringNode, token_text
from ._matchers import OPERATOR_TYPES, Exact
from ._numbers import comparable
from ._parse import parse_json, partial_ast

__all__ = ["Condition", "compile_ast", "compile_text", "DIALECTS", "EVENTBRIDGE_OPERATORS",
           "MAX_ALTERNATIVES", "MAX_EXPANDED_FIELDS"]

#: The most alternatives the ``$or`` of one pattern may expand into, and the most fields
#: (conditions) those alternatives may hold in all.  Sibling ``$or`` objects multiply (twelve
#: of two branches each make 4096 alternatives), every alternative is compiled and matched on
#: its own, and the fields outside the ``$or`` are repeated in each; without a bound a
#: 600-character pattern takes minutes to compile.  The reference library and AWS's
#: documentation state no limit; these are rumrules' own.  Compiling a pattern at the bounds
#: takes a fraction of a second.
MAX_ALTERNATIVES = 1024
MAX_EXPANDED_FIELDS = 16384

DIALECTS = ("rum", "eventbridge")

#: The names the ``eventbridge`` dialect adds: its operators (the matcher types that are not
#: ``in_rum``) and ``$or``.
EVENTBRIDGE_OPERATORS = tuple(name for name, cls in OPERATOR_TYPES.items()
                              if not cls.in_rum) + ("$or",)

#: Field names the reference refuses inside ``$or`` objects: its operators, the numeric
#: comparisons and the names it reserves for operators it may add.
_RESERVED_IN_OR = frozenset(OPERATOR_TYPES) | frozenset({
    "=", "<", "<=", ">", ">=",
    "regex", "not-wildcard", "not-equals-ignore-case",
    "date-after", "date-on-or-after", "date-before", "date-on-or-before", "in-date-range",
    "ip-address-in-range", "ip-address-not-in-range",
})

@dataclass(frozen=True, slots=True)
class Condition:
    """One field of a pattern: its dotted ``path``, the path's ``segments``, the value
    ``matchers`` (OR) and the position of the key that names it."""

    path: str
    segments: tuple[str, ...]
    matchers: tuple
    line: int
    column: int

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(m.kind for m in self.matchers)


class _Fail(Exception):
    def __init__(self, message: str, node, hint: str | None = None):
        self.message, self.node, self.hint = message, node, hint


def _fail(message: str, node, hint: str | None = None):
    raise _Fail(message, node, hint)


class _Truncated(Exception):
    """The reference would read past its JSON syntax error here: that error is the answer."""


def compile_text(text: str, dialect: str) -> tuple[Node, tuple[tuple[Condition, ...], ...]]:
    """Parse and compile ``text``: (AST, alternatives), or raise :class:`PatternError`.

    The reference compiles as it reads, so when the text is not JSON a semantic error met
    *before* the syntax error is the one it reports (``{"a":[{"numeric":[">",5,"<",1]}]``
    without its last ``}`` gives ``Bottom must be less than top``).  We compile what it read
    (:func:`partial_ast`) and report the syntax error only where that walk reaches it.
    """
    try:
        ast = parse_json(text)
    except PatternError as syntax:
        partial = partial_ast(text)
        if partial is not None:
            try:
                _Compiler(dialect, partial=True).run(partial)
            except _Fail as f:
                first = _pattern_error(f)
                later = (f"line {syntax.line}, column {syntax.column}: "
                         f"{syntax.hint or syntax.message}")
                first.hint = (f"{first.hint}; " if first.hint else "") + (
                    f"the text is not JSON either ({later})")
                raise first from None
            except _Truncated:
                pass
        raise syntax from None
    return ast, compile_ast(ast, dialect)


def compile_ast(root: Node, dialect: str) -> tuple[tuple[Condition, ...], ...]:
    """Validate ``root`` and return its alternatives (each a tuple of conditions in text
    order); raise :class:`PatternError` with AWS's message at the offending token."""
    try:
        return _Compiler(dialect).run(root)
    except _Fail as f:
        raise _pattern_error(f) from None


def _pattern_error(f: _Fail) -> PatternError:
    node = f.node
    return PatternError(f.message, line=getattr(node, "line", 1),
                        column=getattr(node, "column", 1), hint=f.hint)


def _drive(walk) -> None:
    """Run a walk whose steps yield the walks they call (the compiler's nesting), one at a
    time on an explicit stack: no recursion, whatever the depth of the pattern."""
    stack = [walk]
    while stack:
        try:
            stack.append(next(stack[-1]))
        except StopIteration:
            stack.pop()


# ---------------------------------------------------------------------- reading primitives

def _closer(arr: ArrayNode):
    """Where the closing bracket of ``arr`` is (for errors about what is missing before it)."""
    class _P:
        line, column = arr.end_line, max(arr.end_column - 1, 1)
    return _P


def _end(container) -> None:
    """The reference reads the container's closing bracket here: past the syntax error when
    the text cut it short."""
    if container.open:
        raise _Truncated


def _item(arr: ArrayNode, index: int):
    """``arr.items[index]``, ``None`` after the closing bracket; the reference reads that
    token here (past the syntax error when the text cut the array short)."""
    if index < len(arr.items):
        return arr.items[index]
    _end(arr)
    return None


def _string(node: StringNode) -> str:
    """A string token's content, which Jackson reads only when asked (``getText``): past
    the syntax error when the content is broken."""
    if node.broken:
        raise _Truncated
    return node.value


def _only_one(obj: ObjectNode, message: str = "Only one key allowed in match expression"):
    """The reference reads the token after a matcher's value: ``}`` or a second key."""
    if len(obj.members) > 1:
        _fail(message, obj.members[1], "a matcher object has exactly one key")
    _end(obj)


def _compare(num: NumberNode) -> float:
    f = comparable(num.text)
    if f is None:
        _fail(f"Cannot compare number : {num.text}", num,
              "use a number that a double holds exactly (at most 15-17 significant digits, "
              "within +-1.7976931348623157e308)")
    return f


class _Compiler:
    """The walk.  ``partial``: the tree is what the reference read of a text that is not
    JSON; wherever the reference would read on (an ``open`` container's end, a ``broken``
    string's content) the walk stops with :class:`_Truncated`."""

    def __init__(self, dialect: str, partial: bool = False) -> None:
        self.eventbridge = dialect == "eventbridge"
        self.partial = partial
        # alternatives: each maps path -> Condition; insertion order = text order
        self.alts: list[dict[str, Condition]] = [{}]
        # the first $or whose expansion went past MAX_ALTERNATIVES (reported after the
        # whole text is validated, so that AWS's own errors come first, as AWS reports them)
        self.too_many = None
        self.first_or = None
        # the first refusal deferred by a matcher type (a wildcard AWS rates too complex):
        # reported after the whole text is validated (AWS rates a rule once the reference
        # compiled it)
        self.deferred = None

    def run(self, root: Node):
        if not isinstance(root, ObjectNode):
            _fail("Filter is not an object", root,
                  'a pattern is a JSON object such as {"event_type": ["..."]}')
        _drive(self.parse_object(root, (), inside_or=False))
        if self.partial:  # the value was read whole; what follows it is the syntax error
            raise _Truncated
        if self.too_many is None and self.first_or is not None and _over_bounds(self.alts):
            self.too_many = self.first_or  # the fields after the $or made it too big
        if self.deferred is not None:
            _fail(*self.deferred)
        if self.too_many is not None:
            _fail(_TOO_MANY_ALTERNATIVES, self.too_many,
                  "move the fields that every branch shares out of the $or, merge branches "
                  "that differ in one field into one value list, or split the pattern into "
                  "several patterns (several metric definitions)")
        return tuple(tuple(alt.values()) for alt in self.alts)

    # ------------------------------------------------------------------ the SyntaxReader
    # (what the matcher types' ``from_syntax`` read their operator's text with)
    fail = staticmethod(_fail)

    def defer(self, message: str, node, hint: str | None = None) -> None:
        if self.deferred is None:
            self.deferred = (message, node, hint)

    string = staticmethod(_string)
    end = staticmethod(_end)
    item = staticmethod(_item)
    closer = staticmethod(_closer)
    only_one = staticmethod(_only_one)
    compare = staticmethod(_compare)

    # ------------------------------------------------------------------ structure
    def parse_object(self, obj: ObjectNode, prefix: tuple[str, ...], inside_or: bool) -> None:
        for member in obj.members:
            key = member.key
            if key == "$or":
                if not self.eventbridge:
                    _fail_dialect("$or", member)
                yield self.parse_or(member, prefix)
                continue
            if inside_or and key in _RESERVED_IN_OR:
                _fail(f"{key} is Ruler reserved fieldName which cannot be used inside $or.",
                      member)
            value = member.value
            if isinstance(value, ObjectNode):
                yield self.parse_object(value, prefix + (key,), inside_or)
            elif isinstance(value, ArrayNode):
                self.write_rules(member, prefix + (key,), value)
            else:
                _fail(f'"{key}" must be an object or an array', value,
                      f'put the value in a list: "{key}": [{_source(value)}]')
        _end(obj)
        if not obj.members:
            _fail("Empty objects are not allowed", obj,
                  "remove the empty object or name a field inside it")

    def parse_or(self, member, prefix: tuple[str, ...]) -> None:
        value = member.value
        if not isinstance(value, ArrayNode):
            _fail("It must be an Array followed with $or.", value,
                  'write "$or": [{...}, {...}]')
        if self.first_or is None:
            self.first_or = member
        base = self.alts
        result: list[dict[str, Condition]] = []
        for item in value.items:
            if not isinstance(item, ObjectNode):
                _fail("Only JSON object is allowed in array of $or relationship.", item)
            self.alts = [dict(alt) for alt in base]
            yield self.parse_object(item, prefix, inside_or=True)
            result.extend(self.alts)
            if _over_bounds(result):
                # past the bound: note where, and go on validating with one alternative
                # only, so the work stays bounded whatever follows
                if self.too_many is None:
                    self.too_many = member
                del result[1:]
                base = base[:1]
        _end(value)
        if len(value.items) < 2:
            _fail("There must have at least 2 Objects in $or relationship.", value,
                  "give $or two or more objects, or drop it")
        self.alts = result

    def write_rules(self, member, path: tuple[str, ...], array: ArrayNode) -> None:
        matchers = []
        for item in array.items:
            if isinstance(item, ObjectNode):
                matchers.append(self.match_expression(item))
            else:   # a plain value (or a nested list, which Exact refuses)
                matchers.append(Exact.from_syntax(item, self))
        _end(array)
        if not matchers:
            _fail("Empty arrays are not allowed", array,
                  "list at least one value; to test presence use exists (eventbridge dialect)")
        if len(matchers) > 1:
            # matchers for which the reference adds no state never match beside others
            matchers = [m for m in matchers if not m.adds_nothing] or matchers[:1]
        dotted = ".".join(path)
        cond = Condition(dotted, tuple(dotted.split(".")), tuple(matchers),
                         member.line, member.column)
        for alt in self.alts:
            alt.pop(dotted, None)  # last wins, and moves to its new place in text order
            alt[dotted] = cond

    # ------------------------------------------------------------------ matchers
    def match_expression(self, obj: ObjectNode):
        if not obj.members:
            _end(obj)
            _fail("Match expression name not found", obj,
                  'write a matcher such as {"numeric": [">=", 0]}')
        first = obj.members[0]
        name = first.key
        cls = OPERATOR_TYPES.get(name)
        if cls is not None:
            if not cls.in_rum and not self.eventbridge:
                _fail_dialect(name, first)
            return cls.from_syntax(obj, self)
        hint = None
        low = name.strip().lower()
        if low in OPERATOR_TYPES and low != name:
            hint = f'operator names are lower case and exact: did you mean "{low}"?'
        _fail(f"Unrecognized match type {name}", first, hint)


# ---------------------------------------------------------------------- helpers

def _over_bounds(alts: list) -> bool:
    """Is the expansion past :data:`MAX_ALTERNATIVES` or :data:`MAX_EXPANDED_FIELDS`?"""
    if len(alts) > MAX_ALTERNATIVES:
        return True
    total = 0
    for alt in alts:
        total += len(alt)
    return total > MAX_EXPANDED_FIELDS


def _fail_dialect(name: str, at) -> None:
    _fail(f"{name} is not part of the rum dialect of EventPattern; "
          f"the eventbridge dialect accepts it", at,
          f'"{name}" is an EventBridge operator that RUM does not document; '
          f'compile with dialect="eventbridge" to accept it')


def _source(node) -> str:
    if isinstance(node, StringNode):
        return node.raw
    return token_text(node)


_TOO_MANY_ALTERNATIVES = (
    f"$or expands into too many alternatives: rumrules accepts at most {MAX_ALTERNATIVES} "
    f"combinations of $or branches, holding at most {MAX_EXPANDED_FIELDS} fields in all "
    "(a bound of rumrules, not of AWS, which documents none)")
