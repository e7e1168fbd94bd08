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
from ..pattern import Exact, Numeric, ObjectNode
from ._examples import CUSTOM, JS_ERRORS, TOLERATED, edit, pattern
from ._model import NAMESPACE_CHARS, namespace_charset_problem
from ..errors import Fix
from ._rule import Example, Finding, rule

__all__ = ["custom_flagged_paths", "first_level_members", "suggest_event_type"]

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


def _meant_extended(ctx) -> bool:
    """True when Namespace is ``AWS/RUM`` a casing, whitespace or stray character away and
    Name is an extended metric: the Namespace rules then say to write ``AWS/RUM``."""
    return ctx.near_extended_namespace and ctx.value("Name") in EXTENDED_METRICS


def _write_aws_rum(ctx, ns: str, why: str = "") -> Finding:
    return Finding(f"Namespace {ns!r} is not exactly {EXTENDED_NAMESPACE!r}{why}; for the "
                   f"extended metric {ctx.value('Name')} write {EXTENDED_NAMESPACE!r} "
                   f"or omit Namespace", ctx.at("Namespace"), hint=f"write {EXTENDED_NAMESPACE!r}")


@rule(
    "RUM301", "namespace-aws-prefix", "error",
    "A custom metric's Namespace starts with AWS/.",
    source=_SOURCE + "; the BatchCreate page (\"The namespace that you use can't start with "
           "AWS/\")",
    details=f"""
RUM publishes a custom metric to `{CUSTOM_NAMESPACE_PREFIX}<Namespace>`; `AWS/` is reserved.
`AWS/RUM` itself makes the definition an extended metric (see RUM201).  For an extended
metric's Name with `AWS/RUM` written with other casing or spaces around it (`"AWS/RUM "`), the
message says to write `AWS/RUM`, and the custom-metric rules are not applied to the rest of
the definition (one mistake, one error).
""",
    good=[CUSTOM, edit(CUSTOM, Namespace="MyApp/AWS")],
    bad=[
        Example(edit(CUSTOM, Namespace="AWS/PageVisit"), "AWS/ prefix", _NS),
        Example(edit(CUSTOM, Namespace="AWS/"), "only the prefix", _NS),
        Example(edit(CUSTOM, Namespace="AWS/RUM/Custom"), "under AWS/RUM", _NS),
        Example(edit(TOLERATED, Namespace="AWS/RUM "), "AWS/RUM with a trailing space", _NS),
    ],
    fix="unsafe",
)
def _namespace_aws_prefix(ctx):
    ns = ctx.custom_namespace
    if not ns or not ns.startswith("AWS/"):
        return
    if _meant_extended(ctx):
        if namespace_charset_problem(ns) is None:  # else RUM303 reports it
            yield _write_aws_rum(ctx, ns)
        return
    rest = ns[4:] or "MyApp"
    yield Finding(f"Namespace {ns!r} starts with \"AWS/\", which is reserved; custom "
                  f"metrics go to {CUSTOM_NAMESPACE_PREFIX}<Namespace>: use {rest!r}",
                  ctx.at("Namespace"), hint=f"write {rest!r}",
                  fix=Fix("set", rest) if ns[4:] else None)


