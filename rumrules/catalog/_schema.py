"""Field data and the JSON Schemas generated from it (shared by event types and metadata).

Field trees are written once, in a small literal notation, and flattened into
:class:`FieldSpec` entries keyed by dotted path.  The same entries answer "is this a field?"
for the rule checker and produce the JSON Schema (Draft 2020-12) that ingestion validates
with, so the two can never disagree.

The notation (used by :mod:`rumrules.catalog.event_types` and :mod:`rumrules.catalog.metadata`):

* a member name ending in ``!`` is required within its parent object;
* a value is a JSON Schema type name (``"string"``, ``"number"``, ...), an :class:`F` (a type
  with an enum or length bounds), a ``dict`` (an object and its members), a one-item ``list``
  (an array; the item is written in the same notation), a :class:`Ref` (the same shape as
  another path, which allows recursion), :data:`FREE` (an object whose members are anything)
  or :data:`ANY` (any JSON value).

Arrays: an array at path ``p`` whose items are objects has the item members at ``p.member``
(``subsegments`` then ``subsegments.id``), as EventPattern paths name them (arrays are
transparent in patterns).  An array of scalars records the item type in ``FieldSpec.items``.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

__all__ = ["FieldSpec", "F", "Ref", "FREE", "ANY", "FieldTree"]

#: JSON Schema types a field may have, plus "any" (free-form: any JSON value).
FIELD_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "any"})


@dataclass(frozen=True)
class FieldSpec:
    """One field under ``details`` (or one metadata key).

    ``path`` is dotted (``"response.status"``); every intermediate object has its own entry
    (``"response"``).  ``type`` is a JSON Schema type name, or ``"any"`` for a free-form value
    that may be any JSON value.  ``required`` means required within its parent object.
    ``enum`` lists the allowed values (one value is a ``const``).  ``items`` is the item type of
    an array (``"object"`` when the item members have their own entries ``path.member``).
    ``ref`` names the path whose shape this field shares (X-Ray subsegments nest recursively).
    ``min_length``/``max_length`` bound a string's length in characters.
    """

    path: str
    type: str
    required: bool = False
    enum: tuple | None = None
    items: str | None = None
    ref: str | None = None
    min_length: int | None = None
    max_length: int | None = None

    @property
    def name(self) -> str:
        """The last segment of the path."""
        return self.path.rpartition(".")[2]

    @property
    def numeric(self) -> bool:
        """True when the field holds a JSON number (``number`` or ``integer``)."""
        return self.type in ("number", "integer")


@dataclass(frozen=True)
class F:
    """Notation: a typed value with an enum and/or string length bounds."""

    type: str
    enum: tuple | None = None
    min_length: int | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Ref:
    """Notation: the same shape as the field at ``path`` (which must be written earlier)."""

    path: str


class _Free:
    def __init__(self, type_: str) -> None:
        self.type = type_

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<free {self.type}>"


#: Notation: an object whose members are anything (X-Ray ``annotations``, ``metadata``).
FREE = _Free("object")
#: Notation: any JSON value (rrweb ``events.data``).
ANY = _Free("any")


def _flatten(prefix: str, members: Mapping[str, Any], out: dict[str, FieldSpec],
             free: list[str]) -> None:
    for key, spec in members.items():
        required = key.endswith("!")
        path = prefix + key.rstrip("!")
        _add(path, spec, required, out, free)


def _add(path: str, spec: Any, required: bool, out: dict[str, FieldSpec],
         free: list[str]) -> None:
    if path in out:
        raise ValueError(f"field {path!r} written twice")
    if isinstance(spec, str):
        if spec not in FIELD_TYPES or spec in ("object", "array", "any"):
            raise ValueError(f"field {path!r}: bad type {spec!r}")
        out[path] = FieldSpec(path, spec, required)
    elif isinstance(spec, F):
        out[path] = FieldSpec(path, spec.type, required, enum=spec.enum,
                              min_length=spec.min_length, max_length=spec.max_length)
    elif isinstance(spec, dict):
        out[path] = FieldSpec(path, "object", required)
        _flatten(path + ".", spec, out, free)
    elif isinstance(spec, list):
        (item,) = spec
        if isinstance(item, dict):
            out[path] = FieldSpec(path, "array", required, items="object")
            _flatten(path + ".", item, out, free)
        elif isinstance(item, str) and item in FIELD_TYPES:
            out[path] = FieldSpec(path, "array", required, items=item)
        else:
            raise ValueError(f"field {path!r}: arrays hold a type name or an object")
    elif isinstance(spec, Ref):
        target = out.get(spec.path)
        if target is None:
            raise ValueError(f"field {path!r}: Ref to unknown {spec.path!r}")
        out[path] = FieldSpec(path, target.type, required, items=target.items, ref=spec.path)
    elif isinstance(spec, _Free):
        out[path] = FieldSpec(path, spec.type, required)
        free.append(path)
    else:
        raise ValueError(f"field {path!r}: cannot read {spec!r}")


def _norm(text: str) -> str:
    return text.replace("_", "").replace("-", "").lower()


class FieldTree:
    """Flattened fields of one object (``details`` of a type, or metadata), with look-ups and
    schema generation.  Built from the notation; immutable."""

    def __init__(self, members: Mapping[str, Any]) -> None:
        out: dict[str, FieldSpec] = {}
        free: list[str] = []
        _flatten("", members, out, free)
        self._index(out, free)

    @classmethod
    def from_specs(cls, fields: Mapping[str, FieldSpec], free_form: tuple[str, ...] = ()
                   ) -> FieldTree:
        """A tree over already-flattened specs (every intermediate object listed)."""
        tree = cls.__new__(cls)
        tree._index(dict(fields), list(free_form))
        return tree

    def _index(self, out: dict[str, FieldSpec], free: list[str]) -> None:
        self.fields: Mapping[str, FieldSpec] = MappingProxyType(out)
        self.free_form: tuple[str, ...] = tuple(free)
        children: dict[str, list[FieldSpec]] = {}
        for spec in out.values():
            parent = spec.path.rpartition(".")[0]
            children.setdefault(parent, []).append(spec)
        self._children = {k: tuple(v) for k, v in children.items()}
        self._free_set = frozenset(free)
        self._norm_index = {_norm(p): p for p in out}

    # -- look-ups ------------------------------------------------------------------------
    def resolve(self, path: str) -> FieldSpec | None:
        """The spec of ``path`` (following :class:`Ref` shapes), a synthetic ``"any"`` spec for
        a path under a free-form prefix, or ``None`` when the path is not a field."""
        if not path:
            return None
        base = ""
        spec: FieldSpec | None = None
        parts = path.split(".")
        for i, part in enumerate(parts):
            if base in self._free_set:
                return FieldSpec(path, "any")
            full = f"{base}.{part}" if base else part
            spec = self.fields.get(full)
            if spec is None:
                return None
            base = spec.ref or full
        return spec

    def closest(self, path: str) -> str | None:
        """The known path closest to ``path`` (case, ``_`` and ``-`` ignored), or ``None``."""
        if self.resolve(path) is not None:
            return path
        key = _norm(path)
        hit = self._norm_index.get(key)
        if hit is not None:
            return hit
        # compare the last segment under the same (known) parent first
        parent, _, last = path.rpartition(".")
        if not parent or self.resolve(parent) is not None:
            resolved_parent = self.resolve(parent) if parent else None
            base = (resolved_parent.ref or resolved_parent.path) if resolved_parent else ""
            names = {_norm(c.name): c.name for c in self._children.get(base, ())}
            got = difflib.get_close_matches(_norm(last), list(names), n=1, cutoff=0.7)
            if got:
                return f"{parent}.{names[got[0]]}" if parent else names[got[0]]
        got = difflib.get_close_matches(key, list(self._norm_index), n=1, cutoff=0.75)
        return self._norm_index[got[0]] if got else None

    # -- JSON Schema ---------------------------------------------------------------------
    def object_schema(self, base: str = "") -> dict[str, Any]:
        """JSON Schema of the object whose members are the children of ``base`` (closed:
        ``additionalProperties: false``); ``$ref`` targets go under ``$defs``."""
        defs: dict[str, Any] = {}
        schema = self._members_schema(base, defs)
        if defs:
            schema["$defs"] = defs
        return schema

    def _members_schema(self, base: str, defs: dict[str, Any]) -> dict[str, Any]:
        props: dict[str, Any] = {}
        required: list[str] = []
        for child in self._children.get(base, ()):
            props[child.name] = self._field_schema(child, defs)
            if child.required:
                required.append(child.name)
        schema: dict[str, Any] = {"type": "object", "properties": props,
                                  "additionalProperties": False}
        if required:
            schema["required"] = required
        return schema

    def _field_schema(self, spec: FieldSpec, defs: dict[str, Any]) -> dict[str, Any]:
        if spec.ref is not None:
            name = spec.ref.replace(".", "_")
            if name not in defs:
                defs[name] = {}  # placeholder: the target may refer to itself
                defs[name] = self._field_schema(self.fields[spec.ref], defs)
            return {"$ref": f"#/$defs/{name}"}
        if spec.type == "any":
            return {}
        if spec.path in self._free_set:
            return {"type": spec.type}
        if spec.type == "object":
            return self._members_schema(spec.path, defs)
        if spec.type == "array":
            items = (self._members_schema(spec.path, defs) if spec.items == "object"
                     else {"type": spec.items} if spec.items else {})
            return {"type": "array", "items": items}
        out: dict[str, Any] = {"type": spec.type}
        if spec.enum is not None:
            if len(spec.enum) == 1:
                out["const"] = spec.enum[0]
            else:
                out["enum"] = list(spec.enum)
        if spec.min_length is not None:
            out["minLength"] = spec.min_length
        if spec.max_length is not None:
            out["maxLength"] = spec.max_length
        return out


def fresh(schema: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a cached schema, so callers may change it freely."""
    return copy.deepcopy(schema)
