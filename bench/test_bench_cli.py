"""``rumrules check`` on a CloudFormation template with 200 metric definitions, against
``cfn-lint`` on the same template in the same run (both as the processes a CI job runs)."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from workload import definitions

CFN_LINT = "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; sys.exit(main())"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    defs = definitions(200)
    doc = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Monitor": {
        "Type": "AWS::RUM::AppMonitor",
        "Properties": {"Name": "bench", "Domain": "example.com", "AppMonitorConfiguration": {
            "MetricDestinations": [{"Destination": "CloudWatch", "MetricDefinitions": defs}]}}}}}
    path = tmp_path_factory.mktemp("cfn") / "template.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, width=200))
    return str(path)


def _run(args):
    return subprocess.run(args, capture_output=True, text=True).returncode


@pytest.mark.benchmark(group="cli: check a 200-definition CloudFormation template")
def test_rumrules_check(benchmark, template):
    benchmark.extra_info["events"] = 1
    code = benchmark.pedantic(_run, args=([sys.executable, "-m", "rumrules", "check", template],),
                              rounds=3, iterations=1)
    assert code in (0, 1)


@pytest.mark.benchmark(group="cli: check a 200-definition CloudFormation template")
def test_baseline_cfn_lint(benchmark, template):
    pytest.importorskip("cfnlint")
    benchmark.extra_info["events"] = 1
    code = benchmark.pedantic(_run, args=([sys.executable, "-c", CFN_LINT, template],),
                              rounds=3, iterations=1)
    assert code in (0, 2, 4, 6, 8, 10, 12, 14)
