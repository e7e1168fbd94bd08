"""AWS's wording for JSON syntax errors (the Jackson parser's first-error message).

This runs only after the Lark parser has refused a text, to find the message AWS returns for
the same text.  It is a small streaming scanner with Jackson's rules and texts; it never
recurses (containers are a stack) and stops at the first error.  It returns the message and
the character offset of the offending character, and the tree of the tokens Jackson
delivered before that error (the reference compiles as it reads, so a pattern error in that
part comes first: see ``_compile.compile_text``).
"""

from __future__ import annotations

import json

from ._ast import ArrayNode, LiteralNode, Member, Node, NumberNode, ObjectNode, StringNode

__all__ = ["jackson_error", "jackson_scan"]

_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
_WS = " \t\n\r"
_ESCAPES = '"\\/bfnrt'


def _char_desc(ch: str) -> str:
    code = ord(ch)
    if _is_iso_control(ch):
        return f"(CTRL-CHAR, code {code})"
    if code > 0xFFFF:  # Java sees the high surrogate first
        hi = 0xD800 + ((code - 0x10000) >> 10)
        return f"'{chr(hi)}' (code {hi} / 0x{hi:x})"
    if code > 255:
        return f"'{ch}' (code {code} / 0x{code:x})"
    return f"'{ch}' (code {code})"


def _source(text: str, offset: int) -> str:
    """Jackson's ``[Source: ...]``: at most 500 characters of the text, with its ISO control
    characters but CR and LF escaped as ``\\uXXXX``."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    shown = _escape_controls(text[:500]) + '"'
    if len(text) > 500:
        shown += f"[truncated {len(text) - 500} chars]"
    return f'[Source: (String)"{shown}; line: {line}, column: {col}]'


def _escape_controls(text: str) -> str:
    return "".join(f"\\u{ord(c):04X}" if _is_iso_control(c) and c not in "\r\n" else c
                   for c in text)


def _is_iso_control(c: str) -> bool:
    code = ord(c)
    return code < 32 or 0x7F <= code <= 0x9F


class _Err(Exception):
    def __init__(self, message: str, offset: int):
        self.message, self.offset = message, offset


def jackson_error(text: str) -> tuple[str, int] | None:
    """(message, offset) of the first error Jackson reports in ``text``, or ``None`` when
    Jackson would read one complete value (what follows it is not looked at)."""
    return jackson_scan(text)[1]


def jackson_scan(text: str) -> tuple[Node | None, tuple[str, int] | None]:
    """What the reference has read of ``text`` when it stops: (tree, error).

    ``tree`` holds the tokens Jackson delivers before its first error, as AST nodes: a
    container the error cut short has ``open`` set, a string value whose content is broken
    has ``broken`` set (Jackson reads string contents lazily, so the reference may have
    judged the token before it sees the error inside).  In an object a member comes with
    the start of its value: Jackson reads the key, the colon and the value's first token
    (a whole number or literal) in one step, so an error anywhere in there leaves the
    member out.  ``tree`` is ``None`` when not even the first token was read; ``error`` is
    ``(message, offset)`` as :func:`jackson_error` gives it, or ``None``.
    """
    tree = _Tree(text)
    try:
        _scan(text, tree)
    except _Err as e:
        tree.cut(e.offset)
        return tree.root, (e.message, e.offset)
    return tree.root, None


class _Tree:
    """The nodes delivered so far: containers on a stack, a key waiting for its value."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.root: Node | None = None
        self.stack: list[ObjectNode | ArrayNode] = []
        self.key: tuple[str, int] | None = None

    def pos(self, offset: int) -> tuple[int, int]:
        text = self.text
        return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)

    def add(self, node: Node) -> None:
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        if isinstance(parent, ObjectNode):
            key, at = self.key
            parent.members.append(Member(key, node, *self.pos(at)))
            self.key = None
        else:
            parent.items.append(node)

    def start(self, bracket: str, offset: int) -> None:
        line, column = self.pos(offset)
        node = (ObjectNode([], line, column, line, column, open=True) if bracket == "{"
                else ArrayNode([], line, column, line, column, open=True))
        self.add(node)
        self.stack.append(node)

    def close(self, offset: int) -> None:
        node = self.stack.pop()
        node.open = False
        node.end_line, node.end_column = self.pos(offset + 1)

    def scalar(self, start: int, end: int) -> None:
        raw = self.text[start:end]
        line, column = self.pos(start)
        c = raw[0]
        if c == '"':
            node: Node = StringNode(json.loads(raw), raw, line, column)
        elif c in "tfn":
            node = LiteralNode({"t": True, "f": False, "n": None}[c], line, column)
        else:
            node = NumberNode(raw, line, column)
        self.add(node)

    def broken_string(self, start: int, end: int) -> None:
        line, column = self.pos(start)
        self.add(StringNode("", self.text[start:end], line, column, broken=True))

    def cut(self, offset: int) -> None:
        end_line, end_column = self.pos(offset)
        for node in self.stack:
            node.end_line, node.end_column = end_line, end_column


