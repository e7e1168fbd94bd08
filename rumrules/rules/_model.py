"""The API model the rules check against (botocore ``rum`` 2018-05-10, the API reference,
SPEC §2.1 and §2.4): members, types, lengths and patterns, as data and small pure
functions.  Both the rules that report a broken constraint and the context that decides
which values later rules may trust read them, so each constraint is written once."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["DEFINITION_MEMBERS", "LENGTHS", "MAX_DIMENSIONS", "DIMENSION_KEY_LENGTH",
           "DIMENSION_NAME_LENGTH", "type_name", "member_type_problem", "length_problem",
           "dimension_key_problem", "dimension_name_problem", "closest", "DESTINATIONS",
           "APP_MONITOR_NAME_RE", "ARN_RE", "MAX_BATCH", "MAX_PER_DESTINATION",
           "REQUEST_MEMBERS", "ID_LENGTH", "guess_member", "NAMESPACE_CHARS",
           "namespace_charset_problem", "detached", "MAX_NESTING"]

#: MetricDefinitionRequest members, in the API's order.
DEFINITION_MEMBERS: tuple[str, ...] = (
    "Name", "Namespace", "ValueKey", "UnitLabel", "DimensionKeys", "EventPattern")

#: String members -> (min, max) length in characters.
LENGTHS: dict[str, tuple[int, int]] = {
    "Name": (1, 255),
    "Namespace": (1, 237),
    "ValueKey": (1, 280),
    "UnitLabel": (1, 256),
    "EventPattern": (0, 4000),
}

MAX_DIMENSIONS = 29
DIMENSION_KEY_LENGTH = (1, 280)
DIMENSION_NAME_LENGTH = (1, 255)

DESTINATIONS = ("CloudWatch", "Evidently")
APP_MONITOR_NAME_RE = re.compile(r"(?!\.)[\.\-_#A-Za-z0-9]+")
APP_MONITOR_NAME_LENGTH = (1, 255)
ARN_RE = re.compile(r".*arn:[^:]*:[^:]*:[^:]*:[^:]*:.*", re.S)
ARN_MAX = 2048
ID_LENGTH = (1, 255)
MAX_BATCH = 200
MAX_PER_DESTINATION = 2000

#: Members of each request shape (botocore; ``AppMonitorName`` is a URI member).
REQUEST_MEMBERS: dict[str, tuple[str, ...]] = {
    "create": ("AppMonitorName", "Destination", "DestinationArn", "MetricDefinitions"),
    "update": ("AppMonitorName", "Destination", "DestinationArn", "MetricDefinition",
               "MetricDefinitionId"),
    "delete": ("AppMonitorName", "Destination", "DestinationArn", "MetricDefinitionIds"),
}


#: How deep a definition's values may nest before :func:`detached` refuses to copy them (a
#: valid definition nests two levels: the definition, its DimensionKeys).
MAX_NESTING = 200


def detached(value: Any, depth: int = 0) -> Any:
    """A copy of a JSON-like value that shares nothing mutable with it: mappings become
    ``dict``, lists and tuples ``list``, ``str`` subclasses ``str``; other values are kept
    (numbers, ``None``; anything else is not JSON and the checker refuses it).  Raise
    :class:`~rumrules.RumRulesError` when it nests more than :data:`MAX_NESTING` levels.
    An exception raised by the caller's own mapping or list (``items``, ``__iter__``)
    passes through, before anything is changed."""
    if type(value) is str or value is None or type(value) in (int, float, bool):
        return value
    if depth > MAX_NESTING:
        from ..errors import RumRulesError

        raise RumRulesError(f"a metric definition nests more than {MAX_NESTING} levels")
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, Mapping):
        return {(str.__str__(k) if isinstance(k, str) else k): detached(v, depth + 1)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [detached(v, depth + 1) for v in value]
    return value


def type_name(value: Any) -> str:
    """The JSON name of a Python value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def member_type_problem(member: str, value: Any) -> str | None:
    """Why ``value`` has the wrong type for definition ``member`` (``None`` is absent and
    always fine), or ``None``.  DimensionKeys entries are checked one by one elsewhere."""
    if value is None:
        return None
    if member == "DimensionKeys":
        if isinstance(value, Mapping):
            return None
        return f"DimensionKeys must be a map of field path to dimension name, not {_a(value)}"
    if isinstance(value, str):
        return None
    return f"{member} must be a string, not {_a(value)}"


