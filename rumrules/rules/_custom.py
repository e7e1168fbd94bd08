"""RUM3xx: custom metrics (a Namespace other than ``AWS/RUM``): the namespace, first-level
keys, event types and their ``details`` fields, one value per array, a numeric ValueKey."""

from __future__ import annotations

import difflib
import re

from ..catalog.event_types import (BUILTIN_EVENT_TYPES, CUSTOM_EVENT_TYPE_RE, RUM_EVENT_PREFIX,
                                   closest_event_type)
from ..catalog.keys import FIRST_LEVEL_KEYS, STORED_SPELLING, closest_first_level_key
from ..catalog.metadata import METADATA_FIELDS
from ..catalog.metrics import CUSTOM_NAMESPACE_PREFIX, EXTENDED_METRICS, EXTENDED_NAMESPACE
from ..pattern import ObjectNode
from ._examples import CUSTOM, edit, pattern
from ._rule import Example, Finding, rule

__all__ = ["custom_flagged_paths", "first_level_members"]

_SOURCE = "API reference MetricDefinitionRequest (custom metrics); SPEC §2.3"
_EP = ("EventPattern",)
_NS = ("Namespace",)
_DETAILS = "event_details."
_NAV = "com.amazon.rum.performance_navigation_event"


def _custom_pattern(obj: dict, **changes) -> dict:
    """CUSTOM with another pattern (and no DimensionKeys unless given)."""
    changes.setdefault("DimensionKeys", ...)
    return edit(CUSTOM, EventPattern=pattern(obj), **changes)


_BUILTIN_METRIC = {"Name": "SlowNavigations", "Namespace": "MyApp",
                   "EventPattern": pattern({"event_type": [_NAV], "event_details": {
                       "duration": [{"numeric": [">", 5000]}]}})}


# ----------------------------------------------------------------------------------------
# Namespace


@rule(
    "RUM301", "namespace-aws-prefix", "error",
    "A custom metric's Namespace starts with AWS/.",
    source=_SOURCE + "; the BatchCreate page (\"The namespace that you use can't start with "
           "AWS/\")",
    details=f"""
RUM publishes a custom metric to `{CUSTOM_NAMESPACE_PREFIX}<Namespace>`; `AWS/` is reserved.
`AWS/RUM` itself makes the definition an extended metric (see RUM201).
""",
    good=[CUSTOM, edit(CUSTOM, Namespace="MyApp/AWS")],
    bad=[
        Example(edit(CUSTOM, Namespace="AWS/PageVisit"), "AWS/ prefix", _NS),
        Example(edit(CUSTOM, Namespace="AWS/"), "only the prefix", _NS),
        Example(edit(CUSTOM, Namespace="AWS/RUM/Custom"), "under AWS/RUM", _NS),
    ],
)
def _namespace_aws_prefix(ctx):
    ns = ctx.is_custom and ctx.value("Namespace")
    if ns and ns.startswith("AWS/"):
        rest = ns[4:] or "MyApp"
        yield Finding(f"Namespace {ns!r} starts with \"AWS/\", which is reserved; custom "
                      f"metrics go to {CUSTOM_NAMESPACE_PREFIX}<Namespace>: use {rest!r}",
                      ctx.at("Namespace"), hint=f"write {rest!r}")


