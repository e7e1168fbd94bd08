"""RUM5xx: requests and batches -- BatchCreate, Update and BatchDelete members, the
destination, limits per call and per destination, duplicates."""

from __future__ import annotations


from ..errors import shown
from ..catalog.metrics import EXTENDED_METRICS
from ._examples import CREATE, CUSTOM, DELETE, EVIDENTLY_ARN, TOLERATED, UPDATE, edit, pattern
from ._identity import identity_digest
from ._model import (APP_MONITOR_NAME_LENGTH, APP_MONITOR_NAME_RE, ARN_MAX, ARN_RE, DESTINATIONS,
                     ID_LENGTH, MAX_BATCH, MAX_PER_DESTINATION, REQUEST_MEMBERS, closest,
                     type_name)
from ._rule import Example, Finding, rule

__all__ = ["admission", "Admitter"]

_SOURCE = "API reference BatchCreateRumMetricDefinitions / UpdateRumMetricDefinition / " \
          "BatchDeleteRumMetricDefinitions; botocore; SPEC §2.4"
_REQUESTS = ("create", "update", "delete")


def _customs(n: int, start: int = 0) -> list[dict]:
    return [edit(CUSTOM, Name=f"Visits{i}") for i in range(start, start + n)]


@rule(
    "RUM501", "app-monitor-name", "error",
    "AppMonitorName is missing, not 1-255 characters, or not made of letters, digits, "
    ". - _ # (not starting with '.').",
    source=_SOURCE + "; botocore pattern `(?!\\.)[\\.\\-_#A-Za-z0-9]+` (reference D14)",
    scope="request",
    good=[CREATE, UPDATE, DELETE, edit(CREATE, AppMonitorName="web#1.prod_eu-west")],
    bad=[
        Example(edit(CREATE, AppMonitorName="my app"), "a space", ("AppMonitorName",)),
        Example(edit(CREATE, AppMonitorName=".hidden"), "a leading dot", ("AppMonitorName",)),
        Example(edit(UPDATE, AppMonitorName=...), "missing", ("AppMonitorName",)),
        Example(edit(DELETE, AppMonitorName="a" * 256), "256 characters", ("AppMonitorName",),
                doc="a 256-character name"),
        Example(edit(CREATE, AppMonitorName="team/app"), "a slash (CloudFormation allows it)",
                ("AppMonitorName",)),
    ],
)
def _app_monitor_name(ctx):
    if ctx.kind not in _REQUESTS:
        return
    name = ctx.raw("AppMonitorName")
    where = ("AppMonitorName",)
    if name is None:
        yield Finding("AppMonitorName is required: the name of the app monitor", where)
    elif not isinstance(name, str):
        yield Finding(f"AppMonitorName must be a string, not {type_name(name)}", where)
    elif not APP_MONITOR_NAME_LENGTH[0] <= len(name) <= APP_MONITOR_NAME_LENGTH[1]:
        yield Finding(f"AppMonitorName must be 1-255 characters (it has {len(name)})", where)
    elif not APP_MONITOR_NAME_RE.fullmatch(name):
        bad = "".join(dict.fromkeys(c for c in name if not APP_MONITOR_NAME_RE.fullmatch(
            "a" + c)))
        reason = (f"it has {bad!r}" if bad else "it starts with '.'")
        yield Finding(f"AppMonitorName {name!r} is not valid ({reason}): use letters, digits, "
                      f"'.', '-', '_' and '#', not starting with '.'", where)


@rule(
    "RUM502", "destination", "error",
    "Destination is missing or not CloudWatch or Evidently.",
    source=_SOURCE,
    scope="request",
    good=[CREATE, edit(CREATE, Destination="Evidently", DestinationArn=EVIDENTLY_ARN)],
    bad=[
        Example(edit(CREATE, Destination="cloudwatch"), "wrong case", ("Destination",)),
        Example(edit(CREATE, Destination=...), "missing", ("Destination",)),
        Example(edit(DELETE, Destination="S3"), "not a destination", ("Destination",)),
        Example(edit(UPDATE, Destination=["CloudWatch"]), "a list", ("Destination",)),
    ],
)
def _destination(ctx):
    dest = ctx.raw("Destination")
    where = ("Destination",)
    if dest is None:
        yield Finding("Destination is required: \"CloudWatch\" or \"Evidently\"", where)
    elif not isinstance(dest, str) or dest not in DESTINATIONS:
        guess = closest(dest, DESTINATIONS) if isinstance(dest, str) else None
        tail = f"; did you mean {guess!r}?" if guess else ""
        yield Finding(f"Destination must be \"CloudWatch\" or \"Evidently\", not "
                      f"{shown(dest)}{tail}", where, hint=f"write {guess!r}" if guess else None)


