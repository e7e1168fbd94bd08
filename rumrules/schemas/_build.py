"""Building the schemas from the catalog, the API model and the rules' metadata."""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from ..catalog.event_types import BUILTIN_EVENT_TYPES, CUSTOM_EVENT_TYPE_RE, SCHEMA_DIALECT
from ..catalog.metrics import EXTENDED_DIMENSIONS, EXTENDED_METRICS, EXTENDED_NAMESPACE
from ..catalog.units import STANDARD_UNITS
from ..errors import RumRulesError
from ..ingestion import UUID_PATTERN
from ..rules import (APP_MONITOR_NAME_LENGTH, APP_MONITOR_NAME_RE, ARN_MAX, DESTINATIONS,
                     DIMENSION_KEY_LENGTH, DIMENSION_NAME_LENGTH, ID_LENGTH, LENGTHS, MAX_BATCH,
                     MAX_DIMENSIONS, MAX_PER_DESTINATION, NAMESPACE_CHARS, RULES)

__all__ = ["SCHEMA_NAMES", "schema"]

#: Where the schemas say they live (``$id``); ``rumrules schema NAME`` prints them.
SCHEMA_BASE = "https://github.com/rumrules/rumrules/schemas/"
#: The schema names ``rumrules schema`` takes.
SCHEMA_NAMES = ("metric-definitions", "batch-create-request", "update-request",
                "put-rum-events")

_UUID = f"^{UUID_PATTERN}$"
_MEMBER_DOCS = {
    "Name": "The metric's name: an extended metric's name (Namespace absent or AWS/RUM), "
            "or any name for a custom metric.",
    "Namespace": "Absent or AWS/RUM for an extended metric; a custom metric's own namespace "
                 "(published under RUM/CustomMetrics/<Namespace>; it cannot start with AWS/).",
    "ValueKey": "The event field whose value is published (absent: 1 per matching event).",
    "UnitLabel": "A CloudWatch standard unit (spelling and case matter).",
    "DimensionKeys": "Event field path -> dimension name (at most 29).",
    "EventPattern": "The EventPattern text that picks the events (JSON, as text).",
}


def _rules_by_member() -> dict[str, list[Any]]:
    """Definition members -> the rules whose bad examples point at them."""
    out: dict[str, list[Any]] = {}
    for rule in RULES:
        members = {ex.where[0] for ex in rule.bad if ex.where and isinstance(ex.where[0], str)}
        for member in members & set(_MEMBER_DOCS):
            out.setdefault(member, []).append(rule)
    return out


def _described(member: str, body: dict[str, Any], rules: list[Any]) -> dict[str, Any]:
    from ..linter import docs_url

    lines = [_MEMBER_DOCS[member]]
    lines += [f"{r.code} {r.name}: {r.summary} ({docs_url(r.code)})" for r in rules]
    return {"description": "\n".join(lines), **body}


def _string(member: str) -> dict[str, Any]:
    low, high = LENGTHS[member]
    return {"type": "string", "minLength": low, "maxLength": high}


def _definition() -> dict[str, Any]:
    by_member = _rules_by_member()
    props = {
        "Name": _string("Name"),
        "Namespace": {**_string("Namespace"), "pattern": f"^{NAMESPACE_CHARS.pattern}$",
                      "not": {"pattern": f"^AWS/(?!{EXTENDED_NAMESPACE[4:]}$)"}},
        "ValueKey": {**_string("ValueKey"), "type": ["string", "null"]},
        "UnitLabel": {"enum": list(STANDARD_UNITS)},
        "DimensionKeys": {"type": "object", "maxProperties": MAX_DIMENSIONS,
                          "propertyNames": {"minLength": DIMENSION_KEY_LENGTH[0],
                                            "maxLength": DIMENSION_KEY_LENGTH[1]},
                          "additionalProperties": {"type": "string",
                                                   "minLength": DIMENSION_NAME_LENGTH[0],
                                                   "maxLength": DIMENSION_NAME_LENGTH[1]}},
        "EventPattern": _string("EventPattern"),
    }
    props = {m: _described(m, body, by_member.get(m, [])) for m, body in props.items()}
    extended = {"anyOf": [{"not": {"required": ["Namespace"]}},
                          {"properties": {"Namespace": {"const": EXTENDED_NAMESPACE}}}]}
    per_metric = []
    for metric in EXTENDED_METRICS.values():
        value_key = ({"const": metric.value_key} if metric.value_key
                     else {"type": "null"})
        then: dict[str, Any] = {"properties": {"ValueKey": value_key,
                                               "DimensionKeys": {"propertyNames": {
                                                   "enum": list(EXTENDED_DIMENSIONS)}}}}
        if metric.value_key:
            then["required"] = ["ValueKey"]
        per_metric.append({"if": {"properties": {"Name": {"const": metric.name}}},
                           "then": then})
    return {
        "type": "object",
        "title": "MetricDefinitionRequest",
        "description": "One metric definition (BatchCreateRumMetricDefinitions "
                       "MetricDefinitions[], UpdateRumMetricDefinition MetricDefinition).",
        "required": ["Name"],
        "properties": props,
        "additionalProperties": False,
        "if": extended,
        "then": {"properties": {"Name": {"enum": list(EXTENDED_METRICS)}},
                 "allOf": per_metric},
    }