@rule(
    "RUM302", "namespace-aws-casing", "warning",
    "A custom metric's Namespace starts with aws/ in another casing.",
    source="SPEC §2.3",
    details="`aws/`, `Aws/`... are not the reserved `AWS/`, but they read as if they were and "
            "the service's check is undocumented.",
    good=[CUSTOM, edit(CUSTOM, Namespace="awsome/metrics")],
    bad=[
        Example(edit(CUSTOM, Namespace="aws/PageVisit"), "aws/", _NS),
        Example(edit(CUSTOM, Namespace="Aws/PageVisit"), "Aws/", _NS),
        Example(edit(CUSTOM, Namespace="aws/rum", Name="JsErrorCount"),
                "aws/rum for an extended metric", _NS),
    ],
)
def _namespace_aws_casing(ctx):
    ns = ctx.is_custom and ctx.value("Namespace")
    if not ns or ns.startswith("AWS/") or ns[:4].upper() != "AWS/":
        return
    if ns.upper() == EXTENDED_NAMESPACE and ctx.value("Name") in EXTENDED_METRICS:
        yield Finding(f"Namespace {ns!r} is not {EXTENDED_NAMESPACE!r}, so this is a custom "
                      f"metric; for the extended metric write {EXTENDED_NAMESPACE!r} or omit "
                      f"Namespace", ctx.at("Namespace"), hint=f"write {EXTENDED_NAMESPACE!r}")
        return
    yield Finding(f"Namespace {ns!r} looks like the reserved \"AWS/\" prefix; choose a "
                  f"namespace of your own, e.g. {ns[4:] or 'MyApp'!r}", ctx.at("Namespace"),
                  hint=f"write {ns[4:] or 'MyApp'!r}")


_NAMESPACE_RE = re.compile(r"[A-Za-z0-9.\-_/#: ]+")


@rule(
    "RUM303", "namespace-charset", "error",
    "A custom metric's Namespace has characters other than ASCII letters, digits, "
    ". - _ / # : and spaces.",
    source="SPEC §2.3; botocore `.*[a-zA-Z0-9-._/#:]+` (reference D13: the published pattern "
           "checks almost nothing)",
    good=[CUSTOM, edit(CUSTOM, Namespace="My App/web-01#prod:v2")],
    bad=[
        Example(edit(CUSTOM, Namespace="page visits!"), "an exclamation mark", _NS),
        Example(edit(CUSTOM, Namespace="Páginas"), "a non-ASCII letter", _NS),
        Example(edit(CUSTOM, Namespace="team+web"), "a plus sign", _NS),
    ],
)
def _namespace_charset(ctx):
    ns = ctx.is_custom and ctx.value("Namespace")
    if not ns or _NAMESPACE_RE.fullmatch(ns):
        return
    bad = "".join(dict.fromkeys(ch for ch in ns if not _NAMESPACE_RE.fullmatch(ch)))
    fixed = re.sub(r"[^A-Za-z0-9.\-_/#: ]+", "-", ns)
    yield Finding(f"Namespace {ns!r} may only have ASCII letters, digits, '.', '-', '_', '/', "
                  f"'#', ':' and spaces; remove {bad!r} (e.g. {fixed!r})", ctx.at("Namespace"),
                  hint=f"write {fixed!r}")


# ----------------------------------------------------------------------------------------
# First-level keys


def first_level_members(root: ObjectNode):
    """``(first segment, Member)`` for each first-level key of a pattern, looking through
    ``$or`` at the top level."""
    stack = [root]
    while stack:
        node = stack.pop()
        for m in node.members:
            if m.key == "$or" and hasattr(m.value, "items"):
                stack.extend(i for i in reversed(m.value.items) if isinstance(i, ObjectNode))
            else:
                yield m.key.split(".", 1)[0], m


def _key_sources(ctx):
    """``(first segment, where, line, column)`` of every path a custom metric names."""
    vk = ctx.value("ValueKey")
    if vk is not None:
        yield vk.split(".", 1)[0], ctx.at("ValueKey"), None, None
    for key in ctx.dimension_keys:
        yield key.split(".", 1)[0], ctx.at("DimensionKeys", key), None, None
    if ctx.pattern is not None:
        seen = set()
        for seg, m in first_level_members(ctx.pattern.ast):
            if seg not in seen:
                seen.add(seg)
                yield seg, ctx.at("EventPattern"), m.line, m.column


