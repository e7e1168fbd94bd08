"""Properties: any input gives documents or a RequestError; the fast schema check agrees
with jsonschema; the schemas in use are the ones catalog.event_types generates."""

from __future__ import annotations

import json

import jsonschema
from hypothesis import given
from hypothesis import strategies as st

from rumrules import RequestError
from rumrules.catalog.event_types import BUILTIN_EVENT_TYPES
from rumrules.ingestion import IngestResult, ingest_batch
from rumrules.ingestion._schemas import validator_for

from .payloads import web_client_request

json_scalars = (st.none() | st.booleans() | st.integers(-(2 ** 63), 2 ** 63)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=5),
    max_leaves=30,
)

# Raw JSON texts that json.dumps cannot make: numbers too large for a double, which json.loads
# reads as inf.  A value drawn from ``raw_values`` may hold markers; ``raw_text`` writes each
# marker as one of these literals.
_OVERFLOWING = ("1e400", "-1e999", "1E+309", "2e308", "-" + "9" * 320 + ".5")
_MARKERS = tuple(f"\x00overflow{i}\x00" for i in range(len(_OVERFLOWING)))
raw_scalars = json_scalars | st.sampled_from(_MARKERS)
raw_values = st.recursive(
    raw_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=5),
    max_leaves=30,
)


def raw_text(value) -> str:
    text = json.dumps(value)
    for marker, literal in zip(_MARKERS, _OVERFLOWING):
        text = text.replace(json.dumps(marker), literal)
    return text


json_texts = raw_values.map(raw_text)
object_texts = st.dictionaries(st.text(max_size=12), raw_values, max_size=5).map(raw_text)


def _check_outcome(request) -> None:
    try:
        result = ingest_batch(request)
    except RequestError as err:
        assert err.code == "ValidationException" and err.message
        return
    assert isinstance(result, IngestResult)
    for doc in result.documents:
        json.dumps(doc, allow_nan=False)
    for index, reason in result.dropped_events:
        assert isinstance(index, int) and isinstance(reason, str)
    for index, key, reason in result.dropped_attributes:
        assert isinstance(index, int) and isinstance(key, str) and isinstance(reason, str)


@given(json_values)
def test_any_json_value_as_request(value):
    _check_outcome(value)


@given(json_texts)
def test_any_json_text_as_request(text):
    _check_outcome(text)


@given(st.binary(max_size=200))
def test_any_bytes_as_request(body):
    _check_outcome(body)


_TEMPLATE = web_client_request(3, version=3)
_PATHS = [("Id",), ("BatchId",), ("AppMonitorDetails",), ("AppMonitorDetails", "id"),
          ("UserDetails",), ("UserDetails", "userId"), ("SessionMetadata",), ("RumEvents",),
          ("Alias",)] + [("RumEvents", i, k) for i in range(3)
                         for k in ("id", "timestamp", "type", "details", "metadata")]


def _fits(node, part) -> bool:
    return ((isinstance(node, dict) and isinstance(part, str))
            or (isinstance(node, list) and isinstance(part, int) and part < len(node)))


def _replace(req, path, value) -> None:
    node = req
    for part in path[:-1]:
        if not _fits(node, part) or (isinstance(node, dict) and part not in node):
            return
        node = node[part]
    if _fits(node, path[-1]):
        node[path[-1]] = value


@given(st.lists(st.tuples(st.sampled_from(_PATHS), json_values | json_texts), max_size=3))
def test_valid_request_with_members_replaced_by_any_json(changes):
    req = json.loads(json.dumps(_TEMPLATE))
    for path, value in changes:
        _replace(req, path, value)
    _check_outcome(req)


@given(st.sampled_from(sorted(BUILTIN_EVENT_TYPES)) | st.just("my.custom"),
       object_texts | json_texts, object_texts | json_texts)
def test_any_details_and_metadata_texts_for_any_type(type_, details, metadata):
    req = json.loads(json.dumps(_TEMPLATE))
    req["RumEvents"][0]["type"] = type_
    req["RumEvents"][0]["details"] = details
    req["RumEvents"][0]["metadata"] = metadata
    _check_outcome(req)


@given(st.sampled_from([(i, m) for i in range(3) for m in ("details", "metadata")]
                       + [(None, "SessionMetadata")]),
       st.data())
