"""PutRumEvents requests for the server tests."""

from __future__ import annotations

import json
import uuid

SESSION = "44444444-4444-4444-4444-444444444444"
USER = "33333333-3333-3333-3333-333333333333"


def page_view(timestamp: float, page: str = "/home", browser: str = "Chrome",
              country: str = "US", os_name: str = "Linux", device: str = "desktop") -> dict:
    return {"id": str(uuid.uuid4()), "timestamp": timestamp,
            "type": "com.amazon.rum.page_view_event",
            "metadata": json.dumps({"pageId": page, "browserName": browser,
                                    "countryCode": country, "osName": os_name,
                                    "deviceType": device, "version": "1.0.0"}),
            "details": json.dumps({"pageId": page, "pageInteractionId": f"{page}-0",
                                   "interaction": 0})}


def custom_event(timestamp: float, kind: str = "shop.checkout") -> dict:
    return {"id": str(uuid.uuid4()), "timestamp": timestamp, "type": kind,
            "metadata": json.dumps({"pageId": "/cart", "browserName": "Firefox"}),
            "details": json.dumps({"total": 42})}


def batch(app_id: str, name: str, events: list[dict]) -> dict:
    """boto3 parameters of a PutRumEvents call."""
    return {"Id": app_id, "BatchId": str(uuid.uuid4()),
            "AppMonitorDetails": {"id": app_id, "name": name, "version": "1.0.0"},
            "UserDetails": {"userId": USER, "sessionId": SESSION}, "RumEvents": events}
