"""RUM1xx: the API's field constraints on every definition (types, members, lengths,
units, DimensionKeys)."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import shown
from ..catalog.units import STANDARD_UNITS, is_standard_unit, suggest_unit
from ._examples import CUSTOM, JS_ERRORS, TOLERATED, edit
from ._model import (DEFINITION_MEMBERS, LENGTHS, MAX_DIMENSIONS,
                     dimension_key_problem, dimension_name_problem, length_problem,
                     guess_member, member_type_problem, type_name)
from ..errors import Fix
from ._rule import Example, Finding, rule

_SOURCE = "botocore rum 2018-05-10 MetricDefinitionRequest; API reference; SPEC §2.1"


@rule(
    "RUM101", "wrong-type", "error",
    "A definition is not a JSON object, or a member has the wrong type.",
    source=_SOURCE,
    details="""
A definition is an object; `Name`, `Namespace`, `ValueKey`, `UnitLabel` and `EventPattern` are
strings (EventPattern is JSON *text*: `json.dumps` the pattern); `DimensionKeys` is a map of
field path to dimension name, both strings (not the `[{"Key": ..., "Value": ...}]` list that
the API reference's BatchCreate example shows).  `null` means absent.
""",
    good=[TOLERATED, CUSTOM, edit(CUSTOM, ValueKey=None)],
    bad=[
        Example(["NavigationToleratedTransaction"], "not an object", ()),
        Example(edit(CUSTOM, EventPattern={"event_type": ["my_custom_event"]},
                     DimensionKeys=...), "EventPattern as an object instead of text",
                ("EventPattern",)),
        Example(edit(TOLERATED, DimensionKeys=[
            {"Key": "metadata.browserName", "Value": "BrowserName"},
            {"Key": "metadata.countryCode", "Value": "CountryCode"}]),
            "DimensionKeys as the API reference's example writes it", ("DimensionKeys",)),
        Example(edit(CUSTOM, Name=42), "a number for Name", ("Name",)),
        Example(edit(CUSTOM, DimensionKeys={"event_details.current_url": True}),
                "a dimension name that is not a string",
                ("DimensionKeys", "event_details.current_url")),
    ],
)
def _wrong_type(ctx):
    if not ctx.is_mapping:
        yield Finding(f"a metric definition must be a JSON object, not "
                      f"{type_name(ctx.definition)}", ())
        return
    for member in DEFINITION_MEMBERS:
        value = ctx.raw(member)
        problem = member_type_problem(member, value)
        if problem:
            hint = _type_hint(member, value)
            yield Finding(f"{problem}; {hint}" if hint else problem, ctx.at(member),
                          hint=hint)
    dk = ctx.raw("DimensionKeys")
    if isinstance(dk, Mapping):
        for key, name in dk.items():
            if not isinstance(key, str):
                yield Finding(f"DimensionKeys keys must be strings, not {type_name(key)}",
                              ctx.at("DimensionKeys", shown(key)))
            elif not isinstance(name, str):
                yield Finding(f"the dimension name for {key!r} must be a string, not "
                              f"{type_name(name)}", ctx.at("DimensionKeys", key))


def _type_hint(member: str, value) -> str | None:
    if member == "EventPattern" and isinstance(value, (Mapping, list)):
        return "EventPattern is JSON text: pass json.dumps(pattern)"
    if member == "DimensionKeys" and isinstance(value, list):
        pairs = {d.get("Key"): d.get("Value") for d in value
                 if isinstance(d, Mapping) and "Key" in d}
        if pairs:
            import json
            return f"write it as a map: {json.dumps(pairs)}"
        return 'write it as a map: {"metadata.browserName": "BrowserName"}'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = shown(value)
        return f'quote it: "{text}"' if text[:1] in "-0123456789" else "write it as a string"
    return None


_ID_NOTE = ("MetricDefinitionId is not part of a definition: it belongs to "
            "UpdateRumMetricDefinition's request and to the API's responses")


@rule(
    "RUM102", "unknown-member", "error",
    "A definition has a member the API does not know.",
    source=_SOURCE,
    details="""
`MetricDefinitionRequest` has exactly `Name`, `Namespace`, `ValueKey`, `UnitLabel`,
`DimensionKeys` and `EventPattern` (member names are case-sensitive).  The message names the
member you most likely meant.
""",
    good=[TOLERATED, CUSTOM],
    bad=[
        Example(edit(JS_ERRORS, DimensionKeys=..., Dimensions={"metadata.pageId": "PageId"}),
                "Dimensions for DimensionKeys", ("Dimensions",)),
        Example(edit(CUSTOM, Unit="Count", UnitLabel=...), "Unit for UnitLabel", ("Unit",)),
        Example({"name" if k == "Name" else k: v for k, v in CUSTOM.items()},
                "a lower-case member name", ("name",)),
        Example(edit(TOLERATED, MetricDefinitionId="guid2"),
                "an id inside the definition", ("MetricDefinitionId",)),
    ],
)
def _unknown_member(ctx):
    if not ctx.is_mapping:
        return
    for key in ctx.definition:
        if key in DEFINITION_MEMBERS:
            continue
        if key == "MetricDefinitionId":
            yield Finding(f"unknown member {shown(key)}: {_ID_NOTE}; remove it", (key,),
                          hint="remove it")
            continue
        guess = guess_member(str(key))
        hint = f"did you mean {guess!r}?" if guess else (
            "the members are " + ", ".join(DEFINITION_MEMBERS))
        yield Finding(f"unknown member {shown(key)} in a metric definition; {hint}", (key,),
                      hint=hint)


@rule(
    "RUM103", "name-required", "error",
    "A definition has no Name.",
    source=_SOURCE,
    good=[TOLERATED, CUSTOM],
    bad=[
        Example(edit(CUSTOM, Name=...), "no Name", ("Name",)),
        Example(edit(CUSTOM, Name=None), "Name null", ("Name",)),
        Example(edit(JS_ERRORS, Name=...), "no Name", ("Name",)),
    ],
)
def _name_required(ctx):
    if ctx.is_mapping and ctx.raw("Name") is None:
        yield Finding("Name is required: the metric's name (one of the 14 extended metric "
                      "names, or any name with a Namespace for a custom metric)", ("Name",))


@rule(
    "RUM104", "field-length", "error",
    "A string member is shorter or longer than the API allows.",
    source=_SOURCE,
    decisions=(),
    details="""
Name 1-255, Namespace 1-237 (CloudWatch's 255 minus `RUM/CustomMetrics/`), ValueKey 1-280,
UnitLabel 1-256, EventPattern 0-4000 characters (botocore; CloudFormation says ValueKey 256
and EventPattern 1 at least, reference D10/D11, which rumrules does not follow).  An
EventPattern longer than 4000 characters is not parsed.  An empty EventPattern is the same as
none; an empty ValueKey or Namespace is an error (omit the member instead).
""",
    good=[TOLERATED, CUSTOM, edit(CUSTOM, EventPattern="", DimensionKeys=...)],
    bad=[
        Example(edit(CUSTOM, Name=""), "empty Name", ("Name",)),
        Example(edit(CUSTOM, Namespace="N" * 238), "Namespace of 238 characters",
                ("Namespace",)),
        Example(edit(CUSTOM, ValueKey=""), "empty ValueKey", ("ValueKey",)),
        Example(edit(CUSTOM, DimensionKeys=..., EventPattern='{"event_type": ["'
                     + "x" * 4000 + '"]}'), "EventPattern over 4000 characters",
                ("EventPattern",), doc='"EventPattern": "{\\"event_type\\": [\\"xxx...'
                '(4000 x)...\\"]}"'),
    ],
)
def _field_length(ctx):
    for member in LENGTHS:
        value = ctx.raw(member)
        if isinstance(value, str):
            problem = length_problem(member, value)
            if problem:
                yield Finding(_length_fix(member, problem), ctx.at(member))


def _length_fix(member: str, problem: str) -> str:
    if problem.endswith("must not be empty"):
        return problem + ("; omit it (or use null) if there is none"
                          if member != "Name" else "")
    return problem + "; shorten it"


@rule(
    "RUM105", "unit-label", "error",
    "UnitLabel is not a CloudWatch standard unit (spelling and case matter).",
    source="CloudWatch StandardUnit (botocore cloudwatch); SPEC §2.1; reference rum-domain.md "
           "§3.2 item 9",
    details="The standard units: " + ", ".join(f"`{u}`" for u in STANDARD_UNITS) + ".",
    good=[TOLERATED, CUSTOM, edit(CUSTOM, UnitLabel="Bytes/Second"), edit(CUSTOM, UnitLabel=...)],
    bad=[
        Example(edit(CUSTOM, UnitLabel="count"), "count -> Count", ("UnitLabel",)),
        Example(edit(CUSTOM, UnitLabel="ms"), "ms -> Milliseconds", ("UnitLabel",)),
        Example(edit(CUSTOM, UnitLabel="Visits"), "not a unit", ("UnitLabel",)),
        Example(edit(CUSTOM, UnitLabel="Bytes per second"), "spelled out", ("UnitLabel",)),
    ],
    fix="safe",
)
def _unit_label(ctx):
    label = ctx.value("UnitLabel")
    if label is None or is_standard_unit(label):
        return
    guess = suggest_unit(label)
    if guess:
        yield Finding(f"UnitLabel {label!r} is not a CloudWatch unit; write {guess!r}",
                      ctx.at("UnitLabel"), hint=f"write {guess!r}", fix=Fix("set", guess))
    else:
        yield Finding(f"UnitLabel {label!r} is not a CloudWatch unit; use one of "
                      + ", ".join(STANDARD_UNITS) + " (or omit UnitLabel)",
                      ctx.at("UnitLabel"))


def _many_dimensions(n: int) -> dict:
    """CUSTOM with ``n`` dimensions, each named in its EventPattern."""
    import json
    return edit(CUSTOM, DimensionKeys={f"metadata.attr{i}": f"Attr{i}" for i in range(n)},
                EventPattern=json.dumps({"event_type": ["my_custom_event"], "metadata": {
                    f"attr{i}": [str(i)] for i in range(n)}}))


@rule(
    "RUM106", "too-many-dimensions", "error",
    f"DimensionKeys has more than {MAX_DIMENSIONS} entries.",
    source=_SOURCE,
    details="CloudWatch allows 30 dimensions; RUM adds `application_name` itself.",
    good=[TOLERATED, CUSTOM, edit(CUSTOM, DimensionKeys={}),
          Example(_many_dimensions(29), "29 entries", doc="29 entries, each named in "
                  "EventPattern")],
    bad=[
        Example(_many_dimensions(30), "30 entries", ("DimensionKeys",),
                doc='"DimensionKeys": {"metadata.attr0": "Attr0", ... "metadata.attr29": '
                '"Attr29"} (30 entries, each named in EventPattern)'),
        Example(_many_dimensions(31), "31 entries", ("DimensionKeys",),
                doc="31 entries, each named in EventPattern"),
        Example(_many_dimensions(50), "50 entries", ("DimensionKeys",),
                doc="50 entries, each named in EventPattern"),
    ],
)
def _too_many_dimensions(ctx):
    dk = ctx.raw("DimensionKeys")
    if isinstance(dk, Mapping) and len(dk) > MAX_DIMENSIONS:
        yield Finding(f"DimensionKeys has {len(dk)} entries; at most {MAX_DIMENSIONS} are "
                      f"allowed: remove {len(dk) - MAX_DIMENSIONS}", ctx.at("DimensionKeys"))


@rule(
    "RUM107", "dimension-key", "error",
    "A DimensionKeys key (a field path) is empty or longer than 280 characters.",
    source=_SOURCE,
    good=[TOLERATED, CUSTOM],
    bad=[
        Example(edit(CUSTOM, DimensionKeys={"": "URL"}), "empty key", ("DimensionKeys", "")),
        Example(edit(CUSTOM, DimensionKeys={"metadata." + "a" * 280: "Long"}), "281 characters",
                ("DimensionKeys", "metadata." + "a" * 280), doc="a 281-character key"),
        Example(edit(TOLERATED, DimensionKeys={**TOLERATED["DimensionKeys"], "": "PageId"}),
                "empty key", ("DimensionKeys", "")),
    ],
)
def _dimension_key(ctx):
    dk = ctx.raw("DimensionKeys")
    if isinstance(dk, Mapping):
        for key in dk:
            problem = isinstance(key, str) and dimension_key_problem(key)
            if problem:
                yield Finding(problem, ctx.at("DimensionKeys", key))


@rule(
    "RUM108", "dimension-name", "error",
    "A dimension name is empty, longer than 255 characters, blank, or starts with ':'.",
    source="botocore DimensionName `(?!:).*[^\\s].*`, 1-255; SPEC §2.1",
    details="""
Reference D12: botocore puts the pattern on the dimension name (the map value) and
CloudFormation on the key; rumrules follows botocore, anchored: the name must not start with
`:` and must contain a non-blank character.
""",
    good=[TOLERATED, CUSTOM, edit(CUSTOM, DimensionKeys={"event_details.current_url": "a:b"})],
    bad=[
        Example(edit(CUSTOM, DimensionKeys={"event_details.current_url": ":URL"}),
                "leading colon", ("DimensionKeys", "event_details.current_url")),
        Example(edit(CUSTOM, DimensionKeys={"event_details.current_url": "   "}),
                "blank", ("DimensionKeys", "event_details.current_url")),
        Example(edit(CUSTOM, DimensionKeys={"event_details.current_url": ""}),
                "empty", ("DimensionKeys", "event_details.current_url")),
        Example(edit(CUSTOM, DimensionKeys={"event_details.current_url": "U" * 256}),
                "256 characters", ("DimensionKeys", "event_details.current_url"),
                doc="a 256-character name"),
    ],
)
def _dimension_name(ctx):
    dk = ctx.raw("DimensionKeys")
    if isinstance(dk, Mapping):
        for key, name in dk.items():
            if isinstance(key, str) and isinstance(name, str):
                problem = dimension_name_problem(name)
                if problem:
                    yield Finding(problem, ctx.at("DimensionKeys", key))
