"""Shared by the CLI reader/formatter tests: paths, golden files, findings on the examples."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

from rumrules.linter import Finding
from rumrules.linter.sources import read_file

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
DATA = Path(__file__).resolve().parent / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"

EXAMPLE_FILES = (
    "examples/cloudformation/app-monitor.yaml",
    "examples/requests/batch-create.json",
    "examples/requests/update-cli-input.json",
    "examples/definitions/custom-metrics.yaml",
)

_UNITS = {"Seconds", "Microseconds", "Milliseconds", "Bytes", "Count", "None", "Percent"}


class FakeRule:
    def __init__(self, code, name, severity, summary, source):
        self.code, self.name, self.severity = code, name, severity
        self.summary, self.source = summary, source


FAKE_RULES = {
    "TST001": FakeRule("TST001", "pattern-json-syntax", "error",
                       "EventPattern must be valid JSON text.", "RFC 8259"),
    "TST002": FakeRule("TST002", "custom-namespace-aws-prefix", "warning",
                       "A custom metric's Namespace must not start with AWS/.",
                       "API reference, MetricDefinitionRequest.Namespace"),
    "TST003": FakeRule("TST003", "unit-label-spelling", "info",
                       "UnitLabel should be a CloudWatch standard unit.", "CloudWatch StandardUnit"),
}


def example_findings() -> list[Finding]:
    """Stand-in findings on the examples (no rule checker needed): EventPattern text that
    json.loads rejects, AWS/ namespaces, unknown units; each placed with the readers."""
    out = []
    for rel in EXAMPLE_FILES:
        doc = read_file(REPO / rel, file=rel)
        for d in doc.definitions:
            definition = d.definition
            pattern = definition.get("EventPattern")
            if isinstance(pattern, str):
                try:
                    json.loads(pattern)
                except json.JSONDecodeError as exc:
                    line, column = d.locate(("EventPattern",), exc.lineno, exc.colno)
                    out.append(Finding(rel, line, column, "TST001", "error",
                                       f"EventPattern is not valid JSON: {exc.msg}",
                                       d.full_path(("EventPattern",))))
            namespace = definition.get("Namespace")
            if isinstance(namespace, str) and namespace.startswith("AWS/"):
                line, column = d.locate(("Namespace",))
                out.append(Finding(rel, line, column, "TST002", "warning",
                                   f"Namespace {namespace!r} starts with AWS/; use your own "
                                   "prefix, e.g. Storefront/",
                                   d.full_path(("Namespace",))))
            unit = definition.get("UnitLabel")
            if isinstance(unit, str) and unit not in _UNITS and unit.capitalize() in _UNITS:
                line, column = d.locate(("UnitLabel",))
                out.append(Finding(rel, line, column, "TST003", "info",
                                   f"UnitLabel {unit!r} is not a CloudWatch unit",
                                   d.full_path(("UnitLabel",)),
                                   hint=f"write {unit.capitalize()!r}"))
    return out


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with ``golden/<name>``; RUMRULES_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("RUMRULES_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        return
    assert path.exists(), f"missing golden {path}; run with RUMRULES_UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from its golden (RUMRULES_UPDATE_GOLDEN=1 rewrites it)"


def shell_env() -> dict[str, str]:
    """The environment for running documented commands: this interpreter's scripts folder
    (``rumrules``, ``cfn-lint``) first on PATH, colour off, unbuffered output (so standard
    output and standard error interleave as on a terminal)."""
    import sys

    env = dict(os.environ, NO_COLOR="1", PYTHONUNBUFFERED="1")
    env.pop("FORCE_COLOR", None)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def shell(command: str, cwd: Path = REPO, stdin: str | None = None):
    """Run ``command`` with bash as a reader of the docs would; standard error goes to
    standard output.  Returns the CompletedProcess (text)."""
    import subprocess

    return subprocess.run(["bash", "-c", command], cwd=cwd, env=shell_env(), input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=120)


def has_command(name: str) -> bool:
    import shutil

    return shutil.which(name, path=shell_env()["PATH"]) is not None


def run_cli(argv, monkeypatch, capsys, cwd=None, stdin: str | None = None):
    """``rumrules`` in process, from ``cwd`` (default: the repository), without colour and
    with ``stdin`` as standard input when given: ``(exit code, stdout, stderr)``."""
    from rumrules.cli import main

    monkeypatch.chdir(cwd or REPO)
    monkeypatch.setenv("NO_COLOR", "1")
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err
