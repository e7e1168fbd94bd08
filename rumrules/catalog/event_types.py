"""The built-in CloudWatch RUM event types and the fields of their ``details``, kept once.

Written from ``reference/rum-domain.md`` §1.1/§1.2 (the web client's event schemas,
``aws-rum-web`` ``packages/core/src/event-schemas``).  The rule checker asks
:meth:`EventType.has_field` whether an ``event_details`` path exists; ingestion validates
``details`` with :meth:`EventType.details_schema`, which is generated from the same data.

Paths are dotted and relative to ``details``.  Intermediate objects have their own entry
(``"response"`` and ``"response.status"``).  Arrays are transparent, as in EventPattern: an
array of objects at ``p`` (``type="array"``, ``items="object"``) has its item members at
``p.member`` (``"subsegments"``, ``"subsegments.id"``).  X-Ray subsegments nest recursively:
``"subsegments.subsegments"`` has ``ref="subsegments"``, so ``subsegments.subsegments.name``
is a field too.  Anything under a ``free_form`` prefix is a field (X-Ray ``annotations`` and
``metadata`` at any level, rrweb ``events.data``); :meth:`EventType.field` returns a spec of
type ``"any"`` for such paths.

Every object is closed (``additionalProperties: false``) except the free-form ones, as in the
web client's schemas.  Deliberate readings (see ``docs/ingestion.md``):

* ``http_event.trace_id`` is exactly 35 characters (X-Ray format) as the schema says, so an
  http event carrying a 32-hex W3C trace id fails its schema (reference D18).
* ``performance_resource_event`` requires only version, initiatorType, duration and fileType.
* rrweb ``events`` items are closed objects with required ``type``, ``timestamp``, ``data``.
* ``com.amazon.rum.demo_event`` (test only, no schema) is not a built-in type.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as _dc_field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from ._schema import ANY, FREE, F, FieldSpec, FieldTree, Ref, fresh

__all__ = [
    "FieldSpec",
    "EventType",
    "BUILTIN_EVENT_TYPES",
    "RUM_EVENT_PREFIX",
    "CUSTOM_EVENT_TYPE_RE",
    "closest_event_type",
    "is_builtin_name",
    "TELEMETRY_OF_EVENT_TYPE",
]

#: Every built-in event type starts with this; other names are custom event types.
RUM_EVENT_PREFIX = "com.amazon.rum."
#: A custom event type name (use ``fullmatch``): ARW docs/reference/api.md, UG custom events.
CUSTOM_EVENT_TYPE_RE = re.compile(r"[a-zA-Z0-9_.-]{1,256}")

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True, eq=False)
class EventType:
    """One built-in event type: its wire ``name``, ``details.version`` and ``details`` fields.

    ``fields`` maps every dotted path under ``details`` to its :class:`FieldSpec`;
    ``free_form`` lists the path prefixes under which anything is allowed.
    """

    name: str
    version: str
    fields: Mapping[str, FieldSpec]
    free_form: tuple[str, ...] = ()
    _tree: FieldTree = _dc_field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self._tree is None:  # built by hand from specs rather than from the notation
            object.__setattr__(self, "_tree", FieldTree.from_specs(self.fields, self.free_form))

    def has_field(self, path: str) -> bool:
        """True for a known ``details`` path (``"response.status"``) and for anything under a
        free-form prefix (``"annotations.anything"``)."""
        return self._tree.resolve(path) is not None

    def field(self, path: str) -> FieldSpec | None:
        """The spec of ``path`` (``None`` when unknown).  Under a free-form prefix the spec
        has type ``"any"``; a path inside a recursive shape returns the canonical spec
        (``subsegments.subsegments.name`` -> the spec of ``subsegments.name``)."""
        return self._tree.resolve(path)

    def closest_field(self, path: str) -> str | None:
        """The known path nearest to ``path`` ignoring case, ``_`` and ``-``
        (``"transfer_size"`` -> ``"transferSize"``), or ``None`` when nothing is close.
        A known path is returned as it is."""
        return self._tree.closest(path)

    @cached_property
    def _schema(self) -> dict[str, Any]:
        schema = {"$schema": SCHEMA_DIALECT, "$id": self.name, "title": self.name}
        schema.update(self._tree.object_schema())
        return schema

    def details_schema(self) -> dict[str, Any]:
        """The JSON Schema (Draft 2020-12) of ``details``, generated from :attr:`fields`.
        A fresh copy on every call."""
        return fresh(self._schema)


def _event_type(name: str, version: str, members: Mapping[str, Any]) -> EventType:
    tree = FieldTree(members)
    return EventType(name, version, tree.fields, tree.free_form, tree)


# ----------------------------------------------------------------------------------------
# The data (rum-domain.md §1.2).  "!" = required; see rumrules.catalog._schema for notation.
_S, _N, _I, _B = "string", "number", "integer", "boolean"


def _version(v: str = "1.0.0") -> F:
    return F(_S, enum=(v,))


_LOAD_STATE = F(_S, enum=("loading", "dom-interactive", "dom-content-loaded", "complete"))

# Timing members shared by navigation and resource events (all numbers, optional there).
_TIMINGS = {k: _N for k in (
    "redirectStart", "redirectTime", "workerStart", "workerTime", "fetchStart",
    "domainLookupStart", "dns", "connectStart", "connect", "secureConnectionStart", "tlsTime",
    "requestStart", "timeToFirstByte", "responseStart", "responseTime", "headerSize",
    "transferSize", "compressionRatio")}

# The js_error_event details (also http_event.error; error.version is optional there).
_JS_ERROR = {"type": _S, "message": _S, "filename": _S, "lineno": _N, "colno": _N, "stack": _S}


def _web_vital(attribution: Mapping[str, Any] | None = None) -> dict[str, Any]:
    members: dict[str, Any] = {"version!": _version(), "value!": _N}
    if attribution is not None:
        members["attribution"] = attribution
    return members


_XRAY_HTTP = {
    "request": {"method": _S, "url": _S, "client_ip": _S, "x_forwarded_for": _B, "traced": _B},
    "response": {"status": _N, "content_length": _N},
}
_XRAY_CAUSE = {
    "exceptions": [{
        "id": _S, "message": _S, "type": _S, "remote": _B, "truncated": _I, "cause": _S,
        "stack": [{"class_name": _S, "file_name": _S, "line": _I, "method_name": _S}],
    }],
}
_XRAY_SUBSEGMENT = {
    "id!": _S, "name!": _S, "start_time!": _N, "end_time": _N, "origin": _S,
    "in_progress": _B, "trace_id": _S, "parent_id": _S, "type": _S, "namespace": _S,
    "http": Ref("http"), "error": _B, "throttle": _B, "fault": _B, "cause": Ref("cause"),
    "annotations": FREE, "metadata": FREE, "subsegments": Ref("subsegments"),
}

_P = RUM_EVENT_PREFIX
_TYPES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    (_P + "session_start_event", "1.0.0", {"version!": _version()}),
    (_P + "page_view_event", "1.0.0", {
        "version": _version(), "pageId!": _S, "pageInteractionId": _S, "interaction": _N,
        "parentPageInteractionId": _S, "timeOnParentPage": _N, "referrer": _S,
        "referrerDomain": _S,
    }),
    (_P + "page_close_event", "1.0.0", {
        "version": _version(), "pageId!": _S, "pageInteractionId!": _S, "interaction!": _N,
        "duration": _N,
    }),
    (_P + "performance_navigation_event", "1.0.0", {
        "version!": _version(),
        "initiatorType!": F(_S, enum=("navigation", "route_change")),
        "navigationType": F(_S, enum=("navigate", "reload", "back_forward", "reserved")),
        "startTime!": _N, "duration!": _N, "unloadEventStart": _N, "promptForUnload": _N,
        "redirectCount": _I, **_TIMINGS, "nextHopProtocol": _S,
        "domInteractive": _N, "domContentLoadedEventStart": _N, "domContentLoaded": _N,
        "domComplete": _N, "domProcessingTime": _N, "loadEventStart": _N, "loadEventTime": _N,
        "navigationTimingLevel": _N,
    }),
    (_P + "performance_resource_event", "1.0.0", {
        "version!": _version(), "targetUrl": _S, "initiatorType!": _S, "startTime": _N,
        "duration!": _N, **_TIMINGS, "nextHopProtocol": _S, "fileType!": _S,
    }),
    (_P + "largest_contentful_paint_event", "1.0.0", _web_vital({
        "element": _S, "url": _S, "timeToFirstByte!": _N, "resourceLoadDelay!": _N,
        "resourceLoadTime!": _N, "elementRenderDelay!": _N, "navigationEntry": _S,
        "lcpResourceEntry": _S,
    })),
    (_P + "first_input_delay_event", "1.0.0", _web_vital({
        "eventTarget!": _S, "eventType!": _S, "eventTime!": _N, "loadState!": _LOAD_STATE,
    })),
    (_P + "cumulative_layout_shift_event", "1.0.0", _web_vital({
        "largestShiftTarget": _S, "largestShiftValue": _N, "largestShiftTime": _N,
        "loadState": _LOAD_STATE,
    })),
    (_P + "interaction_to_next_paint_event", "1.0.0", _web_vital({
        "interactionTarget": _S, "interactionTime": _N, "nextPaintTime": _N,
        "interactionType": F(_S, enum=("pointer", "keyboard")), "inputDelay": _N,
        "processingDuration": _N, "presentationDelay": _N, "loadState": _LOAD_STATE,
    })),
    (_P + "first_contentful_paint_event", "1.0.0", _web_vital({
        "timeToFirstByte!": _N, "firstByteToFCP!": _N, "loadState!": _LOAD_STATE,
    })),
    (_P + "time_to_first_byte_event", "1.0.0", _web_vital({
        "waitingDuration!": _N, "cacheDuration!": _N, "dnsDuration!": _N,
        "connectionDuration!": _N, "requestDuration!": _N,
    })),
    (_P + "time_to_interactive_event", "1.0.0", _web_vital()),
    (_P + "js_error_event", "1.0.0", {"version!": _version(), **_JS_ERROR}),
    (_P + "http_event", "1.0.0", {
        "version!": _version(),
        "request!": {"method!": _S, "url": _S},
        "response": {"status!": _N, "statusText": _S},
        "error": {"version": _S, **_JS_ERROR},
        "trace_id": F(_S, min_length=35, max_length=35),
        "segment_id": F(_S, min_length=16, max_length=16),
    }),
    (_P + "xray_trace_event", "1.0.0", {
        "version": _version(), "name!": _S, "id!": _S, "trace_id!": _S, "start_time!": _N,
        "end_time": _N, "origin": _S, "in_progress": _B, "user": _S, "parent_id": _S,
        "http": _XRAY_HTTP, "error": _B, "throttle": _B, "fault": _B, "cause": _XRAY_CAUSE,
        "annotations": FREE, "metadata": FREE, "subsegments": [_XRAY_SUBSEGMENT],
    }),
    (_P + "dom_event", "1.1.0", {
        "version!": _version("1.1.0"), "event!": _S, "element": _S, "elementId": _S,
        "cssLocator": _S, "interactionId": _S,
    }),
    (_P + "rrweb_event", "1.0.0", {
        "version!": _version(),
        "events!": [{"type!": _N, "timestamp!": _N, "data!": ANY}],
        "eventCount!": _N,
    }),
)

#: The built-in event types, keyed by wire name (``"com.amazon.rum.http_event"``).
BUILTIN_EVENT_TYPES: Mapping[str, EventType] = MappingProxyType(
    {name: _event_type(name, version, members) for name, version, members in _TYPES})


def is_builtin_name(name: str) -> bool:
    """True when ``name`` is in the ``com.amazon.rum.`` namespace (built-in or not)."""
    return name.startswith(RUM_EVENT_PREFIX)


def _short(name: str) -> str:
    if name.lower().startswith(RUM_EVENT_PREFIX):
        name = name[len(RUM_EVENT_PREFIX):]
    return name.lower().replace("-", "_")


_SHORT_NAMES = {_short(n): n for n in BUILTIN_EVENT_TYPES}


def closest_event_type(name: str) -> str | None:
    """The built-in event type nearest to ``name`` (``"com.amazon.rum.http"`` ->
    ``"com.amazon.rum.http_event"``, ``"js_error_event"`` -> the full name), or ``None``."""
    if name in BUILTIN_EVENT_TYPES:
        return name
    short = _short(name)
    for key in (short, short + "_event"):
        if key in _SHORT_NAMES:
            return _SHORT_NAMES[key]
    got = difflib.get_close_matches(short, list(_SHORT_NAMES), n=1, cutoff=0.6)
    return _SHORT_NAMES[got[0]] if got else None

#: The app monitor ``Telemetries`` entry under which the web client records each built-in
#: event type (reference rum-domain.md §1.1); types not listed are recorded whatever the
#: telemetries (session start, page view) or by opt-in plugins.
TELEMETRY_OF_EVENT_TYPE: Mapping[str, str] = MappingProxyType({
    RUM_EVENT_PREFIX + "js_error_event": "errors",
    RUM_EVENT_PREFIX + "http_event": "http",
    RUM_EVENT_PREFIX + "xray_trace_event": "http",
    **{RUM_EVENT_PREFIX + name: "performance" for name in (
        "performance_navigation_event", "performance_resource_event",
        "largest_contentful_paint_event", "first_input_delay_event",
        "cumulative_layout_shift_event", "interaction_to_next_paint_event",
        "first_contentful_paint_event", "time_to_first_byte_event")},
})
