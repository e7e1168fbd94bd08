"""The metric-definition rule checker (SPEC §2): every rule RUM applies to extended and
custom metrics and the API's field constraints.  The checker is stateless: the operations
that keep definitions between calls (BatchCreate / Update / BatchDelete over a destination)
are in :mod:`rumrules.service`.

Each rule is a :class:`Rule` (stable code, name, severity, summary, source, examples) with a
check; :data:`RULES` is the checker.  Codes: RUM0xx EventPattern validity, RUM1xx field
constraints, RUM2xx extended metrics, RUM3xx custom metrics, RUM4xx both kinds, RUM5xx
requests and batches.  ``docs/rules/<CODE>.md`` documents each one.

Inner API for the service package (not in ``rumrules.__all__``): :func:`analyse` (every
finding of a request, per definition), :func:`canonical` (a definition's identity),
:data:`MAX_PER_DESTINATION` and :func:`detached` (a copy of a definition that shares nothing
with the caller's).
"""

from ._checker import RULES, analyse, check_definition, check_definitions
from ._identity import canonical
from ._model import MAX_PER_DESTINATION, detached
from ._rule import Rule

__all__ = ["check_definition", "check_definitions", "Rule", "RULES", "analyse", "canonical",
           "MAX_PER_DESTINATION", "detached"]