@rule(
    "RUM302", "namespace-aws-casing", "warning",
    "A custom metric's Namespace starts with aws/ in another casing (or after spaces).",
    source="SPEC §2.3",
    details="`aws/`, `Aws/`, ` AWS/`... are not the reserved `AWS/`, but they read as if they "
            "were and the service's check is undocumented.  With an extended metric's Name, "
            "`aws/rum` (or ` AWS/RUM`) is still a namespace a custom metric may have, so the "
            "definition is a custom metric published under `RUM/CustomMetrics/aws/rum`: the "
            "message says to write `AWS/RUM`, and the custom-metric rules apply to the rest "
            "(an extended metric's multi-value arrays are then RUM310 errors).",
    good=[CUSTOM, edit(CUSTOM, Namespace="awsome/metrics")],
    bad=[
        Example(edit(CUSTOM, Namespace="aws/PageVisit"), "aws/", _NS),
        Example(edit(CUSTOM, Namespace="Aws/PageVisit"), "Aws/", _NS),
        Example(edit(JS_ERRORS, Namespace="aws/rum"), "aws/rum for an extended metric", _NS),
        Example(edit(JS_ERRORS, Namespace=" AWS/RUM"), "a space before AWS/RUM", _NS),
    ],
)
def _namespace_aws_casing(ctx):
    ns = ctx.custom_namespace
    if not ns or ns.startswith("AWS/") or ns.lstrip()[:4].upper() != "AWS/":
        return
    if _meant_extended(ctx):
        if namespace_charset_problem(ns) is None:  # else RUM303 reports it
            yield _write_aws_rum(ctx, ns, ", so this would be a custom metric")
        return
    mine = ns.lstrip()[4:] or "MyApp"
    yield Finding(f"Namespace {ns!r} looks like the reserved \"AWS/\" prefix; choose a "
                  f"namespace of your own, e.g. {mine!r}", ctx.at("Namespace"),
                  hint=f"write {mine!r}")


@rule(
    "RUM303", "namespace-charset", "error",
    "A custom metric's Namespace has characters other than ASCII letters, digits, "
    ". - _ / # : and spaces, or only spaces.",
    source="SPEC §2.3; botocore `.*[a-zA-Z0-9-._/#:]+` (reference D13: the published pattern "
           "checks almost nothing, but it needs one character that is not a space)",
    good=[CUSTOM, edit(CUSTOM, Namespace="My App/web-01#prod:v2")],
    bad=[
        Example(edit(CUSTOM, Namespace="page visits!"), "an exclamation mark", _NS),
        Example(edit(CUSTOM, Namespace="Páginas"), "a non-ASCII letter", _NS),
        Example(edit(CUSTOM, Namespace="team+web"), "a plus sign", _NS),
        Example(edit(CUSTOM, Namespace="   "), "only spaces", _NS),
        Example(edit(TOLERATED, Namespace="aws/rum!"), "an extended metric's namespace", _NS),
    ],
)
def _namespace_charset(ctx):
    ns = ctx.custom_namespace
    if not ns or namespace_charset_problem(ns) is None:
        return
    if not ns.strip(" "):
        fixed = "MyApp"
        message = (f"Namespace {ns!r} has only spaces; it needs at least one ASCII letter, "
                   f"digit, '.', '-', '_', '/', '#' or ':'")
    else:
        bad = "".join(dict.fromkeys(ch for ch in ns if not NAMESPACE_CHARS.fullmatch(ch)))
        fixed = re.sub(r"[^A-Za-z0-9.\-_/#: ]+", "-", ns)
        message = (f"Namespace {ns!r} may only have ASCII letters, digits, '.', '-', '_', '/', "
                   f"'#', ':' and spaces; remove {bad!r}")
    if _meant_extended(ctx):
        fixed = EXTENDED_NAMESPACE
        message += (f"; for the extended metric {ctx.extended_metric.name} write "
                    f"{EXTENDED_NAMESPACE!r} or omit Namespace")
    else:
        message += f" (e.g. {fixed!r})"
    yield Finding(message, ctx.at("Namespace"), hint=f"write {fixed!r}")


