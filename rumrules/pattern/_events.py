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
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Iterator

from ..errors import RumRulesError
from ._numbers import MAX_NUMBER_LENGTH, NumberText, number_too_long, parse_event_float

try:  # the optional fast parser (the ``fast`` extra); the answers do not depend on it
    from orjson import JSONDecodeError as _OrjsonError, loads as _orjson_loads
except ImportError:  # pragma: no cover - exercised by the tests through FAST_PARSER
    _orjson_loads = None
    _OrjsonError = ValueError

__all__ = ["load_event", "MISSING", "Merged", "Nested", "expand", "has_dotted_keys",
           "path_values", "values_at", "shape_at", "flatten", "flatten_items", "Plan", "Many",
           "combine_trails", "LEAF_TYPES",
           "container_type", "CYCLE_MESSAGE", "use_fast_parser", "FAST_PARSER", "key_text",
           "event_values", "Inexact", "fast_doc", "read_events", "inexact_value"]

#: Types that are always leaf values: the walk never asks whether they are containers.
LEAF_TYPES = frozenset({str, int, float, bool, type(None), Decimal, NumberText})

CYCLE_MESSAGE = "the event is not JSON: it contains itself"

#: Is the optional fast JSON parser (orjson) installed?  See :func:`use_fast_parser`.
FAST_PARSER = _orjson_loads is not None
_fast = [_orjson_loads]


def use_fast_parser(on: bool) -> bool:
    """Read event text with orjson (when installed) or only with :mod:`json`; return the
    previous setting.  Both give the same answers (the tests run both); this exists so
    that they can."""
    previous = _fast[0] is not None
    _fast[0] = _orjson_loads if on else None
    return previous


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


class _TooLong(Exception):
    def __init__(self, length: int) -> None:
        self.length = length


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _event_float(text: str):
    if len(text) > MAX_NUMBER_LENGTH and number_too_long(text):
        raise _TooLong(len(text.lstrip("-")))
    return parse_event_float(text)


def _event_int(text: str) -> int:
    if len(text) > MAX_NUMBER_LENGTH and number_too_long(text):
        raise _TooLong(len(text.lstrip("-")))
    return int(text)


# ``_DECODER`` reads texts in which no number is long (the integers are Python's own);
# ``_CHECKED`` checks the length of every integer too (Jackson's limit of 1000 characters).
_DECODER = json.JSONDecoder(parse_float=_event_float, parse_constant=_refuse_constant)
_CHECKED = json.JSONDecoder(parse_float=_event_float, parse_int=_event_int,
                            parse_constant=_refuse_constant)

# Runs of 16 digits or dots mark the numbers that need a closer look (a double may not hold
# them, orjson reads integers past 2^64 as floats, Jackson's limit): bytes.translate maps
# digits and dots to "0", and one ``in`` finds such a run (a run inside a string costs only
# the slower, exact path).
_RUN_TABLE = bytes.maketrans(b"0123456789.", b"0" * 11)
_RUN = b"0" * 16
_NUMBER_CHARS = frozenset(b"0123456789.eE+-")
_MIN_NORMAL = 2.2250738585072014e-308
_U64 = 2 ** 64
_I64 = -(2 ** 63)


def _long_number(text: str) -> bool:
    """Might ``text`` hold a number of 16 or more digits?"""
    try:
        return _RUN in text.encode().translate(_RUN_TABLE)
    except UnicodeEncodeError:   # lone surrogates: the exact path decides
        return True


def _decode(text: str):
    """JSON text as Python values, numbers as the reference reads them."""
    return (_CHECKED if _long_number(text) else _DECODER).decode(text)


def _safe_token(token: bytes) -> bool:
    """Does orjson read this long number token as the exact path does?  Integers within
    64 bits, and floats written as their own shortest text (as JavaScript prints them)."""
    try:
        text = token.decode("ascii")
        if text.lstrip("-").isdigit():
            return _I64 <= int(text) < _U64
        f = float(text)
    except (ValueError, OverflowError):
        return False
    return repr(f) == text and (f >= _MIN_NORMAL or f <= -_MIN_NORMAL)


