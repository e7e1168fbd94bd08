"""RUM2xx: extended metrics (Namespace omitted or ``AWS/RUM``): the 14 names, their ValueKey,
the pattern fragments each needs, the extra filters and dimensions they may have."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import shown
from ..catalog.keys import FIRST_LEVEL_KEYS, closest_first_level_key
from ..catalog.metrics import (EXTENDED_DIMENSIONS, EXTENDED_METRICS, EXTENDED_NAMESPACE,
                               NumericRange, RequiredField)
from ..pattern import Exact, Numeric
from ._examples import CUSTOM, HTTP_4XX, JS_ERRORS, TOLERATED, edit, pattern
from ._model import closest
from ..errors import Fix
from ._rule import Example, Finding, rule

__all__ = ["extended_analysis", "render_condition", "similar_paths", "inside"]

_SOURCE = "API reference MetricDefinitionRequest (extended metrics); SPEC §2.2"
_NAV = "com.amazon.rum.performance_navigation_event"
_EP = ("EventPattern",)

# The User Guide's default-metric names (reference D16) -> the extended metric names.
_UG_NAMES = {
    "NavigationSatisfiedCount": "NavigationSatisfiedTransaction",
    "NavigationToleratedCount": "NavigationToleratedTransaction",
    "NavigationFrustratedCount": "NavigationFrustratedTransaction",
}


def _row(name: str) -> dict:
    return EXTENDED_METRICS[name].definition()


# ----------------------------------------------------------------------------------------
# Shared analysis: which required fields are missing, wrong, misnamed; which are extra.


@dataclass
class ExtendedAnalysis:
    missing: list = field(default_factory=list)    # RequiredField
    wrong: list = field(default_factory=list)      # (RequiredField, Condition)
    renamed: list = field(default_factory=list)    # (RequiredField, Condition)
    extras: list = field(default_factory=list)     # Condition


def similar_paths(a: str, b: str) -> bool:
    """True when dotted path ``a`` is probably a misspelling or misplacement of ``b``."""
    if a.casefold() == b.casefold():
        return True
    la, lb = a.rsplit(".", 1)[-1], b.rsplit(".", 1)[-1]
    if la.casefold().replace("_", "") == lb.casefold().replace("_", ""):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def extended_analysis(ctx) -> ExtendedAnalysis | None:
    """The comparison of an extended metric's pattern with its row (``None`` when this is
    not a known extended metric with a valid pattern)."""
    return ctx.memo("extended", lambda: _analyse(ctx))


def _analyse(ctx) -> ExtendedAnalysis | None:
    metric = ctx.extended_metric
    if metric is None or ctx.pattern is None:
        return None
    conds = ctx.conditions
    out = ExtendedAnalysis()
    required = {r.path for r in metric.required}
    for req in metric.required:
        found = conds.get(req.path)
        if not found:
            out.missing.append(req)
            continue
        bad = next((c for c in found if not req.matches(c.matchers)), None)
        if bad is not None:
            out.wrong.append((req, bad))
    named = _dimension_paths(ctx)
    if ctx.broken("DimensionKeys"):
        return out  # RUM101 reports it; which filters it names is unknown
    # A DimensionKeys key that the pattern does not name and that is not one of the six
    # allowed paths is itself the typo (RUM206 reports it): a pattern path close to it
    # counts as named, so the one mistake is not reported again here.
    typos = [k for k in ctx.dimension_keys if k not in conds and k not in EXTENDED_DIMENSIONS]
    candidates = []
    for path, cs in conds.items():
        if path in required or path in named:
            continue
        if typos and any(similar_paths(path, k) for k in typos):
            continue
        if path in metric.numeric_filters and all(
                isinstance(m, Numeric) for c in cs for m in c.matchers):
            continue
        candidates.extend(cs)
    for req in list(out.missing):
        twin = next((c for c in candidates if similar_paths(c.path, req.path)), None)
        if twin is not None:
            out.missing.remove(req)
            out.renamed.append((req, twin))
            candidates.remove(twin)
    out.extras = candidates
    return out


def _dimension_paths(ctx) -> set[str]:
    dk = ctx.raw("DimensionKeys")
    return {k for k in dk if isinstance(k, str)} if isinstance(dk, Mapping) else set()


def inside(path: str) -> str:
    """`` inside "event_details" > "response"`` for a nested path, else ``""``."""
    parents = path.split(".")[:-1]
    return (" inside " + " > ".join(json.dumps(p) for p in parents)) if parents else ""


def _render_matcher(m) -> object:
    if isinstance(m, Exact):
        return m.value if m.type == "string" else _Raw(m.text)
    if isinstance(m, Numeric):
        r = NumericRange(m.lower, m.lower_inclusive, m.upper, m.upper_inclusive)
        if m.lower is not None and m.lower == m.upper:
            return {"numeric": ["=", r.operands[1]]}
        return {"numeric": r.operands}
    return _Raw(m.describe())


class _Raw:
    def __init__(self, text: object):
        self.text = str(text)


def _dumps(obj: object) -> str:
    if isinstance(obj, _Raw):
        return obj.text
    if isinstance(obj, list):
        return "[" + ", ".join(_dumps(x) for x in obj) + "]"
    if isinstance(obj, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_dumps(v)}" for k, v in obj.items()) + "}"
    return json.dumps(obj)


def render_condition(c) -> str:
    """``"duration": [{"numeric": [">", 2000]}]`` for a compiled condition."""
    return f"{json.dumps(c.segments[-1])}: {_dumps([_render_matcher(m) for m in c.matchers])}"


def _needs(name: str, req: RequiredField) -> str:
    return f"{name} needs {req.fragment()}{inside(req.path)}"


# ----------------------------------------------------------------------------------------


@rule(
    "RUM201", "extended-name", "error",
    "With Namespace omitted or AWS/RUM, Name must be one of the 14 extended metrics; a custom "
    "metric needs its own Namespace.",
    source=_SOURCE + "; the BatchCreate page (no custom metrics in AWS/RUM)",
    decisions=("D4",),
    details="""
