"""``action.yml``, the composite GitHub Action: valid against the GitHub Action schema that
check-jsonschema vendors (``--builtin-schema vendor.github-actions``), and its steps run here
as GitHub would run them (bash, the inputs in the environment)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"


def _check_jsonschema(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           "vendor.github-actions", str(path)], capture_output=True, text=True,
                          timeout=120)


def test_action_is_valid_against_the_github_action_schema(tmp_path):
    done = _check_jsonschema(ACTION)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    broken["runs"] = {"using": "composite", "steps": [{"run": "echo no shell"}]}
    (tmp_path / "action.yml").write_text(yaml.safe_dump(broken))
    done = _check_jsonschema(tmp_path / "action.yml")
    assert done.returncode == 1, done.stdout   # a composite run step needs a shell


def _step(name: str) -> dict:
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return next(s for s in action["runs"]["steps"] if s.get("name") == name)


def _run_step(name: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    step = _step(name)
    assert step["shell"] == "bash"
    full = dict(os.environ, **env, NO_COLOR="1")
    full["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), full.get("PATH", "")])
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=120)


def test_the_check_steps_run_as_github_runs_them(tmp_path):
    output = tmp_path / "github_output"
    sarif = tmp_path / "out.sarif"
    env = {"PATHS": "examples/requests examples/definitions", "ARGS": "--select RUM1,RUM3",
           "SARIF_FILE": str(sarif), "GITHUB_OUTPUT": str(output)}
    done = _run_step("Check (SARIF)", env, ROOT)
    assert done.returncode == 0, done.stderr
    log = json.loads(sarif.read_text(encoding="utf-8"))
    codes = {r["ruleId"] for r in log["runs"][0]["results"]}
    assert codes and all(c.startswith(("RUM1", "RUM3")) for c in codes)
    assert output.read_text() == f"sarif-file={sarif}\n"
    done = _run_step("Annotate (and fail on findings)", env, ROOT)
    assert done.returncode == 1
    assert done.stdout.startswith("::error file=examples/") and "Found" not in done.stdout


def test_unreadable_input_fails_the_sarif_step(tmp_path):
    env = {"PATHS": "missing.json", "ARGS": "", "SARIF_FILE": str(tmp_path / "x.sarif"),
           "GITHUB_OUTPUT": str(tmp_path / "out")}
    done = _run_step("Check (SARIF)", env, tmp_path)
    assert done.returncode == 2 and "missing.json" in done.stderr
    assert not (tmp_path / "out").exists()
