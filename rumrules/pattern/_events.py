"""Events as matching sees them: load JSON text, and view dotted keys as nesting.

Event text is read with ``json.loads`` (the last of duplicate keys wins; NaN and Infinity
are refused; a number that a double cannot hold exactly is kept as :class:`NumberText`).
A key ``"a.b"`` names the same path as ``{"a": {"b": ...}}``: objects that have dotted keys
are viewed through :func:`expand`, which merges them lazily into single-segment keys.

Dicts given as events are walked as they are.  ``dict``, ``list`` and ``tuple`` are tested by
exact type first (the fast path); any other :class:`~collections.abc.Mapping` (``OrderedDict``,
a custom mapping) is an object and any other ``list``/``tuple`` subclass an array, found by a
fallback that only values of other types reach.  A list that contains itself is not JSON:
walking it raises :class:`RumRulesError` instead of looping.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..errors import RumRulesError
from ._numbers import NumberText, parse_event_float

__all__ = ["load_event", "MISSING", "Merged", "Nested", "expand", "has_dotted_keys",
           "path_values", "values_at", "shape_at", "flatten", "combine_trails", "LEAF_TYPES",
           "container_type", "CYCLE_MESSAGE"]

#: Types that are always leaf values: the walk never asks whether they are containers.
LEAF_TYPES = frozenset({str, int, float, bool, type(None), Decimal, NumberText})

CYCLE_MESSAGE = "the event is not JSON: it contains itself"


def container_type(value: Any) -> type | None:
    """The slow path of the walk's type tests: ``dict`` for a Mapping that is not a plain
    dict, ``list`` for a list or tuple subclass, ``None`` for anything else (a leaf).

    Callers test ``type(value)`` against ``dict``/``list``/``tuple``/:data:`LEAF_TYPES`
    first, so plain JSON values never get here."""
    if isinstance(value, Mapping):
        return dict
    if isinstance(value, (list, tuple)):
        return list
    return None


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_float=parse_event_float, parse_constant=_refuse_constant)


def load_event(event: Any) -> Mapping:
    """The event as a dict: a dict (or any Mapping) is used as it is; JSON text (str,
    bytes) is parsed.

    Raise :class:`RumRulesError` when the event is not a JSON object or not valid JSON.
    """
    if type(event) is dict:
        return event
    if isinstance(event, (str, bytes, bytearray)):
        try:
            if type(event) is not str:
                event = bytes(event).decode(json.detect_encoding(event), "surrogatepass")
            doc = _DECODER.decode(event)
        except json.JSONDecodeError as e:
            raise RumRulesError(f"event is not valid JSON: {e.msg}", line=e.lineno,
                                column=e.colno) from None
        except UnicodeDecodeError as e:
            raise RumRulesError(f"event bytes are not UTF-8 text: {e.reason}") from None
        except ValueError as e:
            raise RumRulesError(f"event is not valid JSON: {e}") from None
        except RecursionError:
            raise RumRulesError("event is nested too deeply to read") from None
        if type(doc) is not dict:
            raise RumRulesError("Event must be a JSON object", line=1, column=1)
        return doc
    if isinstance(event, Mapping):
        return event
    raise RumRulesError(
        f"Event must be a JSON object (a dict or JSON text), not {type(event).__name__}")


class Merged:
    """Several values that one path takes at once (``{"a": {...}, "a.b": ...}``): the
    reference sees each of them as a value of the path, with no array between them, so a
    field below may come from any part.  :func:`path_values` reads it part by part."""

    __slots__ = ("parts",)

    def __init__(self, parts: list) -> None:
        self.parts = parts


class Nested(dict):
    """The object that :func:`expand` makes of the rest of a dotted key (``"a.b"`` gives
    ``a`` -> ``Nested({"b": ...})``); its empty keys are never pruned."""

    __slots__ = ()


def has_dotted_keys(obj: dict) -> bool:
    """Does any key of ``obj`` contain a dot (or is any key not a string)?"""
    try:
        return "." in "".join(obj)
    except TypeError:
        return True


def expand(obj: dict, keep_empty: bool = True) -> dict:
    """A view of ``obj`` whose keys are single path segments (``"a.b"`` -> ``a`` -> ``b``).

    ``keep_empty=False`` drops a literal ``""`` key (see the pruning rule in ``_match``);
    empty segments that come from splitting a dotted key are kept.
    """
    out: dict = Nested()
    for key, value in obj.items():
        key = key if type(key) is str else str(key)
        if not key and not keep_empty:
            continue
        if "." in key:
            first, rest = key.split(".", 1)
            value = Nested({rest: value})
        else:
            first = key
        if first in out:
            prev = out[first]
            if type(prev) is Merged:
                prev.parts.append(value)
            else:
                out[first] = Merged([prev, value])
        else:
            out[first] = value
    return out


def path_values(doc: Mapping, segments: tuple[str, ...],
                objects: list | None = None,
                empties: list | None = None) -> list[tuple[Any, tuple]]:
    """Every leaf value at the path ``segments`` as ``(value, trail)``: arrays flattened,
    dotted keys followed, merged values read part by part.

    A trail records, for each array of *objects* the walk went through, which element it took
    (``(id(array), index)``): two values can be used together only when their trails agree on
    every array they share (array consistency).  Scalar elements of an array add nothing to
    the trail.  Objects found at the path are not values; they are appended to ``objects``
    when it is given (for ``exists`` they count as absent), and arrays with no element at
    all (``[]``, ``[[]]``) to ``empties``.
    """
    current: list[tuple[Any, tuple]] = [(doc, ())]
    for seg in segments:
        nxt: list[tuple[Any, tuple]] = []
        for value, trail in current:
            _step(value, trail, seg, nxt)
        if not nxt:
            return nxt
        current = nxt
    out: list[tuple[Any, tuple]] = []
    for value, trail in current:
        _leaves(value, trail, out, objects, empties)
    return out


def values_at(doc: Mapping, segments: tuple[str, ...]) -> tuple[list, bool]:
    """Every leaf value at the path (trails dropped) and whether an object sits there."""
    objects: list = []
    leaves = [v for v, _ in path_values(doc, segments, objects)]
    return leaves, bool(objects)


def shape_at(doc: Mapping, segments: tuple[str, ...]) -> tuple[list, bool, bool]:
    """Like :func:`values_at`, and whether an empty array sits at the path."""
    objects: list = []
    empties: list = []
    leaves = [v for v, _ in path_values(doc, segments, objects, empties)]
    return leaves, bool(objects), bool(empties)


def _leaves(value, trail: tuple, out: list, objects: list | None,
            empties: list | None = None) -> None:
    t = type(value)
    if t is list or t is tuple:
        empty = True
        for item in flatten(value):
            empty = False
            _leaves(item, trail, out, objects)
        if empty and empties is not None:
            empties.append(value)
    elif t is Merged:
        for part in value.parts:
            _leaves(part, trail, out, objects, empties)
    elif t is dict or t is Nested:
        if objects is not None:
            objects.append(value)
    elif t in LEAF_TYPES:
        out.append((value, trail))
    else:
        kind = container_type(value)
        if kind is dict:
            if objects is not None:
                objects.append(value)
        elif kind is list:
            _leaves(list(value), trail, out, objects, empties)
        else:
            out.append((value, trail))


def _step(value, trail: tuple, seg: str, out: list) -> None:
    t = type(value)
    if t is not dict and t is not Nested and t is not Merged and t is not list \
            and t is not tuple:
        if t in LEAF_TYPES:
            return
        t = container_type(value)   # another Mapping, or a list/tuple subclass (slow path)
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
        key = id(value)   # the array's own identity in trails
        for i, item in enumerate(flatten(value)):
            ti = type(item)
            if ti is dict or ti is Nested or ti is Merged or (
                    ti not in LEAF_TYPES and container_type(item) is dict):
                _step(item, trail + ((key, i),), seg, out)


def flatten(array):
    """The non-array items of a (nested) array, in order, without recursion.

    Raise :class:`RumRulesError` when an array contains itself (at any depth through
    arrays): only the arrays on the current nesting path are tracked, and only once the
    first nested array is met, so a flat array costs nothing extra.
    """
    stack = [iter(array)]
    path: list | None = None   # ids of the arrays being read, outermost first
    on_path: set = set()
    while stack:
        for item in stack[-1]:
            t = type(item)
            if t is list or t is tuple or (t not in LEAF_TYPES and t is not dict
                                           and container_type(item) is list):
                if path is None:
                    path = [id(array)]
                    on_path.add(id(array))
                key = id(item)
                if key in on_path:
                    raise RumRulesError(CYCLE_MESSAGE)
                path.append(key)
                on_path.add(key)
                stack.append(iter(item))
                break
            yield item
        else:
            stack.pop()
            if path:
                on_path.discard(path.pop())


def combine_trails(chosen: tuple, trail: tuple) -> tuple | None:
    """Two array trails as one, or ``None`` when they take different elements of one array."""
    if not chosen:
        return trail
    combined = dict(chosen)
    for array, index in trail:
        prev = combined.get(array)
        if prev is None:
            combined[array] = index
        elif prev != index:
            return None
    return tuple(sorted(combined.items()))
