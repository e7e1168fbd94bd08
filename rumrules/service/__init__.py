"""The service model: what CloudWatch RUM keeps between calls.

:class:`MetricDestination` holds one destination's metric definitions;
:func:`batch_create`, :func:`update_definition` and :func:`batch_delete` are the API's
metric-definition operations over it (the checker in :mod:`rumrules.rules` stays stateless).
The library calls and ``rumrules serve`` both use these.
"""

from ._api import batch_create, batch_delete, update_definition
from ._destination import MetricDestination

__all__ = ["batch_create", "update_definition", "batch_delete", "MetricDestination"]
