"""MetricEngine: stored documents x definitions -> the data points RUM would publish."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Iterable, Mapping

from ..errors import DefinitionError, RumRulesError, Severity
from ..index import PatternSet
from ..ingestion import ingest_batch
from ..pattern import compile_pattern
from ..pattern._events import load_event
from ..pattern._numbers import NumberText
from ..rules import check_definition
from ._datum import MetricDatum

__all__ = ["MetricEngine", "ProcessResult"]

_EXTENDED_NAMESPACE = "AWS/RUM"
_CUSTOM_PREFIX = "RUM/CustomMetrics/"
_MISSING = object()


@dataclass
class ProcessResult:
    """What one request produced: ``data`` (the data points), ``skipped`` (matches whose
    ValueKey was missing or not a number), and the events and attributes that ingestion
    dropped (``dropped_events``, ``dropped_attributes``)."""

    data: list[MetricDatum] = field(default_factory=list)
    skipped: int = 0
    dropped_events: list = field(default_factory=list)
    dropped_attributes: list = field(default_factory=list)


@dataclass(frozen=True)
class _Definition:
    index: int
    name: str
    namespace: str
    value_key: tuple[str, ...] | None
    unit: str | None
    dimensions: tuple[tuple[tuple[str, ...], str], ...]


class MetricEngine:
    """Match stored documents against a destination's metric definitions, as RUM does.

    ``definitions`` are MetricDefinitionRequest dicts (a ``MetricDefinitionId`` member is
    allowed); each is checked first and any error-severity finding raises
    :class:`DefinitionError` with the diagnostics.  All patterns go into one
    :class:`PatternSet`.  ``destination`` is ``CloudWatch`` or ``Evidently`` (which ignores
    DimensionKeys).  Engines are immutable after construction, thread-safe and picklable.
    """

    def __init__(self, definitions: Iterable[Mapping[str, Any]], *, app_monitor_name: str,
                 destination: str = "CloudWatch", account_id: str | None = None) -> None:
        if destination not in ("CloudWatch", "Evidently"):
            raise RumRulesError(f"destination must be CloudWatch or Evidently, not {destination!r}")
        if not isinstance(app_monitor_name, str) or not app_monitor_name:
            raise RumRulesError("app_monitor_name must be a non-empty string")
        self.app_monitor_name = app_monitor_name
        self.destination = destination
        self.account_id = account_id
        self.definitions = [dict(d) if isinstance(d, Mapping) else d for d in definitions]
        problems = []
        for i, d in enumerate(self.definitions):
            request = {k: v for k, v in d.items() if k != "MetricDefinitionId"} if isinstance(
                d, dict) else d
            for diag in check_definition(request):
                if diag.severity == Severity.ERROR:
                    problems.append((i, diag))
        if problems:
            lines = "; ".join(f"[{i}] {d.code} {d.message}" for i, d in problems[:5])
            more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
            raise DefinitionError(f"{len(problems)} error(s) in the definitions: {lines}{more}",
                                  problems)
        self._index = PatternSet("eventbridge")
        self._always: list[int] = []
        self._defs: list[_Definition] = []
        for i, d in enumerate(self.definitions):
            self._defs.append(self._prepare(i, d))
            pattern = d.get("EventPattern")
            if pattern in (None, ""):
                self._always.append(i)
            else:
                self._index.add(str(i), compile_pattern(pattern, dialect="eventbridge"))

    def _prepare(self, i: int, d: Mapping) -> _Definition:
        ns = d.get("Namespace")
        namespace = _EXTENDED_NAMESPACE if ns in (None, _EXTENDED_NAMESPACE) else _CUSTOM_PREFIX + ns
        vk = d.get("ValueKey")
        dims: tuple = ()
        if self.destination == "CloudWatch":
            dims = tuple((tuple(path.split(".")), name)
                         for path, name in (d.get("DimensionKeys") or {}).items())
        return _Definition(i, d["Name"], namespace, tuple(vk.split(".")) if vk else None,
                           d.get("UnitLabel") or None, dims)

    # ------------------------------------------------------------------ processing
    def process(self, request: Any) -> list[MetricDatum]:
        """The data points of a PutRumEvents request (dict, or wire JSON text/bytes)."""
        return self.process_batch(request).data

    def process_batch(self, request: Any) -> ProcessResult:
        """Ingest a PutRumEvents request and process its documents; see :class:`ProcessResult`."""
        ingested = ingest_batch(request, app_monitor_name=self.app_monitor_name,
                                account_id=self.account_id)
        result = self.process_documents(ingested.documents)
        result.dropped_events = list(ingested.dropped_events)
        result.dropped_attributes = list(ingested.dropped_attributes)
        return result

    def process_documents(self, documents: Iterable[Any]) -> ProcessResult:
        """Process stored documents (dicts, or JSON text) directly."""
        result = ProcessResult()
        data = result.data
        for doc in documents:
            if not isinstance(doc, dict):
                doc = load_event(doc)
            matched = [int(n) for n in self._index.matches(doc)]
            if self._always:
                matched = sorted(set(matched).union(self._always))
            if not matched:
                continue
            timestamp = _timestamp(doc)
            for i in matched:
                d = self._defs[i]
                if d.value_key is None:
                    value = 1.0
                else:
                    value = _number(_lookup(doc, d.value_key))
                    if value is None:
                        result.skipped += 1
                        continue
                dims = {"application_name": self.app_monitor_name}
                for path, dim_name in d.dimensions:
                    rendered = _dimension_value(_lookup(doc, path))
                    if rendered is not None:
                        dims[dim_name] = rendered
                data.append(MetricDatum(d.namespace, d.name, value, d.unit, dims, timestamp, i))
        return result

    def __reduce__(self):
        return (_rebuild, (self.definitions, self.app_monitor_name, self.destination,
                           self.account_id))

    def __repr__(self) -> str:
        return (f"MetricEngine({len(self._defs)} definitions, "
                f"app_monitor_name={self.app_monitor_name!r}, destination={self.destination!r})")


def _rebuild(definitions, app_monitor_name, destination, account_id) -> MetricEngine:
    return MetricEngine(definitions, app_monitor_name=app_monitor_name,
                        destination=destination, account_id=account_id)


def _lookup(doc: Any, segments: tuple[str, ...]) -> Any:
    """The value at a dotted path: nested objects, or a key that itself holds dots."""
    node = doc
    for i, seg in enumerate(segments):
        if not isinstance(node, dict):
            return _MISSING
        if seg in node:
            node = node[seg]
            continue
        rest = ".".join(segments[i:])
        if rest in node:
            return node[rest]
        return _MISSING
    return node


def _number(value: Any) -> float | None:
    t = type(value)
    if t is int or t is float or t is Decimal:
        f = float(value)
        return f if math.isfinite(f) else None
    return None


def _dimension_value(value: Any) -> str | None:
    """A dimension value as CloudWatch takes it (strings as they are, numbers as JSON
    renders them, booleans true/false); None for absent, null, arrays and objects, and for
    values CloudWatch refuses (empty, or longer than 1024 characters)."""
    t = type(value)
    if t is str:
        text = value
    elif t is bool:
        text = "true" if value else "false"
    elif t is int or t is float:
        if t is float and not math.isfinite(value):
            return None
        text = json.dumps(value)
    elif t is Decimal:
        text = str(value)
    elif t is NumberText:
        text = value.text
    else:
        return None
    return text if 0 < len(text) <= 1024 else None


def _timestamp(doc: Mapping) -> datetime:
    ms = doc.get("event_timestamp")
    if isinstance(ms, (int, float)) and not isinstance(ms, bool):
        return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return datetime.now(tz=timezone.utc)
