"""Per-type validation of ``details`` against the JSON Schemas of ``catalog.event_types``.

For each built-in event type, on first use, two validators are built from the one schema
that :meth:`EventType.details_schema` generates, and kept for the life of the process:

* a *fast check*: the schema compiled into plain Python closures.  It understands exactly the
  keywords our generated schemas use (``type``, ``properties``, ``required``,
  ``additionalProperties``, ``const``/``enum`` of strings, ``minLength``/``maxLength``,
  ``items``, ``$ref`` into ``$defs``) with Draft 2020-12 meaning, and refuses to compile
  anything else;
* the ``jsonschema`` Draft 2020-12 validator, built lazily the first time the fast check says
  no.  Its verdict is final and its error gives the reason.

So valid details (nearly all of them) cost a few microseconds instead of the ~80 us a
``jsonschema`` call takes, and every rejection is a ``jsonschema`` rejection.  A test checks
that both agree on generated and mutated details.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ..catalog.event_types import BUILTIN_EVENT_TYPES

__all__ = ["DetailsValidator", "validator_for", "compile_fast_check", "Unsupported"]

Check = Callable[[Any], bool]


class Unsupported(Exception):
    """A schema keyword the fast check does not compile."""


# exact Python types of parsed JSON values; bool is not a number (type(True) is bool)
_EXACT = {
    "string": frozenset({str}),
    "number": frozenset({int, float}),
    "boolean": frozenset({bool}),
    "object": frozenset({dict}),
    "array": frozenset({list}),
    "null": frozenset({type(None)}),
}
_META = frozenset({"$schema", "$id", "title", "description", "$comment", "$defs"})


def _true(_: Any) -> bool:
    return True


def _is_integer(value: Any) -> bool:
    kind = type(value)
    return kind is int or (kind is float and value.is_integer())


def compile_fast_check(schema: dict[str, Any]) -> Check:
    """Compile ``schema`` (the subset our generated schemas use) into a predicate that agrees
    with ``jsonschema``'s Draft 2020-12 ``is_valid``.  Raises :class:`Unsupported`."""
    defs = schema.get("$defs", {})
    compiled: dict[str, Check] = {}

    def ref(target: str) -> Check:
        prefix = "#/$defs/"
        if not target.startswith(prefix) or target[len(prefix):] not in defs:
            raise Unsupported(f"$ref {target!r}")
        name = target[len(prefix):]
        if name not in compiled:
            compiled[name] = _true  # placeholder while compiling a recursive shape
            compiled[name] = node(defs[name])
        return lambda value: compiled[name](value)

    def node(sub: dict[str, Any]) -> Check:
        unknown = set(sub) - _META - {"type", "properties", "required", "additionalProperties",
                                     "const", "enum", "minLength", "maxLength", "items", "$ref"}
        if unknown:
            raise Unsupported(", ".join(sorted(unknown)))
        if "$ref" in sub:
            if len(set(sub) - _META) != 1:
                raise Unsupported("$ref beside other keywords")
            return ref(sub["$ref"])
        kind = sub.get("type")
        if kind is None:
            if set(sub) - _META:
                raise Unsupported("keywords without a type")
            return _true
        if kind == "object":
            return _object(sub)
        if kind == "array":
            return _array(sub)
        return _scalar(sub, kind)

    def _object(sub: dict[str, Any]) -> Check:
        props = sub.get("properties", {})
        closed = sub.get("additionalProperties", True) is False
        if sub.get("additionalProperties", True) not in (True, False):
            raise Unsupported("additionalProperties schema")
        required = frozenset(sub.get("required", ()))
        simple: dict[str, frozenset[type]] = {}
        complex_: dict[str, Check] = {}
        for key, prop in props.items():
            if set(prop) - _META == {"type"} and prop["type"] in _EXACT:
                simple[key] = _EXACT[prop["type"]]
            else:
                complex_[key] = node(prop)

        def check(value: Any) -> bool:
            if type(value) is not dict:
                return False
            if required and not value.keys() >= required:
                return False
            for key, item in value.items():
                kinds = simple.get(key)
                if kinds is not None:
                    if type(item) not in kinds:
                        return False
                    continue
                inner = complex_.get(key)
                if inner is None:
                    if closed:
                        return False
                elif not inner(item):
                    return False
            return True

        return check

    def _array(sub: dict[str, Any]) -> Check:
        item_check = node(sub.get("items", {}))

        def check(value: Any) -> bool:
            if type(value) is not list:
                return False
            if item_check is _true:
                return True
            for item in value:
                if not item_check(item):
                    return False
            return True

        return check

    def _scalar(sub: dict[str, Any], kind: str) -> Check:
        if kind == "integer":
            type_ok: Check = _is_integer
        elif kind in _EXACT:
            kinds = _EXACT[kind]
            type_ok = lambda value: type(value) in kinds  # noqa: E731
        else:
            raise Unsupported(f"type {kind!r}")
        allowed = None
        if "const" in sub:
            allowed = frozenset((sub["const"],))
        if "enum" in sub:
            allowed = frozenset(sub["enum"]) if allowed is None else allowed & set(sub["enum"])
        if allowed is not None and not all(type(v) is str for v in allowed):
            raise Unsupported("enum of non-strings")  # jsonschema equality differs for numbers
        lo, hi = sub.get("minLength"), sub.get("maxLength")
        if (lo is not None or hi is not None) and kind != "string":
            raise Unsupported("length bounds on a non-string")
        if allowed is None and lo is None and hi is None:
            return type_ok
        lo = 0 if lo is None else lo
        hi = float("inf") if hi is None else hi

        def check(value: Any) -> bool:
            if not type_ok(value):
                return False
            if allowed is not None and value not in allowed:
                return False
            return lo <= len(value) <= hi if type(value) is str else True

        return check

    return node(schema)


def _render_path(parts) -> str:
    out = "details"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


class DetailsValidator:
    """Validates the ``details`` of one built-in event type (built once, reused)."""

    __slots__ = ("name", "schema", "_fast", "_full", "_lock")

    def __init__(self, name: str) -> None:
        self.name = name
        self.schema = BUILTIN_EVENT_TYPES[name].details_schema()
        try:
            self._fast: Check | None = compile_fast_check(self.schema)
        except Unsupported:  # pragma: no cover - our schemas compile; a test checks it
            self._fast = None
        self._full = None
        self._lock = threading.Lock()

    @property
    def jsonschema_validator(self):
        """The ``jsonschema.Draft202012Validator`` of this type (built on first use)."""
        if self._full is None:
            with self._lock:
                if self._full is None:
                    from jsonschema import Draft202012Validator

                    self._full = Draft202012Validator(self.schema)
        return self._full

    def problem(self, details: Any) -> str | None:
        """``None`` when ``details`` is valid, else the reason in words."""
        try:
            if self._fast is not None and self._fast(details):
                return None
            from jsonschema.exceptions import best_match

            error = best_match(self.jsonschema_validator.iter_errors(details))
        except RecursionError:
            return "details are nested too deeply to validate"
        if error is None:
            return None
        return f"{_render_path(error.absolute_path)}: {error.message}"


_VALIDATORS: dict[str, DetailsValidator] = {}


def validator_for(name: str) -> DetailsValidator:
    """The validator of built-in event type ``name`` (``KeyError`` when not built-in)."""
    found = _VALIDATORS.get(name)
    if found is None:
        found = _VALIDATORS.setdefault(name, DetailsValidator(name))
    return found
