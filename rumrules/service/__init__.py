"""The service model: what CloudWatch RUM keeps between calls.

:class:`MetricDestination` holds one destination's metric definitions;
:func:`batch_create`, :func:`update_definition` and :func:`batch_delete` are the API's
metric-definition operations over it (the checker in :mod:`rumrules.rules` stays stateless).
:class:`RumService` runs all twenty RUM operations over a :class:`Store` (SQLite), the
metric-definition ones through those same functions.  The library calls and
``rumrules serve`` both use these.

The defaults (``DEFAULT_*``) are plain constants; every other name is imported when first
used, so the command line can read the defaults cheaply.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._settings import (DEFAULT_ACCOUNT_ID, DEFAULT_DATA, DEFAULT_HOST, DEFAULT_PORT,
                        DEFAULT_REGION)

_LAZY = {
    "batch_create": "._api", "update_definition": "._api", "batch_delete": "._api",
    "MetricDestination": "._destination",
    "RumService": "._operations", "ServiceError": "._operations", "OPERATIONS": "._operations",
    "FILTER_FIELDS": "._operations",
    "Store": "._store", "DATABASE_FILE": "._store", "MEMORY": "._store",
}

__all__ = sorted(_LAZY) + ["DEFAULT_ACCOUNT_ID", "DEFAULT_REGION", "DEFAULT_HOST",
                           "DEFAULT_PORT", "DEFAULT_DATA"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rumrules.service' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # pragma: no cover
    from ._api import batch_create, batch_delete, update_definition
    from ._destination import MetricDestination
    from ._operations import FILTER_FIELDS, OPERATIONS, RumService, ServiceError
    from ._store import DATABASE_FILE, MEMORY, Store
