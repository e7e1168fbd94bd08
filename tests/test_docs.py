"""The docs are tested: every ```python block in docs/*.md runs, page by page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "```python" in p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_python_blocks_run(page):
    text = page.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    namespace: dict = {}
    for i, block in enumerate(blocks):
        if "# doc: skip" in block:
            continue
        exec(compile(block, f"{page.name}[block {i + 1}]", "exec"), namespace)


def test_pattern_language_page_is_tested():
    assert DOCS / "pattern-language.md" in PAGES