@rule(
    "RUM313", "namespace-doubled-prefix", "warning",
    "A custom metric's Namespace starts with RUM/CustomMetrics/, which RUM adds itself.",
    source="API reference MetricDefinitionRequest Namespace (custom metrics are published to "
           "RUM/CustomMetrics/<Namespace>); seen in a public CDK stack whose dashboards query "
           "the single prefix",
    details=f"""
RUM publishes a custom metric under `{CUSTOM_NAMESPACE_PREFIX}` followed by the Namespace of
the definition.  A Namespace that already starts with `{CUSTOM_NAMESPACE_PREFIX}` is published as
`{CUSTOM_NAMESPACE_PREFIX}{CUSTOM_NAMESPACE_PREFIX}...`, so dashboards and alarms that query the
namespace as written find no data.  Write the part after the prefix.
""",
    good=[CUSTOM, edit(CUSTOM, Namespace="MFE/AB"), edit(CUSTOM, Namespace="RUM/MFE")],
    bad=[
        Example(edit(CUSTOM, Namespace="RUM/CustomMetrics/MFE/AB"), "the prefix written out",
                _NS),
        Example(edit(CUSTOM, Namespace="RUM/CustomMetrics/PageVisit"), "one level", _NS),
        Example(edit(CUSTOM, Namespace="rum/custommetrics/PageVisit"), "in another casing",
                _NS),
    ],
)
def _namespace_doubled_prefix(ctx):
    ns = ctx.custom_namespace
    if not ns or not ns.lower().startswith(CUSTOM_NAMESPACE_PREFIX.lower()):
        return
    rest = ns[len(CUSTOM_NAMESPACE_PREFIX):] or "MyApp"
    yield Finding(f"Namespace {ns!r} is published as {CUSTOM_NAMESPACE_PREFIX + ns!r}: RUM puts "
                  f"{CUSTOM_NAMESPACE_PREFIX!r} in front of every custom namespace; write "
                  f"{rest!r}", ctx.at("Namespace"), hint=f"write {rest!r}")


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
Each unknown key is reported once, with the closest real key, where it first appears
(ValueKey, then DimensionKeys, then EventPattern); the message names the other places that
use it (a DimensionKeys key must repeat a pattern path, so one misplaced key is one mistake).
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
    for seg, (where, line, column), also in _segments(ctx):
        if seg in FIRST_LEVEL_KEYS:
            continue
        guess = closest_first_level_key(seg)
        if seg in METADATA_FIELDS:
            guess = f"metadata.{seg}"
        tail = f"; did you mean {guess!r}?" if guess else (
            "; the first-level keys are " + ", ".join(sorted(FIRST_LEVEL_KEYS)))
        yield Finding(f"{seg!r} is not a first-level key of RUM events{tail}{also}", where,
                      line, column, hint=f"write {guess!r}" if guess else None)


def _segments(ctx):
    """``(first segment, (where, line, column) of its first use, " (also in ...)" or "")``
    for each first segment a custom metric uses: a key used in several places (a
    DimensionKeys key repeating a pattern path) is one finding, not one per place."""
    places: dict[str, list] = {}
    for seg, where, line, column in _key_sources(ctx):
        places.setdefault(seg, []).append((where, line, column))
    for seg, found in places.items():
        others = ", ".join(_place(w) for w, *_ in found[1:])
        yield seg, found[0], f" (also in {others})" if others else ""


def _place(where: tuple) -> str:
    """``EventPattern``, ``ValueKey``, ``DimensionKeys 'a.b'`` for a path below the
    definition."""
    return where[0] if len(where) == 1 else f"{where[0]} {where[1]!r}"


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
    for seg, (where, line, column), also in _segments(ctx):
        if seg in STORED_SPELLING:
            stored = STORED_SPELLING[seg]
            yield Finding(f"stored RUM documents spell {seg!r} as {stored!r}; rumrules accepts "
                          f"both (D7){also}", where, line, column, hint=f"write {stored!r}")


# ----------------------------------------------------------------------------------------
# Event types and their details


def _event_types(ctx) -> tuple[list, list]:
    """``(exact string values, other matchers)`` of the pattern's ``event_type``."""
    strings, others = [], []
    for c in ctx.conditions.get("event_type", ()):
        for m in c.matchers:
            (strings if isinstance(m, Exact) and m.type == "string" else others).append(m)
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


def _core(event_type: str) -> str:
    """An event type reduced to what tells types apart: no casing, no ``com.amazon.rum.``
    prefix, no ``_event`` suffix, letters and digits only (``com.amazon.rum.js_error_event``
    and ``JSError`` are both ``jserror``)."""
    t = event_type.casefold()
    t = t.removeprefix(RUM_EVENT_PREFIX).removesuffix("event")
    return "".join(ch for ch in t if ch.isascii() and ch.isalnum())


