"""The 14 extended metrics of CloudWatch RUM and what each requires.

Source: the API reference's ``MetricDefinitionRequest`` (seed and botocore), corrected by
the decisions of SPEC §5: D1 (``=>`` means ``>=``), D2 (Satisfied is ``> 2000`` as the API
says), D3 (Http4xx/Http5xx are ``event_details.response.status`` ranges), D4 (all 14 names
are valid), D5 (HttpErrorCount should also filter ``status >= 400``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Mapping

__all__ = ["EXTENDED_NAMESPACE", "CUSTOM_NAMESPACE_PREFIX", "EXTENDED_DIMENSIONS",
           "NumericRange", "RequiredField", "ExtendedMetric", "EXTENDED_METRICS"]

#: The namespace of extended metrics (omitting Namespace means the same).
EXTENDED_NAMESPACE = "AWS/RUM"
#: What RUM prepends to a custom metric's Namespace.
CUSTOM_NAMESPACE_PREFIX = "RUM/CustomMetrics/"

#: The only DimensionKeys entries an extended metric may have: field path -> dimension name.
EXTENDED_DIMENSIONS: Mapping[str, str] = {
    "metadata.pageId": "PageId",
    "metadata.browserName": "BrowserName",
    "metadata.deviceType": "DeviceType",
    "metadata.osName": "OSName",
    "metadata.countryCode": "CountryCode",
    "event_details.fileType": "FileType",
}


@dataclass(frozen=True)
class NumericRange:
    """A ``numeric`` matcher as a range of doubles (``None`` = unbounded)."""

    lower: float | None
    lower_inclusive: bool
    upper: float | None
    upper_inclusive: bool

    @property
    def operands(self) -> list:
        out: list = []
        if self.lower is not None:
            out += [">=" if self.lower_inclusive else ">", _num(self.lower)]
        if self.upper is not None:
            out += ["<=" if self.upper_inclusive else "<", _num(self.upper)]
        return out

    def to_json(self) -> dict:
        return {"numeric": self.operands}

    def same_as(self, matcher: object) -> bool:
        """True when ``matcher`` (a compiled ``numeric`` matcher) is exactly this range."""
        from ..pattern import Numeric   # compiled matchers exist: the package is loaded

        return (isinstance(matcher, Numeric)
                and matcher.lower == self.lower and matcher.upper == self.upper  # type: ignore[attr-defined]
                and (self.lower is None or matcher.lower_inclusive == self.lower_inclusive)  # type: ignore[attr-defined]
                and (self.upper is None or matcher.upper_inclusive == self.upper_inclusive))  # type: ignore[attr-defined]


def _num(x: float) -> int | float:
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


@dataclass(frozen=True)
class RequiredField:
    """One field an extended metric's EventPattern must have, with its one value:
    an exact string or a numeric range."""

    path: str
    value: str | NumericRange

    @property
    def leaf(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    def value_json(self) -> list:
        return [self.value.to_json() if isinstance(self.value, NumericRange) else self.value]

    def fragment(self) -> str:
        """``"duration": [{"numeric": [">=", 2000, "<", 8000]}]``."""
        return f"{json.dumps(self.leaf)}: {json.dumps(self.value_json())}"

    def matches(self, matchers: tuple) -> bool:
        """True when a compiled condition's matchers are exactly this one value."""
        if len(matchers) != 1:
            return False
        (m,) = matchers
        if isinstance(self.value, NumericRange):
            return self.value.same_as(m)
        from ..pattern import Exact   # compiled matchers exist: the package is loaded

        return isinstance(m, Exact) and m.value == self.value


