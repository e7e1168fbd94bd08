"""RUM6xx: a file as a whole -- what could not be checked, and what the resources of one
template say about each other (the app monitor's ``CustomEvents``, ``Telemetries`` and metric
destinations against the definitions sent to it).

The linter (:mod:`rumrules.linter`) reads a file into a :class:`DocumentFacts` (its values
resolved as far as the template allows) and :func:`check_document` runs these rules on it.
Paths are paths in the file.  The examples are files (templates as mappings), checked with
:func:`rumrules.lint`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..catalog.event_types import RUM_EVENT_PREFIX, TELEMETRY_OF_EVENT_TYPE
from ..errors import Diagnostic
from ..pattern import Exact
from ._context import DefinitionContext
from ._examples import CUSTOM, EVIDENTLY_ARN, JS_ERRORS, TOLERATED, edit
from ._rule import Example, Finding, rule

__all__ = ["DocumentFacts", "MonitorFacts", "DestinationFacts", "DefinitionFacts",
           "CallFacts", "UncheckedFacts", "LogReaderFacts", "document_rules", "check_document"]

_SOURCE = "a template's resources together; API reference AppMonitor, MetricDestination"

Path = tuple[Any, ...]


@dataclass
class DestinationFacts:
    """One entry of an app monitor's ``MetricDestinations`` (values ``None`` when absent
    or not known before deployment; ``has_*`` tell absent from unknown)."""

    path: Path
    destination: str | None
    destination_arn: Any = None
    iam_role_arn: Any = None
    has_iam_role: bool = False


@dataclass
class MonitorFacts:
    """An ``AWS::RUM::AppMonitor`` of the template.  ``custom_events`` is
    ``CustomEvents.Status`` (``"DISABLED"`` when absent, as the API defaults; ``None`` when
    unknown); ``telemetries`` the ``Telemetries`` list (``None`` when absent or unknown)."""

    logical_id: str
    path: Path
    name: str | None = None
    custom_events: str | None = "DISABLED"
    telemetries: list[str] | None = None
    destinations: list[DestinationFacts] = field(default_factory=list)
    #: ``CwLogEnabled`` (``False`` when absent, as the API defaults; ``None`` when unknown)
    cw_log_enabled: bool | None = False


@dataclass
class DefinitionFacts:
    """A metric definition of the file and what it is sent to: ``monitor`` (the logical id
    of the app monitor of this template it goes to, or ``None``), ``destination``; ``via``
    names the resource that sends it (``"AppMonitor"`` or the custom resource's logical
    id); ``path(member)`` is the file path of one of its members."""

    definition: Any
    path: Callable[[Path], Path]
    monitor: str | None = None
    destination: str | None = None
    via: str = "AppMonitor"


@dataclass
class CallFacts:
    """An SDK call of a custom resource that sends definitions to a destination."""

    path: Path
    monitor: str | None
    destination: str | None
    logical_id: str


@dataclass
class LogReaderFacts:
    """A resource that reads RUM's CloudWatch Logs copy of an app monitor's data (a log
    group ``/aws/vendedlogs/RUMService_<name>...``): ``path`` of the log group's name."""

    path: Path
    logical_id: str
    type: str
    log_group: str


@dataclass
class UncheckedFacts:
    """A value that could not be checked: its path, what it is, and why."""

    path: Path
    what: str
    reason: str


@dataclass
class DocumentFacts:
    """What the rules of this family look at in one file."""

    monitors: list[MonitorFacts] = field(default_factory=list)
    definitions: list[DefinitionFacts] = field(default_factory=list)
    calls: list[CallFacts] = field(default_factory=list)
    unchecked: list[UncheckedFacts] = field(default_factory=list)
    #: (monitor logical id, destination) made by other means in the template (a custom
    #: resource calling PutRumMetricsDestination)
    created_destinations: set[tuple[str, str]] = field(default_factory=set)
    log_readers: list[LogReaderFacts] = field(default_factory=list)
    base: Path = ()

    def monitor(self, logical_id: str | None) -> MonitorFacts | None:
        return next((m for m in self.monitors if m.logical_id == logical_id), None)


def document_rules() -> tuple:
    """The rules of this family (scope ``document``)."""
    from ._checker import RULES
    return tuple(r for r in RULES if r.scope == "document")


# ----------------------------------------------------------------------------------------
# examples: templates in the shapes CloudFormation and CDK write


