"""Text -> AST: the Lark LALR parser over ``grammar/event_pattern.lark``.

The parser is built once, on first use (importing rumrules does not build it), tree-less:
Lark calls the callbacks below as it reduces, so the AST is built bottom-up without
recursion and every node takes its position from its first token.  Lark exceptions never
leave this module: they become :class:`PatternError` with a line, a column and a reason in
plain words.
"""

from __future__ import annotations

import json
import threading

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ..errors import PatternError
from ._ast import ArrayNode, LiteralNode, Member, Node, NumberNode, ObjectNode, StringNode
from ._jackson import jackson_error, jackson_scan

__all__ = ["parse_json", "partial_ast", "MAX_PATTERN_LENGTH", "get_parser"]

MAX_PATTERN_LENGTH = 4000

_parser: Lark | None = None
_lock = threading.Lock()


class _Builder(Transformer):
    """Lark callbacks: one per grammar rule, each building one AST node."""

    def start(self, children):
        return children[0]

    def object(self, children):
        lb, rb = children[0], children[-1]
        members = [c for c in children[1:-1] if c is not None]
        return ObjectNode(members, lb.line, lb.column, rb.end_line, rb.end_column)

    def member(self, children):
        key, value = children
        return Member(json.loads(key), value, key.line, key.column)

    def array(self, children):
        lb, rb = children[0], children[-1]
        items = [c for c in children[1:-1] if c is not None]
        return ArrayNode(items, lb.line, lb.column, rb.end_line, rb.end_column)

    def string(self, children):
        (tok,) = children
        return StringNode(json.loads(tok), str(tok), tok.line, tok.column)

    def number(self, children):
        (tok,) = children
        return NumberNode(str(tok), tok.line, tok.column)

    def true(self, children):
        return LiteralNode(True, children[0].line, children[0].column)

    def false(self, children):
        return LiteralNode(False, children[0].line, children[0].column)

    def null(self, children):
        return LiteralNode(None, children[0].line, children[0].column)


_OPTIONS = dict(parser="lalr", lexer="basic", maybe_placeholders=True)


def get_parser() -> Lark:
    """The Lark parser, built on first call and shared (thread-safe).

    The grammar is loaded by package name (``rumrules.grammar``), as installed from a wheel
    or an editable install; a bare source checkout on ``sys.path`` falls back to the
    top-level ``grammar/`` folder next to the package.
    """
    global _parser
    if _parser is None:
        with _lock:
            if _parser is None:
                try:
                    parser = Lark.open_from_package("rumrules.grammar", "event_pattern.lark",
                                                    ("",), transformer=_Builder(), **_OPTIONS)
                except (ImportError, OSError, TypeError):
                    from pathlib import Path

                    path = Path(__file__).resolve().parents[2] / "grammar" / "event_pattern.lark"
                    parser = Lark(path.read_text(encoding="utf-8"), transformer=_Builder(),
                                  **_OPTIONS)
                _parser = parser
    return _parser


def parse_json(text: str) -> Node:
    """Parse strict JSON text into an AST, or raise :class:`PatternError`.

    For a syntax error ``message`` is the text AWS returns for the same input (Jackson's
    wording) and ``hint`` says in plain words what is wrong and how to fix it; ``line`` and
    ``column`` point at the offending character.
    """
    try:
        return get_parser().parse(text)
    except UnexpectedInput as exc:
        plain = _syntax_error(text, exc)
    aws = jackson_error(text)
    if aws is not None:
        message = aws[0]
    elif not text.strip():
        message = "Filter is not an object"
    else:  # AWS reads one value and ignores the rest; we refuse it (SPEC §5)
        message = plain.message
    if message == plain.message:
        hint = plain.hint
    else:
        hint = plain.message if not plain.hint else f"{plain.message}: {plain.hint}"
    raise PatternError(message, line=plain.line, column=plain.column, hint=hint)


def partial_ast(text: str) -> Node | None:
    """For a text :func:`parse_json` refuses: the tree of what the reference reads before
    its syntax error (containers cut short are ``open``, strings with a broken content
    ``broken``), or ``None`` when it reads no token at all."""
    return jackson_scan(text)[0]


