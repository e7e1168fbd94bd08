"""The server suite's fixtures: the real server (uvicorn in a thread, or ``python -m rumrules
serve`` in a process) on 127.0.0.1 with a free port, always stopped; real boto3 clients whose
every parsed response is validated against botocore's output shape."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.validate import ParamValidator

from rumrules.server import BackgroundServer

ARN = "arn:aws:rum:us-east-1:123456789012:appmonitor/{}"


class ThreadServer(BackgroundServer):
    """The server in a thread on 127.0.0.1, a free port (``rumrules.server.BackgroundServer``)."""


class ResponseInvalid(AssertionError):
    """A parsed response that does not fit botocore's output shape."""


# answers to requests that name no operation or carry no JSON object: no operation lists them
OUTSIDE_OPERATIONS = {"UnknownOperationException", "SerializationException"}


def _validate_error(http_response, parsed, model) -> None:
    code = parsed["Error"]["Code"]
    listed = {s.name: s for s in model.error_shapes}
    if code in OUTSIDE_OPERATIONS:
        return
    if code not in listed:
        raise ResponseInvalid(f"{model.name} answered {code}, which its model does not list")
    shape = listed[code]
    if http_response.status_code != shape.metadata["error"]["httpStatusCode"]:
        raise ResponseInvalid(f"{code} with status {http_response.status_code}")
    body = json.loads(http_response.content)
    missing = [m for m in shape.required_members if m not in body]
    if missing or body.get("__type") != code:
        raise ResponseInvalid(f"{code} without {missing or '__type'}: {body}")


def _validate_response(http_response, parsed, model, **_):
    if http_response.status_code >= 300:
        _validate_error(http_response, parsed, model)
        return
    if model.output_shape is None:
        return
    body = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
    report = ParamValidator().validate(body, model.output_shape)
    if report.has_errors():
        raise ResponseInvalid(f"{model.name}: {report.generate_report()}")
    # members the shape does not define would be dropped by the parser: none may be sent
    sent = json.loads(http_response.content or b"{}")
    unknown = set(sent) - {m.serialization.get("name", n)
                           for n, m in model.output_shape.members.items()}
    if unknown:
        raise ResponseInvalid(f"{model.name}: members outside the model: {sorted(unknown)}")


def rum_client(url: str, **config):
    """A boto3 ``rum`` client for ``url``: dummy credentials, no retries, every response
    validated against the model (``Config`` options in ``config``)."""
    config.setdefault("inject_host_prefix", False)
    client = boto3.client("rum", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing",
                          config=Config(retries={"total_max_attempts": 1}, **config))
    client.meta.events.register("after-call.rum", _validate_response)
    return client


@pytest.fixture(scope="session")
def server() -> Iterator[ThreadServer]:
    s = ThreadServer()
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def rum(server):
    return rum_client(server.url)


@pytest.fixture
def name() -> str:
    """A fresh app monitor name (the session's server is shared)."""
    return f"app-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def monitor(rum, name) -> dict:
    """A created app monitor: ``{"Name", "Id", "Arn"}``."""
    app_id = rum.create_app_monitor(Name=name, Domain="example.com")["Id"]
    return {"Name": name, "Id": app_id, "Arn": ARN.format(name)}