def _a(value: Any) -> str:
    name = type_name(value)
    return ("an " if name[0] in "aeiou" else "a ") + name


def length_problem(member: str, value: str, bounds: tuple[int, int] | None = None) -> str | None:
    """Why the string ``value`` breaks ``member``'s length constraint, or ``None``."""
    lo, hi = bounds or LENGTHS[member]
    n = len(value)
    if lo <= n <= hi:
        return None
    if n < lo:
        return f"{member} must not be empty" if lo == 1 else (
            f"{member} must have at least {lo} characters")
    return f"{member} has {n} characters; at most {hi} are allowed"


#: The characters a custom Namespace may have (SPEC §2.3): botocore's
#: ``.*[a-zA-Z0-9-._/#:]+`` plus spaces, which the service accepts.
NAMESPACE_CHARS = re.compile(r"[A-Za-z0-9.\-_/#: ]+")


def namespace_charset_problem(namespace: str) -> str | None:
    """Why a Namespace string breaks the custom-namespace character rules, or ``None``:
    only ASCII letters, digits, ``. - _ / # :`` and spaces, and (botocore's
    ``[a-zA-Z0-9-._/#:]+``) at least one character that is not a space."""
    if not NAMESPACE_CHARS.fullmatch(namespace):
        bad = "".join(dict.fromkeys(ch for ch in namespace if not NAMESPACE_CHARS.fullmatch(ch)))
        return f"has {bad!r}"
    if not namespace.strip(" "):
        return "has only spaces"
    return None


def dimension_key_problem(key: str) -> str | None:
    """Why a DimensionKeys key (a field path) is out of bounds, or ``None``."""
    lo, hi = DIMENSION_KEY_LENGTH
    if not key:
        return "a DimensionKeys key (a field path) must not be empty"
    if len(key) > hi:
        return f"the DimensionKeys key has {len(key)} characters; at most {hi} are allowed"
    return None


def dimension_name_problem(name: str) -> str | None:
    """Why a dimension name (a DimensionKeys value) is not valid, or ``None``: 1-255
    characters, not starting with ``:``, at least one non-blank character (D12)."""
    lo, hi = DIMENSION_NAME_LENGTH
    if not name:
        return "the dimension name must not be empty"
    if len(name) > hi:
        return f"the dimension name has {len(name)} characters; at most {hi} are allowed"
    if name.startswith(":"):
        return f"the dimension name {name!r} must not start with ':'"
    if not name.strip():
        return "the dimension name must contain a non-blank character"
    return None


_MEMBER_ALIASES = {"Unit": "UnitLabel", "Units": "UnitLabel", "Dimensions": "DimensionKeys",
                   "Pattern": "EventPattern", "Value": "ValueKey", "MetricName": "Name"}


def guess_member(key: str) -> str | None:
    """The definition member an unknown member name most likely means (``Unit`` ->
    ``UnitLabel``, ``eventPattern`` -> ``EventPattern``), or ``None``."""
    if key == "MetricDefinitionId":
        return None
    return closest(key, DEFINITION_MEMBERS, cutoff=0.5) or _MEMBER_ALIASES.get(key)


def closest(word: str, choices: Any, cutoff: float = 0.6) -> str | None:
    """The choice equal to ``word`` ignoring case, else the closest by edit ratio."""
    choices = list(choices)
    folded = word.casefold()
    for c in choices:
        if c.casefold() == folded:
            return c
    match = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    return match[0] if match else None
