"""The linter on project layouts: a CDK ``cdk.out/`` folder (``Custom::AWS`` calling RUM, its
``Create`` a ``Fn::Join`` of JSON text and tokens), a SAM template (``!Join``, ``!If``,
``!Select``/``!Split``, ``!Sub``, ``!ImportValue``, ``!GetAtt``), a hand-written JSON template
(``Fn::Join`` + ``Ref``, an ``AWS::CloudFormation::CustomResource`` whose call is a mapping)
and ``aws rum batch-get-rum-metric-definitions --output json`` output.

Every definition written in these files is either checked or has a RUM601 finding at its
position; the counts are right; the planted mistakes are reported where they are written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import rumrules
from rumrules.linter import LintStats
from rumrules.linter.sources import is_intrinsic, read_file

from ..cli._helpers import REPO
from ..cli.test_check_cli import _check

PROJECTS = Path(__file__).resolve().parent / "data" / "projects"
REL = PROJECTS.relative_to(REPO)
TEMPLATES = ["cdk.out/StorefrontStack.template.json", "sam/template.yaml",
             "cfn-json/template.json"]

# (file, line, column, code) of every finding: the mistakes planted in the fixtures
EXPECTED = {
    ("cdk.out/StorefrontStack.template.json", 46, 136, "RUM204"),  # Http5xxCount, no status
    ("cdk.out/StorefrontStack.template.json", 46, 239, "RUM313"),  # RUM/CustomMetrics/MFE/AB
    ("cdk.out/StorefrontStack.template.json", 46, 360, "RUM602"),  # custom events disabled
    ("cdk.out/StorefrontStack.template.json", 47, 8, "RUM601"),    # Fn::ImportValue token
    ("cdk.out/StorefrontStack.template.json", 50, 53, "RUM602"),
    ("cfn-json/template.json", 23, 32, "RUM313"),                   # Fn::Join of the prefix
    ("cfn-json/template.json", 27, 67, "RUM310"),                   # "Firefox", 2nd value
    ("cfn-json/template.json", 32, 32, "RUM601"),                   # Ref Env: no Default
    ("cfn-json/template.json", 51, 28, "RUM605"),                   # Evidently not declared
    ("sam/template.yaml", 59, 31, "RUM603"),                        # no performance telemetry
    ("sam/template.yaml", 65, 123, "RUM001"),                       # "=>" in Fn::If's else
    ("sam/template.yaml", 74, 28, "RUM601"),                        # !ImportValue
    ("sam/template.yaml", 80, 31, "RUM601"),                        # !GetAtt
    ("stored/batch-get-rum-metric-definitions.json", 7, 30, "RUM204"),
}


def _all_findings():
    stats = LintStats()
    found = rumrules.lint(PROJECTS, stats=stats)
    return found, stats


def _rel(file: str) -> str:
    return Path(file).resolve().relative_to(PROJECTS).as_posix()


def test_the_planted_mistakes_and_only_them():
    found, _ = _all_findings()
    assert {(_rel(f.file), f.line, f.column, f.code) for f in found} == EXPECTED


def test_counts_in_every_format(monkeypatch, capsys):
    code, out, err = _check(["check", str(REL)], monkeypatch, capsys, cwd=REPO)
    assert code == 1 and err == ""
    assert out.splitlines()[-2:] == [
        "Checked 18 metric definitions in 4 files; 4 values not checked (RUM601).",
        "Found 14 problems (5 errors, 5 warnings, 4 info notes)."]
    counts = {"files": 4, "definitions_checked": 18, "not_checked": 4}
    _, out, _ = _check(["check", str(REL), "--format", "json"], monkeypatch, capsys, cwd=REPO)
    assert json.loads(out)["summary"] == counts
    _, out, _ = _check(["check", str(REL), "--format", "sarif"], monkeypatch, capsys, cwd=REPO)
    assert json.loads(out)["runs"][0]["properties"]["rumrules"] == counts
    # one file: 5 definitions of the CDK stack (4 created, 1 updated), 1 value not checked
    _, out, _ = _check(["check", str(REL / "cdk.out")], monkeypatch, capsys, cwd=REPO)
    assert "Checked 5 metric definitions in 1 file; 1 value not checked (RUM601)." in out


def _join_with_tokens(value):
    """An SDK call's text with every token replaced by a string: what the test expects the
    call to hold, worked out without the reader."""
    if isinstance(value, str):
        return value
    (key, arg), = value.items()
    assert key == "Fn::Join"
    out = ""
    for piece in arg[1]:
        out += piece if isinstance(piece, str) else "TOKEN"
    return out


def _definition_sites(doc):
    """Paths of every metric definition written in a template, found from its raw value:
    MetricDefinitions items of app monitors (each branch of an Fn::If item but
    AWS::NoValue), and the definitions of RUM SDK calls of custom resources."""
    sites = []
    for logical_id, resource in doc.value["Resources"].items():
        props = resource.get("Properties", {})
        rtype = resource.get("Type", "")
        if rtype == "AWS::RUM::AppMonitor":
            config = props.get("AppMonitorConfiguration", {})
            for d, dest in enumerate(config.get("MetricDestinations", [])):
                for i, item in enumerate(dest.get("MetricDefinitions", [])):
                    base = ("Resources", logical_id, "Properties", "AppMonitorConfiguration",
                            "MetricDestinations", d, "MetricDefinitions", i)
                    if isinstance(item, dict) and "Fn::If" in item:
                        sites += [base + ("Fn::If", k) for k in (1, 2)
                                  if item["Fn::If"][k] != {"Ref": "AWS::NoValue"}]
                    else:
                        sites.append(base)
        elif rtype.startswith("Custom::") or rtype == "AWS::CloudFormation::CustomResource":
            for phase in ("Create", "Update", "Delete"):
                if phase not in props:
                    continue
                call = props[phase]
                call = call if isinstance(call, dict) and "service" in call \
                    else json.loads(_join_with_tokens(call))
                for i, _ in enumerate(call["parameters"].get("MetricDefinitions", [])):
                    sites.append(("Resources", logical_id, "Properties", phase, "parameters",
                                  "MetricDefinitions", i))
    return sites


@pytest.mark.parametrize("rel", TEMPLATES)
def test_every_definition_is_checked_or_said_not_to_be(rel):
    doc = read_file(PROJECTS / rel)
    found = rumrules.lint(PROJECTS / rel)
    not_checked = {f.path: f for f in found if f.code == "RUM601"}
    checked = {d.path: d for d in doc.definitions}
    sites = _definition_sites(doc)
    assert sites
    for site in sites:
        assert site in checked or site in not_checked, site
        if site in not_checked:
            continue
        definition = checked[site]
        # every member still written as an intrinsic function has its finding, at its place
        for member, value in definition.definition.items():
            if is_intrinsic(value):
                path = definition.full_path((member,))
                assert path in not_checked, (site, member)
                assert (not_checked[path].line, not_checked[path].column) == \
                    doc.locate(path)
    # and no other finding is about a value that was not checked
    for f in found:
        if f.code != "RUM601":
            assert not any(f.path[:len(p)] == p for p in not_checked), f


def test_what_was_resolved_is_said_in_the_finding():
    found, _ = _all_findings()
    by_code = {(_rel(f.file), f.code): f.message for f in found}
    assert by_code[("cfn-json/template.json", "RUM310")].endswith(
        "[value resolved from Fn::Join, Ref CartEvent (its Default)]")
    assert by_code[("cfn-json/template.json", "RUM313")].endswith(
        "[value resolved from Fn::Join]")
    assert by_code[("sam/template.yaml", "RUM001")].endswith("[value resolved from Fn::If]")
    # the CDK call's own values are literal text: no note
    assert "resolved" not in by_code[("cdk.out/StorefrontStack.template.json", "RUM204")]


def test_sam_template_values_resolved():
    doc = read_file(PROJECTS / "sam" / "template.yaml")
    (request,) = doc.requests
    assert request.app_monitor_name == "storefront-prod"  # !Join of two defaults
    by_name: dict = {}
    for d in doc.definitions:
        by_name.setdefault(d.name, []).append(d)
    (js,) = by_name["JsErrorCount"]
    assert json.loads(js.definition["EventPattern"])["metadata"] == {"pageId": ["/checkout"]}
    (nav,) = by_name["PerformanceNavigationDuration"]
    assert nav.definition["UnitLabel"] == "Milliseconds"  # !Select [1, CommaDelimitedList]
    http = by_name["Http4xxCount"]
    assert len(http) == 2 and [h.definition["UnitLabel"] for h in http] == ["Count", "Count"]
    assert [h.full_path(("EventPattern",))[-2:] for h in http] == [("Fn::If", 1),
                                                                    ("Fn::If", 2)]
    (checkout,) = by_name["CheckoutCount"]  # the other branch is AWS::NoValue
    assert checkout.definition["Namespace"] == "storefront/Checkout"
    assert doc.monitors[0]["custom_events"] is None  # !If: either, so not judged
    assert doc.monitors[0]["telemetries"] == ["errors", "http"]


def test_cdk_call_read_from_the_joined_text():
    doc = read_file(PROJECTS / "cdk.out" / "StorefrontStack.template.json")
    create, update = doc.requests[1:]
    assert create.caller == "RumMetricDefinitionsA1B2C3D4" and create.monitor == "RumAppMonitor"
    assert create.request["AppMonitorName"] == "storefront-web"  # Ref to the app monitor
    assert create.kind == "batch-create" and len(create.definitions) == 4
    assert create.definitions[3].definition["Namespace"] == {
        "Fn::ImportValue": "SharedObservability:ExportsOutputRefMetricsNamespace"}
    assert update.path[-2:] == ("Update", "parameters") and len(update.definitions) == 1
    # a character inside the EventPattern text, through two levels of escaping
    http = create.definitions[0]
    text = http.definition["EventPattern"]
    line = (PROJECTS / "cdk.out" / "StorefrontStack.template.json").read_text().splitlines()[45]
    at = http.locate(("EventPattern",), 1, text.index("http_event") + 1)
    assert at[0] == 46 and line[at[1] - 1:].startswith("http_event")


def test_stored_definitions_are_read_as_a_destination_holds_them():
    path = PROJECTS / "stored" / "batch-get-rum-metric-definitions.json"
    doc = read_file(path)
    assert doc.kind == "stored" and len(doc.definitions) == 3
    assert all("MetricDefinitionId" not in d.definition for d in doc.definitions)
    assert [f.code for f in rumrules.lint(path)] == ["RUM204"]
    # the CLI's list form and the response with NextToken
    value = json.loads(path.read_text())
    assert [f.code for f in rumrules.lint(data=value["MetricDefinitions"])] == ["RUM204"]
    assert [f.code for f in rumrules.lint(data={**value, "NextToken": "abc"})] == ["RUM204"]


def test_examples_get_no_finding_of_the_new_rules():
    found = rumrules.lint(REPO / "examples")
    assert not [f for f in found if re.match(r"RUM(313|6)", f.code)]
