"""MetricDatum and StatisticSet: what the engine produces."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..errors import RumRulesError

__all__ = ["MetricDatum", "StatisticSet", "engine_datum"]


def _refuse(cls: str, member: str, want: str, value: Any) -> RumRulesError:
    return RumRulesError(f"{cls}.{member} must be {want}, not {type(value).__name__}")


def _validate(obj: Any, numbers: tuple[str, ...]) -> None:
    """Check a hand-built data point's members (the engine builds valid ones) and make its
    texts plain ``str``, its ``dimensions`` a plain dict of its own and its numbers floats;
    raise RumRulesError."""
    cls = type(obj).__name__
    for member in ("namespace", "name", "unit"):
        value = getattr(obj, member)
        if isinstance(value, str):
            object.__setattr__(obj, member, str.__str__(value))  # a subclass: the plain text
        elif value is not None or member != "unit":
            raise _refuse(cls, member, "a string" + (" or None" if member == "unit" else ""),
                          value)
    if not isinstance(obj.timestamp, datetime):
        raise _refuse(cls, "timestamp", "a datetime", obj.timestamp)
    dims = obj.dimensions
    if not isinstance(dims, Mapping):
        raise _refuse(cls, "dimensions", "a mapping of strings to strings", dims)
    dims = dict(dims.items())
    for k, v in dims.items():
        if not isinstance(k, str) or not isinstance(v, str):
            bad = k if not isinstance(k, str) else v
            raise _refuse(cls, "dimensions", "a mapping of strings to strings", bad)
    object.__setattr__(obj, "dimensions", {str.__str__(k): str.__str__(v)
                                          for k, v in dims.items()})
    for member in numbers:
        value = getattr(obj, member)
        if type(value) is float:
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise _refuse(cls, member, "a number", value)
        try:
            object.__setattr__(obj, member, float(value))
        except OverflowError:
            raise RumRulesError(f"{cls}.{member} is too large for a double") from None


@dataclass(frozen=True)
class MetricDatum:
    """One CloudWatch data point, as RUM would publish it.

    ``namespace`` (``AWS/RUM`` or ``RUM/CustomMetrics/<Namespace>``), ``name``, ``value``
    (a float), ``unit`` (a CloudWatch unit or ``None``), ``dimensions`` (name -> value,
    ``application_name`` first), ``timestamp`` (the event's, a UTC ``datetime``), and
    ``definition`` (the index of the definition that produced it).

    A hand-built one is checked when built: a member of another type raises
    :class:`~rumrules.RumRulesError`; ``dimensions`` is copied.
    """

    namespace: str
    name: str
    value: float
    unit: str | None
    dimensions: dict[str, str]
    timestamp: datetime
    definition: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        _validate(self, ("value",))

    def to_cloudwatch(self) -> dict[str, Any]:
        """The ``MetricData`` entry of a PutMetricData request (boto3's parameter form)."""
        entry: dict[str, Any] = {
            "MetricName": self.name,
            "Dimensions": [{"Name": k, "Value": v} for k, v in self.dimensions.items()],
            "Timestamp": self.timestamp,
            "Value": self.value,
        }
        if self.unit:
            entry["Unit"] = self.unit
        return entry


@dataclass(frozen=True)
class StatisticSet:
    """Data points of one metric and one minute, aggregated: ``sample_count``, ``sum``,
    ``minimum``, ``maximum`` (CloudWatch's ``StatisticValues``); ``timestamp`` is the start of
    the minute.  Checked when built, as :class:`MetricDatum` is."""

    namespace: str
    name: str
    unit: str | None
    dimensions: dict[str, str]
    timestamp: datetime
    sample_count: float
    sum: float
    minimum: float
    maximum: float

    def __post_init__(self) -> None:
        _validate(self, ("sample_count", "sum", "minimum", "maximum"))

    def to_cloudwatch(self) -> dict[str, Any]:
        """The ``MetricData`` entry of a PutMetricData request, with ``StatisticValues``."""
        entry: dict[str, Any] = {
            "MetricName": self.name,
            "Dimensions": [{"Name": k, "Value": v} for k, v in self.dimensions.items()],
            "Timestamp": self.timestamp,
            "StatisticValues": {"SampleCount": self.sample_count, "Sum": self.sum,
                                "Minimum": self.minimum, "Maximum": self.maximum},
        }
        if self.unit:
            entry["Unit"] = self.unit
        return entry


def engine_datum(namespace: str, name: str, value: float, unit: str | None,
                 dimensions: dict[str, str], timestamp: datetime, definition: int) -> MetricDatum:
    """A :class:`MetricDatum` from the engine's own valid, unshared values, built without
    the checks a hand-built one gets (the hot path: one per matched definition)."""
    datum = object.__new__(MetricDatum)
    datum.__dict__.update(namespace=namespace, name=name, value=value, unit=unit,
                          dimensions=dimensions, timestamp=timestamp, definition=definition)
    return datum
