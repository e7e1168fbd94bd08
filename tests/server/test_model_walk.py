"""Request parsing checked against botocore's model by walking it: for every operation, a
minimal valid request; then every required member missing, and every member the model
constrains (length, range, enum, pattern) out of range, each sent through boto3 (client-side
validation off) and answered with ``ValidationException`` (HTTP 400) naming the member."""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError
from botocore.model import Shape
from botocore.session import get_session

from .conftest import rum_client

MODEL = get_session().get_service_model("rum")
UUID = "0a1b2c3d-1111-2222-3333-444455556666"
# A valid value for each string shape with a pattern (the walk fails loudly on a new one).
VALID = {
    "AppMonitorName": "walk", "AppMonitorDomain": "example.com", "AppMonitorId": UUID,
    "PutRumEventsRequestIdString": UUID, "PutRumEventsRequestBatchIdString": UUID,
    "RumEventIdString": UUID, "UserDetailsUserIdString": UUID,
    "UserDetailsSessionIdString": UUID,
    "Arn": "arn:aws:rum:us-east-1:123456789012:appmonitor/walk",
    "DestinationArn": "arn:aws:evidently:us-east-1:123456789012:project/p/experiment/e",
    "IamRoleArn": "arn:aws:iam::123456789012:role/rum",
    "DeobfuscationS3Uri": "s3://bucket/maps", "Url": "https://example.com/page",
    "TagKey": "team", "DimensionName": "Page", "Namespace": "Shop",
    "IdentityPoolId": "us-east-1:" + UUID,
}
# Values that break a pattern, tried in order (the first that breaks it and fits the length).
BREAKERS = ["has space", ".dot", "aws:reserved", "", ":", "http://", "s3://-", "-"]


def valid(shape: Shape, path: str = "") -> object:
    kind = shape.type_name
    if kind == "structure":
        return {n: valid(shape.members[n], f"{path}.{n}") for n in shape.required_members}
    if kind == "list":
        return [valid(shape.member, path) for _ in range(max(shape.metadata.get("min", 0), 1))]
    if kind == "map":
        return {valid(shape.key, path): valid(shape.value, path)}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        if "pattern" in shape.metadata:
            assert shape.name in VALID, f"add a valid value for {shape.name} ({path})"
            return VALID[shape.name]
        return "a" * max(shape.metadata.get("min", 1), 1)
    if kind in ("integer", "long"):
        return shape.metadata.get("min", 1)
    if kind == "double":
        return shape.metadata.get("min", 0)
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return 1_700_000_000
    raise AssertionError(f"no valid value for {kind} at {path}")


def members(shape: Shape, path: tuple = ()) -> Iterator[tuple[tuple, Shape]]:
    """Every member below ``shape``: ``(path, shape)``; list elements as index 0, map
    values as the valid key."""
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            yield (*path, name), member
            yield from members(member, (*path, name))
    elif shape.type_name == "list":
        yield from members(shape.member, (*path, 0))
    elif shape.type_name == "map":
        yield from members(shape.value, (*path, valid(shape.key)))


def put(request: dict, root: Shape, path: tuple, value: object) -> dict:
    """``request`` with ``value`` at ``path`` (parents made valid where missing)."""
    out = copy.deepcopy(request)
    node, shape = out, root
    for i, key in enumerate(path[:-1]):
        shape = shape.members[key] if shape.type_name == "structure" else (
            shape.member if shape.type_name == "list" else shape.value)
        if isinstance(node, list):
            node = node[key]
            continue
        if key not in node:
            node[key] = valid(shape)
        node = node[key]
    node[path[-1]] = value
    return out


def remove(request: dict, path: tuple) -> dict:
    out = copy.deepcopy(request)
    node = out
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return out


