"""--credentials: every request carries a valid SigV4 signature for service rum, checked by
recomputing it with botocore's signer; PutRumEvents to an app monitor whose resource policy
allows it publicly needs none.  Each wrong request gets the service's answer."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from rumrules import RumRulesError
from rumrules.server import Verifier, load_credentials, policy_allows, serve

from .conftest import ARN, ThreadServer
from .traffic import boto_batch, web_batch

KEYS = {"AKIDRUMTESTONE": "first-secret", "AKIDRUMTESTTWO": "second-secret"}


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory):
    path = tmp_path_factory.mktemp("auth") / "credentials"
    path.write_text("# test keys\n" + "".join(f"{k} {v}\n" for k, v in KEYS.items()))
    from rumrules.server import TrafficOptions

    s = ThreadServer(traffic=TrafficOptions(credentials=load_credentials(path)))
    try:
        yield s
    finally:
        s.stop()


def _client(url: str, key: str | None = None, secret: str | None = None):
    config = Config(retries={"max_attempts": 1}, inject_host_prefix=False,
                    **({} if key else {"signature_version": UNSIGNED}))
    return boto3.client("rum", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id=key or "unused", aws_secret_access_key=secret or "x",
                        config=config)


def _code(call) -> tuple[str, int]:
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"][
        "HTTPStatusCode"]


@pytest.mark.parametrize("key", sorted(KEYS))
def test_signed_requests_of_each_key_pass(signed_server, key):
    rum = _client(signed_server.url, key, KEYS[key])
    name = f"signed-{key.lower()}"
    rum.create_app_monitor(Name=name, Domain="example.com")
    assert rum.get_app_monitor(Name=name)["AppMonitor"]["Name"] == name


def test_unsigned_is_refused(signed_server):
    rum = _client(signed_server.url)
    assert _code(lambda: rum.list_app_monitors()) == ("MissingAuthenticationTokenException",
                                                      403)


def test_wrong_secret_is_refused(signed_server):
    rum = _client(signed_server.url, "AKIDRUMTESTONE", "second-secret")
    assert _code(lambda: rum.list_app_monitors()) == ("InvalidSignatureException", 403)


def test_unknown_key_is_refused(signed_server):
    rum = _client(signed_server.url, "AKIDSOMEONEELSE", "first-secret")
    assert _code(lambda: rum.list_app_monitors()) == ("UnrecognizedClientException", 403)


def _signed(url: str, body: bytes, key: str, secret: str, when: datetime) -> AWSRequest:
    """A POST signed by botocore's signer as at ``when``."""
    request = AWSRequest(method="POST", url=url, data=body,
                         headers={"Content-Type": "application/json"})
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    request.headers["X-Amz-Date"] = stamp
    request.context["timestamp"] = stamp
    signer = SigV4Auth(Credentials(key, secret), "rum", "us-east-1")
    signer._modify_request_before_signing(request)
    canonical = signer.canonical_request(request)
    signature = signer.signature(signer.string_to_sign(request, canonical), request)
    scope = signer.scope(request)
    request.headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders="
        f"{signer.signed_headers(signer.headers_to_sign(request))}, Signature={signature}")
    return request


def _send(request: AWSRequest, body: bytes | None = None) -> tuple[int, dict]:
    raw = urllib.request.Request(request.url, data=body if body is not None else request.body,
                                 method=request.method, headers=dict(request.headers))
    try:
        with urllib.request.urlopen(raw, timeout=30) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


@pytest.mark.parametrize("age, code", [(timedelta(0), None),
                                       (timedelta(minutes=10), "InvalidSignatureException"),
                                       (-timedelta(minutes=10), "InvalidSignatureException")])
def test_signature_age(signed_server, age, code):
    request = _signed(signed_server.url + "/appmonitors", b"{}", "AKIDRUMTESTONE",
                      KEYS["AKIDRUMTESTONE"], datetime.now(timezone.utc) - age)
    status, answer = _send(request)
    if code is None:
        assert status == 200 and "AppMonitorSummaries" in answer
    else:
        assert (status, answer["__type"]) == (403, code)
        assert "expired" in answer["message"] or "not yet current" in answer["message"]


def test_a_changed_body_breaks_the_signature(signed_server):
    request = _signed(signed_server.url + "/appmonitors", b'{"MaxResults": 5}',
                      "AKIDRUMTESTONE", KEYS["AKIDRUMTESTONE"], datetime.now(timezone.utc))
    status, answer = _send(request, b'{"MaxResults": 6}')
    assert (status, answer["__type"]) == (403, "InvalidSignatureException")


