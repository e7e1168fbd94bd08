"""Text edits that carry out a rule's :class:`~rumrules.errors.Fix` in the file as written.

Only the characters of the value (or member, or key) concerned change; the rest of the file
(comments, indentation, quoting, key order, line breaks) stays byte for byte.  A fix that
cannot be placed exactly (a value written as a block scalar or with a tag, a key written
with escapes, the only member of a ``- `` item...) gives ``None``: the finding is then
reported as not fixable.
"""

from __future__ import annotations

import json
import json.decoder
import re
from typing import Any, NamedTuple

from ._nodes import MAP, SCALAR, Node, node_at
from ._records import _index
from ._scalars import char_offsets
from ._text import LineMap

__all__ = ["TextEdit", "plan_edits", "value_end"]

_JSON_TOKEN = re.compile(r"[^\s,\]\}]*")
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*")


class TextEdit(NamedTuple):
    """Replace the characters ``start:end`` of the document's text by ``text``."""

    start: int
    end: int
    text: str


def value_end(text: str, node: Node, lines: LineMap | None = None) -> int | None:
    """The offset just past scalar ``node`` as written (closing quote included), or ``None``
    for a block scalar, a tagged value or anything but a scalar."""
    if node.kind != SCALAR or node.tag:
        return None
    style, start = node.style, node.start
    try:
        if style == "json":
            if text[start:start + 1] == '"':
                return json.decoder.scanstring(text, start + 1)[1]
            return _JSON_TOKEN.match(text, start).end()  # type: ignore[union-attr]
        if style in ("'", '"'):
            i = start + 1
            while i < len(text):
                c = text[i]
                if style == '"' and c == "\\":
                    i += 2
                    continue
                if c == style:
                    if style == "'" and text[i + 1:i + 2] == "'":
                        i += 2
                        continue
                    return i + 1
                i += 1
            return None
    except (ValueError, IndexError):  # pragma: no cover - the parser read it before
        return None
    if style == "":
        offsets = char_offsets(text, node, lines)
        return offsets[-1] + 1 if offsets else None
    return None


def _is_json(root: Node) -> bool:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.kind == SCALAR:
            return node.style == "json"
        stack.extend(node.children.values() if node.kind == MAP else node.children)
    return False


def _render(value: Any, style: str | None, json_doc: bool) -> str:
    if json_doc or style in ("json", '"'):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        if style == "'":
            return "'" + value.replace("'", "''") + "'"
        import yaml

        if _PLAIN.fullmatch(value) and yaml.safe_load(value) == value:
            return value
    return json.dumps(value, ensure_ascii=False)


def plan_edits(text: str, root: Node, lines: LineMap, path: tuple[Any, ...], kind: str,
               value: Any = None, old: str | None = None, *, line: int | None = None,
               column: int | None = None, derived: Any = None) -> list[TextEdit] | None:
    """The edits that carry out a fix of ``kind`` (``set``, ``remove``, ``rename``) at
    document ``path``; ``line``/``column`` place a ``rename`` inside the string's text, and
    ``derived`` is the ``(text, index -> file offset)`` of a derived EventPattern text."""
    if not path:
        return None
    node, depth, _ = node_at(root, path)
    json_doc = _is_json(root)
    if kind == "set":
        if depth == len(path):
            end = value_end(text, node, lines)
            if end is None:
                return None
            return [TextEdit(node.start, end, _render(value, node.style, json_doc))]
        if depth == len(path) - 1 and node.kind == MAP and isinstance(path[-1], str):
            return _insert(text, node, lines, path[-1], value, json_doc)
        return None
    if depth != len(path):
        return None
    if kind == "remove":
        parent, _, _ = node_at(root, path[:-1])
        return _remove(text, parent, node, lines, path[-1], json_doc)
    if kind == "rename" and line is not None and isinstance(old, str) and isinstance(value, str):
        return _rename(text, node, lines, old, value, line, column or 1, derived)
    return None


def _line_prefix(text: str, lines: LineMap, offset: int) -> str:
    line, _ = lines.position(offset)
    return text[lines.starts[line - 1]:offset]


