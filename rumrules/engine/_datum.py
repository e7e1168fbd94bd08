"""MetricDatum and StatisticSet: what the engine produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["MetricDatum", "StatisticSet"]


@dataclass(frozen=True)
class MetricDatum:
    """One CloudWatch data point, as RUM would publish it.

    ``namespace`` (``AWS/RUM`` or ``RUM/CustomMetrics/<Namespace>``), ``name``, ``value``
    (a float), ``unit`` (a CloudWatch unit or ``None``), ``dimensions`` (name -> value,
    ``application_name`` first), ``timestamp`` (the event's, a UTC ``datetime``), and
    ``definition`` (the index of the definition that produced it).
    """

    namespace: str
    name: str
    value: float
    unit: str | None
    dimensions: dict[str, str]
    timestamp: datetime
    definition: int = field(default=0, compare=False)

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
    the minute."""

    namespace: str
    name: str
    unit: str | None
    dimensions: dict[str, str]
    timestamp: datetime
    sample_count: float
    sum: float
    minimum: float
    maximum: float

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
