"""Hypothesis strategies for fuzzing RUM servers and linters (needs the ``strategies`` extra).

Every function takes keyword-only arguments and returns a ``SearchStrategy``::

    from hypothesis import given
    from rumrules import strategies as rst

    @given(rst.put_rum_events_requests())
    def test_my_ingestion_endpoint(request): ...

- :func:`event_patterns` — valid EventPattern texts (varied layout, key order, number spellings);
- :func:`events` — stored RUM documents that match, or do not match, a pattern (near misses:
  a bound just outside a range, a string where a number is wanted, a missing field);
- :func:`metric_definitions` — valid definitions, or invalid ones breaking exactly one rule;
- :func:`put_rum_events_requests` — PutRumEvents requests shaped like the web client's.

Installing rumrules registers ``st.from_type(EventPattern)`` and ``st.from_type(PatternSet)``
through Hypothesis' entry point.
"""

from __future__ import annotations

import json
import math
import uuid
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as e:  # pragma: no cover - exercised in a subprocess test
    raise ImportError("rumrules.strategies needs Hypothesis: pip install 'rumrules[strategies]'") from e

from .catalog.metrics import EXTENDED_DIMENSIONS, EXTENDED_METRICS
from .pattern import EventPattern, compile_pattern

__all__ = ["event_patterns", "events", "metric_definitions", "put_rum_events_requests"]

_RUM = "com.amazon.rum."
_EVENT_TYPES = [_RUM + t for t in ("performance_navigation_event", "performance_resource_event",
                                   "http_event", "js_error_event", "page_view_event",
                                   "session_start_event", "largest_contentful_paint_event")]
_BROWSERS = ["Chrome", "Firefox", "Safari", "Edge"]
_COUNTRIES = ["US", "DE", "JP", "IN", "BR"]
_PAGES = ["/", "/home", "/cart", "/checkout", "/console/home"]

# ---------------------------------------------------------------------------------- layout


def _number_text(draw, value: float | int) -> str:
    """One of the spellings of a number that mean the same double."""
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()
                                  and abs(value) < 1e15):
        n = int(value)
        forms = [str(n), f"{n}.0", f"{n}e0"]
        if n and n % 1000 == 0:
            forms.append(f"{n // 1000}e3")
        return draw(st.sampled_from(forms))
    return repr(float(value))


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
        if isinstance(v, bool) or v is None:
            return json.dumps(v)
        if isinstance(v, (int, float)):
            return _number_text(draw, v)
        return json.dumps(v, ensure_ascii=draw(st.booleans()))

    return render(value, 0)


# -------------------------------------------------------------------------------- patterns

_numeric = st.one_of(
    st.builds(lambda n: ["=", n], st.integers(-10_000, 10_000)),
    st.builds(lambda op, n: [op, n], st.sampled_from(["<", "<=", ">", ">="]),
              st.integers(-10_000, 10_000)),
    st.builds(lambda lo, w, a, b: [a, lo, b, lo + w], st.integers(-10_000, 10_000),
              st.integers(1, 10_000), st.sampled_from([">", ">="]), st.sampled_from(["<", "<="])),
)
_exact = st.one_of(st.sampled_from(_BROWSERS + _COUNTRIES + _PAGES), st.integers(-500, 500),
                   st.booleans(), st.none(), st.text(min_size=1, max_size=12))
_rum_item = st.one_of(_exact, _numeric.map(lambda ops: {"numeric": ops}))
_eb_item = st.one_of(
    _rum_item,
    st.sampled_from(["Chr", "/con", "x"]).map(lambda p: {"prefix": p}),
    st.sampled_from(["me", ".js", "rt"]).map(lambda p: {"suffix": p}),
    st.sampled_from(["CHROME", "firefox"]).map(lambda p: {"equals-ignore-case": p}),
    st.lists(st.sampled_from(_BROWSERS), min_size=1, max_size=3, unique=True).map(
        lambda v: {"anything-but": v}),
    st.booleans().map(lambda b: {"exists": b}),
    st.sampled_from(["10.0.0.0/8", "192.168.0.0/16"]).map(lambda c: {"cidr": c}),
    st.sampled_from(["*ome", "/con*/*", "C*e"]).map(lambda w: {"wildcard": w}),
)
_field = st.sampled_from(["event_type", "metadata.browserName", "metadata.countryCode",
                          "metadata.pageId", "event_details.duration",
                          "event_details.response.status", "event_details.value", "x.y"])


