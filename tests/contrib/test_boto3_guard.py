"""``rumrules.contrib.boto3``: with botocore's Stubber in place of the service, a bad call is
refused before it is sent (the stubbed response stays queued) and a good one goes through."""

from __future__ import annotations

import pickle
import uuid
from datetime import datetime, timezone

import boto3
import botocore.session
import pytest
from botocore.exceptions import ParamValidationError
from botocore.stub import Stubber

from rumrules import RumRulesError
from rumrules.contrib.boto3 import GUARDED, GuardError, install, uninstall

GOOD = {"Name": "PageViews", "Namespace": "Shop", "UnitLabel": "Count",
        "EventPattern": '{"event_type": ["com.amazon.rum.page_view_event"]}'}
BAD = dict(GOOD, Namespace="AWS/Shop", UnitLabel="count")
CREATED = {"Errors": [], "MetricDefinitions": []}


def _client(session=None):
    maker = session or boto3
    return maker.client("rum", region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


@pytest.fixture
def rum():
    client = install(_client())
    with Stubber(client) as stubber:
        yield client, stubber


def _create(client, definition):
    return client.batch_create_rum_metric_definitions(
        AppMonitorName="shop", Destination="CloudWatch", MetricDefinitions=[definition])


def test_a_bad_batch_create_never_reaches_the_service(rum):
    client, stubber = rum
    stubber.add_response("batch_create_rum_metric_definitions", CREATED)
    with pytest.raises(GuardError) as caught:
        _create(client, BAD)
    error = caught.value
    assert isinstance(error, RumRulesError) and isinstance(error, ParamValidationError)
    assert error.operation == "BatchCreateRumMetricDefinitions"
    assert [d.code for d in error.diagnostics] == ["RUM105", "RUM301"]
    assert str(error).startswith("Parameter validation failed:\nRUM105 "
                                 "$.MetricDefinitions[0].UnitLabel: ")
    with pytest.raises(AssertionError):  # the stubbed response is still waiting
        stubber.assert_no_pending_responses()
    assert _create(client, GOOD) == CREATED  # a good call goes through and takes it
    stubber.assert_no_pending_responses()


def test_update_is_checked_too(rum):
    client, stubber = rum
    params = {"AppMonitorName": "shop", "Destination": "CloudWatch",
              "MetricDefinitionId": "abc-123"}
    stubber.add_response("update_rum_metric_definition", {}, dict(params, MetricDefinition=GOOD))
    with pytest.raises(GuardError) as caught:
        client.update_rum_metric_definition(**params, MetricDefinition=BAD)
    assert {d.code for d in caught.value.diagnostics} == {"RUM105", "RUM301"}
    assert all(d.path[0] == "MetricDefinition" for d in caught.value.diagnostics)
    client.update_rum_metric_definition(**params, MetricDefinition=GOOD)
    stubber.assert_no_pending_responses()


def _events(batch_id: str) -> dict:
    return {"Id": str(uuid.UUID(int=1)), "BatchId": batch_id,
            "AppMonitorDetails": {"id": str(uuid.UUID(int=1)), "name": "shop", "version": "1"},
            "UserDetails": {"userId": str(uuid.UUID(int=2)), "sessionId": str(uuid.UUID(int=3))},
            "RumEvents": [{"id": str(uuid.UUID(int=4)),
                           "timestamp": datetime(2024, 5, 1, tzinfo=timezone.utc),
                           "type": "com.amazon.rum.page_view_event",
                           "details": '{"pageId": "/", "interaction": 0}'}]}


def test_put_rum_events_the_service_would_refuse_is_refused(rum):
    client, stubber = rum
    good = _events(str(uuid.UUID(int=5)))
    stubber.add_response("put_rum_events", {}, good)
    with pytest.raises(GuardError) as caught:
        client.put_rum_events(**_events("not-a-uuid"))
    assert caught.value.field == "BatchId" and caught.value.diagnostics == []
    assert isinstance(caught.value, ParamValidationError)
    client.put_rum_events(**good)
    stubber.assert_no_pending_responses()


def test_fail_on_warning_refuses_warnings(rum):
    from rumrules.rules import RULES

    warning = next(r for r in RULES if str(r.severity) == "warning" and r.scope == "definition")
    definition = warning.bad[0].input
    client, stubber = rum
    stubber.add_response("batch_create_rum_metric_definitions", CREATED)
    _create(client, definition)                 # warnings pass by default
    install(client, fail_on="warning")          # replaces the guard
    with pytest.raises(GuardError) as caught:
        _create(client, definition)
    assert warning.code in {d.code for d in caught.value.diagnostics}
    uninstall(client)
    stubber.add_response("batch_create_rum_metric_definitions", CREATED)
    _create(client, BAD)                         # no guard any more
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize("make", [lambda: boto3.Session(), botocore.session.get_session],
                         ids=["boto3", "botocore"])
def test_a_guarded_session_guards_the_clients_it_makes(make):
    session = install(make())
    client = _client(session) if hasattr(session, "client") else session.create_client(
        "rum", region_name="us-east-1", aws_access_key_id="testing",
        aws_secret_access_key="testing")
    with Stubber(client) as stubber:
        stubber.add_response("batch_create_rum_metric_definitions", CREATED)
        with pytest.raises(GuardError):
            _create(client, BAD)
        _create(client, GOOD)
        stubber.assert_no_pending_responses()


def test_other_targets_are_refused():
    s3 = boto3.client("s3", region_name="us-east-1")
    with pytest.raises(RumRulesError, match="'s3' client"):
        install(s3)
    with pytest.raises(RumRulesError):
        install(object())
    with pytest.raises(RumRulesError, match="fail_on"):
        install(_client(), fail_on="fatal")
    assert GUARDED == ("BatchCreateRumMetricDefinitions", "UpdateRumMetricDefinition",
                       "PutRumEvents")


def test_the_error_survives_pickling():
    client = install(_client())
    with Stubber(client), pytest.raises(GuardError) as caught:
        _create(client, BAD)
    again = pickle.loads(pickle.dumps(caught.value))
    assert str(again) == str(caught.value) and again.operation == caught.value.operation
