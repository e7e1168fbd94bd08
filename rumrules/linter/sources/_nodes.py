"""The position tree that the readers build beside the plain value.

Every value of a document has a :class:`Node` that records where it starts in the text, and
for strings how it is written (its *style*), so that a position inside the string's value can
be mapped back to the file.  The tree mirrors the value: a mapping node holds one child per
member (and the offset of each member's key), a sequence node one child per item.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Node", "MAP", "SEQ", "SCALAR", "MAX_DEPTH", "is_intrinsic", "node_at"]

MAP, SEQ, SCALAR = "map", "seq", "scalar"

#: Deeper documents are refused with a read error.  Real templates and requests nest a few
#: dozen levels at most; the limit keeps every later recursive walk (the rule checker,
#: ``json.dumps``, ``copy.deepcopy``) far from Python's recursion limit.
MAX_DEPTH = 200


class Node:
    """Where one value of a document sits.

    ``start`` is the character offset of the value (of its first property such as a YAML tag,
    when it has one); ``style`` is, for scalars, ``"json"`` for a JSON token, ``""`` for a YAML
    plain scalar, ``"'"``/``'"'`` for YAML quoted scalars, ``"|"``/``">"`` for block scalars;
    ``text`` is the scalar's string value before any type resolution, ``children``/``keys`` the
    members (mapping: key -> node and key -> key offset) or items (sequence: list of nodes).
    """

    __slots__ = ("kind", "start", "style", "text", "children", "keys", "tag")

    def __init__(self, kind: str, start: int, *, style: str | None = None,
                 text: str | None = None, tag: str | None = None) -> None:
        self.kind = kind
        self.start = start
        self.style = style
        self.text = text
        self.tag = tag
        self.children: Any = {} if kind == MAP else [] if kind == SEQ else None
        self.keys: dict[Any, int] | None = {} if kind == MAP else None

    def child(self, part: Any) -> Node | None:
        """The node of member/item ``part``, or ``None``."""
        if self.kind == MAP:
            return self.children.get(part)
        if self.kind == SEQ and isinstance(part, int) and not isinstance(part, bool):
            if -len(self.children) <= part < len(self.children):
                return self.children[part]
        return None

    def __repr__(self) -> str:  # shallow on purpose: trees may be deep
        return f"Node({self.kind}, start={self.start}, style={self.style!r})"


def node_at(root: Node, path: tuple[Any, ...]) -> tuple[Node, int, int | None]:
    """Follow ``path`` from ``root`` as far as it exists.

    Returns the deepest node reached, how many parts of ``path`` were followed, and the offset
    of the key of the last member followed (``None`` for a sequence item or the root).
    """
    node, key_offset, depth = root, None, 0
    for part in path:
        nxt = node.child(part)
        if nxt is None:
            break
        key_offset = node.keys.get(part) if node.kind == MAP else None
        node, depth = nxt, depth + 1
    return node, depth, key_offset


_INTRINSIC_KEYS = {"Ref", "Condition"}


def is_intrinsic(value: Any) -> bool:
    """True when ``value`` is a CloudFormation intrinsic function in its long form: a mapping
    with one member named ``Ref``, ``Condition`` or ``Fn::...`` (short YAML tags such as
    ``!Sub`` are read into this form).  Its value is only known at deploy time."""
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        return isinstance(key, str) and (key in _INTRINSIC_KEYS or key.startswith("Fn::"))
    return False


def child_of(node: Node | None, part: Any) -> Node | None:
    """``node.child(part)``, or ``None`` when there is no node (a value without a position)."""
    return node.child(part) if node is not None else None