def _nest(flat: dict[str, list]) -> dict:
    out: dict = {}
    for path, values in flat.items():
        node = out
        *parents, leaf = path.split(".")
        for p in parents:
            nxt = node.get(p)
            if not isinstance(nxt, dict):
                nxt = node[p] = {}
            node = nxt
        node[leaf] = values
    return out


@st.composite
def _pattern_value(draw, dialect: str) -> dict:
    item = _eb_item if dialect == "eventbridge" else _rum_item
    flat = draw(st.dictionaries(_field, st.lists(item, min_size=1, max_size=3), min_size=1,
                                max_size=4))
    # a path cannot be both a leaf and an object
    paths = sorted(flat)
    for p in paths:
        if any(q.startswith(p + ".") for q in paths):
            flat.pop(p, None)
    value = _nest(flat)
    if dialect == "eventbridge" and draw(st.integers(0, 4)) == 0:
        other = _nest(draw(st.dictionaries(_field, st.lists(item, min_size=1, max_size=2),
                                           min_size=1, max_size=2)))
        value = {"$or": [value, other]}
    return value


def event_patterns(*, dialect: str = "rum") -> st.SearchStrategy[str]:
    """Valid EventPattern texts of ``dialect`` (``rum`` or ``eventbridge``)."""
    if dialect not in ("rum", "eventbridge"):
        raise ValueError("dialect must be 'rum' or 'eventbridge'")

    @st.composite
    def build(draw):
        value = draw(_pattern_value(dialect))
        text = _dump(draw, value, draw(st.sampled_from([None, 0, 2, 4])), draw(st.booleans()))
        try:
            compile_pattern(text, dialect=dialect)
        except ValueError:
            # e.g. two numeric bounds that meet; such draws are rare and rejected
            from hypothesis import reject

            reject()
        return text

    return build()


# ---------------------------------------------------------------------------------- events

def _base_document(draw) -> dict:
    etype = draw(st.sampled_from(_EVENT_TYPES))
    return {
        "event_timestamp": draw(st.integers(1_600_000_000_000, 1_900_000_000_000)),
        "event_type": etype, "event_id": str(uuid.UUID(int=draw(st.integers(0, 2 ** 128 - 1)))),
        "event_version": "1.0.0", "application_id": "cff852ba-f230-45cf-b1b7-b7fa57825a3d",
        "application_Id": "cff852ba-f230-45cf-b1b7-b7fa57825a3d",
        "application_name": "MyWebApp", "sessionId": "7571feb9-f2ab-42d4-bdca-f2d86dac83e2",
        "userId": "00000000-0000-0000-0000-000000000000",
        "user_details": {"sessionId": "7571feb9-f2ab-42d4-bdca-f2d86dac83e2",
                         "userId": "00000000-0000-0000-0000-000000000000"},
        "metadata": {"version": "1.0.0", "domain": "example.com",
                     "browserName": draw(st.sampled_from(_BROWSERS)),
                     "countryCode": draw(st.sampled_from(_COUNTRIES)),
                     "pageId": draw(st.sampled_from(_PAGES)), "deviceType": "desktop"},
        "event_details": {"version": "1.0.0",
                          "duration": draw(st.floats(0, 20_000, allow_nan=False).map(
                              lambda f: round(f, 1)))},
    }