@rule(
    "RUM304", "first-level-key", "error",
    "A custom metric's ValueKey, EventPattern path or DimensionKeys key does not start with a "
    "first-level key of RUM events.",
    source=_SOURCE,
    decisions=("D7",),
    details="""
The first segment must be one of `account_id`, `application_Id`, `application_version`,
`application_name`, `batch_id`, `event_details`, `event_id`, `event_interaction`,
`event_timestamp`, `event_type`, `event_version`, `log_stream`, `metadata`, `sessionId`,
`user_details`, `userId` -- and, D7, `application_id`, the spelling stored documents use.
Each unknown key is reported once per field, with the closest real key.
""",
    good=[CUSTOM, edit(CUSTOM, ValueKey="event_timestamp"),
          _custom_pattern({"event_type": ["my_custom_event"], "application_id": ["abc"]})],
    bad=[
        Example(_custom_pattern({"event_type": ["my_custom_event"],
                                 "meta": {"browserName": ["Chrome"]}}), "meta for metadata",
                _EP),
        Example(edit(CUSTOM, ValueKey="details.visit_count"), "details for event_details",
                ("ValueKey",)),
        Example(edit(CUSTOM, DimensionKeys={"browserName": "Browser"}, EventPattern=pattern({
            "event_type": ["my_custom_event"], "browserName": ["Chrome"]})),
            "a metadata key at the top", ("DimensionKeys", "browserName")),
        Example(_custom_pattern({"eventType": ["my_custom_event"]}), "eventType", _EP),
    ],
)
def _first_level_key(ctx):
    if not ctx.is_custom:
        return
    for seg, where, line, column in _key_sources(ctx):
        if seg in FIRST_LEVEL_KEYS:
            continue
        guess = closest_first_level_key(seg)
        if seg in METADATA_FIELDS:
            guess = f"metadata.{seg}"
        tail = f"; did you mean {guess!r}?" if guess else (
            "; the first-level keys are " + ", ".join(sorted(FIRST_LEVEL_KEYS)))
        yield Finding(f"{seg!r} is not a first-level key of RUM events{tail}", where, line,
                      column, hint=f"write {guess!r}" if guess else None)


@rule(
    "RUM305", "application-id-spelling", "info",
    "application_Id (as the API reference spells it) is application_id in stored documents.",
    source="reference rum-domain.md §0 D7 (aws-cli get-app-monitor-data example)",
    decisions=("D7",),
    details="""
D7: the API reference lists `application_Id`; stored RUM documents carry `application_id`.
rumrules accepts both and its stored documents have both; the service's own check is
unverified, so this is a note, not a warning.
""",
    good=[CUSTOM, _custom_pattern({"event_type": ["my_custom_event"],
                                   "application_id": ["abc"]})],
    bad=[
        Example(_custom_pattern({"event_type": ["my_custom_event"],
                                 "application_Id": ["abc"]}), "in EventPattern", _EP),
        Example(edit(CUSTOM, DimensionKeys={"application_Id": "App"}, EventPattern=pattern({
            "event_type": ["my_custom_event"], "application_Id": ["abc"]})),
            "in DimensionKeys", ("DimensionKeys", "application_Id")),
        Example(edit(CUSTOM, ValueKey="application_Id", DimensionKeys=...,
                     EventPattern=pattern({"event_type": ["my_custom_event"]})),
                "in ValueKey", ("ValueKey",)),
    ],
)
def _application_id(ctx):
    if not ctx.is_custom:
        return
    for seg, where, line, column in _key_sources(ctx):
        if seg in STORED_SPELLING:
            stored = STORED_SPELLING[seg]
            yield Finding(f"stored RUM documents spell {seg!r} as {stored!r}; rumrules accepts "
                          f"both (D7)", where, line, column, hint=f"write {stored!r}")


# ----------------------------------------------------------------------------------------
# Event types and their details


def _event_types(ctx) -> tuple[list, list]:
    """``(exact string values, other matchers)`` of the pattern's ``event_type``."""
    strings, others = [], []
    for c in ctx.conditions.get("event_type", ()):
        for m in c.matchers:
            (strings if m.kind == "exact" and m.type == "string" else others).append(m)
    return strings, others


def _builtin_types(ctx) -> list:
    """The built-in event types a custom metric's pattern names, when it names only
    built-in ones (else ``[]``: nothing to check ``details`` against)."""
    def compute():
        strings, others = _event_types(ctx)
        if others or not strings or any(m.value not in BUILTIN_EVENT_TYPES for m in strings):
            return []
        return [BUILTIN_EVENT_TYPES[m.value] for m in strings]
    return ctx.memo("builtin_types", compute)


