"""The command line end to end: golden output of every format, stdin, directories, config,
suppression, exit codes, unreadable input, eval, explain and rule (the cfn-lint plugin:
test_cfnlint_plugin.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import pytest

from rumrules.cli import main

from ._helpers import REPO, check_golden, run_cli

TEMPLATE = "examples/cloudformation/app-monitor.yaml"


run = run_cli


@pytest.mark.parametrize("fmt,golden", [("text", "cli-check.txt"), ("json", "cli-check.json"),
                                        ("sarif", "cli-check.sarif"),
                                        ("github", "cli-check.github.txt")])
def test_check_examples_golden(fmt, golden, monkeypatch, capsys):
    code, out, _ = run(["check", "examples/", "--format", fmt], monkeypatch, capsys)
    assert code == 1
    check_golden(golden, out)


def test_json_format_shape(monkeypatch, capsys):
    _, out, _ = run(["check", TEMPLATE, "--format", "json"], monkeypatch, capsys)
    rows = json.loads(out)["findings"]
    assert rows and list(rows[0]) == ["file", "line", "column", "end_line", "end_column",
                                      "code", "severity", "message", "path", "help", "fix",
                                      "url"]
    fixed = [r for r in rows if r["fix"]]
    assert {r["code"] for r in fixed} >= {"RUM105", "RUM202"}
    assert all(r["url"].endswith(f"/docs/rules/{r['code']}.md") for r in rows)
    assert rows[0]["path"].startswith("$.Resources.")


def test_same_mistake_in_a_block_scalar_and_in_a_quoted_string(monkeypatch, capsys):
    _, out, _ = run(["check", TEMPLATE, "--format", "json", "--select", "RUM001"],
                    monkeypatch, capsys)
    lines = (REPO / TEMPLATE).read_text().splitlines()
    missing_comma = [r for r in json.loads(out)["findings"] if "missing comma" in r["message"]]
    assert len(missing_comma) == 2
    for r in missing_comma:
        text = lines[r["line"] - 1]
        assert text[r["column"] - 1:].startswith("8000"), (r, text)
    block, quoted = sorted(missing_comma, key=lambda r: r["line"])
    above = lines[:block["line"] - 1]
    assert any(line.rstrip().endswith("|") for line in above[-6:])  # inside a | block scalar
    assert chr(92) + '"' not in lines[block["line"] - 1]
    assert chr(92) + '"' in lines[quoted["line"] - 1]                  # a JSON string


def test_stdin_with_a_filename(monkeypatch, capsys):
    text = (REPO / "examples/requests/batch-create.json").read_text()
    code, out, _ = run(["check", "-", "--stdin-filename", "request.json"], monkeypatch, capsys,
                       stdin=text)
    assert code == 1 and out.startswith("request.json:16:136: RUM001")


def test_clean_input_exits_zero(monkeypatch, capsys, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps([{"Name": "SessionCount", "EventPattern": json.dumps(
        {"event_type": ["com.amazon.rum.session_start_event"]})}]))
    code, out, err = run(["check", str(good)], monkeypatch, capsys)
    assert code == 0
    assert out == "Checked 1 metric definition in 1 file.\nNo problems found.\n" and err == ""


def test_select_ignore_and_exit_zero(monkeypatch, capsys):
    code, out, _ = run(["check", TEMPLATE, "--select", "RUM3", "--format", "json"],
                       monkeypatch, capsys)
    assert {r["code"][:4] for r in json.loads(out)["findings"]} == {"RUM3"}
    code, out, _ = run(["check", TEMPLATE, "--ignore", "RUM0,RUM1,RUM2,RUM3,RUM4"],
                       monkeypatch, capsys)
    assert code == 0
    code, _, _ = run(["check", TEMPLATE, "--exit-zero"], monkeypatch, capsys)
    assert code == 0


def test_config_in_pyproject(monkeypatch, capsys, tmp_path):
    shutil.copy(REPO / TEMPLATE, tmp_path / "t.yaml")
    (tmp_path / "pyproject.toml").write_text('[tool.rumrules]\nignore = ["RUM0", "RUM1"]\n'
                                             'format = "json"\n')
    monkeypatch.chdir(tmp_path)
    code = main(["check", "t.yaml"])
    rows = json.loads(capsys.readouterr().out)["findings"]
    assert rows and not any(r["code"].startswith(("RUM0", "RUM1")) for r in rows)
    (tmp_path / "pyproject.toml").write_text('[tool.rumrules]\nnonsense = 1\n')
    assert main(["check", "t.yaml"]) == 2
    assert "unknown key 'nonsense'" in capsys.readouterr().err
    assert code == 1


def test_suppression_in_template_metadata(monkeypatch, capsys, tmp_path):
    template = textwrap.dedent("""\
        Resources:
          Monitor:
            Type: AWS::RUM::AppMonitor
            Metadata:
              rumrules:
                ignore: [RUM105]
            Properties:
              Name: shop
              Domain: example.com
              AppMonitorConfiguration:
                MetricDestinations:
                  - Destination: CloudWatch
                    MetricDefinitions:
                      - Name: Events
                        Namespace: Shop
                        UnitLabel: count
        """)
    (tmp_path / "t.yaml").write_text(template)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "t.yaml"]) == 0
    (tmp_path / "t.yaml").write_text(template.replace("ignore: [RUM105]", "ignore: []"))
    assert main(["check", "t.yaml"]) == 1
    assert "RUM105" in capsys.readouterr().out


@pytest.mark.parametrize("content,reason", [
    (None, "no such file"), ('{"MetricDefinitions": [', "t.json:1:"), (b"\xff\xfe\x00", "t.json")])
def test_unreadable_input_exits_two_with_one_line(monkeypatch, capsys, tmp_path, content, reason):
    path = tmp_path / "t.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    code, out, err = run(["check", str(path)], monkeypatch, capsys)
    assert code == 2 and out == ""
    assert reason in err and len(err.strip().splitlines()) == 1


def test_usage_errors_exit_two(monkeypatch, capsys):
    with pytest.raises(SystemExit) as info:
        run(["check"], monkeypatch, capsys)
    assert info.value.code == 2
    assert run([], monkeypatch, capsys)[0] == 2


def test_eval_json_and_emf(monkeypatch, capsys):
    args = ["eval", "--definitions", "examples/definitions.json",
            "--events", "examples/events/put-rum-events.json"]
    code, out, err = run(args, monkeypatch, capsys)
    assert code == 0
    check_golden("cli-eval.json", out)
    assert "data points" in err
    code, out, _ = run(args + ["--format", "emf"], monkeypatch, capsys)
    lines = out.splitlines()
    assert code == 0 and len(lines) == len(json.loads((REPO / "tests/cli/golden/cli-eval.json")
                                                      .read_text()))
    assert all("_aws" in json.loads(line) for line in lines)


def test_eval_json_lines_keeps_the_good_lines(monkeypatch, capsys, tmp_path):
    """A bad line (not JSON, or a request the ingestion refuses) is reported with its file
    and line; the other lines still give their data points; the exit code is 1."""
    request = json.loads((REPO / "examples/events/put-rum-events.json").read_text())
    good = json.dumps(request)
    bad_request = json.dumps({**request, "BatchId": 7})
    lines = [good, "{not json", "", bad_request, good]
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(lines) + "\n")
    args = ["eval", "--definitions", "examples/definitions.json", "--events", str(events)]
    code, out, err = run(args, monkeypatch, capsys)
    one = len(json.loads((REPO / "tests/cli/golden/cli-eval.json").read_text()))
    assert code == 1 and len(json.loads(out)) == 2 * one
    refused = [ln for ln in err.splitlines() if ln.startswith("rumrules: refused: ")]
    assert len(refused) == 2
    assert refused[0].startswith(f"rumrules: refused: {events}:2: not JSON: ")
    assert refused[1].startswith(f"rumrules: refused: {events}:4: ") and "BatchId" in refused[1]
    assert err.splitlines()[-1] == (f"{2 * one} data points from 2 request(s); 0 skipped (value "
                                    f"missing or not a number); 0 event(s) dropped; 2 of 4 "
                                    f"request(s) refused")
    # every line good: exit 0, as before
    events.write_text(good + "\n" + good + "\n")
    code, out, err = run(args, monkeypatch, capsys)
    assert code == 0 and len(json.loads(out)) == 2 * one and "refused" not in err


def test_eval_leaves_out_what_deployment_decides(monkeypatch, capsys, tmp_path):
    """A template definition with an unresolved value is not evaluated, and a note says so;
    a definition that a custom resource's Create and Update both send counts once."""
    sessions = {"Name": "SessionCount", "EventPattern":
                '{"event_type": ["com.amazon.rum.session_start_event"]}'}
    call = json.dumps({"service": "RUM", "action": "batchCreateRumMetricDefinitions",
                       "parameters": {"AppMonitorName": "shop", "Destination": "CloudWatch",
                                      "MetricDefinitions": [sessions]}})
    template = {"Resources": {
        "Monitor": {"Type": "AWS::RUM::AppMonitor", "Properties": {
            "Name": "shop", "AppMonitorConfiguration": {"MetricDestinations": [{
                "Destination": "CloudWatch", "MetricDefinitions": [
                    {"Name": "Shared", "Namespace": {"Fn::ImportValue": "ns"},
                     "EventPattern": '{"event_type": ["com.amazon.rum.page_view_event"]}'}]}]}}},
        "Metrics": {"Type": "Custom::AWS", "Properties": {"Create": call, "Update": call}}}}
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template, indent=1))
    code, out, err = run(["eval", "--definitions", str(path), "--events",
                          "examples/events/put-rum-events.json"], monkeypatch, capsys)
    assert code == 0 and [r["name"] for r in json.loads(out)] == ["SessionCount"]
    assert err.splitlines()[0] == (
        f"rumrules: note: {path}:14:23: definition 'Shared' is not evaluated: Namespace is not "
        f"known before deployment (Fn::ImportValue ns is only known at deploy time)")