def _satisfying(draw, m) -> Any:
    """A value that the matcher ``m`` accepts, or a sentinel for 'leave it out'."""
    kind = m.kind
    if kind == "exact":
        if m.type == "number":
            return m.value if m.value is not None else None
        return m.value
    if kind == "numeric":
        lo = m.lower if m.lower is not None else (m.upper - 1000.0)
        hi = m.upper if m.upper is not None else (lo + 1000.0)
        choices = [(lo + hi) / 2]
        if m.lower_inclusive and m.lower is not None:
            choices.append(m.lower)
        if m.upper_inclusive and m.upper is not None:
            choices.append(m.upper)
        return draw(st.sampled_from(choices))
    if kind == "prefix":
        return m.value + draw(st.text("abc", max_size=3))
    if kind == "suffix":
        return draw(st.text("abc", max_size=3)) + m.value
    if kind == "equals-ignore-case":
        return "".join(c.upper() if draw(st.booleans()) else c.lower() for c in m.value)
    if kind == "exactly":
        return m.value
    if kind == "anything-but":
        return "zz-not-listed" if m.mode != "values" or m.strings else "zz"
    if kind == "exists":
        return 1 if m.value else _ABSENT
    if kind == "cidr":
        return "10.1.2.3" if m.value.startswith("10.") else "192.168.1.1"
    if kind == "wildcard":
        return m.value.replace("\\*", "\x00").replace("*", "x").replace("\x00", "*")
    return None


_ABSENT = object()


def _put(doc: dict, segments: tuple[str, ...], value: Any) -> None:
    node = doc
    for seg in segments[:-1]:
        nxt = node.get(seg)
        if not isinstance(nxt, dict):
            nxt = node[seg] = {}
        node = nxt
    if value is _ABSENT:
        node.pop(segments[-1], None)
    else:
        node[segments[-1]] = value


def _near_miss(draw, m) -> Any:
    kind = m.kind
    if kind == "numeric":
        if m.lower is not None and (m.upper is None or draw(st.booleans())):
            edge = m.lower if not m.lower_inclusive else math.nextafter(m.lower, -math.inf)
        else:
            edge = m.upper if not m.upper_inclusive else math.nextafter(m.upper, math.inf)
        return draw(st.sampled_from([edge, str(edge)]))   # just outside, or a string
    if kind == "exact" and m.type == "number" and m.value is not None:
        return draw(st.sampled_from([str(m.text), m.value + 1]))
    if kind == "exact" and m.type == "string":
        return draw(st.sampled_from([m.value + "x", m.value.swapcase() if m.value.swapcase()
                                     != m.value else m.value + "y"]))
    return draw(st.sampled_from([_ABSENT, "zz-other", 12345]))


def events(*, matching: str | EventPattern | None = None,
           not_matching: str | EventPattern | None = None) -> st.SearchStrategy[dict]:
    """Stored RUM event documents (dicts).  With ``matching``, every document matches that
    pattern; with ``not_matching``, none does (mostly near misses of one condition)."""
    if matching is not None and not_matching is not None:
        raise ValueError("give matching or not_matching, not both")
    target = matching if matching is not None else not_matching
    pattern = None
    if target is not None:
        pattern = target if isinstance(target, EventPattern) else compile_pattern(
            target, dialect="eventbridge")

    @st.composite
    def build(draw):
        doc = _base_document(draw)
        if pattern is None:
            return doc
        alternative = draw(st.sampled_from(pattern.alternatives))
        for cond in alternative:
            _put(doc, cond.segments, _satisfying(draw, draw(st.sampled_from(cond.matchers))))
        if not_matching is not None:
            cond = draw(st.sampled_from(alternative))
            _put(doc, cond.segments, _near_miss(draw, draw(st.sampled_from(cond.matchers))))
        return doc

    strategy = build()
    if matching is not None:
        return strategy.filter(pattern.matches)
    if not_matching is not None:
        return strategy.filter(lambda d: not pattern.matches(d))
    return strategy


# ---------------------------------------------------------------------------- definitions

_NS_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/#: "
_CUSTOM_FIELDS = {
    _RUM + "performance_navigation_event": ["duration", "transferSize", "domComplete"],
    _RUM + "performance_resource_event": ["duration", "transferSize"],
    _RUM + "largest_contentful_paint_event": ["value"],
}


