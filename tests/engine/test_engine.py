"""MetricEngine, rule by rule of SPEC §4, and its outputs."""

from __future__ import annotations

import json
import pickle
from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from rumrules import (DefinitionError, MetricEngine, RumRulesError, aggregate, emf_lines,
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


VALUE_DEFINITION = {"Name": "Dur", "Namespace": "App", "ValueKey": "event_details.extra",
                    "EventPattern": json.dumps({"event_type": ["my.event"]})}


def doc(details, **members):
    out = {"event_type": "my.event", "event_timestamp": T0 * 1000, "event_details": details}
    out.update(members)
    return out


def test_huge_integer_value_in_a_request_is_skipped():
    result = engine(VALUE_DEFINITION).process_batch(
        request(event("my.event", {"extra": 10 ** 400})))
    assert result.data == [] and result.skipped == 1


@pytest.mark.parametrize("value", [
    10 ** 400, -(10 ** 400), 2 ** 360 + 1, 2.0 ** 361, -(2.0 ** 361), 2.0 ** -361, -1e-300,
    Decimal("1e400"), Decimal("2e-400"), Decimal("NaN"), float("inf"), float("nan")],
    ids=["10**400", "-10**400", "2**360+1", "2.0**361", "-2.0**361", "2.0**-361", "-1e-300",
         "Decimal-1e400", "Decimal-2e-400", "Decimal-NaN", "inf", "nan"])
def test_values_cloudwatch_rejects_are_skipped(value):
    result = engine(VALUE_DEFINITION).process_documents([doc({"extra": value})])
    assert result.data == [] and result.skipped == 1


@pytest.mark.parametrize("value,expected", [
    (2 ** 360, 2.0 ** 360), (-(2 ** 360), -(2.0 ** 360)), (2.0 ** 360, 2.0 ** 360),
    (2.0 ** -360, 2.0 ** -360), (-(2.0 ** -360), -(2.0 ** -360)), (0, 0.0), (0.0, 0.0),
    (Decimal("2.5"), 2.5), (12345678901234567890123, 1.2345678901234568e22)])
def test_values_within_cloudwatch_range_are_kept(value, expected):
    (d,) = engine(VALUE_DEFINITION).process_documents([doc({"extra": value})]).data
    assert d.value == expected and type(d.value) is float


@pytest.mark.parametrize("text,expected", [
    ("1e400", None), ("-1e309", None), ("1e-400", None), ("1e-200", None),
    ("0.30000000000000001", 0.3), ("1" + "0" * 400, None), ("0", 0.0)],
    ids=["1e400", "-1e309", "1e-400", "1e-200", "0.30000000000000001", "10**400", "0"])
def test_values_in_document_text(text, expected):
    """Document text keeps numbers a double cannot hold exactly as text: they count by
    their exact value."""
    body = ('{"event_type": "my.event", "event_timestamp": %d, "event_details": {"extra": %s}}'
            % (T0 * 1000, text))
    result = engine(VALUE_DEFINITION).process_documents([body])
    if expected is None:
        assert result.data == [] and result.skipped == 1
    else:
        assert [d.value for d in result.data] == [expected] and result.skipped == 0


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


@pytest.mark.parametrize("details", [{"version": "1.0.0"}, {"tag": {"a": 1}}, {"tag": {}}],
                         ids=["absent", "object", "empty-object"])
def test_absent_or_object_dimension_is_left_out(details):
    e = engine({"Name": "Custom", "Namespace": "App",
                "DimensionKeys": {"event_details.tag": "Tag"},
                "EventPattern": json.dumps({"event_type": ["my.event"],
                                            "event_details": {"tag": [{"exists": False}]}})})
    (d,) = e.process(request(event("my.event", details)))
    assert d.dimensions == {"application_name": "MyWebApp"}


def test_dimension_named_application_name_keeps_the_app_monitors():
    e = engine({"Name": "Custom", "Namespace": "App",
                "DimensionKeys": {"event_type": "application_name",
                                  "event_details.tag": "Tag"},
                "EventPattern": json.dumps({"event_type": ["my.event"],
                                            "event_details": {"tag": ["t"]}})})
    (d,) = e.process(request(event("my.event", {"tag": "t"})))
    assert d.dimensions == {"application_name": "MyWebApp", "Tag": "t"}


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


def test_identical_definitions_are_rejected():
    session = {"Name": "SessionCount", "EventPattern": json.dumps(
        {"event_type": [P + "session_start_event"]})}
    copy = dict(session, Namespace="AWS/RUM", MetricDefinitionId="other-id")
    with pytest.raises(DefinitionError) as info:
        engine(session, {"Name": "Ok", "Namespace": "App"}, copy)
    assert [(i, d.code) for i, d in info.value.diagnostics] == [(2, "RUM508")]
    assert "RUM508" in str(info.value)


def test_more_than_2000_definitions_are_rejected():
    defs = [{"Name": f"M{i}", "Namespace": "App"} for i in range(2001)]
    assert len(engine(*defs[:2000]).process(request(event()))) == 2000
    with pytest.raises(DefinitionError) as info:
        engine(*defs)
    assert [(i, d.code) for i, d in info.value.diagnostics] == [(2000, "RUM507")]


def test_evidently_engine_needs_no_destination_arn():
    e = engine({"Name": "Ok", "Namespace": "App"}, destination="Evidently")
    assert len(e.process(request(event()))) == 1


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


def test_emf_records_of_different_data_points_never_share_keys():
    """A metric named like another metric's dimension: each data point is its own valid
    record, so neither value is lost."""
    e = engine({"Name": "Tag", "Namespace": "App", "ValueKey": "event_details.n",
                "EventPattern": json.dumps({"event_type": ["my.event"]})},
               {"Name": "Other", "Namespace": "App", "DimensionKeys": {"event_details.tag": "Tag"},
                "EventPattern": json.dumps({"event_type": ["my.event"],
                                            "event_details": {"tag": ["t"]}})})
    first, second = (json.loads(line) for line in
                     emf_lines(e.process(request(event("my.event", {"tag": "t", "n": 7})))))
    assert first["Tag"] == 7 and first["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [
        ["application_name"]]
    assert second["Tag"] == "t" and second["Other"] == 1
    assert second["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["application_name", "Tag"]]


@pytest.mark.parametrize("name,dimension", [("_aws", "Tag"), ("Custom", "_aws"), ("Tag", "Tag"),
                                            ("application_name", "Tag")])
def test_emf_refuses_a_data_point_that_cannot_be_a_record(name, dimension):
    e = engine({"Name": name, "Namespace": "App",
                "DimensionKeys": {"event_details.tag": dimension},
                "EventPattern": json.dumps({"event_type": ["my.event"],
                                            "event_details": {"tag": ["t"]}})})
    data = e.process(request(event("my.event", {"tag": "t"})))
    assert len(data) == 1   # PutMetricData takes it
    with pytest.raises(RumRulesError) as info:
        list(emf_lines(data))
    assert repr(name) in str(info.value)


def test_aggregation_into_minutes():
    e = engine({"Name": "Dur", "Namespace": "App", "ValueKey": "event_details.duration",
                "EventPattern": NAV_PATTERN})
    evs = [dict(nav(v, n=i), timestamp=T0 + off) for i, (v, off) in
           enumerate([(1, 0), (5, 10), (3, 59), (10, 61)], start=1)]
    sets = aggregate(e.process(request(*evs)))
    # T0 is 22 s into its minute: offsets 0 and 10 fall in it, 59 and 61 in the next one.
    minute = datetime.fromtimestamp(T0 - T0 % 60, tz=timezone.utc)
    assert [(s.timestamp, s.sample_count, s.sum, s.minimum, s.maximum) for s in sets] == [
        (minute, 2, 6, 1, 5), (minute + timedelta(minutes=1), 2, 13, 3, 10)]


def test_engine_pickles():
    e = engine({"Name": "SessionCount", "EventPattern": json.dumps(
        {"event_type": [P + "session_start_event"]})})
    f = pickle.loads(pickle.dumps(e))
    assert f.process(request(event())) == e.process(request(event()))


def test_dict_subclass_documents_match():
    """Documents that are dict subclasses (OrderedDict, at the root and nested) match as
    plain dicts do."""
    e = engine({"Name": "Dur", "Namespace": "App", "ValueKey": "event_details.duration",
                "DimensionKeys": {"event_details.kind": "Kind"},
                "EventPattern": json.dumps({"event_type": ["my.event"],
                                            "event_details": {"kind": ["a"]}})})
    document = OrderedDict(event_type="my.event", event_timestamp=T0 * 1000,
                           event_details=OrderedDict(kind="a", duration=5))
    result = e.process_documents([document])
    assert [(d.value, d.dimensions) for d in result.data] == [
        (5.0, {"application_name": "MyWebApp", "Kind": "a"})]
