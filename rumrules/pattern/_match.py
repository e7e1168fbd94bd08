"""Matching: walk the event along the pattern's paths only.

The conditions of one alternative form a trie of path segments.  At an object the walk
looks up each child segment; at an array, scalar elements are values of the field (any one
may satisfy it) while the fields below it must all be satisfied inside *one* object element
(array consistency: two fields matched inside an array come from the same element); nested
arrays flatten.

``exists: false`` is decided over the whole event, as the reference does: a field that
holds a value anywhere (in any array element) is not absent.  :func:`match_alternative`
applies that before the walk.

Dotted event keys can merge several values into one path (``{"a": "x", "a.b": 1}``): the
parts of a :class:`Merged` value sit at one path with no array between them, so each
condition below may be satisfied by any part, independently of the others, while the
conditions satisfied inside one array of one part still need one element.  At a merged value
the walk switches to :func:`_family`: for the sub-trie it computes the sets of conditions
(bit masks; each condition with a value test has one bit) that can hold *together* inside a
value.  Parts and the members of an object combine freely (every union of one set from
each); the object elements of an array do not (one element's sets, whichever element), and
the sub-trie holds when its full mask is among the sets.  A value has at most ``2**k``
distinct masks for the ``k`` conditions below the merged value (and no more than it has
elements), so the cost is linear in the size of the event times a factor that depends on the
pattern only, not a product over the sizes of its arrays.

Like the reference, an event key that is exactly ``""`` is only walked into when some path
of the pattern has an empty step that Java's ``String.split`` keeps (not a trailing one):
``{"a": {"": "y"}}`` is not at path ``a.``, while ``{"a.": "y"}`` is.  The cost is linear
in the part of the event that the pattern names, whatever the size of the rest.
"""

from __future__ import annotations

import sys
from typing import Any

from ._events import (LEAF_TYPES, MISSING, Merged, Nested, container_type, expand, flatten,
                      has_dotted_keys, values_at)
from ._matchers import Leaf

__all__ = ["Trie", "build_trie", "match_trie", "match_alternative", "ensure_recursion"]


class Trie:
    """One node of a pattern's path trie."""

    __slots__ = ("children", "leaf", "missing_ok", "depth", "empty_key_ok", "absence",
                 "conditions", "variants", "bit", "mask")

    def __init__(self) -> None:
        self.children: dict[str, Trie] | tuple = {}
        self.leaf: Leaf | None = None
        self.missing_ok = True
        self.depth = 0
        self.empty_key_ok = True
        self.absence: tuple = ()      # (path, segments) of exists:false conditions (root only)
        self.conditions: tuple = ()   # the alternative's conditions (root only)
        self.variants: dict = {}      # present absence paths -> trie without those absences
        self.bit = 0                  # this node's condition, when it tests values (see _family)
        self.mask = 0                 # the bits of this node and every node below it


def java_split(path: str) -> list[str]:
    """``path.split("\\.")`` as Java does it: trailing empty strings are dropped."""
    parts = path.split(".")
    if parts == [""]:
        return parts
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def build_trie(conditions, present: frozenset = frozenset(),
               leaves: dict | None = None) -> Trie:
    """The trie of one alternative's conditions (``present``: paths whose ``exists: false``
    is known not to hold).  ``leaves`` caches the :class:`Leaf` of each condition across
    the alternatives of one pattern (``$or`` repeats the fields outside it in each)."""
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
        elif leaves is None:
            node.leaf = Leaf(matchers)
        else:
            leaf = leaves.get(id(cond))
            if leaf is None:
                leaf = leaves[id(cond)] = Leaf(matchers)
            node.leaf = leaf
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
    return match_trie(root, doc, root.empty_key_ok)


def _finish(root: Trie) -> None:
    """Freeze children into tuples, give each condition that tests values its bit, and
    compute mask/missing_ok/depth bottom-up (no recursion)."""
    order: list[Trie] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(node.children.values())
    bits = 0
    for node in order:
        if node.leaf is not None and not node.leaf.absent_ok:
            bits += 1
            node.bit = 1 << bits
    for node in reversed(order):
        kids = node.children
        node.mask = node.bit
        for k in kids.values():
            node.mask |= k.mask
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


def _plain(v: Any, t: type) -> tuple[Any, type]:
    """The slow path of the walk's type tests, for a value of none of the plain JSON types:
    ``(v, list)`` for a list or tuple subclass, ``(dict(v), dict)`` for another Mapping, else
    ``(v, t)`` (a leaf)."""
    kind = container_type(v)
    if kind is dict:
        return dict(v), dict
    return v, kind or t