def test_put_rum_events_allowed_publicly_by_the_resource_policy(signed_server):
    admin = _client(signed_server.url, "AKIDRUMTESTONE", KEYS["AKIDRUMTESTONE"])
    public, private = "public-monitor", "private-monitor"
    public_id = admin.create_app_monitor(Name=public, Domain="example.com")["Id"]
    private_id = admin.create_app_monitor(Name=private, Domain="example.com")["Id"]
    admin.put_resource_policy(Name=public, PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "rum:PutRumEvents",
            "Resource": ARN.format(public)}]}))
    anyone = _client(signed_server.url)
    body = web_batch(public_id, 10, 1)
    anyone.put_rum_events(**boto_batch(body))
    stored = admin.get_app_monitor_data(Name=public, TimeRange={"After": 0})["Events"]
    assert len(stored) == 10
    # the policy opens PutRumEvents of that app monitor only
    assert _code(lambda: anyone.put_rum_events(**boto_batch(web_batch(private_id, 3, 2)))) \
        == ("MissingAuthenticationTokenException", 403)
    assert _code(lambda: anyone.get_app_monitor(Name=public)) == (
        "MissingAuthenticationTokenException", 403)
    # a signature, when given, must still be right
    wrong = _client(signed_server.url, "AKIDRUMTESTONE", "nope")
    assert _code(lambda: wrong.put_rum_events(**boto_batch(web_batch(public_id, 3, 3)))) \
        == ("InvalidSignatureException", 403)


def test_the_page_is_closed_with_credentials(signed_server):
    try:
        urllib.request.urlopen(signed_server.url + "/", timeout=30)
    except urllib.error.HTTPError as e:
        assert e.code == 403 and json.loads(e.read())["__type"] == "AccessDeniedException"
    else:
        raise AssertionError("the page answered an unsigned caller")


@pytest.mark.parametrize("statement, allowed", [
    ({"Effect": "Allow", "Principal": "*", "Action": "rum:PutRumEvents"}, True),
    ({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["rum:*"]}, True),
    ({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"},
      "Action": "rum:PutRumEvents"}, False),
    ({"Effect": "Allow", "Principal": "*", "Action": "rum:GetAppMonitor"}, False),
    ({"Effect": "Allow", "Principal": "*", "Action": "rum:PutRumEvents",
      "Resource": "arn:aws:rum:us-east-1:123456789012:appmonitor/other"}, False),
    ({"Effect": "Allow", "Principal": "*", "Action": "rum:PutRumEvents",
      "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}, False),
])
def test_policy_allows(statement, allowed):
    arn = ARN.format("mine")
    assert policy_allows({"Statement": [statement]}, "rum:PutRumEvents", arn) is allowed
    deny = dict(statement, Effect="Deny", Principal="*")
    deny.pop("Condition", None)
    assert policy_allows({"Statement": [statement, deny]}, "rum:PutRumEvents", arn) is False


@pytest.mark.parametrize("text, where", [("AKID\n", ":1:1"), ("A B\nA C\n", ":2:1"),
                                         ("# nothing\n", "no ACCESS_KEY_ID")])
def test_bad_credentials_files(tmp_path, text, where):
    path = tmp_path / "credentials"
    path.write_text(text)
    with pytest.raises(RumRulesError, match=where):
        load_credentials(path)


def test_without_credentials_only_loopback(capsys):
    with pytest.raises(RumRulesError, match="loopback only"):
        serve(host="0.0.0.0", port=0, data=":memory:")
    assert Verifier(KEYS, "us-east-1").signed({"authorization": "x"})


@pytest.mark.parametrize("args, says", [
    (["--host", "0.0.0.0"], "listens on loopback only"),
    (["--credentials", "no-such-file"], "cannot read the credentials file"),
    (["--events-per-second", "-1"], "--events-per-second must be 0 (no limit) or more"),
])
def test_serve_usage_errors_of_the_traffic_options(args, says, monkeypatch, capsys, tmp_path):
    from tests.cli._helpers import run_cli

    code, out, err = run_cli(["serve", "--port", "0", "--data", ":memory:", *args],
                             monkeypatch, capsys, cwd=tmp_path)
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1, err


def test_signed_requests_with_query_strings_and_encoded_paths(signed_server):
    """Signatures over what botocore encodes: an ARN in the path, lists in the query."""
    rum = _client(signed_server.url, "AKIDRUMTESTTWO", KEYS["AKIDRUMTESTTWO"])
    name = "signed-paths"
    rum.create_app_monitor(Name=name, Domain="example.com")
    arn = ARN.format(name)
    rum.tag_resource(ResourceArn=arn, Tags={"team": "web shop", "cost:center": "a/b"})
    rum.untag_resource(ResourceArn=arn, TagKeys=["cost:center", "no/such+key"])
    assert rum.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "web shop"}
    rum.put_rum_metrics_destination(AppMonitorName=name, Destination="CloudWatch")
    created = rum.batch_create_rum_metric_definitions(
        AppMonitorName=name, Destination="CloudWatch", MetricDefinitions=[
            {"Name": "PageViewCount",
             "EventPattern": '{"event_type": ["com.amazon.rum.page_view_event"]}'}])
    ids = [d["MetricDefinitionId"] for d in created["MetricDefinitions"]]
    got = rum.batch_get_rum_metric_definitions(AppMonitorName=name, Destination="CloudWatch",
                                               MaxResults=1)
    assert [d["MetricDefinitionId"] for d in got["MetricDefinitions"]] == ids
    deleted = rum.batch_delete_rum_metric_definitions(
        AppMonitorName=name, Destination="CloudWatch", MetricDefinitionIds=ids)
    assert deleted["MetricDefinitionIds"] == ids
