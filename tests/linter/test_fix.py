"""``rumrules check --fix`` / ``--diff`` / ``--unsafe-fixes`` and :func:`rumrules.linter.fix_text`:
golden files for JSON and YAML inputs (comments, quoting styles, block scalars, flow
mappings), idempotence, byte-for-byte preservation of everything else, and what cannot be
fixed."""

from __future__ import annotations

import codecs
import difflib
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rumrules.linter import fix_text, lint

from ..cli._helpers import check_golden, run_cli

DATA = Path(__file__).resolve().parent / "data" / "fix"
INPUTS = ("batch.json", "template.yaml")
FIXED_WHERE = {  # (safe, unsafe) fixes -> rules
    "batch.json": ({"RUM105", "RUM202"}, {"RUM301", "RUM309"}),
    "template.yaml": ({"RUM105", "RUM202"}, {"RUM301", "RUM309"}),
}


def _text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("name", INPUTS)
def test_fixed_text_matches_its_golden_and_is_idempotent(name, unsafe):
    text = _text(name)
    result = fix_text(text, name, unsafe=unsafe)
    suffix = "unsafe-fixed" if unsafe else "fixed"
    check_golden(f"fix/{name}.{suffix}", result.text)
    safe_codes, unsafe_codes = FIXED_WHERE[name]
    assert {f.code for f in result.fixed} == (safe_codes | unsafe_codes if unsafe
                                               else safe_codes)
    again = fix_text(result.text, name, unsafe=unsafe)
    assert not again.changed and not again.fixed
    assert again.remaining == result.remaining
    # whatever was not fixed is still reported, and nothing fixable is left behind
    assert all(f.fix is None or (not unsafe and not f.fix.safe) for f in result.remaining)


@pytest.mark.parametrize("name", INPUTS)
def test_only_the_fixed_values_change(name):
    """Every line the fix touches holds a finding that had a fix; all others stay byte for
    byte (comments, indentation, quoting)."""
    text = _text(name)
    result = fix_text(text, name, unsafe=True)
    fixed_lines = {n for f in result.fixed for e in f.fix.edits
                   for n in range(e.line, e.end_line + 1)}
    before = text.splitlines(keepends=True)
    after = result.text.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, i1, i2, _, _ in matcher.get_opcodes():
        if op != "equal":
            touched = set(range(i1 + 1, i2 + 1)) or {i1, i1 + 1}
            assert touched & fixed_lines, (op, before[i1:i2])
    if name.endswith(".yaml"):
        assert [ln for ln in after if ln.lstrip().startswith("#")] == \
            [ln for ln in before if ln.lstrip().startswith("#")]


def test_what_cannot_be_fixed_is_reported():
    result = fix_text(_text("template.yaml"), "template.yaml", unsafe=True)
    left = {(f.line, f.code) for f in result.remaining}
    # a block scalar is not rewritten; RUM205 states no fix
    assert {code for _, code in left} == {"RUM105", "RUM205"}
    assert [f.fix for f in result.remaining if f.code == "RUM105"] == [None]
    result = fix_text(_text("batch.json"), "batch.json", unsafe=True)
    assert [f.message.split(";")[0] for f in result.remaining] == [
        "UnitLabel 'Visits' is not a CloudWatch unit"]


@pytest.mark.parametrize("name", INPUTS)
def test_check_fix_writes_the_golden_and_diff_shows_it(name, tmp_path, monkeypatch, capsys):
    target = tmp_path / name
    shutil.copy(DATA / name, target)
    code, out, err = run_cli(["check", "--diff", name], monkeypatch, capsys, cwd=tmp_path)
    assert code == 1
    check_golden(f"fix/{name}.diff", out)
    assert target.read_text(encoding="utf-8") == _text(name)          # --diff writes nothing
    assert err.startswith("Would fix ")
    code, out, err = run_cli(["check", "--fix", name], monkeypatch, capsys, cwd=tmp_path)
    assert code == 1                                                   # unfixable errors left
    assert target.read_text(encoding="utf-8") == fix_text(_text(name), name).text
    assert "[*]" not in out.split("Found")[0]                          # nothing safe is left
    assert err.startswith("Fixed ")
    code, out, err = run_cli(["check", "--diff", name], monkeypatch, capsys, cwd=tmp_path)
    assert (code, out) == (0, "")                                      # idempotent
    code, _, _ = run_cli(["check", "--fix", "--unsafe-fixes", name], monkeypatch, capsys,
                         cwd=tmp_path)
    check_golden(f"fix/{name}.unsafe-fixed", target.read_text(encoding="utf-8"))


