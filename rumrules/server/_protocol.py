"""The RUM wire protocol (REST-JSON), driven by botocore's ``rum`` service model loaded at run
time: routes from each operation's ``http`` trait, request members from their locations
(URI labels, query string, headers, JSON body), every constraint the model states checked
(required, length, range, pattern, enum), responses and errors shaped as botocore parses
them."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from botocore.model import NoShapeFoundError, OperationModel, ServiceModel, Shape
from botocore.session import get_session

__all__ = ["Protocol", "ProtocolError", "load_model", "MAX_BODY_BYTES"]

SERVICE = "rum"
MAX_BODY_BYTES = 16 * 1024 * 1024
_STATUS_OUTSIDE_MODEL = {"UnknownOperationException": 404, "SerializationException": 400}


def load_model() -> ServiceModel:
    """botocore's ``rum`` service model, as installed."""
    return get_session().get_service_model(SERVICE)


class ProtocolError(Exception):
    """A request the protocol refuses before any operation runs: ``code`` is the exception
    name (``ValidationException`` for every constraint of the model), ``message`` the
    service-style text, ``errors`` the individual ``(path, text)`` failures."""

    def __init__(self, code: str, message: str, errors: list[tuple[str, str]] | None = None):
        self.code = code
        self.message = message
        self.errors = errors or []
        super().__init__(message)


@dataclass(frozen=True)
class _Route:
    method: str
    regex: re.Pattern
    labels: tuple[str, ...]
    operation: OperationModel


def _show(value: Any) -> str:
    if value is None:
        return "null"
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = text if len(text) <= 100 else text[:97] + "..."
    return f"'{text}'" if isinstance(value, str) else text


