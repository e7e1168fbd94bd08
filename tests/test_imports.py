"""No rumrules package imports another package's private module (read from the source)."""

from __future__ import annotations

import ast
from pathlib import Path

import rumrules

ROOT = Path(rumrules.__file__).parent


def _package_of(module: str) -> str:
    """``rumrules.pattern._events`` -> ``rumrules.pattern``; a top-level module is its own."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 or (ROOT / parts[-1]).is_dir() else module


def _imports(path: Path) -> list[tuple[str, int]]:
    module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
    if path.name == "__init__.py":
        module = module.rsplit(".", 1)[0]
        package = module
    else:
        package = module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((target, node.lineno))
            for alias in node.names:
                out.append((f"{target}.{alias.name}", node.lineno))
        elif isinstance(node, ast.Import):
            out.extend((alias.name, node.lineno) for alias in node.names)
    return out


def _private_step(target: str) -> str | None:
    """The first private module on ``target``'s path (``rumrules.x._y`` -> ``rumrules.x._y``)."""
    parts = target.split(".")
    for i, part in enumerate(parts[1:], start=1):
        if part.startswith("_") and not part.startswith("__"):
            name = ".".join(parts[:i + 1])
            path = ROOT.parent.joinpath(*parts[:i + 1])
            if path.with_suffix(".py").exists() or path.is_dir():
                return name
            return None
    return None


def test_no_package_imports_another_packages_private_module():
    bad = []
    files = sorted(ROOT.rglob("*.py"))
    assert len(files) > 40
    for path in files:
        here = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        owner = ".".join(here.split(".")[:2])   # rumrules.<package> (or the module itself)
        for target, line in _imports(path):
            if not target.startswith("rumrules."):
                continue
            private = _private_step(target)
            if private is None:
                continue
            owner_of_private = ".".join(private.split(".")[:-1]) or "rumrules"
            inside = owner == owner_of_private or here.startswith(owner_of_private + ".")
            if owner_of_private == "rumrules":   # a top-level private module (rumrules._x)
                inside = here == private or here.startswith(private + ".")
            if not inside:
                bad.append(f"{path.relative_to(ROOT.parent)}:{line} imports {private}")
    assert bad == []


def test_the_check_sees_a_private_import():
    """The reader finds the kind of line the test above forbids."""
    found = _imports(ROOT / "pattern" / "_pattern.py")
    assert ("rumrules.pattern._index", 15) in found or any(
        t == "rumrules.pattern._index" for t, _ in found)
    assert _private_step("rumrules.pattern._events.load_event") == "rumrules.pattern._events"
    assert _private_step("rumrules.pattern.load_event") is None
