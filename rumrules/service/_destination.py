"""MetricDestination: the definitions one metrics destination holds, for servers that keep
state between BatchCreate, Update and BatchDelete calls."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import RequestError, RumRulesError, shown
from ..rules import MAX_PER_DESTINATION, canonical, detached

__all__ = ["MetricDestination"]

_ID_NAMESPACE = uuid.UUID("5f0c3c1e-8d1b-4a47-9d5e-72756d72756c")


class _UnknownDefinition(RequestError, KeyError):
    """No definition with this id (``ResourceNotFoundException``); a ``KeyError`` too."""


def _require_definition(definition: Any) -> None:
    if not isinstance(definition, Mapping):
        raise RequestError(f"a metric definition is a JSON object, not "
                           f"{type(definition).__name__}", field="MetricDefinition")


class MetricDestination:
    """The metric definitions of one destination (``CloudWatch``, or ``Evidently`` with an
    experiment ARN) of one app monitor.

    Holds at most ``capacity`` (2000) definitions, keyed by ``MetricDefinitionId``, in
    creation order.  :func:`~rumrules.batch_create`, :func:`~rumrules.update_definition` and
    :func:`~rumrules.batch_delete` read and change it when passed as ``destination_state``;
    they validate, this class only stores.  Its methods refuse what cannot be stored with a
    :class:`~rumrules.RequestError` (a ``ValueError``): a definition that is not a mapping,
    a copy of a stored one (``ConflictException``), one beyond ``capacity``
    (``ServiceQuotaExceededException``), an unknown id for :meth:`replace`
    (``ResourceNotFoundException``, also a ``KeyError``).  The constructor raises
    ``TypeError`` when ``capacity`` is not an ``int``, :class:`~rumrules.RumRulesError` when
    it is negative.

    Ids are random UUIDs (``uuid4``), as the service's look; with ``deterministic_ids=True``
    they are UUIDs derived from the destination and a counter, so the same calls give the
    same ids (tests, golden files).  Instances are picklable (a server may persist them) and
    every method is thread-safe.
    """

    def __init__(self, destination: str = "CloudWatch", destination_arn: str | None = None, *,
                 app_monitor_name: str | None = None, capacity: int = MAX_PER_DESTINATION,
                 deterministic_ids: bool = False) -> None:
        if not isinstance(capacity, int) or isinstance(capacity, bool):
            raise TypeError(f"capacity must be an int, not {type(capacity).__name__}")
        if capacity < 0:
            raise RumRulesError(f"capacity must be >= 0, not {capacity}")
        self.destination = destination
        self.destination_arn = destination_arn or None
        self.app_monitor_name = app_monitor_name
        self.capacity = capacity
        self.deterministic_ids = deterministic_ids
        self._definitions: dict[str, dict] = {}
        self._keys: dict[str, str] = {}          # canonical -> id
        self._counter = 0
        self.lock = threading.RLock()

    # -- reading -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._definitions)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._definitions))

    def __contains__(self, definition_id: object) -> bool:
        try:
            return definition_id in self._definitions
        except TypeError:  # unhashable: not an id
            return False

    @property
    def is_full(self) -> bool:
        return len(self._definitions) >= self.capacity

    def get(self, definition_id: str) -> dict | None:
        """The definition (a copy, as created) with this id, or ``None``."""
        try:
            d = self._definitions.get(definition_id)
        except TypeError:  # unhashable: not an id
            return None
        return detached(d) if d is not None else None

    def find(self, definition: Mapping) -> str | None:
        """The id of the definition identical to ``definition`` (see :func:`canonical`), or
        ``None`` (always, for something that is not a mapping)."""
        if not isinstance(definition, Mapping):
            return None
        return self._keys.get(canonical(definition))

    def keys(self) -> dict[str, str]:
        """Canonical key -> id of every definition (a copy)."""
        with self.lock:
            return dict(self._keys)

    def definitions(self) -> list[dict]:
        """Every definition in the API's ``MetricDefinition`` shape (with
        ``MetricDefinitionId``), in creation order -- what BatchGetRumMetricDefinitions lists."""
        with self.lock:
            return [{"MetricDefinitionId": i, **detached(d)}
                    for i, d in self._definitions.items()]

    # -- changing (no validation: the API functions validate) ------------------------------
    def add(self, definition: Mapping) -> str:
        """Store ``definition`` and return its new id.  Raise :class:`~rumrules.RequestError`
        (a ``ValueError``) when it is not a mapping, when an identical one is stored
        (``ConflictException``) or the destination is full
        (``ServiceQuotaExceededException``)."""
        _require_definition(definition)
        stored = _stored(definition)   # the caller's object is read once, here
        with self.lock:
            key = canonical(stored)
            if key in self._keys:
                raise RequestError(f"identical to metric definition {self._keys[key]}",
                                   field="MetricDefinition", code="ConflictException")
            if self.is_full:
                raise RequestError(f"the destination holds {self.capacity} definitions",
                                   field="MetricDefinition",
                                   code="ServiceQuotaExceededException")
            definition_id = self._new_id()
            self._definitions[definition_id] = stored
            self._keys[key] = definition_id
            return definition_id

    def replace(self, definition_id: str, definition: Mapping) -> None:
        """Replace the definition with this id.  Raise :class:`~rumrules.RequestError`:
        ``ResourceNotFoundException`` when the id is unknown (also a ``KeyError``),
        ``ConflictException`` when another stored definition is identical to the new one,
        ``ValidationException`` when the definition is not a mapping."""
        _require_definition(definition)
        stored = _stored(definition)   # the caller's object is read once, here
        with self.lock:
            if definition_id not in self:
                raise _UnknownDefinition(f"no metric definition {shown(definition_id)} in this "
                                         f"destination", field="MetricDefinitionId",
                                         code="ResourceNotFoundException")
            old = self._definitions[definition_id]
            key = canonical(stored)
            other = self._keys.get(key)
            if other is not None and other != definition_id:
                raise RequestError(f"identical to metric definition {other}",
                                   field="MetricDefinition", code="ConflictException")
            old_key = canonical(old)
            self._keys.pop(old_key, None)
            self._definitions[definition_id] = stored
            self._keys[key] = definition_id

    def remove(self, definition_id: str) -> bool:
        """Remove the definition with this id; ``False`` when there is none."""
        with self.lock:
            if definition_id not in self:
                return False
            old = self._definitions.pop(definition_id)
            self._keys.pop(canonical(old), None)
            return True

    def _new_id(self) -> str:
        self._counter += 1
        if not self.deterministic_ids:
            return str(uuid.uuid4())
        name = f"{self.app_monitor_name}|{self.destination}|{self.destination_arn}|{self._counter}"
        return str(uuid.uuid5(_ID_NAMESPACE, name))

    # -- pickling ------------------------------------------------------------------------
    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.lock = threading.RLock()

    def __repr__(self) -> str:
        arn = f", {shown(self.destination_arn)}" if self.destination_arn else ""
        return f"MetricDestination({shown(self.destination)}{arn}, {len(self)} definitions)"


def _stored(definition: Mapping) -> dict:
    """The members worth keeping (present, non-null), as a copy that shares nothing with
    ``definition``."""
    return {k: v for k, v in detached(definition).items() if v is not None}