def _arn(ctx):
    arn = ctx.raw("DestinationArn")
    return None if arn is None or arn == "" else arn


@rule(
    "RUM503", "destination-arn-required", "error",
    "Destination is Evidently but DestinationArn is missing.",
    source=_SOURCE + " (\"This parameter is required if Destination is Evidently\")",
    scope="request",
    good=[CREATE, edit(CREATE, Destination="Evidently", DestinationArn=EVIDENTLY_ARN)],
    bad=[
        Example(edit(CREATE, Destination="Evidently"), "no ARN", ("DestinationArn",)),
        Example(edit(UPDATE, Destination="Evidently", DestinationArn=""), "empty ARN",
                ("DestinationArn",)),
        Example(edit(DELETE, Destination="Evidently", DestinationArn=None), "null ARN",
                ("DestinationArn",)),
    ],
)
def _destination_arn_required(ctx):
    if ctx.raw("Destination") == "Evidently" and _arn(ctx) is None:
        yield Finding("Destination Evidently needs DestinationArn: the ARN of the Evidently "
                      "experiment that receives the metrics", ("DestinationArn",),
                      hint='add "DestinationArn": "arn:aws:evidently:..."')


@rule(
    "RUM504", "destination-arn-refused", "error",
    "Destination is CloudWatch but a DestinationArn is given.",
    source=_SOURCE + " (\"If Destination is CloudWatch, do not use this parameter\")",
    scope="request",
    good=[CREATE, edit(CREATE, DestinationArn="")],
    bad=[
        Example(edit(CREATE, DestinationArn=EVIDENTLY_ARN), "an Evidently ARN",
                ("DestinationArn",)),
        Example(edit(UPDATE, DestinationArn="arn:aws:cloudwatch:us-east-1:123456789012:x"),
                "a CloudWatch ARN", ("DestinationArn",)),
        Example(edit(DELETE, DestinationArn="arn:aws:evidently:::"), "any ARN",
                ("DestinationArn",)),
    ],
)
def _destination_arn_refused(ctx):
    if ctx.raw("Destination") == "CloudWatch" and _arn(ctx) is not None:
        yield Finding("Destination CloudWatch takes no DestinationArn: remove it",
                      ("DestinationArn",), hint="remove DestinationArn")


@rule(
    "RUM505", "destination-arn-format", "error",
    "DestinationArn is not a string of at most 2048 characters in ARN form.",
    source=_SOURCE + "; botocore pattern `.*arn:[^:]*:[^:]*:[^:]*:[^:]*:.*`",
    scope="request",
    good=[edit(CREATE, Destination="Evidently", DestinationArn=EVIDENTLY_ARN)],
    bad=[
        Example(edit(CREATE, Destination="Evidently", DestinationArn="project/shop"),
                "not an ARN", ("DestinationArn",)),
        Example(edit(CREATE, Destination="Evidently", DestinationArn="arn:aws:evidently"),
                "too few parts", ("DestinationArn",)),
        Example(edit(CREATE, Destination="Evidently",
                     DestinationArn=EVIDENTLY_ARN + "x" * 2048), "too long",
                ("DestinationArn",), doc="a 2116-character ARN"),
        Example(edit(CREATE, Destination="Evidently", DestinationArn=12), "a number",
                ("DestinationArn",)),
    ],
)
def _destination_arn_format(ctx):
    arn = _arn(ctx)
    where = ("DestinationArn",)
    if arn is None:
        return
    if not isinstance(arn, str):
        yield Finding(f"DestinationArn must be a string, not {type_name(arn)}", where)
    elif len(arn) > ARN_MAX:
        yield Finding(f"DestinationArn has {len(arn)} characters; at most {ARN_MAX} are allowed",
                      where)
    elif not ARN_RE.fullmatch(arn):
        yield Finding(f"DestinationArn {arn[:80]!r} is not an ARN (arn:partition:service:"
                      f"region:account:resource)", where,
                      hint="arn:aws:evidently:<region>:<account>:project/<p>/experiment/<e>")


_LIST = {"create": "MetricDefinitions", "delete": "MetricDefinitionIds"}