def _monitor(definitions: list, **props: Any) -> dict:
    config = {"Telemetries": ["errors", "performance", "http"],
              "MetricDestinations": [{"Destination": "CloudWatch",
                                      "MetricDefinitions": definitions}]}
    config.update(props.pop("config", {}))
    return {"Resources": {"Monitor": {"Type": "AWS::RUM::AppMonitor", "Properties": {
        "Name": "storefront", "Domain": "shop.example.com",
        "CustomEvents": {"Status": "ENABLED"}, "AppMonitorConfiguration": config, **props}}}}


_DEST = ("Resources", "Monitor", "Properties", "AppMonitorConfiguration", "MetricDestinations")
_DEFS = _DEST + (0, "MetricDefinitions")


def _sdk_call(parameters: dict, *, monitor: dict | None = None) -> dict:
    import json
    resources = dict(monitor["Resources"]) if monitor else {}
    resources["CreateMetrics"] = {"Type": "Custom::AWS", "Properties": {
        "ServiceToken": {"Fn::GetAtt": ["AWS679f53fac002430cb0da5b7982bd22872D164C4C", "Arn"]},
        "Create": json.dumps({"service": "RUM", "action": "batchCreateRumMetricDefinitions",
                              "parameters": parameters,
                              "physicalResourceId": {"id": "metrics"}}, separators=(",", ":")),
        "InstallLatestAwsSdk": False}}
    return {"Resources": resources}


# ----------------------------------------------------------------------------------------
# the rules


@rule(
    "RUM601", "not-checked", "info",
    "A value could not be resolved without deploying the template, so it was not checked.",
    source="CloudFormation intrinsic functions; docs/cli.md (how each is treated)",
    scope="document",
    details="""
The linter resolves what a template alone decides: `Fn::Join`/`Fn::Sub` of literal pieces,
`Ref` to a parameter with a `Default` (and to an app monitor of the template: its `Name`),
both branches of `Fn::If`, `Fn::Select`/`Fn::Split` of literals, `Fn::FindInMap` with literal
keys.  A value that needs the deployed stack (`Fn::GetAtt`, `Fn::ImportValue`, `Ref` to a
resource or a pseudo parameter, a parameter without a default) is not checked, and this
finding says which field and why, instead of passing in silence.  It is a note: it does not
change the exit code.
""",
    good=[Example(_monitor([CUSTOM]), "every value literal")],
    bad=[
        Example(_monitor([edit(CUSTOM, Namespace={"Fn::ImportValue": "shared-namespace"})]),
                "Namespace imported from another stack", _DEFS + (0, "Namespace")),
        Example(_monitor([edit(JS_ERRORS, EventPattern={"Ref": "JsErrorPattern"})]),
                "EventPattern from a parameter without a Default", _DEFS + (0, "EventPattern")),
        Example(_monitor([{"Fn::GetAtt": ["Definitions", "First"]}]),
                "a whole definition from a resource attribute", _DEFS + (0,)),
        Example({"Resources": {"Monitor": {"Type": "AWS::RUM::AppMonitor", "Properties": {
            "Name": "storefront", "Domain": "shop.example.com", "AppMonitorConfiguration": {
                "MetricDestinations": [{"Destination": "Evidently",
                                        "DestinationArn": {"Fn::GetAtt": ["Experiment", "Arn"]},
                                        "IamRoleArn": {"Fn::GetAtt": ["RumRole", "Arn"]},
                                        "MetricDefinitions": [TOLERATED]}]}}}}},
                "DestinationArn of an experiment of the same stack",
                _DEST + (0, "DestinationArn")),
    ],
)
def _not_checked(ctx: DocumentFacts):
    for u in ctx.unchecked:
        yield Finding(f"{u.what} is not checked: {u.reason}", u.path)