def test_valid_request_with_a_value_in_a_json_text_replaced(where, data):
    """One member of a valid details/metadata/SessionMetadata text set to any value, often
    an overflowing number where the schema wants a number (the text stays schema-valid)."""
    req = json.loads(json.dumps(_TEMPLATE))
    index, member = where
    holder = req if index is None else req["RumEvents"][index]
    parsed = json.loads(holder[member])
    key = data.draw(st.sampled_from(sorted(parsed)) | st.from_regex(r"[a-z]{1,8}",
                                                                   fullmatch=True))
    parsed[key] = data.draw(st.sampled_from(_MARKERS) | raw_values)
    holder[member] = raw_text(parsed)
    _check_outcome(req)


# -- the fast check and jsonschema agree ---------------------------------------------------
_WRONG = st.sampled_from(["s", "", 0, 1, 1.0, 2.5, -3, True, False, None, [], {}, ["s"], {"k": 1}])


def _draw_for(data, schema: dict, defs: dict, depth: int, odds: int = 10):
    """A value for ``schema`` that fits it except for about one node in ``odds`` (never when
    ``odds`` is 0), so both verdicts occur."""
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[1]]
    if depth > 4 or (odds and data.draw(st.integers(0, odds - 1)) == 0):
        return data.draw(_WRONG | json_values)
    kind = schema.get("type")
    if kind == "object" and "properties" in schema:
        out = {}
        required = set(schema.get("required", ()))
        for key, sub in schema["properties"].items():
            if key in required and (not odds or data.draw(st.integers(0, 2 * odds)) != 0):
                out[key] = _draw_for(data, sub, defs, depth + 1, odds)
            elif key not in required and data.draw(st.booleans()):
                out[key] = _draw_for(data, sub, defs, depth + 1, odds)
        if odds and data.draw(st.integers(0, odds - 1)) == 0:
            out[data.draw(st.text(max_size=6))] = data.draw(json_scalars)
        return out
    if kind == "object":
        return data.draw(st.dictionaries(st.text(max_size=5), json_values, max_size=3))
    if kind == "array":
        n = data.draw(st.integers(0, 3))
        return [_draw_for(data, schema.get("items", {}), defs, depth + 1, odds) for _ in range(n)]
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return data.draw(st.sampled_from(schema["enum"]))
    if kind == "string":
        lo, hi = schema.get("minLength", 0), schema.get("maxLength", 8)
        return data.draw(st.text(min_size=max(0, lo - (odds > 0)), max_size=hi + (odds > 0)))
    if kind == "number":
        return data.draw(st.integers(-5, 5) | st.floats(allow_nan=False, allow_infinity=False))
    if kind == "integer":
        return data.draw(st.integers(-5, 5) | st.sampled_from([1.0, -0.0, 1e300]
                                                              + [2.5] * (odds > 0)))
    if kind == "boolean":
        return data.draw(st.booleans())
    return data.draw(json_values)


@given(st.sampled_from(sorted(BUILTIN_EVENT_TYPES)), st.data())
def test_fast_check_agrees_with_jsonschema(type_, data):
    validator = validator_for(type_)
    schema = validator.schema
    odds = data.draw(st.sampled_from([0, 40, 10, 3]))
    details = _draw_for(data, schema, schema.get("$defs", {}), 0, odds)
    expected = validator.jsonschema_validator.is_valid(details)
    assert validator._fast(details) is expected
    assert (validator.problem(details) is None) is expected


def test_schemas_in_use_are_generated_from_event_types():
    for name, event_type in BUILTIN_EVENT_TYPES.items():
        validator = validator_for(name)
        assert validator.schema == event_type.details_schema()
        assert validator.jsonschema_validator.schema == event_type.details_schema()
        assert isinstance(validator.jsonschema_validator, jsonschema.Draft202012Validator)
        assert validator._fast is not None, f"{name}: schema uses a keyword the fast check lacks"


def test_validators_are_built_once_and_reused():
    name = "com.amazon.rum.http_event"
    first = validator_for(name)
    full = first.jsonschema_validator
    req = json.loads(json.dumps(_TEMPLATE))
    req["RumEvents"][0]["type"] = name
    req["RumEvents"][0]["details"] = "{}"
    ingest_batch(req)
    assert validator_for(name) is first and first.jsonschema_validator is full