D4: the API reference's list of Names has 11 entries, its validation list 14 (adding
`PageViewCount`, `Http4xxCount`, `Http5xxCount`); all 14 are accepted.  The message names the
closest extended metric (the User Guide's `NavigationSatisfiedCount` and friends map to the
`...Transaction` names, reference D16).  To define your own metric, give it a Namespace: it is
published to `RUM/CustomMetrics/<Namespace>`.
""",
    good=[TOLERATED, JS_ERRORS, _row("PageViewCount"), _row("Http5xxCount"), CUSTOM],
    bad=[
        Example(edit(CUSTOM, Namespace=...), "a custom metric without Namespace", ("Name",)),
        Example(edit(JS_ERRORS, Name="JsErrorCounts"), "a misspelt extended name", ("Name",)),
        Example(edit(CUSTOM, Namespace=EXTENDED_NAMESPACE), "a custom metric in AWS/RUM",
                ("Name",)),
        Example(edit(TOLERATED, Name="NavigationToleratedCount"), "the User Guide's name",
                ("Name",)),
    ],
)
def _extended_name(ctx):
    if not ctx.is_extended:
        return
    name = ctx.value("Name")
    if name is None or name in EXTENDED_METRICS:
        return
    guess = _UG_NAMES.get(name) or closest(name, EXTENDED_METRICS, cutoff=0.75)
    where = ("omitted" if ctx.raw("Namespace") is None else f'"{EXTENDED_NAMESPACE}"')
    message = (f"{name!r} is not an extended metric (Namespace is {where}); "
               f"a custom metric needs its own Namespace, e.g. \"Namespace\": \"MyApp\"")
    hint = 'add "Namespace": "<your namespace>"'
    if guess:
        message = (f"{name!r} is not an extended metric; did you mean {guess!r}? "
                   f"(a custom metric needs its own Namespace)")
        hint = f"write {guess!r}, or add a Namespace for a custom metric"
    yield Finding(message, ctx.at("Name"), hint=hint)


@rule(
    "RUM202", "extended-value-key", "error",
    "An extended metric's ValueKey is not the one its Name requires (or must be absent).",
    source=_SOURCE,
    details="""
