"""The values an event holds at one path, with their array trails.

A trail records, for each array of *objects* the walk went through, which element it took:
two values can be used together only when their trails agree on every array they share
(array consistency).  Scalar elements of an array add nothing to the trail.  Objects found at
the path are not values (for ``exists`` they count as absent).
"""

from __future__ import annotations

from ..pattern._events import MISSING, Merged, Nested, expand, has_dotted_keys

__all__ = ["values_with_trails"]

_EMPTY: tuple = ()


def values_with_trails(doc: dict, segments: tuple[str, ...]) -> list[tuple[object, tuple]]:
    """Every leaf value at ``segments`` in ``doc`` as ``(value, trail)``."""
    current: list[tuple[object, tuple]] = [(doc, _EMPTY)]
    for seg in segments:
        nxt: list[tuple[object, tuple]] = []
        for value, trail in current:
            _step(value, trail, seg, nxt)
        if not nxt:
            return nxt
        current = nxt
    out: list[tuple[object, tuple]] = []
    for value, trail in current:
        _leaves(value, trail, out)
    return out


def _leaves(value, trail: tuple, out: list) -> None:
    """The leaf values of ``value``: arrays flattened, merged parts each, objects skipped."""
    t = type(value)
    if t is list or t is tuple:
        for item in _flatten(value):
            _leaves(item, trail, out)
    elif t is Merged:
        for part in value.parts:
            _leaves(part, trail, out)
    elif t is not dict and t is not Nested:
        out.append((value, trail))


def _step(value, trail: tuple, seg: str, out: list) -> None:
    t = type(value)
    if t is dict or t is Nested:
        if has_dotted_keys(value):
            value = expand(value)
        got = value.get(seg, MISSING)
        if got is not MISSING:
            out.append((got, trail))
    elif t is Merged:
        for part in value.parts:
            _step(part, trail, seg, out)
    elif t is list or t is tuple:
        key = id(value)
        for i, item in enumerate(_flatten(value)):
            ti = type(item)
            if ti is dict or ti is Nested or ti is Merged:
                _step(item, trail + ((key, i),), seg, out)


def _flatten(array):
    stack = [iter(array)]
    while stack:
        for item in stack[-1]:
            if type(item) is list or type(item) is tuple:
                stack.append(iter(item))
                break
            yield item
        else:
            stack.pop()
