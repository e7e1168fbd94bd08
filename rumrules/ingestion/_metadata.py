"""SessionMetadata merge and the custom attribute rules (SPEC §3.1).

``merged = {**SessionMetadata, **event.metadata}``: event keys win, and keys keep the order in
which they first appear (SessionMetadata's first, then the event's own).  Then each key is
checked:

* a built-in key (reserved keyword or ``aws:`` built-in, ``catalog.metadata``) must hold its
  schema type (``interaction`` a number, ``pageTags`` an array of strings, ``version``
  ``"1.0.0"``, the rest strings); a value of the wrong type is removed and reported (our
  reading: the metadata schema would refuse it, and SPEC keeps events for attribute faults);
* any other key is a custom attribute: key ``[A-Za-z0-9_:]{1,128}`` not starting with
  ``aws:``, value a string, number or boolean of at most 256 characters; of the valid ones
  the first 10 are kept; the rest, and every invalid one, are removed and reported.

Verdicts on SessionMetadata's keys are worked out once per request, not once per event.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..catalog.metadata import (
    CUSTOM_KEY_FORBIDDEN_PREFIX,
    CUSTOM_KEY_RE,
    MAX_CUSTOM_ATTRIBUTES,
    MAX_CUSTOM_VALUE_LENGTH,
    METADATA_FIELDS,
)

__all__ = ["SessionMetadata", "apply_rules"]

_CUSTOM_OK = 1      # a valid custom attribute (counts toward the 10)
_BUILTIN_OK = 0     # a built-in key holding a value of its type

_JSON_TYPES = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}
_MAX = MAX_CUSTOM_VALUE_LENGTH
_TOO_LONG = f"custom attribute value is longer than {_MAX} characters"
_TOO_MANY = (f"more than {MAX_CUSTOM_ATTRIBUTES} custom attributes "
             f"(the first {MAX_CUSTOM_ATTRIBUTES} are kept)")

# built-in keys whose check is a type test alone (no enum, no item type): key -> types
_PLAIN_BUILTINS: dict[str, frozenset[type]] = {
    key: frozenset(_JSON_TYPES[spec.type]) for key, spec in METADATA_FIELDS.items()
    if spec.enum is None and spec.items is None
}


def _builtin_verdict(key: str, value: Any) -> int | str:
    spec = METADATA_FIELDS[key]
    if type(value) not in _JSON_TYPES[spec.type]:
        return f"built-in key must hold a JSON {spec.type}"
    if spec.enum is not None and value not in spec.enum:
        return f"built-in key must be {' or '.join(map(repr, spec.enum))}"
    if spec.items is not None and not all(type(v) in _JSON_TYPES[spec.items] for v in value):
        return f"built-in key must hold an array of {spec.items}s"
    return _BUILTIN_OK


@lru_cache(maxsize=4096)
def _custom_key_problem(key: str) -> str | None:
    if not CUSTOM_KEY_RE.fullmatch(key):
        return "custom attribute key must match [A-Za-z0-9_:]{1,128}"
    if key.startswith(CUSTOM_KEY_FORBIDDEN_PREFIX):
        return "custom attribute key must not start with 'aws:'"
    return None


def verdict(key: str, value: Any) -> int | str:
    """``_BUILTIN_OK`` (0), ``_CUSTOM_OK`` (1) or the reason the attribute is removed."""
    if key in METADATA_FIELDS:
        return _builtin_verdict(key, value)
    problem = _custom_key_problem(key)
    if problem is not None:
        return problem
    kind = type(value)
    if kind is str:
        return _TOO_LONG if len(value) > _MAX else _CUSTOM_OK
    if kind is bool or kind is float:
        return _CUSTOM_OK
    if kind is int:
        return _TOO_LONG if value.bit_length() > 800 and len(str(value)) > _MAX else _CUSTOM_OK
    return "custom attribute value must be a string, number or boolean"


class SessionMetadata:
    """A request's parsed SessionMetadata with its verdicts worked out once.

    ``removed`` and ``customs`` are the outcome for SessionMetadata's own keys (which come
    first in every event), valid for every event whose metadata does not override them.
    """

    __slots__ = ("values", "verdicts", "removed", "customs", "mutable")

    def __init__(self, values: dict[str, Any] | None) -> None:
        self.values = values or {}
        self.verdicts = {k: verdict(k, v) for k, v in self.values.items()}
        self.removed, self.customs = _judge(self.values.items(), self.verdicts, 0, None)
        #: keys whose value is a list or an object (``pageTags``): each event gets a copy
        self.mutable = tuple(k for k, v in self.values.items() if type(v) in _MUTABLE)


_MUTABLE = (list, dict)


def _copy(value: Any) -> Any:
    """A deep copy of a parsed JSON value (lists and objects copied, scalars shared)."""
    kind = type(value)
    if kind is list:
        return [_copy(v) for v in value]
    if kind is dict:
        return {k: _copy(v) for k, v in value.items()}
    return value


def _judge(items, verdicts, customs: int, removed: list[tuple[str, str]] | None):
    """Apply the rules to ``(key, value)`` pairs in order; ``verdicts`` holds ready verdicts
    by key.  Returns the removed pairs (or ``None``) and the running count of customs."""
    plain = _PLAIN_BUILTINS
    for key, value in items:
        result = verdicts.get(key)
        if result is None:
            kinds = plain.get(key)
            if kinds is not None and type(value) in kinds:
                continue
            result = verdict(key, value)
        if type(result) is int:
            if result == _BUILTIN_OK:
                continue
            customs += 1
            if customs <= MAX_CUSTOM_ATTRIBUTES:
                continue
            result = _TOO_MANY
        if removed is None:
            removed = []
        removed.append((key, result))
    return removed, customs


_NO_VERDICTS: dict[str, int | str] = {}


def apply_rules(session: SessionMetadata, own: dict[str, Any]
                ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Merge ``session`` under the event's ``own`` metadata and apply the attribute rules.

    Returns the metadata to store and the removed ``(key, reason)`` pairs, in key order.
    ``own`` may be returned (it is a fresh dict parsed from the event's JSON text); list and
    object values taken from ``session`` are copied, so no two events share them.
    """
    values = session.values
    if not values:
        removed, _ = _judge(own.items(), _NO_VERDICTS, 0, None)
        merged = own
    elif values.keys().isdisjoint(own):
        # the usual v3 case: SessionMetadata's keys are judged already, then the event's own
        merged = {**values, **own}
        first = session.removed
        removed, _ = _judge(own.items(), _NO_VERDICTS, session.customs,
                            list(first) if first else None)
    else:
        merged = {**values, **own}
        verdicts = {k: v for k, v in session.verdicts.items() if k not in own}
        removed, _ = _judge(merged.items(), verdicts, 0, None)
    if removed is not None:
        gone = {key for key, _ in removed}
        merged = {k: v for k, v in merged.items() if k not in gone}
    for key in session.mutable:  # usually none (pageTags is page-level, in the event's own)
        if key in merged and key not in own:
            merged[key] = _copy(merged[key])
    return merged, removed or []
