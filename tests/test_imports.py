"""No rumrules package imports another package's private module (read from the source)."""

from __future__ import annotations

import ast
import re
import sys
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
        elif isinstance(node, ast.Call) and _is_import_call(node):
            name = _constant(node.args[0]) if node.args else None
            anchor = _constant(node.args[1]) if len(node.args) > 1 else None
            if anchor is None:   # import_module("._x", __name__): the module's package
                anchor = package
            if name is not None:
                out.append((_resolve(name, anchor), node.lineno))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                _MODULE_PATH.fullmatch(node.value):
            # a module path held as text (a table of lazy imports)
            out.append((node.value, node.lineno))
    return out


_MODULE_PATH = re.compile(r"rumrules(\.[A-Za-z_][A-Za-z0-9_]*)+")


def _is_import_call(node: ast.Call) -> bool:
    """``importlib.import_module(...)``, ``import_module(...)`` or ``__import__(...)``."""
    f = node.func
    name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
    return name in ("import_module", "__import__")


def _constant(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _resolve(name: str, anchor: str) -> str:
    """``import_module(name, anchor)``'s module: a relative ``name`` against the package
    ``anchor`` (a module's own ``__name__`` in a package's ``__init__``)."""
    if not name.startswith("."):
        return name
    level = len(name) - len(name.lstrip("."))
    base = anchor.split(".")
    base = base[:len(base) - level + 1]
    return ".".join(base + [name.lstrip(".")]) if name.lstrip(".") else ".".join(base)


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


def _cross_package_private_imports(files) -> list[str]:
    bad = []
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
    return bad


def test_no_package_imports_another_packages_private_module():
    files = sorted(ROOT.rglob("*.py"))
    assert len(files) > 40
    assert _cross_package_private_imports(files) == []


def test_the_check_sees_every_form_of_a_cross_package_private_import(tmp_path, monkeypatch):
    """Written into a scratch copy of a package: ``from``, ``import``, relative imports,
    ``import_module`` with a dotted or a relative path, ``__import__`` and a module path
    held as text are all caught; the package's own private modules are not."""
    root = tmp_path / "rumrules"
    for package in ("pattern", "engine"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
        (root / package / "_inner.py").write_text("")
    forms = [
        "from rumrules.pattern._inner import x",
        "import rumrules.pattern._inner",
        "from ..pattern._inner import x",
        "from ..pattern import _inner",
        "import importlib\nimportlib.import_module('rumrules.pattern._inner')",
        "from importlib import import_module\nimport_module('.._inner', 'rumrules.pattern.x')",
        "__import__('rumrules.pattern._inner')",
        "LAZY = {'x': 'rumrules.pattern._inner'}",
    ]
    monkeypatch.setattr(sys.modules[__name__], "ROOT", root)
    for i, text in enumerate(forms):
        path = root / "engine" / f"user{i}.py"
        path.write_text(text + "\n")
        assert _cross_package_private_imports([path]) != [], text
    own = root / "engine" / "own.py"
    own.write_text("from ._inner import x\nimport importlib\n"
                   "importlib.import_module('._inner', __name__.rpartition('.')[0])\n"
                   "T = 'rumrules.engine._inner'\nfrom ..pattern import x\n")
    assert _cross_package_private_imports([own]) == []


def test_the_check_sees_a_private_import():
    """The reader finds the kind of line the test above forbids."""
    found = _imports(ROOT / "pattern" / "_pattern.py")
    assert ("rumrules.pattern._index", 15) in found or any(
        t == "rumrules.pattern._index" for t, _ in found)
    assert _private_step("rumrules.pattern._events.load_event") == "rumrules.pattern._events"
    assert _private_step("rumrules.pattern.load_event") is None