Durations read `event_details.duration`, web vitals `event_details.value`; every count metric
takes no ValueKey ("must be null": absent or JSON null, and RUM publishes 1 per event).
""",
    good=[_row("PerformanceNavigationDuration"), _row("WebVitalsCumulativeLayoutShift"),
          TOLERATED, edit(JS_ERRORS, ValueKey=None)],
    bad=[
        Example(edit(_row("PerformanceNavigationDuration"), ValueKey="event_details.value"),
                "a web-vital ValueKey on a duration", ("ValueKey",)),
        Example(edit(_row("WebVitalsLargestContentfulPaint"), ValueKey=...), "missing",
                ("ValueKey",)),
        Example(edit(JS_ERRORS, ValueKey="event_details.lineno"), "ValueKey on a count",
                ("ValueKey",)),
        Example(edit(TOLERATED, ValueKey="event_details.duration"), "ValueKey on a count",
                ("ValueKey",)),
    ],
    fix="safe",
)
def _extended_value_key(ctx):
    metric = ctx.extended_metric
    if metric is None or ctx.broken("ValueKey"):
        return
    got = ctx.value("ValueKey")
    if got == metric.value_key:
        return
    if metric.value_key is None:
        yield Finding(f"{metric.name} counts events: remove ValueKey {shown(got)} (it must be "
                      f"absent or null)", ctx.at("ValueKey"), hint="remove ValueKey",
                      fix=Fix("remove"))
    else:
        found = f" (found {shown(got)})" if got is not None else ""
        yield Finding(f'{metric.name} needs "ValueKey": "{metric.value_key}"{found}',
                      ctx.at("ValueKey"), hint=f'write "ValueKey": "{metric.value_key}"',
                      fix=Fix("set", metric.value_key))


@rule(
    "RUM203", "extended-pattern-required", "error",
    "An extended metric has no EventPattern.",
    source=_SOURCE + " (\"the metric definition is not valid if EventPattern is omitted\")",
    details="An empty EventPattern string counts as omitted.",
    good=[TOLERATED, JS_ERRORS, _row("SessionCount")],
    bad=[
        Example(edit(JS_ERRORS, EventPattern=..., DimensionKeys=...), "omitted",
                ("EventPattern",)),
        Example(edit(_row("SessionCount"), EventPattern=""), "empty", ("EventPattern",)),
        Example(edit(_row("PerformanceResourceDuration"), EventPattern=None), "null",
                ("EventPattern",)),
    ],
)
def _extended_pattern_required(ctx):
    metric = ctx.extended_metric
    if metric is None or not ctx.pattern_absent:
        return
    yield Finding(f"extended metrics need an EventPattern; {metric.name} needs at least "
                  f"{metric.pattern_text()}", ctx.at("EventPattern"),
                  hint=f"write \"EventPattern\": {json.dumps(metric.pattern_text())}")


@rule(
    "RUM204", "extended-fragment", "error",
    "An extended metric's EventPattern lacks a field its Name requires, or has it with "
    "another value.",
    source=_SOURCE,
    decisions=("D1", "D2", "D3"),
    details="""
Each Name needs its `event_type` and, for the navigation and Http4xx/5xx metrics, one numeric
range -- exactly that one value.  Ranges are compared as ranges of doubles, not as text:
`2e3` is `2000`, but `<= 499` is not `< 500`.

| Name | EventPattern must include |
|---|---|
""" + "\n".join(f"| {m.name} | `" + "`, `".join(
        f"{r.path}: {json.dumps(r.value_json())}" for r in m.required) + "` |"
        for m in EXTENDED_METRICS.values()) + """

