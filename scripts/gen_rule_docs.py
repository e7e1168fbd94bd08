#!/usr/bin/env python3
"""Generate docs/rules.md and docs/rules/<CODE>.md from the rules' own metadata.

    python scripts/gen_rule_docs.py          # write the pages
    python scripts/gen_rule_docs.py --check  # exit 1 when a page is stale or missing

Each page shows the rule's metadata, the SPEC §5 decisions it implements, and its good and
bad examples with the findings the checker really makes on them (so a changed message makes
the pages stale, and tests/rules/test_docs.py fails until they are regenerated).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rumrules.rules import RULES  # noqa: E402
from rumrules.rules._docs import render_index, render_rule  # noqa: E402

DOCS = ROOT / "docs"
PAGES = DOCS / "rules"


def expected() -> dict[Path, str]:
    """Every generated file and its content."""
    out = {DOCS / "rules.md": render_index()}
    for r in RULES:
        out[PAGES / f"{r.code}.md"] = render_rule(r)
    return out


def stale() -> list[Path]:
    """Generated files that are missing or differ, and pages of rules that no longer exist."""
    want = expected()
    bad = [p for p, text in want.items()
           if not p.exists() or p.read_text(encoding="utf-8") != text]
    if PAGES.exists():
        bad += [p for p in sorted(PAGES.glob("RUM*.md")) if p not in want]
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when pages are stale")
    args = parser.parse_args(argv)
    if args.check:
        bad = stale()
        for p in bad:
            print(f"stale: {p.relative_to(ROOT)}")
        return 1 if bad else 0
    PAGES.mkdir(parents=True, exist_ok=True)
    want = expected()
    for p in sorted(PAGES.glob("RUM*.md")):
        if p not in want:
            p.unlink()
    for p, text in want.items():
        if not p.exists() or p.read_text(encoding="utf-8") != text:
            p.write_text(text, encoding="utf-8")
    print(f"wrote {len(want)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
