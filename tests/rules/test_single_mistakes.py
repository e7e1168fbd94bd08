"""One mistake, one error: valid definitions (every extended metric, the sources' examples)
get no error, and each single mistake made to one of them gets exactly one error, of the
rule that names it."""

from __future__ import annotations

import json

import pytest

from rumrules import Severity
from rumrules.catalog.metrics import EXTENDED_DIMENSIONS, EXTENDED_METRICS
from rumrules.rules import check_definition, check_definitions

NAV = "com.amazon.rum.performance_navigation_event"

# The User Guide's custom metric (and the CLI's batch-create example).
UG_CUSTOM = {
    "Name": "AmazonVisitsCount", "Namespace": "PageVisit", "ValueKey": "event_details.visit_count",
    "UnitLabel": "Count", "DimensionKeys": {"event_details.current_url": "URL"},
    "EventPattern": '{"metadata":{"browserName":["Chrome"]},"event_type":["my_custom_event"],'
                    '"event_details":{"current_url":["amazonaws.com"]}}',
}
# The seed's BatchCreate example, DimensionKeys written as the API's map; the pattern text
# exactly as printed (multi-line).
SEED_TOLERATED = {
    "Name": "NavigationToleratedTransaction",
    "DimensionKeys": {"metadata.browserName": "BrowserName", "metadata.countryCode": "CountryCode"},
    "EventPattern": """{
      "event_type": ["com.amazon.rum.performance_navigation_event"],
      "metadata": {
        "browserName": [ "Chrome", "Safari" ],
        "countryCode": [ "US" ]
      },
      "event_details": {
        "duration": [{
          "numeric": [ ">=", 2000, "<", 8000 ]
        }]
      }
    }""",
    "UnitLabel": "Count",
}
# PR #119's fixed HttpErrorCount (reference §6).
PR119 = {
    "Name": "HttpErrorCount", "Namespace": "AWS/RUM", "UnitLabel": "Count",
    "DimensionKeys": {"metadata.pageId": "PageId"},
    "EventPattern": '{"event_type":["com.amazon.rum.http_event"],"metadata":{"pageId":["/welcome"]},'
                    '"event_details":{"response":{"status":[{"numeric":[">=",400]}]}}}',
}
SLOW_NAV = {
    "Name": "SlowNavigations", "Namespace": "MyApp/web", "ValueKey": "event_details.duration",
    "UnitLabel": "Milliseconds", "DimensionKeys": {"metadata.browserName": "Browser"},
    "EventPattern": json.dumps({"event_type": [NAV], "metadata": {"browserName": ["Chrome"]},
                                "event_details": {"duration": [{"numeric": [">", 5000]}]}}),
}


def with_dimensions(metric) -> dict:
    """An extended metric with every allowed dimension that fits its event type."""
    d = metric.definition()
    pattern = json.loads(d["EventPattern"])
    dims = {k: v for k, v in EXTENDED_DIMENSIONS.items()
            if k != "event_details.fileType" or metric.name == "PerformanceResourceDuration"}
    for path in dims:
        top, leaf = path.split(".")
        pattern.setdefault(top, {})[leaf] = ["a", "b"] if top == "metadata" else ["image"]
    d["DimensionKeys"] = dims
    d["EventPattern"] = json.dumps(pattern, indent=2)
    return d


VALID = ([m.definition() for m in EXTENDED_METRICS.values()]
         + [with_dimensions(m) for m in EXTENDED_METRICS.values()]
         + [UG_CUSTOM, SEED_TOLERATED, PR119, SLOW_NAV])


@pytest.mark.parametrize("definition", VALID, ids=lambda d: d["Name"])
def test_valid_definition_has_no_error(definition):
    diags = check_definition(definition)
    assert [str(d) for d in diags if d.severity is Severity.ERROR] == []
    # warnings only where the SPEC says warn: HttpErrorCount without status >= 400 (D5)
    assert [d.code for d in diags if d.severity is not Severity.INFO] == []


def test_valid_definitions_together():
    assert [d for d in check_definitions(VALID[14:] + [UG_CUSTOM | {"Name": "Other"}])
            if d.severity is Severity.ERROR] == []


def _pattern(d) -> dict:
    return json.loads(d["EventPattern"])


def _set_pattern(d, obj) -> dict:
    return {**d, "EventPattern": json.dumps(obj)}


