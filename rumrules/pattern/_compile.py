"""AST -> conditions: validation with AWS's messages, in the reference's order.

The walk mirrors event-ruler's ``JsonRuleCompiler``: members in text order, nested objects
extend the path (``a`` then ``b`` is ``a.b``, the same path as a key ``"a.b"``), value lists
compile item by item, and the *first* problem met is the one reported, with AWS's text.
Duplicate keys are all validated; for the same path the last value list wins.
``$or`` (eventbridge dialect) expands into alternatives: the cross product of its branches,
at most :data:`MAX_ALTERNATIVES` of them holding at most :data:`MAX_EXPANDED_FIELDS` fields
in all (our bounds: the reference has none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import PatternError
from ._ast import ArrayNode, LiteralNode, Node, NumberNode, ObjectNode, StringNode, token_text
from ._ip import IpError, parse_cidr, parse_exact_ip
from ._matchers import (AnythingBut, Cidr, EqualsIgnoreCase, Exact, Exactly, Exists, Glob,
                        Numeric, Prefix, Suffix, Wildcard, case_regex, java_text)
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

EVENTBRIDGE_OPERATORS = ("prefix", "suffix", "equals-ignore-case", "anything-but", "exists",
                         "cidr", "wildcard", "exactly", "$or")

#: Field names the reference refuses inside ``$or`` objects: its operators, the numeric
#: comparisons and the names it reserves for operators it may add.
_RESERVED_IN_OR = frozenset({
    "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "numeric",
    "cidr", "wildcard", "=", "<", "<=", ">", ">=",
    "regex", "not-wildcard", "not-equals-ignore-case",
    "date-after", "date-on-or-after", "date-before", "date-on-or-before", "in-date-range",
    "ip-address-in-range", "ip-address-not-in-range",
})

_HINTS = {
    "=>": "did you mean >=?",
    "=<": "did you mean <=?",
    "==": "did you mean =?",
    "!=": "there is no != operator; use anything-but (eventbridge dialect) or two ranges",
    "≥": "did you mean >=?",
    "≤": "did you mean <=?",
    "gt": "did you mean >?", "gte": "did you mean >=?", "lt": "did you mean <?",
    "lte": "did you mean <=?", "eq": "did you mean =?", "GT": "did you mean >?",
}


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
        # the first wildcard AWS rates too complex: reported after the whole text is
        # validated (AWS rates a rule once the reference compiled it)
        self.complex = None

    def run(self, root: Node):
        if not isinstance(root, ObjectNode):
            _fail("Filter is not an object", root,
                  'a pattern is a JSON object such as {"event_type": ["..."]}')
        _drive(self.parse_object(root, (), inside_or=False))
        if self.partial:  # the value was read whole; what follows it is the syntax error
            raise _Truncated
        if self.too_many is None and self.first_or is not None and _over_bounds(self.alts):
            self.too_many = self.first_or  # the fields after the $or made it too big
        if self.complex is not None:
            _fail(_TOO_COMPLEX, self.complex, f"use at most {MAX_WILDCARDS} * in one wildcard")
        if self.too_many is not None:
            _fail(_TOO_MANY_ALTERNATIVES, self.too_many,
                  "move the fields that every branch shares out of the $or, merge branches "
                  "that differ in one field into one value list, or split the pattern into "
                  "several patterns (several metric definitions)")
        return tuple(tuple(alt.values()) for alt in self.alts)

    def check_complexity(self, globs, node) -> None:
        if self.complex is None and any(_too_complex(g) for g in globs):
            self.complex = node

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
            elif isinstance(item, StringNode):
                matchers.append(_exact_string(item))
            elif isinstance(item, NumberNode):
                matchers.append(Exact(comparable(item.text), item.text, "number",
                                      item.line, item.column))
            elif isinstance(item, LiteralNode):
                matchers.append(Exact(item.value, item.text,
                                      "null" if item.value is None else "boolean",
                                      item.line, item.column))
            else:
                _fail("Match value must be String, number, true, false, or null", item,
                      "value lists hold plain values or one matcher object each; "
                      "remove the nested list")
        _end(array)
        if not matchers:
            _fail("Empty arrays are not allowed", array,
                  "list at least one value; to test presence use exists (eventbridge dialect)")
        if len(matchers) > 1:
            # the reference adds no state for an anything-but with an empty list
            # ({"anything-but": {"equals-ignore-case": []}}): beside other values it never
            # matches (alone it keeps its meaning here: anything but nothing)
            matchers = [m for m in matchers if not _empty_anything_but(m)] or matchers[:1]
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
        name, value = first.key, first.value
        if name == "numeric":
            if not isinstance(value, ArrayNode):
                _fail("Value of numeric must be an array.", value,
                      'write {"numeric": [">=", 0, "<", 10]}')
            matcher = self.numeric(value)
            _only_one(obj, "Too many elements in numeric expression")
            return matcher
        if name in EVENTBRIDGE_OPERATORS and name != "$or":
            if not self.eventbridge:
                _fail_dialect(name, first)
            return self.eventbridge_expression(obj, name, value)
        hint = None
        low = name.strip().lower()
        if low in ("numeric", "prefix", "suffix", "exists", "cidr", "wildcard", "exactly",
                   "anything-but", "equals-ignore-case") and low != name:
            hint = f'operator names are lower case and exact: did you mean "{low}"?'
        _fail(f"Unrecognized match type {name}", first, hint)

    def numeric(self, arr: ArrayNode) -> Numeric:
        items = arr.items
        first = _item(arr, 0)
        if not isinstance(first, StringNode):
            _fail(f"Invalid member in numeric match: {token_text(first) if first else ']'}",
                  first or _closer(arr), 'start with an operator: ["<", 10]')
        op = _string(first)
        val = _item(arr, 1)
        if op == "=":
            num = _numeric_operand(val, "Value of equals must be numeric", arr)
            if len(items) > 2:
                _too_many(items[2])
            _end(arr)
            f = _compare(num)
            return Numeric(f, True, f, True, arr.line, arr.column, ("=", num.text))
        if op in (">=", ">"):
            num = _numeric_operand(val, f"Value of {op} must be numeric", arr)
            nxt = _item(arr, 2)
            if nxt is None:
                lo = _compare(num)
                return Numeric(lo, op == ">=", None, False, arr.line, arr.column, (op, num.text))
            if not isinstance(nxt, StringNode):
                _fail(f"Bad value in numeric range: {token_text(nxt)}", nxt)
            op2 = _string(nxt)
            if op2 not in ("<", "<="):
                _fail(f"Bad numeric range operator: {op2}", nxt,
                      "after a lower bound comes < or <=" + (
                          "; did you mean <=?" if op2 == "=<" else ""))
            top = _numeric_operand(_item(arr, 3), f"Value of {op2} must be numeric", arr)
            if len(items) > 4:
                _fail("Too many terms in numeric range expression", items[4],
                      "a range has at most a lower and an upper bound")
            _end(arr)
            lo, hi = _compare(num), _compare(top)
            if not lo < hi:
                _fail("Bottom must be less than top", num,
                      "the lower bound comes first and must be below the upper bound")
            return Numeric(lo, op == ">=", hi, op2 == "<=", arr.line, arr.column,
                           (op, num.text, op2, top.text))
        if op in ("<", "<="):
            num = _numeric_operand(val, f"Value of {op} must be numeric", arr)
            if len(items) > 2:
                _too_many(items[2], "put the lower bound first: [\">\", low, \"<\", high]")
            _end(arr)
            hi = _compare(num)
            return Numeric(None, False, hi, op == "<=", arr.line, arr.column, (op, num.text))
        _fail(f"Unrecognized numeric range operator: {op}", first, _HINTS.get(op.strip()))

    def eventbridge_expression(self, obj: ObjectNode, name: str, value: Node):
        pos = (value.line, value.column)
        if name == "exactly":
            if not isinstance(value, StringNode):
                _fail("exact match pattern must be a string", value)
            text = _string(value)
            _only_one(obj)
            return Exactly(text, *pos)
        if name in ("prefix", "suffix"):
            cls = Prefix if name == "prefix" else Suffix
            if isinstance(value, ObjectNode):
                what = "Prefix" if name == "prefix" else "Suffix"
                if not value.members:
                    _end(value)
                    _fail(f"{what} expression name not found", value)
                inner = value.members[0]
                if inner.key != "equals-ignore-case":
                    _fail(f"Unsupported {name} pattern: {inner.key}", inner)
                if not isinstance(inner.value, StringNode):
                    _fail("equals-ignore-case match pattern must be a string", inner.value)
                text = _string(inner.value)
                _only_one(value)
                _only_one(obj)
                rx = re.compile(case_regex(text) if name == "prefix" else case_regex(text) + r"\Z",
                                re.DOTALL)
                return cls(text, True, *pos, regex=rx)
            if not isinstance(value, StringNode):
                _fail(f"{name} match pattern must be a string", value)
            text = java_text(_string(value))
            _only_one(obj)
            return cls(text, False, *pos)
        if name == "equals-ignore-case":
            if not isinstance(value, StringNode):
                _fail("equals-ignore-case match pattern must be a string", value)
            text = _string(value)
            _only_one(obj)
            return EqualsIgnoreCase(text, *pos, regex=re.compile(case_regex(text), re.DOTALL))
        if name == "wildcard":
            if not isinstance(value, StringNode):
                _fail("wildcard match pattern must be a string", value)
            glob = _wildcard_glob(value)
            self.check_complexity((glob,), value)
            _only_one(obj)
            return Wildcard(java_text(value.value), *pos, regex=glob)
        if name == "exists":
            if not isinstance(value, LiteralNode) or value.value is None:
                _fail("exists match pattern must be either true or false.", value)
            _only_one(obj)
            return Exists(bool(value.value), *pos)
        if name == "cidr":
            if not isinstance(value, StringNode):
                _fail("prefix match pattern must be a string", value)
            try:
                low, high = parse_cidr(_string(value))
            except IpError as e:
                _fail(str(e), value)
            _only_one(obj)
            return Cidr(value.value, low, high, *pos)
        assert name == "anything-but"
        if isinstance(value, ArrayNode):
            m = _anything_but_list(value)
            _only_one(obj, "Too many elements in numeric expression")
            return m
        if isinstance(value, ObjectNode):
            m = _anything_but_special(value)
            if m.mode == "wildcard":
                self.check_complexity(m.regexes, value)
            _only_one(obj, "Too many elements in numeric expression")
            return m
        if isinstance(value, StringNode):
            m = AnythingBut("values", strings=frozenset([_string(value)]), line=pos[0],
                            column=pos[1])
        elif isinstance(value, NumberNode):
            m = AnythingBut("values", numbers=frozenset([_compare(value)]), line=pos[0],
                            column=pos[1])
        else:
            _fail("Value of anything-but must be an array or single string/number value.",
                  value)
        _only_one(obj, "Too many elements in numeric expression")
        return m


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


def _too_many(node, hint: str | None = None):
    _fail("Too many elements in numeric expression", node, hint)


def _numeric_operand(node, message: str, arr: ArrayNode) -> NumberNode:
    if not isinstance(node, NumberNode):
        hint = None
        if isinstance(node, StringNode) and not node.broken:
            hint = f"write the number without quotes: {node.value}"
        _fail(message, node if node is not None else _closer(arr), hint)
    return node


def _compare(num: NumberNode) -> float:
    f = comparable(num.text)
    if f is None:
        _fail(f"Cannot compare number : {num.text}", num,
              "use a number that a double holds exactly (at most 15-17 significant digits, "
              "within +-1.7976931348623157e308)")
    return f


def _exact_string(node: StringNode) -> Exact:
    s = _string(node)
    return Exact(s, node.raw, "string", node.line, node.column, ip=parse_exact_ip(s))


def _wildcard_glob(node: StringNode) -> Glob:
    """The wildcard value as a :class:`Glob`: split on the unescaped ``*``; ``\\*`` is a
    literal ``*`` and ``\\\\`` a literal backslash; any other escape and ``**`` are refused
    with the reference's messages, whose positions count the value's UTF-8 bytes (as Java
    encodes them: a lone surrogate is one byte, ``?``).  The number of ``*`` is checked by
    the caller (:func:`_too_complex`), after the whole pattern, as AWS does."""
    text = java_text(_string(node))
    pieces: list[str] = []
    piece: list[str] = []
    escaped = False
    last_star = False
    for i, ch in enumerate(text):
        if escaped:
            if ch not in "*\\":
                _fail(f"Invalid escape character at pos {_byte_pos(text, i)}", node,
                      "in a wildcard only \\* and \\\\ are escapes")
            piece.append(ch)
            escaped = False
            last_star = False
        elif ch == "\\":
            escaped = True
        elif ch == "*":
            if last_star:
                _fail(f"Consecutive wildcard characters at pos {_byte_pos(text, i)}", node,
                      "one * already matches any run of characters")
            pieces.append("".join(piece))
            piece = []
            last_star = True
        else:
            piece.append(ch)
            last_star = False
    if escaped:
        _fail(f"Invalid escape character at pos {_byte_pos(text, len(text))}", node,
              "a wildcard cannot end with a lone backslash; write \\\\ for one")
    pieces.append("".join(piece))
    return Glob(tuple(pieces))


def _byte_pos(text: str, index: int) -> int:
    """How many UTF-8 bytes Java gives ``text[:index]`` (a lone surrogate encodes as ``?``)."""
    return len(text[:index].encode("utf-8", "replace"))


def _too_complex(glob: Glob) -> bool:
    """Does AWS refuse this wildcard as too complex (more than :data:`MAX_WILDCARDS` ``*``)?"""
    return len(glob.pieces) - 1 > MAX_WILDCARDS


# AWS refuses wildcard patterns that its complexity evaluator rates too costly; the
# reference library does not.  We apply the observable rule: more than five * in one value.
MAX_WILDCARDS = 5
_TOO_MANY_ALTERNATIVES = (
    f"$or expands into too many alternatives: rumrules accepts at most {MAX_ALTERNATIVES} "
    f"combinations of $or branches, holding at most {MAX_EXPANDED_FIELDS} fields in all "
    "(a bound of rumrules, not of AWS, which documents none)")
_TOO_COMPLEX = ("Rule is too complex - try using fewer wildcard characters or fewer "
                "repeating character sequences after a wildcard character")


def _empty_anything_but(m) -> bool:
    return isinstance(m, AnythingBut) and m.mode != "values" and not m.strings


def _anything_but_list(arr: ArrayNode) -> AnythingBut:
    strings, numbers = set(), set()
    for item in arr.items:
        if isinstance(item, StringNode):
            strings.add(_string(item))
        elif isinstance(item, NumberNode):
            numbers.add(_compare(item))
        else:
            _fail("Inside anything but list, start|null|boolean is not supported.", item)
    _end(arr)
    if bool(strings) == bool(numbers):
        _fail("Inside anything but list, either all values are number or string, "
              "mixed type is not supported", arr)
    return AnythingBut("values", strings=frozenset(strings), numbers=frozenset(numbers),
                       line=arr.line, column=arr.column)


_WRONG_TYPE = {"prefix": "prefix/suffix match pattern must be a string",
               "suffix": "prefix/suffix match pattern must be a string",
               "wildcard": "wildcard match pattern must be a string",
               "equals-ignore-case": "Inside anything-but/equals-ignore-case list, "
                                     "number|start|null|boolean is not supported."}


def _anything_but_special(obj: ObjectNode) -> AnythingBut:
    """``{"anything-but": {op: value}}``, checked token by token as the reference reads it."""
    if not obj.members:
        _end(obj)
        _fail("Anything-But expression name not found", obj)
    inner = obj.members[0]
    op, value = inner.key, inner.value
    if op not in _WRONG_TYPE:
        _fail(f"Unsupported anything-but pattern: {op}", inner)
    if not isinstance(value, (ArrayNode, StringNode, NumberNode)):
        _fail("Value of anything-but must be an array or single string/number value.", value)
    items = value.items if isinstance(value, ArrayNode) else [value]
    texts: list[str] = []
    for item in items:
        if not isinstance(item, StringNode):
            _fail(_WRONG_TYPE[op], item)
        text = _string(item)
        if op in ("prefix", "suffix") and text == "":
            _fail("Null prefix/suffix not allowed", item)
        texts.append(text)
    if isinstance(value, ArrayNode):
        _end(value)
    regexes: tuple = ()
    if op == "equals-ignore-case":
        regexes = tuple(re.compile(case_regex(t), re.DOTALL) for t in texts)
    elif op == "wildcard":
        regexes = tuple(_wildcard_glob(v) for v in items)
    else:
        texts = [java_text(t) for t in texts]
    _only_one(obj, "Too many elements in numeric expression")
    return AnythingBut(op, strings=frozenset(texts), line=value.line, column=value.column,
                       regexes=regexes)
