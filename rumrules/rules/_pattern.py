"""RUM0xx: is the EventPattern a valid pattern, in the language RUM documents?"""

from __future__ import annotations

from ..catalog.metrics import EXTENDED_METRICS
from ..pattern import ObjectNode, iter_nodes
from ._examples import CUSTOM, JS_ERRORS, TOLERATED, edit, pattern
from ._rule import Example, Finding, rule

_EP = ("EventPattern",)
_NAV = "com.amazon.rum.performance_navigation_event"


@rule(
    "RUM001", "invalid-pattern", "error",
    "EventPattern is not valid JSON, not a JSON object, or not a valid event pattern.",
    source="API reference MetricDefinitionRequest (\"If you set a value for EventPattern, it "
           "must be a JSON object\"); SPEC §1.2-§1.3 (AWS's reasons, strict JSON)",
    decisions=("D1",),
    details="""
The pattern is parsed as strict JSON (what `json.loads` refuses is refused, in plain words)
and compiled as AWS compiles it; the message is the reason AWS gives for the same pattern,
at the line and column of the offending token, followed by a fix.  D1: the API reference
prints `"=>"`, which is not an operator; the fix suggests `">="`.  A pattern that does not
compile is reported once, and the rules that read the pattern are skipped for it (no
cascade of findings from one typo).  An empty EventPattern string is the same as none.
""",
    good=[TOLERATED, CUSTOM, edit(CUSTOM, EventPattern="", DimensionKeys=...)],
    bad=[
        Example(edit(JS_ERRORS, EventPattern='{"event_type": ["com.amazon.rum.js_error_event"], '
                     '"metadata": {"browserName": ["Chrome", "Safari"], } }'),
                "a trailing comma (the API reference's first EventPattern example)", _EP),
        Example(edit(TOLERATED, DimensionKeys=..., EventPattern=pattern({
            "event_type": [_NAV], "event_details": {"duration": [{"numeric": ["=>", 8000]}]}})),
            "`=>` is not an operator (D1)", _EP),
        Example(edit(CUSTOM, EventPattern='["my_custom_event"]'),
                "not a JSON object", _EP),
        Example(edit(CUSTOM, DimensionKeys=..., EventPattern='{"event_type": "my_custom_event"}'),
                "a leaf value must be an array", _EP),
        Example(edit(CUSTOM, DimensionKeys=..., EventPattern="{}"), "an empty pattern", _EP),
    ],
)
def _invalid_pattern(ctx):
    err = ctx.pattern_error
    if err is None:
        return
    message = f"EventPattern is not valid: {err.message}"
    hint = err.hint
    if '"=>"' in ctx.pattern_text and "=>" not in err.message:
        # D1: the JSON mistake hides the operator mistake the API reference also makes
        extra = 'and "=>" is not an operator: write ">=" (D1)'
        hint = f"{hint}; {extra}" if hint else extra
    if hint:
        message += f"; {hint}"
    yield Finding(message, _EP, err.line, err.column, hint)


_OPERATOR_HINTS = {
    "$or": "write one metric definition per alternative",
    "anything-but": "list the values you want instead",
    "prefix": "list the exact values you want instead",
    "suffix": "list the exact values you want instead",
    "equals-ignore-case": "list each spelling as an exact value",
    "wildcard": "list the exact values you want instead",
    "exists": "drop it, or match the values you expect",
    "cidr": "list the exact addresses you want instead",
    "exactly": "write the value itself: [\"value\"]",
}


@rule(
    "RUM002", "eventbridge-operator", "warning",
    "EventPattern uses an EventBridge operator that RUM does not document.",
    source="SPEC §5 (operators beyond the rum dialect) and §1.1; reference rum-domain.md §3.3",
    details="""
RUM documents only exact values and `numeric` ranges.  `prefix`, `suffix`,
`equals-ignore-case`, `anything-but`, `exists`, `cidr`, `wildcard`, `exactly` and `$or` are
EventBridge operators: rumrules compiles the pattern in the `eventbridge` dialect and matches
them with EventBridge semantics, but whether the service accepts them is undocumented, so
each use is a warning at its position.
""",
    good=[TOLERATED, CUSTOM],
    bad=[
        Example(edit(CUSTOM, DimensionKeys=..., EventPattern=pattern({
            "event_type": ["my_custom_event"], "metadata": {"pageId": [{"prefix": "/shop"}]}})),
            "prefix", _EP),
        Example(edit(CUSTOM, DimensionKeys=..., EventPattern=pattern({
            "event_type": ["my_custom_event"],
            "metadata": {"countryCode": [{"anything-but": "US"}]}})), "anything-but", _EP),
        Example(edit(CUSTOM, DimensionKeys=..., EventPattern=pattern({
            "event_type": ["my_custom_event"],
            "$or": [{"metadata": {"browserName": ["Chrome"]}},
                    {"metadata": {"osName": ["Linux"]}}]})), "$or", _EP),
        Example(edit(EXTENDED_METRICS["JsErrorCount"].definition(), EventPattern=pattern({
            "event_type": ["com.amazon.rum.js_error_event"],
            "metadata": {"pageId": [{"exists": True}]}}),
            DimensionKeys={"metadata.pageId": "PageId"}), "exists", _EP),
    ],
)
def _eventbridge_operator(ctx):
    p = ctx.pattern
    if p is None or not p.uses_eventbridge_operators:
        return
    found = False
    for node in iter_nodes(p.ast):
        if isinstance(node, ObjectNode):
            for m in node.members:
                if m.key == "$or":
                    found = True
                    yield _operator_finding("$or", m.line, m.column)
    for c in p.conditions:
        for m in c.matchers:
            if not m.in_rum:
                found = True
                yield _operator_finding(m.kind, m.line, m.column)
    if not found:
        yield _operator_finding("an EventBridge operator", p.ast.line, p.ast.column)


def _operator_finding(kind: str, line: int, column: int) -> Finding:
    name = kind if kind.startswith("an ") else f'"{kind}"'
    hint = _OPERATOR_HINTS.get(kind, "use exact values or numeric ranges")
    return Finding(f"{name} is not documented for RUM EventPatterns (only exact values and "
                   f"numeric ranges are); rumrules matches it as EventBridge does, but the "
                   f"service may refuse it: {hint}", _EP, line, column, hint)