def _request_members() -> dict[str, Any]:
    return {
        "AppMonitorName": {"type": "string", "minLength": APP_MONITOR_NAME_LENGTH[0],
                           "maxLength": APP_MONITOR_NAME_LENGTH[1],
                           "pattern": f"^{APP_MONITOR_NAME_RE.pattern}$",
                           "description": "The app monitor's name."},
        "Destination": {"enum": list(DESTINATIONS), "description": "Where the metrics go."},
        "DestinationArn": {"type": "string", "maxLength": ARN_MAX,
                           "description": "The Evidently experiment's ARN (Evidently only)."},
    }


def _envelope(name: str, title: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": SCHEMA_DIALECT, "$id": f"{SCHEMA_BASE}{name}.json", "title": title,
            "description": description, **body}


def _put_rum_events() -> dict[str, Any]:
    types = sorted(BUILTIN_EVENT_TYPES)
    return {
        "type": "object",
        "required": ["AppMonitorDetails", "BatchId", "RumEvents", "UserDetails"],
        "properties": {
            "Id": {"type": "string", "pattern": _UUID,
                   "description": "The app monitor's ID (the URI parameter; boto3 takes it "
                                  "in the body)."},
            "Alias": {"type": "string", "minLength": 1, "maxLength": 255},
            "SessionMetadata": {"type": ["object", "string"],
                                "description": "Request-level metadata the web client sends "
                                               "(a JSON object, or its text)."},
            "BatchId": {"type": "string", "pattern": _UUID},
            "AppMonitorDetails": {"type": "object", "properties": {
                "id": {"type": "string"}, "name": {"type": "string"},
                "version": {"type": "string"}}, "additionalProperties": False},
            "UserDetails": {"type": "object", "properties": {
                "userId": {"type": "string"}, "sessionId": {"type": "string"}},
                "additionalProperties": False},
            "RumEvents": {"type": "array", "items": {
                "type": "object",
                "required": ["details", "id", "timestamp", "type"],
                "properties": {
                    "id": {"type": "string", "pattern": _UUID},
                    "timestamp": {"type": ["number", "string"],
                                  "description": "Epoch seconds (the wire), or an ISO 8601 "
                                                 "time (boto3 takes a datetime)."},
                    "type": {"type": "string",
                             "anyOf": [{"enum": types},
                                       {"pattern": f"^{CUSTOM_EVENT_TYPE_RE.pattern}$"}],
                             "description": "A built-in event type, or a custom one."},
                    "details": {"type": "string",
                                "description": "The event's details, as JSON text."},
                    "metadata": {"type": "string",
                                 "description": "The event's metadata, as JSON text."},
                },
                "additionalProperties": False}},
        },
        "additionalProperties": False,
    }


@lru_cache(maxsize=None)
def _build(name: str) -> dict[str, Any]:
    definition_ref = {"$ref": "#/$defs/MetricDefinitionRequest"}
    defs = {"$defs": {"MetricDefinitionRequest": _definition()}}
    if name == "metric-definitions":
        return _envelope(name, "Metric definitions",
                         "A list of MetricDefinitionRequest (as rumrules check reads it).",
                         {"type": "array", "items": definition_ref, "maxItems": MAX_PER_DESTINATION, **defs})
    if name == "batch-create-request":
        return _envelope(name, "BatchCreateRumMetricDefinitions request",
                         "The request as boto3's batch_create_rum_metric_definitions and "
                         "aws rum batch-create-rum-metric-definitions --cli-input-json take it.",
                         {"type": "object",
                          "required": ["AppMonitorName", "Destination", "MetricDefinitions"],
                          "properties": {**_request_members(), "MetricDefinitions": {
                              "type": "array", "items": definition_ref, "minItems": 1,
                              "maxItems": MAX_BATCH}},
                          "additionalProperties": False, **defs})
    if name == "update-request":
        return _envelope(name, "UpdateRumMetricDefinition request",
                         "The request as boto3's update_rum_metric_definition and "
                         "aws rum update-rum-metric-definition --cli-input-json take it.",
                         {"type": "object",
                          "required": ["AppMonitorName", "Destination", "MetricDefinition",
                                       "MetricDefinitionId"],
                          "properties": {**_request_members(),
                                         "MetricDefinition": definition_ref,
                                         "MetricDefinitionId": {"type": "string",
                                                                "minLength": ID_LENGTH[0],
                                                                "maxLength": ID_LENGTH[1]}},
                          "additionalProperties": False, **defs})
    if name == "put-rum-events":
        return _envelope(name, "PutRumEvents request",
                         "The request as boto3's put_rum_events takes it (and the wire body).",
                         _put_rum_events())
    raise RumRulesError(f"no schema {name!r} (one of {', '.join(SCHEMA_NAMES)})")


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12) called ``name`` (one of :data:`SCHEMA_NAMES`), as a
    new dict (the caller may change it); a :class:`~rumrules.RumRulesError` for another
    name."""
    if not isinstance(name, str):
        raise RumRulesError(f"a schema name is a string (one of {', '.join(SCHEMA_NAMES)})")
    return copy.deepcopy(_build(name))