_BY_CORE = {_core(n): n for n in BUILTIN_EVENT_TYPES}


def suggest_event_type(value: str) -> str | None:
    """The built-in event type ``value`` most likely means, or ``None`` when none is close:
    the one with the same :func:`_core`; else the only one whose core contains ``value``'s
    or is contained in it (``xray`` -> ``xray_trace_event``); else the catalog's closest
    when the cores are 80% alike."""
    a = _core(value)
    if len(a) < 3:
        return None
    if a in _BY_CORE:
        return _BY_CORE[a]
    near = [n for core, n in _BY_CORE.items()
            if min(len(a), len(core)) >= 4 and (a in core or core in a)]
    if len(near) == 1:
        return near[0]
    guess = closest_event_type(value)
    if guess is not None and difflib.SequenceMatcher(None, a, _core(guess)).ratio() >= 0.8:
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
        Example(_custom_pattern({"event_type": ["com.amazon.rum.jserror"]}),
                "without underscores and _event", _EP),
    ],
)
def _unknown_rum_event_type(ctx):
    if not ctx.is_custom:
        return
    strings, _ = _event_types(ctx)
    for m in strings:
        if m.value.startswith(RUM_EVENT_PREFIX) and m.value not in BUILTIN_EVENT_TYPES:
            guess = suggest_event_type(m.value)
            tail = (f"; did you mean {guess!r}?" if guess else
                    f"; custom event types must not start with {RUM_EVENT_PREFIX!r}")
            yield Finding(f"{m.value!r} is not a built-in RUM event type{tail}", _EP, m.line,
                          m.column, hint=f"write {guess!r}" if guess else None)


@rule(
    "RUM308", "custom-event-type", "error",
    "A custom metric's event_type is not a string, or a custom event type is not 1-256 "
    "characters of letters, digits, _ . and -.",
    source="aws-rum-web docs/reference/api.md recordEvent; User Guide custom events; SPEC §2.3",
    details="""
Event types are strings: a number, `true`, `null` or a `numeric` condition on `event_type` never
matches an event (and, with `event_details`, names no event type whose details could be
checked).  Operators of the EventBridge language (`prefix`...) are RUM002's.
""",
    good=[CUSTOM, _custom_pattern({"event_type": ["checkout.completed-v2"]})],
    bad=[
        Example(_custom_pattern({"event_type": ["checkout completed"]}), "a space", _EP),
        Example(_custom_pattern({"event_type": [""]}), "empty", _EP),
        Example(_custom_pattern({"event_type": [42]}), "not a string", _EP),
        Example(_custom_pattern({"event_type": ["x" * 257]}), "257 characters", _EP,
                doc="a 257-character event type"),
        Example(_custom_pattern({"event_type": [{"numeric": [">", 1]}],
                                 "event_details": {"current_url": ["amazonaws.com"]}}),
                "a numeric condition", _EP),
    ],
)
def _custom_event_type(ctx):
    if not ctx.is_custom:
        return
    for c in ctx.conditions.get("event_type", ()):
        for m in c.matchers:
            if isinstance(m, Numeric):
                yield Finding(f"event_type has a numeric condition ({m.describe()}), but event "
                              f"types are strings: write the event type itself, such as "
                              f"[\"my_custom_event\"]", _EP, m.line, m.column,
                              hint='write ["my_custom_event"]')
            elif not isinstance(m, Exact):
                continue
            elif m.type != "string":
                yield Finding(f"event_type {m.text} is not a string: event types are names "
                              f"such as \"my_custom_event\"", _EP, m.line, m.column)
            elif not m.value.startswith(RUM_EVENT_PREFIX) and not CUSTOM_EVENT_TYPE_RE.fullmatch(
                    m.value):
                fixed = re.sub(r"[^a-zA-Z0-9_.-]+", "_", m.value)[:256] or "my_custom_event"
                yield Finding(f"{m.value[:60]!r} is not a valid custom event type: use 1-256 "
                              f"letters, digits, '_', '.' and '-' (e.g. {fixed[:60]!r})", _EP,
                              m.line, m.column, hint=f"write {fixed[:60]!r}")


