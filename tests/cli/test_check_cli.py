"""``rumrules check``: suppression of one definition by its Name, select/ignore entries that
name no rule, ``--skip-unrecognized`` and the pre-commit hook, the note for a directory
without definitions, and SARIF fingerprints that survive an inserted definition."""

from __future__ import annotations

import copy
import json
import re
import shlex

import pytest
import yaml

from rumrules.cli.formatters import FINGERPRINT_KEY

from ._helpers import REPO, run_cli

PAGE_VIEWS = {"Name": "PageViewCount", "UnitLabel": "Count",
              "EventPattern": '{"event_type": ["com.amazon.rum.page_view_event"]}'}
SESSIONS = {"Name": "SessionCount", "UnitLabel": "Count",
            "EventPattern": '{"event_type": ["com.amazon.rum.session_start_event"]}'}


def _custom(name: str, event: str) -> dict:
    """A custom metric with a reserved namespace: one RUM301 finding on its Namespace."""
    return {"Name": name, "Namespace": "AWS/Shop", "UnitLabel": "Count",
            "EventPattern": json.dumps({"event_type": [event]})}


def _template(metadata: dict | None, definitions: list, *, on_template: bool = False) -> dict:
    monitor = {"Type": "AWS::RUM::AppMonitor",
               "Properties": {"Name": "shop", "Domain": "example.com",
                              "CustomEvents": {"Status": "ENABLED"},
                              "AppMonitorConfiguration": {"MetricDestinations": [
                                  {"Destination": "CloudWatch",
                                   "MetricDefinitions": definitions}]}}}
    template = {"AWSTemplateFormatVersion": "2010-09-09",
                "Conditions": {"Sessions": {"Fn::Equals": ["a", "a"]}},
                "Resources": {"Monitor": monitor}}
    if metadata is not None:
        (template if on_template else monitor)["Metadata"] = {"rumrules": metadata}
    return template


# An Fn::If item first: its two branches are checked as two definitions, so the checked
# index of CheckoutErrors (2) differs from its index in the file (1).
DEFINITIONS = [{"Fn::If": ["Sessions", PAGE_VIEWS, SESSIONS]},
               _custom("CheckoutErrors", "shop.checkout_error"),
               _custom("CartErrors", "shop.cart_error")]


def _write(tmp_path, template: dict, syntax: str):
    path = tmp_path / f"t.{syntax}"
    if syntax == "json":
        path.write_text(json.dumps(template, indent=2))
    else:
        path.write_text(yaml.safe_dump(template, sort_keys=False))
    return path


_check = run_cli


def _rows(tmp_path, template, syntax, monkeypatch, capsys):
    path = _write(tmp_path, template, syntax)
    code, out, err = _check(["check", str(path), "--format", "json"], monkeypatch, capsys)
    assert err == ""
    return code, [(r["code"], r["path"]) for r in json.loads(out)["findings"]]


NS = "$.Resources.Monitor.Properties.AppMonitorConfiguration.MetricDestinations[0]" \
     ".MetricDefinitions[{}].Namespace"


@pytest.mark.parametrize("syntax", ["yaml", "json"])
@pytest.mark.parametrize("metadata,on_template", [
    ({"definitions": {"CheckoutErrors": ["RUM301"]}}, False),
    ({"definitions": {"CheckoutErrors": ["rum3"]}}, False),                # prefix, any case
    ({"definitions": {"CheckoutErrors": "RUM203, RUM301"}}, False),        # one string
    ({"definitions": {"CheckoutErrors": {"ignore": ["RUM301"]}}}, False),  # mapping form
    ({"definitions": {"CheckoutErrors": ["RUM301"]}}, True),               # template Metadata
])
def test_suppression_of_one_definition_by_its_name(syntax, metadata, on_template, tmp_path,
                                                   monkeypatch, capsys):
    code, rows = _rows(tmp_path, _template(None, DEFINITIONS), syntax, monkeypatch, capsys)
    assert code == 1 and rows == [("RUM301", NS.format(1)), ("RUM301", NS.format(2))]
    code, rows = _rows(tmp_path, _template(metadata, DEFINITIONS, on_template=on_template),
                       syntax, monkeypatch, capsys)
    assert code == 1 and rows == [("RUM301", NS.format(2))]   # CartErrors only


