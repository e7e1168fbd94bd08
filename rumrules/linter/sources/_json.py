"""A strict JSON reader that records where every value sits.

Valid JSON is read by :func:`json.loads` (C speed, no position tree) and the positions are
found lazily: the root is a :class:`_LazyNode` that scans the text for its members only when a
caller asks for them (``children``, ``keys``, ``text``), so a file of 100,000 definitions
holds position nodes only for the values that a finding or a fix names (and for the items of
the containers on the way to them).  Text that :func:`json.loads` refuses, that nests deeper
than ``MAX_DEPTH`` or that holds ``NaN``/``Infinity`` is read again by the strict reader below,
which says where and why.

The strict reader accepts exactly what RFC 8259 accepts (no ``NaN``, trailing commas, comments or raw
control characters in strings), builds the plain value and a :class:`Node` tree side by side
with an explicit stack (no recursion, so deep input cannot raise ``RecursionError``), and turns
every mistake into a :class:`SourceError` with a line, a column and a plain-words reason.
Duplicate member names: the last one wins, as :func:`json.loads` does.
"""

from __future__ import annotations

import json.decoder
import re
from array import array
from typing import Any

from ._errors import SourceError
from ._nodes import MAP, MAX_DEPTH, SCALAR, SEQ, Node
from ._text import LineMap

__all__ = ["parse_json"]

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_scanstring = json.decoder.scanstring
_LITERALS = (("true", True), ("false", False), ("null", None))
_VALUE_START = set('{["-0123456789tfn')


def parse_json(text: str, file: str, lines: LineMap | None = None) -> tuple[Any, Node]:
    """Parse ``text`` into ``(value, node)``; raise :class:`SourceError` on any mistake."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        value = _INVALID
    if value is _INVALID or _too_deep(value):
        return _Reader(text, file, lines).run()  # raises, saying where and why
    return value, _LazyNode(text, _WS.match(text, 0).end())


_INVALID = object()


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _too_deep(value: Any) -> bool:
    """True when ``value`` nests deeper than MAX_DEPTH containers (without recursion);
    repeated short strings are made one object on the way, as the strict reader does."""
    strings: dict[str, str] = {}
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(item, dict):
            for k, v in item.items():
                if isinstance(v, (dict, list)):
                    stack.append((v, depth + 1))
                elif isinstance(v, str) and len(v) <= 64:
                    item[k] = strings.setdefault(v, v)
        elif isinstance(item, list):
            for i, v in enumerate(item):
                if isinstance(v, (dict, list)):
                    stack.append((v, depth + 1))
                elif isinstance(v, str) and len(v) <= 64:
                    item[i] = strings.setdefault(v, v)
    return False


# strings, and the brackets outside them: what skipping a container looks at
_SKIP = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_SCALAR_END = re.compile(r'-?[0-9.eE+-]+|true|false|null')


def _skip(text: str, pos: int) -> int:
    """The offset just after the (valid) JSON value that starts at ``pos``."""
    ch = text[pos]
    if ch == '"':
        return _scanstring(text, pos + 1, True)[1]
    if ch != "{" and ch != "[":
        return _SCALAR_END.match(text, pos).end()
    depth = 0
    for m in _SKIP.finditer(text, pos):
        token = m.group()
        if token == "{" or token == "[":
            depth += 1
        elif token == "}" or token == "]":
            depth -= 1
            if depth == 0:
                return m.end()
    raise AssertionError("unbalanced JSON")  # pragma: no cover - json.loads read it


class _LazyNode(Node):
    """A :class:`Node` of valid JSON text whose members, items and scalar text are found by
    scanning the text the first time they are asked for.

    An array keeps only where its items start (``_items``, 8 bytes an item): :meth:`child`
    makes a new node for the item asked for and keeps none, so the list of 100,000
    definitions of a long file holds no node per definition (a finding's position is
    looked up through a node made for it and let go); ``children`` makes and keeps every
    item's node, for the callers that walk the tree."""

    __slots__ = ("source", "_items")

    def __init__(self, text: str, start: int) -> None:  # noqa: D107 - lazy on purpose
        self.source = text
        self.start = start
        self.tag = None
        ch = text[start]
        if ch == "{":
            self.kind, self.style = MAP, None
        elif ch == "[":
            self.kind, self.style = SEQ, None
            self.keys = None
        else:
            self.kind, self.style = SCALAR, "json"
            self.children = self.keys = None

    def __getattr__(self, name: str) -> Any:  # only for the slots not filled yet
        if name == "text":
            text = self.source
            if text[self.start] == '"':
                self.text = _scanstring(text, self.start + 1, True)[0]
            else:
                self.text = text[self.start:_skip(text, self.start)]
            return self.text
        if name in ("children", "keys"):
            if self.kind == SEQ:
                self.children = [_LazyNode(self.source, at) for at in self._offsets()]
                return self.children
            self._expand()
            return getattr(self, name)
        raise AttributeError(name)

    def child(self, part: Any) -> Node | None:
        """The node of member/item ``part``, or ``None`` (an array's item: a new node, unless
        ``children`` was asked for)."""
        if self.kind != SEQ:
            return Node.child(self, part)
        try:
            object.__getattribute__(self, "children")
        except AttributeError:  # the items not made: make the one asked for, keep none
            pass
        else:
            return Node.child(self, part)
        if not isinstance(part, int) or isinstance(part, bool):
            return None
        items = self._offsets()
        if -len(items) <= part < len(items):
            return _LazyNode(self.source, items[part])
        return None

    def _offsets(self) -> array:
        """Where each item of this array starts in the text (found once)."""
        try:
            return object.__getattribute__(self, "_items")
        except AttributeError:
            pass
        text, pos = self.source, self.start
        ws = _WS.match
        items = array("q")
        pos = ws(text, pos + 1).end()
        if text[pos] != "]":
            while True:
                items.append(pos)
                pos = ws(text, _skip(text, pos)).end()
                if text[pos] == "]":
                    break
                pos = ws(text, pos + 1).end()  # the comma
        self._items = items
        return items

    def _expand(self) -> None:  # a mapping's members (an array's items: _offsets)
        text, pos = self.source, self.start
        ws = _WS.match
        children: dict[str, Node] = {}
        keys: dict[str, int] = {}
        pos = ws(text, pos + 1).end()
        if text[pos] != "}":
            while True:
                name, end = _scanstring(text, pos + 1, True)
                value_at = ws(text, ws(text, end).end() + 1).end()  # past the colon
                children[name] = _LazyNode(text, value_at)  # the last one wins, as
                keys[name] = pos                            # json.loads does
                pos = ws(text, _skip(text, value_at)).end()
                if text[pos] == "}":
                    break
                pos = ws(text, pos + 1).end()
        self.children, self.keys = children, keys


