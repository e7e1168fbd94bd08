"""Recognise the shape of a document and pull out its requests and definitions.

Shapes, tried in this order on the document's top-level value:

* CloudFormation template: a mapping with ``Resources`` or ``AWSTemplateFormatVersion``.
  Every resource of type ``AWS::RUM::AppMonitor`` contributes one request per entry of
  ``Properties.AppMonitorConfiguration.MetricDestinations``; every custom resource
  (``Custom::AWS`` of CDK's ``AwsCustomResource``, any ``Custom::...`` or
  ``AWS::CloudFormation::CustomResource``) whose ``Create``/``Update``/``Delete`` calls a RUM
  metric-definition action contributes that request (see :mod:`._sdkcalls`).  Intrinsic
  functions are resolved where the template allows (see :mod:`._intrinsics`): a value with
  ``Fn::If`` gives one definition per branch; what does not resolve stays in its long form
  and is listed as not checked (``DefinitionSource.unresolved``, ``Document.unchecked``).
* BatchCreateRumMetricDefinitions body or ``--cli-input-json``/``--cli-input-yaml`` file: a
  mapping with ``MetricDefinitions``.
* UpdateRumMetricDefinition body: a mapping with ``MetricDefinition``.
* One MetricDefinitionRequest (``--metric-definition file://...``): a mapping with ``Name``
  and any of ``EventPattern``, ``ValueKey``, ``Namespace``, ``UnitLabel``, ``DimensionKeys``.
* BatchGetRumMetricDefinitions output (``aws rum batch-get-rum-metric-definitions --output
  json``): a mapping with ``MetricDefinitions`` whose items carry ``MetricDefinitionId``, and
  no ``AppMonitorName``; or a list of such items.  Kind ``stored``: the definitions are
  checked as a destination holds them (``MetricDefinitionId`` is not a member to check).
* A list of definitions: a list whose items are all mappings (or an empty list).

Suppression (CloudFormation only), in the template's or a resource's ``Metadata``::

    Metadata:
      rumrules:
        ignore: [RUM203, RUM3]          # codes or code prefixes, for every definition
        definitions:                    # per definition, by its Name
          CheckoutLatency: [RUM301]

Template-level ``Metadata`` applies to every AppMonitor of the template.  A list may also be
written as one string (``ignore: RUM203, RUM301``).
"""

from __future__ import annotations

import json
import re
from types import MappingProxyType
from typing import Any

from ._derive import blank_sub, serialize
from ._errors import SourceError
from ._intrinsics import (MAX_ALTERNATIVES, NO_VALUE, Resolver, Unresolved, describe,
                          sub_keeping_placeholders)
from ._json import parse_json
from ._nodes import Node, is_intrinsic, node_at
from ._records import DefinitionSource, Document, RequestSource, SourceNote
from ._scalars import char_offsets
from ._sdkcalls import CALL_PHASES, call_member, call_text, restore_holes, rum_action
from ._text import LineMap

__all__ = ["build_document", "APP_MONITOR_TYPE", "is_custom_resource_type"]

APP_MONITOR_TYPE = "AWS::RUM::AppMonitor"
_CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource"
# the resources that read a log group, and the member that names it
_LOG_READERS = {"AWS::Logs::MetricFilter": "LogGroupName",
                "AWS::Logs::SubscriptionFilter": "LogGroupName",
                "AWS::Logs::QueryDefinition": "LogGroupNames"}
# RUM's copy of an app monitor's data: /aws/vendedlogs/RUMService_<name><id prefix>
_RUM_LOG_GROUP = "RUMService_"


def is_custom_resource_type(rtype: Any) -> bool:
    """True for a custom resource's type (``Custom::AWS``, ``Custom::Anything``,
    ``AWS::CloudFormation::CustomResource``)."""
    return isinstance(rtype, str) and (rtype.startswith("Custom::") or rtype == _CUSTOM_RESOURCE)


def _is_stored(items: Any) -> bool:
    return (isinstance(items, list) and bool(items)
            and all(isinstance(v, dict) and "MetricDefinitionId" in v for v in items))