@pytest.mark.parametrize("syntax", ["yaml", "json"])
def test_per_definition_suppression_names_only_that_definition(syntax, tmp_path, monkeypatch,
                                                               capsys):
    metadata = {"definitions": {"CheckoutErrors": ["RUM1"], "NoSuchMetric": ["RUM301"]}}
    code, rows = _rows(tmp_path, _template(metadata, DEFINITIONS), syntax, monkeypatch, capsys)
    assert code == 1 and rows == [("RUM301", NS.format(1)), ("RUM301", NS.format(2))]
    both = {"definitions": {"CheckoutErrors": ["RUM301"], "CartErrors": ["RUM301"]}}
    code, rows = _rows(tmp_path, _template(both, DEFINITIONS), syntax, monkeypatch, capsys)
    assert code == 0 and rows == []


# ---- --select / --ignore entries that name no rule --------------------------------------

TEMPLATE = "examples/cloudformation/app-monitor.yaml"


@pytest.mark.parametrize("option", ["--select", "--ignore"])
@pytest.mark.parametrize("entry", ["XYZ", "RUM9999", "RUM7", "RUM105,RUM9"])
def test_select_or_ignore_entry_that_names_no_rule_exits_two(option, entry, monkeypatch,
                                                             capsys):
    code, out, err = _check(["check", TEMPLATE, option, entry], monkeypatch, capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"rumrules: error: {option}: ") and "matches no rule code" in err
    assert len(err.strip().splitlines()) == 1


def test_select_and_ignore_are_case_insensitive(monkeypatch, capsys):
    code, out, _ = _check(["check", TEMPLATE, "--select", "rum3", "--format", "json"],
                          monkeypatch, capsys)
    codes = {r["code"] for r in json.loads(out)["findings"]}
    assert code == 1 and codes == {"RUM301", "RUM309"}
    code, out, _ = _check(["check", TEMPLATE, "--select", "rum3", "--ignore", "rum309",
                           "--format", "json"], monkeypatch, capsys)
    assert {r["code"] for r in json.loads(out)["findings"]} == {"RUM301"}
    code, out, _ = _check(["check", TEMPLATE, "--select", "all", "--ignore",
                           "rum0,rum1,rum2,rum3,rum4"], monkeypatch, capsys)
    assert code == 0 and out == "Checked 12 metric definitions in 1 file.\nNo problems found.\n"


