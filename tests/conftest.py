"""Shared test fixtures: the corpora."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"

#: Why a test that reads ``../shared`` is skipped in a checkout without it.  Under CI the
#: guard in ``tests/test_shared.py`` fails instead, so CI never skips them silently.
SHARED_MISSING = ("needs ../shared beside this checkout (the project's read-only material: "
                  "seeds, third-party corpus); CI always has it")


def shared_path(*parts: str) -> Path:
    """A file or folder under ``../shared`` (it may not exist: pair with ``requires_shared``)."""
    return SHARED.joinpath(*parts)


def requires_shared(*parts: str) -> pytest.MarkDecorator:
    """Skip, with the one-line reason, where ``../shared/<parts>`` is absent."""
    return pytest.mark.skipif(not shared_path(*parts).exists(),
                              reason=f"{SHARED_MISSING} (reads ../shared/{'/'.join(parts)})")

settings.register_profile("ci", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def read_jsonl_gz(name: str) -> list[dict]:
    with gzip.open(DATA / name, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED
