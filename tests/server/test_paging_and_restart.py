"""Paging of every listing operation (boto3's paginators where botocore has them), and a
restart of the server between writes and reads with nothing lost."""

from __future__ import annotations

import json

import pytest

from ._events import batch, page_view
from .conftest import ARN, ThreadServer, rum_client
from .test_operations import EVIDENTLY, JS_ERRORS, POLICY, T0, custom


@pytest.fixture
def fresh(tmp_path):
    """A server of its own over a data folder (so listings hold only this test's data)."""
    s = ThreadServer(tmp_path)
    try:
        yield s
    finally:
        s.stop()


def _pages(call, key, **kwargs) -> list[list]:
    pages = []
    while True:
        page = call(**kwargs)
        pages.append(page[key])
        if "NextToken" not in page:
            return pages
        kwargs["NextToken"] = page["NextToken"]


def test_list_app_monitors_pages(fresh):
    rum = rum_client(fresh.url)
    names = [f"m{i:02}" for i in range(7)]
    for n in reversed(names):
        rum.create_app_monitor(Name=n, Domain="example.com")
    pages = _pages(rum.list_app_monitors, "AppMonitorSummaries", MaxResults=3)
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [s["Name"] for p in pages for s in p] == names
    paginator = rum.get_paginator("list_app_monitors")
    listed = [s["Name"] for page in paginator.paginate(PaginationConfig={"PageSize": 2})
              for s in page["AppMonitorSummaries"]]
    assert listed == names
    with pytest.raises(rum.exceptions.ValidationException, match="NextToken"):
        rum.list_app_monitors(NextToken="bm90IGEgdG9rZW4")


def test_a_token_of_another_operation_is_refused(fresh):
    rum = rum_client(fresh.url)
    for n in ("a", "b"):
        rum.create_app_monitor(Name=n, Domain="example.com")
    token = rum.list_app_monitors(MaxResults=1)["NextToken"]
    with pytest.raises(rum.exceptions.ValidationException, match="NextToken"):
        rum.list_rum_metrics_destinations(AppMonitorName="a", NextToken=token)


def test_destinations_definitions_and_events_page(fresh):
    rum = rum_client(fresh.url)
    app_id = rum.create_app_monitor(Name="web", Domain="example.com")["Id"]
    rum.put_rum_metrics_destination(AppMonitorName="web", Destination="CloudWatch")
    for i in range(4):
        rum.put_rum_metrics_destination(AppMonitorName="web", Destination="Evidently",
                                        DestinationArn=f"{EVIDENTLY}{i}")
    pages = _pages(rum.list_rum_metrics_destinations, "Destinations", AppMonitorName="web",
                   MaxResults=2)
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [d.get("DestinationArn") for p in pages for d in p] == [
        None, *(f"{EVIDENTLY}{i}" for i in range(4))]

    dest = {"AppMonitorName": "web", "Destination": "CloudWatch"}
    created = rum.batch_create_rum_metric_definitions(
        **dest, MetricDefinitions=[custom(i) for i in range(5)])["MetricDefinitions"]
    pages = _pages(rum.batch_get_rum_metric_definitions, "MetricDefinitions", **dest,
                   MaxResults=2)
    assert [d for p in pages for d in p] == created and len(pages) == 3
    paginator = rum.get_paginator("batch_get_rum_metric_definitions")
    assert [d["MetricDefinitionId"] for page in paginator.paginate(**dest)
            for d in page["MetricDefinitions"]] == [d["MetricDefinitionId"] for d in created]

    events = [page_view(T0 + i) for i in range(5)]
    rum.put_rum_events(**batch(app_id, "web", events))
    pages = _pages(rum.get_app_monitor_data, "Events", Name="web", TimeRange={"After": 0},
                   MaxResults=2)
    assert [json.loads(e)["event_id"] for p in pages for e in p] == [e["id"] for e in events]
    assert [len(p) for p in pages] == [2, 2, 1]
    paginator = rum.get_paginator("get_app_monitor_data")
    assert sum(len(page["Events"]) for page in paginator.paginate(
        Name="web", TimeRange={"After": 0}, PaginationConfig={"PageSize": 3})) == 5


def test_a_restart_loses_nothing(tmp_path):
    first = ThreadServer(tmp_path)
    try:
        rum = rum_client(first.url)
        app_id = rum.create_app_monitor(Name="web", Domain="example.com", Tags={"team": "a"},
                                        CustomEvents={"Status": "ENABLED"})["Id"]
        rum.tag_resource(ResourceArn=ARN.format("web"), Tags={"env": "test"})
        policy = rum.put_resource_policy(Name="web", PolicyDocument=POLICY)
        rum.put_rum_metrics_destination(AppMonitorName="web", Destination="CloudWatch")
        rum.put_rum_metrics_destination(AppMonitorName="web", Destination="Evidently",
                                        DestinationArn=EVIDENTLY)
        dest = {"AppMonitorName": "web", "Destination": "CloudWatch"}
        created = rum.batch_create_rum_metric_definitions(
            **dest, MetricDefinitions=[JS_ERRORS, custom(1), custom(2)])["MetricDefinitions"]
        rum.update_rum_metric_definition(**dest,
                                         MetricDefinitionId=created[1]["MetricDefinitionId"],
                                         MetricDefinition=custom(7))
        rum.batch_delete_rum_metric_definitions(
            **dest, MetricDefinitionIds=[created[2]["MetricDefinitionId"]])
        events = [page_view(T0 + i) for i in range(3)]
        rum.put_rum_events(**batch(app_id, "web", events))
        before = {
            "monitor": rum.get_app_monitor(Name="web")["AppMonitor"],
            "definitions": rum.batch_get_rum_metric_definitions(**dest)["MetricDefinitions"],
            "events": rum.get_app_monitor_data(Name="web", TimeRange={"After": 0})["Events"],
        }
    finally:
        first.stop()

    second = ThreadServer(tmp_path)
    try:
        rum = rum_client(second.url)
        assert rum.get_app_monitor(Name="web")["AppMonitor"] == before["monitor"]
        assert before["monitor"]["Tags"] == {"team": "a", "env": "test"}
        assert rum.get_resource_policy(Name="web")["PolicyRevisionId"] == \
            policy["PolicyRevisionId"]
        assert len(rum.list_rum_metrics_destinations(AppMonitorName="web")["Destinations"]) == 2
        got = rum.batch_get_rum_metric_definitions(**dest)["MetricDefinitions"]
        assert got == before["definitions"]
        assert [d["Name"] for d in got] == ["JsErrorCount", "Visits7"]
        assert rum.get_app_monitor_data(Name="web", TimeRange={"After": 0})["Events"] == \
            before["events"]
        assert len(before["events"]) == 3
        # the restored destination still refuses copies and knows its ids
        again = rum.batch_create_rum_metric_definitions(**dest, MetricDefinitions=[custom(7)])
        assert again["Errors"][0]["ErrorCode"] == "ConflictException"
        rum.update_rum_metric_definition(**dest, MetricDefinitionId=got[0]["MetricDefinitionId"],
                                         MetricDefinition=dict(JS_ERRORS, UnitLabel="Count"))
    finally:
        second.stop()
