"""The guard for tests that read ``../shared``: they skip where it is absent (a fresh clone),
but CI always has it, so under ``CI=true`` its absence is a failure, not a quiet skip."""

from __future__ import annotations

import os

import pytest

from tests.conftest import SHARED, SHARED_MISSING

#: Every file under ``../shared`` that some test reads (each such test carries
#: ``requires_shared`` with the same parts).
READ_BY_TESTS = [
    ("bench", "peerbench.py"),
    ("corpus", "aws-verified.jsonl"),
    ("seeds", "004_fabe21a2d6558d0c.txt"),
]


@pytest.mark.parametrize("parts", READ_BY_TESTS, ids=["/".join(p) for p in READ_BY_TESTS])
def test_shared_is_present_in_ci(parts):
    present = SHARED.joinpath(*parts).is_file()
    if not os.environ.get("CI") and not present:
        pytest.skip(SHARED_MISSING)
    assert present, f"CI must have ../shared/{'/'.join(parts)} beside the checkout"