_DEFINITION_MEMBERS = {"EventPattern", "ValueKey", "Namespace", "UnitLabel", "DimensionKeys"}
_REQUEST_MEMBERS = ("AppMonitorName", "Destination", "DestinationArn")
_CODE_SPLIT = re.compile(r"[\s,]+")


def detect_kind(value: Any) -> str | None:
    """The shape of a document's value, or ``None`` when it is none of ours."""
    if isinstance(value, dict):
        if "Resources" in value or "AWSTemplateFormatVersion" in value:
            return "cloudformation"
        if "MetricDefinitions" in value:
            if "AppMonitorName" not in value and (
                    _is_stored(value["MetricDefinitions"]) or "NextToken" in value):
                return "stored"
            return "batch-create"
        if "MetricDefinition" in value:
            return "update"
        if "Name" in value and _DEFINITION_MEMBERS & value.keys():
            return "definition"
        return None
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return "stored" if _is_stored(value) else "definitions"
    return None


def build_document(file: str, value: Any, root: Node, lines: LineMap) -> Document | None:
    """The :class:`Document` of a parsed file, or ``None`` when its shape is none of ours."""
    kind = detect_kind(value)
    if kind is None:
        return None
    doc = Document(file=file, kind=kind, value=value, _root=root, _lines=lines)
    builder = _Builder(doc)
    if kind == "cloudformation":
        builder.template(value)
    elif kind == "batch-create":
        builder.request_body(value, "MetricDefinitions")
    elif kind == "update":
        builder.request_body(value, "MetricDefinition")
    elif kind == "stored":
        builder.stored(value)
    elif kind == "definition":
        builder.group(kind, {}, (), [((), value)], {}, member="MetricDefinitions")
    else:
        builder.group(kind, {}, (), [((i,), v) for i, v in enumerate(value)], {},
                      member="MetricDefinitions")
    return doc


def _codes(value: Any) -> set[str]:
    if isinstance(value, str):
        value = _CODE_SPLIT.split(value)
    if not isinstance(value, list):
        return set()
    return {v.strip().upper() for v in value if isinstance(v, str) and v.strip()}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class _Variant:
    """One way a definition reads once its intrinsic functions are resolved."""

    __slots__ = ("definition", "transformed", "resolved", "members", "texts")

    def __init__(self, definition: Any) -> None:
        self.definition = definition
        self.transformed: dict[str, str] = {}
        self.resolved: dict[str, tuple[str, ...]] = {}
        self.members: dict[str, tuple[Any, ...]] = {}
        self.texts: dict[str, tuple[str, Any]] = {}

    @classmethod
    def plain(cls, definition: Any) -> _Variant:
        """The definition as written (the document's own dict, which nothing changes: no
        copy of every definition of a long file), with nothing transformed, resolved or
        moved: its records are one shared empty mapping (read only), not four dicts."""
        variant = cls.__new__(cls)
        variant.definition = definition
        variant.transformed = variant.resolved = variant.members = variant.texts = _NOTHING
        return variant