@rule(
    "RUM602", "custom-events-disabled", "warning",
    "A definition counts custom events, but its app monitor does not enable custom events.",
    source="API reference CustomEvents (\"If you omit this parameter, custom events are "
           "DISABLED\"); reference rum-domain.md §1.1",
    scope="document",
    details="""
RUM ingests a custom event type (any `event_type` that is not `com.amazon.rum.…`) only when
the app monitor's `CustomEvents.Status` is `ENABLED`; without `CustomEvents` it is
`DISABLED`.  A metric definition that matches custom event types of an app monitor of the
same template that does not enable them deploys without error and never counts anything.
""",
    good=[_monitor([CUSTOM])],
    bad=[
        Example(_monitor([CUSTOM], CustomEvents={"Status": "DISABLED"}),
                "CustomEvents DISABLED", _DEFS + (0, "EventPattern")),
        Example({"Resources": {"Monitor": {"Type": "AWS::RUM::AppMonitor", "Properties": {
            "Name": "storefront", "Domain": "shop.example.com", "AppMonitorConfiguration": {
                "MetricDestinations": [{"Destination": "CloudWatch",
                                        "MetricDefinitions": [CUSTOM]}]}}}}},
                "no CustomEvents at all (DISABLED)", _DEFS + (0, "EventPattern")),
        Example(_sdk_call({"AppMonitorName": {"Ref": "Monitor"}, "Destination": "CloudWatch",
                           "MetricDefinitions": [CUSTOM]},
                          monitor=_monitor([], CustomEvents={"Status": "DISABLED"})),
                "sent by a CDK AwsCustomResource to the monitor of the same stack",
                ("Resources", "CreateMetrics", "Properties", "Create", "parameters",
                 "MetricDefinitions", 0, "EventPattern")),
    ],
)
def _custom_events_disabled(ctx: DocumentFacts):
    for d in ctx.definitions:
        monitor = ctx.monitor(d.monitor)
        if monitor is None or monitor.custom_events in (None, "ENABLED"):
            continue
        custom = [t for t in _event_types(d.definition) if not t.startswith(RUM_EVENT_PREFIX)]
        if custom:
            yield Finding(
                f"EventPattern counts the custom event type {custom[0]!r}, but app monitor "
                f"{monitor.logical_id}'s CustomEvents.Status is {monitor.custom_events}: RUM "
                f"drops custom events, so this metric never counts anything; set "
                f"CustomEvents: {{Status: ENABLED}} on the app monitor",
                d.path(("EventPattern",)), hint="set CustomEvents.Status to ENABLED")


@rule(
    "RUM603", "telemetry-not-collected", "warning",
    "A definition counts events of a telemetry that its app monitor does not collect.",
    source="API reference AppMonitorConfiguration.Telemetries; reference rum-domain.md §1.1 "
           "(which plugin records each event type)",
    scope="document",
    details="""
The web client records JavaScript errors only with the `errors` telemetry, HTTP events (and
X-Ray traces) only with `http`, navigation, resource and web-vitals events only with
`performance`.  When the app monitor of the same template lists `Telemetries` without the one
that a definition's event type needs, the generated snippet does not record those events and
the metric stays at zero.  Session start and page view events need no telemetry.
""",
    good=[_monitor([TOLERATED, JS_ERRORS]),
          Example(_monitor([{"Name": "PageViewCount", "EventPattern":
                             '{"event_type": ["com.amazon.rum.page_view_event"]}'}],
                           config={"Telemetries": []}),
                  "page views need no telemetry")],
    bad=[
        Example(_monitor([JS_ERRORS], config={"Telemetries": ["performance", "http"]}),
                "JS errors without the errors telemetry", _DEFS + (0, "EventPattern")),
        Example(_monitor([TOLERATED], config={"Telemetries": ["errors"]}),
                "navigation events without performance", _DEFS + (0, "EventPattern")),
        Example(_monitor([{"Name": "Http5xxCount", "EventPattern": (
            '{"event_type": ["com.amazon.rum.http_event"], "event_details": {"response": '
            '{"status": [{"numeric": [">=", 500, "<=", 599]}]}}}')}],
            config={"Telemetries": ["errors", "performance"]}),
                "HTTP status metric without the http telemetry", _DEFS + (0, "EventPattern")),
    ],
)
def _telemetry_not_collected(ctx: DocumentFacts):
    for d in ctx.definitions:
        monitor = ctx.monitor(d.monitor)
        if monitor is None or monitor.telemetries is None:
            continue
        for t in _event_types(d.definition):
            needed = TELEMETRY_OF_EVENT_TYPE.get(t)
            if needed and needed not in monitor.telemetries:
                listed = ", ".join(monitor.telemetries) or "none"
                yield Finding(
                    f"this definition counts {t} events, which the web client records only "
                    f"with the {needed!r} telemetry; app monitor {monitor.logical_id}'s "
                    f"Telemetries are {listed}, so the metric stays at zero: add {needed!r}",
                    d.path(("EventPattern",)), hint=f"add {needed!r} to Telemetries")
                break