D1: the API reference writes the Tolerated and Frustrated ranges with `"=>"` (and without the
comma before `8000`); rumrules reads them as `">="`.  D2: the API reference requires
NavigationSatisfiedTransaction to have `duration > 2000`, which is what rumrules checks,
although the User Guide defines a satisfied navigation as one *under* 2000 ms (the Apdex
objective) -- the API text is probably a documentation bug.  D3: the API reference's Http4xx
and Http5xx fragments do not parse (misplaced brackets); rumrules reads them as
`event_details.response.status` ranges `[>= 400, < 500]` and `[>= 500, <= 599]`.  A field
name that is close to the required one (`durration`, or `duration` outside `event_details`)
is reported once, here, as a rename.
""",
    good=[TOLERATED, HTTP_4XX, _row("NavigationSatisfiedTransaction"),
          edit(_row("NavigationFrustratedTransaction"), EventPattern=pattern({
              "event_type": [_NAV], "event_details": {"duration": [{"numeric": [">=", 8e3]}]}}))],
    bad=[
        Example(edit(TOLERATED, EventPattern=pattern({
            "event_type": [_NAV], "metadata": {"browserName": ["Chrome"], "countryCode": ["US"]},
            "event_details": {"duration": [{"numeric": [">", 2000, "<", 8000]}]}})),
            "`>` where `>=` is required", _EP),
        Example(edit(JS_ERRORS, EventPattern=pattern({
            "event_type": ["com.amazon.rum.http_event"], "metadata": {"pageId": ["/"]}})),
            "the wrong event type", _EP),
        Example(edit(HTTP_4XX, EventPattern=pattern({
            "event_type": ["com.amazon.rum.http_event"],
            "event_details": {"response": {"status": [{"numeric": [">=", 400, "<=", 499]}]}}})),
            "`<= 499` is not `< 500`", _EP),
        Example(edit(_row("NavigationFrustratedTransaction"), EventPattern=pattern({
            "event_type": [_NAV], "event_details": {"durration": [{"numeric": [">=", 8000]}]}})),
            "a misspelt field", _EP),
        Example(edit(_row("NavigationSatisfiedTransaction"), EventPattern=pattern({
            "event_type": [_NAV]})), "the range is missing", _EP),
    ],
)
def _extended_fragment(ctx):
    a = extended_analysis(ctx)
    if a is None:
        return
    name = ctx.extended_metric.name
    line, column = ctx.root_position
    for req in a.missing:
        yield Finding(_needs(name, req), _EP, line, column, hint=f"add {req.fragment()}")
    for req, c in a.wrong:
        yield Finding(f"{_needs(name, req)}; found {render_condition(c)}", _EP, c.line,
                      c.column, hint=f"write {req.fragment()}")
    for req, c in a.renamed:
        yield Finding(f"{_needs(name, req)}; found {json.dumps(c.path)} instead: rename it",
                      _EP, c.line, c.column, hint=f"write {req.fragment()}{inside(req.path)}")


@rule(
    "RUM205", "extended-extra-filter", "error",
    "An extended metric's EventPattern filters on a field that DimensionKeys does not name.",
    source=_SOURCE + " (\"the EventPattern can also include information used by the "
           "DimensionKeys field\")",
    details="""