def match_trie(node: Trie, v: Any, empty_key_ok: bool = True) -> bool:
    """Does the event value ``v`` (at ``node``'s path) satisfy the sub-trie ``node``?"""
    t = type(v)
    if t is list or t is tuple:
        return _match_array(node, v, empty_key_ok)
    if t is Merged:
        return node.mask in _family(node, v, empty_key_ok)
    if t is Nested:
        t = dict
    elif t is not dict and t not in LEAF_TYPES and v is not MISSING:
        v, t = _plain(v, t)
        if t is list:
            return _match_array(node, v, empty_key_ok)
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


def _split(array) -> tuple[list, list]:
    """The scalars and the objects of an array, nested arrays flattened."""
    scalars = []
    objects = []
    for e in array:
        te = type(e)
        if te is dict or te is Nested or te is Merged:
            objects.append(e)
        elif te in LEAF_TYPES:
            scalars.append(e)
        else:
            break
    else:
        return scalars, objects
    # a nested array (or a type off the fast path): the general walk, which refuses cycles
    scalars = []
    objects = []
    for e in flatten(array):
        te = type(e)
        if te is dict or te is Nested or te is Merged or (
                te not in LEAF_TYPES and container_type(e) is dict):
            objects.append(e)
        else:
            scalars.append(e)
    return scalars, objects


def _match_array(node: Trie, array, empty_key_ok: bool) -> bool:
    """An array at ``node``'s path: scalars are values of the field; the fields below
    must hold inside one object element."""
    scalars, objects = _split(array)
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


def _family(node, v: Any, empty_key_ok: bool) -> set[int]:
    """The sets of conditions of the sub-trie ``node`` (as masks of their bits) that can
    hold together inside the event value ``v``; the sub-trie holds when ``node.mask`` is
    one of them.  Every set includes the conditions that accept absence (they have no bit:
    an ``exists: false`` that is left holds on the whole event)."""
    t = type(v)
    if t is Merged:
        fam = {0}
        for part in v.parts:
            fam = _product(fam, _family(node, part, empty_key_ok))
            if node.mask in fam:
                return {node.mask}
        return fam
    if t is list or t is tuple:
        return _family_array(node, v, empty_key_ok)
    if t is Nested:
        t = dict
    elif t is not dict and t not in LEAF_TYPES and v is not MISSING:
        v, t = _plain(v, t)
        if t is list:
            return _family_array(node, v, empty_key_ok)
    if v is MISSING:
        return {0}
    bit = node.bit
    fam = {bit if bit and t is not dict and node.leaf.test(v) else 0}
    if t is dict and node.mask != bit:
        if has_dotted_keys(v):
            v = expand(v, empty_key_ok)
        get = v.get
        for seg, child in node.children:
            if not child.mask:
                continue
            if seg == "" and not empty_key_ok and type(v) is dict:
                continue
            value = get(seg, MISSING)
            if value is not MISSING:
                fam = _product(fam, _family(child, value, empty_key_ok))
                if node.mask in fam:
                    return {node.mask}  # all of it holds: the other sets add nothing
    return fam


def _family_array(node, array, empty_key_ok: bool) -> set[int]:
    scalars, objects = _split(array)
    bit = node.bit
    got = 0
    if bit:
        test = node.leaf.test
        for s in scalars:
            if test(s):
                got = bit
                break
    below: set[int] = set()
    if objects and node.mask != bit:
        shape = _ChildrenOnly(node)
        for o in objects:
            below |= _family(shape, o, empty_key_ok)
            if shape.mask in below:
                below = {shape.mask}
                break
    if not below:
        return {got}
    return {got | m for m in below}


def _product(a: set[int], b: set[int]) -> set[int]:
    """Every union of one set of ``a`` with one set of ``b``."""
    if len(b) == 1:
        (m,) = b
        return a if m == 0 else {x | m for x in a}
    if len(a) == 1:
        (m,) = a
        return b if m == 0 else {x | m for x in b}
    return {x | y for x in a for y in b}


class _ChildrenOnly:
    """A view of a trie node without its leaf (the leaf was decided on the scalars)."""

    __slots__ = ("children", "leaf", "missing_ok", "depth", "empty_key_ok", "bit", "mask")

    def __init__(self, node: Trie) -> None:
        self.children = node.children
        self.leaf = None
        self.missing_ok = all(child.missing_ok for _seg, child in node.children)
        self.depth = node.depth
        self.empty_key_ok = node.empty_key_ok
        self.bit = 0
        self.mask = node.mask & ~node.bit
