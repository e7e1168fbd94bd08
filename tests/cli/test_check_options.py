"""``rumrules check`` output options: ``--output-file``, ``-q``, ``--statistics`` and
``--fail-on``, and the JSON records (help, fix, end position, docs URL)."""

from __future__ import annotations

import json

import pytest

from rumrules.rules import RULES, rule_by_code

from ._helpers import REPO, run_cli

TEMPLATE = "examples/cloudformation/app-monitor.yaml"


def _definitions(tmp_path, *codes: str):
    """A list file holding the first bad example of each rule (by code)."""
    defs = [rule_by_code(c).bad[0].input for c in codes]
    path = tmp_path / "defs.json"
    path.write_text(json.dumps(defs, indent=2))
    return path


def test_fail_on_picks_the_lowest_failing_severity(tmp_path, monkeypatch, capsys):
    warning = next(r for r in RULES if str(r.severity) == "warning" and r.scope == "definition")
    info = next(r for r in RULES if str(r.severity) == "info" and r.scope == "definition")
    for code, fails_on in ((warning.code, ("warning", "note")), (info.code, ("note",))):
        path = _definitions(tmp_path, code)
        code_, out, _ = run_cli(["check", str(path), "--select", code], monkeypatch, capsys)
        assert code_ == 0 and code in out
        for level in ("error", "warning", "note"):
            exit_code, _, _ = run_cli(["check", str(path), "--select", code, "--fail-on", level],
                                      monkeypatch, capsys)
            assert exit_code == (1 if level in fails_on else 0), (code, level)


def test_fail_on_from_pyproject(tmp_path, monkeypatch, capsys):
    warning = next(r for r in RULES if str(r.severity) == "warning" and r.scope == "definition")
    path = _definitions(tmp_path, warning.code)
    (tmp_path / "pyproject.toml").write_text('[tool.rumrules]\nfail-on = "warning"\n')
    code, _, _ = run_cli(["check", "defs.json", "--select", warning.code], monkeypatch, capsys,
                         cwd=tmp_path)
    assert code == 1
    (tmp_path / "pyproject.toml").write_text('[tool.rumrules]\nfail-on = "notice"\n')
    code, _, err = run_cli(["check", "defs.json"], monkeypatch, capsys, cwd=tmp_path)
    assert code == 2 and "fail-on" in err and path.exists()


def test_output_file_gets_the_report_and_stdout_stays_empty(tmp_path, monkeypatch, capsys):
    target = tmp_path / "out.sarif"
    code, out, err = run_cli(["check", TEMPLATE, "--format", "sarif", "--output-file",
                              str(target)], monkeypatch, capsys)
    assert code == 1 and out == "" and err == ""
    log = json.loads(target.read_text(encoding="utf-8"))
    assert log["runs"][0]["results"]
    code, _, err = run_cli(["check", TEMPLATE, "-o", str(tmp_path / "missing" / "x")],
                           monkeypatch, capsys)
    assert code == 2 and "cannot write" in err


def test_quiet_prints_the_findings_only(tmp_path, monkeypatch, capsys):
    _, out, _ = run_cli(["check", TEMPLATE], monkeypatch, capsys)
    assert "Found " in out and "fixable" in out
    _, quiet, _ = run_cli(["check", TEMPLATE, "-q"], monkeypatch, capsys)
    assert quiet == "".join(line for line in out.splitlines(keepends=True)
                            if not line.startswith(("Checked ", "Found ", "[*] ")))
    (tmp_path / "empty").mkdir()
    code, out, err = run_cli(["check", "-q", str(tmp_path / "empty")], monkeypatch, capsys)
    assert (code, out, err) == (0, "", "")


def test_statistics_count_each_rule(monkeypatch, capsys):
    _, out, _ = run_cli(["check", "examples/", "--format", "json"], monkeypatch, capsys)
    rows = json.loads(out)["findings"]
    code, text, _ = run_cli(["check", "examples/", "--statistics"], monkeypatch, capsys)
    assert code == 1
    counted = {line.split()[1]: int(line.split()[0]) for line in text.splitlines()}
    expected: dict[str, int] = {}
    for r in rows:
        expected[r["code"]] = expected.get(r["code"], 0) + 1
    assert counted == expected
    assert "RUM105  [*] unit-label" in text
    _, as_json, _ = run_cli(["check", "examples/", "--statistics", "--format", "json"],
                            monkeypatch, capsys)
    stats = json.loads(as_json)
    assert {s["code"]: s["count"] for s in stats} == expected
    assert [s["count"] for s in stats] == sorted((s["count"] for s in stats), reverse=True)


def test_json_records_carry_help_fix_end_and_url(monkeypatch, capsys):
    _, out, _ = run_cli(["check", TEMPLATE, "--format", "json"], monkeypatch, capsys)
    rows = json.loads(out)["findings"]
    unit = next(r for r in rows if r["code"] == "RUM105")
    assert unit["help"] == "write 'Count'"
    assert unit["url"].endswith("docs/rules/RUM105.md")
    assert (unit["line"], unit["column"], unit["end_line"], unit["end_column"]) == (71, 28, 71, 33)
    assert unit["fix"] == {"applicability": "safe", "message": "write 'Count'", "edits": [
        {"content": "Count", "line": 71, "column": 28, "end_line": 71, "end_column": 33}]}
    text = (REPO / TEMPLATE).read_text(encoding="utf-8").splitlines()
    assert text[70][27:32] == "count"   # the span is the value as written
    assert all(r["end_line"] >= r["line"] for r in rows)


@pytest.mark.parametrize("argv", [["--fail-on", "notice"], ["--statistics", "--format", "xml"]])
def test_bad_option_values_are_usage_errors(argv, monkeypatch, capsys):
    with pytest.raises(SystemExit) as exc:
        run_cli(["check", TEMPLATE, *argv], monkeypatch, capsys)
    assert exc.value.code == 2


def test_sarif_fixes_are_the_json_fixes(monkeypatch, capsys):
    import jsonschema

    from .test_formatters import _schema

    _, out, _ = run_cli(["check", TEMPLATE, "--format", "json"], monkeypatch, capsys)
    rows = [r for r in json.loads(out)["findings"] if r["fix"]]
    _, sarif, _ = run_cli(["check", TEMPLATE, "--format", "sarif"], monkeypatch, capsys)
    log = json.loads(sarif)
    jsonschema.validate(log, _schema())
    results = [r for r in log["runs"][0]["results"] if "fixes" in r]
    assert len(results) == len(rows) >= 2
    for row, result in zip(rows, results):
        (change,) = result["fixes"][0]["artifactChanges"]
        assert change["artifactLocation"]["uri"] == row["file"]
        assert [{"content": r["insertedContent"]["text"], "line": r["deletedRegion"]["startLine"],
                 "column": r["deletedRegion"]["startColumn"],
                 "end_line": r["deletedRegion"]["endLine"],
                 "end_column": r["deletedRegion"]["endColumn"]}
                for r in change["replacements"]] == row["fix"]["edits"]
        assert ("unsafe" in result["fixes"][0]["description"]["text"]) == \
            (row["fix"]["applicability"] == "unsafe")
