"""Per-rule tests generated from each rule's own metadata: every good example is clean,
every bad example makes a finding of that rule, with its severity, at the documented path --
and only that: one mistake, one finding, and no error from any other rule."""

from __future__ import annotations

import re

import pytest

from rumrules import Diagnostic, Severity
from rumrules.rules import RULES, Rule, check_definition, check_definitions, rule_by_code

# Codes are stable: a rule may be added, never renumbered or renamed.
STABLE = {
    "RUM001": "invalid-pattern", "RUM002": "eventbridge-operator",
    "RUM101": "wrong-type", "RUM102": "unknown-member", "RUM103": "name-required",
    "RUM104": "field-length", "RUM105": "unit-label", "RUM106": "too-many-dimensions",
    "RUM107": "dimension-key", "RUM108": "dimension-name",
    "RUM201": "extended-name", "RUM202": "extended-value-key",
    "RUM203": "extended-pattern-required", "RUM204": "extended-fragment",
    "RUM205": "extended-extra-filter", "RUM206": "extended-dimension",
    "RUM207": "http-error-status",
    "RUM301": "namespace-aws-prefix", "RUM302": "namespace-aws-casing",
    "RUM303": "namespace-charset", "RUM304": "first-level-key",
    "RUM305": "application-id-spelling", "RUM306": "event-details-needs-type",
    "RUM307": "unknown-rum-event-type", "RUM308": "custom-event-type",
    "RUM309": "unknown-details-field", "RUM310": "one-value-per-array",
    "RUM311": "value-key-not-numeric", "RUM312": "builtin-event-type-spelling",
    "RUM401": "dimension-not-in-pattern", "RUM402": "dimension-name-taken",
    "RUM501": "app-monitor-name", "RUM502": "destination", "RUM503": "destination-arn-required",
    "RUM504": "destination-arn-refused", "RUM505": "destination-arn-format",
    "RUM506": "request-definitions", "RUM507": "destination-full",
    "RUM508": "duplicate-definition", "RUM509": "unknown-request-member",
    "RUM510": "metric-definition-id", "RUM511": "evidently-ignored",
    "RUM313": "namespace-doubled-prefix",
    "RUM601": "not-checked", "RUM602": "custom-events-disabled",
    "RUM603": "telemetry-not-collected", "RUM604": "destination-iam-role",
    "RUM605": "destination-not-declared", "RUM606": "cw-logs-disabled",
}


def run(rule: Rule, data) -> list[Diagnostic]:
    if rule.scope == "definition":
        return check_definition(data)
    if rule.scope == "document":  # a file: checked the way rumrules check reads it
        from rumrules import lint
        return [Diagnostic(f.code, Severity(f.severity), f.message, f.path, None, None, f.hint,
                           rule_by_code(f.code).name) for f in lint(data=data)]
    return check_definitions(data)


GOOD = [pytest.param(r, ex, id=f"{r.code}-good{i}") for r in RULES for i, ex in enumerate(r.good)]
BAD = [pytest.param(r, ex, id=f"{r.code}-bad{i}") for r in RULES for i, ex in enumerate(r.bad)]


def test_codes_are_stable_and_complete():
    assert {r.code: r.name for r in RULES} == STABLE
    assert [r.code for r in RULES] == sorted(STABLE)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_metadata(rule: Rule):
    assert re.fullmatch(r"RUM[0-6]\d\d", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert isinstance(rule.severity, Severity)
    assert rule.summary.endswith(".") and rule.source
    assert len(rule.good) >= 1 and len(rule.bad) >= 3
    assert all(ex.where is not None for ex in rule.bad)
    assert rule.family


@pytest.mark.parametrize("rule,example", GOOD)
def test_good_example_is_clean(rule: Rule, example):
    diags = run(rule, example.input)
    assert [d for d in diags if d.code == rule.code] == []
    assert [d for d in diags if d.severity is Severity.ERROR] == []


@pytest.mark.parametrize("rule,example", BAD)
def test_bad_example_is_found(rule: Rule, example):
    diags = run(rule, example.input)
    mine = [d for d in diags if d.code == rule.code]
    assert mine, [str(d) for d in diags]
    assert all(d.severity is rule.severity for d in mine)
    assert all(d.rule == rule.name for d in mine)
    assert example.where in [d.path for d in mine], [str(d) for d in mine]
    for d in mine:
        assert d.message
        if d.line is not None:
            assert d.path[-1] == "EventPattern" and d.column >= 1


@pytest.mark.parametrize("rule,example", BAD)
def test_bad_example_is_one_mistake(rule: Rule, example):
    """A bad example makes ``example.findings`` findings of its rule (one unless it says
    otherwise), and no other rule piles an error on it."""
    diags = run(rule, example.input)
    mine = [d for d in diags if d.code == rule.code]
    assert len(mine) == example.findings, [str(d) for d in mine]
    errors = [d.code for d in diags if d.severity is Severity.ERROR]
    expected = [rule.code] * example.findings if rule.severity is Severity.ERROR else []
    assert errors == expected, [str(d) for d in diags]
