"""Rule checking: one full destination (2000 definitions, a realistic mix of extended and
custom metrics), checked and compiled from scratch, against ``json.loads`` of the same text
measured in the same run (``bench/report.py`` gives the ratio).

The pattern cache is emptied before every round, so each round really parses and compiles
all 2000 EventPatterns.
"""

from __future__ import annotations

import json

import pytest

from rumrules import purge
from rumrules.catalog.metrics import EXTENDED_METRICS
from rumrules.rules import check_definitions
from rumrules.service import MetricDestination, batch_create

GROUP = "rules: check + compile one full destination (2000 definitions)"
NAV = "com.amazon.rum.performance_navigation_event"
HTTP = "com.amazon.rum.http_event"
BROWSERS = ["Chrome", "Firefox", "Safari", "Edge"]
COUNTRIES = ["US", "DE", "JP", "FR", "IN"]


def _extended(i: int) -> dict:
    """An extended metric filtered to one page (and, every other time, to browsers)."""
    metric = list(EXTENDED_METRICS.values())[i % len(EXTENDED_METRICS)]
    d = metric.definition()
    pattern = json.loads(d["EventPattern"])
    pattern["metadata"] = {"pageId": [f"/shop/item/{i}"]}
    dims = {"metadata.pageId": "PageId"}
    if i % 2:
        pattern["metadata"]["browserName"] = BROWSERS[: 1 + i % 3]
        dims["metadata.browserName"] = "BrowserName"
    d["DimensionKeys"] = dims
    d["EventPattern"] = json.dumps(pattern, indent=2)
    return d


def _custom(i: int) -> dict:
    """A custom metric over a built-in or a custom event type, one value per array."""
    kind = i % 3
    if kind == 0:
        pattern = {"event_type": [NAV], "metadata": {"countryCode": [COUNTRIES[i % 5]],
                                                      "pageId": [f"/p/{i}"]},
                   "event_details": {"duration": [{"numeric": [">=", 1000 + i, "<", 9000]}]}}
        extra = {"ValueKey": "event_details.duration", "UnitLabel": "Milliseconds",
                 "DimensionKeys": {"metadata.countryCode": "Country"}}
    elif kind == 1:
        pattern = {"event_type": [HTTP], "metadata": {"browserName": [BROWSERS[i % 4]],
                                                      "pageId": [f"/api/{i}"]},
                   "event_details": {"request": {"method": ["POST"]},
                                     "response": {"status": [{"numeric": [">=", 500 + i % 7]}]}}}
        extra = {"UnitLabel": "Count", "DimensionKeys": {"metadata.browserName": "Browser",
                                                         "event_details.request.method": "Method"}}
    else:
        pattern = {"event_type": [f"checkout_step_{i % 20}"],
                   "metadata": {"pageId": [f"/checkout/{i}"]},
                   "event_details": {"cart_value": [{"numeric": [">", 0]}]}}
        extra = {"ValueKey": "event_details.cart_value", "UnitLabel": "None",
                 "DimensionKeys": {"metadata.pageId": "Page"}}
    return {"Name": f"Custom{i}", "Namespace": f"Shop/{i % 10}",
            "EventPattern": json.dumps(pattern), **extra}


def destination_definitions(n: int = 2000) -> list[dict]:
    """40% extended, 60% custom, all valid and distinct."""
    return [_extended(i) if i % 5 < 2 else _custom(i) for i in range(n)]


@pytest.fixture(scope="module")
def request_text() -> str:
    return json.dumps(destination_definitions())


def _check(text: str) -> None:
    diags = check_definitions(json.loads(text))
    assert not [d for d in diags if str(d.severity) == "error"], diags[:3]


def _create(text: str) -> None:
    defs = json.loads(text)
    state = MetricDestination()
    for k in range(0, len(defs), 200):
        resp = batch_create({"AppMonitorName": "shop", "Destination": "CloudWatch",
                             "MetricDefinitions": defs[k:k + 200]}, state)
        assert not resp["Errors"]
    assert len(state) == 2000


def test_rules_check_destination(benchmark, request_text):
    benchmark.group = GROUP
    benchmark.pedantic(_check, args=(request_text,), setup=purge, rounds=5, iterations=1)


def test_rules_batch_create_destination(benchmark, request_text):
    benchmark.group = GROUP
    benchmark.pedantic(_create, args=(request_text,), setup=purge, rounds=5, iterations=1)


def test_rules_baseline_json_loads(benchmark, request_text):
    benchmark.group = GROUP
    benchmark(json.loads, request_text)
