"""Hypothesis over the request handler (in-process, no sockets): requests drawn from
botocore's model -- members of the right types with values in and out of their constraints,
and arbitrary JSON bodies -- never make the server fail: every answer is a success or an
error the operation's model lists, and never an internal error."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
from botocore.model import Shape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rumrules.server import ApiHandler
from rumrules.service import RumService, ServiceError, Store

from .conftest import OUTSIDE_OPERATIONS
from .test_model_walk import MODEL, VALID, valid

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def handler():
    service = RumService(Store())
    yield ApiHandler(service)
    service.store.close()


def _ensure(service: RumService) -> None:
    """Something for each example to find: the app monitor ``walk`` (its id in
    :data:`VALID_IDS`) with a CloudWatch destination."""
    try:
        service.call("GetAppMonitor", {"Name": "walk"})
    except ServiceError:
        VALID_IDS["AppMonitorId"] = service.call(
            "CreateAppMonitor", {"Name": "walk", "Domain": "example.com"})["Id"]
    service.call("PutRumMetricsDestination", {"AppMonitorName": "walk",
                                              "Destination": "CloudWatch"})


VALID_IDS: dict[str, str] = {}
PATTERNS = ['{"event_type": ["com.amazon.rum.js_error_event"]}',
            '{"event_type": ["com.amazon.rum.page_view_event"], "metadata": {"pageId": ["/a"]}}',
            '{"event_type": ["com.amazon.rum.http_event"], "event_details": '
            '{"response": {"status": [{"numeric": [">=", 500]}]}}}', "{", ""]

_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


def values(shape: Shape, depth: int = 0) -> st.SearchStrategy:
    """Values of the shape's type: its valid value, edge lengths and numbers, random ones."""
    kind = shape.type_name
    if kind == "structure":
        return st.fixed_dictionaries(
            {n: values(shape.members[n], depth + 1) for n in shape.required_members},
            optional={n: values(m, depth + 1) for n, m in shape.members.items()
                      if n not in shape.required_members})
    if kind == "list":
        return st.lists(values(shape.member, depth + 1), max_size=3 if depth else 5)
    if kind == "map":
        return st.dictionaries(values(shape.key, depth + 1), values(shape.value, depth + 1),
                               max_size=3)
    if kind == "string":
        odd = [_text]
        if shape.enum:
            odd.append(st.sampled_from(shape.enum))
        if "max" in shape.metadata:
            odd.append(st.just("a" * (shape.metadata["max"] + 1)))
        good = st.just(valid(shape))
        if shape.name == "EventPattern":
            good = st.sampled_from(PATTERNS)
        return st.one_of(good, st.one_of(odd))  # half the time the valid value
    meta = shape.metadata
    if kind in ("integer", "long"):
        return st.one_of(st.integers(meta.get("min", 0), meta.get("max", 1000)),
                         st.integers(-5, 2**40))
    if kind == "double":
        return st.one_of(st.floats(meta.get("min", 0), meta.get("max", 1)),
                         st.floats(-2, 2, allow_nan=False))
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.one_of(st.integers(0, 2**33), st.just("2024-01-01T00:00:00Z"))
    raise AssertionError(kind)


def in_model(shape: Shape) -> st.SearchStrategy:
    """Values within every constraint of the model (so the service's own checks run)."""
    kind, meta = shape.type_name, shape.metadata
    if kind == "structure":
        return st.fixed_dictionaries(
            {n: in_model(shape.members[n]) for n in shape.required_members},
            optional={n: in_model(m) for n, m in shape.members.items()
                      if n not in shape.required_members})
    if kind in ("list", "map"):
        low = meta.get("min", 0)
        high = min(meta.get("max", 3), low + 3)
        if kind == "list":
            return st.lists(in_model(shape.member), min_size=low, max_size=high)
        return st.dictionaries(in_model(shape.key), in_model(shape.value), min_size=low,
                               max_size=high)
    if kind == "string":
        if shape.enum:
            return st.sampled_from(shape.enum)
        if shape.name == "EventPattern":
            return st.sampled_from(PATTERNS)
        if "pattern" in meta:
            return st.just(valid(shape))
        low = meta.get("min", 0)
        return st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]),
                       min_size=low, max_size=min(meta.get("max", 20), low + 20))
    if kind in ("integer", "long"):
        return st.integers(meta.get("min", 0), meta.get("max", 1000))
    if kind == "double":
        return st.floats(meta.get("min", 0), meta.get("max", 1))
    return values(shape)


def wire(op, params: dict) -> tuple[str, str, bytes]:
    """``(path, query, body)`` of ``params`` as botocore's rest-json serializer lays them out."""
    path = op.http["requestUri"]
    query, body = [], {}
    for name, member in op.input_shape.members.items():
        if name not in params:
            if member.serialization.get("location") == "uri":
                path = path.replace("{" + name + "}", "")
            continue
        value = params[name]
        where = member.serialization.get("location")
        key = member.serialization.get("name", name)
        if where == "uri":
            path = path.replace("{" + key + "}", quote(str(value), safe=""))
        elif where == "querystring":
            for v in (value if isinstance(value, list) else [value]):
                query.append((key, str(v).lower() if isinstance(v, bool) else str(v)))
        else:
            body[key] = value
    return path, urlencode(query), json.dumps(body).encode()


def check(handler, op, method: str, path: str, query: str, body: bytes) -> None:
    status, headers, content = handler(method, path, query, {}, body)
    answer = json.loads(content)
    if status == 200:
        return
    code = headers["x-amzn-ErrorType"]
    assert code != "InternalServerException", answer
    assert answer["__type"] == code and answer["message"]
    listed = {s.name: s for s in op.error_shapes}
    assert code in listed or code in OUTSIDE_OPERATIONS, (code, answer)
    if code in listed:
        assert status == listed[code].metadata["error"]["httpStatusCode"]


@pytest.mark.parametrize("operation", MODEL.operation_names)
def test_requests_from_the_model_never_fail_the_server(handler, operation):
    op = MODEL.operation_model(operation)

    @FUZZ
    @given(st.one_of(in_model(op.input_shape), values(op.input_shape)))
    def run(params):
        _ensure(handler.service)
        if params.get("Id") == VALID["AppMonitorId"]:  # the valid id: one that exists
            params["Id"] = VALID_IDS["AppMonitorId"]
        check(handler, op, op.http["method"], *wire(op, params))

    run()


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                     | _text, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(_text, inner, max_size=3), max_leaves=10)


@pytest.mark.parametrize("operation", MODEL.operation_names)
def test_arbitrary_bodies_never_fail_the_server(handler, operation):
    op = MODEL.operation_model(operation)
    path, query, _ = wire(op, valid(op.input_shape))

    @FUZZ
    @given(st.one_of(_json.map(lambda v: json.dumps(v).encode()), st.binary(max_size=40)))
    def run(body):
        _ensure(handler.service)
        check(handler, op, op.http["method"], path, query, body)

    run()