@rule(
    "RUM312", "builtin-event-type-spelling", "warning",
    "A custom metric's event_type is a built-in event type spelt another way (other casing, "
    "or without com.amazon.rum.), so it names a custom event type instead.",
    source="reference rum-domain.md §1.1 (event types are exact, case-sensitive strings); "
           "SPEC §2.3",
    details=f"""
Event types compare as exact strings.  `Com.Amazon.Rum.http_event` or `http_event` is a valid
custom event type, but not the built-in `com.amazon.rum.http_event` it reads as, so the
metric would only count custom events of that name.  The message gives the built-in
spelling; a name that only starts with `{RUM_EVENT_PREFIX}` in other casing is reported too
(the prefix reads as RUM's own).
""",
    good=[CUSTOM, _BUILTIN_METRIC, _custom_pattern({"event_type": ["http_events_custom"]})],
    bad=[
        Example(_custom_pattern({"event_type": ["Com.Amazon.Rum.http_event"]}), "capitals",
                _EP),
        Example(_custom_pattern({"event_type": ["COM.AMAZON.RUM.JS_ERROR_EVENT"]}),
                "upper case", _EP),
        Example(_custom_pattern({"event_type": ["http_event"]}), "without the prefix", _EP),
        Example(_custom_pattern({"event_type": ["Com.Amazon.Rum.checkout"]}),
                "the prefix in other casing", _EP),
    ],
)
def _builtin_event_type_spelling(ctx):
    if not ctx.is_custom:
        return
    strings, _ = _event_types(ctx)
    n = len(RUM_EVENT_PREFIX)
    for m in strings:
        v = m.value
        if v.startswith(RUM_EVENT_PREFIX) or not CUSTOM_EVENT_TYPE_RE.fullmatch(v):
            continue  # RUM307 / RUM308 report these
        if v[:n].casefold() == RUM_EVENT_PREFIX:
            guess = suggest_event_type(v)
            what = "reads as a built-in RUM event type"
        elif RUM_EVENT_PREFIX + v.casefold() in BUILTIN_EVENT_TYPES:
            guess = RUM_EVENT_PREFIX + v.casefold()
            what = "is a built-in RUM event type without its prefix"
        else:
            continue
        if guess:
            yield Finding(f"{v!r} {what}, but event types are exact strings: as written it is "
                          f"a custom event type; write {guess!r}", _EP, m.line, m.column,
                          hint=f"write {guess!r}")
        else:
            yield Finding(f"{v!r} {what}, but it is none of them (event types are exact "
                          f"strings); name your custom event type without "
                          f"{RUM_EVENT_PREFIX!r}", _EP, m.line, m.column,
                          hint=f"drop the {v[:n]!r} prefix")


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
    fix="unsafe",
)
def _unknown_details_field(ctx):
    if not ctx.is_custom:
        return
    names = " / ".join(t.name for t in _builtin_types(ctx))
    for where, path, line, column, guess in _unknown_fields(ctx):
        tail = f"; did you mean {_DETAILS + guess!r}?" if guess else ""
        yield Finding(f"{path!r} is not a field of {names} details{tail}", where, line, column,
                      hint=f"write {_DETAILS + guess!r}" if guess else None,
                      fix=_field_fix(where, path, _DETAILS + guess) if guess else None)


def _field_fix(where: tuple, path: str, new: str) -> Fix | None:
    """ValueKey: the new path; in the EventPattern: the key that differs, when only the last
    segment does (``event_details.transfer_size`` -> ``transferSize``), written nested or
    dotted."""
    if where == ("ValueKey",):
        return Fix("set", new)
    old_head, _, old_last = path.rpartition(".")
    new_head, _, new_last = new.rpartition(".")
    if old_head != new_head:
        return None  # a field under another object: the pattern's shape changes
    return Fix("rename", new_last, old_last)


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
