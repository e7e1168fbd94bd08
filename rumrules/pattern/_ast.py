"""The JSON syntax tree of an EventPattern text, with positions.

Parsing (``_parse.py``) turns text into these nodes; compiling (``_compile.py``) and the
rule checker read them.  Every node keeps the 1-based ``line`` and ``column`` of its first
character; object members also keep the position of their key.  Duplicate keys are kept
in order (the compiler applies "last wins" path by path).  Numbers keep their exact text.

A text that is not JSON has a *partial* tree too (what the reference read before the syntax
error, see ``_jackson.jackson_scan``): there a container cut short by the error is ``open``
and a string whose content is broken is ``broken``.  Trees of valid text have neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Union

__all__ = ["Node", "ObjectNode", "Member", "ArrayNode", "StringNode", "NumberNode",
           "LiteralNode", "iter_nodes"]


@dataclass(slots=True)
class ObjectNode:
    """``{...}``: ``members`` in text order, duplicates included."""

    members: list["Member"]
    line: int
    column: int
    end_line: int
    end_column: int
    open: bool = False
    kind = "object"


@dataclass(slots=True)
class Member:
    """``"key": value`` inside an object; ``line``/``column`` are those of the key."""

    key: str
    value: "Node"
    line: int
    column: int


@dataclass(slots=True)
class ArrayNode:
    """``[...]``: ``items`` in text order."""

    items: list["Node"]
    line: int
    column: int
    end_line: int
    end_column: int
    open: bool = False
    kind = "array"


@dataclass(slots=True)
class StringNode:
    """A JSON string; ``value`` is the decoded text, ``raw`` the text with its quotes."""

    value: str
    raw: str
    line: int
    column: int
    broken: bool = False
    kind = "string"


@dataclass(slots=True)
class NumberNode:
    """A JSON number; ``text`` is its spelling exactly as written (``2e3``, ``-0.0``)."""

    text: str
    line: int
    column: int
    kind = "number"


@dataclass(slots=True)
class LiteralNode:
    """``true``, ``false`` or ``null``; ``value`` is ``True``, ``False`` or ``None``."""

    value: bool | None
    line: int
    column: int
    kind = "literal"

    @property
    def text(self) -> str:
        return "null" if self.value is None else ("true" if self.value else "false")


Node = Union[ObjectNode, ArrayNode, StringNode, NumberNode, LiteralNode]


def iter_nodes(root: Node) -> Iterator[Node]:
    """Every node under ``root`` (itself included) in text order, without recursion."""
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ObjectNode):
            stack.extend(m.value for m in reversed(node.members))
        elif isinstance(node, ArrayNode):
            stack.extend(reversed(node.items))


def token_text(node: Node) -> str:
    """The text Jackson's ``getText()`` gives for the first token of ``node``."""
    if isinstance(node, ObjectNode):
        return "{"
    if isinstance(node, ArrayNode):
        return "["
    if isinstance(node, StringNode):
        return node.value
    if isinstance(node, NumberNode):
        return node.text
    return node.text