@dataclass(frozen=True)
class ExtendedMetric:
    """One row of the extended-metrics table."""

    name: str
    value_key: str | None
    event_type: str
    extra: tuple[RequiredField, ...] = ()
    unit: str | None = None
    evidently: bool = False
    decisions: tuple[str, ...] = ()
    #: paths on which extra ``numeric`` conditions are allowed (HttpErrorCount)
    numeric_filters: tuple[str, ...] = ()
    #: fields the live service wants although the docs do not (D5): a warning when missing
    recommended: tuple[RequiredField, ...] = field(default=())

    @property
    def required(self) -> tuple[RequiredField, ...]:
        return (RequiredField("event_type", self.event_type),) + self.extra

    def pattern(self) -> dict:
        """The smallest valid EventPattern for this metric, as a dict."""
        out: dict = {}
        for req in self.required + self.recommended:
            node = out
            *parents, leaf = req.path.split(".")
            for p in parents:
                node = node.setdefault(p, {})
            node[leaf] = req.value_json()
        return out

    def pattern_text(self) -> str:
        return json.dumps(self.pattern())

    def definition(self) -> dict:
        """A valid definition of this metric (no dimensions)."""
        d: dict = {"Name": self.name}
        if self.value_key:
            d["ValueKey"] = self.value_key
        if self.unit:
            d["UnitLabel"] = self.unit
        d["EventPattern"] = self.pattern_text()
        return d


_NAV = "com.amazon.rum.performance_navigation_event"
_HTTP = "com.amazon.rum.http_event"
_STATUS = "event_details.response.status"
_DURATION = "event_details.duration"


def _range(lo: float | None, lo_inc: bool, hi: float | None = None,
           hi_inc: bool = False) -> NumericRange:
    return NumericRange(None if lo is None else float(lo), lo_inc,
                        None if hi is None else float(hi), hi_inc)


_ROWS = (
    ExtendedMetric("PerformanceNavigationDuration", _DURATION, _NAV,
                   unit="Milliseconds", evidently=True),
    ExtendedMetric("PerformanceResourceDuration", _DURATION,
                   "com.amazon.rum.performance_resource_event", unit="Milliseconds",
                   evidently=True),
    ExtendedMetric("NavigationSatisfiedTransaction", None, _NAV,
                   (RequiredField(_DURATION, _range(2000, False)),), unit="Count",
                   decisions=("D2",)),
    ExtendedMetric("NavigationToleratedTransaction", None, _NAV,
                   (RequiredField(_DURATION, _range(2000, True, 8000, False)),), unit="Count",
                   decisions=("D1",)),
    ExtendedMetric("NavigationFrustratedTransaction", None, _NAV,
                   (RequiredField(_DURATION, _range(8000, True)),), unit="Count",
                   decisions=("D1",)),
    ExtendedMetric("WebVitalsCumulativeLayoutShift", "event_details.value",
                   "com.amazon.rum.cumulative_layout_shift_event", unit="None", evidently=True),
    ExtendedMetric("WebVitalsFirstInputDelay", "event_details.value",
                   "com.amazon.rum.first_input_delay_event", unit="Milliseconds",
                   evidently=True),
    ExtendedMetric("WebVitalsLargestContentfulPaint", "event_details.value",
                   "com.amazon.rum.largest_contentful_paint_event", unit="Milliseconds",
                   evidently=True),
    ExtendedMetric("JsErrorCount", None, "com.amazon.rum.js_error_event", unit="Count"),
    ExtendedMetric("HttpErrorCount", None, _HTTP, unit="Count", decisions=("D5",),
                   numeric_filters=(_STATUS,),
                   recommended=(RequiredField(_STATUS, _range(400, True)),)),
    ExtendedMetric("SessionCount", None, "com.amazon.rum.session_start_event", unit="Count"),
    ExtendedMetric("PageViewCount", None, "com.amazon.rum.page_view_event", unit="Count",
                   decisions=("D4",)),
    ExtendedMetric("Http4xxCount", None, _HTTP,
                   (RequiredField(_STATUS, _range(400, True, 500, False)),), unit="Count",
                   decisions=("D3", "D4")),
    ExtendedMetric("Http5xxCount", None, _HTTP,
                   (RequiredField(_STATUS, _range(500, True, 599, True)),), unit="Count",
                   decisions=("D3", "D4")),
)

#: Name -> row, in the API reference's order.
EXTENDED_METRICS: Mapping[str, ExtendedMetric] = {m.name: m for m in _ROWS}