Besides its required fields, an extended metric's pattern may only contain fields that
DimensionKeys names (to pick dimension values), and, for HttpErrorCount, numeric conditions on
`event_details.response.status`.  To filter on anything else, define a custom metric (with its
own Namespace).  Fields under a first segment that is not a first-level key of RUM events
(`metdata`) are one mistake, reported once for the segment; a pattern field close to a
DimensionKeys key that is not allowed (`metadata.pageID`) is RUM206's, not reported here.
""",
    good=[TOLERATED, JS_ERRORS,
          edit(_row("HttpErrorCount"), EventPattern=pattern({
              "event_type": ["com.amazon.rum.http_event"],
              "event_details": {"response": {"status": [{"numeric": [">=", 500]}]}}}))],
    bad=[
        Example(edit(TOLERATED, DimensionKeys={"metadata.browserName": "BrowserName"}),
                "countryCode filtered but not a dimension", _EP),
        Example(edit(JS_ERRORS, DimensionKeys=...), "pageId filtered without DimensionKeys", _EP),
        Example(edit(JS_ERRORS, EventPattern=pattern({
            "event_type": ["com.amazon.rum.js_error_event"], "metadata": {"pageId": ["/"]},
            "event_details": {"type": ["TypeError"]}})), "a filter on an error field", _EP),
        Example(edit(_row("HttpErrorCount"), EventPattern=pattern({
            "event_type": ["com.amazon.rum.http_event"],
            "event_details": {"response": {"status": [404]}}})),
            "HttpErrorCount's status must be numeric conditions", _EP),
        Example(edit(TOLERATED, EventPattern=TOLERATED["EventPattern"].replace(
            '"metadata"', '"metdata"')), "a misspelt first segment over two fields", _EP),
    ],
)
def _extended_extra_filter(ctx):
    a = extended_analysis(ctx)
    if a is None:
        return
    metric = ctx.extended_metric
    named = sorted(_dimension_paths(ctx))
    # Filters under a first segment that is no first-level key (a typo such as "metdata"):
    # one finding per segment, not one per field below it.
    renamed = {c.segments[0] for _, c in a.renamed}
    strays: dict[str, list] = {}
    for c in a.extras:
        if c.segments[0] not in FIRST_LEVEL_KEYS:
            strays.setdefault(c.segments[0], []).append(c)
    for seg, cs in strays.items():
        if seg in renamed:
            continue  # RUM204 reports the misspelt segment with the required field under it
        guess = closest_first_level_key(seg)
        fields = ", ".join(repr(c.path) for c in cs)
        tail = (f"; did you mean {guess!r}?" if guess else
                "; an extended metric's EventPattern may only add fields that DimensionKeys "
                "names")
        yield Finding(f"{seg!r} is not a first-level key of RUM events (EventPattern filters "
                      f"on {fields}){tail}", _EP, cs[0].line, cs[0].column,
                      f"write {guess!r}" if guess else "remove it")
    for c in a.extras:
        if c.segments[0] in strays:
            continue
        if c.path in metric.numeric_filters:
            msg = (f"{metric.name} allows only numeric conditions on {c.path!r}; found "
                   f"{render_condition(c)}")
            hint = 'write [{"numeric": [">=", 400]}]'
        elif c.path in EXTENDED_DIMENSIONS:
            dim = EXTENDED_DIMENSIONS[c.path]
            msg = (f"{c.path!r} filters events but DimensionKeys does not name it; add "
                   f'"{c.path}": "{dim}" to DimensionKeys, or remove the filter')
            hint = f'add "{c.path}": "{dim}" to DimensionKeys'
        else:
            guess = closest(c.path, named, cutoff=0.75) if named else None
            if guess:
                msg = (f"{c.path!r} is not a DimensionKeys field; did you mean {guess!r}? "
                       f"An extended metric's EventPattern may only add fields that "
                       f"DimensionKeys names")
                hint = f"write {guess!r}"
            else:
                msg = (f"{c.path!r} filters events, but an extended metric's EventPattern may "
                       f"only add fields that DimensionKeys names; remove it, or define a "
                       f"custom metric (with a Namespace) to filter on it")
                hint = "remove it"
        yield Finding(msg, _EP, c.line, c.column, hint)


@rule(
    "RUM206", "extended-dimension", "error",
    "An extended metric's DimensionKeys entry is not one of the six it may have.",
    source=_SOURCE + "; the BatchCreate page (dimension names)",
    details="The allowed entries:\n\n" + "\n".join(
        f"- `\"{k}\": \"{v}\"`" for k, v in EXTENDED_DIMENSIONS.items()) + """

