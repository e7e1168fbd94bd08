"""Building blocks for the rules' good and bad examples (docs pages and tests).

Valid starting points taken from the sources -- the API reference's NavigationTolerated
example (seed ``BatchCreateRumMetricDefinitions``), the User Guide's custom metric -- and
helpers that change one thing at a time, so each bad example is exactly one mistake.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["TOLERATED", "CUSTOM", "JS_ERRORS", "HTTP_4XX", "pattern", "edit", "CREATE",
           "UPDATE", "DELETE", "EVIDENTLY_ARN"]


def pattern(obj: Any) -> str:
    """A pattern dict as EventPattern text (``json.dumps``)."""
    return json.dumps(obj)


def edit(base: dict, **changes: Any) -> dict:
    """A copy of ``base`` with members changed; a value of ``...`` removes the member."""
    out = dict(base)
    for k, v in changes.items():
        if v is ...:
            out.pop(k, None)
        else:
            out[k] = v
    return out


_NAV = "com.amazon.rum.performance_navigation_event"

#: The API reference's extended-metric example (seed, BatchCreateRumMetricDefinitions),
#: DimensionKeys written as the map the API takes.
TOLERATED: dict = {
    "Name": "NavigationToleratedTransaction",
    "DimensionKeys": {"metadata.browserName": "BrowserName",
                      "metadata.countryCode": "CountryCode"},
    "EventPattern": pattern({
        "event_type": [_NAV],
        "metadata": {"browserName": ["Chrome", "Safari"], "countryCode": ["US"]},
        "event_details": {"duration": [{"numeric": [">=", 2000, "<", 8000]}]},
    }),
    "UnitLabel": "Count",
}

#: The User Guide's custom metric (also the CLI's batch-create example).
CUSTOM: dict = {
    "Name": "AmazonVisitsCount",
    "Namespace": "PageVisit",
    "ValueKey": "event_details.visit_count",
    "UnitLabel": "Count",
    "DimensionKeys": {"event_details.current_url": "URL"},
    "EventPattern": pattern({
        "metadata": {"browserName": ["Chrome"]},
        "event_type": ["my_custom_event"],
        "event_details": {"current_url": ["amazonaws.com"]},
    }),
}

JS_ERRORS: dict = {
    "Name": "JsErrorCount",
    "DimensionKeys": {"metadata.pageId": "PageId"},
    "EventPattern": pattern({"event_type": ["com.amazon.rum.js_error_event"],
                             "metadata": {"pageId": ["/checkout"]}}),
}

HTTP_4XX: dict = {
    "Name": "Http4xxCount",
    "EventPattern": pattern({
        "event_type": ["com.amazon.rum.http_event"],
        "event_details": {"response": {"status": [{"numeric": [">=", 400, "<", 500]}]}},
    }),
}

EVIDENTLY_ARN = "arn:aws:evidently:us-east-1:123456789012:project/shop/experiment/checkout"

#: A valid BatchCreateRumMetricDefinitions request.
CREATE: dict = {"AppMonitorName": "my-app-monitor", "Destination": "CloudWatch",
                "MetricDefinitions": [TOLERATED, CUSTOM]}

#: A valid UpdateRumMetricDefinition request.
UPDATE: dict = {"AppMonitorName": "my-app-monitor", "Destination": "CloudWatch",
                "MetricDefinitionId": "guid2", "MetricDefinition": TOLERATED}

#: A valid BatchDeleteRumMetricDefinitions request.
DELETE: dict = {"AppMonitorName": "my-app-monitor", "Destination": "CloudWatch",
                "MetricDefinitionIds": ["guid1", "guid2"]}
