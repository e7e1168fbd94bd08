"""Shared pieces of the strategies: imports, constants and the JSON layout of numbers and texts."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

try:
    from hypothesis import reject
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as e:  # pragma: no cover - exercised in a subprocess test
    raise ImportError("rumrules.strategies needs Hypothesis: pip install 'rumrules[strategies]'") from e


#: The most events :func:`put_rum_events_requests` puts in one request (PutRumEvents' own
#: limit is 50 events per request).
MAX_EVENTS = 50

__all__ = ["event_patterns", "events", "metric_definitions", "put_rum_events_requests"]

_RUM = "com.amazon.rum."
_EVENT_TYPES = [_RUM + t for t in ("performance_navigation_event", "performance_resource_event",
                                   "http_event", "js_error_event", "page_view_event",
                                   "session_start_event", "largest_contentful_paint_event")]
_BROWSERS = ["Chrome", "Firefox", "Safari", "Edge"]
_COUNTRIES = ["US", "DE", "JP", "IN", "BR"]
_PAGES = ["/", "/home", "/cart", "/checkout", "/console/home"]
_MIN_NORMAL = 2.2250738585072014e-308
_BIG = 1.7976931348623157e308

# ---------------------------------------------------------------------------------- layout


class _Raw:
    """A number literal written as it is (one a double does not hold: ``12345678901234567890``)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _number_text(draw, value: float | int) -> str:
    """One of the spellings of a number that mean the same double."""
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()
                                  and abs(value) < 1e15):
        n = int(value)
        forms = [str(n), f"{n}.0", f"{n}e0"]
        if n and n % 1000 == 0:
            forms.append(f"{n // 1000}e3")
        return draw(st.sampled_from(forms))
    shortest = repr(float(value))
    exact = Decimal(shortest)
    # 0.0025 is also 2.5e-3, 2.50E-3 and 25e-4: the same decimal, so the same double
    digits = len(exact.as_tuple().digits)
    forms = [shortest, f"{exact:e}", f"{exact:.{digits}E}"]
    sign, ds, exp = exact.as_tuple()
    forms.append(("-" if sign else "") + "".join(map(str, ds)) + f"e{exp}")
    return draw(st.sampled_from(forms))


def _dump(draw, value: Any, indent: int | None, order: bool) -> str:
    """JSON text with a drawn layout and key order, numbers in drawn spellings."""
    pad = "" if indent is None else "\n"
    sep = ", " if indent is None and order else ","

    def render(v, depth):
        inner = pad + " " * ((depth + 1) * (indent or 0)) if indent is not None else ""
        close = pad + " " * (depth * (indent or 0)) if indent is not None else ""
        if isinstance(v, dict):
            items = list(v.items())
            if order and len(items) > 1:
                items = draw(st.permutations(items))
            body = sep.join(f"{inner}{json.dumps(k)}: {render(x, depth + 1)}" for k, x in items)
            return "{" + body + close + "}" if items else "{}"
        if isinstance(v, list):
            return "[" + sep.join(inner + render(x, depth + 1) for x in v) + close + "]"
        if isinstance(v, _Raw):
            return v.text
        if isinstance(v, bool) or v is None:
            return json.dumps(v)
        if isinstance(v, (int, float)):
            return _number_text(draw, v)
        return json.dumps(v, ensure_ascii=draw(st.booleans()))

    return render(value, 0)