def extended_mistakes(metric):
    """(label, broken definition, expected code) for one extended metric."""
    base = metric.definition()
    pat = _pattern(base)
    yield "name typo", {**base, "Name": metric.name + "s"}, "RUM201"
    yield "empty name", {**base, "Name": ""}, "RUM104"
    yield "name type", {**base, "Name": 7}, "RUM101"
    yield "no name", {k: v for k, v in base.items() if k != "Name"}, "RUM103"
    yield "wrong value key", {**base, "ValueKey": "event_details.other" if metric.value_key
                              else "event_details.duration"}, "RUM202"
    yield "no pattern", {k: v for k, v in base.items() if k != "EventPattern"}, "RUM203"
    yield "broken json", {**base, "EventPattern": base["EventPattern"][:-1]}, "RUM001"
    yield "wrong event type", _set_pattern(base, {**pat, "event_type": [
        "com.amazon.rum.dom_event"]}), "RUM204"
    yield "extra filter", _set_pattern(base, {**pat, "metadata": {"osName": ["Linux"]}}), "RUM205"
    yield "unit case", {**base, "UnitLabel": "count"}, "RUM105"
    yield "unknown member", {**base, "Unit": "Count"}, "RUM102"
    yield "misspelt member", {("eventPattern" if k == "EventPattern" else k): v
                              for k, v in base.items()}, "RUM102"
    yield "disallowed dimension", _set_pattern(
        {**base, "DimensionKeys": {"metadata.title": "Title"}},
        {**pat, "metadata": {"title": ["Home"]}}), "RUM206"
    yield "misnamed dimension", _set_pattern(
        {**base, "DimensionKeys": {"metadata.browserName": "Browser"}},
        {**pat, "metadata": {"browserName": ["Chrome"]}}), "RUM206"
    yield "dimension not in pattern", {**base, "DimensionKeys": {"metadata.osName": "OSName"}}, \
        "RUM401"
    yield "dimension name with colon", _set_pattern(
        {**base, "DimensionKeys": {"metadata.osName": ":OSName"}},
        {**pat, "metadata": {"osName": ["Linux"]}}), "RUM108"
    yield "dimension filter typo", _set_pattern(
        {**base, "DimensionKeys": {"metadata.osName": "OSName"}},
        {**pat, "metadata": {"osname": ["Linux"]}}), "RUM205"
    yield "AWS/ namespace", {**base, "Namespace": "AWS/Web"}, "RUM301"
    yield "dimension key typo", _set_pattern(
        {**base, "DimensionKeys": {"metadata.pageID": "PageId"}},
        {**pat, "metadata": {"pageId": ["/"]}}), "RUM206"
    yield "first segment typo", _set_pattern(
        {**base, "DimensionKeys": {"metadata.pageId": "PageId", "metadata.osName": "OSName"}},
        {**pat, "metdata": {"pageId": ["/"], "osName": ["Linux"]}}), "RUM205"
    yield "pattern as object", {**base, "EventPattern": pat}, "RUM101"
    yield "eventbridge operator and typo", _set_pattern(base, {**pat, "event_type": [
        {"prefix": "com.amazon.rum."}]}), "RUM204"
    for req in metric.extra:
        parent, leaf = req.path.rsplit(".", 1)
        node = pat
        for seg in parent.split("."):
            node = node[seg]
        value = node[leaf]
        node_renamed = {(leaf + "s" if k == leaf else k): v for k, v in node.items()}
        yield "misspelt required field", _set_pattern(base, _replace(pat, parent, node_renamed)), \
            "RUM204"
        ops = value[0]["numeric"]
        flipped = [{">": ">=", ">=": ">", "<": "<=", "<=": "<"}.get(o, o) for o in ops]
        yield "range operator", _set_pattern(base, _replace(pat, parent, {
            **node, leaf: [{"numeric": flipped}]})), "RUM204"
        yield "=> operator", _set_pattern(base, _replace(pat, parent, {
            **node, leaf: [{"numeric": ["=>" if o == ">=" else o for o in ops]}]})), \
            "RUM001" if ">=" in ops else None


def _replace(pat: dict, parent: str, node: dict) -> dict:
    out = json.loads(json.dumps(pat))
    cur = out
    segs = parent.split(".")
    for seg in segs[:-1]:
        cur = cur[seg]
    cur[segs[-1]] = node
    return out


