"""Events as matching sees them: load JSON text, and view dotted keys as nesting.

Event text is read with ``json.loads`` (the last of duplicate keys wins; NaN and Infinity
are refused; a number that a double cannot hold exactly is kept as :class:`NumberText`).
A key ``"a.b"`` names the same path as ``{"a": {"b": ...}}``: objects that have dotted keys
are viewed through :func:`expand`, which merges them lazily into single-segment keys.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import RumRulesError
from ._numbers import parse_event_float

__all__ = ["load_event", "MISSING", "Merged", "Nested", "expand", "has_dotted_keys",
           "path_values", "values_at", "flatten", "combine_trails"]


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_float=parse_event_float, parse_constant=_refuse_constant)


def load_event(event: Any) -> dict:
    """The event as a dict: a dict is used as it is; JSON text (str, bytes) is parsed.

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
    if isinstance(event, dict):
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


def path_values(doc: dict, segments: tuple[str, ...],
                objects: list | None = None) -> list[tuple[Any, tuple]]:
    """Every leaf value at the path ``segments`` as ``(value, trail)``: arrays flattened,
    dotted keys followed, merged values read part by part.

    A trail records, for each array of *objects* the walk went through, which element it took
    (``(id(array), index)``): two values can be used together only when their trails agree on
    every array they share (array consistency).  Scalar elements of an array add nothing to
    the trail.  Objects found at the path are not values; they are appended to ``objects``
    when it is given (for ``exists`` they count as absent).
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
        _leaves(value, trail, out, objects)
    return out


def values_at(doc: dict, segments: tuple[str, ...]) -> tuple[list, bool]:
    """Every leaf value at the path (trails dropped) and whether an object sits there."""
    objects: list = []
    leaves = [v for v, _ in path_values(doc, segments, objects)]
    return leaves, bool(objects)


def _leaves(value, trail: tuple, out: list, objects: list | None) -> None:
    t = type(value)
    if t is list or t is tuple:
        for item in flatten(value):
            _leaves(item, trail, out, objects)
    elif t is Merged:
        for part in value.parts:
            _leaves(part, trail, out, objects)
    elif t is dict or t is Nested:
        if objects is not None:
            objects.append(value)
    else:
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
        for i, item in enumerate(flatten(value)):
            ti = type(item)
            if ti is dict or ti is Nested or ti is Merged:
                _step(item, trail + ((key, i),), seg, out)


def flatten(array):
    """The non-list items of a (nested) list, in order, without recursion."""
    stack = [iter(array)]
    while stack:
        for item in stack[-1]:
            if type(item) is list or type(item) is tuple:
                stack.append(iter(item))
                break
            yield item
        else:
            stack.pop()


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
