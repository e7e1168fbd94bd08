"""Matching: walk the event along the pattern's paths only.

The conditions of one alternative form a trie of path segments.  At an object the walk
looks up each child segment; at an array, scalar elements are values of the field (any one
may satisfy it) while the fields below it must all be satisfied inside *one* object element
(array consistency: two fields matched inside an array come from the same element); nested
arrays flatten.

``exists: false`` is decided over the whole event, as the reference does: a field that
holds a value anywhere (in any array element) is not absent.  :func:`match_alternative`
applies that before the walk.

Dotted event keys can merge several values into one path (``{"a": "x", "a.b": 1}``).  The
trie walk does not split such a merged value; when it meets one, the alternative is decided
by :func:`match_by_trails`, the general search over each condition's values and their array
trails (the same semantics the index uses).

Like the reference, an event key that is exactly ``""`` is only walked into when some path
of the pattern has an empty step that Java's ``String.split`` keeps (not a trailing one):
``{"a": {"": "y"}}`` is not at path ``a.``, while ``{"a.": "y"}`` is.  The cost is linear in the part of the event that the
pattern names, whatever the size of the rest.
"""

from __future__ import annotations

import sys
from typing import Any

from ._events import (MISSING, Merged, Nested, combine_trails, expand, has_dotted_keys,
                      path_values, values_at)
from ._matchers import Leaf

__all__ = ["Trie", "build_trie", "match_trie", "match_alternative", "ensure_recursion"]


class Trie:
    """One node of a pattern's path trie."""

    __slots__ = ("children", "leaf", "missing_ok", "depth", "empty_key_ok", "absence",
                 "conditions", "variants")

    def __init__(self) -> None:
        self.children: dict[str, Trie] | tuple = {}
        self.leaf: Leaf | None = None
        self.missing_ok = True
        self.depth = 0
        self.empty_key_ok = True
        self.absence: tuple = ()      # (path, segments) of exists:false conditions (root only)
        self.conditions: tuple = ()   # the alternative's conditions (root only)
        self.variants: dict = {}      # present absence paths -> trie without those absences


def java_split(path: str) -> list[str]:
    """``path.split("\\.")`` as Java does it: trailing empty strings are dropped."""
    parts = path.split(".")
    if parts == [""]:
        return parts
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def build_trie(conditions, present: frozenset = frozenset()) -> Trie:
    """The trie of one alternative's conditions (``present``: paths whose ``exists: false``
    is known not to hold)."""
    root = Trie()
    root.empty_key_ok = any("" in java_split(c.path) for c in conditions)
    root.conditions = tuple(conditions)
    root.absence = tuple((c.path, c.segments) for c in conditions if any(
        m.kind == "exists" and not m.value for m in c.matchers))
    for cond in conditions:
        node = root
        for seg in cond.segments:
            nxt = node.children.get(seg)
            if nxt is None:
                nxt = node.children[seg] = Trie()
            node = nxt
        matchers = cond.matchers
        if cond.path in present:
            matchers = tuple(m for m in matchers if not (m.kind == "exists" and not m.value))
        node.leaf = Leaf(matchers)
    _finish(root)
    return root


def match_alternative(root: Trie, doc: dict) -> bool:
    """Does the event ``doc`` satisfy the alternative whose trie is ``root``?"""
    if root.absence:
        present = frozenset(path for path, segs in root.absence if values_at(doc, segs)[0])
        if present:
            variant = root.variants.get(present)
            if variant is None:
                variant = build_trie(root.conditions, present)
                if len(root.variants) < 64:
                    root.variants[present] = variant
            root = variant
    try:
        return match_trie(root, doc, root.empty_key_ok)
    except _MergedValue:
        return match_by_trails(root.conditions, doc)


class _MergedValue(Exception):
    """The trie walk met a value merged from dotted keys."""


