"""PutRumEvents payloads shaped like the web client's (deterministic).

v2 (aws-rum-web 2.x): every event carries the full metadata (session + page + custom
attributes + ``version`` + ``aws:client``/``aws:clientVersion``).
v3 (aws-rum-web 3.x): session attributes go once in ``SessionMetadata``; each event's metadata
holds only the page attributes.  Timestamps are integer epoch seconds, ``details`` and
``metadata`` JSON texts, as ``JSON.stringify`` makes them.

``python -m tests.ingest.payloads`` rewrites the fixture files in ``data/``.
"""

from __future__ import annotations

import gzip
import json
import random
import uuid
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"

APP_ID = "a1b2c3d4-0000-4000-8000-0123456789ab"
SESSION_ID = "5e551011-aaaa-4bbb-8ccc-0123456789ab"
USER_ID = "00000000-0000-0000-0000-000000000000"  # NIL_UUID: cookies disabled
BATCH_ID = "ba7c4000-1111-4222-8333-0123456789ab"
T0 = 1712492422
P = "com.amazon.rum."

SESSION_ATTRS = {
    "version": "1.0.0", "browserLanguage": "en-US", "browserName": "Chrome",
    "browserVersion": "124.0.0.0", "osName": "Mac OS", "osVersion": "10.15.7",
    "deviceType": "desktop", "platformType": "web", "domain": "shop.example.com",
    "aws:client": "arw-module", "aws:clientVersion": "3.2.0",
}
CUSTOM_ATTRS = {"tenant": "acme", "plan_tier": "gold", "experiment:checkout": True}


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _page(n: int) -> dict[str, Any]:
    page = ["/", "/products", "/products/42", "/cart", "/checkout"][n % 5]
    return {"pageId": page, "interaction": n, "title": f"Shop {page}",
            "parentPageId": "/" if n else None}


def _details(kind: str, rng: random.Random, page: dict[str, Any]) -> dict[str, Any]:
    ms = lambda lo, hi: round(rng.uniform(lo, hi), 1)  # noqa: E731
    if kind == "session_start_event":
        return {"version": "1.0.0"}
    if kind == "page_view_event":
        return {"version": "1.0.0", "pageId": page["pageId"],
                "pageInteractionId": f"{page['pageId']}-{page['interaction']}",
                "interaction": page["interaction"]}
    if kind == "performance_navigation_event":
        return {"version": "1.0.0", "initiatorType": "navigation", "navigationType": "navigate",
                "startTime": 0, "unloadEventStart": 0, "promptForUnload": 0, "redirectCount": 0,
                "redirectStart": 0, "redirectTime": 0, "workerStart": 0, "workerTime": 0,
                "fetchStart": ms(1, 5), "domainLookupStart": ms(5, 9), "dns": ms(0, 20),
                "nextHopProtocol": "h2", "connectStart": ms(9, 12), "connect": ms(5, 40),
                "secureConnectionStart": ms(12, 20), "tlsTime": ms(5, 30),
                "requestStart": ms(40, 60), "timeToFirstByte": ms(50, 300),
                "responseStart": ms(100, 350), "responseTime": ms(5, 50),
                "domInteractive": ms(400, 900), "domContentLoadedEventStart": ms(900, 950),
                "domContentLoaded": ms(1, 10), "domComplete": ms(1200, 2500),
                "domProcessingTime": ms(500, 1500), "loadEventStart": ms(2500, 2600),
                "loadEventTime": ms(1, 5), "duration": ms(1500, 9000), "headerSize": 300,
                "transferSize": rng.randint(5000, 90000), "compressionRatio": ms(1, 4),
                "navigationTimingLevel": 2}
    if kind == "performance_resource_event":
        ext, file_type = rng.choice([("js", "script"), ("css", "stylesheet"),
                                     ("png", "image"), ("woff", "font")])
        return {"version": "1.0.0",
                "targetUrl": f"https://cdn.example.com/assets/{rng.randint(1, 999)}.{ext}",
                "initiatorType": "link" if ext == "css" else "script",
                "startTime": ms(10, 3000), "duration": ms(5, 900),
                "transferSize": rng.randint(0, 200000), "fileType": file_type}
    if kind == "largest_contentful_paint_event":
        return {"version": "1.0.0", "value": ms(800, 5000), "attribution": {
            "element": "#hero>img", "url": "https://cdn.example.com/hero.png",
            "timeToFirstByte": ms(50, 300), "resourceLoadDelay": ms(0, 200),
            "resourceLoadTime": ms(50, 900), "elementRenderDelay": ms(0, 100)}}
    if kind == "first_input_delay_event":
        return {"version": "1.0.0", "value": ms(1, 200), "attribution": {
            "eventTarget": "button.buy", "eventType": "pointerdown", "eventTime": ms(2000, 9000),
            "loadState": "complete"}}
    if kind == "cumulative_layout_shift_event":
        return {"version": "1.0.0", "value": round(rng.uniform(0, 0.4), 4), "attribution": {
            "largestShiftTarget": "div.banner", "largestShiftValue": 0.05,
            "largestShiftTime": ms(100, 2000), "loadState": "complete"}}
    if kind == "interaction_to_next_paint_event":
        return {"version": "1.0.0", "value": ms(16, 600), "attribution": {
            "interactionTarget": "button.buy", "interactionType": "pointer",
            "interactionTime": ms(2000, 9000), "inputDelay": ms(1, 50),
            "processingDuration": ms(5, 200), "presentationDelay": ms(5, 100),
            "loadState": "complete"}}
    if kind == "first_contentful_paint_event":
        return {"version": "1.0.0", "value": ms(300, 3000), "attribution": {
            "timeToFirstByte": ms(50, 300), "firstByteToFCP": ms(100, 2000),
            "loadState": "dom-interactive"}}
    if kind == "time_to_first_byte_event":
        return {"version": "1.0.0", "value": ms(50, 800), "attribution": {
            "waitingDuration": ms(0, 5), "cacheDuration": ms(0, 5), "dnsDuration": ms(0, 20),
            "connectionDuration": ms(0, 40), "requestDuration": ms(20, 500)}}
    if kind == "http_event":
        status = rng.choice([404, 500, 503, 403])
        return {"version": "1.0.0",
                "request": {"method": rng.choice(["GET", "POST"]),
                            "url": f"https://api.example.com/v1/items/{rng.randint(1, 99)}"},
                "response": {"status": status, "statusText": "Error"}}
    if kind == "js_error_event":
        return {"version": "1.0.0", "type": "TypeError",
                "message": "Cannot read properties of undefined (reading 'price')",
                "filename": "https://cdn.example.com/assets/app.js", "lineno": 1,
                "colno": rng.randint(1, 90000),
                "stack": "TypeError: Cannot read properties of undefined\n    at render"}
    if kind == "dom_event":
        return {"version": "1.1.0", "event": "click", "element": "BUTTON",
                "elementId": "buy", "cssLocator": "#buy", "interactionId": "buy-click"}
    if kind == "custom":
        return {"current_url": "https://shop.example.com/cart", "visit_count": 1}
    raise ValueError(kind)