A misspelt key (`metadata.pageID`) is reported here once; the pattern field it was meant to
name (`metadata.pageId`) is not reported again as an extra filter (RUM205).""",
    good=[TOLERATED, JS_ERRORS, edit(_row("PerformanceResourceDuration"),
                                     DimensionKeys={"event_details.fileType": "FileType"},
                                     EventPattern=pattern({
                                         "event_type": ["com.amazon.rum.performance_resource_event"],
                                         "event_details": {"fileType": ["image"]}}))],
    bad=[
        Example(edit(TOLERATED, DimensionKeys={"metadata.browserName": "Browser",
                                               "metadata.countryCode": "CountryCode"}),
                "the wrong dimension name", ("DimensionKeys", "metadata.browserName")),
        Example(edit(JS_ERRORS, DimensionKeys={"metadata.pageId": "PageId",
                                               "metadata.title": "PageId"}),
                "a path that is not allowed", ("DimensionKeys", "metadata.title")),
        Example(edit(JS_ERRORS, DimensionKeys={"metadata.pageId": "PageId",
                                               "metadata.osVersion": "OSVersion"}),
                "a dimension that is not allowed", ("DimensionKeys", "metadata.osVersion")),
        Example(edit(JS_ERRORS, DimensionKeys={"metadata.pageID": "PageId"}),
                "a misspelt key (the pattern has metadata.pageId)",
                ("DimensionKeys", "metadata.pageID")),
    ],
)
def _extended_dimension(ctx):
    if ctx.extended_metric is None:
        return
    names = {v: k for k, v in EXTENDED_DIMENSIONS.items()}
    for key, name in ctx.dimension_keys.items():
        want = EXTENDED_DIMENSIONS.get(key)
        if want == name:
            continue
        if want is not None:
            msg = f'the dimension for "{key}" must be named "{want}", not "{name}"'
            hint = f'write "{key}": "{want}"'
        elif name in names:
            msg = f'dimension "{name}" comes from "{names[name]}", not "{key}"'
            hint = f'write "{names[name]}": "{name}"'
        else:
            guess = closest(key, EXTENDED_DIMENSIONS, cutoff=0.75)
            allowed = ", ".join(f'"{k}": "{v}"' for k, v in EXTENDED_DIMENSIONS.items())
            msg = (f'"{key}" is not a dimension an extended metric can have'
                   + (f'; did you mean "{guess}"?' if guess else "")
                   + f"; allowed: {allowed}")
            hint = (f'write "{guess}": "{EXTENDED_DIMENSIONS[guess]}"' if guess
                    else "remove it, or define a custom metric")
        yield Finding(msg, ctx.at("DimensionKeys", key), hint=hint)


@rule(
    "RUM207", "http-error-status", "warning",
    "HttpErrorCount's EventPattern does not restrict event_details.response.status to >= 400.",
    source="reference rum-domain.md §0 D5 (aws-observability/application-signals-demo PR #119)",
    decisions=("D5",),
    details="""
D5: the API reference only requires `{"event_type": ["com.amazon.rum.http_event"]}`, but the
live service has been seen rejecting exactly that pattern (`Value {} for metric field event
detail is not valid.`) and accepting it with
`"event_details": {"response": {"status": [{"numeric": [">=", 400]}]}}` added.  rumrules warns
rather than errs, since the documentation says otherwise.
""",
    good=[_row("HttpErrorCount"),
          edit(_row("HttpErrorCount"), EventPattern=pattern({
              "event_type": ["com.amazon.rum.http_event"],
              "event_details": {"response": {"status": [{"numeric": [">=", 400, "<", 600]}]}}}))],
    bad=[
        Example(edit(_row("HttpErrorCount"), EventPattern=pattern({
            "event_type": ["com.amazon.rum.http_event"]})), "the documented pattern", _EP),
        Example(edit(_row("HttpErrorCount"), EventPattern=pattern({
            "event_type": ["com.amazon.rum.http_event"],
            "event_details": {"response": {"status": [{"numeric": [">=", 300]}]}}})),
            "a lower bound under 400", _EP),
        Example({"Name": "HttpErrorCount", "DimensionKeys": {"metadata.pageId": "PageId"},
                 "Namespace": "AWS/RUM",
                 "EventPattern": pattern({"event_type": ["com.amazon.rum.http_event"],
                                          "metadata": {"pageId": ["/welcome"]}})},
                "the pattern from PR #119", _EP),
    ],
)
def _http_error_status(ctx):
    metric = ctx.extended_metric
    if metric is None or not metric.recommended or ctx.pattern is None:
        return
    for req in metric.recommended:
        found = ctx.conditions.get(req.path)
        if not found:
            line, column = ctx.root_position
            yield Finding(f"{metric.name} should also have {req.fragment()}{inside(req.path)}: "
                          f"the service has refused HttpErrorCount patterns without it (D5)",
                          _EP, line, column, hint=f"add {req.fragment()}")
            continue
        for c in found:
            ms = c.matchers
            if all(isinstance(m, Numeric) for m in ms) and not all(_from_400(m) for m in ms):
                yield Finding(f"{metric.name}'s {render_condition(c)} includes statuses below "
                              f"400; the service expects {req.fragment()} (D5)", _EP, c.line,
                              c.column, hint=f"write {req.fragment()}")


def _from_400(m) -> bool:
    lo = m.lower
    return lo is not None and (lo > 399 or (lo == 399 and not m.lower_inclusive))