class _Reader:
    def __init__(self, text: str, file: str, lines: LineMap | None) -> None:
        self.text = text
        self.file = file
        self.lines = lines
        # one object per distinct short string: member names and values such as units
        # repeat in every definition of a long file
        self.strings: dict[str, str] = {}

    def fail(self, pos: int, reason: str) -> SourceError:
        lines = self.lines or LineMap(self.text)
        line, column = lines.position(pos)
        return SourceError(f"invalid JSON: {reason}", file=self.file, line=line, column=column)

    def ws(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()

    def describe(self, pos: int) -> str:
        if pos >= len(self.text):
            return "the end of the text"
        return repr(self.text[pos])

    def string(self, pos: int) -> tuple[str, int]:
        try:
            return _scanstring(self.text, pos + 1, True)
        except json.JSONDecodeError as exc:
            msg, at = exc.msg, exc.pos
            if self.text[at:at + 1] != "\\" and self.text[at - 1:at] == "\\":
                at -= 1  # point at the backslash of a bad escape
            if msg.startswith("Unterminated string"):
                raise self.fail(pos, "unterminated string") from None
            if msg.startswith("Invalid control character"):
                raise self.fail(at, "raw control character in a string "
                                         "(write it as an escape such as \\n or \\t)") from None
            if msg.startswith("Invalid \\u"):
                raise self.fail(at, "invalid \\u escape in a string") from None
            raise self.fail(at, "invalid escape in a string "
                                     "(only \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)") from None

    def key(self, pos: int, closer_after_comma: bool) -> tuple[str, int, int]:
        """Read a member name and its colon; return (name, key offset, position after ':')."""
        text = self.text
        ch = text[pos:pos + 1]
        if ch != '"':
            if ch == "}" and closer_after_comma:
                raise self.fail(pos, "trailing comma before '}'")
            if ch == "":
                raise self.fail(pos, "unexpected end of the text inside an object")
            raise self.fail(pos, f"expected a member name in double quotes, found {self.describe(pos)}")
        name, end = self.string(pos)
        name = self.strings.setdefault(name, name)
        after = self.ws(end)
        if text[after:after + 1] != ":":
            raise self.fail(after, f"expected ':' after the member name, found {self.describe(after)}")
        return name, pos, self.ws(after + 1)

    def scalar(self, pos: int) -> tuple[Any, Node, int]:
        text = self.text
        ch = text[pos:pos + 1]
        if ch == '"':
            value, end = self.string(pos)
            if len(value) <= 64:
                value = self.strings.setdefault(value, value)
            return value, Node(SCALAR, pos, style="json", text=value), end
        if ch == "-" or ch.isdigit():
            m = _NUMBER.match(text, pos)
            if m is None:
                raise self.fail(pos, f"expected a value, found {self.describe(pos)}")
            end = m.end()
            raw = m.group()
            if text[end:end + 1].isdigit() and raw.lstrip("-") == "0":
                raise self.fail(pos, "numbers must not have leading zeros")
            if m.group(1) or m.group(2):
                value = float(raw)
            else:
                try:
                    value = int(raw)
                except ValueError:
                    raise self.fail(pos, "number with too many digits") from None
            return value, Node(SCALAR, pos, style="json", text=raw), end
        for word, value in _LITERALS:
            if text.startswith(word, pos):
                return value, Node(SCALAR, pos, style="json", text=word), pos + len(word)
        if text.startswith(("NaN", "Infinity", "-Infinity"), pos):
            raise self.fail(pos, "NaN and Infinity are not JSON numbers")
        if ch == "":
            raise self.fail(pos, "unexpected end of the text (a value is missing)")
        if ch in "'":
            raise self.fail(pos, "strings must be in double quotes")
        raise self.fail(pos, f"expected a value, found {self.describe(pos)}")

    def run(self) -> tuple[Any, Node]:
        text = self.text
        n = len(text)
        pos = self.ws(0)
        if pos >= n:
            raise self.fail(pos, "the text is empty")
        # stack frames: [value, node, closer, pending key, key offset]
        stack: list[list[Any]] = []
        while True:
            # ---- a value starts at pos
            ch = text[pos:pos + 1]
            if ch == "{" or ch == "[":
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(pos, f"nesting deeper than {MAX_DEPTH} levels")
                is_map = ch == "{"
                node = Node(MAP if is_map else SEQ, pos)
                value: Any = {} if is_map else []
                closer = "}" if is_map else "]"
                after = self.ws(pos + 1)
                if text[after:after + 1] == closer:
                    pos = after + 1
                else:
                    frame = [value, node, closer, None, None]
                    stack.append(frame)
                    if is_map:
                        frame[3], frame[4], pos = self.key(after, False)
                    else:
                        pos = after
                    continue
            else:
                value, node, pos = self.scalar(pos)
            # ---- a value ended at pos: attach it and read what follows
            while True:
                if not stack:
                    end = self.ws(pos)
                    if end < n:
                        raise self.fail(end, "text after the end of the JSON value")
                    return value, node
                frame = stack[-1]
                parent, pnode, closer = frame[0], frame[1], frame[2]
                if closer == "}":
                    parent[frame[3]] = value
                    pnode.children[frame[3]] = node
                    pnode.keys[frame[3]] = frame[4]
                else:
                    parent.append(value)
                    pnode.children.append(node)
                pos = self.ws(pos)
                ch = text[pos:pos + 1]
                if ch == ",":
                    pos = self.ws(pos + 1)
                    if closer == "}":
                        frame[3], frame[4], pos = self.key(pos, True)
                    elif text[pos:pos + 1] == "]":
                        raise self.fail(pos, "trailing comma before ']'")
                    break
                if ch == closer:
                    stack.pop()
                    value, node, pos = parent, pnode, pos + 1
                    continue
                if ch == "":
                    raise self.fail(pos, f"unexpected end of the text (missing '{closer}')")
                if closer == "]":
                    if ch in _VALUE_START or ch == '"':
                        raise self.fail(pos, "missing comma between array items")
                    raise self.fail(pos, f"expected ',' or ']', found {self.describe(pos)}")
                if ch == '"':
                    raise self.fail(pos, "missing comma between object members")
                raise self.fail(pos, f"expected ',' or '}}', found {self.describe(pos)}")