@rule(
    "RUM604", "destination-iam-role", "error",
    "An Evidently metric destination has no IamRoleArn, or a CloudWatch one has one.",
    source="API reference PutRumMetricsDestination IamRoleArn (\"required if Destination is "
           "Evidently. If Destination is CloudWatch, don't use this parameter\")",
    scope="document",
    details="""
RUM sends extended metrics to Evidently by assuming the role in `IamRoleArn`; without it the
destination cannot be written to.  A CloudWatch destination takes no role.
""",
    good=[_monitor([TOLERATED]),
          _monitor([TOLERATED], config={"MetricDestinations": [{
              "Destination": "Evidently", "DestinationArn": EVIDENTLY_ARN,
              "IamRoleArn": "arn:aws:iam::123456789012:role/RumEvidently",
              "MetricDefinitions": [TOLERATED]}]})],
    bad=[
        Example(_monitor([TOLERATED], config={"MetricDestinations": [{
            "Destination": "Evidently", "DestinationArn": EVIDENTLY_ARN,
            "MetricDefinitions": [TOLERATED]}]}), "Evidently without IamRoleArn", _DEST + (0,)),
        Example(_monitor([TOLERATED], config={"MetricDestinations": [{
            "Destination": "CloudWatch", "IamRoleArn": "arn:aws:iam::123456789012:role/Rum",
            "MetricDefinitions": [TOLERATED]}]}), "CloudWatch with IamRoleArn",
            _DEST + (0, "IamRoleArn")),
        Example(_monitor([TOLERATED], config={"MetricDestinations": [
            {"Destination": "CloudWatch", "MetricDefinitions": [TOLERATED]},
            {"Destination": "Evidently", "DestinationArn": EVIDENTLY_ARN}]}),
            "a second destination, for Evidently, without a role", _DEST + (1,)),
    ],
)
def _destination_iam_role(ctx: DocumentFacts):
    for m in ctx.monitors:
        for d in m.destinations:
            if d.destination == "Evidently" and not d.has_iam_role:
                yield Finding("this Evidently metric destination has no IamRoleArn: RUM needs a "
                              "role that may write to the experiment; add IamRoleArn", d.path,
                              hint="add IamRoleArn")
            elif d.destination == "CloudWatch" and d.has_iam_role:
                yield Finding("a CloudWatch metric destination takes no IamRoleArn (the API "
                              "says not to use it); remove it", d.path + ("IamRoleArn",),
                              hint="remove IamRoleArn")


@rule(
    "RUM605", "destination-not-declared", "error",
    "A custom resource sends definitions to a destination that its app monitor does not have.",
    source="API reference BatchCreateRumMetricDefinitions (ResourceNotFoundException), "
           "PutRumMetricsDestination",
    scope="document",
    details="""
BatchCreateRumMetricDefinitions writes into an existing metric destination: the app monitor's
`MetricDestinations` (or an earlier PutRumMetricsDestination call).  A custom resource (CDK's
`AwsCustomResource`) that sends definitions to a destination that the app monitor of the same
template neither lists nor gets from another call fails at deploy time.
""",
    good=[_sdk_call({"AppMonitorName": {"Ref": "Monitor"}, "Destination": "CloudWatch",
                     "MetricDefinitions": [TOLERATED]}, monitor=_monitor([]))],
    bad=[
        Example(_sdk_call({"AppMonitorName": {"Ref": "Monitor"}, "Destination": "CloudWatch",
                           "MetricDefinitions": [TOLERATED]},
                          monitor=_monitor([], config={"MetricDestinations": []})),
                "the monitor has no destination", ("Resources", "CreateMetrics", "Properties",
                                                   "Create", "parameters", "Destination")),
        Example(_sdk_call({"AppMonitorName": "storefront", "Destination": "Evidently",
                           "DestinationArn": EVIDENTLY_ARN, "MetricDefinitions": [TOLERATED]},
                          monitor=_monitor([])),
                "Evidently, while the monitor only has CloudWatch",
                ("Resources", "CreateMetrics", "Properties", "Create", "parameters",
                 "Destination")),
        Example(_sdk_call({"AppMonitorName": {"Ref": "Monitor"}, "Destination": "CloudWatch",
                           "MetricDefinitions": [TOLERATED]},
                          monitor=_monitor([], config={"MetricDestinations": [{
                              "Destination": "Evidently", "DestinationArn": EVIDENTLY_ARN,
                              "IamRoleArn": "arn:aws:iam::123456789012:role/Rum"}]})),
                "CloudWatch, while the monitor only has Evidently",
                ("Resources", "CreateMetrics", "Properties", "Create", "parameters",
                 "Destination")),
    ],
)
def _destination_not_declared(ctx: DocumentFacts):
    for call in ctx.calls:
        monitor = ctx.monitor(call.monitor)
        if monitor is None or call.destination is None:
            continue
        declared = {d.destination for d in monitor.destinations}
        if call.destination in declared or (monitor.logical_id, call.destination) in \
                ctx.created_destinations:
            continue
        have = ", ".join(sorted(x for x in declared if x)) or "none"
        yield Finding(f"custom resource {call.logical_id} sends definitions to the "
                      f"{call.destination} destination of app monitor {monitor.logical_id}, "
                      f"whose MetricDestinations do not have it ({have}): the call fails "
                      f"with ResourceNotFoundException; add the destination to the app "
                      f"monitor", call.path + ("Destination",),
                      hint="add the destination to MetricDestinations")