def test_explain_golden(monkeypatch, capsys):
    code, out, _ = run(["explain", "--pattern", "examples/explain/navigation-tolerated.json",
                        "--event", "examples/explain/stored-events.jsonl"], monkeypatch, capsys)
    assert code == 0
    check_golden("cli-explain.txt", out)


def test_explain_inline_text_and_no_match_exit(monkeypatch, capsys):
    code, out, _ = run(["explain", "--pattern", '{"a":["x"]}', "--event", '{"a":"y"}'],
                       monkeypatch, capsys)
    assert code == 1 and "no match" in out


def test_rule_page_and_list(monkeypatch, capsys):
    code, out, _ = run(["rule", "RUM204"], monkeypatch, capsys)
    assert code == 0
    assert out.strip() == (REPO / "docs/rules/RUM204.md").read_text().strip()
    code, out, _ = run(["rule", "--list"], monkeypatch, capsys)
    assert code == 0 and "RUM001" in out and "RUM511" in out
    code, _, err = run(["rule", "RUM2O4"], monkeypatch, capsys)
    assert code == 2 and "RUM204" in err


def test_python_dash_m_and_console_script(monkeypatch):
    monkeypatch.chdir(REPO)
    run_m = subprocess.run([sys.executable, "-m", "rumrules", "check", TEMPLATE, "--select",
                            "RUM105"], capture_output=True, text=True)
    assert run_m.returncode == 1 and "RUM105" in run_m.stdout


