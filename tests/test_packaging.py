"""Packaging: the grammar ships inside the wheel and loads by package name from it."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_folder_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"])
    found = {"rumrules." + str(p.parent.relative_to(ROOT / "rumrules")).replace(os.sep, ".")
             for p in (ROOT / "rumrules").rglob("__init__.py")}
    found = {f.replace("rumrules..", "rumrules") for f in found} | {"rumrules.grammar"}
    found.discard("rumrules.")
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(out), str(ROOT)], check=True)
    (path,) = out.glob("rumrules-*.whl")
    return path


def test_wheel_holds_the_grammar_and_py_typed(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "rumrules/grammar/event_pattern.lark" in names
    assert "rumrules/py.typed" in names


def test_grammar_loads_from_the_installed_wheel(wheel, tmp_path):
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    code = ("import rumrules, rumrules.pattern._parse as p; "
            "assert rumrules.__file__.startswith(%r), rumrules.__file__; "
            "assert rumrules.compile_pattern('{\"a\":[1]}').matches({'a': 1}); "
            "print('ok')") % str(tmp_path / "site")
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "site"))
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"
