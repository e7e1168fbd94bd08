"""MetricEngine, rule by rule of SPEC §4, and its outputs."""

from __future__ import annotations

import json
import pickle
from datetime import datetime, timezone

import pytest

from rumrules import (DefinitionError, MetricEngine, aggregate, emf_lines,
                      put_metric_data_requests)
from tests.ingest.payloads import P, T0, event, request

NAV = P + "performance_navigation_event"
NAV_PATTERN = json.dumps({"event_type": [NAV]})


def nav(duration, metadata=None, n=1, **details):
    d = {"version": "1.0.0", "initiatorType": "navigation", "startTime": 0, "duration": duration}
    d.update(details)
    return event(NAV, d, metadata or {"version": "1.0.0", "domain": "example.com",
                                      "browserName": "Chrome", "pageId": "/home"}, n=n)


def engine(*definitions, **kw):
    kw.setdefault("app_monitor_name", "MyWebApp")
    return MetricEngine(list(definitions), **kw)


def test_value_is_the_value_key_field():
    e = engine({"Name": "PerformanceNavigationDuration", "ValueKey": "event_details.duration",
                "UnitLabel": "Milliseconds", "EventPattern": NAV_PATTERN})
    (d,) = e.process(request(nav(2450.5)))
    assert (d.namespace, d.name, d.value, d.unit) == ("AWS/RUM", "PerformanceNavigationDuration",
                                                      2450.5, "Milliseconds")


def test_no_value_key_means_one():
    e = engine({"Name": "SessionCount", "EventPattern": json.dumps(
        {"event_type": [P + "session_start_event"]})})
    (d,) = e.process(request(event()))
    assert d.value == 1.0 and d.unit is None


@pytest.mark.parametrize("value", [None, "2450", True, [1, 2], {"a": 1}])
def test_missing_or_non_numeric_value_is_skipped_and_counted(value):
    e = engine({"Name": "Dur", "Namespace": "App", "ValueKey": "event_details.extra",
                "EventPattern": json.dumps({"event_type": ["my.event"]})})
    details = {"version": "1.0.0"} if value is None else {"extra": value}
    result = e.process_batch(request(event("my.event", details)))
    assert result.data == [] and result.skipped == 1


def test_namespaces():
    e = engine({"Name": "PageViewCount", "EventPattern": json.dumps(
        {"event_type": [P + "page_view_event"]})},
               {"Name": "Views", "Namespace": "Storefront",
                "EventPattern": json.dumps({"event_type": [P + "page_view_event"]})})
    data = e.process(request(event(P + "page_view_event", {"version": "1.0.0", "pageId": "/"})))
    assert [d.namespace for d in data] == ["AWS/RUM", "RUM/CustomMetrics/Storefront"]


def test_unit_label_is_the_unit():
    e = engine({"Name": "Bytes", "Namespace": "App", "ValueKey": "event_details.transferSize",
                "UnitLabel": "Bytes", "EventPattern": NAV_PATTERN})
    (d,) = e.process(request(nav(100, transferSize=2048)))
    assert d.unit == "Bytes" and d.value == 2048


def test_dimensions_cloudwatch():
    e = engine({"Name": "PerformanceNavigationDuration", "ValueKey": "event_details.duration",
                "DimensionKeys": {"metadata.browserName": "BrowserName",
                                  "metadata.countryCode": "CountryCode"},
                "EventPattern": json.dumps({"event_type": [NAV],
                                            "metadata": {"browserName": ["Chrome"],
                                                         "countryCode": ["US", "DE"]}})})
    (d,) = e.process(request(nav(1, {"version": "1.0.0", "domain": "x", "browserName": "Chrome",
                                     "countryCode": "US"})))
    assert d.dimensions == {"application_name": "MyWebApp", "BrowserName": "Chrome",
                            "CountryCode": "US"}


@pytest.mark.parametrize("pattern_value,value,rendered", [
    ("s", "s", "s"), (5, 5, "5"), (2.5, 2.5, "2.5"), (True, True, "true"),
    (False, False, "false"), (None, None, None), ("a", ["a", "b"], None)])
def test_dimension_values(pattern_value, value, rendered):
    e = engine({"Name": "Custom", "Namespace": "App",
                "DimensionKeys": {"event_details.tag": "Tag"},
                "EventPattern": json.dumps({"event_type": ["my.event"],
                                            "event_details": {"tag": [pattern_value]}})})
    (d,) = e.process(request(event("my.event", {"tag": value})))
    assert d.dimensions.get("Tag") == rendered
    assert d.dimensions["application_name"] == "MyWebApp"


@pytest.mark.parametrize("value,rendered", [
    ("s", "s"), (5, "5"), (1e16, "1e+16"), (True, "true"), (None, None), ([1], None),
    ({"a": 1}, None), ("", None), ("x" * 1025, None)])