class _Reader:
    """Wire values -> Python values of a shape, every model constraint checked; failures
    collected as ``(path, constraint)``."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str, Any]] = []

    def fail(self, path: str, value: Any, constraint: str) -> None:
        self.errors.append((path, constraint, value))

    def read(self, shape: Shape, value: Any, path: str) -> Any:
        kind = shape.type_name
        reader = getattr(self, "_" + kind, None)
        if reader is None:  # blob and other types the rum model does not use
            return value
        return reader(shape, value, path)

    # -- types ---------------------------------------------------------------------------
    def _structure(self, shape: Shape, value: Any, path: str) -> Any:
        if not isinstance(value, Mapping):
            self.fail(path, value, "Member must be an object")
            return None
        out = {}
        for name, member in shape.members.items():
            key = member.serialization.get("name", name)
            if key in value and value[key] is not None:
                out[name] = self.read(member, value[key], _join(path, name))
        self.required(shape, out, path)
        return out

    def required(self, shape: Shape, out: Mapping, path: str) -> None:
        for name in shape.required_members:
            if name not in out:
                self.fail(_join(path, name), None, "Member must not be null")

    def _list(self, shape: Shape, value: Any, path: str) -> Any:
        if not isinstance(value, list):
            self.fail(path, value, "Member must be an array")
            return None
        self._length(shape, len(value), value, path)
        return [self.read(shape.member, v, f"{path}[{i}]") for i, v in enumerate(value)]

    def _map(self, shape: Shape, value: Any, path: str) -> Any:
        if not isinstance(value, Mapping):
            self.fail(path, value, "Member must be an object")
            return None
        self._length(shape, len(value), value, path)
        return {self.read(shape.key, k, f"{path}.key"): self.read(shape.value, v, f"{path}[{k}]")
                for k, v in value.items()}

    def _string(self, shape: Shape, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            self.fail(path, value, "Member must be a string")
            return value
        self._length(shape, len(value), value, path)
        enum = shape.enum
        if enum and value not in enum:
            self.fail(path, value, f"Member must satisfy enum value set: [{', '.join(enum)}]")
        pattern = shape.metadata.get("pattern")
        if pattern is not None and _compiled(pattern).fullmatch(value) is None:
            self.fail(path, value, f"Member must satisfy regular expression pattern: {pattern}")
        return value

    def _integer(self, shape: Shape, value: Any, path: str) -> Any:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return self._number(shape, value, path, int, "an integer")

    _long = _integer

    def _double(self, shape: Shape, value: Any, path: str) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            value = str(value)  # NaN and infinities are no JSON numbers
        return self._number(shape, value, path, (int, float), "a number")

    _float = _double

    def _number(self, shape: Shape, value: Any, path: str, types: Any, what: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, types):
            self.fail(path, value, f"Member must be {what}")
        else:
            self._range(shape, value, path)
        return value

    def _boolean(self, shape: Shape, value: Any, path: str) -> Any:
        if not isinstance(value, bool):
            self.fail(path, value, "Member must be a boolean")
        return value

    def _timestamp(self, shape: Shape, value: Any, path: str) -> Any:
        # epoch seconds on the wire (rest-json); ISO 8601 text is left to the operation
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(path, value, "Member must be a timestamp")
        return value

    # -- constraints ---------------------------------------------------------------------
    def _length(self, shape: Shape, n: int, value: Any, path: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and n < low:
            self.fail(path, value, f"Member must have length greater than or equal to {low}")
        if high is not None and n > high:
            self.fail(path, value, f"Member must have length less than or equal to {high}")

    def _range(self, shape: Shape, value: float, path: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and value < low:
            self.fail(path, value, f"Member must have value greater than or equal to {low}")
        if high is not None and value > high:
            self.fail(path, value, f"Member must have value less than or equal to {high}")


_PATTERNS: dict[str, re.Pattern] = {}


def _compiled(pattern: str) -> re.Pattern:
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        compiled = _PATTERNS[pattern] = re.compile(pattern, re.DOTALL)
    return compiled


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _text_value(shape: Shape, text: str) -> Any:
    """A URI label, query or header value as the type of its shape (text that is not one is
    kept as text, and the reader refuses it)."""
    kind = shape.type_name
    if kind in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            return text
    if kind in ("double", "float"):
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    return text


class Protocol:
    """The REST-JSON protocol of ``model`` (botocore's ``rum`` model by default)."""

    def __init__(self, model: ServiceModel | None = None) -> None:
        self.model = model or load_model()
        routes = []
        for name in self.model.operation_names:
            op = self.model.operation_model(name)
            uri = op.http["requestUri"]
            path, _, _ = uri.partition("?")
            labels = tuple(re.findall(r"\{([^}+]+)\+?\}", path))
            regex = re.escape(path)
            for label in labels:
                greedy = "{" + label + "+}" in path
                regex = regex.replace(re.escape("{" + label + ("+}" if greedy else "}")),
                                      "(.*)" if greedy else "([^/]*)")
            routes.append(_Route(op.http["method"], re.compile(regex), labels, op))
        # literal segments first, so /appmonitors wins over /appmonitor/{Name}
        self.routes = sorted(routes, key=lambda r: -len(r.regex.pattern.replace("([^/]*)", "")))

    # -- requests ------------------------------------------------------------------------
    def route(self, method: str, raw_path: str) -> tuple[OperationModel, dict[str, str]]:
        """The operation and its URI labels (decoded) for a request line."""
        allowed = False
        for r in self.routes:
            m = r.regex.fullmatch(raw_path)
            if m is None:
                continue
            if r.method == method:
                return r.operation, {k: unquote(v) for k, v in zip(r.labels, m.groups())}
            allowed = True
        what = "method" if allowed else "path"
        raise ProtocolError("UnknownOperationException",
                            f"No operation of the RUM API takes {method} {raw_path} "
                            f"(unknown {what})")

    def parse(self, op: OperationModel, labels: Mapping[str, str], query: str,
              headers: Mapping[str, str], body: bytes) -> dict:
        """The request's members by name, every constraint of the model checked; raise
        :class:`ProtocolError` (``ValidationException``, or ``SerializationException`` for
        a body that is not a JSON object)."""
        shape = op.input_shape
        if shape is None:
            return {}
        document: Any = {}
        if body.strip():
            try:
                document = json.loads(body)
            except (ValueError, UnicodeDecodeError) as e:
                raise ProtocolError("SerializationException",
                                    f"The request body is not JSON: {e}") from None
            if not isinstance(document, dict):
                raise ProtocolError("SerializationException",
                                    "The request body must be a JSON object")
        params = parse_qs(query, keep_blank_values=True)
        lower = {k.lower(): v for k, v in headers.items()}
        reader = _Reader()
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            where = member.serialization.get("location")
            key = member.serialization.get("name", name)
            if where == "uri":
                value: Any = labels.get(key)
                if value == "":
                    value = None
                elif value is not None:
                    value = _text_value(member, value)
            elif where == "querystring":
                values = params.get(key)
                if values is None:
                    value = None
                elif member.type_name == "list":
                    value = [_text_value(member.member, v) for v in values]
                else:
                    value = _text_value(member, values[-1])
            elif where == "header":
                value = lower.get(key.lower())
                if value is not None:
                    value = _text_value(member, value)
            else:
                value = document.get(key)
            if value is not None:
                out[name] = reader.read(member, value, name)
        reader.required(shape, out, "")
        if reader.errors:
            n = len(reader.errors)
            texts = [f"Value {_show(v)} at '{p}' failed to satisfy constraint: {c}"
                     for p, c, v in reader.errors]
            raise ProtocolError("ValidationException",
                                f"{n} validation error{'s' if n > 1 else ''} detected: "
                                + "; ".join(texts), [(p, c) for p, c, _ in reader.errors])
        return out

    # -- responses -----------------------------------------------------------------------
    def response(self, op: OperationModel, output: Mapping) -> tuple[int, dict, bytes]:
        """``(status, headers, body)`` of a successful call."""
        shape = op.output_shape
        headers: dict[str, str] = {}
        body: dict[str, Any] = {}
        if shape is not None:
            for name, member in shape.members.items():
                if name not in output or output[name] is None:
                    continue
                where = member.serialization.get("location")
                key = member.serialization.get("name", name)
                if where == "header":
                    headers[key] = str(output[name])
                else:
                    body[key] = output[name]
        return op.http.get("responseCode", 200), headers, json.dumps(body).encode()

    def error(self, code: str, message: str, **members: Any) -> tuple[int, dict, bytes]:
        """``(status, headers, body)`` of an error: the status of the error shape, the
        ``x-amzn-ErrorType`` header, ``__type`` and ``message`` (and the shape's other
        members given, e.g. ``resourceName``) in the body."""
        try:
            shape = self.model.shape_for(code)
        except NoShapeFoundError:  # not a modelled error (UnknownOperationException ...)
            shape = None
        status = _STATUS_OUTSIDE_MODEL.get(code, 400)
        headers = {"x-amzn-ErrorType": code}
        body: dict[str, Any] = {"__type": code, "message": message}
        if shape is not None:
            status = shape.metadata.get("error", {}).get("httpStatusCode", status)
            for name, member in shape.members.items():
                value = members.get(name)
                if value is None:
                    continue
                if member.serialization.get("location") == "header":
                    headers[member.serialization.get("name", name)] = str(value)
                else:
                    body[name] = value
        return status, headers, json.dumps(body).encode()
