"""Every RUM operation through a real boto3 client against the server, with its error paths
(every response validated against botocore's output shape by the client fixture)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from ._events import batch, custom_event, page_view
from .conftest import ARN

JS_ERRORS = {"Name": "JsErrorCount",
             "EventPattern": json.dumps({"event_type": ["com.amazon.rum.js_error_event"]})}
EVIDENTLY = "arn:aws:evidently:us-east-1:123456789012:project/shop/experiment/checkout"
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": "rum:PutRumEvents",
    "Resource": "arn:aws:rum:us-east-1:123456789012:appmonitor/web"}]})


def custom(i: int) -> dict:
    return {"Name": f"Visits{i}", "Namespace": "Shop",
            "EventPattern": json.dumps({"event_type": ["com.amazon.rum.page_view_event"],
                                        "metadata": {"pageId": [f"/{i}"]}}),
            "DimensionKeys": {"metadata.pageId": "Page"}}


def code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def status(excinfo) -> int:
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


# -- app monitors --------------------------------------------------------------------------
def test_create_app_monitor_with_every_member(rum, name):
    config = {"IdentityPoolId": "us-east-1:0a1b2c3d-1111-2222-3333-444455556666",
              "ExcludedPages": ["https://example.com/private"],
              "IncludedPages": ["https://example.com/shop"],
              "FavoritePages": ["/checkout"], "SessionSampleRate": 0.5,
              "GuestRoleArn": "arn:aws:iam::123456789012:role/RUM-Monitor",
              "AllowCookies": True, "Telemetries": ["errors", "performance", "http"],
              "EnableXRay": False}
    deob = {"JavaScriptSourceMaps": {"Status": "ENABLED", "S3Uri": "s3://maps/web"}}
    app_id = rum.create_app_monitor(
        Name=name, DomainList=["example.com", "*.example.org"], Tags={"team": "web"},
        AppMonitorConfiguration=config, CwLogEnabled=True, CustomEvents={"Status": "ENABLED"},
        DeobfuscationConfiguration=deob, Platform="Web")["Id"]
    got = rum.get_app_monitor(Name=name)["AppMonitor"]
    assert got["Id"] == app_id and got["DomainList"] == ["example.com", "*.example.org"]
    assert "Domain" not in got
    assert got["AppMonitorConfiguration"] == config
    assert got["CustomEvents"] == {"Status": "ENABLED"}
    assert got["DeobfuscationConfiguration"] == deob
    assert got["Platform"] == "Web" and got["State"] == "CREATED"
    assert got["DataStorage"]["CwLog"]["CwLogEnabled"] is True
    assert got["DataStorage"]["CwLog"]["CwLogGroup"].startswith(f"/aws/vendedlogs/RUMService_{name}")
    assert got["Tags"] == {"team": "web"}
    assert len(got["Created"]) == 19 and got["Created"] == got["LastModified"]


def test_create_app_monitor_errors(rum, monitor):
    with pytest.raises(rum.exceptions.ConflictException) as e:
        rum.create_app_monitor(Name=monitor["Name"], Domain="example.com")
    assert status(e) == 409 and e.value.response["resourceName"] == monitor["Name"]
    with pytest.raises(rum.exceptions.ValidationException, match="Domain or DomainList"):
        rum.create_app_monitor(Name=monitor["Name"] + "-x")
    with pytest.raises(rum.exceptions.ValidationException, match="not both"):
        rum.create_app_monitor(Name=monitor["Name"] + "-x", Domain="a.com", DomainList=["b.com"])
    with pytest.raises(rum.exceptions.ValidationException, match="S3Uri"):
        rum.create_app_monitor(Name=monitor["Name"] + "-x", Domain="a.com",
                               DeobfuscationConfiguration={"JavaScriptSourceMaps": {
                                   "Status": "ENABLED"}})
    with pytest.raises(rum.exceptions.ValidationException, match="pattern"):
        rum.create_app_monitor(Name="has space", Domain="a.com")
    with pytest.raises(rum.exceptions.ResourceNotFoundException):  # nothing half-created
        rum.get_app_monitor(Name=monitor["Name"] + "-x")


def test_mobile_app_monitor_needs_no_domain(rum, name):
    rum.create_app_monitor(Name=name, Platform="Android")
    assert rum.get_app_monitor(Name=name)["AppMonitor"]["Platform"] == "Android"


def test_update_app_monitor(rum, monitor):
    name = monitor["Name"]
    rum.update_app_monitor(Name=name, DomainList=["a.example.com"], CwLogEnabled=True,
                           CustomEvents={"Status": "ENABLED"},
                           AppMonitorConfiguration={"SessionSampleRate": 1.0})
    got = rum.get_app_monitor(Name=name)["AppMonitor"]
    assert got["DomainList"] == ["a.example.com"] and "Domain" not in got
    assert got["CustomEvents"] == {"Status": "ENABLED"}
    assert got["AppMonitorConfiguration"] == {"SessionSampleRate": 1.0}
    assert got["DataStorage"]["CwLog"]["CwLogEnabled"] is True
    rum.update_app_monitor(Name=name, CwLogEnabled=False)
    assert rum.get_app_monitor(Name=name)["AppMonitor"]["DataStorage"] == {
        "CwLog": {"CwLogEnabled": False}}


def test_update_app_monitor_errors_change_nothing(rum, monitor):
    before = rum.get_app_monitor(Name=monitor["Name"])["AppMonitor"]
    with pytest.raises(rum.exceptions.ValidationException):
        rum.update_app_monitor(Name=monitor["Name"], Domain="a.com", DomainList=["b.com"])
    with pytest.raises(rum.exceptions.ValidationException):
        rum.update_app_monitor(Name=monitor["Name"], CwLogEnabled=True,
                               DeobfuscationConfiguration={"JavaScriptSourceMaps": {
                                   "Status": "ENABLED"}})
    assert rum.get_app_monitor(Name=monitor["Name"])["AppMonitor"] == before
    with pytest.raises(rum.exceptions.ResourceNotFoundException):
        rum.update_app_monitor(Name=monitor["Name"] + "-gone", Domain="a.com")


def test_delete_app_monitor_removes_everything_it_owns(rum, monitor):
    name = monitor["Name"]
    rum.put_resource_policy(Name=name, PolicyDocument=POLICY)
    rum.put_rum_metrics_destination(AppMonitorName=name, Destination="CloudWatch")
    rum.batch_create_rum_metric_definitions(AppMonitorName=name, Destination="CloudWatch",
                                            MetricDefinitions=[JS_ERRORS])
    rum.delete_app_monitor(Name=name)
    with pytest.raises(rum.exceptions.ResourceNotFoundException):
        rum.delete_app_monitor(Name=name)
    # the same name again starts empty
    rum.create_app_monitor(Name=name, Domain="example.com")
    with pytest.raises(rum.exceptions.PolicyNotFoundException):
        rum.get_resource_policy(Name=name)
    assert rum.list_rum_metrics_destinations(AppMonitorName=name)["Destinations"] == []
    assert rum.list_tags_for_resource(ResourceArn=monitor["Arn"])["Tags"] == {}


def test_get_app_monitor_unknown(rum):
    with pytest.raises(rum.exceptions.ResourceNotFoundException) as e:
        rum.get_app_monitor(Name="no-such-monitor")
    assert status(e) == 404
    assert e.value.response["resourceType"] == "AppMonitor"


def test_list_app_monitors_summaries(rum, monitor):
    found = []
    kwargs: dict = {"MaxResults": 100}
    while True:
        page = rum.list_app_monitors(**kwargs)
        found += page["AppMonitorSummaries"]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    (mine,) = [s for s in found if s["Name"] == monitor["Name"]]
    assert set(mine) == {"Name", "Id", "Created", "LastModified", "State", "Platform"}
    assert mine["Id"] == monitor["Id"]


# -- tags ----------------------------------------------------------------------------------
def test_tags(rum, monitor):
    arn = monitor["Arn"]
    rum.tag_resource(ResourceArn=arn, Tags={"team": "web", "env": "test"})
    listed = rum.list_tags_for_resource(ResourceArn=arn)
    assert (listed["ResourceArn"], listed["Tags"]) == (arn, {"team": "web", "env": "test"})
    rum.tag_resource(ResourceArn=arn, Tags={"team": "shop"})
    rum.untag_resource(ResourceArn=arn, TagKeys=["env", "absent"])
    assert rum.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "shop"}
    assert rum.get_app_monitor(Name=monitor["Name"])["AppMonitor"]["Tags"] == {"team": "shop"}


def test_tag_errors(rum, monitor):
    arn = monitor["Arn"]
    for op, kwargs in ((rum.tag_resource, {"Tags": {"a": "b"}}),
                       (rum.untag_resource, {"TagKeys": ["a"]}),
                       (rum.list_tags_for_resource, {})):
        with pytest.raises(rum.exceptions.ResourceNotFoundException):
            op(ResourceArn=arn + "-gone", **kwargs)
        with pytest.raises(rum.exceptions.ResourceNotFoundException):
            op(ResourceArn="arn:aws:s3:::bucket/x", **kwargs)
    with pytest.raises(rum.exceptions.ValidationException, match="pattern"):
        rum.tag_resource(ResourceArn=arn, Tags={"aws:reserved": "x"})
    with pytest.raises(rum.exceptions.ValidationException, match="at most 50"):
        rum.tag_resource(ResourceArn=arn, Tags={f"k{i}": "v" for i in range(51)})
    assert rum.list_tags_for_resource(ResourceArn=arn)["Tags"] == {}


# -- resource policies ---------------------------------------------------------------------
def test_resource_policy_revisions(rum, monitor):
    name = monitor["Name"]
    with pytest.raises(rum.exceptions.PolicyNotFoundException) as e:
        rum.get_resource_policy(Name=name)
    assert status(e) == 404
    first = rum.put_resource_policy(Name=name, PolicyDocument=POLICY)
    assert first["PolicyDocument"] == POLICY and first["PolicyRevisionId"]
    got = rum.get_resource_policy(Name=name)
    assert (got["PolicyDocument"], got["PolicyRevisionId"]) == (POLICY, first["PolicyRevisionId"])
    with pytest.raises(rum.exceptions.InvalidPolicyRevisionIdException):
        rum.put_resource_policy(Name=name, PolicyDocument=POLICY, PolicyRevisionId="stale")
    second = rum.put_resource_policy(Name=name, PolicyDocument=POLICY,
                                     PolicyRevisionId=first["PolicyRevisionId"])
    assert second["PolicyRevisionId"] != first["PolicyRevisionId"]
    with pytest.raises(rum.exceptions.InvalidPolicyRevisionIdException):
        rum.delete_resource_policy(Name=name, PolicyRevisionId=first["PolicyRevisionId"])
    deleted = rum.delete_resource_policy(Name=name, PolicyRevisionId=second["PolicyRevisionId"])
    assert deleted["PolicyRevisionId"] == second["PolicyRevisionId"]
    with pytest.raises(rum.exceptions.PolicyNotFoundException):
        rum.delete_resource_policy(Name=name)
    with pytest.raises(rum.exceptions.InvalidPolicyRevisionIdException):
        rum.put_resource_policy(Name=name, PolicyDocument=POLICY, PolicyRevisionId="none-yet")
    rum.put_resource_policy(Name=name, PolicyDocument=POLICY)
    rum.delete_resource_policy(Name=name)  # no revision: unconditional


def test_resource_policy_errors(rum, monitor):
    name = monitor["Name"]
    with pytest.raises(rum.exceptions.MalformedPolicyDocumentException):
        rum.put_resource_policy(Name=name, PolicyDocument="{not json")
    with pytest.raises(rum.exceptions.MalformedPolicyDocumentException):
        rum.put_resource_policy(Name=name, PolicyDocument='{"Version": "2012-10-17"}')
    big = json.dumps({"Statement": [{"Sid": "x" * 5000}]})
    with pytest.raises(rum.exceptions.PolicySizeLimitExceededException):
        rum.put_resource_policy(Name=name, PolicyDocument=big)
    for op in (rum.get_resource_policy, rum.delete_resource_policy):
        with pytest.raises(rum.exceptions.ResourceNotFoundException):
            op(Name=name + "-gone")
    with pytest.raises(rum.exceptions.ResourceNotFoundException):
        rum.put_resource_policy(Name=name + "-gone", PolicyDocument=POLICY)


# -- metrics destinations ------------------------------------------------------------------
def test_metrics_destinations(rum, monitor):
    name = monitor["Name"]
    rum.put_rum_metrics_destination(AppMonitorName=name, Destination="CloudWatch")
    rum.put_rum_metrics_destination(AppMonitorName=name, Destination="Evidently",
                                    DestinationArn=EVIDENTLY,
                                    IamRoleArn="arn:aws:iam::123456789012:role/rum")
    rum.put_rum_metrics_destination(AppMonitorName=name, Destination="CloudWatch")  # again
    listed = rum.list_rum_metrics_destinations(AppMonitorName=name)["Destinations"]
    assert listed == [{"Destination": "CloudWatch"},
                      {"Destination": "Evidently", "DestinationArn": EVIDENTLY,
                       "IamRoleArn": "arn:aws:iam::123456789012:role/rum"}]
    rum.delete_rum_metrics_destination(AppMonitorName=name, Destination="Evidently",
                                       DestinationArn=EVIDENTLY)
    assert rum.list_rum_metrics_destinations(AppMonitorName=name)["Destinations"] == [
        {"Destination": "CloudWatch"}]


def test_metrics_destination_errors(rum, monitor):
    name = monitor["Name"]
    with pytest.raises(rum.exceptions.ValidationException, match="DestinationArn is required"):
        rum.put_rum_metrics_destination(AppMonitorName=name, Destination="Evidently")
    with pytest.raises(rum.exceptions.ValidationException, match="must not be specified"):
        rum.put_rum_metrics_destination(AppMonitorName=name, Destination="CloudWatch",
                                        DestinationArn=EVIDENTLY)
    with pytest.raises(rum.exceptions.ValidationException, match="enum"):
        rum.put_rum_metrics_destination(AppMonitorName=name, Destination="S3")
    with pytest.raises(rum.exceptions.ResourceNotFoundException):
        rum.put_rum_metrics_destination(AppMonitorName=name + "-gone", Destination="CloudWatch")
    with pytest.raises(rum.exceptions.ResourceNotFoundException):
        rum.delete_rum_metrics_destination(AppMonitorName=name, Destination="CloudWatch")
    with pytest.raises(rum.exceptions.ResourceNotFoundException):
        rum.list_rum_metrics_destinations(AppMonitorName=name + "-gone")


# -- metric definitions --------------------------------------------------------------------
@pytest.fixture
def destination(rum, monitor) -> dict:
    rum.put_rum_metrics_destination(AppMonitorName=monitor["Name"], Destination="CloudWatch")
    return {"AppMonitorName": monitor["Name"], "Destination": "CloudWatch"}


def test_batch_create_partial_success_and_conflicts(rum, destination):
    bad = {"Name": "JsErrorCount", "UnitLabel": "Count",
           "EventPattern": json.dumps({"event_type": ["com.amazon.rum.page_view_event"]})}
    resp = rum.batch_create_rum_metric_definitions(
        **destination, MetricDefinitions=[JS_ERRORS, bad, custom(1), custom(1)])
    assert [d["Name"] for d in resp["MetricDefinitions"]] == ["JsErrorCount", "Visits1"]
    assert [e["ErrorCode"] for e in resp["Errors"]] == ["ValidationException",
                                                        "ConflictException"]
    assert resp["Errors"][0]["MetricDefinition"]["Name"] == "JsErrorCount"
    again = rum.batch_create_rum_metric_definitions(**destination, MetricDefinitions=[JS_ERRORS])
    assert again["MetricDefinitions"] == [] and again["Errors"][0]["ErrorCode"] == \
        "ConflictException"
    stored = rum.batch_get_rum_metric_definitions(**destination)["MetricDefinitions"]
    assert stored == resp["MetricDefinitions"]


def test_batch_create_errors(rum, destination, monitor):
    with pytest.raises(rum.exceptions.ResourceNotFoundException):
        rum.batch_create_rum_metric_definitions(AppMonitorName=monitor["Name"],
                                                Destination="Evidently",
                                                DestinationArn=EVIDENTLY,
                                                MetricDefinitions=[JS_ERRORS])
    with pytest.raises(rum.exceptions.ResourceNotFoundException):
        rum.batch_create_rum_metric_definitions(AppMonitorName=monitor["Name"] + "-gone",
                                                Destination="CloudWatch",
                                                MetricDefinitions=[JS_ERRORS])
    with pytest.raises(rum.exceptions.ValidationException):  # the checker: over 200 at once
        rum.batch_create_rum_metric_definitions(**destination,
                                                MetricDefinitions=[custom(i) for i in range(201)])
    assert rum.batch_get_rum_metric_definitions(**destination)["MetricDefinitions"] == []


def test_destination_quota(rum, destination):
    for start in range(0, 2000, 200):
        resp = rum.batch_create_rum_metric_definitions(
            **destination, MetricDefinitions=[custom(i) for i in range(start, start + 200)])
        assert resp["Errors"] == []
    resp = rum.batch_create_rum_metric_definitions(**destination,
                                                   MetricDefinitions=[custom(5000)])
    assert resp["Errors"][0]["ErrorCode"] == "ServiceQuotaExceededException"


def test_update_definition(rum, destination):
    created = rum.batch_create_rum_metric_definitions(
        **destination, MetricDefinitions=[custom(1), custom(2)])["MetricDefinitions"]
    first, second = (d["MetricDefinitionId"] for d in created)
    rum.update_rum_metric_definition(**destination, MetricDefinitionId=first,
                                     MetricDefinition=custom(3))
    stored = rum.batch_get_rum_metric_definitions(**destination)["MetricDefinitions"]
    assert [(d["MetricDefinitionId"], d["Name"]) for d in stored] == [(first, "Visits3"),
                                                                       (second, "Visits2")]
    with pytest.raises(rum.exceptions.ConflictException):
        rum.update_rum_metric_definition(**destination, MetricDefinitionId=first,
                                         MetricDefinition=custom(2))
    with pytest.raises(rum.exceptions.ResourceNotFoundException):
        rum.update_rum_metric_definition(**destination, MetricDefinitionId="no-such-id",
                                         MetricDefinition=custom(9))
    with pytest.raises(rum.exceptions.ValidationException):
        rum.update_rum_metric_definition(**destination, MetricDefinitionId=first,
                                         MetricDefinition={"Name": "NotAMetric"})
    assert rum.batch_get_rum_metric_definitions(**destination)["MetricDefinitions"] == stored


def test_batch_delete(rum, destination):
    created = rum.batch_create_rum_metric_definitions(
        **destination, MetricDefinitions=[custom(1), custom(2)])["MetricDefinitions"]
    ids = [d["MetricDefinitionId"] for d in created]
    resp = rum.batch_delete_rum_metric_definitions(**destination,
                                                   MetricDefinitionIds=[ids[0], "nope", ids[0]])
    assert resp["MetricDefinitionIds"] == [ids[0]]
    assert [(e["MetricDefinitionId"], e["ErrorCode"]) for e in resp["Errors"]] == [
        ("nope", "ResourceNotFoundException"), (ids[0], "ResourceNotFoundException")]
    assert [d["MetricDefinitionId"] for d in
            rum.batch_get_rum_metric_definitions(**destination)["MetricDefinitions"]] == [ids[1]]
    with pytest.raises(rum.exceptions.ResourceNotFoundException):
        rum.batch_delete_rum_metric_definitions(AppMonitorName=destination["AppMonitorName"],
                                                Destination="Evidently",
                                                DestinationArn=EVIDENTLY,
                                                MetricDefinitionIds=ids)


def test_batch_get_errors(rum, monitor):
    with pytest.raises(rum.exceptions.ResourceNotFoundException):
        rum.batch_get_rum_metric_definitions(AppMonitorName=monitor["Name"],
                                             Destination="CloudWatch")
    with pytest.raises(rum.exceptions.ValidationException, match="less than or equal to 100"):
        rum.batch_get_rum_metric_definitions(AppMonitorName=monitor["Name"],
                                             Destination="CloudWatch", MaxResults=101)


def test_deleting_a_destination_deletes_its_definitions(rum, destination):
    rum.batch_create_rum_metric_definitions(**destination, MetricDefinitions=[JS_ERRORS])
    rum.delete_rum_metrics_destination(**destination)
    rum.put_rum_metrics_destination(**destination)
    assert rum.batch_get_rum_metric_definitions(**destination)["MetricDefinitions"] == []


# -- events --------------------------------------------------------------------------------
T0 = 1_700_000_000


def test_put_rum_events_and_query(rum, monitor):
    events = [page_view(T0 + i, page=f"/p{i % 2}", browser=("Chrome", "Firefox")[i % 2])
              for i in range(6)]
    rum.put_rum_events(**batch(monitor["Id"], monitor["Name"], events))
    got = rum.get_app_monitor_data(Name=monitor["Name"], TimeRange={"After": T0 * 1000})
    docs = [json.loads(e) for e in got["Events"]]
    assert [d["event_id"] for d in docs] == [e["id"] for e in events]
    assert {d["application_name"] for d in docs} == {monitor["Name"]}
    assert docs[0]["event_timestamp"] == T0 * 1000


@pytest.mark.parametrize("filters, pages", [
    ([{"Name": "Browser", "Values": ["Firefox"]}], ["/p1"]),
    ([{"Name": "Browser", "Values": ["Chrome", "Firefox"]}], ["/p0", "/p1"]),
    ([{"Name": "Invert", "Values": ["Chrome"]}], ["/p1"]),
    ([{"Name": "Page", "Values": ["/p0"]}, {"Name": "Browser", "Values": ["Firefox"]}], []),
    ([{"Name": "EventType", "Values": ["com.amazon.rum.page_view_event"]},
      {"Name": "Invert", "Values": ["/p1"]}], ["/p0"]),
    ([{"Name": "Country", "Values": ["US"]}, {"Name": "OS", "Values": ["Linux"]},
      {"Name": "Device", "Values": ["desktop"]}], ["/p0", "/p1"]),
])
def test_get_app_monitor_data_filters(rum, monitor, filters, pages):
    events = [page_view(T0 + i, page=f"/p{i % 2}", browser=("Chrome", "Firefox")[i % 2])
              for i in range(4)]
    rum.put_rum_events(**batch(monitor["Id"], monitor["Name"], events))
    got = rum.get_app_monitor_data(Name=monitor["Name"], TimeRange={"After": 0},
                                   Filters=filters)
    assert sorted({json.loads(e)["metadata"]["pageId"] for e in got["Events"]}) == pages


def test_get_app_monitor_data_time_range(rum, monitor):
    events = [page_view(T0 + 60 * i) for i in range(5)]
    rum.put_rum_events(**batch(monitor["Id"], monitor["Name"], events))
    got = rum.get_app_monitor_data(Name=monitor["Name"],
                                   TimeRange={"After": (T0 + 60) * 1000,
                                              "Before": (T0 + 180) * 1000})
    assert [json.loads(e)["event_id"] for e in got["Events"]] == [e["id"] for e in events[1:4]]


def test_get_app_monitor_data_max_results_zero_is_the_default_page(rum, monitor):
    rum.put_rum_events(**batch(monitor["Id"], monitor["Name"], [page_view(T0)]))
    got = rum.get_app_monitor_data(Name=monitor["Name"], TimeRange={"After": 0}, MaxResults=0)
    assert len(got["Events"]) == 1 and "NextToken" not in got


def test_get_app_monitor_data_errors(rum, monitor):
    with pytest.raises(rum.exceptions.ValidationException, match="Invert"):
        rum.get_app_monitor_data(Name=monitor["Name"], TimeRange={"After": 0},
                                 Filters=[{"Name": "Colour", "Values": ["red"]}])
    with pytest.raises(rum.exceptions.ValidationException, match="Before"):
        rum.get_app_monitor_data(Name=monitor["Name"], TimeRange={"After": 10, "Before": 5})
    with pytest.raises(rum.exceptions.ValidationException, match="NextToken"):
        rum.get_app_monitor_data(Name=monitor["Name"], TimeRange={"After": 0},
                                 NextToken="garbage")
    with pytest.raises(rum.exceptions.ResourceNotFoundException):
        rum.get_app_monitor_data(Name=monitor["Name"] + "-gone", TimeRange={"After": 0})


def test_custom_events_are_kept_only_when_enabled(rum, monitor):
    rum.put_rum_events(**batch(monitor["Id"], monitor["Name"], [custom_event(T0)]))
    assert rum.get_app_monitor_data(Name=monitor["Name"], TimeRange={"After": 0})["Events"] == []
    rum.update_app_monitor(Name=monitor["Name"], CustomEvents={"Status": "ENABLED"})
    rum.put_rum_events(**batch(monitor["Id"], monitor["Name"], [custom_event(T0)]))
    (doc,) = rum.get_app_monitor_data(Name=monitor["Name"], TimeRange={"After": 0})["Events"]
    assert json.loads(doc)["event_type"] == "shop.checkout"


def test_put_rum_events_errors_store_nothing(rum, monitor):
    good = page_view(T0)
    with pytest.raises(rum.exceptions.ResourceNotFoundException):
        rum.put_rum_events(**batch("00000000-0000-0000-0000-000000000000", "x", [good]))
    bad_id = dict(page_view(T0), id="z" * 8 + "-zzzz-zzzz-zzzz-" + "z" * 12)
    with pytest.raises(rum.exceptions.ValidationException, match="RumEvents\\[1\\].id"):
        rum.put_rum_events(**batch(monitor["Id"], monitor["Name"], [good, bad_id]))
    broken = dict(page_view(T0), metadata="{not json")  # the ingestion's checks, deeper
    rum.put_rum_events(**batch(monitor["Id"], monitor["Name"], [broken]))
    assert rum.get_app_monitor_data(Name=monitor["Name"], TimeRange={"After": 0})["Events"] == []


def test_an_internal_error_is_the_services_shape(server, rum, monitor, monkeypatch):
    service = server.app.state.service

    def boom(*_):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(service, "call", boom)
    with pytest.raises(ClientError) as e:
        rum.get_app_monitor(Name=monitor["Name"])
    assert code(e) == "InternalServerException" and status(e) == 500
    assert "disk on fire" not in str(e.value)


def test_a_request_that_fails_after_writing_changes_nothing(server, rum, destination,
                                                           monkeypatch):
    from rumrules.service import RumService

    save = RumService._save

    def save_then_fail(self, conn, *args):
        save(self, conn, *args)
        assert conn.execute("SELECT COUNT(*) FROM definitions").fetchone()[0] > 0
        raise RuntimeError("failed after the writes")

    monkeypatch.setattr(RumService, "_save", save_then_fail)
    with pytest.raises(ClientError) as e:
        rum.batch_create_rum_metric_definitions(**destination,
                                                MetricDefinitions=[custom(1), custom(2)])
    assert code(e) == "InternalServerException"
    monkeypatch.undo()
    assert rum.batch_get_rum_metric_definitions(**destination)["MetricDefinitions"] == []
    created = rum.batch_create_rum_metric_definitions(**destination,
                                                      MetricDefinitions=[custom(1)])
    assert created["Errors"] == [] and len(created["MetricDefinitions"]) == 1


@pytest.mark.parametrize("output", [{"AppMonitor": {"Name": 5}}, {"AppMonitor": {"Created": 12}},
                                    {"AppMonitor": {"Tags": {"a": ["b"]}}}])
def test_the_clients_response_validation_catches_what_the_model_does_not_allow(
        server, rum, monitor, monkeypatch, output):
    from .conftest import ResponseInvalid

    monkeypatch.setattr(server.app.state.service, "call", lambda *_: output)
    with pytest.raises(ResponseInvalid):
        rum.get_app_monitor(Name=monitor["Name"])


def test_the_clients_error_validation_catches_an_error_the_operation_does_not_list(
        server, rum, monitor, monkeypatch):
    from rumrules.service import ServiceError

    from .conftest import ResponseInvalid

    def refuse(*_):
        raise ServiceError("no", code="PolicyNotFoundException")

    monkeypatch.setattr(server.app.state.service, "call", refuse)
    with pytest.raises(ResponseInvalid, match="does not list"):
        rum.get_app_monitor(Name=monitor["Name"])