#: the read-only empty records of a plain variant
_NOTHING: Any = MappingProxyType({})


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.resolver = Resolver(doc.value, doc._lines.text, doc._lines)

    # ---- helpers ------------------------------------------------------------------------
    def note(self, path: tuple[Any, ...], message: str) -> None:
        line, column = self.doc.locate(path)
        self.doc.notes.append(SourceNote(self.doc.file, line, column, message))

    def unchecked(self, path: tuple[Any, ...], what: str, reason: str) -> None:
        self.doc.unchecked.append((tuple(path), what, reason))

    def node(self, path: tuple[Any, ...]) -> Node | None:
        """The node at ``path`` of the file's own tree (``None`` inside an SDK call read from
        JSON text, or when the path does not exist)."""
        if any(path[:len(prefix)] == prefix for prefix in self.doc._overlays):
            return None
        node, depth, _ = node_at(self.doc._root, path)
        return node if depth == len(path) else None

    def alternatives(self, path: tuple[Any, ...], value: Any, what: str, *,
                     quiet: bool = False) -> list[tuple[tuple[Any, ...], Any]]:
        """``[(path, mapping)]``: ``value`` itself, or each mapping it resolves to (both
        branches of an ``Fn::If``); a value that does not resolve is reported unchecked."""
        if not is_intrinsic(value):
            return [(path, value)]
        try:
            alts = self.resolver.resolve(value, self.node(path))
        except Unresolved as e:
            if not quiet:
                self.unchecked(path, what, e.reason)
            return []
        return [(path + a.where, a.value) for a in alts if a.value is not NO_VALUE]

    def single(self, value: Any, path: tuple[Any, ...]) -> tuple[Any, tuple[str, ...], str | None]:
        """(value resolved, how, why not) for a member that takes one value."""
        if not is_intrinsic(value):
            return value, (), None
        try:
            alts = self.resolver.resolve(value, self.node(path))
        except Unresolved as e:
            return value, (), e.reason
        if len(alts) != 1:
            return value, (), "an Fn::If here has two values; only one can be checked"
        return alts[0].value, alts[0].how, None

    def request_members(self, given: dict[str, Any], request: dict[str, Any], keys: Any,
                        base: tuple[Any, ...]) -> tuple[dict[str, tuple[str, ...]],
                                                        list[tuple[tuple[Any, ...], str]]]:
        """Copy ``keys`` of ``given`` (at ``base``) into ``request``, resolved; return (how
        each resolved member was resolved, the members that did not resolve and why)."""
        resolved: dict[str, tuple[str, ...]] = {}
        unresolved: list[tuple[tuple[Any, ...], str]] = []
        for key in keys:
            if key in given:
                request[key], how, why = self.single(given[key], base + (key,))
                if why is not None:
                    unresolved.append(((key,), why))
                elif how:
                    resolved[key] = how
        return resolved, unresolved

    def ignore_lists(self, metadata: Any, path: tuple[Any, ...]) -> tuple[set[str], dict[str, set[str]]]:
        """(codes for everything, codes per definition Name) from a ``Metadata`` mapping."""
        if not isinstance(metadata, dict) or "rumrules" not in metadata:
            return set(), {}
        config = metadata["rumrules"]
        if not isinstance(config, dict):
            self.note(path + ("rumrules",), "Metadata.rumrules should be a mapping with "
                                             "'ignore' and/or 'definitions'; it is not used")
            return set(), {}
        per_name: dict[str, set[str]] = {}
        definitions = config.get("definitions")
        if isinstance(definitions, dict):
            for name, codes in definitions.items():
                if isinstance(codes, dict):
                    codes = codes.get("ignore")
                per_name[str(name)] = _codes(codes)
        return _codes(config.get("ignore")), per_name

    # ---- shapes -------------------------------------------------------------------------
    def template(self, value: dict[str, Any]) -> None:
        top, top_names = self.ignore_lists(value.get("Metadata"), ("Metadata",))
        resources = value.get("Resources")
        if not isinstance(resources, dict):
            return
        # app monitors first: the SDK calls of custom resources are linked to them
        for logical_id, props, ignore, names in self.resources(resources, top, top_names,
                                                               APP_MONITOR_TYPE.__eq__):
            ppath = ("Resources", logical_id, "Properties")
            self.doc.monitors.append(self.monitor_facts(logical_id, props, ppath))
            self.app_monitor(props, ppath, ignore, names)
            for source in self.doc.requests:
                if source.path[:2] == ppath[:2]:
                    source.monitor = logical_id
        self.log_readers(resources)
        for logical_id, props, ignore, names in self.resources(resources, top, top_names,
                                                               is_custom_resource_type):
            for phase in CALL_PHASES:
                if phase in props:
                    self.sdk_call(props[phase], ("Resources", logical_id, "Properties", phase),
                                  ignore, names)

    def resources(self, resources: dict[str, Any], top: set[str],
                  top_names: dict[str, set[str]], wanted: Any) -> Any:
        """``(logical id, Properties, codes ignored, codes ignored per Name)`` of each
        resource whose type is ``wanted`` and whose Properties are a mapping."""
        for logical_id, resource in resources.items():
            if not isinstance(resource, dict) or wanted(resource.get("Type")) is not True:
                continue
            rpath = ("Resources", logical_id)
            ignore, names = self.ignore_lists(resource.get("Metadata"), rpath + ("Metadata",))
            ignore |= top
            for name, codes in top_names.items():
                names[name] = names.get(name, set()) | codes
            props = resource.get("Properties")
            if isinstance(props, dict):
                yield logical_id, props, ignore, names

    def monitor_facts(self, logical_id: str, props: dict[str, Any],
                      ppath: tuple[Any, ...]) -> dict[str, Any]:
        """What the cross-resource rules need of an app monitor, resolved (``None`` where a
        value is not known before deployment)."""
        name, _, why = self.single(props.get("Name"), ppath + ("Name",))
        events = props.get("CustomEvents", {"Status": "DISABLED"})
        status: Any = None
        if isinstance(events, dict) and not is_intrinsic(events):
            status, _, why_status = self.single(events.get("Status", "DISABLED"),
                                                ppath + ("CustomEvents", "Status"))
            status = status if isinstance(status, str) and why_status is None else None
        config = props.get("AppMonitorConfiguration")
        telemetries: Any = None
        destinations = []
        if isinstance(config, dict) and not is_intrinsic(config):
            cpath = ppath + ("AppMonitorConfiguration",)
            if "Telemetries" in config:
                got, _, why_t = self.single(config["Telemetries"], cpath + ("Telemetries",))
                if why_t is None and isinstance(got, list):
                    got = [a.value if hasattr(a, "value") else a for a in got]
                    if all(isinstance(t, str) for t in got):
                        telemetries = got
            items = config.get("MetricDestinations")
            if isinstance(items, list):
                for d, item in enumerate(items):
                    for dpath, dest in self.alternatives(cpath + ("MetricDestinations", d), item,
                                                         "this metric destination", quiet=True):
                        if not isinstance(dest, dict) or is_intrinsic(dest):
                            continue
                        kind, _, why_d = self.single(dest.get("Destination"),
                                                     dpath + ("Destination",))
                        destinations.append({
                            "path": dpath, "destination": kind if why_d is None else None,
                            "destination_arn": dest.get("DestinationArn"),
                            "iam_role_arn": dest.get("IamRoleArn"),
                            "has_iam_role": dest.get("IamRoleArn") not in (None, "")})
        logs, _, why_logs = self.single(props.get("CwLogEnabled", False),
                                        ppath + ("CwLogEnabled",))
        if isinstance(logs, str) and logs.lower() in ("true", "false"):
            logs = logs.lower() == "true"
        return {"logical_id": logical_id, "path": ppath,
                "name": name if isinstance(name, str) and why is None else None,
                "custom_events": status, "telemetries": telemetries,
                "destinations": destinations,
                "cw_log_enabled": logs if isinstance(logs, bool) and why_logs is None else None}

    def log_readers(self, resources: dict[str, Any]) -> None:
        """Resources that read RUM's CloudWatch Logs copy (a metric filter, a subscription
        filter or a Logs Insights query definition on a ``RUMService_`` log group)."""
        for logical_id, resource in resources.items():
            if not isinstance(resource, dict) or resource.get("Type") not in _LOG_READERS:
                continue
            props = resource.get("Properties")
            if not isinstance(props, dict):
                continue
            ppath = ("Resources", logical_id, "Properties")
            member = _LOG_READERS[resource["Type"]]
            groups = props.get(member)
            places = [(ppath + (member, i), g) for i, g in enumerate(groups)] \
                if isinstance(groups, list) else [(ppath + (member,), groups)]
            for path, group in places:
                group, _, why = self.single(group, path)
                if why is None and isinstance(group, str) and _RUM_LOG_GROUP in group:
                    self.doc.log_readers.append({"path": path, "logical_id": logical_id,
                                                 "type": resource["Type"], "log_group": group})

    def monitor_of(self, name: Any) -> str | None:
        """The logical id of the app monitor of this template that an ``AppMonitorName``
        value names (``Ref`` to it, or its Name), else ``None``."""
        if isinstance(name, dict) and set(name) == {"Ref"}:
            target = name["Ref"]
            return target if any(m["logical_id"] == target for m in self.doc.monitors) \
                else None
        if isinstance(name, str):
            return next((m["logical_id"] for m in self.doc.monitors if m["name"] == name),
                        None)
        return None

    def app_monitor(self, props: dict[str, Any], ppath: tuple[Any, ...], ignore: set[str],
                    names: dict[str, set[str]]) -> None:
        config = props.get("AppMonitorConfiguration")
        if not isinstance(config, dict) or "MetricDestinations" not in config:
            return
        mpath = ppath + ("AppMonitorConfiguration", "MetricDestinations")
        destinations = config["MetricDestinations"]
        if not isinstance(destinations, list):
            self.unchecked(mpath, "MetricDestinations", self.reason(destinations)
                           if is_intrinsic(destinations) else "it is not a list")
            return
        for d, item in enumerate(destinations):
            for dpath, destination in self.alternatives(mpath + (d,), item,
                                                        "this metric destination"):
                if not isinstance(destination, dict) or is_intrinsic(destination):
                    self.unchecked(dpath, "this metric destination", "it is not a mapping")
                    continue
                self.destination(props, ppath, dpath, destination, ignore, names)

    def destination(self, props: dict[str, Any], ppath: tuple[Any, ...],
                    dpath: tuple[Any, ...], destination: dict[str, Any], ignore: set[str],
                    names: dict[str, set[str]]) -> None:
        request: dict[str, Any] = {}
        members: dict[str, tuple[Any, ...]] = {}
        if "Name" in props:
            # not checked for a template (the resource's Name has its own schema)
            name = self.single(props["Name"], ppath + ("Name",))[0]
            request["AppMonitorName"] = name
            members["AppMonitorName"] = ppath + ("Name",)
        resolved, unresolved = self.request_members(destination, request,
                                                    ("Destination", "DestinationArn"), dpath)
        items = destination.get("MetricDefinitions")
        listed: list[tuple[tuple[Any, ...], Any]] = []
        member = None
        if isinstance(items, list):
            member = "MetricDefinitions"
            for i, item in enumerate(items):
                listed += self.alternatives(dpath + ("MetricDefinitions", i), item,
                                            "this metric definition")
        elif "MetricDefinitions" in destination:
            if is_intrinsic(items):
                self.unchecked(dpath + ("MetricDefinitions",), "MetricDefinitions",
                               self.reason(items))
            else:
                request["MetricDefinitions"] = items
        source = self.group("cloudformation", request, dpath, listed, names, ignore=ignore,
                            members=members, member=member)
        source.resolved.update(resolved)
        source.unresolved += unresolved

    def json_text(self, written: Any, path: tuple[Any, ...], what: str) -> Any:
        """``(value, overlay)`` of a value written as JSON text (a string, ``Fn::Join`` of
        text and tokens, ``Fn::Sub``) at ``path``, or ``None`` when it is not text or holds
        no RUM call (a RUM call that does not parse is reported unchecked)."""
        outer = next(((p, o) for p, o in self.doc._overlays.items()
                      if path[:len(p)] == p), None)
        if outer is None:
            got = call_text(self.resolver, written, self.node(path))
        elif isinstance(written, str):  # JSON text inside JSON text: compose the offsets
            root, lines, offsets = outer[1]
            node, depth, _ = node_at(root, path[len(outer[0]):])
            chars = char_offsets(lines.text, node, lines) if depth == len(path) - len(outer[0]) \
                else None
            if not chars:
                return None
            got = (written, [offsets[c] for c in chars] + [offsets[chars[-1]] + 1], [])
        else:
            got = None
        if got is None:
            return None
        text, offsets, holes = got
        if "rum" not in text.lower():
            return None
        lines = LineMap(text)
        try:
            value, root = parse_json(text, self.doc.file, lines)
        except SourceError as e:
            if "RumMetricDefinition" in text or "AppMonitorName" in text:
                self.unchecked(path, what, f"its JSON text does not parse ({e.message})")
            return None
        return restore_holes(value, holes), (root, lines, offsets)

    def sdk_call(self, call: Any, cpath: tuple[Any, ...], ignore: set[str],
                 names: dict[str, set[str]]) -> None:
        """A custom resource's ``Create``/``Update``/``Delete`` SDK call, when it calls a RUM
        metric-definition action (a mapping, a JSON string, or ``Fn::Join`` of one; member
        names ``service``/``action``/``parameters`` in any case; ``parameters`` a mapping or
        JSON text)."""
        overlay = None
        if isinstance(call, dict) and not is_intrinsic(call):
            value = call
        else:
            got = self.json_text(call, cpath, "this SDK call")
            if got is None:
                return
            value, overlay = got
        kind = rum_action(value)
        if kind is None:
            return
        if overlay is not None:
            self.doc._overlays[cpath] = overlay
        key = call_member(value, "parameters")
        ppath = cpath + (key,)
        params = value.get(key)
        if isinstance(params, str) or (is_intrinsic(params) and overlay is None):
            got = self.json_text(params, ppath, "the call's parameters")
            if got is not None and isinstance(got[0], dict):
                params = got[0]
                self.doc._overlays[ppath] = got[1]
        if kind == "put-destination":
            if isinstance(params, dict):
                monitor = self.monitor_of(self.single(params.get("AppMonitorName"),
                                                      ppath + ("AppMonitorName",))[0])
                if monitor is not None and isinstance(params.get("Destination"), str):
                    self.doc.created_destinations.add((monitor, params["Destination"]))
            return
        if not isinstance(params, dict) or is_intrinsic(params):
            self.unchecked(ppath if key in value else cpath,
                           "the call's parameters", "they are not a mapping")
            return
        request = dict(params)
        resolved, unresolved = self.request_members(params, request, _REQUEST_MEMBERS, ppath)
        listed: list[tuple[tuple[Any, ...], Any]] = []
        member: str | None = None
        if kind == "update" and "MetricDefinition" in params:
            member = "MetricDefinition"
            listed = [(ppath + (member,), params[member])]
        elif kind == "batch-create" and isinstance(params.get("MetricDefinitions"), list):
            member = "MetricDefinitions"
            for i, item in enumerate(params[member]):
                listed += self.alternatives(ppath + (member, i), item, "this metric definition")
        source = self.group(kind, request, ppath, listed, names, ignore=ignore, member=member)
        source.resolved.update(resolved)
        source.unresolved += unresolved
        source.monitor = self.monitor_of(params.get("AppMonitorName")) or \
            self.monitor_of(request.get("AppMonitorName"))
        source.caller = cpath[1]

    def request_body(self, value: dict[str, Any], member: str) -> None:
        items = value[member]
        if member == "MetricDefinition":
            listed = [((member,), items)]
        elif isinstance(items, list):
            listed = [((member, i), v) for i, v in enumerate(items)]
        else:  # not a list: left in the request as it is, for the request-level rules
            listed, member = [], None
        kind = "update" if member == "MetricDefinition" else "batch-create"
        self.group(kind, dict(value), (), listed, {}, member=member)

    def stored(self, value: Any) -> None:
        """BatchGetRumMetricDefinitions output: the definitions a destination holds."""
        if isinstance(value, dict):
            items = value.get("MetricDefinitions")
            listed = [(("MetricDefinitions", i), v) for i, v in enumerate(items)] \
                if isinstance(items, list) else []
        else:
            listed = [((i,), v) for i, v in enumerate(value)]
        self.group("stored", {}, (), listed, {}, member="MetricDefinitions")

    def group(self, kind: str, request: dict[str, Any], path: tuple[Any, ...],
              listed: list[tuple[tuple[Any, ...], Any]], names: dict[str, set[str]], *,
              ignore: set[str] | None = None, members: dict[str, tuple[Any, ...]] | None = None,
              member: str | None = None) -> RequestSource:
        """One :class:`RequestSource` with the definitions ``listed`` as (document path,
        value); ``request[member]`` becomes the checked definitions (one for
        ``MetricDefinition``)."""
        doc = self.doc
        ignore = frozenset(ignore or ())
        source = RequestSource(
            file=doc.file, kind=kind, request=request, path=path,
            destination=_text(request.get("Destination")),
            destination_arn=_text(request.get("DestinationArn")),
            app_monitor_name=_text(request.get("AppMonitorName")),
            suppressed=set(ignore), members=members or {}, document=doc)
        checked = []
        for dpath, value in listed:
            if kind == "stored" and isinstance(value, dict):
                value = {k: v for k, v in value.items() if k != "MetricDefinitionId"}
            for variant in self.variants(dpath, value):
                definition = variant.definition
                name = definition.get("Name") if isinstance(definition, dict) else None
                named = names.get(name) if isinstance(name, str) else None
                # one shared set when nothing is turned off for the definition itself
                suppressed = ignore | named if named else ignore
                entry = DefinitionSource(
                    file=doc.file, definition=definition, path=dpath,
                    destination=source.destination, destination_arn=source.destination_arn,
                    app_monitor_name=source.app_monitor_name, suppressed=suppressed,
                    index=len(checked), transformed=variant.transformed, request=source,
                    document=doc, resolved=variant.resolved, members=variant.members,
                    texts=variant.texts, unresolved=self.unresolved_members(definition))
                source.definitions.append(entry)
                checked.append(definition)
        if member == "MetricDefinition":
            if checked:
                request[member] = checked[0]
        elif member is not None:
            request[member] = checked
        doc.requests.append(source)
        return source

    # ---- definitions --------------------------------------------------------------------
    def unresolved_members(self, definition: Any) -> tuple[tuple[tuple[Any, ...], str], ...]:
        """The members of a definition still written as intrinsic functions, and why."""
        if not isinstance(definition, dict):
            return ()
        out = []
        for key, value in definition.items():
            if is_intrinsic(value):
                out.append(((key,), self.reason(value)))
            elif isinstance(value, dict):
                for k, v in value.items():
                    if is_intrinsic(v):
                        out.append(((key, k), self.reason(v)))
        return tuple(out)  # () when none: one shared object

    def reason(self, value: Any) -> str:
        try:
            alts = self.resolver.resolve(value, None)
        except Unresolved as e:
            return e.reason
        if len(alts) > 1:
            return "an Fn::If here has two values; only one can be checked"
        return f"{describe(value)} is only known at deploy time"  # pragma: no cover

    def variants(self, dpath: tuple[Any, ...], value: Any) -> list[_Variant]:
        """The definition as checked, once per combination of ``Fn::If`` branches in it:
        intrinsic functions resolved where they can be, an EventPattern written as a mapping
        serialized, ``Fn::Sub`` text taken as the pattern; positions of each recorded."""
        if not isinstance(value, dict):
            return [_Variant(value)]
        in_overlay = self.node(dpath) is None
        options: list[tuple[str, list[tuple[Any, tuple[str, ...], tuple[Any, ...], Any, str | None]]]] = []
        for key, member in value.items():
            mpath = dpath + (key,)
            try:
                if key == "EventPattern":
                    opts = self.pattern_options(mpath, member, in_overlay)
                elif is_intrinsic(member) and not in_overlay:
                    opts = [(a.value, a.how, a.where, None, None)
                            for a in self.resolver.resolve(member, self.node(mpath))]
                elif isinstance(member, dict) and not in_overlay and \
                        any(is_intrinsic(v) for v in member.values()):
                    entries = dict(member)
                    how: tuple[str, ...] = ()
                    for k, v in member.items():
                        got, h, why = self.single(v, mpath + (k,))
                        entries[k] = got
                        how += h
                    opts = [(entries, how, (), None, None)] if how else []
                else:
                    opts = []
            except Unresolved:
                opts = []  # left as written: reported as not checked
            if opts:
                options.append((key, opts))
        if not options:  # the common case: the definition as written, nothing to record
            return [_Variant.plain(value)]
        combos: list[_Variant] = [_Variant(dict(value))]
        for key, opts in options:
            grown = []
            for variant in combos:
                for got, how, where, text_map, transformed in opts:
                    v = _Variant(dict(variant.definition))
                    v.transformed, v.resolved = dict(variant.transformed), dict(variant.resolved)
                    v.members, v.texts = dict(variant.members), dict(variant.texts)
                    if got is NO_VALUE:
                        v.definition.pop(key, None)
                    else:
                        v.definition[key] = got
                    if how:
                        v.resolved[key] = how
                    if where:
                        v.members[key] = dpath + (key,) + where
                    if text_map is not None:
                        v.texts[key] = text_map
                    if transformed:
                        v.transformed[key] = transformed
                    grown.append(v)
            combos = _distinct(grown)[:MAX_ALTERNATIVES]
        if len(combos) == 1:
            for key, text_map in combos[0].texts.items():
                if key not in combos[0].members:
                    self.doc._derived[dpath + (key,)] = text_map
        return combos

    def pattern_options(self, epath: tuple[Any, ...], pattern: Any, in_overlay: bool) -> list:
        """``[(value, how, where, (text, offset map) or None, transformed)]`` for an
        EventPattern written otherwise than as a plain string."""
        if not isinstance(pattern, (dict, list)):  # a plain string: nothing to resolve
            return []  # (asked first: a lazy position tree stays unexpanded)
        node = self.node(epath)
        if node is None:
            return []
        if not is_intrinsic(pattern):
            how: tuple[str, ...] = ()
            if _has_intrinsic(pattern):
                pattern, how = self.resolve_inside(pattern, epath)
            text, tokens = serialize(pattern, node)
            return [(text, how, (), (text, tokens), "serialized")]
        if not is_intrinsic(pattern):
            return []
        if "Fn::Sub" in pattern:
            alts = sub_keeping_placeholders(self.resolver, pattern["Fn::Sub"],
                                            node.child("Fn::Sub"), node)
            out = []
            for a in alts:
                text = blank_sub(a.value)
                how = a.how if len(a.how) > 1 else ()
                out.append((text, how, a.where, (text, _mapper(a.offsets, node.start)),
                            "Fn::Sub"))
            return out
        out = []
        for a in self.resolver.resolve(pattern, node):
            if isinstance(a.value, str):
                out.append((a.value, a.how, a.where, (a.value, _mapper(a.offsets, node.start)),
                            None))
            elif isinstance(a.value, (dict, list)) and not is_intrinsic(a.value):
                branch = self.node(epath + a.where) or node
                value = a.value
                if _has_intrinsic(value):
                    value, _ = self.resolve_inside(value, epath + a.where)
                text, tokens = serialize(value, branch)
                out.append((text, a.how, a.where, (text, tokens), "serialized"))
            elif a.value is NO_VALUE:
                out.append((NO_VALUE, a.how, a.where, None, None))
            else:
                raise Unresolved("the EventPattern does not resolve to text")
        return out

    def resolve_inside(self, value: Any, path: tuple[Any, ...]) -> tuple[Any, tuple[str, ...]]:
        """A mapping/list with every intrinsic function inside resolved (one value each);
        raises :class:`Unresolved` for one that does not resolve to one value."""
        how: list[str] = []

        def walk(v: Any, p: tuple[Any, ...]) -> Any:
            if is_intrinsic(v):
                got, h, why = self.single(v, p)
                if why is not None:
                    raise Unresolved(why)
                how.extend(h)
                return got
            if isinstance(v, dict):
                return {k: walk(x, p + (k,)) for k, x in v.items()}
            if isinstance(v, list):
                return [walk(x, p + (i,)) for i, x in enumerate(v)]
            return v

        return walk(value, path), tuple(dict.fromkeys(how))


def _distinct(variants: list[_Variant]) -> list[_Variant]:
    """Variants without repeats (both branches of an ``Fn::If`` may read the same)."""
    seen, out = set(), []
    for v in variants:
        key = json.dumps(v.definition, sort_keys=True, default=repr)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def _has_intrinsic(value: Any) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        if is_intrinsic(v):
            return True
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def _mapper(offsets: list[int] | None, start: int) -> Any:
    if not offsets:
        return lambda index: start

    def mapper(index: int, offsets: list[int] = offsets) -> int:
        return offsets[index] if index < len(offsets) else offsets[-1] + 1
    return mapper
