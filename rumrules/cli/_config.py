"""``[tool.rumrules]`` in the nearest ``pyproject.toml``: defaults for ``check``."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ..errors import RumRulesError

__all__ = ["load_config", "CONFIG_KEYS"]

CONFIG_KEYS = {"select": list, "ignore": list, "format": str, "exit-zero": bool, "fail-on": str}


def find_pyproject(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | None = None, start: Path | None = None) -> dict[str, Any]:
    """The ``[tool.rumrules]`` table (``path`` given, or found upward from ``start``)."""
    path = path or find_pyproject(start or Path.cwd())
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise RumRulesError(f"cannot read {path}: {e}") from None
    table = data.get("tool", {}).get("rumrules", {})
    if not isinstance(table, dict):
        raise RumRulesError(f"{path}: [tool.rumrules] must be a table")
    for key, value in table.items():
        kind = CONFIG_KEYS.get(key)
        if kind is None:
            raise RumRulesError(f"{path}: unknown key {key!r} in [tool.rumrules] "
                                f"(known: {', '.join(sorted(CONFIG_KEYS))})")
        if kind is list and isinstance(value, str):
            table[key] = [v.strip() for v in value.split(",") if v.strip()]
        elif not isinstance(value, kind) or (kind is list and not all(
                isinstance(v, str) for v in value)):
            raise RumRulesError(f"{path}: [tool.rumrules] {key} must be a {kind.__name__}")
    if table.get("select") or table.get("ignore"):
        from ..linter import normalize_codes

        for key in ("select", "ignore"):
            if key in table:
                table[key] = normalize_codes(table[key], f"{path}: [tool.rumrules] {key}")
    return table
