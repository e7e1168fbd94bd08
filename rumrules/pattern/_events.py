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
           "values_at"]


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
    """Several values that one path takes at once (``{"a": {...}, "a.b": ...}``): a field
    below it may come from any of them."""

    __slots__ = ("parts",)

    def __init__(self, parts: list) -> None:
        self.parts = parts

    def get(self, key: str, default: Any = MISSING) -> Any:
        found = []
        for part in self.parts:
            if type(part) is dict or type(part) is Nested:
                if has_dotted_keys(part):
                    part = expand(part)
                v = part.get(key, MISSING)
                if v is not MISSING:
                    found.append(v)
        if not found:
            return default
        return found[0] if len(found) == 1 else Merged(found)

    @property
    def all_objects(self) -> bool:
        return all(type(p) is dict or type(p) is Merged or type(p) is Nested
                   for p in self.parts)


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


def values_at(doc: dict, segments: tuple[str, ...]) -> tuple[list, bool]:
    """Every leaf value at the path ``segments`` (arrays flattened, dotted keys followed)
    and whether an object sits there."""
    current = [doc]
    for seg in segments:
        nxt = []
        for v in current:
            for item in _flatten(v):
                if type(item) is Merged:
                    got = item.get(seg)
                elif isinstance(item, dict):
                    view = expand(item) if has_dotted_keys(item) else item
                    got = view.get(seg, MISSING)
                else:
                    continue
                if got is not MISSING:
                    nxt.append(got)
        current = nxt
    leaves, saw_object = [], False
    for v in current:
        for item in _flatten(v):
            if isinstance(item, (dict, Merged)):
                saw_object = True
            else:
                leaves.append(item)
    return leaves, saw_object


def _flatten(v):
    if type(v) is Merged and not v.all_objects:
        for p in v.parts:
            yield from _flatten(p)
        return
    if isinstance(v, (list, tuple)):
        stack = [iter(v)]
        while stack:
            for e in stack[-1]:
                if isinstance(e, (list, tuple)):
                    stack.append(iter(e))
                    break
                yield e
            else:
                stack.pop()
        return
    yield v