def out_of_range(shape: Shape) -> Iterator[tuple[str, object]]:
    """``(constraint, value)`` for each way a value of ``shape`` breaks its model."""
    meta, kind = shape.metadata, shape.type_name
    if kind in ("string", "list", "map"):
        def sized(n: int) -> object:
            if kind == "string":
                return "a" * n
            item = valid(shape.member) if kind == "list" else None
            if kind == "list":
                return [item] * n
            return {f"k{i}": valid(shape.value) for i in range(n)}
        if meta.get("min", 0) > 0:
            yield "length", sized(meta["min"] - 1)
        if "max" in meta:
            yield "length", sized(meta["max"] + 1)
    if kind in ("integer", "long", "double"):
        step = 1 if kind != "double" else 0.5
        if "min" in meta:
            yield "value", meta["min"] - step
        if "max" in meta:
            yield "value", meta["max"] + step
    if kind == "string" and shape.enum:
        yield "enum", "NOT_IN_THE_ENUM"
    if kind == "string" and "pattern" in meta:
        low, high = meta.get("min", 0), meta.get("max", 10**9)
        regex = re.compile(meta["pattern"], re.DOTALL)
        for candidate in BREAKERS:
            if low <= len(candidate) <= high and not regex.fullmatch(candidate):
                yield "pattern", candidate
                break
        else:  # a value of the right length that breaks it: the valid one, spoiled
            spoiled = "!" * max(low, 1)
            assert not regex.fullmatch(spoiled), f"no breaking value for {shape.name}"
            yield "pattern", spoiled


def _uri_members(op) -> set[str]:
    return {n for n, m in op.input_shape.members.items()
            if m.serialization.get("location") == "uri"}


def cases() -> Iterator:
    for name in MODEL.operation_names:
        op = MODEL.operation_model(name)
        root = op.input_shape
        base = valid(root)
        for path in _required_paths(root, base):
            request = remove(base, path)
            if len(path) == 1 and path[0] in _uri_members(op):
                request = put(base, root, path, "")  # an empty URI label: what missing is
            yield pytest.param(name, request, path, "null", id=f"{name}-missing-{_text(path)}")
        for path, shape in members(root):
            for constraint, value in out_of_range(shape):
                yield pytest.param(name, put(base, root, path, value), path, constraint,
                                   id=f"{name}-{constraint}-{_text(path)}-{_short(value)}")


def _required_paths(shape: Shape, value: object, path: tuple = ()) -> Iterator[tuple]:
    if shape.type_name == "structure":
        for n in shape.required_members:
            yield (*path, n)
            yield from _required_paths(shape.members[n], value[n], (*path, n))
    elif shape.type_name == "list" and value:
        yield from _required_paths(shape.member, value[0], (*path, 0))


def _text(path: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 12 else f"{type(value).__name__}{len(value)}"


CASES = list(cases())


@pytest.fixture(scope="module")
def raw_client(server):
    return rum_client(server.url, parameter_validation=False)


def test_the_walk_covers_every_operation_and_constraint_kind():
    ops = {c.values[0] for c in CASES}
    assert ops == set(MODEL.operation_names) and len(ops) == 20
    kinds = {c.values[3] for c in CASES}
    assert kinds == {"null", "length", "value", "enum", "pattern"}


@pytest.mark.parametrize("operation", MODEL.operation_names)
def test_the_minimal_request_passes_the_model(raw_client, operation):
    op = MODEL.operation_model(operation)
    call = getattr(raw_client, _snake(operation))
    try:
        call(**valid(op.input_shape))
    except ClientError as e:  # the service may refuse it (no such app monitor), not the model
        assert "validation error" not in e.response["Error"]["Message"], e.response["Error"]


@pytest.mark.parametrize("operation, request_, path, constraint", CASES)
def test_out_of_model_requests_get_validation_exception(raw_client, operation, request_,
                                                        path, constraint):
    call = getattr(raw_client, _snake(operation))
    with pytest.raises(ClientError) as e:
        call(**request_)
    error = e.value.response["Error"]
    assert error["Code"] == "ValidationException", error
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert f"at '{_text(path)}" in error["Message"] or (
        constraint == "null" and f"at '{_text(path)}'" in error["Message"]), error["Message"]


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_unknown_routes_and_bodies(server):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for method, path, body, expected in [
                ("GET", "/nothing/here", b"", ("UnknownOperationException", 404)),
                ("PUT", "/appmonitors", b"", ("UnknownOperationException", 404)),
                ("OPTIONS", "/appmonitor/web", b"", ("UnknownOperationException", 404)),
                ("POST", "/appmonitor", b"{not json", ("SerializationException", 400)),
                ("POST", "/appmonitor", b"[1]", ("SerializationException", 400))]:
            conn.request(method, path, body=body)
            resp = conn.getresponse()
            data = resp.read()
            assert (resp.getheader("x-amzn-ErrorType"), resp.status) == expected, data
            assert str(uuid.UUID(resp.getheader("x-amzn-RequestId")))
    finally:
        conn.close()
