"""The public names: all of them resolve, none is shadowed by a subpackage, all documented."""

from __future__ import annotations

import importlib
import pkgutil
import types

import rumrules


def test_every_public_name_resolves_to_a_documented_object_even_after_importing_everything():
    for mod in pkgutil.walk_packages(rumrules.__path__, "rumrules."):
        if not mod.name.startswith(("rumrules.cli", "rumrules.contrib", "rumrules.strategies",
                                    "rumrules.__main__")):
            importlib.import_module(mod.name)
    for name in rumrules.__all__:
        if name == "__version__":
            continue
        obj = getattr(rumrules, name)
        assert not isinstance(obj, types.ModuleType), f"rumrules.{name} is a module"
        assert (obj.__doc__ or "").strip(), f"rumrules.{name} has no docstring"


def test_dir_lists_the_public_names():
    assert set(rumrules.__all__) <= set(dir(rumrules))


def test_type_checking_imports_cover_every_export():
    import re
    from pathlib import Path

    text = Path(rumrules.__file__).read_text()
    block = text[text.index("if TYPE_CHECKING:"):]
    for name in rumrules._EXPORTS:
        assert re.search(rf"\b{name}\b", block), f"{name} is missing from the TYPE_CHECKING block"
