"""The generated rule docs are up to date and say what the SPEC asks them to."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from rumrules.rules import RULES
from rumrules.rules._decisions import DECISIONS

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_rule_docs",
                                                  ROOT / "scripts" / "gen_rule_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rule_docs_are_not_stale():
    stale = _generator().stale()
    assert stale == [], ("regenerate with: python scripts/gen_rule_docs.py; stale: "
                         + ", ".join(str(p.relative_to(ROOT)) for p in stale))


def test_every_rule_has_a_page_with_its_metadata():
    for r in RULES:
        page = (ROOT / "docs" / "rules" / f"{r.code}.md").read_text(encoding="utf-8")
        assert page == r.docs_page()
        assert page.startswith(f"# {r.code} {r.name}\n")
        assert r.summary in page and str(r.severity) in page
        assert page.count("### Valid") == len(r.good)
        assert page.count("### Invalid") == len(r.bad)


def test_every_decision_is_visible():
    index = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for d in DECISIONS:
        rules = [r for r in RULES if d in r.decisions]
        assert rules, f"no rule implements {d}"
        assert f"**{d}**" in index
        for r in rules:
            assert f"**{d}**" in r.docs_page()
    assert "User Guide" in next(r for r in RULES if r.code == "RUM204").docs_page()  # D2
    for r in RULES:
        assert f"rules/{r.code}.md" in index
