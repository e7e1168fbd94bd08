"""A small deterministic RUM workload for the backfill tests: stored documents over several
minutes (some without a usable event_timestamp, some with a value that is not a number, a
dotted key), definitions that exercise ValueKey, DimensionKeys, units, two definitions of
one metric, and a pair of definition sets with known differences; the reference rows
computed from MetricEngine one document at a time."""

from __future__ import annotations

import gzip
import json
import math
import random
from pathlib import Path

from rumrules import MetricEngine

APP = "ExampleShop"
T0 = 1712492422000          # 2024-04-07T12:20:22Z
PAGES = ["/", "/cart", "/checkout", "/p/1", "/p/2"]
BROWSERS = ["Chrome", "Firefox", "Safari"]
NAV = "com.amazon.rum.performance_navigation_event"
PV = "com.amazon.rum.page_view_event"
HTTP = "com.amazon.rum.http_event"


def documents(n: int = 3000, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    out = []
    ts = T0
    for i in range(n):
        ts += rng.randint(1, 2000)
        kind = rng.choice([NAV, NAV, PV, PV, HTTP, "checkout_event"])
        md = {"browserName": rng.choice(BROWSERS), "pageId": rng.choice(PAGES),
              "countryCode": rng.choice(["US", "DE", "JP"]), "deviceType": "desktop"}
        if kind == NAV:
            details = {"duration": rng.choice([rng.randint(50, 9000),
                                               round(rng.uniform(50, 9000), 1),
                                               round(rng.uniform(100, 900), 1) - 0.1])}
        elif kind == PV:
            details = {"pageId": md["pageId"], "interaction": rng.randint(0, 3)}
        elif kind == HTTP:
            details = {"response": {"status": rng.choice([200, 404, 500, 503])}}
        else:
            value = rng.choice([round(rng.uniform(1, 400), 2), "n/a", 12])
            details = {"cartValue": value, "currency": rng.choice(["USD", "EUR"])}
        doc = {"event_timestamp": ts, "event_type": kind, "event_id": f"id-{i}",
               "application_name": APP, "metadata": md, "event_details": details}
        if i % 500 == 7:
            doc["event_timestamp"] = "not a time"      # cannot be placed in time
        if i % 400 == 9:
            del doc["metadata"]["pageId"]
            doc["metadata.pageId"] = "/dotted"         # a dotted key names the same path
        out.append(doc)
    return out


def _nav(name: str, lo: int, **extra) -> dict:
    d = {"Name": name, "Namespace": "Shop", "ValueKey": "event_details.duration",
         "UnitLabel": "Milliseconds", "DimensionKeys": {"metadata.browserName": "Browser"},
         "EventPattern": json.dumps({"event_type": [NAV], "metadata": {"browserName": ["Chrome"]},
                                     "event_details": {"duration": [{"numeric": [">=", lo]}]}})}
    d.update(extra)
    return d


def new_definitions() -> list[dict]:
    return [
        {"Name": "PageViewCount", "DimensionKeys": {"metadata.pageId": "PageId"},
         "EventPattern": json.dumps({"event_type": [PV], "metadata": {"pageId": ["/cart"]}})},
        _nav("SlowNav", 2000),
        {"Name": "Errors", "Namespace": "Shop",
         "EventPattern": json.dumps({"event_type": [HTTP],
                                     "event_details": {"response": {"status": [500]}}})},
        # a second definition of the same metric: CloudWatch sees one metric
        {"Name": "Errors", "Namespace": "Shop",
         "EventPattern": json.dumps({"event_type": [HTTP],
                                     "event_details": {"response": {"status": [503]}}})},
        {"Name": "CartValue", "Namespace": "Shop", "ValueKey": "event_details.cartValue",
         "DimensionKeys": {"event_details.currency": "Currency"},
         "EventPattern": json.dumps({"event_type": ["checkout_event"],
                                     "event_details": {"currency": ["USD"]}})},
        {"Name": "Everything", "Namespace": "All"},
    ]


def old_definitions() -> list[dict]:
    """Against :func:`new_definitions`: ``SlowNav`` had another threshold (changed),
    ``CartValue`` did not exist (added in the new), ``Legacy`` is gone (removed), the rest
    is the same."""
    new = new_definitions()
    return [new[0], _nav("SlowNav", 4000), new[2], new[3],
            {"Name": "Legacy", "Namespace": "Shop",
             "EventPattern": json.dumps({"event_type": [PV]})},
            new[5]]


def reference_rows(definitions: list[dict], docs: list[dict], start=None, end=None) -> list[tuple]:
    """Rows from MetricEngine, one document at a time: documents without a numeric
    event_timestamp and outside [start, end) left out; sums exact (fsum)."""
    engine = MetricEngine(definitions, app_monitor_name=APP)
    groups: dict = {}
    for doc in docs:
        ms = doc.get("event_timestamp")
        if not isinstance(ms, (int, float)) or isinstance(ms, bool):
            continue
        if (start is not None and ms < start) or (end is not None and ms >= end):
            continue
        for d in engine.process_documents([json.dumps(doc)]).data:
            ts = int(d.timestamp.timestamp())
            key = (d.namespace, d.name, d.unit, tuple(d.dimensions.items()), ts - ts % 60)
            groups.setdefault(key, []).append(d.value)
    return sorted((*k, len(v), math.fsum(v), min(v), max(v)) for k, v in groups.items())


def write(docs: list[dict], path: Path, fmt: str) -> Path:
    """Write ``docs`` as ``fmt``: jsonl, jsonl.gz, getappmonitordata (pages of 100, as the
    CLI prints them, pretty-printed, one after another), cwlogs (gzip, ISO time first)."""
    texts = [json.dumps(d, separators=(",", ":")) for d in docs]
    if fmt == "jsonl":
        path.write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    elif fmt == "jsonl.gz":
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.writelines(t + "\n" for t in texts)
    elif fmt == "getappmonitordata":
        pages = [texts[i:i + 100] for i in range(0, len(texts), 100)]
        path.write_text("".join(json.dumps({"Events": p, "NextToken": f"t{k}"}, indent=4) + "\n"
                                for k, p in enumerate(pages)), encoding="utf-8")
    elif fmt == "cwlogs":
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            for i, t in enumerate(texts):
                fh.write(f"2024-04-07T12:{20 + i // 1000:02d}:{(i // 20) % 60:02d}.000Z {t}\n")
    else:
        raise ValueError(fmt)
    return path


def rows_of_jsonl(text: str) -> list[tuple]:
    """The CLI's JSON lines as tuples comparable with :func:`reference_rows`."""
    from datetime import datetime
    out = []
    for line in text.splitlines():
        r = json.loads(line)
        minute = int(datetime.fromisoformat(r["timestamp"].replace("Z", "+00:00")).timestamp())
        out.append((r["namespace"], r["metric"], r["unit"], tuple(r["dimensions"].items()),
                    minute, r["sample_count"], r["sum"], r["minimum"], r["maximum"]))
    return sorted(out)