_MIX = (["performance_resource_event"] * 9 + ["http_event"] * 3 + ["js_error_event"] * 2
        + ["dom_event"] * 2 + ["largest_contentful_paint_event", "first_input_delay_event",
                               "cumulative_layout_shift_event", "interaction_to_next_paint_event",
                               "first_contentful_paint_event", "time_to_first_byte_event",
                               "custom"])


def web_client_request(n_events: int = 100, *, version: int = 3, seed: int = 1) -> dict:
    """A PutRumEvents body of ``n_events`` as the web client v2 or v3 sends it."""
    rng = random.Random(seed)
    events: list[dict[str, Any]] = []
    head = ["session_start_event", "page_view_event", "performance_navigation_event"]
    for i in range(n_events):
        kind = head[i] if i < len(head) else rng.choice(_MIX)
        page = _page(i // 25)
        page_attrs = {k: v for k, v in page.items() if v is not None}
        if version == 3:
            metadata = {**page_attrs, **CUSTOM_ATTRS}
        else:
            metadata = {**SESSION_ATTRS, **page_attrs, **CUSTOM_ATTRS,
                        "aws:clientVersion": "2.1.0"}
        events.append({
            "id": _uuid(rng),
            "timestamp": T0 + i // 3,
            "type": "my_app.checkout_step" if kind == "custom" else P + kind,
            "metadata": json.dumps(metadata, separators=(",", ":")),
            "details": json.dumps(_details(kind, rng, page), separators=(",", ":")),
        })
    body: dict[str, Any] = {
        "BatchId": BATCH_ID,
        "AppMonitorDetails": {"id": APP_ID, "version": "1.4.2"},
        "UserDetails": {"userId": USER_ID, "sessionId": SESSION_ID},
    }
    if version == 3:
        body["SessionMetadata"] = json.dumps(SESSION_ATTRS, separators=(",", ":"))
    body["RumEvents"] = events
    return body


def body_bytes(request: dict, *, gzip_it: bool = False) -> bytes:
    """The request as the bytes the client posts (``JSON.stringify``; gzip when asked)."""
    raw = json.dumps(request, separators=(",", ":")).encode()
    return gzip.compress(raw, mtime=0) if gzip_it else raw


def write_fixtures() -> None:
    """(Re)write the fixture files in ``data/``."""
    DATA.mkdir(exist_ok=True)
    (DATA / "web_v2_batch.json").write_text(
        json.dumps(web_client_request(8, version=2, seed=2), indent=1) + "\n")
    (DATA / "web_v3_batch.json").write_text(
        json.dumps(web_client_request(12, version=3, seed=3), indent=1) + "\n")
    for version in (2, 3):
        (DATA / f"web_v{version}_batch100.json.gz").write_bytes(
            body_bytes(web_client_request(100, version=version, seed=1), gzip_it=True))


if __name__ == "__main__":
    write_fixtures()


# -- small hand-made requests for the rule tests ------------------------------------------
def uid(n: int) -> str:
    """A valid UUID numbered ``n``."""
    return f"{n:08x}-0000-4000-8000-000000000000"


def event(type_: str = P + "session_start_event", details: Any = None,
          metadata: Any = None, *, n: int = 1, **members: Any) -> dict[str, Any]:
    """One RumEvent in boto3 form; ``details``/``metadata`` dicts become JSON texts."""
    if details is None:
        details = {"version": "1.0.0"}
    out: dict[str, Any] = {"id": uid(0x100 + n), "timestamp": T0, "type": type_,
                           "details": details if isinstance(details, str) else json.dumps(details)}
    if metadata is not None:
        out["metadata"] = metadata if isinstance(metadata, str) else json.dumps(metadata)
    out.update(members)
    return out


def request(*events: dict[str, Any], **members: Any) -> dict[str, Any]:
    """A PutRumEvents request in boto3 form (``Id`` given) holding ``events``."""
    out: dict[str, Any] = {
        "Id": APP_ID, "BatchId": BATCH_ID,
        "AppMonitorDetails": {"id": APP_ID, "name": "MyWebApp", "version": "1.0.0"},
        "UserDetails": {"userId": USER_ID, "sessionId": SESSION_ID},
        "RumEvents": list(events) if events else [event()],
    }
    out.update(members)
    return {k: v for k, v in out.items() if v is not _DROP}


_DROP = object()
#: pass as a member value to ``request(...)`` to leave that member out
ABSENT = _DROP
