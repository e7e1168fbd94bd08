"""The cfn-lint plugin (rumrules.contrib.cfnlint), run with exactly the commands that
docs/cli.md shows: a template file, standard input, and Metadata suppression."""

from __future__ import annotations

import json
import re

import pytest

from ._helpers import REPO, has_command, shell

pytestmark = pytest.mark.skipif(not has_command("cfn-lint"), reason="cfn-lint not installed")

TEMPLATE = "examples/cloudformation/app-monitor.yaml"
# cfn-lint's default output: "E9001 message" then "file:line:column"
_FINDING = re.compile(r"^([EWI]\d{4}) .*\n(.*):(\d+):(\d+)$", re.M)


def _documented() -> list[str]:
    """The cfn-lint command lines of docs/cli.md's cfn-lint section."""
    text = (REPO / "docs/cli.md").read_text(encoding="utf-8")
    section = text[text.index("## cfn-lint"):]
    commands = [line[2:] for line in section.splitlines()
                if line.startswith("$ ") and "cfn-lint" in line]
    assert len(commands) == 2, commands
    return commands


def _ours(output: str) -> list[tuple[str, str, int, int]]:
    return [(m[1], m[2], int(m[3]), int(m[4])) for m in _FINDING.finditer(output)
            if m[1][1] == "9"]


def _run(command: str, template: str, cwd=REPO) -> tuple[int, list]:
    done = shell(command.replace("template.yaml", template), cwd=cwd)
    assert "Traceback" not in done.stdout, done.stdout
    return done.returncode, _ours(done.stdout)


def test_documented_file_form():
    command = next(c for c in _documented() if not c.startswith("cat "))
    assert command.startswith("cfn-lint template.yaml --append-rules")
    code, ours = _run(command, TEMPLATE)
    assert code != 0
    assert ("E9001", TEMPLATE, 51, 65) in ours        # inside the | block scalar
    assert ("E9105", TEMPLATE, 71, 28) in ours
    assert {o[0] for o in ours} == {"E9001", "E9105", "E9202", "E9401", "E9309", "E9301"}


def test_documented_standard_input_form():
    command = next(c for c in _documented() if c.startswith("cat "))
    code, ours = _run(command, TEMPLATE)
    lines = (REPO / TEMPLATE).read_text().splitlines()
    assert code != 0 and len(ours) == 8
    for rule, _, line, column in ours:       # each at the member its finding is about
        assert 1 < line <= len(lines) and column <= len(lines[line - 1]) + 1, (rule, line)
    at = {(rule, lines[line - 1].strip().split(":")[0]) for rule, _, line, _ in ours}
    assert {("E9105", "UnitLabel"), ("E9202", "ValueKey"), ("E9301", "Namespace"),
            ("E9001", "EventPattern")} <= at


SUPPRESSED = """\
Resources:
  Monitor:
    Type: AWS::RUM::AppMonitor
    Metadata:
      rumrules:
        definitions:
          CheckoutErrors: [RUM301]
    Properties:
      Name: shop
      Domain: example.com
      CustomEvents: {Status: ENABLED}
      AppMonitorConfiguration:
        MetricDestinations:
          - Destination: CloudWatch
            MetricDefinitions:
              - Name: CheckoutErrors
                Namespace: AWS/Shop
                EventPattern: '{"event_type": ["shop.checkout_error"]}'
              - Name: CartErrors
                Namespace: AWS/Shop
                EventPattern: '{"event_type": ["shop.cart_error"]}'
"""


@pytest.mark.parametrize("syntax,form", [("yaml", "file"), ("json", "file"), ("yaml", "stdin")])
def test_per_definition_suppression(syntax, form, tmp_path):
    """Without the Metadata both definitions get E9301 (as test_check_cli shows for check)."""
    import yaml

    value = yaml.safe_load(SUPPRESSED)
    text = SUPPRESSED if syntax == "yaml" else json.dumps(value, indent=2)
    name = f"t.{syntax}"
    (tmp_path / name).write_text(text)
    command = next(c for c in _documented() if c.startswith("cat ") == (form == "stdin"))
    code, ours = _run(command, name, cwd=tmp_path)
    assert code != 0 and [o[0] for o in ours] == ["E9301"]
    lines = text.splitlines()
    assert "CartErrors" in "\n".join(lines[ours[0][2] - 3:ours[0][2]])   # the second one