def _is_ident_start(ch: str) -> bool:
    return ch.isalpha() or ch in "_$" or ch.isidentifier()


def _is_ident_part(ch: str) -> bool:
    return ch.isalnum() or ch in "_$" or ("a" + ch).isidentifier()


def _scan(text: str, tree: _Tree) -> None:
    n = len(text)
    i = 0
    stack: list[tuple[str, int]] = []   # (bracket, offset)
    state = "root"  # root | value | first_item | first_key | key | colon | after

    def skip(i: int) -> int:
        while i < n:
            c = text[i]
            if c in _WS:
                i += 1
                continue
            if c == "/":
                raise _Err("Unexpected character ('/' (code 47)): maybe a (non-standard) "
                           "comment? (not recognized as one since Feature 'ALLOW_COMMENTS' "
                           "not enabled for parser)", i)
            if ord(c) < 32:
                raise _Err(f"Illegal character ({_char_desc(c)}): only regular white space "
                           "(\\r, \\n, \\t) is allowed between tokens", i)
            break
        return i

    while True:
        i = skip(i)
        if i >= n:
            if state == "root":
                return  # no token at all: the compiler says "Filter is not an object"
            top, at = stack[-1]
            kind = "Array" if top == "[" else "Object"
            if state in ("first_item", "first_key") or (state == "after"):
                raise _Err(f"Unexpected end-of-input: expected close marker for {kind} "
                           f"(start marker at {_source(text, at)})", n)
            raise _Err(f"Unexpected end-of-input within/between {kind} entries", n)
        c = text[i]
        if state in ("first_item", "first_key") and c in "]}" and c != (
                "]" if state == "first_item" else "}"):
            _mismatched(text, i, stack[-1])  # [} and {]: a close marker first, the wrong one
        if state in ("root", "value", "first_item"):
            if state == "first_item" and c == "]":
                stack.pop()
                tree.close(i)
                i += 1
                state = "after" if stack else "done"
            elif state == "root" and c in "]}":
                kind = "Array" if c == "]" else "Object"
                raise _Err(f"Unexpected close marker '{c}': no open {kind} to close", i)
            elif c in "{[":
                stack.append((c, i))
                tree.start(c, i)
                i += 1
                state = "first_key" if c == "{" else "first_item"
                continue
            else:
                start = i
                try:
                    i = _value(text, i)
                except _Err as e:
                    if c == '"':  # a string token is delivered; its content is read later
                        tree.broken_string(start, e.offset)
                    raise
                if not stack and i < n and text[i] not in _WS and (c == "-" or c.isdigit()):
                    # a number at the root must be followed by white space (or the end)
                    raise _Err(f"Unexpected character ({_char_desc(text[i])}): Expected space "
                               "separating root-level values", i)
                tree.scalar(start, i)
                state = "after" if stack else "done"
            if state == "done":
                return
            continue
        if state in ("first_key", "key"):
            if c == "}" and state == "first_key":
                stack.pop()
                tree.close(i)
                i += 1
                if not stack:
                    return
                state = "after"
                continue
            if c != '"':
                raise _Err(f"Unexpected character ({_char_desc(c)}): was expecting "
                           "double-quote to start field name", i)
            start = i
            i = _string(text, i, key=True)
            tree.key = (json.loads(text[start:i]), start)
            state = "colon"
            continue
        if state == "colon":
            if c != ":":
                raise _Err(f"Unexpected character ({_char_desc(c)}): was expecting a colon "
                           "to separate field name and value", i)
            i += 1
            state = "value"
            continue
        # after a value inside a container
        top, at = stack[-1]
        kind = "Array" if top == "[" else "Object"
        close = "]" if top == "[" else "}"
        if c == ",":
            i += 1
            state = "value" if top == "[" else "key"
        elif c == close:
            stack.pop()
            tree.close(i)
            i += 1
            if not stack:
                return
        elif c in "]}":
            _mismatched(text, i, stack[-1])
        else:
            raise _Err(f"Unexpected character ({_char_desc(c)}): was expecting comma to "
                       f"separate {kind} entries", i)


def _mismatched(text: str, i: int, opened: tuple[str, int]):
    """The close marker at ``i`` does not close the container opened at ``opened``."""
    bracket, at = opened
    kind, close = ("Array", "]") if bracket == "[" else ("Object", "}")
    raise _Err(f"Unexpected close marker '{text[i]}': expected '{close}' (for {kind} starting "
               f"at {_source(text, at)})", i)


