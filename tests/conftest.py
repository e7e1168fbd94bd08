"""Shared test fixtures: the corpora, and the matching core a test runs on."""

from __future__ import annotations

import contextlib
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


#: Why a test of the compiled matching core cannot run (outside CI; under CI it fails).
CORE_NOT_BUILT = ("the compiled matching core was not built (no C compiler at install time): "
                  "this test needs it")


@contextlib.contextmanager
def matching_core(core):
    """Run the block on ``core`` (``_core.BUILT`` or ``None`` for pure Python): the index
    reads ``_core.C`` on each call, so this switches every PatternSet and engine."""
    from rumrules.pattern import _core
    saved = _core.C
    _core.C = core
    try:
        yield
    finally:
        _core.C = saved


@pytest.fixture
def compiled_core():
    """The compiled core for the test, even where ``RUMRULES_PURE_PYTHON=1`` leaves the rest
    of the suite on the Python core (CI runs the suite once that way): skipped only where
    it was not built, and a failure under CI, which always builds it."""
    from rumrules.pattern import _core
    if _core.BUILT is None:
        if os.environ.get("CI"):
            pytest.fail("CI builds the compiled matching core, but it is not there")
        pytest.skip(CORE_NOT_BUILT)
    with matching_core(_core.BUILT):
        yield _core.BUILT


@pytest.fixture
def pure_core():
    """The pure-Python matching core for the test, whatever the build."""
    with matching_core(None):
        yield
