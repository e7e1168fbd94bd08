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


# ---- sdist and wheel, installed into a fresh virtual environment ----------------------------
# `python -m build` builds the sdist, then the wheel from the sdist (so the sdist is complete);
# the wheel goes into a new venv made without pip (this interpreter's pip installs into it with
# --python, reusing pip's cache); the CLI then runs from outside the checkout.

@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return out


def test_build_makes_an_sdist_and_a_wheel_with_every_package(dist):
    import tarfile

    (sdist,) = dist.glob("rumrules-*.tar.gz")
    (wheel_path,) = dist.glob("rumrules-*.whl")
    names = set(zipfile.ZipFile(wheel_path).namelist())
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"]
    for package in packages:
        assert package.replace(".", "/") + "/__init__.py" in names or \
            package == "rumrules.grammar", package
    assert "rumrules/grammar/event_pattern.lark" in names
    assert any(n.endswith(".dist-info/entry_points.txt") for n in names)
    with tarfile.open(sdist) as tar:
        members = {m.split("/", 1)[1] for m in tar.getnames() if "/" in m}
    assert {"pyproject.toml", "README.md", "grammar/event_pattern.lark",
            "rumrules/linter/sources/_edits.py", "rumrules/schemas/_build.py",
            "setup.py", "rumrules/pattern/_ccore.c"} <= members
    # the optional compiled core's source travels in the wheel too (built from the sdist)
    assert "rumrules/pattern/_ccore.c" in names


def test_the_wheel_installs_in_a_fresh_venv_and_the_cli_runs(dist, tmp_path):
    import json
    import shutil

    (wheel_path,) = dist.glob("rumrules-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                           "-q", str(wheel_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    work = tmp_path / "work"
    shutil.copytree(ROOT / "examples", work / "examples")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["NO_COLOR"] = "1"
    cli = python.parent / "rumrules"

    def run(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(cli), *argv], cwd=work, env=env, capture_output=True,
                              text=True, timeout=120)

    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("rumrules ")
    check = run("check", "examples/", "--format", "json")
    assert check.returncode == 1, check.stderr
    report = json.loads(check.stdout)
    assert {r["code"] for r in report["findings"]} >= {"RUM105", "RUM301"}
    fixed = run("check", "examples/cloudformation/app-monitor.yaml", "--fix")
    assert fixed.returncode == 1 and fixed.stderr.startswith("Fixed 2 problems")
    assert "UnitLabel: Count" in (work / "examples/cloudformation/app-monitor.yaml").read_text()
    schema = run("schema", "put-rum-events")
    assert schema.returncode == 0 and '"$schema"' in schema.stdout
    where = subprocess.run([str(python), "-c", "import rumrules; print(rumrules.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert where.stdout.startswith(str(venv)), where.stdout   # not the checkout


# ---- the optional compiled core: no compiler, no problem --------------------------------

def test_without_a_compiler_the_wheel_builds_and_runs_on_the_python_core(tmp_path):
    """``pip install .`` must not need a C compiler: with none, the wheel holds no compiled
    core and rumrules runs on its pure-Python core (the same answers)."""
    import shutil

    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.so", "*.pyd")
    for folder in ("rumrules", "grammar"):
        shutil.copytree(ROOT / folder, src / folder, ignore=ignore)
    out = tmp_path / "wheel"
    env = dict(os.environ, CC="/nonexistent/gcc", CXX="/nonexistent/g++")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                           str(out), str(src)], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (wheel_path,) = out.glob("rumrules-*.whl")
    names = zipfile.ZipFile(wheel_path).namelist()
    assert "rumrules/pattern/_ccore.c" in names
    assert not [n for n in names if "_ccore" in n and not n.endswith(".c")], names
    zipfile.ZipFile(wheel_path).extractall(tmp_path / "site")
    code = ("import rumrules, rumrules.pattern as p; "
            "assert rumrules.__file__.startswith(%r), rumrules.__file__; "
            "print(p.MATCHING_CORE, rumrules.PatternSet('rum', [('x', '{\"a\":[1]}')])"
            ".matches('{\"a\":1}'))") % str(tmp_path / "site")
    env = {k: v for k, v in os.environ.items() if k != "RUMRULES_PURE_PYTHON"}
    env["PYTHONPATH"] = str(tmp_path / "site")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "python ['x']"
