"""Where each character of a string's value sits in the file.

``char_offsets(text, node)`` re-reads the source of one string scalar, following the rules of
its style, and returns the file offset of every character of its value: escapes (``\\n``,
``\\"``, ``\\uXXXX``, a surrogate pair counts as one character) map to their backslash, a
folded line break (YAML turns it into a space) to the break, block scalars (``|`` and ``>``,
any indentation indicator and chomping) drop their indentation.  The scanners follow PyYAML's
scanner step by step; the result is checked against the value the parser produced, and when
they disagree ``None`` is returned (callers then point at the start of the scalar).
"""

from __future__ import annotations

from bisect import bisect_right

from ._nodes import SCALAR, Node
from ._text import LineMap

__all__ = ["char_offsets"]

_BREAKS = "\r\n\x85\u2028\u2029"
_END = "\0"
_JSON_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n",
                 "r": "\r", "t": "\t"}
_YAML_ESCAPES = {"0": "\0", "a": "\x07", "b": "\x08", "t": "\x09", "\t": "\x09", "n": "\x0A",
                 "v": "\x0B", "f": "\x0C", "r": "\x0D", "e": "\x1B", " ": "\x20", '"': '"',
                 "\\": "\\", "/": "/", "N": "\x85", "_": "\xA0", "L": "\u2028", "P": "\u2029"}
_YAML_CODES = {"x": 2, "u": 4, "U": 8}

Pairs = list[tuple[str, int]]


def char_offsets(text: str, node: Node, lines: LineMap | None = None) -> list[int] | None:
    """The file offset of each character of the string value of scalar ``node``, or ``None``
    when it cannot be mapped (not a string scalar, or the source does not read back).
    ``lines`` is the text's YAML line map, when the caller has one."""
    if node.kind != SCALAR or node.text is None:
        return None
    value = node.text
    try:
        if node.style == "json":
            if text[node.start:node.start + 1] != '"':
                return None
            pairs = _json_string(text, node.start)
        else:
            pairs = _yaml_scalar(text, node, value, lines)
    except (IndexError, ValueError):  # pragma: no cover - defensive: malformed source
        return None
    if pairs is None or "".join(c for c, _ in pairs) != value:
        return None
    return [offset for _, offset in pairs]


class _Text:
    """The source with a NUL sentinel past its end, as PyYAML's reader has, and its line
    starts (YAML line breaks)."""

    __slots__ = ("s", "n", "starts")

    def __init__(self, s: str, lines: LineMap | None) -> None:
        self.s = s
        self.n = len(s)
        self.starts = (lines or LineMap(s, yaml=True)).starts

    def __getitem__(self, i: int) -> str:
        return self.s[i] if i < self.n else _END

    def line_start(self, i: int) -> int:
        return self.starts[bisect_right(self.starts, i) - 1]


def _json_string(text: str, start: int) -> Pairs:
    out: Pairs = []
    i = start + 1
    while True:
        c = text[i]
        if c == '"':
            return out
        if c != "\\":
            out.append((c, i))
            i += 1
            continue
        e = text[i + 1]
        if e != "u":
            out.append((_JSON_ESCAPES[e], i))
            i += 2
            continue
        code = int(text[i + 2:i + 6], 16)
        j = i + 6
        if 0xD800 <= code < 0xDC00 and text[j:j + 2] == "\\u":
            low = int(text[j + 2:j + 6], 16)
            if 0xDC00 <= low < 0xE000:
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                j += 6
        out.append((chr(code), i))
        i = j


def _content_start(t: _Text, i: int) -> int:
    """Skip a node's properties (tags, anchors), blanks and comments before its content."""
    while t[i] in "!&":
        if t[i] == "!" and t[i + 1] == "<":
            i = t.s.index(">", i) + 1
        else:
            while t[i] not in " \t" + _BREAKS + _END:
                i += 1
        while True:
            c = t[i]
            if c in " \t" or c in _BREAKS and c != _END:
                i += 1
            elif c == "#":
                while t[i] not in _BREAKS + _END:
                    i += 1
            else:
                break
    return i


def _line_break(t: _Text, i: int) -> tuple[str, int]:
    """The normalised break at ``i`` and the offset after it (CR LF, CR, NEL -> LF)."""
    c = t[i]
    if c == "\r" and t[i + 1] == "\n":
        return "\n", i + 2
    if c in "\r\n\x85":
        return "\n", i + 1
    return c, i + 1  # LS and PS are kept


def _yaml_scalar(text: str, node: Node, value: str, lines: LineMap | None) -> Pairs | None:
    t = _Text(text, lines)
    i = _content_start(t, node.start)
    style = node.style
    if style in ("|", ">"):
        if t[i] != style:
            return None
        return _block(t, i, value)
    if style in ("'", '"'):
        if t[i] != style:
            return None
        return _flow_quoted(t, i, style == '"')
    return _plain(t, i, len(value))


# ---- flow scalars: quoted and plain ------------------------------------------------------

def _flow_breaks(t: _Text, i: int) -> tuple[int, Pairs]:
    """Empty lines after a break inside a flow scalar: each gives a break character."""
    out: Pairs = []
    while True:
        while t[i] in " \t":
            i += 1
        if t[i] in _BREAKS and t[i] != _END:
            brk, nxt = _line_break(t, i)
            out.append((brk, i))
            i = nxt
        else:
            return i, out