def _log_reader(kind: str, member: str, group: Any) -> dict:
    return {"Type": kind, "Properties": {member: group, **(
        {"FilterPattern": "{ $.event_type = \"com.amazon.rum.js_error_event\" }",
         "MetricTransformations": [{"MetricName": "JsErrors", "MetricNamespace": "Shop",
                                    "MetricValue": "1"}]}
        if kind == "AWS::Logs::MetricFilter" else {"Name": "rum-errors",
                                                   "QueryString": "stats count(*)"})}}


_RUM_LOGS = "/aws/vendedlogs/RUMService_storefront3c5a1b2e"


def _with(template: dict, **resources: Any) -> dict:
    return {"Resources": {**template["Resources"], **resources}}


@rule(
    "RUM606", "cw-logs-disabled", "warning",
    "A resource reads RUM's CloudWatch Logs copy, but the app monitor does not write one.",
    source="API reference AppMonitor CwLogEnabled (\"whether RUM sends a copy of this "
           "telemetry data to Amazon CloudWatch Logs\"), CwLog.CwLogGroup",
    scope="document",
    details="""
RUM writes a copy of an app monitor's events to the log group
`/aws/vendedlogs/RUMService_<name><id>` only when `CwLogEnabled` is `true` (it is `false`
when absent).  A metric filter, a subscription filter or a Logs Insights query definition of
the same template on that log group then reads nothing.
""",
    good=[_with(_monitor([TOLERATED], CwLogEnabled=True),
                Errors=_log_reader("AWS::Logs::MetricFilter", "LogGroupName", _RUM_LOGS))],
    bad=[
        Example(_with(_monitor([TOLERATED], CwLogEnabled=False),
                      Errors=_log_reader("AWS::Logs::MetricFilter", "LogGroupName", _RUM_LOGS)),
                "a metric filter, CwLogEnabled false",
                ("Resources", "Errors", "Properties", "LogGroupName")),
        Example(_with(_monitor([TOLERATED]),
                      Errors=_log_reader("AWS::Logs::MetricFilter", "LogGroupName", _RUM_LOGS)),
                "CwLogEnabled absent (false)",
                ("Resources", "Errors", "Properties", "LogGroupName")),
        Example(_with(_monitor([TOLERATED], CwLogEnabled="false"),
                      Query=_log_reader("AWS::Logs::QueryDefinition", "LogGroupNames",
                                        [_RUM_LOGS])),
                "a Logs Insights query definition",
                ("Resources", "Query", "Properties", "LogGroupNames", 0)),
    ],
)
def _cw_logs_disabled(ctx: DocumentFacts):
    for reader in ctx.log_readers:
        after = reader.log_group.split("RUMService_", 1)[1]
        named = [m for m in ctx.monitors if m.name and after.startswith(m.name)]
        monitors = named or (ctx.monitors if len(ctx.monitors) == 1 else [])
        for m in monitors[:1]:
            if m.cw_log_enabled is False:
                yield Finding(f"{reader.logical_id} ({reader.type}) reads {reader.log_group!r}, "
                              f"RUM's CloudWatch Logs copy of app monitor {m.logical_id}, whose "
                              f"CwLogEnabled is false (the default): RUM writes nothing there; "
                              f"set CwLogEnabled: true", reader.path,
                              hint="set CwLogEnabled: true on the app monitor")


def _event_types(definition: Any) -> list[str]:
    """The event types a definition counts: its EventPattern's ``event_type`` values, or
    an extended metric's own event type."""
    ctx = DefinitionContext(definition)
    if not ctx.is_mapping:
        return []
    out = [m.value for c in ctx.conditions.get("event_type", ()) for m in c.matchers
           if isinstance(m, Exact) and isinstance(m.value, str)]
    if not out and ctx.extended_metric is not None and ctx.pattern_error is None:
        out = [ctx.extended_metric.event_type]
    return list(dict.fromkeys(out))


def check_document(facts: DocumentFacts) -> list[Diagnostic]:
    """The findings of the RUM6xx rules on one file's facts (paths in the file)."""
    out: list[Diagnostic] = []
    for r in document_rules():
        out.extend(r.run(facts))
    return out