def test_dimension_value_rendering(value, rendered):
    from rumrules.engine._engine import _dimension_value

    assert _dimension_value(value) == rendered


def test_evidently_ignores_dimension_keys():
    e = engine({"Name": "PerformanceNavigationDuration", "ValueKey": "event_details.duration",
                "DimensionKeys": {"metadata.browserName": "BrowserName"},
                "EventPattern": json.dumps({"event_type": [NAV],
                                            "metadata": {"browserName": ["Chrome"]}})},
               destination="Evidently")
    (d,) = e.process(request(nav(5)))
    assert d.dimensions == {"application_name": "MyWebApp"}


def test_timestamp_is_the_events():
    e = engine({"Name": "SessionCount", "EventPattern": json.dumps(
        {"event_type": [P + "session_start_event"]})})
    (d,) = e.process(request(event()))
    assert d.timestamp == datetime.fromtimestamp(T0, tz=timezone.utc)


def test_custom_metric_without_pattern_matches_every_document():
    e = engine({"Name": "Everything", "Namespace": "App"})
    data = e.process(request(event(n=1), nav(3, n=2), event("my.event", {"a": 1}, n=3)))
    assert len(data) == 3 and {d.name for d in data} == {"Everything"}


def test_only_matching_definitions_produce_data():
    e = engine({"Name": "NavigationToleratedTransaction", "EventPattern": json.dumps(
        {"event_type": [NAV], "event_details": {"duration": [{"numeric": [">=", 2000, "<", 8000]}]}})})
    data = e.process(request(nav(1999, n=1), nav(2000, n=2), nav(8000, n=3)))
    assert [d.value for d in data] == [1.0]


def test_rejected_definitions_raise_with_diagnostics():
    with pytest.raises(DefinitionError) as info:
        engine({"Name": "Ok", "Namespace": "App"},
               {"Name": "NavigationToleratedTransaction", "EventPattern":
                '{"event_type": ["x"], "event_details": {"duration": [{"numeric": ["=>", 2000]}]}}'})
    assert info.value.diagnostics and info.value.diagnostics[0][0] == 1


def test_dropped_events_are_reported():
    e = engine({"Name": "Everything", "Namespace": "App"})
    r = e.process_batch(request(event(P + "performance_navigation_event", {"bad": 1})))
    assert r.data == [] and r.dropped_events


def test_put_metric_data_requests_respect_the_limits():
    e = engine({"Name": "Everything", "Namespace": "App"}, {"Name": "SessionCount",
               "EventPattern": json.dumps({"event_type": [P + "session_start_event"]})})
    data = e.process(request(*[event(n=i) for i in range(1, 1301)]))
    assert len(data) == 2600
    reqs = put_metric_data_requests(data)
    assert all(len(r["MetricData"]) <= 1000 for r in reqs)
    assert sum(len(r["MetricData"]) for r in reqs) == 2600
    assert {r["Namespace"] for r in reqs} == {"AWS/RUM", "RUM/CustomMetrics/App"}
    small = put_metric_data_requests(data, max_bytes=20_000)
    assert len(small) > len(reqs)
    assert all(len(json.dumps(r, default=str, separators=(",", ":"))) <= 20_000 for r in small)


def test_emf_lines_are_valid_emf():
    e = engine({"Name": "PerformanceNavigationDuration", "ValueKey": "event_details.duration",
                "UnitLabel": "Milliseconds", "EventPattern": NAV_PATTERN})
    (line,) = emf_lines(e.process(request(nav(2450.5))))
    record = json.loads(line)
    meta = record["_aws"]["CloudWatchMetrics"][0]
    assert meta["Namespace"] == "AWS/RUM" and meta["Dimensions"] == [["application_name"]]
    assert meta["Metrics"] == [{"Name": "PerformanceNavigationDuration", "Unit": "Milliseconds"}]
    assert record["PerformanceNavigationDuration"] == 2450.5
    assert record["_aws"]["Timestamp"] == T0 * 1000


def test_aggregation_into_minutes():
    e = engine({"Name": "Dur", "Namespace": "App", "ValueKey": "event_details.duration",
                "EventPattern": NAV_PATTERN})
    evs = [dict(nav(v, n=i), timestamp=T0 + off) for i, (v, off) in
           enumerate([(1, 0), (5, 10), (3, 59), (10, 61)], start=1)]
    sets = aggregate(e.process(request(*evs)))
    assert len(sets) <= 2
    total = {(s.sample_count, s.sum, s.minimum, s.maximum) for s in sets}
    assert sum(s.sample_count for s in sets) == 4 and sum(s.sum for s in sets) == 19
    assert all(s.timestamp.second == 0 for s in sets) and total


def test_engine_pickles():
    e = engine({"Name": "SessionCount", "EventPattern": json.dumps(
        {"event_type": [P + "session_start_event"]})})
    f = pickle.loads(pickle.dumps(e))
    assert f.process(request(event())) == e.process(request(event()))
