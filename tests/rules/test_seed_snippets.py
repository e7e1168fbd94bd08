"""Every EventPattern snippet of the API reference (shared/seeds/004_...txt), extracted from
the text: the valid ones pass, each broken one is reported once, at the right line and column
of its EventPattern, with a fix."""

from __future__ import annotations

import json
import re
import pytest

from rumrules import Severity
from rumrules.catalog.metrics import EXTENDED_METRICS
from rumrules.rules import check_definition
from tests.conftest import requires_shared, shared_path

SEED_PARTS = ("seeds", "004_fabe21a2d6558d0c.txt")
SEED = shared_path(*SEED_PARTS)
pytestmark = requires_shared(*SEED_PARTS)

_INCLUDE = re.compile(r"If Name is `?(\w+)`?, then ValueKey must be .*? and the EventPattern must "
                      r"include `?(\{.*\})`?\s*$")
_EXAMPLE = re.compile(r"`'(\{.*?\})'`")
_MULTILINE = re.compile(r"EventPattern: '(\{.*?\})'", re.S)


def snippets() -> list[tuple[str, int, int, str, dict]]:
    """(label, seed line, seed column, pattern text, definition) for every snippet."""
    if not SEED.exists():
        return []
    text = SEED.read_text(encoding="utf-8")
    lines = text.splitlines()
    out = []
    for no, line in enumerate(lines, 1):
        m = _INCLUDE.search(line)
        if m:
            name, pattern = m.groups()
            d = EXTENDED_METRICS[name].definition()
            d["EventPattern"] = pattern
            out.append((name, no, m.start(2) + 1, pattern, d))
        for m in _EXAMPLE.finditer(line):
            d = {"Name": "NavigationToleratedTransaction", "EventPattern": m.group(1)}
            out.append((f"example@{no}", no, m.start(1) + 1, m.group(1), d))
    for m in _MULTILINE.finditer(text):
        no = text.count("\n", 0, m.start(1)) + 1
        col = m.start(1) - text.rfind("\n", 0, m.start(1))
        d = {"Name": "NavigationToleratedTransaction", "UnitLabel": "Count",
             "DimensionKeys": {"metadata.browserName": "BrowserName",
                               "metadata.countryCode": "CountryCode"},
             "EventPattern": m.group(1)}
        out.append((f"batch-create-example@{no}", no, col, m.group(1), d))
    return out


SNIPPETS = snippets()

# label -> (line, column) inside the EventPattern, the text there, what the message says.
BROKEN = {
    # D1: "=>" and the missing comma before 8000: AWS reads "=>" first and reports it (it
    # compiles as it reads); the hint names the comma too
    "NavigationToleratedTransaction": ('"=>"', ["Unrecognized numeric range operator: =>",
                                                ">=", "comma"]),
    # D1: valid JSON, "=>" is not an operator
    "NavigationFrustratedTransaction": ('"=>"', ["Unrecognized numeric range operator: =>",
                                                 ">="]),
    # D3: "}}}]}" closes the status array with a brace
    "Http4xxCount": ("}}]}", ["expected ']'"]),
    "Http5xxCount": ("}}]}", ["expected ']'"]),
    # the EventPattern member's examples: a trailing comma, then "]]" twice
    "example@4403": (", } }", ["trailing comma"]),
    "example@4404": ("] } }", ["expected '}'"]),
    "example@4405": ("] } }", ["expected '}'"]),
}


def test_all_snippets_found():
    labels = [s[0] for s in SNIPPETS]
    assert len([x for x in labels if x in EXTENDED_METRICS]) == 14
    assert len([x for x in labels if x.startswith("example@")]) == 3
    assert len([x for x in labels if x.startswith("batch-create-example@")]) == 1
    assert set(BROKEN) <= set(labels)


@pytest.mark.parametrize("label,line,col,pattern,definition", SNIPPETS,
                         ids=[s[0] for s in SNIPPETS])
def test_snippet(label, line, col, pattern, definition):
    diags = check_definition(definition)
    errors = [d for d in diags if d.severity is Severity.ERROR]
    if label not in BROKEN:
        json.loads(pattern)
        assert errors == [], [str(d) for d in errors]
        return
    if label == "NavigationFrustratedTransaction":
        json.loads(pattern)  # valid JSON, not a valid pattern
    else:
        with pytest.raises(ValueError):
            json.loads(pattern)
    assert [d.code for d in errors] == ["RUM001"], [str(d) for d in errors]
    (d,) = errors
    at, fragments = BROKEN[label]
    assert d.path == ("EventPattern",)
    # the reported position is the broken token, both in the pattern and in the seed
    pattern_lines = pattern.split("\n")
    assert pattern_lines[d.line - 1][d.column - 1:].startswith(at), (d.line, d.column)
    seed_line = SEED.read_text(encoding="utf-8").splitlines()[line + d.line - 2]
    seed_col = (col if d.line == 1 else 1) + d.column - 1
    assert seed_line[seed_col - 1:].startswith(at)
    for fragment in fragments:
        assert fragment in d.message, d.message
    assert d.hint


def test_broken_snippet_positions_are_exact():
    got = {s[0]: check_definition(s[4]) for s in SNIPPETS if s[0] in BROKEN}
    positions = {k: (v[0].line, v[0].column) for k, v in got.items()}
    assert positions == {
        "NavigationToleratedTransaction": (1, 112),
        "NavigationFrustratedTransaction": (1, 112),
        "Http4xxCount": (1, 123),
        "Http5xxCount": (1, 124),
        "example@4403": (1, 101),
        "example@4404": (1, 176),
        "example@4405": (1, 210),
    }