def _value(text: str, i: int) -> int:
    c = text[i]
    if c == '"':
        return _string(text, i, key=False)
    if c == "-" or c.isdigit() and c.isascii():
        return _number(text, i)
    for word in ("true", "false", "null"):
        if text.startswith(word, i):
            end = i + len(word)
            after = text[end:end + 1]
            if after and after >= "0" and after not in "]}" and _is_ident_part(after):
                _unrecognized(text, i)  # nullnull: Jackson reads the whole word
            return end
    if text.startswith("NaN", i) or text.startswith("Infinity", i):
        word = "NaN" if c == "N" else "Infinity"
        raise _Err(f"Non-standard token '{word}': enable "
                   "`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", i)
    if c == "+":
        if text.startswith("+Infinity", i):
            raise _Err("Non-standard token '+Infinity': enable "
                       "`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", i)
        raise _Err("Unexpected character ('+' (code 43)) in numeric value: JSON spec does not "
                   "allow numbers to have plus signs: enable "
                   "`JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow", i)
    if c == "/":
        raise _Err("Unexpected character ('/' (code 47)): maybe a (non-standard) comment? "
                   "(not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for "
                   "parser)", i)
    if _is_ident_start(c) and ord(c) <= 0xFFFF and c != "\ufeff":
        _unrecognized(text, i)
    # '#' too: the reader-based parser has no comment message for it when YAML comments
    # are off (only its non-blocking parsers do)
    _not_a_value(text, i)


def _not_a_value(text: str, i: int):
    raise _Err(f"Unexpected character ({_char_desc(text[i])}): expected a valid value "
               f"{_VALUES}", i)


def _unrecognized(text: str, i: int):
    j = i
    while j < len(text) and _is_ident_part(text[j]):
        j += 1
    raise _Err(f"Unrecognized token '{text[i:j]}': was expecting {_VALUES}", i)


def _string(text: str, i: int, key: bool) -> int:
    n = len(text)
    j = i + 1
    while j < n:
        c = text[j]
        if c == '"':
            return j + 1
        if c == "\\":
            if j + 1 >= n:
                raise _Err("Unexpected end-of-input in character escape sequence", n)
            e = text[j + 1]
            if e == "u":
                for k in range(j + 2, j + 6):
                    if k >= n:
                        raise _Err("Unexpected end-of-input in character escape sequence", n)
                    if text[k] not in "0123456789abcdefABCDEF":
                        raise _Err(f"Unexpected character ({_char_desc(text[k])}): expected a "
                                   "hex-digit for character escape sequence", k)
                j += 6
                continue
            if e not in _ESCAPES:
                raise _Err(f"Unrecognized character escape {_char_desc(e)}", j + 1)
            j += 2
            continue
        if ord(c) < 32:
            raise _Err(f"Illegal unquoted character ({_char_desc(c)}): has to be escaped using "
                       "backslash to be included in " + ("name" if key else "string value"), j)
        j += 1
    if key:
        raise _Err("Unexpected end-of-input in field name", n)
    raise _Err("Unexpected end-of-input: was expecting closing quote for a string value", n)


def _number(text: str, i: int) -> int:
    n = len(text)
    j = i
    if text[j] == "-":
        j += 1
        if text.startswith("Infinity", j):
            raise _Err("Non-standard token '-Infinity': enable "
                       "`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", i)
        if j >= n:
            raise _Err("Unexpected end-of-input in numeric value", n)
        if text[j] == ".":  # -.5: a number may not start with a point, signed or not
            _not_a_value(text, j)
        if not ("0" <= text[j] <= "9"):
            raise _Err(f"Unexpected character ({_char_desc(text[j])}) in numeric value: "
                       "expected digit (0-9) to follow minus sign, for valid numeric value", j)
    if text[j] == "0" and j + 1 < n and "0" <= text[j + 1] <= "9":
        raise _Err("Invalid numeric value: Leading zeroes not allowed", j)
    while j < n and "0" <= text[j] <= "9":
        j += 1
    if j < n and text[j] == ".":
        j += 1
        if j >= n:
            raise _Err("Unexpected end-of-input in numeric value", n)
        if not ("0" <= text[j] <= "9"):
            raise _Err(f"Unexpected character ({_char_desc(text[j])}) in numeric value: "
                       "Decimal point not followed by a digit", j)
        while j < n and "0" <= text[j] <= "9":
            j += 1
    if j < n and text[j] in "eE":
        j += 1
        if j < n and text[j] in "+-":
            j += 1
        if j >= n:
            raise _Err("Unexpected end-of-input in numeric value", n)
        if not ("0" <= text[j] <= "9"):
            raise _Err(f"Unexpected character ({_char_desc(text[j])}) in numeric value: "
                       "Exponent indicator not followed by a digit", j)
        while j < n and "0" <= text[j] <= "9":
            j += 1
    return j