@rule(
    "RUM306", "event-details-needs-type", "error",
    "A custom metric's EventPattern has event_details but no event_type.",
    source=_SOURCE + " (\"If EventPattern contains an event_details field, it must also "
           "contain an event_type\")",
    good=[CUSTOM, _BUILTIN_METRIC],
    bad=[
        Example(_custom_pattern({"event_details": {"current_url": ["amazonaws.com"]}}),
                "event_details alone", _EP),
        Example(_custom_pattern({"metadata": {"browserName": ["Chrome"]},
                                 "event_details": {"current_url": ["amazonaws.com"]}}),
                "with metadata", _EP),
        Example(_custom_pattern({"event_details.duration": [{"numeric": [">", 5000]}]}),
                "a dotted key", _EP),
    ],
)
def _event_details_needs_type(ctx):
    if not ctx.is_custom or ctx.pattern is None or "event_type" in ctx.conditions:
        return
    for c in ctx.pattern.conditions:
        if c.path.startswith(_DETAILS):
            yield Finding("EventPattern filters on event_details but has no event_type: add "
                          "\"event_type\": [\"<the event type>\"] (event_details only means "
                          "something for one event type)", _EP, c.line, c.column,
                          hint='add "event_type": ["..."]')
            return


def _plausible(value: str, guess: str | None) -> str | None:
    """``guess`` when it is close enough to ``value`` to suggest."""
    if guess is None:
        return None
    a = value.lower().removeprefix(RUM_EVENT_PREFIX)
    b = guess.removeprefix(RUM_EVENT_PREFIX)
    if a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= 0.8:
        return guess
    return None


@rule(
    "RUM307", "unknown-rum-event-type", "error",
    "A custom metric's event_type is in the com.amazon.rum. namespace but is not a built-in "
    "event type.",
    source="reference rum-domain.md §1.1; SPEC §2.3",
    details="The built-in types:\n\n" + "\n".join(f"- `{n}`" for n in BUILTIN_EVENT_TYPES),
    good=[CUSTOM, _BUILTIN_METRIC],
    bad=[
        Example(_custom_pattern({"event_type": ["com.amazon.rum.js_error"]}),
                "without _event", _EP),
        Example(_custom_pattern({"event_type": ["com.amazon.rum.performance_navigation"]}),
                "without _event", _EP),
        Example(_custom_pattern({"event_type": ["com.amazon.rum.custom_event"]}),
                "a made-up built-in", _EP),
    ],
)
def _unknown_rum_event_type(ctx):
    if not ctx.is_custom:
        return
    strings, _ = _event_types(ctx)
    for m in strings:
        if m.value.startswith(RUM_EVENT_PREFIX) and m.value not in BUILTIN_EVENT_TYPES:
            guess = _plausible(m.value, closest_event_type(m.value))
            tail = (f"; did you mean {guess!r}?" if guess else
                    f"; custom event types must not start with {RUM_EVENT_PREFIX!r}")
            yield Finding(f"{m.value!r} is not a built-in RUM event type{tail}", _EP, m.line,
                          m.column, hint=f"write {guess!r}" if guess else None)


@rule(
    "RUM308", "custom-event-type", "error",
    "A custom event type is not 1-256 characters of letters, digits, _ . and -.",
    source="aws-rum-web docs/reference/api.md recordEvent; User Guide custom events; SPEC §2.3",
    good=[CUSTOM, _custom_pattern({"event_type": ["checkout.completed-v2"]})],
    bad=[
        Example(_custom_pattern({"event_type": ["checkout completed"]}), "a space", _EP),
        Example(_custom_pattern({"event_type": [""]}), "empty", _EP),
        Example(_custom_pattern({"event_type": [42]}), "not a string", _EP),
        Example(_custom_pattern({"event_type": ["x" * 257]}), "257 characters", _EP,
                doc="a 257-character event type"),
    ],
)
def _custom_event_type(ctx):
    if not ctx.is_custom:
        return
    for c in ctx.conditions.get("event_type", ()):
        for m in c.matchers:
            if m.kind != "exact":
                continue
            if m.type != "string":
                yield Finding(f"event_type {m.text} is not a string: event types are names "
                              f"such as \"my_custom_event\"", _EP, m.line, m.column)
            elif not m.value.startswith(RUM_EVENT_PREFIX) and not CUSTOM_EVENT_TYPE_RE.fullmatch(
                    m.value):
                fixed = re.sub(r"[^a-zA-Z0-9_.-]+", "_", m.value)[:256] or "my_custom_event"
                yield Finding(f"{m.value[:60]!r} is not a valid custom event type: use 1-256 "
                              f"letters, digits, '_', '.' and '-' (e.g. {fixed[:60]!r})", _EP,
                              m.line, m.column, hint=f"write {fixed[:60]!r}")