@pytest.mark.parametrize("key,value", [("select", '["RUM9999"]'), ("ignore", '"rum2, XYZ"')])
def test_config_entry_that_names_no_rule_exits_two(key, value, tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text(f"[tool.rumrules]\n{key} = {value}\n")
    code, out, err = _check(["check", str(REPO / TEMPLATE)], monkeypatch, capsys, cwd=tmp_path)
    assert code == 2 and out == ""
    assert f"[tool.rumrules] {key}: " in err and "matches no rule code" in err


def test_config_entries_are_case_insensitive(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.rumrules]\nselect = ["rum105"]\n')
    code, out, _ = _check(["check", str(REPO / TEMPLATE), "--format", "json"], monkeypatch,
                          capsys, cwd=tmp_path)
    assert code == 1 and [r["code"] for r in json.loads(out)["findings"]] == ["RUM105"]


def test_config_lookup_as_documented(tmp_path, monkeypatch, capsys):
    """The first pyproject.toml from the current directory upward, even without the table;
    never the checked file's folder; --config wins."""
    (tmp_path / "pyproject.toml").write_text('[tool.rumrules]\nselect = ["RUM105"]\n')
    child = tmp_path / "a" / "b"
    child.mkdir(parents=True)
    target = ["check", str(REPO / TEMPLATE), "--format", "json"]

    def codes(cwd, *extra):
        code, out, err = _check([*target, *extra], monkeypatch, capsys, cwd=cwd)
        assert err == "", err
        return {r["code"] for r in json.loads(out)["findings"]}

    assert codes(child) == {"RUM105"}                            # found two levels up
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert len(codes(child)) > 1                                 # nearest one, no table
    assert codes(child, "--config", str(tmp_path / "pyproject.toml")) == {"RUM105"}
    assert codes(child, "--config", str(tmp_path / "pyproject.toml"),
                 "--select", "RUM3") == {"RUM301", "RUM309"}     # --select replaces


# ---- --skip-unrecognized and the pre-commit hook -----------------------------------------

def _repo_files(tmp_path):
    (tmp_path / "package.json").write_text('{"name": "shop", "version": "1.0.0"}\n')
    (tmp_path / "ci.yml").write_text("on: push\njobs: {}\n")
    (tmp_path / "broken.yaml").write_text("key: [unclosed\n")        # not ours, not YAML
    (tmp_path / "monitor.template").write_text(
        json.dumps(_template(None, [_custom("CartErrors", "shop.cart_error")]), indent=2))
    return ["package.json", "ci.yml", "broken.yaml", "monitor.template"]


def test_named_file_of_another_shape_exits_two_without_the_option(tmp_path, monkeypatch,
                                                                  capsys):
    _repo_files(tmp_path)
    code, out, err = _check(["check", "package.json", "monitor.template"], monkeypatch,
                            capsys, cwd=tmp_path)
    assert code == 2 and "package.json:1:1: not a metric definition request" in err


def test_skip_unrecognized_skips_named_files_of_another_shape(tmp_path, monkeypatch, capsys):
    files = _repo_files(tmp_path)
    code, out, err = _check(["check", "--skip-unrecognized", *files], monkeypatch, capsys,
                            cwd=tmp_path)
    assert code == 1 and err == ""
    assert out.startswith("monitor.template:") and " RUM301 " in out
    assert out.endswith("Found 1 problem (1 error).\n1 fixable with --fix --unsafe-fixes.\n")
    code, out, err = _check(["check", "--skip-unrecognized", "package.json", "ci.yml"],
                            monkeypatch, capsys, cwd=tmp_path)
    nothing = "Checked 0 metric definitions in 0 files.\nNo problems found.\n"
    assert (code, out, err) == (0, nothing, "")
    code, out, _ = _check(["check", "--skip-unrecognized", "-"], monkeypatch, capsys,
                          cwd=tmp_path, stdin='{"name": "shop"}')
    assert (code, out) == (0, nothing)


def test_skip_unrecognized_still_reports_broken_definition_files(tmp_path, monkeypatch,
                                                                 capsys):
    (tmp_path / "defs.json").write_text('{"MetricDefinitions": [')
    code, out, err = _check(["check", "--skip-unrecognized", "defs.json"], monkeypatch, capsys,
                            cwd=tmp_path)
    assert code == 2 and "defs.json:1:" in err
    code, _, err = _check(["check", "--skip-unrecognized", "missing.json"], monkeypatch,
                          capsys, cwd=tmp_path)
    assert code == 2 and "no such file" in err


def _hook() -> dict:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    return hook


def test_pre_commit_hook_passes_a_normal_repository(tmp_path, monkeypatch, capsys):
    """Run the hook's entry as pre-commit does: with every file its filters select."""
    hook = _hook()
    files = _repo_files(tmp_path)
    (tmp_path / "README.md").write_text("# shop\n")
    pattern = re.compile(hook["files"])
    selected = sorted(p.name for p in tmp_path.iterdir() if pattern.search(p.name))
    assert selected == sorted(files)                 # .template included, README.md not
    assert pattern.search("CONFIG.JSON") and pattern.search("a.yml")
    assert set(hook.get("types", [])) <= {"text", "file"} and "types_or" not in hook
    entry = shlex.split(hook["entry"])
    assert entry[:2] == ["rumrules", "check"]
    code, out, err = _check([*entry[1:], *selected], monkeypatch, capsys, cwd=tmp_path)
    assert code == 1 and err == "" and "monitor.template:" in out
    (tmp_path / "monitor.template").unlink()
    code, out, err = _check([*entry[1:], "package.json", "ci.yml", "broken.yaml"], monkeypatch,
                            capsys, cwd=tmp_path)
    assert (code, err) == (0, "")


# ---- directories without definitions -----------------------------------------------------

def test_directory_without_definitions_gets_a_note(tmp_path, monkeypatch, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "package.json").write_text('{"name": "x"}')
    code, out, err = _check(["check", "empty", "other"], monkeypatch, capsys, cwd=tmp_path)
    assert code == 0 and out == "Checked 0 metric definitions in 0 files.\nNo problems found.\n"
    assert err.splitlines() == [
        "empty: note: no metric definitions found in this directory (it has no "
        "*.json/*.yaml/*.yml/*.template files)",
        "other: note: no metric definitions found in this directory (none of its 1 "
        "*.json/*.yaml/*.yml/*.template file holds any)"]
    code, out, err = _check(["check", str(REPO / "examples")], monkeypatch, capsys)
    assert code == 1 and err == ""


# ---- SARIF fingerprints -------------------------------------------------------------------

def _fingerprints(tmp_path, template, syntax, monkeypatch, capsys):
    path = _write(tmp_path, template, syntax)
    code, out, _ = _check(["check", str(path), "--format", "sarif"], monkeypatch, capsys,
                          cwd=tmp_path)
    results = json.loads(out)["runs"][0]["results"]
    return {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]):
            (r["partialFingerprints"][FINGERPRINT_KEY],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results}