def custom_mistakes():
    base = UG_CUSTOM
    pat = _pattern(base)
    yield "no namespace", {k: v for k, v in base.items() if k != "Namespace"}, "RUM201"
    yield "AWS/ namespace", {**base, "Namespace": "AWS/PageVisit"}, "RUM301"
    yield "namespace charset", {**base, "Namespace": "Page Visit!"}, "RUM303"
    yield "long namespace", {**base, "Namespace": "N" * 238}, "RUM104"
    yield "first-level typo", _set_pattern(base, {("metdata" if k == "metadata" else k): v
                                                  for k, v in pat.items()}), "RUM304"
    yield "value key typo", {**base, "ValueKey": "event_detail.visit_count"}, "RUM304"
    yield "no event type", _set_pattern(base, {k: v for k, v in pat.items()
                                               if k != "event_type"}), "RUM306"
    yield "two values", _set_pattern(base, {**pat, "metadata": {
        "browserName": ["Chrome", "Firefox"]}}), "RUM310"
    yield "unknown rum type", _set_pattern(base, {**pat, "event_type": [
        "com.amazon.rum.custom"]}), "RUM307"
    yield "custom type charset", _set_pattern(base, {**pat, "event_type": ["my event"]}), "RUM308"
    yield "dimension key typo", {**base, "DimensionKeys": {"event_details.current_ur": "URL"}}, \
        "RUM401"
    yield "pattern field typo", _set_pattern(base, {**pat, "event_details": {
        "curent_url": ["amazonaws.com"]}}), "RUM401"
    yield "unit", {**base, "UnitLabel": "ms"}, "RUM105"
    yield "dimension name", {**base, "DimensionKeys": {"event_details.current_url": " "}}, \
        "RUM108"
    yield "dimension list", {**base, "DimensionKeys": [
        {"Key": "event_details.current_url", "Value": "URL"}]}, "RUM101"
    yield "lower-case name member", {("name" if k == "Name" else k): v for k, v in base.items()}, \
        "RUM102"
    yield "trailing comma", {**base, "EventPattern": base["EventPattern"][:-1] + ",}"}, "RUM001"
    yield "empty value key", {**base, "ValueKey": ""}, "RUM104"
    slow = SLOW_NAV
    spat = _pattern(slow)
    yield "details field typo", _set_pattern(slow, {**spat, "event_details": {
        "durration": [{"numeric": [">", 5000]}]}}), "RUM309"
    yield "value key field typo", {**slow, "ValueKey": "event_details.durationMs"}, "RUM309"
    yield "pattern too long", {**slow, "EventPattern": json.dumps(
        {**spat, "userId": ["u" * 4000]})}, "RUM104"
    yield "dimension key first level", {**slow, "DimensionKeys": {"metdata.browserName": "B"}}, \
        "RUM304"
    yield "pattern first level with dimension", _set_pattern(slow, {
        ("metdata" if k == "metadata" else k): v for k, v in spat.items()}), "RUM304"


MISTAKES = [pytest.param(d, code, id=f"{m.name}-{label}")
            for m in EXTENDED_METRICS.values() for label, d, code in extended_mistakes(m)
            if code is not None]
MISTAKES += [pytest.param(d, code, id=f"custom-{label}") for label, d, code in custom_mistakes()]


@pytest.mark.parametrize("definition,code", MISTAKES)
def test_one_mistake_one_error(definition, code):
    errors = [d for d in check_definition(definition) if d.severity is Severity.ERROR]
    assert [d.code for d in errors] == [code], [str(d) for d in errors]


# A broken Namespace, or AWS/RUM a casing or space away that no custom metric may have
# either, on an otherwise valid extended metric (multi-value arrays included, which only
# custom metrics refuse): the Namespace rule alone reports it.
NAMESPACE_MISTAKES = [
    (5, "RUM101"), ("", "RUM104"), (["AWS/RUM"], "RUM101"), ("N" * 238, "RUM104"),
    ("AWS/RUM ", "RUM301"), ("AWS/rum", "RUM301"), ("AWS/RUM/", "RUM301"),
    ("   ", "RUM303"), ("AWS/RUM\t", "RUM303"), ("Web!", "RUM303"),
]
# AWS/RUM a casing or space away that a custom metric may have: the definition *is* a custom
# metric (published under RUM/CustomMetrics/aws/rum), so RUM302 says to write AWS/RUM and the
# custom rules still apply -- each multi-value array of the extended example is a RUM310.
USABLE_NEAR_EXTENDED = ["aws/rum", " AWS/RUM", "Aws/Rum"]
NAMESPACE_BASES = [SEED_TOLERATED, PR119, with_dimensions(EXTENDED_METRICS["JsErrorCount"]),
                   with_dimensions(EXTENDED_METRICS["PerformanceResourceDuration"])]


@pytest.mark.parametrize("namespace,code", NAMESPACE_MISTAKES, ids=repr)
@pytest.mark.parametrize("base", NAMESPACE_BASES, ids=lambda d: d["Name"])
def test_namespace_mistake_on_extended_metric(base, namespace, code):
    diags = check_definition({**base, "Namespace": namespace})
    assert [d.code for d in diags if d.severity is not Severity.INFO] == [code], \
        [str(d) for d in diags]


def _multi_value_arrays(definition) -> int:
    def count(node):
        if isinstance(node, dict):
            return sum(count(v) for v in node.values())
        return int(isinstance(node, list) and len(node) > 1)
    return count(json.loads(definition["EventPattern"]))


@pytest.mark.parametrize("namespace", USABLE_NEAR_EXTENDED, ids=repr)
@pytest.mark.parametrize("base", NAMESPACE_BASES, ids=lambda d: d["Name"])
def test_near_extended_custom_namespace_is_a_custom_metric(base, namespace):
    diags = check_definition({**base, "Namespace": namespace})
    codes = [d.code for d in diags if d.severity is not Severity.INFO]
    assert codes == ["RUM302"] + ["RUM310"] * _multi_value_arrays(base), [str(d) for d in diags]
    assert "write 'AWS/RUM'" in diags[0].message


def test_two_mistakes_two_errors():
    d = {**UG_CUSTOM, "UnitLabel": "count", "Namespace": "AWS/PageVisit"}
    assert sorted(x.code for x in check_definition(d)) == ["RUM105", "RUM301"]
