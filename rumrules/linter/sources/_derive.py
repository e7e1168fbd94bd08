"""EventPattern texts that the readers derive from other forms, with position maps.

* A mapping or sequence written where EventPattern's string belongs (``EventPattern:`` followed
  by an inline YAML mapping, or a JSON object in a JSON template) is serialized to compact JSON
  for checking.  Each token of the JSON text maps back to the file position of the value (or,
  for member names, the key) it came from; punctuation maps to the token before it.  A plain
  scalar written as a JSON number is that number, as written (``4e2`` stays the number
  ``4e2``, although YAML 1.1 reads it as text); other values are written as :func:`json.dumps`
  writes them.
* ``Fn::Sub`` (``!Sub``) with a literal template string: ``${Name}`` placeholders inside JSON
  strings are kept as written (they are ordinary text there); outside strings (where a number
  would be substituted) each is replaced by ``0`` padded with spaces to the same length, so
  every character keeps its position and the text maps back one to one.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from typing import Any

from ._nodes import MAP, SCALAR, SEQ, Node

__all__ = ["serialize", "blank_sub", "TokenMap", "MAX_SERIALIZED"]

#: A serialized EventPattern longer than this is cut (the API allows 4000 characters).
MAX_SERIALIZED = 100_000

_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


class TokenMap:
    """Text index -> file offset, by the token that covers the index."""

    __slots__ = ("starts", "offsets")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.offsets: list[int] = []

    def add(self, text_index: int, file_offset: int) -> None:
        self.starts.append(text_index)
        self.offsets.append(file_offset)

    def __call__(self, index: int) -> int:
        k = bisect_right(self.starts, index) - 1
        return self.offsets[max(k, 0)] if self.offsets else 0


def _scalar_text(value: Any, node: Node | None) -> str:
    if node is not None and node.kind == SCALAR and node.text and (
            (node.style == "" and not isinstance(value, bool))
            or (node.style == "json" and isinstance(value, (int, float)))) \
            and _JSON_NUMBER.fullmatch(node.text):
        return node.text  # a number as written (YAML 1.1 reads a plain 4e2 as text)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None or isinstance(value, (bool, int, float)):
        return json.dumps(value)
    return json.dumps(str(value), ensure_ascii=False)


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return json.dumps(key, ensure_ascii=False)
    return json.dumps(json.dumps(key) if key is None or isinstance(key, bool) else str(key))


def serialize(value: Any, node: Node) -> tuple[str, TokenMap]:
    """Compact JSON for ``value`` (a mapping or sequence read from the file), and the map
    from its character indexes to file offsets.  Iterative: depth is not a concern."""
    parts: list[str] = []
    tokens = TokenMap()
    length = 0

    def emit(text: str, offset: int | None) -> None:
        nonlocal length
        if offset is not None:
            tokens.add(length, offset)
        parts.append(text)
        length += len(text)

    # work items: ("value", value, node) | ("text", str) | ("key", key, node, offset)
    work: list[tuple[Any, ...]] = [("value", value, node)]
    while work and length <= MAX_SERIALIZED:
        item = work.pop()
        if item[0] == "text":
            emit(item[1], None)
            continue
        if item[0] == "key":
            emit(_key_text(item[1]), item[2])
            emit(":", None)
            continue
        _, val, nd = item
        offset = nd.start if nd is not None else (tokens.offsets[-1] if tokens.offsets else 0)
        if isinstance(val, dict):
            emit("{", offset)
            todo: list[tuple[Any, ...]] = [("text", "}")]
            items = list(val.items())
            for k, (key, member) in enumerate(reversed(items)):
                child = nd.children.get(key) if nd is not None and nd.kind == MAP else None
                key_off = nd.keys.get(key) if nd is not None and nd.kind == MAP else None
                todo.append(("value", member, child))
                todo.append(("key", key, key_off if key_off is not None else offset))
                if k < len(items) - 1:
                    todo.append(("text", ","))
            work.extend(todo)
        elif isinstance(val, list):
            emit("[", offset)
            todo = [("text", "]")]
            for k in range(len(val) - 1, -1, -1):
                child = nd.children[k] if nd is not None and nd.kind == SEQ and k < len(nd.children) else None
                todo.append(("value", val[k], child))
                if k:
                    todo.append(("text", ","))
            work.extend(todo)
        else:
            emit(_scalar_text(val, nd), offset)
    return "".join(parts)[:MAX_SERIALIZED], tokens


def blank_sub(text: str) -> str:
    """``Fn::Sub`` template text with the placeholders outside JSON strings blanked to a
    same-length number (``${Limit}`` -> ``0       ``); the rest unchanged."""
    out = list(text)
    in_string = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if in_string:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == "$" and text.startswith("${", i):
            j = text.find("}", i)
            if j < 0:
                break
            out[i:j + 1] = "0" + " " * (j - i)
            i = j
        i += 1
    return "".join(out)