def _unknown_fields(ctx) -> list:
    """``(path below the definition, field path, line, column, closest)`` for every
    event_details path that is not a field of the pattern's built-in event type(s)."""
    def compute():
        types = _builtin_types(ctx)
        out = []
        if not types:
            return out
        paths = [(c.path, ctx.at("EventPattern"), c.line, c.column)
                 for c in ctx.pattern.conditions]
        vk = ctx.value("ValueKey")
        if vk is not None:
            paths.append((vk, ctx.at("ValueKey"), None, None))
        for path, where, line, column in paths:
            if not path.startswith(_DETAILS):
                continue
            sub = path[len(_DETAILS):]
            if not any(t.has_field(sub) for t in types):
                out.append((where, path, line, column, types[0].closest_field(sub)))
        return out
    return ctx.memo("unknown_fields", compute)


@rule(
    "RUM309", "unknown-details-field", "error",
    "A custom metric names an event_details field that its built-in event type does not have.",
    source=_SOURCE + " (\"you must use a value for event_details that corresponds to that "
           "event_type\"); reference rum-domain.md §1.2",
    details="""
For a built-in `event_type`, every `event_details` path in EventPattern, and ValueKey when it
is under `event_details`, must be a field of that type's details (intermediate objects such as
`event_details.response` count; anything under X-Ray's free-form `annotations` and
`metadata` is allowed).  The message names the closest real field.  Custom event types have
free-form details and are not checked.
""",
    good=[_BUILTIN_METRIC, CUSTOM,
          edit(_BUILTIN_METRIC, ValueKey="event_details.transferSize", UnitLabel="Bytes")],
    bad=[
        Example(edit(_BUILTIN_METRIC, EventPattern=pattern({"event_type": [_NAV],
                "event_details": {"transfer_size": [{"numeric": [">", 0]}]}})),
                "transfer_size for transferSize", _EP),
        Example(edit(_BUILTIN_METRIC, ValueKey="event_details.durationMs"), "ValueKey",
                ("ValueKey",)),
        Example(edit(_BUILTIN_METRIC, EventPattern=pattern({
            "event_type": ["com.amazon.rum.http_event"],
            "event_details": {"status": [{"numeric": [">=", 500]}]}})),
            "status is under response", _EP),
    ],
)
def _unknown_details_field(ctx):
    if not ctx.is_custom:
        return
    names = " / ".join(t.name for t in _builtin_types(ctx))
    for where, path, line, column, guess in _unknown_fields(ctx):
        tail = f"; did you mean {_DETAILS + guess!r}?" if guess else ""
        yield Finding(f"{path!r} is not a field of {names} details{tail}", where, line, column,
                      hint=f"write {_DETAILS + guess!r}" if guess else None)


def custom_flagged_paths(ctx) -> set[str]:
    """EventPattern paths another custom-metric rule already reports (bad first-level key,
    unknown details field), so RUM401 does not report the same typo again."""
    if not ctx.is_custom or ctx.pattern is None:
        return set()
    out = {c.path for c in ctx.pattern.conditions
           if c.path.split(".", 1)[0] not in FIRST_LEVEL_KEYS}
    out.update(path for where, path, *_ in _unknown_fields(ctx) if where[0] != "ValueKey")
    return out