def test_fix_from_standard_input_prints_the_fixed_text(monkeypatch, capsys):
    text = _text("template.yaml")
    code, out, err = run_cli(["check", "--fix", "--stdin-filename", "t.yaml", "-"],
                             monkeypatch, capsys, stdin=text)
    assert out == fix_text(text, "t.yaml").text
    assert "t.yaml:" in err and code == 1


@pytest.mark.parametrize("bom,codec,newline", [
    (b"", "utf-8", "\r\n"), (codecs.BOM_UTF8, "utf-8", "\n"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "\r\n"), (codecs.BOM_UTF16_BE, "utf-16-be", "\n")])
def test_encoding_byte_order_mark_and_line_breaks_are_kept(bom, codec, newline, tmp_path,
                                                           monkeypatch, capsys):
    source = _text("batch.json").replace("\n", newline)
    target = tmp_path / "batch.json"
    target.write_bytes(bom + source.encode(codec))
    run_cli(["check", "--fix", "batch.json"], monkeypatch, capsys, cwd=tmp_path)
    expected = fix_text(_text("batch.json"), "batch.json").text.replace("\n", newline)
    assert target.read_bytes() == bom + expected.encode(codec)


def test_unsafe_fixes_needs_fix_or_diff(monkeypatch, capsys):
    code, _, err = run_cli(["check", "--unsafe-fixes", str(DATA / "batch.json")], monkeypatch,
                           capsys)
    assert code == 2 and "--unsafe-fixes works with --fix or --diff" in err


def test_findings_carry_edits_at_their_place():
    found = {f.code: f for f in lint(DATA / "batch.json") if f.fix and f.line == 8}
    edit, = found["RUM105"].fix.edits
    assert (edit.line, edit.column, edit.end_line, edit.end_column, edit.content) == \
        (8, 20, 8, 27, '"Count"')
    assert found["RUM105"].fix.applicability == "safe"
    assert (found["RUM105"].end_line, found["RUM105"].end_column) == (8, 27)


def _fixable_examples():
    from rumrules.rules import RULES

    for rule in RULES:
        if not rule.fix:
            continue
        for n, ex in enumerate(rule.bad):
            if rule.scope == "definition" and isinstance(ex.input, dict):
                yield pytest.param(rule, ex.input, id=f"{rule.code}-{n}")


@pytest.mark.parametrize("syntax", ["json", "yaml"])
@pytest.mark.parametrize("rule,definition", list(_fixable_examples()))
def test_every_stated_fix_of_every_bad_example_resolves_its_finding(rule, definition, syntax):
    """Each rule's bad examples, written as a JSON or YAML list: after --fix --unsafe-fixes
    the rule's findings that carried a fix are gone, the text still reads, and a second run
    changes nothing."""
    import json

    import yaml

    name = f"defs.{syntax}"
    text = (json.dumps([definition], indent=2) if syntax == "json"
            else yaml.safe_dump([definition], sort_keys=False, width=1000))
    before = [f for f in lint(text=text, filename=name) if f.code == rule.code]
    assert before, "a bad example makes a finding"
    result = fix_text(text, name, unsafe=True)
    fixable = [f for f in before if f.fix is not None]
    after = [f for f in result.remaining if f.code == rule.code]
    assert len(after) == len(before) - len(fixable), [f.message for f in after]
    assert all(f.fix is None for f in after)
    assert not fix_text(result.text, name, unsafe=True).changed
    assert (json.loads if syntax == "json" else yaml.safe_load)(result.text)


