"""The real web client for the browser test: ``aws-rum-web`` from the npm registry
(installed by ``.ci/run`` into ``.ci-npm/``, or the folder ``RUMRULES_NPM_DIR`` names),
bundled for the browser with ``esbuild`` from the same install, driven in Debian's
``chromium`` by Playwright.  Where a piece is missing the test skips with a one-line reason;
under ``CI=true`` it fails instead."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
#: The npm packages ``.ci/run`` installs (pinned).
NPM_PACKAGES = ("aws-rum-web@3.2.1", "esbuild@0.25.12")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def npm_dir() -> Path:
    """Where the npm packages are installed."""
    return Path(os.environ.get("RUMRULES_NPM_DIR") or ROOT / ".ci-npm")


def missing() -> str | None:
    """Why the browser test cannot run here, or ``None``."""
    if not Path(CHROMIUM).exists():
        return f"needs Debian's chromium ({CHROMIUM}; .ci/run installs it: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "needs playwright (pip install -e '.[test]')"
    modules = npm_dir() / "node_modules"
    for package in ("aws-rum-web", "esbuild"):
        if not (modules / package / "package.json").exists():
            return (f"needs the npm package {package} in {modules} (.ci/run installs it: "
                    f"npm install --prefix .ci-npm {' '.join(NPM_PACKAGES)})")
    if shutil.which("node") is None:
        return "needs node (for esbuild)"
    return None


def bundle() -> Path:
    """aws-rum-web as one browser script that sets ``window.AwsRum`` (built once)."""
    folder = npm_dir()
    out = folder / "cwr.js"
    package = folder / "node_modules" / "aws-rum-web" / "package.json"
    if out.exists() and out.stat().st_mtime >= package.stat().st_mtime:
        return out
    entry = folder / "cwr-entry.js"
    entry.write_text("import { AwsRum } from 'aws-rum-web';\nwindow.AwsRum = AwsRum;\n")
    subprocess.run([str(folder / "node_modules" / ".bin" / "esbuild"), str(entry), "--bundle",
                    "--format=iife", "--platform=browser", f"--outfile={out}", "--log-level=error"],
                   check=True, cwd=folder, timeout=120)
    return out
