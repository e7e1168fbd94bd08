"""Recognise the shape of a document and pull out its requests and definitions.

Shapes, tried in this order on the document's top-level value:

* CloudFormation template: a mapping with ``Resources`` or ``AWSTemplateFormatVersion``.
  Every resource of type ``AWS::RUM::AppMonitor`` contributes one request per entry of
  ``Properties.AppMonitorConfiguration.MetricDestinations``; an item of ``MetricDefinitions``
  written as ``Fn::If`` contributes each branch that is a mapping.
* BatchCreateRumMetricDefinitions body or ``--cli-input-json``/``--cli-input-yaml`` file: a
  mapping with ``MetricDefinitions``.
* UpdateRumMetricDefinition body: a mapping with ``MetricDefinition``.
* One MetricDefinitionRequest (``--metric-definition file://...``): a mapping with ``Name``
  and any of ``EventPattern``, ``ValueKey``, ``Namespace``, ``UnitLabel``, ``DimensionKeys``.
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

import re
from typing import Any

from ._derive import blank_sub, serialize
from ._nodes import SCALAR, SEQ, Node, is_intrinsic, node_at
from ._records import DefinitionSource, Document, RequestSource, SourceNote
from ._scalars import char_offsets
from ._text import LineMap

__all__ = ["build_document", "APP_MONITOR_TYPE"]

APP_MONITOR_TYPE = "AWS::RUM::AppMonitor"
_DEFINITION_MEMBERS = {"EventPattern", "ValueKey", "Namespace", "UnitLabel", "DimensionKeys"}
_REQUEST_MEMBERS = ("AppMonitorName", "Destination", "DestinationArn")
_CODE_SPLIT = re.compile(r"[\s,]+")


def detect_kind(value: Any) -> str | None:
    """The shape of a document's value, or ``None`` when it is none of ours."""
    if isinstance(value, dict):
        if "Resources" in value or "AWSTemplateFormatVersion" in value:
            return "cloudformation"
        if "MetricDefinitions" in value:
            return "batch-create"
        if "MetricDefinition" in value:
            return "update"
        if "Name" in value and _DEFINITION_MEMBERS & value.keys():
            return "definition"
        return None
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return "definitions"
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


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc

    # ---- helpers ------------------------------------------------------------------------
    def note(self, path: tuple[Any, ...], message: str) -> None:
        line, column = self.doc.locate(path)
        self.doc.notes.append(SourceNote(self.doc.file, line, column, message))

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
        for logical_id, resource in resources.items():
            if not isinstance(resource, dict) or resource.get("Type") != APP_MONITOR_TYPE:
                continue
            rpath = ("Resources", logical_id)
            ignore, names = self.ignore_lists(resource.get("Metadata"), rpath + ("Metadata",))
            ignore |= top
            for name, codes in top_names.items():
                names[name] = names.get(name, set()) | codes
            props = resource.get("Properties")
            if not isinstance(props, dict):
                continue
            ppath = rpath + ("Properties",)
            config = props.get("AppMonitorConfiguration")
            if not isinstance(config, dict) or "MetricDestinations" not in config:
                continue
            cpath = ppath + ("AppMonitorConfiguration",)
            destinations = config["MetricDestinations"]
            if not isinstance(destinations, list):
                self.note(cpath + ("MetricDestinations",),
                          "MetricDestinations is not a list (an intrinsic function?); "
                          "its metric definitions are not checked")
                continue
            for d, destination in enumerate(destinations):
                dpath = cpath + ("MetricDestinations", d)
                if not isinstance(destination, dict) or is_intrinsic(destination):
                    self.note(dpath, "this metric destination is not a mapping (an intrinsic "
                                     "function?); its metric definitions are not checked")
                    continue
                request = {k: destination[k] for k in ("Destination", "DestinationArn")
                           if k in destination}
                members = {}
                if "Name" in props:
                    request = {"AppMonitorName": props["Name"], **request}
                    members["AppMonitorName"] = ppath + ("Name",)
                items = destination.get("MetricDefinitions")
                listed: list[tuple[tuple[Any, ...], Any]] = []
                member = None
                if isinstance(items, list):
                    member = "MetricDefinitions"
                    for i, item in enumerate(items):
                        listed.extend(self.branches((i,), item))
                elif "MetricDefinitions" in destination:
                    request["MetricDefinitions"] = items
                self.group("cloudformation", request, dpath, listed, names,
                           ignore=ignore, members=members, member=member)

    def branches(self, rel: tuple[Any, ...], item: Any) -> list[tuple[tuple[Any, ...], Any]]:
        """An item of MetricDefinitions, or the mapping branches of an ``Fn::If`` item."""
        if isinstance(item, dict) and len(item) == 1 and "Fn::If" in item:
            args = item["Fn::If"]
            if isinstance(args, list) and len(args) == 3:
                return [(rel + ("Fn::If", k), args[k]) for k in (1, 2)
                        if isinstance(args[k], dict) and not is_intrinsic(args[k])]
        return [(rel, item)]

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

    def group(self, kind: str, request: dict[str, Any], path: tuple[Any, ...],
              listed: list[tuple[tuple[Any, ...], Any]], names: dict[str, set[str]], *,
              ignore: set[str] | None = None, members: dict[str, tuple[Any, ...]] | None = None,
              member: str | None = None) -> None:
        """One :class:`RequestSource` with the definitions ``listed`` as (path, value);
        ``request[member]`` becomes the checked definitions (one for ``MetricDefinition``)."""
        doc = self.doc
        ignore = ignore or set()
        source = RequestSource(
            file=doc.file, kind=kind, request=request, path=path,
            destination=_text(request.get("Destination")),
            destination_arn=_text(request.get("DestinationArn")),
            app_monitor_name=_text(request.get("AppMonitorName")),
            suppressed=set(ignore), members=members or {}, document=doc)
        checked = []
        shared = set(ignore)  # read only: one set for the definitions without their own codes
        for index, (rel, value) in enumerate(listed):
            dpath = (rel if kind != "cloudformation" else path + ("MetricDefinitions",) + rel)
            definition, transformed = self.normalize(dpath, value)
            name = definition.get("Name") if isinstance(definition, dict) else None
            own = names.get(name) if isinstance(name, str) else None
            suppressed = shared | own if own else shared
            source.definitions.append(DefinitionSource(
                file=doc.file, definition=definition, path=dpath,
                destination=source.destination, destination_arn=source.destination_arn,
                app_monitor_name=source.app_monitor_name, suppressed=suppressed, index=index,
                transformed=transformed, request=source, document=doc))
            checked.append(definition)
        if member == "MetricDefinition":
            request[member] = checked[0]
        elif member is not None:
            request[member] = checked
        doc.requests.append(source)

    def normalize(self, path: tuple[Any, ...], value: Any) -> tuple[Any, dict[str, str]]:
        """The definition as checked: an EventPattern written as a mapping is serialized,
        ``Fn::Sub`` text is taken as the pattern; positions of both are recorded."""
        if not isinstance(value, dict) or "EventPattern" not in value:
            return value, {}
        pattern = value["EventPattern"]
        epath = path + ("EventPattern",)
        doc = self.doc
        node, depth, _ = node_at(doc._root, epath)
        if depth != len(epath):  # pragma: no cover - the tree mirrors the value
            return value, {}
        if isinstance(pattern, (dict, list)) and not is_intrinsic(pattern):
            text, tokens = serialize(pattern, node)
            doc._derived[epath] = (text, tokens)
            return {**value, "EventPattern": text}, {"EventPattern": "serialized"}
        if isinstance(pattern, dict) and "Fn::Sub" in pattern and len(pattern) == 1:
            sub, sub_node = pattern["Fn::Sub"], node.child("Fn::Sub")
            if isinstance(sub, list) and sub and sub_node is not None and sub_node.kind == SEQ:
                sub, sub_node = sub[0], sub_node.child(0)
            if isinstance(sub, str) and sub_node is not None and sub_node.kind == SCALAR:
                offsets = char_offsets(doc._lines.text, sub_node, doc._lines)
                start = sub_node.start
                if offsets:
                    def mapper(index: int, offsets: list[int] = offsets) -> int:
                        return offsets[index] if index < len(offsets) else offsets[-1] + 1
                else:
                    def mapper(index: int, start: int = start) -> int:
                        return start
                doc._derived[epath] = (blank_sub(sub), mapper)
                return {**value, "EventPattern": blank_sub(sub)}, {"EventPattern": "Fn::Sub"}
        return value, {}