def _fast_doc(event: Any):
    """The event read by orjson when that gives what the exact path gives, else ``None``.

    Floats with 16 or more digits are checked token by token; zeros and subnormals (which
    may come from an underflow such as ``1e-400``) are checked by :func:`flatten`."""
    loads = _fast[0]
    if loads is None:
        return None
    t = type(event)
    if t is str:
        try:
            data = event.encode()
        except UnicodeEncodeError:
            return None
    elif t is bytes:
        data = event
    else:
        return None
    marks = data.translate(_RUN_TABLE)
    i = marks.find(_RUN)
    while i >= 0:
        start, end, n = i, i + 16, len(data)
        while start and data[start - 1] in _NUMBER_CHARS:
            start -= 1
        while end < n and data[end] in _NUMBER_CHARS:
            end += 1
        if not _safe_token(data[start:end]):
            return None
        i = marks.find(_RUN, end)
    try:
        doc = loads(data)
    except _OrjsonError:
        return None
    return doc if type(doc) is dict else None


def fast_doc(event: Any) -> tuple[Any, bool]:
    """``(document, exact)`` for the matching walks: a dict event as it is (exact), text
    read by orjson when that is safe (not exact: zeros and subnormals are to be checked),
    else ``(None, True)``: the caller reads it with :func:`load_event`."""
    if type(event) is dict:
        return event, True
    return _fast_doc(event), False


class Inexact(Exception):
    """Raised by :func:`flatten` when a fast-read value needs the exact reading."""


def event_values(event: Any, plan: "Plan") -> tuple[dict, bool]:
    """:func:`flatten` of an event given as a dict or as JSON text (read by orjson when it
    is installed and gives the same values, else by the exact path)."""
    doc = _fast_doc(event)
    if doc is not None:
        try:
            return flatten(doc, plan, exact=False)
        except Inexact:
            pass
    return flatten(load_event(event), plan)


def load_event(event: Any) -> Mapping:
    """The event as a dict: a dict (or any Mapping) is used as it is; JSON text (str,
    bytes) is parsed.

    Raise :class:`RumRulesError` when the event is not a JSON object or not valid JSON,
    and when it holds a number longer than 1000 characters (the reference's parser,
    Jackson, refuses such an event).
    """
    if type(event) is dict:
        return event
    if isinstance(event, (str, bytes, bytearray)):
        try:
            if isinstance(event, str):
                event = str.__str__(event)   # a str subclass is read as the text it holds
            else:
                event = bytes(event).decode(json.detect_encoding(event), "surrogatepass")
            doc = _decode(event)
        except json.JSONDecodeError as e:
            raise RumRulesError(f"event is not valid JSON: {e.msg}", line=e.lineno,
                                column=e.colno) from None
        except _TooLong as e:
            raise RumRulesError(
                f"event is not usable: Number value length ({e.length}) exceeds the maximum "
                f"allowed ({MAX_NUMBER_LENGTH}), as the reference's parser says") from None
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


_KEY_WORDS = {True: "true", False: "false", None: "null"}


def key_text(key: Any) -> str:
    """A dict event's key as its ``json.dumps`` text names it (``1`` -> ``"1"``, ``True``
    -> ``"true"``, ``1.5`` -> ``"1.5"``); other types by ``str``.  An integer of more than
    1000 digits is refused, as in event text."""
    if type(key) is str:
        return key
    if isinstance(key, str):
        return str.__str__(key)
    if key is None or isinstance(key, bool):
        return _KEY_WORDS[key]
    if isinstance(key, int):
        _check_int(key)
        return int.__repr__(key)
    if isinstance(key, float):
        return float.__repr__(key) if key == key and abs(key) != float("inf") else (
            "NaN" if key != key else ("Infinity" if key > 0 else "-Infinity"))
    return str(key)


_BIG = 10 ** MAX_NUMBER_LENGTH


