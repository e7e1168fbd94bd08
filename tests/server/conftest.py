"""The server suite's fixtures: the real server (uvicorn in a thread, or ``python -m rumrules
serve`` in a process) on 127.0.0.1 with a free port, always stopped; real boto3 clients whose
every parsed response is validated against botocore's output shape."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import uvicorn
from botocore.config import Config
from botocore.validate import ParamValidator

from rumrules.server import create_app

ARN = "arn:aws:rum:us-east-1:123456789012:appmonitor/{}"
START_TIMEOUT = 20.0


class ThreadServer:
    """uvicorn serving :func:`create_app` in a thread; ``url`` once started."""

    def __init__(self, data: str | Path = ":memory:", **options) -> None:
        self.app = create_app(str(data), **options)  # options: create_app's keywords
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=0,
                                                    log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=START_TIMEOUT)
        if self.app.state.publisher is not None:
            self.app.state.publisher.stop()
        self.app.state.service.store.close()


class ResponseInvalid(AssertionError):
    """A parsed response that does not fit botocore's output shape."""


def _validate_response(http_response, parsed, model, **_):
    if http_response.status_code >= 300 or model.output_shape is None:
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
                          config=Config(retries={"max_attempts": 1}, **config))
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
