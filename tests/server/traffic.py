"""Real traffic for the server tests and benchmarks: PutRumEvents bodies as the web client
sends them (a mix of page views, navigation, HTTP, JS errors and custom events), the metric
definitions the tests create, and the data points the engine computes offline for them."""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from collections.abc import Iterable

import rumrules

CUSTOM_EVENT = "shop.click"
BUTTONS = ("buy", "cart")
#: The definitions the tests create through boto3: two extended metrics and a custom metric
#: with a dimension.
DEFINITIONS = [
    {"Name": "PageViewCount",
     "EventPattern": '{"event_type": ["com.amazon.rum.page_view_event"]}'},
    {"Name": "JsErrorCount",
     "EventPattern": '{"event_type": ["com.amazon.rum.js_error_event"]}'},
    {"Name": "Clicks", "Namespace": "Shop", "UnitLabel": "Count",
     "DimensionKeys": {"event_details.button": "Button"},
     "EventPattern": json.dumps({"event_type": [CUSTOM_EVENT],
                                 "event_details": {"button": [BUTTONS[0]]}})},
]
_PAGES = ["/", "/cart", "/checkout", "/product/1", "/product/2"]
_BASE_SECONDS = 1_764_800_000  # a fixed minute grid for deterministic data points


def _event(rng: random.Random, i: int, seconds: int) -> dict:
    kind = rng.randrange(5)
    page = rng.choice(_PAGES)
    if kind == 0:
        etype, details = "com.amazon.rum.page_view_event", {
            "version": "1.0.0", "pageId": page, "interaction": 0, "pageInteractionId": f"{page}-0"}
    elif kind == 1:
        etype, details = "com.amazon.rum.js_error_event", {
            "version": "1.0.0", "type": "TypeError", "message": f"x is undefined ({i})"}
    elif kind == 2:
        etype, details = "com.amazon.rum.http_event", {
            "version": "1.0.0", "request": {"method": "GET", "url": "http://127.0.0.1/api"},
            "response": {"status": rng.choice([200, 404, 500])}}
    elif kind == 3:
        etype, details = "com.amazon.rum.performance_navigation_event", {
            "version": "1.0.0", "initiatorType": "navigation", "navigationType": "navigate",
            "startTime": 0, "duration": round(rng.uniform(100, 5000), 1)}
    else:
        etype, details = CUSTOM_EVENT, {"button": rng.choice(BUTTONS + ("other",))}
    metadata = {"version": "1.0.0", "browserName": "Chrome", "osName": "Linux",
                "deviceType": "desktop", "platformType": "web", "domain": "127.0.0.1",
                "pageId": page, "title": "Shop"}
    return {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "timestamp": seconds,
            "type": etype, "details": json.dumps(details), "metadata": json.dumps(metadata)}


def web_batch(app_id: str, n: int, seed: int) -> dict:
    """A PutRumEvents body (wire form) of ``n`` events; deterministic for ``seed`` (its
    BatchId too)."""
    rng = random.Random(seed)
    seconds = _BASE_SECONDS + (seed % 600)
    return {"BatchId": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "AppMonitorDetails": {"id": app_id, "version": "1.0.0"},
            "UserDetails": {"userId": str(uuid.UUID(int=seed + 1, version=4)),
                            "sessionId": str(uuid.UUID(int=seed + 2, version=4))},
            "RumEvents": [_event(rng, i, seconds) for i in range(n)]}


def boto_batch(body: dict) -> dict:
    """``web_batch``'s body as boto3's put_rum_events parameters."""
    return {"Id": body["AppMonitorDetails"]["id"], **body}


def setup_monitor(rum, name: str, domain: str = "127.0.0.1") -> str:
    """Create an app monitor (custom events on) with a CloudWatch destination holding
    :data:`DEFINITIONS`; its id."""
    app_id = rum.create_app_monitor(Name=name, Domain=domain,
                                    CustomEvents={"Status": "ENABLED"},
                                    AppMonitorConfiguration={"AllowCookies": True,
                                                             "SessionSampleRate": 1.0})["Id"]
    rum.put_rum_metrics_destination(AppMonitorName=name, Destination="CloudWatch")
    answer = rum.batch_create_rum_metric_definitions(
        AppMonitorName=name, Destination="CloudWatch", MetricDefinitions=DEFINITIONS)
    assert not answer["Errors"], answer["Errors"]
    return app_id


def engine(name: str) -> rumrules.MetricEngine:
    """The engine the server runs for :data:`DEFINITIONS` of app monitor ``name``."""
    return rumrules.MetricEngine(DEFINITIONS, app_monitor_name=name,
                                 account_id="123456789012")


def point_key(namespace: str, name: str, dimensions: dict, minute_ms: int) -> tuple:
    return (namespace, name, tuple(sorted(dimensions.items())), minute_ms)


def offline_points(name: str, bodies: Iterable[dict]) -> Counter:
    """(namespace, metric, dimensions, minute) -> sum of values, computed in-process."""
    e = engine(name)
    out: Counter = Counter()
    for body in bodies:
        for d in e.process(body):
            minute = int(d.timestamp.timestamp()) // 60 * 60000
            out[point_key(d.namespace, d.name, d.dimensions, minute)] += d.value
    return out


def stored_points(store, app_id: str) -> Counter:
    """The same sums from the server's database."""
    out: Counter = Counter()
    with store.read() as conn:
        for ns, metric, dims, ts, value in conn.execute(
                "SELECT namespace, name, dimensions, timestamp, value FROM data_points "
                "WHERE app_monitor_id = ?", (app_id,)):
            out[point_key(ns, metric, json.loads(dims), ts // 60000 * 60000)] += value
    return out
