"""Metric definitions, valid or breaking exactly one rule."""

from __future__ import annotations

import json

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..catalog.metrics import EXTENDED_DIMENSIONS, EXTENDED_METRICS
from ..pattern import EventPattern

from ._common import _BROWSERS, _COUNTRIES, _PAGES, _RUM, _dump
from ._events import _put

# ---------------------------------------------------------------------------- definitions

_NS_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/#: "
_CUSTOM_FIELDS = {
    _RUM + "performance_navigation_event": ["duration", "transferSize", "domComplete"],
    _RUM + "performance_resource_event": ["duration", "transferSize"],
    _RUM + "largest_contentful_paint_event": ["value"],
}


@st.composite
def _extended(draw) -> dict:
    metric = EXTENDED_METRICS[draw(st.sampled_from(sorted(EXTENDED_METRICS)))]
    d = metric.definition()
    pattern = json.loads(d["EventPattern"])
    dims = draw(st.lists(st.sampled_from(sorted(EXTENDED_DIMENSIONS)), max_size=2, unique=True))
    dims = [k for k in dims if k != "event_details.fileType"
            or metric.event_type.endswith("resource_event")]
    if dims:
        d["DimensionKeys"] = {k: EXTENDED_DIMENSIONS[k] for k in dims}
        for k in dims:
            _put(pattern, tuple(k.split(".")), [draw(st.sampled_from(
                _BROWSERS if k.endswith("browserName") else _COUNTRIES if k.endswith(
                    "countryCode") else _PAGES))])
    d["EventPattern"] = _dump(draw, pattern, draw(st.sampled_from([None, 2])), False)
    if draw(st.booleans()):
        d["Namespace"] = "AWS/RUM"
    return d


@st.composite
def _custom(draw) -> dict:
    namespace = draw(st.text(_NS_CHARS, min_size=1, max_size=30).filter(
        lambda s: not s.upper().startswith("AWS/") and s.strip()))
    d: dict = {"Name": draw(st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,30}", fullmatch=True)),
               "Namespace": namespace}
    if draw(st.booleans()):
        etype = draw(st.sampled_from(sorted(_CUSTOM_FIELDS)))
        field = draw(st.sampled_from(_CUSTOM_FIELDS[etype]))
    else:
        etype = draw(st.from_regex(r"[a-z][a-z0-9_.-]{0,20}", fullmatch=True).filter(
            lambda s: not s.startswith("com.amazon.rum")))
        field = draw(st.from_regex(r"[a-z][a-zA-Z0-9_]{0,15}", fullmatch=True))
    pattern: dict = {"event_type": [etype]}
    if draw(st.booleans()):
        pattern["event_details"] = {field: [{"numeric": [">=", draw(st.integers(0, 1000))]}]}
        d["ValueKey"] = f"event_details.{field}"
        d["UnitLabel"] = draw(st.sampled_from(["Milliseconds", "Count", "Bytes", "None"]))
    if draw(st.booleans()):
        pattern.setdefault("metadata", {})["browserName"] = [draw(st.sampled_from(_BROWSERS))]
        d["DimensionKeys"] = {"metadata.browserName": "Browser"}
    d["EventPattern"] = _dump(draw, pattern, draw(st.sampled_from([None, 2])), draw(st.booleans()))
    return d


def _break(d: dict, how: str) -> dict:
    d = dict(d)
    if how == "unit":
        d["UnitLabel"] = "count"
    elif how == "unknown-member":
        d["Colour"] = "blue"
    elif how == "name-length":
        d["Name"] = "N" * 256
    elif how == "no-pattern":
        d.pop("EventPattern", None)
    elif how == "json":
        d["EventPattern"] = d["EventPattern"].replace("]", "", 1)
    elif how == "value-key":
        d["ValueKey"] = "event_details.nope"
    elif how == "aws-namespace":
        d["Namespace"] = "AWS/" + d.get("Namespace", "x").lstrip("/")[:20]
    elif how == "first-level-key":
        p = json.loads(d["EventPattern"])
        p["eventDetails"] = {"x": ["y"]}
        d["EventPattern"] = json.dumps(p)
    elif how == "two-values":
        p = json.loads(d["EventPattern"])
        p.setdefault("metadata", {})["osName"] = ["Windows", "Linux"]
        d["EventPattern"] = json.dumps(p)
    elif how == "dimension-not-in-pattern":
        d["DimensionKeys"] = dict(d.get("DimensionKeys") or {}, **{"metadata.osName": "OS"})
    return d


_BREAKS = {
    "extended": ["unit", "unknown-member", "no-pattern", "json", "value-key"],
    "custom": ["unit", "unknown-member", "name-length", "json", "aws-namespace",
               "first-level-key", "two-values", "dimension-not-in-pattern"],
}


def metric_definitions(*, kind: str | None = None, valid: bool = True) -> st.SearchStrategy[dict]:
    """MetricDefinitionRequest dicts: ``kind`` ``"extended"``, ``"custom"`` or ``None``
    (either); ``valid=False`` gives definitions that break exactly one rule."""
    if not (kind is None or kind in ("extended", "custom")):
        raise InvalidArgument(f"kind must be 'extended', 'custom' or None, not {kind!r:.80}")
    kinds = [kind] if kind else ["extended", "custom"]

    @st.composite
    def build(draw):
        k = draw(st.sampled_from(kinds))
        d = draw(_extended() if k == "extended" else _custom())
        if valid:
            return d
        return _break(d, draw(st.sampled_from(_BREAKS[k])))

    return build()