def _check_int(value: int) -> None:
    """Refuse an integer of more than 1000 digits, as Jackson refuses it in event text."""
    if value >= _BIG or value <= -_BIG:
        raise RumRulesError(
            f"event is not usable: an integer of more than {MAX_NUMBER_LENGTH} digits "
            "(the reference's parser refuses numbers that long)")


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

    ``keep_empty=False`` drops a literal ``""`` key (see ``keeps_empty`` in ``_index``);
    empty segments that come from splitting a dotted key are kept.
    """
    out: dict = Nested()
    for key, value in obj.items():
        key = key if type(key) is str else key_text(key)
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
                empties: list | None = None, keep_empty: bool = True) -> list[tuple[Any, tuple]]:
    """Every leaf value at the path ``segments`` as ``(value, trail)``: arrays flattened,
    dotted keys followed, merged values read part by part.

    A trail records, for each array of *objects* the walk went through, which element it took
    (``(id(array), index)``): two values can be used together only when their trails agree on
    every array they share (array consistency).  Scalar elements of an array add nothing to
    the trail.  Objects found at the path are not values; they are appended to ``objects``
    when it is given (for ``exists`` they count as absent), and arrays with no element at
    all (``[]``, ``[[]]``) to ``empties``.  ``keep_empty=False`` does not walk into a key
    that is exactly ``""`` in an object of the event (see :func:`flatten`).
    """
    current: list[tuple[Any, tuple]] = [(doc, ())]
    for seg in segments:
        nxt: list[tuple[Any, tuple]] = []
        for value, trail in current:
            _step(value, trail, seg, nxt, keep_empty)
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
        for item in flatten_items(value):
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


def _step(value, trail: tuple, seg: str, out: list, keep_empty: bool = True) -> None:
    t = type(value)
    if t is not dict and t is not Nested and t is not Merged and t is not list \
            and t is not tuple:
        if t in LEAF_TYPES:
            return
        t = container_type(value)   # another Mapping, or a list/tuple subclass (slow path)
    if t is dict or t is Nested:
        plain = type(value) is not Nested
        if has_dotted_keys(value):
            value = expand(value, keep_empty or not plain)
        elif not seg and plain and not keep_empty:
            return
        got = value.get(seg, MISSING)
        if got is not MISSING:
            out.append((got, trail))
    elif t is Merged:
        for part in value.parts:
            _step(part, trail, seg, out, keep_empty)
    elif t is list or t is tuple:
        key = id(value)   # the array's own identity in trails
        for i, item in enumerate(flatten_items(value)):
            ti = type(item)
            if ti is dict or ti is Nested or ti is Merged or (
                    ti not in LEAF_TYPES and container_type(item) is dict):
                _step(item, trail + ((key, i),), seg, out, keep_empty)


def flatten_items(array):
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


class Many:
    """Several values at one path, or values inside arrays of objects: ``items`` is a list
    of ``(value, trail)`` (see :func:`path_values` for trails)."""

    __slots__ = ("items", "by_first")

    def __init__(self, items: list) -> None:
        self.items = items
        self.by_first = None   # filled by the index walk when it needs it


class Plan:
    """The paths an index reads, ready for :func:`flatten`: ``paths`` where values are
    wanted, ``inner`` the objects on the way to them (both dotted path texts)."""

    __slots__ = ("paths", "inner", "wanted")

    def __init__(self, paths) -> None:
        self.paths = frozenset(paths)
        inner = set()
        wanted: dict[str, dict] = {"": {}}
        for path in self.paths:
            parts = path.split(".")
            for i in range(1, len(parts) + 1):
                prefix = ".".join(parts[:i - 1])
                prefix = prefix + "." if prefix else ""
                wanted.setdefault(prefix, {})[parts[i - 1]] = ".".join(parts[:i])
                if i < len(parts):
                    inner.add(".".join(parts[:i]))
        self.inner = frozenset(inner)
        # per object prefix ("" or "a.b."): the keys to read there and their paths
        self.wanted = {prefix: tuple(keys.items()) for prefix, keys in wanted.items()}


def flatten(doc: Mapping, plan: Plan, shapes: dict | None = None,
            exact: bool = True) -> tuple[dict, bool]:
    """One walk over the event, along the paths of ``plan`` only: ``(values, many)``.

    ``values`` maps a dotted path to its value when the path holds one leaf value outside
    any array of objects, else to a :class:`Many`; a path with no leaf value is not in it.
    ``many`` says whether any :class:`Many` is there.  A key ``"a.b"`` is the path ``a.b``
    whatever object holds it, so dotted keys cost nothing more than nested ones, and the cost
    is that of the keys of the objects on the plan's paths, whatever the number of paths.
    Objects on no path of the plan are not read.  When ``shapes`` is given, it collects, per
    path, ``"object"`` and ``"empty"`` for the objects and empty arrays found there.

    Plan paths have no empty step (``a..b``, ``a.``): patterns that have one are read by
    :func:`path_values`, which knows the reference's rule for empty keys.  ``exact=False``
    (a document read by orjson) raises :class:`Inexact` at a float that is zero or
    subnormal, whose text only the exact reading knows.
    """
    paths = plan.paths
    inner = plan.inner
    wanted = plan.wanted
    out: dict = {}
    many = False
    stack = [(doc, "", ())]
    while stack:
        obj, prefix, trail = stack.pop()
        keys = wanted[prefix]
        if type(obj) is dict and len(keys) < len(obj) and not has_dotted_keys(obj):
            # few keys wanted from a plain object: look them up
            get = obj.get
            pairs = [(full, v) for key, full in keys if (v := get(key, MISSING)) is not MISSING]
        else:
            if type(obj) is not dict and type(obj) is not Nested:
                obj = dict(obj)
            pairs = [(prefix + (key if type(key) is str else key_text(key)), v)
                     for key, v in obj.items()]
        for full, v in pairs:
            tv = type(v)
            if tv is not dict and tv is not list and tv is not tuple and tv not in LEAF_TYPES:
                tv = container_type(v) or tv   # another Mapping, a list or tuple subclass
            if tv is dict:
                if full in inner:
                    stack.append((v, full + ".", trail))
                if shapes is not None and full in paths:
                    shapes.setdefault(full, set()).add("object")
                continue
            if tv is list or tv is tuple:
                at = full in paths
                below = full in inner
                if not (at or below):
                    continue
                empty = True
                aid = id(v)
                sub = full + "."
                for i, item in enumerate(flatten_items(v)):
                    empty = False
                    ti = type(item)
                    if ti is dict or (ti not in LEAF_TYPES and container_type(item) is dict):
                        if below:
                            stack.append((item, sub, trail + ((aid, i),)))
                        if shapes is not None and at:
                            shapes.setdefault(full, set()).add("object")
                    elif at:
                        if ti is int:
                            _check_int(item)
                        elif ti is float and not exact and -_MIN_NORMAL < item < _MIN_NORMAL:
                            raise Inexact
                        many = True
                        _add(out, full, item, trail)
                if empty and shapes is not None and at:
                    shapes.setdefault(full, set()).add("empty")
                continue
            if full in paths:
                if tv is int:
                    _check_int(v)
                elif tv is float and not exact and -_MIN_NORMAL < v < _MIN_NORMAL:
                    raise Inexact
                if trail or full in out:
                    many = True
                    _add(out, full, v, trail)
                else:
                    out[full] = v
    return out, many


def _add(out: dict, full: str, value, trail: tuple) -> None:
    if full in out:
        got = out[full]
        if type(got) is Many:
            got.items.append((value, trail))
        else:
            out[full] = Many([(got, ()), (value, trail)])
    else:
        out[full] = Many([(value, trail)])


def read_events(texts: list, blob: bytes | None = None) -> Iterator[dict | None]:
    """The documents of ``texts`` (JSON texts, ``bytes`` or ``str``) as the fast reader
    (orjson) reads them, one at a time, for :meth:`PatternSet.matches_read` with
    ``exact=False``: a dict, or ``None`` where only :func:`load_event` reads the text as
    matching must (orjson not installed, a number of 16 or more digits that orjson would
    read otherwise, text that is not UTF-8 or not a JSON object).  ``blob``, when given,
    holds the bytes of every text: it is searched once for long numbers instead of each
    text."""
    loads = _fast[0]
    if loads is None:
        for _ in texts:
            yield None
        return
    if blob is None or not _long_numbers_safe(blob):
        for t in texts:
            yield _fast_doc(t)
        return
    for t in texts:
        try:
            doc = loads(t)
        except ValueError:     # orjson's JSONDecodeError; a str with a lone surrogate
            doc = None
        yield doc if type(doc) is dict else None


def _long_numbers_safe(data: bytes) -> bool:
    """Does orjson read every number of 16 or more digits in ``data`` as the exact path
    does (the test of :func:`_fast_doc`, once for many texts)?  The tokens are checked
    together: floats written as their own shortest text (and not subnormal) at C speed,
    anything else token by token."""
    marks = data.translate(_RUN_TABLE)
    i = marks.find(_RUN)
    if i < 0:
        return True
    n = len(data)
    tokens = []
    while i >= 0:
        start, end = i, i + 16
        while start and data[start - 1] in _NUMBER_CHARS:
            start -= 1
        while end < n and data[end] in _NUMBER_CHARS:
            end += 1
        tokens.append(data[start:end])
        i = marks.find(_RUN, end)
    try:
        floats = list(map(float, tokens))
        if (all(map(bytes.__eq__, map(str.encode, map(repr, floats)), tokens))
                and min(map(abs, floats)) >= _MIN_NORMAL):
            return True
    except ValueError:
        pass
    return all(map(_safe_token, tokens))


def inexact_value(value: Any) -> bool:
    """Might the fast reader have read ``value`` otherwise than :func:`load_event`?  A
    float that is zero or subnormal (``-0.0``, ``1e-400``), whose text only the exact
    reading knows; every other value of a document :func:`read_events` gives is the same."""
    return type(value) is float and -_MIN_NORMAL < value < _MIN_NORMAL