def _spaces(t: _Text, i: int, out: Pairs) -> int:
    """Blanks between words of a flow scalar: kept as written on one line, folded across
    lines (one break -> a space, each empty line -> a break)."""
    j = i
    while t[j] in " \t":
        j += 1
    if t[j] in _BREAKS and t[j] != _END:
        brk, nxt = _line_break(t, j)
        nxt, breaks = _flow_breaks(t, nxt)
        if brk != "\n":
            out.append((brk, j))
        elif not breaks:
            out.append((" ", j))
        out.extend(breaks)
        return nxt
    out.extend((t.s[k], k) for k in range(i, j))
    return j


def _flow_quoted(t: _Text, i: int, double: bool) -> Pairs | None:
    quote = t[i]
    i += 1
    out: Pairs = []
    stops = "'\"\\ \t" + _BREAKS + _END
    while True:
        while True:  # non-spaces
            while t[i] not in stops:
                out.append((t.s[i], i))
                i += 1
            c = t[i]
            if not double and c == "'" and t[i + 1] == "'":
                out.append(("'", i))
                i += 2
            elif (double and c == "'") or (not double and c in '"\\'):
                out.append((c, i))
                i += 1
            elif double and c == "\\":
                e = t[i + 1]
                if e in _YAML_ESCAPES:
                    out.append((_YAML_ESCAPES[e], i))
                    i += 2
                elif e in _YAML_CODES:
                    width = _YAML_CODES[e]
                    out.append((chr(int(t.s[i + 2:i + 2 + width], 16)), i))
                    i += 2 + width
                elif e in _BREAKS and e != _END:
                    _, nxt = _line_break(t, i + 1)
                    i, breaks = _flow_breaks(t, nxt)
                    out.extend(breaks)
                else:
                    return None
            else:
                break
        if t[i] == quote:
            return out
        if t[i] == _END:
            return None
        i = _spaces(t, i, out)


def _plain(t: _Text, i: int, length: int) -> Pairs:
    out: Pairs = []
    blanks = " \t" + _BREAKS + _END
    while len(out) < length:
        if t[i] == "#":
            break
        j = i
        while not (t[j] in blanks or (t[j] == ":" and t[j + 1] in blanks)):
            j += 1
        if j == i:
            break
        out.extend((t.s[k], k) for k in range(i, j))
        if len(out) >= length:
            break
        before = len(out)
        i = _spaces(t, j, out)
        if i == j and len(out) == before:
            break
    return out[:length]  # in flow collections ',', ']' and '}' also end a plain scalar


# ---- block scalars -----------------------------------------------------------------------

def _block(t: _Text, i: int, value: str) -> Pairs | None:
    folded = t[i] == ">"
    i += 1
    chomping: bool | None = None
    increment = False
    for _ in range(2):  # chomping and indentation indicators, in either order
        c = t[i]
        if c in "+-" and chomping is None:
            chomping = c == "+"
            i += 1
        elif c.isdigit() and c != "0" and not increment:
            increment = True
            i += 1
    while t[i] not in _BREAKS + _END:  # blanks and a comment up to the end of the line
        i += 1
    if t[i] == _END:
        return [] if value == "" else None
    _, body = _line_break(t, i)
    # the content's indentation: the column of the first non-empty line (PyYAML's
    # scan_block_scalar_indentation); with an explicit indicator it may be less, so every
    # smaller indentation is tried until one reads back the value
    j, auto = body, 0
    while t[j] == " " or (t[j] in _BREAKS and t[j] != _END):
        if t[j] == " ":
            col = j - t.line_start(j)
            auto = max(auto, col + 1)
            j += 1
        else:
            j = _line_break(t, j)[1]
    first = [auto] if auto else [1]
    candidates = first + [n for n in range(auto - 1, 0, -1)] if increment else first
    for indent in candidates:
        out = _block_body(t, body, max(indent, 1), folded, chomping)
        if "".join(c for c, _ in out) == value:
            return out
    return None


def _block_breaks(t: _Text, i: int, indent: int) -> tuple[int, Pairs]:
    """Empty lines of a block scalar (PyYAML's scan_block_scalar_breaks): skip spaces up to
    the indentation, record each break."""
    out: Pairs = []
    line_start = t.line_start(i)
    while i - line_start < indent and t[i] == " ":
        i += 1
    while t[i] in _BREAKS and t[i] != _END:
        start = i
        brk, i = _line_break(t, i)
        out.append((brk, start))
        line_start = i
        while i - line_start < indent and t[i] == " ":
            i += 1
    return i, out


def _block_body(t: _Text, i: int, indent: int, folded: bool, chomping: bool | None) -> Pairs:
    """The value of a block scalar whose content starts on the line at ``i`` (PyYAML's
    scan_block_scalar main loop, with offsets)."""
    out: Pairs = []
    i, breaks = _block_breaks(t, i, indent)
    line_break: tuple[str, int] | None = None
    while i - t.line_start(i) == indent and t[i] != _END:
        out.extend(breaks)
        leading_non_space = t[i] not in " \t"
        j = i
        while t[j] not in _BREAKS + _END:
            j += 1
        out.extend((t.s[k], k) for k in range(i, j))
        if t[j] == _END:
            line_break, breaks = None, []
            break
        brk, i = _line_break(t, j)
        line_break = (brk, j)
        i, breaks = _block_breaks(t, i, indent)
        if i - t.line_start(i) == indent and t[i] != _END:
            if folded and brk == "\n" and leading_non_space and t[i] not in " \t":
                if not breaks:
                    out.append((" ", j))
            else:
                out.append(line_break)
        else:
            break
    if chomping is not False and line_break is not None:
        out.append(line_break)
    if chomping is True:
        out.extend(breaks)
    return out
