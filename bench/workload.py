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


# --- eventbridge-dialect workload: the operators the rum dialect lacks -----------------------

EB_OPERATORS = ("prefix", "suffix", "equals-ignore-case", "cidr", "wildcard")
SECTIONS = ["shoes", "books", "garden", "toys", "music", "sports", "kitchen"]


def eventbridge_condition(op: str, k: int) -> tuple[str, dict]:
    """(path, value-list item) of the ``k``-th pattern of operator ``op``: distinct values that
    share long prefixes and suffixes, mixed case and several CIDR lengths, as a real rule set
    would have them."""
    if op == "prefix":        # page-id prefixes; every 4th ignoring case
        text = f"/shop/{SECTIONS[k % 7]}/{k}/"
        if k % 4 == 3:
            return "metadata.pageId", {"prefix": {"equals-ignore-case": text.upper()}}
        return "metadata.pageId", {"prefix": text}
    if op == "suffix":        # script names; every 4th ignoring case
        if k % 4 == 3:
            return "event_details.url", {"suffix": {"equals-ignore-case": f"-{k}.MIN.JS"}}
        return "event_details.url", {"suffix": f"-{k}.min.js"}
    if op == "equals-ignore-case":  # browser builds, in upper, lower and mixed case
        name = f"{BROWSERS[k % 6]} {k}"
        return "metadata.browserName", {"equals-ignore-case": [name.upper(), name.lower(),
                                                               name.title()][k % 3]}
    if op == "cidr":          # client address blocks: /24, /28, /25 and IPv6 /48
        block = [f"10.{(k // 256) % 256}.{k % 256}.0/24",
                 f"172.16.{(k // 16) % 256}.{(k % 16) * 16}/28",
                 f"100.{64 + (k // 256) % 64}.{k % 256}.128/25",
                 f"2001:db8:{k:x}::/48"][k % 4]
        return "metadata.clientIp", {"cidr": block}
    assert op == "wildcard"   # API routes (literal prefix) and checkout steps (literal suffix)
    if k % 2:
        return "event_details.url", {"wildcard": f"*/checkout/step-{k}"}
    return "event_details.url", {"wildcard": f"https://api.example.com/v{k}/*/orders/*"}


def _nest(path: str, item: dict) -> dict:
    first, last = path.split(".")
    return {first: {last: [item]}}


def eventbridge_definitions(n: int, operators=EB_OPERATORS) -> list[dict]:
    """``n`` eventbridge-dialect definitions on page views.  Definition ``i`` ORs (``$or``)
    the ``i``-th condition of each operator, so every definition reads the same five fields
    and 1 vs 2000 definitions differ only in the number of patterns; with one operator it is
    that condition alone."""
    out = []
    for i in range(n):
        conds = [_nest(*eventbridge_condition(op, i)) for op in operators]
        pattern = {"event_type": ["com.amazon.rum.page_view_event"]}
        if len(conds) == 1:
            pattern.update(conds[0])
        else:
            pattern["$or"] = conds
        out.append({"Name": f"Eb{i}", "Namespace": "Bench", "EventPattern": json.dumps(pattern)})
    return out


_HITS = {"prefix": ("pageId", "/shop/shoes/0/cart"),
         "suffix": ("url", "https://cdn.example.com/js/vendor-0.min.js"),
         "equals-ignore-case": ("browserName", "chrome 0"),
         "cidr": ("clientIp", "10.0.0.77"),
         "wildcard": ("url", "https://api.example.com/v0/users/orders/17")}


def eventbridge_documents(n: int, hit: str | None = None, seed: int = 5) -> list[str]:
    """``n`` page-view documents (JSON text) with the fields the eventbridge definitions test.
    With ``hit=None`` no definition matches; with an operator, each event matches exactly the
    first definition (through that operator's condition, ``k = 0``)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        doc = document(rng, i)
        doc["event_type"] = "com.amazon.rum.page_view_event"
        doc["metadata"]["pageId"] = rng.choice(PAGES + ["/shop/shoes/", "/shop/books/99999/"])
        doc["metadata"]["clientIp"] = rng.choice(
            [f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}", "2001:db9::1",
             f"10.200.{rng.randint(0, 255)}.1"])
        doc["event_details"] = {"version": "1.0.0", "pageId": doc["metadata"]["pageId"],
                                "url": rng.choice(["https://cdn.example.com/app.js",
                                                  "https://api.example.com/v99999/users",
                                                  "https://example.com/checkout/step-x",
                                                  "https://cdn.example.com/vendor.min.js"])}
        if hit is not None:
            field, value = _HITS[hit]
            (doc["event_details"] if field == "url" else doc["metadata"])[field] = value
        out.append(json.dumps(doc, separators=(",", ":")))
    return out