def match_by_trails(conditions, doc: dict) -> bool:
    """Is there one value per condition, satisfying it, with consistent array trails?

    A condition with no value at its path holds only when it accepts absence
    (``exists: false``, decided over the whole event).
    """
    choices: list[list[tuple]] = []
    for cond in conditions:
        leaf = Leaf(cond.matchers)
        values = path_values(doc, cond.segments)
        if not values:
            if leaf.absent_ok:
                continue
            return False
        trails = list(dict.fromkeys(trail for value, trail in values if leaf.test(value)))
        if not trails:
            return False
        choices.append(trails)
    stack: list[tuple[int, tuple]] = [(0, ())]
    while stack:
        i, chosen = stack.pop()
        if i == len(choices):
            return True
        for trail in choices[i]:
            combined = combine_trails(chosen, trail)
            if combined is not None:
                stack.append((i + 1, combined))
    return False


def _finish(root: Trie) -> None:
    """Freeze children into tuples and compute missing_ok/depth bottom-up (no recursion)."""
    order: list[Trie] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(node.children.values())
    for node in reversed(order):
        kids = node.children
        node.missing_ok = (node.leaf is None or node.leaf.absent_ok) and all(
            k.missing_ok for k in kids.values())
        node.depth = 1 + max((k.depth for k in kids.values()), default=0)
        node.children = tuple(kids.items())


def ensure_recursion(depth: int) -> None:
    """Make room on the interpreter's stack for a walk ``depth`` levels deep.

    Python >= 3.11 does not use the C stack for Python-to-Python calls, so raising the
    limit for a deep (but at most 4000-character) pattern is safe.
    """
    need = depth * 3 + 1000
    if sys.getrecursionlimit() < need:
        sys.setrecursionlimit(need)


def match_trie(node: Trie, v: Any, empty_key_ok: bool = True) -> bool:
    """Does the event value ``v`` (at ``node``'s path) satisfy the sub-trie ``node``?"""
    t = type(v)
    if t is list or t is tuple:
        return _match_array(node, v, empty_key_ok)
    if t is Merged:
        raise _MergedValue
    if t is Nested:
        t = dict
    leaf = node.leaf
    if leaf is not None:
        if v is MISSING or t is dict:
            if not leaf.absent_ok:
                return False
        elif not leaf.test(v):
            return False
    children = node.children
    if children:
        if t is dict:
            if has_dotted_keys(v):
                v = expand(v, empty_key_ok)
            get = v.get
            for seg, child in children:
                if seg == "" and not empty_key_ok and type(v) is dict:
                    value = MISSING
                else:
                    value = get(seg, MISSING)
                if not match_trie(child, value, empty_key_ok):
                    return False
        else:
            for _seg, child in children:
                if not child.missing_ok:
                    return False
    return True


def _match_array(node: Trie, array, empty_key_ok: bool) -> bool:
    """An array at ``node``'s path: scalars are values of the field; the fields below
    must hold inside one object element."""
    scalars = []
    objects = []
    stack = [array]
    while stack:
        for e in stack.pop():
            te = type(e)
            if te is list or te is tuple:
                stack.append(e)
            elif te is dict or te is Merged or te is Nested:
                objects.append(e)
            else:
                scalars.append(e)
    leaf = node.leaf
    if leaf is not None:
        if scalars:
            test = leaf.test
            for s in scalars:
                if test(s):
                    break
            else:
                return False
        elif not leaf.absent_ok:
            return False
    if node.children:
        if not objects:
            return all(child.missing_ok for _seg, child in node.children)
        shape = _ChildrenOnly(node)
        for o in objects:
            if match_trie(shape, o, empty_key_ok):
                return True
        return False
    return True


class _ChildrenOnly:
    """A view of a trie node without its leaf (the leaf was decided on the scalars)."""

    __slots__ = ("children", "leaf", "missing_ok", "depth", "empty_key_ok")

    def __init__(self, node: Trie) -> None:
        self.children = node.children
        self.leaf = None
        self.missing_ok = node.missing_ok
        self.depth = node.depth
        self.empty_key_ok = node.empty_key_ok
