"""``rumrules schema NAME``: the JSON Schemas are valid Draft 2020-12 schemas, accept every
good example of the rules and the bundled examples, and refuse the bad examples of every rule
whose mistakes a schema can express."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for

from rumrules import RumRulesError
from rumrules.rules import RULES
from rumrules.schemas import SCHEMA_NAMES, schema

from ..cli._helpers import REPO, run_cli

#: Rules every bad example of which a schema refuses (the others need the checker: the
#: EventPattern text, what a pattern must match, duplicates...).
CAUGHT = ("RUM101", "RUM102", "RUM103", "RUM104", "RUM105", "RUM106", "RUM107", "RUM201",
          "RUM202", "RUM301")
DEFINITION_RULES = [r for r in RULES if r.scope == "definition"]


def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(name))


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_each_schema_is_valid_against_its_meta_schema(name):
    value = schema(name)
    assert value["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert validator_for(value) is Draft202012Validator
    Draft202012Validator.check_schema(value)
    assert value["$id"].endswith(f"/{name}.json")


@pytest.mark.parametrize("rule", DEFINITION_RULES, ids=lambda r: r.code)
def test_good_examples_are_valid(rule):
    definitions = _validator("metric-definitions")
    for ex in rule.good:
        errors = [e.message for e in definitions.iter_errors([ex.input])]
        assert not errors, (rule.code, ex.note, errors)


@pytest.mark.parametrize("rule", [r for r in DEFINITION_RULES if r.code in CAUGHT],
                         ids=lambda r: r.code)
def test_bad_examples_of_the_rules_a_schema_expresses_are_invalid(rule):
    definitions = _validator("metric-definitions")
    assert rule.bad
    for ex in rule.bad:
        errors = list(definitions.iter_errors([ex.input]))
        assert errors, (rule.code, ex.note)
        if ex.where:  # the schema blames the member the rule blames (or the definition)
            paths = {tuple(e.absolute_path)[1:2] for e in errors}
            assert paths & {(ex.where[0],), ()}, (rule.code, ex.note, paths)


@pytest.mark.parametrize("path,name", [
    ("examples/requests/batch-create.json", "batch-create-request"),
    ("examples/requests/update-cli-input.json", "update-request"),
    ("examples/events/put-rum-events.json", "put-rum-events"),
    ("examples/definitions.json", "metric-definitions"),
])
def test_bundled_examples_are_valid(path, name):
    value = json.loads((REPO / path).read_text(encoding="utf-8"))
    errors = [e.message for e in _validator(name).iter_errors(value)]
    assert not errors, errors


@pytest.mark.parametrize("mutate,where", [
    (lambda r: r.pop("Destination"), ()),
    (lambda r: r.update(Destination="S3"), ("Destination",)),
    (lambda r: r["MetricDefinitions"][0].update(UnitLabel="count"),
     ("MetricDefinitions", 0, "UnitLabel")),
    (lambda r: r["MetricDefinitions"][0].update(Namespace="AWS/Shop"),
     ("MetricDefinitions", 0, "Namespace")),
    (lambda r: r.update(MetricDefinitions=[]), ("MetricDefinitions",)),
    (lambda r: r.update(Extra=1), ()),
])
def test_bad_requests_are_invalid_where_they_are_bad(mutate, where):
    request = json.loads((REPO / "examples/requests/batch-create.json").read_text())
    mutate(request)
    errors = list(_validator("batch-create-request").iter_errors(request))
    assert errors and any(tuple(e.absolute_path)[:len(where)] == where for e in errors)


def test_bad_events_are_invalid():
    body = json.loads((REPO / "examples/events/put-rum-events.json").read_text())
    body["RumEvents"][0]["id"] = "not-a-uuid"
    del body["BatchId"]
    paths = {tuple(e.absolute_path) for e in _validator("put-rum-events").iter_errors(body)}
    assert paths == {(), ("RumEvents", 0, "id")}


def test_descriptions_come_from_the_rules():
    unit = schema("metric-definitions")["$defs"]["MetricDefinitionRequest"]["properties"][
        "UnitLabel"]
    assert "RUM105 unit-label" in unit["description"]
    assert "docs/rules/RUM105.md" in unit["description"]


def test_schema_is_a_copy_and_unknown_names_are_errors():
    first = schema("put-rum-events")
    first["title"] = "changed"
    assert schema("put-rum-events")["title"] != "changed"
    with pytest.raises(RumRulesError, match="no schema"):
        schema("nope")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_the_command_prints_the_schema(name, monkeypatch, capsys, tmp_path):
    code, out, _ = run_cli(["schema", name], monkeypatch, capsys)
    assert code == 0 and json.loads(out) == schema(name)
    target = tmp_path / "s.json"
    code, out, _ = run_cli(["schema", name, "-o", str(target)], monkeypatch, capsys)
    assert code == 0 and out == "" and json.loads(target.read_text()) == schema(name)
