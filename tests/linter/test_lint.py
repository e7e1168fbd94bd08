"""``rumrules.lint``: paths, text and parsed objects in; the findings that ``rumrules check``
prints (every format) and the cfn-lint plugin reports out."""

from __future__ import annotations

import json
import pytest
import yaml

import rumrules
import rumrules.linter
from rumrules import RumRulesError
from rumrules.linter import Finding, SourceError, SourceNote

from ..cli._helpers import EXAMPLES, REPO, run_cli

BATCH = "examples/requests/batch-create.json"
TEMPLATE = "examples/cloudformation/app-monitor.yaml"


def _records(findings):
    return [f.to_dict() for f in findings]


@pytest.mark.parametrize("rel", [BATCH, TEMPLATE, "examples/definitions/custom-metrics.yaml",
                                 "examples/requests/update-cli-input.json"])
def test_lint_a_path_gives_what_check_prints(rel, monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    stats = rumrules.linter.LintStats()
    found = rumrules.lint(rel, stats=stats)
    assert found and all(isinstance(f, Finding) for f in found)
    code, out, _ = run_cli(["check", rel, "--format", "json"], monkeypatch, capsys)
    assert code == 1
    assert json.loads(out) == {"summary": stats.to_dict(), "findings": _records(found)}
    assert stats.files == 1 and stats.definitions >= 1


def test_lint_text_places_findings_as_the_file_does():
    text = (REPO / TEMPLATE).read_text(encoding="utf-8")
    from_file = rumrules.lint(REPO / TEMPLATE)
    from_text = rumrules.lint(text=text, filename="app-monitor.yaml")
    assert [(f.line, f.column, f.code, f.message) for f in from_text] == \
        [(f.line, f.column, f.code, f.message) for f in from_file]
    assert {f.file for f in from_text} == {"app-monitor.yaml"}
    assert rumrules.lint(text=text.encode(), filename="x.yaml") == \
        [f.__class__(**{**f.__dict__, "file": "x.yaml"}) for f in from_text]


@pytest.mark.parametrize("rel", [BATCH, TEMPLATE])
def test_lint_parsed_objects_has_no_positions(rel):
    path = REPO / rel
    text = path.read_text(encoding="utf-8")
    value = json.loads(text) if rel.endswith(".json") else yaml.load(text, Loader=_CfnLoader)
    from_data = rumrules.lint(data=value)
    from_file = rumrules.lint(path)
    assert from_data, rel
    assert all(f.line is None and f.column is None and f.file == "<data>" for f in from_data)
    assert sorted((f.code, f.json_path) for f in from_data) == \
        sorted((f.code, f.json_path) for f in from_file)


class _CfnLoader(yaml.SafeLoader):
    """Short-form tags (!Sub, !Ref...) read as their long form."""


def _tag(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        return {name: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {name: loader.construct_sequence(node, deep=True)}
    return {name: loader.construct_mapping(node, deep=True)}


_CfnLoader.add_multi_constructor("!", _tag)


def test_select_and_ignore_take_codes_and_prefixes():
    every = {f.code for f in rumrules.lint(REPO / TEMPLATE)}
    assert len(every) > 2
    some = {f.code for f in rumrules.lint(REPO / TEMPLATE, select=["rum3"])}
    assert some == {c for c in every if c.startswith("RUM3")}
    rest = {f.code for f in rumrules.lint(REPO / TEMPLATE, ignore="RUM3")}
    assert rest == every - some
    with pytest.raises(RumRulesError, match="RUM99"):
        rumrules.lint(REPO / TEMPLATE, select=["RUM99"])


def test_several_inputs_at_once_are_sorted_by_file(tmp_path):
    found = rumrules.lint([EXAMPLES / "requests", EXAMPLES / "definitions"],
                          text='[{"Name": "X", "Namespace": "AWS/Shop", "UnitLabel": "Count", '
                               '"EventPattern": "{\\"event_type\\": [\\"a.b\\"]}"}]')
    files = [f.file for f in found]
    assert files == sorted(files)
    assert "<text>" in files and any(f.endswith("batch-create.json") for f in files)


def test_unreadable_input_is_a_source_error_and_notes_are_collected(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        rumrules.lint(tmp_path / "missing.json")
    with pytest.raises(SourceError, match=r"^<text>\.json:1:2: invalid JSON"):
        rumrules.lint(text="{", filename="<text>.json")
    assert rumrules.lint(text='{"name": "x"}', skip_unrecognized=True) == []
    (tmp_path / "empty").mkdir()
    notes: list = []
    assert rumrules.lint(tmp_path / "empty", notes=notes) == []
    assert len(notes) == 1 and isinstance(notes[0], SourceNote)
