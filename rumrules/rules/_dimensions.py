"""RUM4xx: rules for extended and custom metrics alike."""

from __future__ import annotations

import json

from ..catalog.keys import FIRST_LEVEL_KEYS
from ..catalog.metrics import EXTENDED_DIMENSIONS
from ._custom import custom_flagged_paths
from ._examples import CUSTOM, JS_ERRORS, TOLERATED, edit, pattern
from ._extended import extended_analysis, similar_paths
from ._rule import Example, Finding, rule


def _flagged_paths(ctx) -> set[str]:
    """Pattern paths other rules already report as typos (see RUM205/RUM204, RUM304/RUM309)."""
    a = extended_analysis(ctx)
    out = custom_flagged_paths(ctx)
    if a is not None:
        out.update(c.path for c in a.extras)
        out.update(c.path for _, c in a.renamed)
    return out


def _fragment(path: str) -> str:
    *parents, leaf = path.split(".")
    text = f'{json.dumps(leaf)}: ["..."]'
    for p in reversed(parents):
        text = f"{json.dumps(p)}: {{{text}}}"
    return text


@rule(
    "RUM401", "dimension-not-in-pattern", "error",
    "A DimensionKeys key is not a field that EventPattern names.",
    source="API reference MetricDefinitionRequest.DimensionKeys (\"For both extended metrics "
           "and custom metrics, all dimensions listed in this field must also be included in "
           "EventPattern\"); SPEC §2.3a",
    details="""
Each DimensionKeys key must be a path the pattern filters on (nested objects and dotted keys
name the same path).  Keys another rule already rejects (an extended metric's disallowed
dimension, a custom metric's unknown first-level key) and pattern typos already reported are
not reported again.
""",
    good=[TOLERATED, CUSTOM, JS_ERRORS, edit(CUSTOM, DimensionKeys=...)],
    bad=[
        Example(edit(JS_ERRORS, EventPattern=pattern({
            "event_type": ["com.amazon.rum.js_error_event"]})),
            "an extended metric", ("DimensionKeys", "metadata.pageId")),
        Example(edit(CUSTOM, DimensionKeys={"event_details.current_url": "URL",
                                            "metadata.osName": "OS"}),
                "one of two keys", ("DimensionKeys", "metadata.osName")),
        Example(edit(CUSTOM, EventPattern=...), "no EventPattern at all", ("DimensionKeys",)),
        Example(edit(TOLERATED, DimensionKeys={"metadata.browserName": "BrowserName",
                                               "metadata.countryCode": "CountryCode",
                                               "metadata.deviceType": "DeviceType"}),
                "a third dimension", ("DimensionKeys", "metadata.deviceType")),
    ],
)
def _dimension_not_in_pattern(ctx):
    keys = list(ctx.dimension_keys)
    if not keys or ctx.pattern_error is not None or ctx.broken("EventPattern"):
        return
    if ctx.is_extended:
        keys = [k for k in keys if k in EXTENDED_DIMENSIONS]
    elif ctx.is_custom:
        keys = [k for k in keys if k.split(".", 1)[0] in FIRST_LEVEL_KEYS]
    if ctx.pattern is None:
        if keys and not (ctx.is_extended and ctx.extended_metric is not None):
            listed = ", ".join(repr(k) for k in keys)
            yield Finding(f"DimensionKeys names {listed}, but there is no EventPattern; "
                          f"every dimension must be a field of EventPattern",
                          ctx.at("DimensionKeys"), hint="add an EventPattern that names them")
        return
    conds = ctx.conditions
    flagged = None
    for key in keys:
        if key in conds:
            continue
        if flagged is None:
            flagged = _flagged_paths(ctx)
        if any(similar_paths(p, key) for p in flagged):
            continue
        yield Finding(f"DimensionKeys names {key!r}, but EventPattern does not; add "
                      f"{_fragment(key)} to EventPattern (or remove the dimension)",
                      ctx.at("DimensionKeys", key), hint=f"add {_fragment(key)}")


#: The dimension RUM adds to every CloudWatch data point (SPEC §4).
_APP_DIMENSION = "application_name"


@rule(
    "RUM402", "dimension-name-taken", "warning",
    "Two DimensionKeys entries give the same dimension name, or one is named "
    "application_name, the dimension RUM adds itself.",
    source="SPEC §4 (every CloudWatch data point has the application_name dimension); "
           "CloudWatch PutMetricData (a data point's dimension names are unique)",
    details="""
A data point cannot carry one dimension name twice.  RUM names the app monitor in an
`application_name` dimension of every CloudWatch data point, so an entry of that name would
replace it or be lost (rumrules' engine keeps the app monitor's); two entries with one name
would publish only one of the two values.  The service's own check is undocumented, so this
is a warning.  Evidently destinations ignore DimensionKeys.
""",
    good=[CUSTOM, edit(CUSTOM, DimensionKeys={"event_details.current_url": "URL"})],
    bad=[
        Example(edit(CUSTOM, DimensionKeys={"event_details.current_url": "application_name"}),
                "the app monitor's own dimension", ("DimensionKeys", "event_details.current_url")),
        Example(edit(CUSTOM, EventPattern=pattern({
            "event_type": ["my_custom_event"],
            "event_details": {"current_url": ["https://example.com/cart"]},
            "metadata": {"pageId": ["/cart"]}}),
            DimensionKeys={"event_details.current_url": "Page",
                           "metadata.pageId": "Page"}),
                "one name for two paths", ("DimensionKeys", "metadata.pageId")),
        Example(edit(CUSTOM, EventPattern=pattern({
            "event_type": ["my_custom_event"],
            "event_details": {"current_url": ["https://example.com/cart"]},
            "metadata": {"pageId": ["/cart"], "osName": ["Linux"]}}),
            DimensionKeys={"event_details.current_url": "Where",
                           "metadata.pageId": "What",
                           "metadata.osName": "Where"}),
                "the third entry repeats the first", ("DimensionKeys", "metadata.osName")),
    ],
)
def _dimension_name_taken(ctx):
    seen: dict[str, str] = {}
    for key, name in ctx.dimension_keys.items():
        if name == _APP_DIMENSION:
            yield Finding(f"dimension name {name!r} (for {key!r}) is the dimension RUM adds "
                          f"to every data point with the app monitor's name; choose another "
                          f"name", ctx.at("DimensionKeys", key),
                          hint="rename the dimension, e.g. 'Application'")
        elif name in seen:
            yield Finding(f"dimension name {name!r} is already given to {seen[name]!r}; a "
                          f"data point carries each dimension name once: give {key!r} a name "
                          f"of its own", ctx.at("DimensionKeys", key),
                          hint="rename one of the two dimensions")
        else:
            seen[name] = key
