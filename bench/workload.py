"""A RUM workload for the index and engine benchmarks: stored documents (~700 bytes of JSON
text) and N metric definitions — extended and custom, exact values and numeric ranges,
overlapping — deterministic for a seed."""

from __future__ import annotations

import json
import random

EVENT_TYPES = ["com.amazon.rum.performance_navigation_event",
               "com.amazon.rum.performance_resource_event", "com.amazon.rum.http_event",
               "com.amazon.rum.js_error_event", "com.amazon.rum.page_view_event",
               "com.amazon.rum.largest_contentful_paint_event", "checkout.completed"]
BROWSERS = ["Chrome", "Firefox", "Safari", "Edge", "Opera", "Samsung Internet"]
COUNTRIES = ["US", "DE", "JP", "IN", "BR", "FR", "GB", "CA", "AU", "KR"]
DEVICES = ["desktop", "mobile", "tablet"]
PAGES = [f"/page/{i}" for i in range(200)]


def document(rng: random.Random, i: int) -> dict:
    etype = rng.choice(EVENT_TYPES)
    details: dict = {"version": "1.0.0"}
    if etype.endswith("navigation_event"):
        details.update(initiatorType="navigation", duration=round(rng.uniform(100, 12000), 1),
                       transferSize=rng.randint(500, 90000), startTime=0)
    elif etype.endswith("resource_event"):
        details.update(initiatorType="script", duration=round(rng.uniform(1, 3000), 1),
                       fileType=rng.choice(["script", "image", "stylesheet"]),
                       targetUrl="https://cdn.example.com/app.js")
    elif etype.endswith("http_event"):
        details.update(request={"method": "GET", "url": "https://api.example.com/x"},
                       response={"status": rng.choice([200, 302, 404, 429, 500, 503])})
    elif etype.endswith("largest_contentful_paint_event"):
        details.update(value=round(rng.uniform(200, 9000), 1))
    elif etype == "checkout.completed":
        details.update(amount=round(rng.uniform(1, 500), 2), currency=rng.choice(["USD", "EUR"]))
    else:
        details.update(pageId=rng.choice(PAGES))
    return {
        "event_timestamp": 1712492422000 + i, "event_type": etype,
        "event_id": f"3d6a5f7e-1c2b-4b8e-9f3a-{i:012d}", "event_version": "1.0.0",
        "application_id": "cff852ba-f230-45cf-b1b7-b7fa57825a3d",
        "application_name": "MyWebApp",
        "userId": "00000000-0000-0000-0000-000000000000",
        "sessionId": "7571feb9-f2ab-42d4-bdca-f2d86dac83e2",
        "user_details": {"sessionId": "7571feb9-f2ab-42d4-bdca-f2d86dac83e2",
                         "userId": "00000000-0000-0000-0000-000000000000"},
        "metadata": {"version": "1.0.0", "browserName": rng.choice(BROWSERS),
                     "osName": "Windows", "deviceType": rng.choice(DEVICES),
                     "pageId": rng.choice(PAGES), "domain": "example.com",
                     "countryCode": rng.choice(COUNTRIES)},
        "event_details": details,
    }


def documents(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [json.dumps(document(rng, i), separators=(",", ":")) for i in range(n)]


def definitions(n: int, seed: int = 11, overlapping: bool = True) -> list[dict]:
    """``n`` definitions.  ``overlapping=False`` gives patterns of which each event matches
    at most one (distinct page ids under one event type)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        if not overlapping:
            out.append({"Name": f"Page{i}", "Namespace": "Pages", "EventPattern": json.dumps(
                {"event_type": ["com.amazon.rum.page_view_event"],
                 "metadata": {"pageId": [f"/page/{i}" if i < 200 else f"/other/{i}"]}})})
            continue
        kind = i % 6
        dims = {}
        pattern: dict = {}
        if kind == 0:   # extended navigation apdex buckets with a browser dimension
            lo = rng.choice([0, 500, 1000, 2000, 4000, 8000])
            pattern = {"event_type": ["com.amazon.rum.performance_navigation_event"],
                       "metadata": {"browserName": [rng.choice(BROWSERS)]},
                       "event_details": {"duration": [{"numeric": [">=", lo, "<", lo + rng.choice([500, 2000, 6000])]}]}}
            name = f"Nav{i}"
        elif kind == 1:  # http status ranges per country
            lo = rng.choice([400, 404, 429, 500])
            pattern = {"event_type": ["com.amazon.rum.http_event"],
                       "metadata": {"countryCode": [rng.choice(COUNTRIES)]},
                       "event_details": {"response": {"status": [{"numeric": [">=", lo, "<=", 599]}]}}}
            name = f"Http{i}"
        elif kind == 2:  # page views per page
            pattern = {"event_type": ["com.amazon.rum.page_view_event"],
                       "metadata": {"pageId": [rng.choice(PAGES)]}}
            dims = {"metadata.pageId": "PageId"}
            name = f"Views{i}"
        elif kind == 3:  # LCP over a threshold per device
            pattern = {"event_type": ["com.amazon.rum.largest_contentful_paint_event"],
                       "metadata": {"deviceType": [rng.choice(DEVICES)]},
                       "event_details": {"value": [{"numeric": [">", rng.choice([1000, 2500, 4000])]}]}}
            name = f"Lcp{i}"
        elif kind == 4:  # custom events by currency and amount
            pattern = {"event_type": ["checkout.completed"],
                       "event_details": {"currency": [rng.choice(["USD", "EUR"])],
                                         "amount": [{"numeric": [">=", rng.choice([0, 50, 100, 250])]}]}}
            name = f"Checkout{i}"
        else:            # resource durations by file type
            pattern = {"event_type": ["com.amazon.rum.performance_resource_event"],
                       "event_details": {"fileType": [rng.choice(["script", "image", "stylesheet"])],
                                         "duration": [{"numeric": ["<", rng.choice([100, 500, 1000])]}]}}
            name = f"Res{i}"
        d = {"Name": name, "Namespace": "Bench", "EventPattern": json.dumps(pattern)}
        if dims:
            d["DimensionKeys"] = dims
        out.append(d)
    return out
