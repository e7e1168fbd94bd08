"""The identity of a metric definition for duplicate detection (ConflictException): what
the checker compares definitions by and what a destination keys them by."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections.abc import Mapping
from typing import Any

from ..catalog.metrics import EXTENDED_NAMESPACE
from ..errors import RumRulesError, shown
from ..pattern import Exact, Numeric, compile_pattern
from ._model import DEFINITION_MEMBERS

__all__ = ["canonical", "identity_digest"]

def canonical(definition: Mapping, pattern: Any = None) -> str:
    """The identity of a definition for duplicate detection (ConflictException).

    Two definitions are identical when every member is equal after these normalisations:
    null members and an empty EventPattern are absent; Namespace ``AWS/RUM`` is the same as
    none; DimensionKeys order does not matter; EventPattern texts that compile to the same
    fields are the same -- whitespace, member order, dotted or nested keys (``{"a.b": ...}``
    is ``{"a": {"b": ...}}``) and duplicate keys (merged path by path, the last value list of
    a field winning) aside, numbers compared as doubles (``2e3`` is ``2000``).  Value lists
    keep their order.  An EventPattern that does not compile is compared as its text.

    ``pattern`` is the definition's compiled EventPattern when the caller has it (the
    checker does), which saves compiling it again; keys of pattern texts are cached.
    """
    out: dict[str, Any] = {}
    for member in DEFINITION_MEMBERS:
        value = definition.get(member)
        if value is None or (member == "EventPattern" and value == ""):
            continue
        if member == "Namespace" and value == EXTENDED_NAMESPACE:
            continue
        if member == "EventPattern" and isinstance(value, str):
            value = _pattern_key(value, pattern)
        out[member] = value
    try:
        return json.dumps(out, sort_keys=True, separators=(",", ":"), default=repr)
    except (TypeError, ValueError):  # keys that do not sort or are not JSON (1, None, ...)
        return json.dumps(_plain(out), sort_keys=True, separators=(",", ":"), default=repr)


def _plain(value: Any) -> Any:
    """``value`` with every mapping key a string (``shown`` for the ones that are not) and
    every integer too long for decimal text in hex."""
    if isinstance(value, Mapping):
        return {k if isinstance(k, str) else shown(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, int) and value.bit_length() > 14_000:
        return hex(value)  # too long for decimal text (and for json.dumps)
    return value


def identity_digest(key: str) -> bytes:
    """A 16-byte digest of a :func:`canonical` key: what the checker keeps per definition
    for the duplicate rule (a batch of 100,000 definitions holds 100,000 digests, not their
    keys of a few hundred characters each).  Equal keys give equal digests; BLAKE2b-128 makes
    different keys with one digest as likely as a random 128-bit collision."""
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()


_KEYS: dict[str, str] = {}      # EventPattern text -> its key (bounded, see _pattern_key)
_MAX_KEYS = 4096
_keys_lock = threading.Lock()


def _pattern_key(text: str, pattern: Any = None) -> str:
    """What identifies an EventPattern: ``fields:`` and, per ``$or`` expansion, the sorted
    list of ``[path, [matcher, ...]]``, when the text compiles (``eventbridge`` dialect, which
    reads every ``rum`` pattern the same way); else ``text:`` and the text."""
    key = _KEYS.get(text)
    if key is not None:
        return key
    if pattern is None or getattr(pattern, "text", None) != text:
        try:
            pattern = compile_pattern(text, dialect="eventbridge")
        except RumRulesError:
            pattern = None
    if pattern is None:
        key = "text:" + text
    else:
        key = "fields:" + json.dumps(
            [sorted([c.path, [_matcher_key(m) for m in c.matchers]] for c in alt)
             for alt in pattern.alternatives], separators=(",", ":"), default=repr)
    with _keys_lock:
        if len(_KEYS) >= _MAX_KEYS:
            _KEYS.clear()
        _KEYS[text] = key
    return key


_POSITION = frozenset({"line", "column", "regex", "regexes", "operands"})


def _number(x: Any) -> Any:
    """A double as a key (``-0.0`` is ``0.0``); ``None`` stays ``None``."""
    return None if x is None else float(x) + 0.0


def _matcher_key(m: Any) -> list:
    """A compiled matcher without its position in the text, as JSON-able data."""
    if isinstance(m, Exact):
        if m.type == "number":
            return ["exact", "number", m.text if m.value is None else _number(m.value)]
        return ["exact", m.type, m.value]
    if isinstance(m, Numeric):
        return ["numeric", _number(m.lower), m.lower_inclusive, _number(m.upper),
                m.upper_inclusive]
    out: list = [m.kind]
    for f in dataclasses.fields(m):
        if f.name not in _POSITION:
            v = getattr(m, f.name)
            out.append(sorted(v, key=repr) if isinstance(v, (set, frozenset)) else v)
    return out