@rule(
    "RUM310", "one-value-per-array", "error",
    "A custom metric's EventPattern lists more than one value for a field.",
    source=_SOURCE + " (\"In EventPattern, any JSON array must contain only one value\")",
    decisions=("D6",),
    details="""
D6: the API reference lists this among the custom-metric rules, while its own extended-metric
examples use `"browserName": ["Chrome", "Safari"]`; rumrules applies it to custom metrics only.
The operand list of a `numeric` matcher is not a value list.  The matcher itself handles
several values (OR) either way.
""",
    good=[CUSTOM, _BUILTIN_METRIC],
    bad=[
        Example(_custom_pattern({"event_type": ["my_custom_event"],
                                 "metadata": {"browserName": ["Chrome", "Safari"]}}),
                "two browsers", _EP),
        Example(_custom_pattern({"event_type": ["my_custom_event", "other_event"]}),
                "two event types", _EP),
        Example(_custom_pattern({"event_type": [_NAV], "event_details": {"duration": [
            {"numeric": [">", 5000]}, {"numeric": ["<", 100]}]}}, ValueKey=...), "two ranges",
            _EP),
    ],
)
def _one_value_per_array(ctx):
    if not ctx.is_custom or ctx.pattern is None:
        return
    for c in ctx.pattern.conditions:
        if len(c.matchers) > 1:
            m = c.matchers[1]
            yield Finding(f"{c.path!r} lists {len(c.matchers)} values; a custom metric's "
                          f"EventPattern allows one value per array (D6): keep one, and define "
                          f"one metric per value", _EP, m.line, m.column,
                          hint="keep one value per array")


_STRING_KEYS = {"event_type", "event_id", "event_version", "sessionId", "userId", "batch_id",
                "account_id", "application_id", "application_Id", "application_name",
                "application_version", "event_interaction"}
_OBJECT_KEYS = {"event_details", "metadata", "user_details", "log_stream"}
_NUMBER_TYPES = ("number", "integer", "any")


def _value_key_type(ctx, vk: str) -> str | None:
    if vk in _STRING_KEYS:
        return "string"
    if vk in _OBJECT_KEYS:
        return "object"
    if vk.startswith("metadata."):
        spec = METADATA_FIELDS.get(vk[len("metadata."):])
        return spec.type if spec else None
    if vk.startswith(_DETAILS):
        types = _builtin_types(ctx)
        specs = [t.field(vk[len(_DETAILS):]) for t in types]
        if specs and all(s is not None for s in specs):
            kinds = {s.type for s in specs}
            return None if kinds & set(_NUMBER_TYPES) else kinds.pop()
    return None


@rule(
    "RUM311", "value-key-not-numeric", "warning",
    "A custom metric's ValueKey points at a field that is not a number.",
    source="reference rum-domain.md §1.2-§2.2 (field types); SPEC §2.3 and §4 (a non-number "
           "value yields no data point)",
    details="A document whose ValueKey field is not a number yields no data point, so such a "
            "metric never publishes anything.",
    good=[CUSTOM, edit(_BUILTIN_METRIC, ValueKey="event_details.duration"),
          edit(CUSTOM, ValueKey="metadata.interaction")],
    bad=[
        Example(edit(_BUILTIN_METRIC, ValueKey="event_details.nextHopProtocol"),
                "a string field", ("ValueKey",)),
        Example(edit(CUSTOM, ValueKey="metadata.browserName"), "a metadata string",
                ("ValueKey",)),
        Example(edit(CUSTOM, ValueKey="event_type"), "the event type", ("ValueKey",)),
        Example(edit(CUSTOM, ValueKey="user_details"), "an object", ("ValueKey",)),
    ],
)
def _value_key_not_numeric(ctx):
    if not ctx.is_custom:
        return
    vk = ctx.value("ValueKey")
    if vk is None:
        return
    kind = _value_key_type(ctx, vk)
    if kind is not None and kind not in _NUMBER_TYPES:
        yield Finding(f"ValueKey {vk!r} is a{'n' if kind[0] in 'aeiou' else ''} {kind}, not a "
                      f"number: no data point is published for it; point ValueKey at a numeric "
                      f"field, or omit it to count events", ctx.at("ValueKey"),
                      hint="omit ValueKey to count events")