@st.composite
def _extended(draw) -> dict:
    metric = EXTENDED_METRICS[draw(st.sampled_from(sorted(EXTENDED_METRICS)))]
    d = metric.definition()
    pattern = json.loads(d["EventPattern"])
    dims = draw(st.lists(st.sampled_from(sorted(EXTENDED_DIMENSIONS)), max_size=2, unique=True))
    dims = [k for k in dims if k != "event_details.fileType"
            or metric.event_type.endswith("resource_event")]
    if dims:
        d["DimensionKeys"] = {k: EXTENDED_DIMENSIONS[k] for k in dims}
        for k in dims:
            _put(pattern, tuple(k.split(".")), [draw(st.sampled_from(
                _BROWSERS if k.endswith("browserName") else _COUNTRIES if k.endswith(
                    "countryCode") else _PAGES))])
    d["EventPattern"] = _dump(draw, pattern, draw(st.sampled_from([None, 2])), False)
    if draw(st.booleans()):
        d["Namespace"] = "AWS/RUM"
    return d


@st.composite
def _custom(draw) -> dict:
    namespace = draw(st.text(_NS_CHARS, min_size=1, max_size=30).filter(
        lambda s: not s.upper().startswith("AWS/") and s.strip()))
    d: dict = {"Name": draw(st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,30}", fullmatch=True)),
               "Namespace": namespace}
    if draw(st.booleans()):
        etype = draw(st.sampled_from(sorted(_CUSTOM_FIELDS)))
        field = draw(st.sampled_from(_CUSTOM_FIELDS[etype]))
    else:
        etype = draw(st.from_regex(r"[a-z][a-z0-9_.-]{0,20}", fullmatch=True).filter(
            lambda s: not s.startswith("com.amazon.rum")))
        field = draw(st.from_regex(r"[a-z][a-zA-Z0-9_]{0,15}", fullmatch=True))
    pattern: dict = {"event_type": [etype]}
    if draw(st.booleans()):
        pattern["event_details"] = {field: [{"numeric": [">=", draw(st.integers(0, 1000))]}]}
        d["ValueKey"] = f"event_details.{field}"
        d["UnitLabel"] = draw(st.sampled_from(["Milliseconds", "Count", "Bytes", "None"]))
    if draw(st.booleans()):
        pattern.setdefault("metadata", {})["browserName"] = [draw(st.sampled_from(_BROWSERS))]
        d["DimensionKeys"] = {"metadata.browserName": "Browser"}
    d["EventPattern"] = _dump(draw, pattern, draw(st.sampled_from([None, 2])), draw(st.booleans()))
    return d


def _break(d: dict, how: str) -> dict:
    d = dict(d)
    if how == "unit":
        d["UnitLabel"] = "count"
    elif how == "unknown-member":
        d["Colour"] = "blue"
    elif how == "name-length":
        d["Name"] = "N" * 256
    elif how == "no-pattern":
        d.pop("EventPattern", None)
    elif how == "json":
        d["EventPattern"] = d["EventPattern"].replace("]", "", 1)
    elif how == "value-key":
        d["ValueKey"] = "event_details.nope"
    elif how == "aws-namespace":
        d["Namespace"] = "AWS/" + d.get("Namespace", "x").lstrip("/")[:20]
    elif how == "first-level-key":
        p = json.loads(d["EventPattern"])
        p["eventDetails"] = {"x": ["y"]}
        d["EventPattern"] = json.dumps(p)
    elif how == "two-values":
        p = json.loads(d["EventPattern"])
        p.setdefault("metadata", {})["osName"] = ["Windows", "Linux"]
        d["EventPattern"] = json.dumps(p)
    elif how == "dimension-not-in-pattern":
        d["DimensionKeys"] = dict(d.get("DimensionKeys") or {}, **{"metadata.osName": "OS"})
    return d


_BREAKS = {
    "extended": ["unit", "unknown-member", "no-pattern", "json", "value-key"],
    "custom": ["unit", "unknown-member", "name-length", "json", "aws-namespace",
               "first-level-key", "two-values", "dimension-not-in-pattern"],
}


def metric_definitions(*, kind: str | None = None, valid: bool = True) -> st.SearchStrategy[dict]:
    """MetricDefinitionRequest dicts: ``kind`` ``"extended"``, ``"custom"`` or ``None``
    (either); ``valid=False`` gives definitions that break exactly one rule."""
    if kind not in (None, "extended", "custom"):
        raise ValueError("kind must be 'extended', 'custom' or None")
    kinds = [kind] if kind else ["extended", "custom"]

    @st.composite
    def build(draw):
        k = draw(st.sampled_from(kinds))
        d = draw(_extended() if k == "extended" else _custom())
        if valid:
            return d
        return _break(d, draw(st.sampled_from(_BREAKS[k])))

    return build()


