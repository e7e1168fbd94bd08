"""SPEC §5's decisions, as the rule docs state them (``docs/decisions.md`` has the story)."""

from __future__ import annotations

__all__ = ["DECISIONS", "OTHER_DECISIONS"]

#: id -> (topic, what rumrules does)
DECISIONS: dict[str, tuple[str, str]] = {
    "D1": ("`=>` in the API reference's Tolerated/Frustrated fragments",
           "`=>` means `>=`; a pattern that uses `=>` is invalid with AWS's message "
           "(`Unrecognized numeric range operator: =>`) and the fix suggests `>=`."),
    "D2": ("NavigationSatisfiedTransaction's threshold",
           "rumrules checks what the API reference states, `duration > 2000`; the User Guide "
           "defines a satisfied navigation as one under 2000 ms (the Apdex objective)."),
    "D3": ("the Http4xx/Http5xx fragments (broken JSON in the API reference)",
           "read as `event_details.response.status` ranges `[\">=\", 400, \"<\", 500]` and "
           "`[\">=\", 500, \"<=\", 599]`."),
    "D4": ("the extended metric names (11 in one list, 14 in the other)",
           "all 14 names are valid."),
    "D5": ("HttpErrorCount without a status condition",
           "a warning, not an error, when `event_details.response.status >= 400` is missing "
           "(the live service has refused such patterns)."),
    "D6": ("\"any JSON array must contain only one value\"",
           "a rule for custom metrics only; extended metrics may list several values."),
    "D7": ("`application_Id` (API reference) vs `application_id` (stored documents)",
           "both are accepted first-level keys; `application_Id` gets an info note."),
}

#: SPEC §5 decisions without an id -> the rules that implement them (or where they live).
OTHER_DECISIONS: tuple[tuple[str, str], ...] = (
    ("Operators beyond the `rum` dialect inside a definition: a warning (\"not documented for "
     "RUM\"), matched with `eventbridge` semantics.", "RUM002"),
    ("Text after the closing brace of a pattern (`{...}}`, `{...},`): invalid, as `json.loads` "
     "says.", "RUM001"),
    ("Limits without a documented value: none enforced beyond the API's own (lengths, 29 "
     "dimensions, 200 per call, 2000 per destination).", "RUM104, RUM106, RUM506, RUM507"),
)
