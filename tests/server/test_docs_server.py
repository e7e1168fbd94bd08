"""docs/server.md shows every operation (its python blocks run in tests/test_docs.py) and the
server's own one-line start."""

from __future__ import annotations

import re
from pathlib import Path

from .test_model_walk import MODEL

PAGE = Path(__file__).resolve().parents[2] / "docs" / "server.md"


def test_every_operation_has_an_example():
    text = PAGE.read_text(encoding="utf-8")
    code = "\n".join(re.findall(r"```python\n(.*?)```", text, flags=re.S))
    for name in MODEL.operation_names:
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
        assert re.search(rf"\brum\.{snake}\(|get_paginator\(\"{snake}\"\)", code), name


def test_the_one_line_start_is_shown():
    text = PAGE.read_text(encoding="utf-8")
    assert "pip install 'rumrules[server]' && rumrules serve" in text