def _newline(text: str, lines: LineMap, offset: int) -> str:
    """The line break that ends the line before the one of ``offset`` (``\n`` on line 1)."""
    line, _ = lines.position(offset)
    if line < 2:
        return "\n"
    start = lines.starts[line - 1]
    return "\r\n" if text[start - 2:start] == "\r\n" else text[start - 1:start]


def _insert(text: str, parent: Node, lines: LineMap, key: str, value: Any,
            json_doc: bool) -> list[TextEdit] | None:
    if not parent.keys:
        return None
    first = min(parent.keys.values())
    prefix = _line_prefix(text, lines, first)
    newline = _newline(text, lines, first)
    flow = json_doc or text[parent.start:parent.start + 1] == "{"
    name = json.dumps(key) if json_doc else key
    member = f"{name}: {_render(value, None, json_doc)}"
    if flow:
        if prefix.strip() == "":
            return [TextEdit(first, first, f"{member},{newline}{prefix}")]
        return [TextEdit(first, first, f"{member}, ")]
    if prefix.strip(" -") != "" or "\t" in prefix:
        return None
    indent = " " * len(prefix)
    return [TextEdit(first, first, f"{member}{newline}{indent}")]


def _remove(text: str, parent: Node, node: Node, lines: LineMap, key: Any,
            json_doc: bool) -> list[TextEdit] | None:
    if parent.kind != MAP or parent.keys is None or key not in parent.keys:
        return None
    start = parent.keys[key]
    end = value_end(text, node, lines)
    if end is None:
        return None
    flow = json_doc or text[parent.start:parent.start + 1] == "{"
    if flow:
        before = start - 1
        while before >= 0 and text[before].isspace():
            before -= 1
        if before >= 0 and text[before] == ",":
            return [TextEdit(before, end, "")]
        after = end
        while after < len(text) and text[after].isspace():
            after += 1
        if after < len(text) and text[after] == ",":
            after += 1
            while after < len(text) and text[after].isspace():
                after += 1
            return [TextEdit(start, after, "")]
        return [TextEdit(start, end, "")]
    prefix = _line_prefix(text, lines, start)
    end_line, _ = lines.position(end)
    next_start = lines.starts[end_line] if end_line < len(lines.starts) else len(text)
    rest = text[end:next_start].strip()
    if rest and not rest.startswith("#"):
        return None
    if prefix.strip(" ") == "":
        return [TextEdit(start - len(prefix), next_start, "")]
    if prefix.strip(" ") == "-" and prefix.endswith(" "):
        # the first member of a "- " item: the next member (on the next line, at the same
        # column) moves up behind the "- "
        width = len(prefix)
        after = text[next_start + width:next_start + width + 1]
        if text[next_start:next_start + width] == " " * width and after not in \
                ("", " ", "\t", "#", "\r", "\n", "-"):
            return [TextEdit(start, next_start + width, "")]
    return None  # a member after another on one line, or a "- " item with nothing after


def _rename(text: str, node: Node, lines: LineMap, old: str, new: str, line: int,
            column: int, derived: Any) -> list[TextEdit] | None:
    if derived is not None:
        value, mapper = derived
    else:
        value = node.text if node.kind == SCALAR else None
        offsets = char_offsets(text, node, lines) if isinstance(value, str) else None
        if offsets is None:
            return None

        def mapper(index: int) -> int:
            return offsets[index]
    if not isinstance(value, str):
        return None
    index = _index(value, line, column)
    if value[index:index + 1] != '"':
        return None
    try:
        key, key_end = json.decoder.scanstring(value, index + 1)
    except ValueError:
        return None
    if key != old and not key.endswith("." + old):
        return None
    begin = key_end - 1 - len(old)
    if value[begin:key_end - 1] != old:
        return None  # written with escapes
    try:
        spots = [mapper(i) for i in range(begin, key_end - 1)]
    except IndexError:
        return None
    if spots != list(range(spots[0], spots[0] + len(old))) or \
            text[spots[0]:spots[0] + len(old)] != old:
        return None
    return [TextEdit(spots[0], spots[0] + len(old), new)]
