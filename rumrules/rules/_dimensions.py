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