@rule(
    "RUM506", "request-definitions", "error",
    "The request's MetricDefinitions (or MetricDefinitionIds, or MetricDefinition) is "
    "missing, of the wrong type, empty, or longer than 200.",
    source=_SOURCE + " (\"The maximum number of metric definitions that you can specify in one "
           "... operation is 200\")",
    scope="request",
    details="A plain list of definitions (a CloudFormation metric destination) is not a call "
            "and has no 200 limit; it is bound by the 2000 per destination (RUM507).",
    good=[CREATE, UPDATE, DELETE,
          Example(edit(CREATE, MetricDefinitions=_customs(200)), "200 definitions",
                  doc='"MetricDefinitions": [... 200 definitions ...]')],
    bad=[
        Example(edit(CREATE, MetricDefinitions=_customs(201)), "201 definitions",
                ("MetricDefinitions",), doc='"MetricDefinitions": [... 201 definitions ...]'),
        Example(edit(CREATE, MetricDefinitions=[]), "none", ("MetricDefinitions",)),
        Example(edit(CREATE, MetricDefinitions=...), "missing", ("MetricDefinitions",)),
        Example(edit(CREATE, MetricDefinitions=TOLERATED), "an object, not a list",
                ("MetricDefinitions",)),
        Example(edit(DELETE, MetricDefinitionIds=[f"id{i}" for i in range(201)]), "201 ids",
                ("MetricDefinitionIds",), doc='"MetricDefinitionIds": [... 201 ids ...]'),
        Example(edit(UPDATE, MetricDefinition=...), "no definition", ("MetricDefinition",)),
    ],
)
def _request_definitions(ctx):
    if ctx.kind == "update":
        if ctx.raw("MetricDefinition") is None:
            yield Finding("MetricDefinition is required: the new definition",
                          ("MetricDefinition",))
        return
    member = _LIST.get(ctx.kind)
    if member is None:
        return
    items = ctx.raw(member)
    what = "definitions" if ctx.kind == "create" else "ids"
    if items is None:
        yield Finding(f"{member} is required: a list of 1-{MAX_BATCH} {what}", (member,))
    elif not isinstance(items, (list, tuple)):
        yield Finding(f"{member} must be a list of {what}, not {type_name(items)}", (member,),
                      hint=f"write [{what[:-1]}]")
    elif not items:
        yield Finding(f"{member} is empty: give 1-{MAX_BATCH} {what}", (member,))
    elif len(items) > MAX_BATCH:
        calls = -(-len(items) // MAX_BATCH)
        yield Finding(f"{member} has {len(items)} {what}; one call takes at most {MAX_BATCH}: "
                      f"split it into {calls} calls", (member,))


class Admitter:
    """What a destination admits, one valid definition at a time in batch order: the
    first copy of a definition is created, later identical ones conflict, definitions past
    the destination's ``capacity`` (after the ``existing`` ones) do not fit.  ``known`` maps
    the canonical keys of the definitions already there to their ids.  It keeps the digests
    of the admitted definitions only -- at most ``capacity`` of them, however long the
    batch -- so a checker may feed it definitions as a stream."""

    __slots__ = ("known", "seen", "count", "capacity", "full")

    def __init__(self, *, existing: int = 0, known=None, capacity: int = MAX_PER_DESTINATION):
        # the contexts keep digests of their keys (identity_digest): the destination's too
        self.known = {identity_digest(k): v for k, v in known.items()} if known else {}
        self.seen: dict[bytes, tuple] = {}
        self.count = existing
        self.capacity = capacity
        self.full = ("full", f"the destination already holds {capacity} definitions, its "
                             f"limit (ServiceQuotaExceededException): delete some first")

    def admit(self, key: bytes, path: tuple) -> tuple[str, str] | None:
        """``None`` when the definition of identity digest ``key`` at ``path`` is created,
        else ``("conflict" | "full", message)``."""
        if key in self.known:
            return ("conflict", f"this definition is identical to metric definition "
                                f"{self.known[key]} already in the destination "
                                f"(ConflictException)")
        if key in self.seen:
            first = "".join(f"[{p}]" if isinstance(p, int) else p for p in self.seen[key])
            return ("conflict", f"this definition is identical to {first} of the same batch "
                                f"(ConflictException); the first copy is created")
        if self.count >= self.capacity:
            return self.full  # one text for all
        self.seen[key] = path
        self.count += 1
        return None


def admission(batch) -> dict[int, tuple[str, str]]:
    """Which valid definitions of a batch would not be created: item index ->
    ``("conflict" | "full", message)`` (see :class:`Admitter`; ``batch.admitter``, when
    set, carries what earlier parts of a batch admitted)."""
    cached = getattr(batch, "_admission", None)
    if cached is not None:
        return cached
    admitter = batch.admitter
    if admitter is None:
        admitter = batch.admitter = Admitter(existing=batch.existing, known=batch.known,
                                             capacity=batch.capacity)
    out: dict[int, tuple[str, str]] = {}
    for i, (path, ctx, has_errors) in enumerate(batch.items):
        if not has_errors:
            verdict = admitter.admit(ctx.canonical_key, path)
            if verdict is not None:
                out[i] = verdict
    batch._admission = out
    return out


def _findings(batch, kind: str):
    for i, (kind_, message) in admission(batch).items():
        if kind_ == kind:
            yield Finding(message, batch.items[i][0])


@rule(
    "RUM507", "destination-full", "error",
    f"A destination would hold more than {MAX_PER_DESTINATION} definitions.",
    source="API reference BatchCreateRumMetricDefinitions (\"The maximum number of metric "
           "definitions that one destination can contain is 2000\"); SPEC §2.4",
    scope="batch",
    details="""
Counted over the valid, non-duplicate definitions, in order, after those the destination
already holds: the ones that fit are created, the rest fail with `ServiceQuotaExceededException`
(a per-definition error in BatchCreate's `Errors`, like the other per-definition failures).
""",
    good=[Example(_customs(2000), "2000 definitions",
                  doc="[... 2000 valid, distinct definitions ...]")],
    bad=[
        Example(_customs(2001), "2001 definitions in one destination", ("MetricDefinitions", 2000),
                doc="[... 2001 valid, distinct definitions ...]"),
        Example(_customs(2003), "2003 definitions", ("MetricDefinitions", 2002),
                doc="[... 2003 valid, distinct definitions ...]", findings=3),
        Example(_customs(1999) + [TOLERATED, CUSTOM, edit(TOLERATED, UnitLabel=...)],
                "the 2001st is the last one", ("MetricDefinitions", 2001),
                doc="[... 1999 custom definitions ..., TOLERATED, CUSTOM, TOLERATED without "
                    "UnitLabel]", findings=2),
    ],
)
def _destination_full(batch):
    yield from _findings(batch, "full")


@rule(
    "RUM508", "duplicate-definition", "error",
    "A definition is identical to one already in the destination or earlier in the batch "
    "(ConflictException).",
    source="API reference (ConflictException); CloudFormation `uniqueItems`; SPEC §2.4",
    scope="batch",
    details="""
Identical means every member equal, where null members and an empty EventPattern are absent,
Namespace `AWS/RUM` equals no Namespace, and EventPattern texts are compared by the fields they
compile to: whitespace, member order, a dotted key or nested objects (`{"a.b": ...}` is
`{"a": {"b": ...}}`), duplicate keys (merged path by path, as the pattern compiler merges them)
and the spelling of numbers (`2e3` is `2000`) do not matter; the order of values in a list
does.  The first copy is created; each later one fails with `ConflictException`.
""",
    good=[CREATE, [TOLERATED, edit(TOLERATED, UnitLabel=...)],
          Example([edit(CUSTOM, DimensionKeys=..., EventPattern=(
              '{"event_type": ["my_custom_event"], "metadata": {"browserName": ["Chrome"]}, '
              '"metadata": {"osName": ["Linux"]}}')),
              edit(CUSTOM, DimensionKeys=..., EventPattern=(
                  '{"event_type": ["my_custom_event"], "metadata": {"osName": ["Linux"]}}'))],
              "duplicate keys merge: the first pattern has both metadata fields")],
    bad=[
        Example(edit(CREATE, MetricDefinitions=[TOLERATED, CUSTOM, TOLERATED]), "the same twice",
                ("MetricDefinitions", 2)),
        Example([CUSTOM, edit(CUSTOM, EventPattern=CUSTOM["EventPattern"].replace(" ", ""))],
                "the same pattern without spaces", ("MetricDefinitions", 1)),
        Example(edit(CREATE, MetricDefinitions=[EXTENDED_METRICS["SessionCount"].definition(),
                                                {**EXTENDED_METRICS["SessionCount"].definition(),
                                                 "Namespace": "AWS/RUM"}]),
                "AWS/RUM is the same as no Namespace", ("MetricDefinitions", 1)),
        Example([edit(CUSTOM, DimensionKeys=..., EventPattern=pattern({
            "event_type": ["my_custom_event"], "metadata.browserName": ["Chrome"]})),
            edit(CUSTOM, DimensionKeys=..., EventPattern=pattern({
                "event_type": ["my_custom_event"], "metadata": {"browserName": ["Chrome"]}}))],
            "a dotted key and nested objects name the same field", ("MetricDefinitions", 1)),
    ],
)
def _duplicate_definition(batch):
    yield from _findings(batch, "conflict")


@rule(
    "RUM509", "unknown-request-member", "error",
    "A request has a member its operation does not know.",
    source=_SOURCE,
    scope="request",
    details="The API reference's BatchCreate example is really an UpdateRumMetricDefinition "
            "request (`MetricDefinitionId`, `MetricDefinition`); such mix-ups show here.",
    good=[CREATE, UPDATE, DELETE],
    bad=[
        Example(edit(CREATE, MetricDefinitionId="guid2"), "an Update member in BatchCreate",
                ("MetricDefinitionId",)),
        Example(edit(CREATE, destination="CloudWatch"), "lower-case member", ("destination",)),
        Example(edit(DELETE, MetricDefinitions=[TOLERATED]), "definitions in a delete",
                ("MetricDefinitions",)),
    ],
)
def _unknown_request_member(ctx):
    members = REQUEST_MEMBERS.get(ctx.kind)
    if members is None:
        return
    for key in ctx.request:
        if key not in members:
            guess = closest(str(key), members, cutoff=0.7)
            tail = f"; did you mean {guess!r}?" if guess else (
                "; its members are " + ", ".join(members))
            yield Finding(f"unknown member {shown(key)} in this request{tail}", (key,),
                          hint=f"write {guess!r}" if guess else "remove it")


def _id_problem(value) -> str | None:
    if not isinstance(value, str):
        return f"a metric definition id must be a string, not {type_name(value)}"
    if not ID_LENGTH[0] <= len(value) <= ID_LENGTH[1]:
        return f"a metric definition id must be 1-255 characters (it has {len(value)})"
    return None


@rule(
    "RUM510", "metric-definition-id", "error",
    "A MetricDefinitionId is missing, not a string, or not 1-255 characters.",
    source=_SOURCE,
    scope="request",
    good=[UPDATE, DELETE],
    bad=[
        Example(edit(UPDATE, MetricDefinitionId=...), "missing", ("MetricDefinitionId",)),
        Example(edit(UPDATE, MetricDefinitionId=""), "empty", ("MetricDefinitionId",)),
        Example(edit(DELETE, MetricDefinitionIds=["guid1", 7]), "a number",
                ("MetricDefinitionIds", 1)),
        Example(edit(DELETE, MetricDefinitionIds=["x" * 256]), "256 characters",
                ("MetricDefinitionIds", 0), doc="a 256-character id"),
    ],
)
def _metric_definition_id(ctx):
    if ctx.kind == "update":
        value = ctx.raw("MetricDefinitionId")
        if value is None:
            yield Finding("MetricDefinitionId is required: the id of the definition to update",
                          ("MetricDefinitionId",))
        elif _id_problem(value):
            yield Finding(_id_problem(value), ("MetricDefinitionId",))
    elif ctx.kind == "delete":
        ids = ctx.raw("MetricDefinitionIds")
        if isinstance(ids, (list, tuple)):
            for i, value in enumerate(ids):
                if _id_problem(value):
                    yield Finding(_id_problem(value), ("MetricDefinitionIds", i))


@rule(
    "RUM511", "evidently-ignored", "info",
    "Evidently ignores a definition's DimensionKeys and UnitLabel.",
    source="API reference MetricDefinition.DimensionKeys (\"If the metric destination is "
           "Evidently, the value of DimensionKeys is ignored\"), MetricDefinitionRequest.UnitLabel",
    scope="batch",
    good=[edit(CREATE, Destination="Evidently", DestinationArn=EVIDENTLY_ARN,
               MetricDefinitions=[EXTENDED_METRICS["PerformanceNavigationDuration"].definition()
                                  | {"UnitLabel": None}]), CREATE],
    bad=[
        Example(edit(CREATE, Destination="Evidently", DestinationArn=EVIDENTLY_ARN),
                "DimensionKeys", ("MetricDefinitions", 0, "DimensionKeys"), findings=4),
        Example(edit(CREATE, Destination="Evidently", DestinationArn=EVIDENTLY_ARN,
                     MetricDefinitions=[CUSTOM]), "UnitLabel",
                ("MetricDefinitions", 0, "UnitLabel"), findings=2),
        Example(edit(UPDATE, Destination="Evidently", DestinationArn=EVIDENTLY_ARN),
                "in an update", ("MetricDefinition", "DimensionKeys"), findings=2),
    ],
)
def _evidently_ignored(batch):
    if batch.destination != "Evidently":
        return
    for path, ctx, _ in batch.items:
        if ctx.dimension_keys:
            yield Finding("Evidently ignores DimensionKeys: the metric has no dimensions there",
                          path + ctx.at("DimensionKeys"))
        if ctx.value("UnitLabel") is not None:
            yield Finding("Evidently ignores UnitLabel (it is used only for CloudWatch)",
                          path + ctx.at("UnitLabel"))
