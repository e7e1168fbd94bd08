"""Every mistake planted in examples/ is reported on its line; the valid definitions there
get nothing.  The list is examples/expected-findings.json (also read by examples/README.md's
readers).  Until the rule checker exists (rumrules.rules.check_definition) the checks that
need it are skipped; the lead makes them strict."""

from __future__ import annotations

import json
from importlib import import_module

import pytest

from rumrules.linter.sources import read_file

from ._helpers import EXAMPLES

EXPECTED = json.loads((EXAMPLES / "expected-findings.json").read_text())


def _lines(entry):
    line = entry["line"]
    return line if isinstance(line, list) else [line]


def _checker():
    return import_module("rumrules.rules").check_definition


def _findings(rel):
    """(line, column, code, message, definition name) of every unsuppressed finding."""
    check = _checker()
    doc = read_file(EXAMPLES / rel, file=rel)
    out = []
    for d in doc.definitions:
        for diag in check(d.definition):
            if d.is_suppressed(diag.code):
                continue
            line, column = d.locate(diag.path, diag.line, diag.column)
            out.append((line, column, diag.code, diag.message, d.name))
    return out


def test_expected_lines_hold_their_snippets():
    """The list and the files agree (guards edits of the examples)."""
    for rel, entries in EXPECTED["findings"].items():
        lines = (EXAMPLES / rel).read_text().splitlines()
        for entry in entries:
            assert any(entry["snippet"] in lines[n - 1] for n in _lines(entry)), (rel, entry)
    for rel, names in EXPECTED["clean"].items():
        doc = read_file(EXAMPLES / rel)
        assert set(names) <= {d.name for d in doc.definitions}, rel


def test_every_definition_is_listed_once():
    """Each definition of a file is either clean or the home of one planted mistake."""
    for rel in set(EXPECTED["findings"]) | set(EXPECTED["clean"]):
        doc = read_file(EXAMPLES / rel)
        names = [d.name for d in doc.definitions]
        assert len(names) == len(set(names)), rel
        planted = len(EXPECTED["findings"].get(rel, []))
        assert len(EXPECTED["clean"].get(rel, [])) + planted == len(names), rel


@pytest.mark.parametrize("rel", sorted(EXPECTED["findings"]))
def test_planted_mistakes_are_reported_on_their_lines(rel):
    found = _findings(rel)
    for entry in EXPECTED["findings"][rel]:
        fragments = [f.lower() for f in entry.get("message_any", [])]
        hits = [f for f in found
                if f[0] in _lines(entry) and f[2].startswith(entry["code_prefix"])
                and (not fragments or any(x in f[3].lower() for x in fragments))]
        assert hits, f"{rel}:{entry['line']}: not reported: {entry['what']}\nfound: {found}"


@pytest.mark.parametrize("rel", sorted(EXPECTED["clean"]))
def test_valid_definitions_get_nothing(rel):
    clean = set(EXPECTED["clean"][rel])
    noisy = [f for f in _findings(rel) if f[4] in clean]
    assert not noisy, f"{rel}: findings on valid definitions: {noisy}"
