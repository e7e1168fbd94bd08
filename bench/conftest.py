"""Shared workloads for the benchmarks.  Every benchmark group has a ``json.loads`` baseline
measured in the same run; ``bench/report.py`` turns a ``--benchmark-json`` file into the
ratio tables of docs/performance.md."""

from __future__ import annotations

import json

import pytest

from rumrules.catalog.metrics import EXTENDED_METRICS


def stored_document(i: int = 0, duration: float = 2345.6, browser: str = "Chrome") -> dict:
    """A stored RUM navigation event document (~700 bytes as JSON text)."""
    return {
        "event_timestamp": 1712492422000 + i,
        "event_type": "com.amazon.rum.performance_navigation_event",
        "event_id": f"3d6a5f7e-1c2b-4b8e-9f3a-{i:012d}",
        "event_version": "1.0.0",
        "log_stream": {"seconds": 1712492422, "nanos": 0},
        "application_id": "cff852ba-f230-45cf-b1b7-b7fa57825a3d",
        "application_version": "1.0.0",
        "application_name": "MyWebApp",
        "account_id": "123456789012",
        "batch_id": "b3a1c2d4-5e6f-4a1b-8c9d-0e1f2a3b4c5d",
        "userId": "00000000-0000-0000-0000-000000000000",
        "sessionId": "7571feb9-f2ab-42d4-bdca-f2d86dac83e2",
        "user_details": {"sessionId": "7571feb9-f2ab-42d4-bdca-f2d86dac83e2",
                         "userId": "00000000-0000-0000-0000-000000000000"},
        "metadata": {"version": "1.0.0", "browserLanguage": "en-US", "browserName": browser,
                     "browserVersion": "124.0.0.0", "osName": "Windows", "osVersion": "10",
                     "deviceType": "desktop", "platformType": "web", "pageId": "/console/home",
                     "interaction": 0, "title": "Home", "domain": "example.com",
                     "aws:client": "arw-script", "aws:clientVersion": "1.25.0",
                     "countryCode": "US", "subdivisionCode": "WA"},
        "event_details": {"version": "1.0.0", "initiatorType": "navigation",
                          "navigationType": "navigate", "startTime": 0, "duration": duration,
                          "transferSize": 15230, "domComplete": 2100.5},
    }


@pytest.fixture(scope="session")
def extended_patterns() -> list[str]:
    return [m.pattern_text() for m in EXTENDED_METRICS.values()]


@pytest.fixture(scope="session")
def document() -> dict:
    return stored_document()


@pytest.fixture(scope="session")
def document_text(document) -> str:
    return json.dumps(document, separators=(",", ":"))