# --------------------------------------------------------------------------------------
# Plain-words syntax errors

_NON_STANDARD = ("NaN", "Infinity", "-Infinity", "+Infinity")
_JACKSON_NON_STANDARD = ("Non-standard token '{}': enable "
                         "`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow")


def _offset(text: str, line: int, column: int) -> int:
    """Character offset of a 1-based (line, column), counting \\n as Lark does."""
    pos = 0
    for _ in range(line - 1):
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)
        pos = nl + 1
    return min(pos + column - 1, len(text))


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def _prev_char(text: str, offset: int) -> str:
    i = offset - 1
    while i >= 0 and text[i] in " \t\r\n":
        i -= 1
    return text[i] if i >= 0 else ""


def _error(text: str, offset: int, message: str, hint: str | None = None) -> PatternError:
    line, column = _position(text, offset)
    return PatternError(message, line=line, column=column, hint=hint)


def _syntax_error(text: str, exc: UnexpectedInput) -> PatternError:
    if isinstance(exc, UnexpectedEOF) or (
            isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        offset = len(text)
        if not text.strip():
            return _error(text, 0, "the pattern is empty: expected a JSON object",
                          'write at least {"field": ["value"]}')
        prev = _prev_char(text, offset)
        if prev == ",":
            return _error(text, offset, "unexpected end of text after a comma",
                          "remove the trailing comma or add the next item")
        return _error(text, offset, "unexpected end of text: a bracket or brace is not closed",
                      "close every { with } and every [ with ]")
    if isinstance(exc, UnexpectedCharacters):
        offset = exc.pos_in_stream if exc.pos_in_stream is not None else _offset(
            text, exc.line, exc.column)
        return _bad_character(text, offset)
    assert isinstance(exc, UnexpectedToken)
    tok: Token = exc.token
    offset = tok.start_pos if tok.start_pos is not None else _offset(text, tok.line, tok.column)
    return _bad_token(text, offset, tok, set(exc.expected or ()), exc)


def _bad_character(text: str, offset: int) -> PatternError:
    ch = text[offset] if offset < len(text) else ""
    rest = text[offset:]
    for word in _NON_STANDARD:
        if rest.startswith(word):
            name = word.lstrip("+")
            return _error(text, offset, _JACKSON_NON_STANDARD.format(name),
                          "JSON has no NaN or Infinity; use a finite number")
    if ch == '"':
        return _string_error(text, offset)
    if ch == "'":
        return _error(text, offset, "single quotes are not JSON", 'use double quotes: "..."')
    if ch == "+":
        return _error(text, offset, "a number cannot start with '+'", "remove the '+'")
    if ch == "." or (ch == "-" and rest[1:2] in (".", "")):
        return _error(text, offset, "a number must have digits before the decimal point",
                      "write 0.5, not .5")
    if ch == "-":
        return _error(text, offset, "'-' must be followed by digits")
    if ch in "/#":
        return _error(text, offset, "comments are not JSON", "remove the comment")
    if ch == "\ufeff":
        return _error(text, offset, "byte-order mark (U+FEFF) before the JSON text",
                      "save the text as UTF-8 without a BOM")
    if ord(ch or " ") < 0x20:
        return _error(text, offset, f"control character U+{ord(ch):04X} is not allowed here")
    word = _word_at(text, offset)
    if word[:1].isalpha() or word[:1] == "_":
        low = word.lower()
        if low in ("true", "false", "null"):
            return _error(text, offset, f"'{word}' is not JSON; literals are lower case",
                          f"write {low}")
        if low in ("none",):
            return _error(text, offset, f"'{word}' is not JSON", "write null")
        return _error(text, offset, f"unquoted text '{word}' is not JSON",
                      f'put it in double quotes: "{word}"')
    if text[offset - 1:offset].isdigit() and ch.isdigit() is False and ch in "eE.":
        return _error(text, offset, "malformed number")
    return _error(text, offset, f"unexpected character {ch!r}")


def _word_at(text: str, offset: int) -> str:
    end = offset
    while end < len(text) and (text[end].isalnum() or text[end] in "_$"):
        end += 1
    return text[offset:end] or text[offset:offset + 1]


def _string_error(text: str, offset: int) -> PatternError:
    """A string that the STRING terminal refused: say which character is wrong."""
    i = offset + 1
    while i < len(text):
        c = text[i]
        if c == '"':
            break
        if c == "\\":
            nxt = text[i + 1:i + 2]
            if nxt == "u":
                hexpart = text[i + 2:i + 6]
                if len(hexpart) < 4 or any(h not in "0123456789abcdefABCDEF" for h in hexpart):
                    return _error(text, i, "invalid \\u escape: it needs four hex digits")
                i += 6
                continue
            if nxt and nxt in '"\\/bfnrt':
                i += 2
                continue
            return _error(text, i, f"invalid escape '\\{nxt}' in a string",
                          'JSON escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX')
        if ord(c) < 0x20:
            return _error(text, i, f"control character U+{ord(c):04X} must be escaped in a string",
                          "write \\n, \\t or \\u00XX instead")
        i += 1
    return _error(text, offset, "unterminated string", 'close the string with "')


def _bad_token(text: str, offset: int, tok: Token, expected: set[str],
               exc: UnexpectedToken) -> PatternError:
    prev = _prev_char(text, offset)
    kind = tok.type
    if expected <= {"$END"}:
        return _error(text, offset, "text after the end of the JSON value",
                      "remove what follows the closing brace")
    if kind in ("RBRACE", "RSQB") and prev == ",":
        closer = "}" if kind == "RBRACE" else "]"
        return _error(text, offset - 1 - (len(text[:offset]) - len(text[:offset].rstrip())),
                      f"trailing comma before {closer}", "remove the comma")
    if kind in ("RBRACE", "RSQB"):
        opener = _innermost_open(text, offset)
        wanted = {"[": "]", "{": "}"}.get(opener)
        if wanted and wanted != str(tok):
            return _error(text, offset, f"mismatched '{tok}': the open '{opener}' needs '{wanted}'",
                          f"close the {'list' if opener == '[' else 'object'} with '{wanted}' first")
    if kind == "NUMBER" and prev and prev in "0123456789" and _number_before(text, offset):
        return _error(text, offset, "leading zeros are not allowed in numbers",
                      "write 7, not 07")
    if "_COLON" in expected:
        return _error(text, offset, "missing ':' after the key", 'write "key": value')
    if "STRING" in expected and "RBRACE" in expected or expected == {"STRING"}:
        return _error(text, offset, "expected a double-quoted key",
                      'object keys are strings: {"key": ...}')
    if "_COMMA" in expected:
        inside = _innermost_open(text, offset)
        if inside == "[":
            return _error(text, offset, "missing comma between array items", "add ','")
        return _error(text, offset, "missing comma between object members", "add ','")
    if kind == "_COMMA":
        return _error(text, offset, "unexpected comma", "remove the extra ','")
    if kind in ("RBRACE", "RSQB") and prev in (":", "["):
        return _error(text, offset, "expected a value here")
    if kind in ("RBRACE", "RSQB"):
        return _error(text, offset, f"mismatched '{tok}'", "check that brackets and braces pair up")
    return _error(text, offset, f"unexpected '{tok}'")


def _number_before(text: str, offset: int) -> bool:
    i = offset - 1
    while i >= 0 and text[i].isdigit():
        i -= 1
    token = text[i + 1:offset]
    return token.lstrip("-") == "0"


def _innermost_open(text: str, offset: int) -> str:
    """Which bracket encloses ``offset`` (a cheap scan that skips strings)."""
    stack: list[str] = []
    i, n = 0, min(offset, len(text))
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c in "[{":
            stack.append(c)
        elif c in "]}" and stack:
            stack.pop()
        i += 1
    return stack[-1] if stack else ""