@pytest.mark.parametrize("syntax", ["yaml", "json"])
def test_sarif_fingerprints_survive_an_inserted_definition(syntax, tmp_path, monkeypatch,
                                                           capsys):
    definitions = [_custom("CheckoutErrors", "shop.checkout_error"),
                   {**_custom("CartErrors", "shop.cart_error"), "UnitLabel": "count"}]
    before = _fingerprints(tmp_path, _template(None, definitions), syntax, monkeypatch, capsys)
    inserted = [_custom("WishlistErrors", "shop.wishlist_error"), *copy.deepcopy(definitions)]
    after = _fingerprints(tmp_path, _template(None, inserted), syntax, monkeypatch, capsys)
    assert len(before) == 3 and len(after) == 4
    path = NS.replace(".Namespace", "").format
    for (code, where), (fp, line) in before.items():
        field = where.rsplit(".", 1)[1]
        index = int(re.search(r"MetricDefinitions\[(\d)\]", where).group(1))
        fp_after, line_after = after[(code, f"{path(index + 1)}.{field}")]
        assert line_after > line and fp_after == fp, (code, where)
    new = after[("RUM301", path(0) + ".Namespace")][0]
    assert new not in {fp for fp, _ in before.values()}


def test_sarif_fingerprints_tell_app_monitors_and_destinations_apart(tmp_path, monkeypatch,
                                                                     capsys):
    """The same definition in two app monitors (or two destinations) has two fingerprints,
    and each keeps its own when the other goes away."""
    template = _template(None, [_custom("CartErrors", "shop.cart_error")])
    monitor = template["Resources"].pop("Monitor")
    template["Resources"] = {"First": monitor, "Second": copy.deepcopy(monitor)}
    both = _fingerprints(tmp_path, template, "yaml", monkeypatch, capsys)
    assert len({fp for fp, _ in both.values()}) == 2
    del template["Resources"]["First"]
    (alone,) = _fingerprints(tmp_path, template, "yaml", monkeypatch, capsys).values()
    assert alone[0] == both[("RUM301", NS.replace("Monitor.", "Second.").format(0))][0]
    destinations = monitor["Properties"]["AppMonitorConfiguration"]["MetricDestinations"]
    destinations.insert(0, {"Destination": "Evidently",
                            "DestinationArn": "arn:aws:evidently:us-east-1:123456789012:"
                                              "project/shop/feature/checkout",
                            "MetricDefinitions": [_custom("CartErrors", "shop.cart_error")]})
    template["Resources"] = {"Monitor": monitor}
    two = _fingerprints(tmp_path, template, "yaml", monkeypatch, capsys)
    cloudwatch = two[("RUM301", NS.replace("[0]", "[1]", 1).format(0))][0]
    del destinations[0]
    (alone,) = _fingerprints(tmp_path, template, "yaml", monkeypatch, capsys).values()
    assert alone[0] == cloudwatch


def test_examples_readme_suppression_snippet_works_on_the_bundled_template(tmp_path,
                                                                          monkeypatch, capsys):
    """The Metadata block of examples/README.md, pasted into the bundled template."""
    readme = (REPO / "examples/README.md").read_text(encoding="utf-8")
    snippet = readme[readme.index("## Suppressing"):]
    snippet = snippet[snippet.index("```yaml\n") + 8:]
    snippet = snippet[:snippet.index("```")]
    lines = snippet.splitlines(keepends=True)
    metadata = "".join(lines[next(i for i, ln in enumerate(lines) if "Metadata:" in ln):])
    text = (REPO / TEMPLATE).read_text(encoding="utf-8")
    anchor = "    Type: AWS::RUM::AppMonitor\n"
    assert anchor in text and "StorefrontMonitor:" in snippet
    (tmp_path / "t.yaml").write_text(text.replace(anchor, anchor + metadata))
    (tmp_path / "u.yaml").write_text(text)
    _, out, _ = _check(["check", "u.yaml", "--format", "json"], monkeypatch, capsys,
                       cwd=tmp_path)
    before = {r["code"] for r in json.loads(out)["findings"]}
    _, out, _ = _check(["check", "t.yaml", "--format", "json"], monkeypatch, capsys,
                       cwd=tmp_path)
    after = {r["code"] for r in json.loads(out)["findings"]}
    assert {"RUM301", "RUM401"} <= before
    assert after == before - {"RUM301", "RUM401"}