# -------------------------------------------------------------------------------- requests

def _details(draw, etype: str) -> dict:
    n = st.floats(0, 20_000, allow_nan=False).map(lambda f: round(f, 1))
    base = {"version": "1.0.0"}
    if etype.endswith("performance_navigation_event"):
        base.update(initiatorType="navigation", startTime=0, duration=draw(n))
    elif etype.endswith("performance_resource_event"):
        base.update(initiatorType="script", duration=draw(n), fileType="script",
                    targetUrl="https://cdn.example.com/app.js")
    elif etype.endswith("http_event"):
        base.update(request={"method": "GET", "url": "https://api.example.com/x"},
                    response={"status": draw(st.sampled_from([404, 429, 500, 503]))})
    elif etype.endswith("js_error_event"):
        base.update(type="TypeError", message=draw(st.text(max_size=40)))
    elif etype.endswith("page_view_event"):
        base = {"version": "1.0.0", "pageId": draw(st.sampled_from(_PAGES)), "interaction": 0}
    elif etype.endswith("largest_contentful_paint_event"):
        base.update(value=draw(n))
    return base


def put_rum_events_requests(*, max_events: int = 20,
                            custom_events: bool = True) -> st.SearchStrategy[dict]:
    """PutRumEvents requests in the shape the web client v3 sends (``SessionMetadata`` plus
    per-event page metadata, ``details``/``metadata`` as JSON text), which ``ingest`` accepts."""

    @st.composite
    def build(draw):
        app_id = str(uuid.UUID(int=draw(st.integers(0, 2 ** 128 - 1)), version=4))
        types = _EVENT_TYPES + (["checkout.completed"] if custom_events else [])
        evs = []
        for i in range(draw(st.integers(0, max_events))):
            etype = draw(st.sampled_from(types))
            details = _details(draw, etype) if etype.startswith(_RUM) else {
                "amount": draw(st.integers(1, 500))}
            meta = {"pageId": draw(st.sampled_from(_PAGES)), "interaction": 0}
            if draw(st.booleans()):
                meta[draw(st.from_regex(r"[a-z][a-zA-Z0-9_]{0,10}", fullmatch=True))] = draw(
                    st.sampled_from(["a", 1, True]))
            evs.append({"id": str(uuid.UUID(int=draw(st.integers(0, 2 ** 128 - 1)), version=4)),
                        "timestamp": draw(st.integers(1_600_000_000, 1_900_000_000)),
                        "type": etype, "details": json.dumps(details),
                        "metadata": json.dumps(meta)})
        session = {"version": "1.0.0", "domain": "example.com",
                   "browserName": draw(st.sampled_from(_BROWSERS)), "deviceType": "desktop",
                   "platformType": "web", "aws:client": "arw-module",
                   "aws:clientVersion": "3.2.0"}
        batch_id = str(uuid.UUID(int=draw(st.integers(0, 2 ** 128 - 1)), version=4))
        return {"Id": app_id, "BatchId": batch_id,
                "AppMonitorDetails": {"id": app_id, "version": "1.0.0"},
                "UserDetails": {"userId": "00000000-0000-0000-0000-000000000000",
                                "sessionId": str(uuid.UUID(int=draw(st.integers(0, 2 ** 128 - 1)),
                                                           version=4))},
                "SessionMetadata": json.dumps(session), "RumEvents": evs}

    return build()


# ------------------------------------------------------------------------ type registration

def _register() -> None:
    """Called through Hypothesis' entry point: ``st.from_type`` for the public types."""
    from .index import PatternSet

    st.register_type_strategy(EventPattern, st.sampled_from(["rum", "eventbridge"]).flatmap(
        lambda d: event_patterns(dialect=d).map(lambda t: compile_pattern(t, dialect=d))))
    st.register_type_strategy(PatternSet, st.lists(event_patterns(dialect="eventbridge"),
                                                   max_size=6).map(
        lambda texts: PatternSet("eventbridge", [(f"p{i}", t) for i, t in enumerate(texts)])))
