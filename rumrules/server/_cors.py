"""CORS for the web client: a browser page may send PutRumEvents to the server when its
origin's host is one of the app monitor's ``Domain``/``DomainList`` entries (``*.example.com``
covers every subdomain of ``example.com``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

__all__ = ["origin_allowed", "monitor_domains", "preflight_headers", "response_headers",
           "MAX_AGE_SECONDS"]

MAX_AGE_SECONDS = 600
_METHODS = "POST, OPTIONS"


def monitor_domains(monitor: Mapping[str, Any]) -> list[str]:
    """The domains an app monitor was created for (``Domain`` or ``DomainList``)."""
    domains = monitor.get("DomainList") or [monitor.get("Domain")]
    return [d for d in domains if isinstance(d, str) and d]


def origin_allowed(origin: str, domains: Iterable[str]) -> bool:
    """Whether the ``Origin`` header value ``origin`` (``http://host:port``) names one of
    ``domains`` (exact host names, or ``*.name`` for its subdomains; ports are ignored)."""
    try:
        host = urlsplit(origin).hostname
    except ValueError:
        return False
    if not host:
        return False
    for domain in domains:
        domain = domain.lower()
        if domain.startswith("*."):
            if host.endswith(domain[1:]):
                return True
        elif host == domain:
            return True
    return False


def preflight_headers(origin: str, requested: str | None) -> dict[str, str]:
    """The answer's headers to an allowed preflight (``OPTIONS``) request."""
    headers = {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": _METHODS,
               "Access-Control-Max-Age": str(MAX_AGE_SECONDS), "Vary": "Origin"}
    if requested:
        headers["Access-Control-Allow-Headers"] = requested
    return headers


def response_headers(origin: str) -> dict[str, str]:
    """The headers that let the page read the answer to its allowed request."""
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin",
            "Access-Control-Expose-Headers": "x-amzn-RequestId, x-amzn-ErrorType"}