def _fixable_definitions():
    from rumrules import strategies as rst
    from rumrules.catalog.metrics import EXTENDED_METRICS
    from rumrules.catalog.units import STANDARD_UNITS

    units = st.sampled_from(STANDARD_UNITS).flatmap(
        lambda u: st.sampled_from([u, u.lower(), u.upper(), "ms", "count", "Visits"]))
    extended = st.builds(
        lambda m, vk, unit: {k: v for k, v in dict(m.definition(), ValueKey=vk,
                                                    UnitLabel=unit).items() if v is not ...},
        st.sampled_from(list(EXTENDED_METRICS.values())),
        st.sampled_from([..., None, "event_details.duration", "event_details.value",
                         "event_details.lineno"]),
        st.one_of(st.just(...), units))
    custom = st.builds(
        lambda d, ns, unit: dict(d, Namespace=ns, UnitLabel=unit),
        rst.metric_definitions(),
        st.sampled_from(["AWS/Shop", "Shop", "AWS/", "aws/x", "AWS/RUM/x"]), units)
    return st.lists(st.one_of(extended, custom, rst.metric_definitions()), min_size=1,
                    max_size=4)


def _dump(definitions, syntax: str, style: str) -> str:
    import json

    import yaml

    if syntax == "json":
        return json.dumps(definitions, indent=None if style == "flow" else 2)
    return yaml.safe_dump(definitions, sort_keys=False, width=1000,
                          default_flow_style=True if style == "flow" else False,
                          default_style='"' if style == "quoted" else None)


@settings(max_examples=60, deadline=None)
@given(_fixable_definitions(), st.sampled_from(["json", "yaml"]),
       st.sampled_from(["block", "flow", "quoted"]), st.booleans())
def test_fixing_any_definitions_is_total_and_idempotent(definitions, syntax, style, unsafe):
    """Whatever the definitions and however they are written (block, flow, every value
    double-quoted), fixing returns readable text that a second run leaves alone, and every
    finding left has no fix that applies."""
    import json

    import yaml

    name = f"defs.{syntax}"
    text = _dump(definitions, syntax, style)
    result = fix_text(text, name, unsafe=unsafe)
    assert (json.loads if syntax == "json" else yaml.safe_load)(result.text) is not None
    again = fix_text(result.text, name, unsafe=unsafe)
    assert not again.changed
    assert all(f.fix is None or (not unsafe and not f.fix.safe) for f in result.remaining)


def test_fix_replaces_the_file_a_link_names_and_keeps_its_mode(tmp_path, monkeypatch, capsys):
    import os
    import stat

    real = tmp_path / "real.json"
    shutil.copy(DATA / "batch.json", real)
    real.chmod(0o640)
    (tmp_path / "link.json").symlink_to(real)
    run_cli(["check", "--fix", "link.json"], monkeypatch, capsys, cwd=tmp_path)
    assert (tmp_path / "link.json").is_symlink()
    assert real.read_text(encoding="utf-8") == fix_text(_text("batch.json"), "batch.json").text
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_values_in_sdk_call_json_text_or_resolved_from_intrinsics_are_not_rewritten():
    """A CDK Custom::AWS call holds the definitions as JSON text inside the template, and a
    value resolved from Fn::Select is not the text at its place: such findings are reported
    without a fix, and fixing leaves the text alone."""
    projects = Path(__file__).resolve().parent / "data" / "projects"
    cdk = (projects / "cdk.out" / "StorefrontStack.template.json").read_text(encoding="utf-8")
    cdk = cdk.replace('\\"Name\\":\\"Http5xxCount\\",\\"UnitLabel\\":\\"Count\\"',
                      '\\"Name\\":\\"Http5xxCount\\",\\"UnitLabel\\":\\"count\\"', 1)
    sam = (projects / "sam" / "template.yaml").read_text(encoding="utf-8")
    sam = sam.replace("UnitLabel: !Select [1, !Ref Units]", "UnitLabel: !Select [1, [count, ms]]")
    for name, text in (("StorefrontStack.template.json", cdk), ("template.yaml", sam)):
        found = [f for f in lint(text=text, filename=name) if f.code == "RUM105"]
        assert found and all(f.fix is None for f in found), name
        result = fix_text(text, name, unsafe=True)
        assert not result.changed and not result.fixed
