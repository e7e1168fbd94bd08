"""PutRumEvents requests shaped like the web client's."""

from __future__ import annotations

import json

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..catalog.metadata import METADATA_FIELDS

from ._common import MAX_EVENTS, _BROWSERS, _EVENT_TYPES, _PAGES, _RUM
from ._events import _uuid

# -------------------------------------------------------------------------------- requests

#: custom metadata keys: none is a built-in key (a built-in key holding a value of the wrong
#: type would be removed by ingestion)
_CUSTOM_KEYS = [k for k in ("plan", "tenant", "abTest", "release_channel", "cartSize",
                            "experiment:arm") if k not in METADATA_FIELDS]
_DURATIONS = st.integers(0, 200_000).map(lambda n: n / 10)


def _details(draw, etype: str) -> dict:
    base: dict = {"version": "1.0.0"}
    if etype.endswith("performance_navigation_event"):
        base.update(initiatorType="navigation", startTime=0, duration=draw(_DURATIONS))
    elif etype.endswith("performance_resource_event"):
        base.update(initiatorType="script", duration=draw(_DURATIONS), fileType="script",
                    targetUrl="https://cdn.example.com/app.js")
    elif etype.endswith("http_event"):
        base.update(request={"method": "GET", "url": "https://api.example.com/x"},
                    response={"status": draw(st.sampled_from([200, 404, 429, 500, 503]))})
    elif etype.endswith("js_error_event"):
        base.update(type="TypeError", message=draw(st.sampled_from(
            ["x is undefined", "Cannot read properties of null", "\u00e9t\u00e9 \"quoted\"", ""])))
    elif etype.endswith("page_view_event"):
        base = {"version": "1.0.0", "pageId": draw(st.sampled_from(_PAGES)), "interaction": 0}
    elif etype.endswith("largest_contentful_paint_event"):
        base.update(value=draw(_DURATIONS))
    return base


@st.composite
def _rum_event(draw, types: list[str]) -> dict:
    etype = draw(st.sampled_from(types))
    details = _details(draw, etype) if etype.startswith(_RUM) else {
        "amount": draw(st.integers(1, 500))}
    meta: dict = {"pageId": draw(st.sampled_from(_PAGES)), "interaction": 0}
    if draw(st.booleans()):
        meta[draw(st.sampled_from(_CUSTOM_KEYS))] = draw(st.sampled_from(["a", 1, True, 2.5]))
    return {"id": draw(_uuid), "timestamp": draw(st.integers(1_600_000_000, 1_900_000_000)),
            "type": etype, "details": json.dumps(details), "metadata": json.dumps(meta)}


def put_rum_events_requests(*, max_events: int = 8,
                            custom_events: bool = True) -> st.SearchStrategy[dict]:
    """PutRumEvents requests in the shape the web client v3 sends (``SessionMetadata`` plus
    per-event page metadata, ``details``/``metadata`` as JSON text), which ``ingest`` accepts
    whole: no event dropped, no attribute removed.  At most ``max_events`` events each; every
    draw is cheap, so the default settings' health checks pass."""
    if not isinstance(max_events, int) or isinstance(max_events, bool) or not (
            0 <= max_events <= MAX_EVENTS):
        raise InvalidArgument(f"max_events must be an integer from 0 to {MAX_EVENTS} (a "
                              "PutRumEvents request holds at most that many events)")
    types = _EVENT_TYPES + (["checkout.completed"] if custom_events else [])

    @st.composite
    def build(draw):
        app_id = draw(_uuid)
        session = {"version": "1.0.0", "domain": "example.com",
                   "browserName": draw(st.sampled_from(_BROWSERS)), "deviceType": "desktop",
                   "platformType": "web", "aws:client": "arw-module",
                   "aws:clientVersion": "3.2.0"}
        return {"Id": app_id, "BatchId": draw(_uuid),
                "AppMonitorDetails": {"id": app_id, "version": "1.0.0"},
                "UserDetails": {"userId": "00000000-0000-0000-0000-000000000000",
                                "sessionId": draw(_uuid)},
                "SessionMetadata": json.dumps(session),
                "RumEvents": draw(st.lists(_rum_event(types), max_size=max_events))}

    return build()
