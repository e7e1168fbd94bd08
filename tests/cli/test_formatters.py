"""The output formatters: golden files on the examples, SARIF structure, escaping."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import jsonschema
import pytest

from rumrules.cli.formatters import (FINGERPRINT_KEY, FORMATS, Finding, artifact_uri,
                                     as_finding, escape_data, escape_property, fingerprint,
                                     format_github, format_json, format_sarif, format_text,
                                     render, rule_metadata, sarif_log, severity_of,
                                     sort_findings, summary_line, use_color)
from rumrules.errors import Diagnostic, Severity

from ._helpers import DATA, FAKE_RULES, REPO, check_golden, example_findings

VERSION = "0.0.0-test"


def _lookup(code):
    return FAKE_RULES.get(code)


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    """File names of the findings are relative to the repository, as in a CI run."""
    monkeypatch.chdir(REPO)


@pytest.fixture(scope="module")
def findings():
    found = example_findings()
    assert len(found) == 6  # 3 JSON errors in the template/request, 1 AWS/ namespace...
    return found


# ---- golden files ----------------------------------------------------------------------

def test_golden_text(findings):
    check_golden("examples.txt", format_text(findings))


def test_golden_text_colour(findings):
    check_golden("examples.color.txt", format_text(findings, color=True))


def test_golden_json(findings):
    check_golden("examples.json", format_json(findings))


def test_golden_sarif(findings):
    text = format_sarif(findings, rule_lookup=_lookup, tool_version=VERSION,
                        base_dir=str(REPO))
    check_golden("examples.sarif", text)


def test_golden_github(findings):
    check_golden("examples.github.txt", format_github(findings))


def test_golden_no_findings():
    check_golden("empty.txt", format_text([]))
    check_golden("empty.json", format_json([]))
    check_golden("empty.github.txt", format_github([]))
    check_golden("empty.sarif", format_sarif([], rule_lookup=_lookup, rules=sorted(FAKE_RULES),
                                             tool_version=VERSION, base_dir=str(REPO)))


# ---- the finding record ----------------------------------------------------------------

def test_finding_from_diagnostic_and_mappings():
    diag = Diagnostic("RUM101", Severity.WARNING, "bad", ("EventPattern",), 2, 3, hint="fix")
    f = Finding.from_diagnostic(diag, file="a.yaml", line=10, column=4,
                                path=("MetricDefinitions", 0, "EventPattern"))
    assert f == Finding("a.yaml", 10, 4, "RUM101", "warning", "bad",
                        ("MetricDefinitions", 0, "EventPattern"), "fix")
    assert f.to_dict() == {"file": "a.yaml", "line": 10, "column": 4, "end_line": None,
                           "end_column": None, "code": "RUM101",
                           "severity": "warning", "message": "bad",
                           "path": "$.MetricDefinitions[0].EventPattern", "help": "fix",
                           "fix": None,
                           "url": "https://github.com/rumrules/rumrules/blob/main/docs/rules/"
                                  "RUM101.md"}
    assert as_finding(f.to_dict() | {"path": list(f.path), "hint": "fix"}) == f
    assert as_finding(f) is f

    class Obj:
        file, line, column, code, severity, message, path = "b", 1, 2, "X1", "info", "m", ["a"]

    assert as_finding(Obj()) == Finding("b", 1, 2, "X1", "info", "m", ("a",))
    assert [severity_of(s) for s in (Severity.ERROR, "note", "WARNING", "informational", "?")] \
        == ["error", "info", "warning", "info", "error"]


def test_findings_are_sorted():
    a = Finding("b.yaml", 1, 1, "RUM1", "error", "m")
    b = Finding("a.yaml", 9, 1, "RUM1", "error", "m")
    c = Finding("a.yaml", 2, 7, "RUM2", "error", "m")
    d = Finding("a.yaml", 2, 7, "RUM1", "error", "m")
    assert sort_findings([a, b, c, d]) == [d, c, b, a]


# ---- text --------------------------------------------------------------------------------

def test_text_lines_and_summary():
    out = format_text([Finding("a.yaml", 3, 5, "RUM101", "error", "bad"),
                       Finding("-", None, None, "RUM2", "info", "two\nlines")])
    assert out.splitlines() == ["-: RUM2 two", "    lines", "a.yaml:3:5: RUM101 bad",
                                "Found 2 problems (1 error, 1 info note)."]
    assert summary_line({"error": 0, "warning": 2, "info": 0}) == "Found 2 problems (2 warnings)."
    assert format_text([]) == "No problems found.\n"
    assert format_text([], summary=False) == ""


def test_use_color(monkeypatch):
    class Tty:
        def isatty(self):
            return True

    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    assert use_color(Tty()) and not use_color(None)
    assert not use_color(open(os.devnull, "w"))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(Tty())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not use_color(Tty())
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert use_color(None)
    f = [Finding("a", 1, 1, "X1", "warning", "m")]
    assert "\033[" in render(f, "text", stream=None)
    assert "\033[" not in render(f, "text", color=False)


# ---- json --------------------------------------------------------------------------------

def test_json_records(findings):
    records = json.loads(format_json(findings))
    assert all(list(r) == ["file", "line", "column", "end_line", "end_column", "code",
                           "severity", "message", "path", "help", "fix", "url"]
               for r in records)
    assert records[0]["path"] == ("$.Resources.StorefrontMonitor.Properties."
                                  "AppMonitorConfiguration.MetricDestinations[0]."
                                  "MetricDefinitions[1].EventPattern")
    weird = Finding("f", 1, 1, "X", "error", "m", ("a b", 0, "c.d", 2))
    assert json.loads(format_json([weird]))[0]["path"] == '$["a b"][0]["c.d"][2]'


# ---- github ------------------------------------------------------------------------------

def test_github_escaping():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    out = format_github([
        Finding("dir,x/a:b.yaml", 3, 5, "RUM101", "error", "50%: bad, really\nsecond"),
        Finding("c.json", 1, None, "RUM2", "warning", "w", hint="do this"),
        Finding("c.json", None, None, "RUM3", "info", "i")])
    assert out.splitlines() == [
        "::notice file=c.json,title=RUM3::i",
        "::warning file=c.json,line=1,title=RUM2::w%0Ado this",
        "::error file=dir%2Cx/a%3Ab.yaml,line=3,col=5,title=RUM101::50%25: bad, really%0Asecond",
    ]


# ---- sarif -------------------------------------------------------------------------------

def _schema():
    return json.loads((DATA / "sarif-2.1.0-subset.schema.json").read_text())


def _full_schema():
    """The complete OASIS schema, when some installed package ships it."""
    for base in sys.path:
        if not base or not os.path.isdir(base):
            continue
        for found in Path(base).glob("*/**/sarif-schema-2.1.0.json"):
            return json.loads(found.read_text())
    return None


def test_sarif_is_valid(findings):
    log = sarif_log(findings, rule_lookup=_lookup, tool_version=VERSION, base_dir=str(REPO))
    jsonschema.validate(log, _schema())
    full = _full_schema()
    if full is not None:  # pragma: no cover - depends on the environment
        jsonschema.validate(log, full)


def test_sarif_meets_github_requirements(findings):
    log = sarif_log(findings, rule_lookup=_lookup, tool_version=VERSION, base_dir=str(REPO))
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "rumrules" and driver["version"] == VERSION
    assert urlparse(driver["informationUri"]).scheme == "https"
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(set(ids)) == ["TST001", "TST002", "TST003"]
    for rule in driver["rules"]:
        meta = FAKE_RULES[rule["id"]]
        assert rule["name"] == meta.name
        assert rule["shortDescription"]["text"] == meta.summary
        assert rule["fullDescription"]["text"]
        assert rule["helpUri"].endswith(f"docs/rules/{rule['id']}.md")
        assert urlparse(rule["helpUri"]).scheme == "https"
        assert rule["defaultConfiguration"]["level"] == \
            {"error": "error", "warning": "warning", "info": "note"}[meta.severity]
    assert run["columnKind"] == "unicodeCodePoints"
    assert len(run["results"]) == len(findings)
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert not urlparse(uri).scheme and "\\" not in uri and not uri.startswith("/")
        assert (REPO / unquote(uri)).is_file()
        assert physical["region"]["startLine"] >= 1 and physical["region"]["startColumn"] >= 1
        assert set(result["partialFingerprints"]) == {FINGERPRINT_KEY}
    fps = [r["partialFingerprints"][FINGERPRINT_KEY] for r in run["results"]]
    assert len(set(fps)) == len(fps)


def test_sarif_fingerprints_do_not_depend_on_lines():
    a = Finding("x/a.yaml", 10, 3, "RUM1", "error", "m", ("Resources", "M"))
    moved = Finding("x/a.yaml", 42, 9, "RUM1", "error", "m", ("Resources", "M"))
    other = Finding("x/a.yaml", 10, 3, "RUM1", "error", "m", ("Resources", "N"))

    def fp(f):
        log = sarif_log([f], tool_version="1")  # relative to the current folder
        return log["runs"][0]["results"][0]["partialFingerprints"][FINGERPRINT_KEY]

    assert fp(a) == fp(moved) != fp(other)
    assert fp(a) == fingerprint("RUM1", "x/a.yaml", "$.Resources.M", "m")
    # identical findings stay distinct, and stable in order
    log = sarif_log([a, moved], tool_version="1")
    first, second = (r["partialFingerprints"][FINGERPRINT_KEY] for r in log["runs"][0]["results"])
    assert first == fp(a) and second == fingerprint("RUM1", "x/a.yaml", "$.Resources.M", "m", 1)


def test_sarif_fingerprints_hash_the_key_when_there_is_one():
    key = '["Monitor", "CloudWatch", null, "definition", "CartErrors", "Namespace"]'
    a = Finding("t.yaml", 10, 3, "RUM301", "error", "m", ("MetricDefinitions", 0), key=key)
    moved = Finding("t.yaml", 20, 3, "RUM301", "error", "reworded",
                    ("MetricDefinitions", 1), key=key)
    other = Finding("t.yaml", 10, 3, "RUM301", "error", "m", ("MetricDefinitions", 0),
                    key=key.replace("CartErrors", "CheckoutErrors"))

    def fp(f):
        log = sarif_log([f], tool_version="1")
        return log["runs"][0]["results"][0]["partialFingerprints"][FINGERPRINT_KEY]

    assert fp(a) == fp(moved) == fingerprint("RUM301", "t.yaml", key) != fp(other)
    assert as_finding({"file": "t.yaml", "code": "RUM301", "key": key}).key == key
    assert "key" not in a.to_dict()     # --format json keeps its fixed members


def test_sarif_uris(tmp_path):
    base = str(tmp_path)
    assert artifact_uri(str(tmp_path / "a b" / "t.yaml"), base) == "a%20b/t.yaml"
    assert artifact_uri("rel/x.json", os.getcwd()) == "rel/x.json"
    outside = artifact_uri("/elsewhere/x.yaml", base)
    assert outside == "file:///elsewhere/x.yaml"
    assert artifact_uri("<stdin>") == "%3Cstdin%3E"  # display names are relative to the cwd


def test_sarif_without_rule_metadata_and_with_hints():
    log = sarif_log([Finding("a", 1, None, "ZZZ9", "info", "m", hint="h")], base_dir="/",
                    tool_version="1")
    jsonschema.validate(log, _schema())
    run = log["runs"][0]
    assert run["tool"]["driver"]["rules"] == [{
        "id": "ZZZ9", "helpUri": "https://github.com/rumrules/rumrules/blob/main/docs/rules/ZZZ9.md",
        "defaultConfiguration": {"level": "error"}}]
    result = run["results"][0]
    assert result["message"]["text"] == "m (h)" and result["level"] == "note"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert "logicalLocations" not in result["locations"][0]


def test_rule_metadata_accepts_objects_mappings_and_failing_lookups():
    assert rule_metadata("TST002", _lookup)["severity"] == "warning"
    assert rule_metadata("X", {"X": {"name": "n", "summary": "s", "severity": Severity.INFO}}.get) \
        == {"name": "n", "summary": "s", "description": "s", "severity": "info", "source": None}

    def broken(code):
        raise KeyError(code)

    assert rule_metadata("X", broken)["name"] is None


def test_render_dispatch(findings):
    for name in FORMATS:
        assert render(findings, name, rule_lookup=_lookup, color=False, tool_version=VERSION,
                      base_dir=str(REPO))
    with pytest.raises(ValueError, match="unknown format"):
        render(findings, "xml")


def test_hints_already_in_the_message_are_not_repeated():
    said = Finding("a", 1, 1, "X1", "error", "bad; did you mean >=?", hint="did you mean >=?")
    new = Finding("a", 2, 1, "X1", "error", "bad", hint="use >=")
    assert said.extra_hint is None and new.extra_hint == "use >="
    assert format_text([said, new], summary=False).splitlines() == [
        "a:1:1: X1 bad; did you mean >=?", "a:2:1: X1 bad", "    help: use >="]
    assert format_github([said]).endswith("::bad; did you mean >=?\n")
    results = sarif_log([said, new], tool_version="1")["runs"][0]["results"]
    assert [r["message"]["text"] for r in results] == ["bad; did you mean >=?", "bad (use >=)"]
