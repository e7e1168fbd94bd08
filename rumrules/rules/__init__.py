"""The metric-definition rule checker (SPEC §2): every rule RUM applies to extended and
custom metrics, the API's field constraints, and the BatchCreate / Update / BatchDelete
operations over a destination that keeps state.

Each rule is a :class:`Rule` (stable code, name, severity, summary, source, examples) with a
check; :data:`RULES` is the checker.  Codes: RUM0xx EventPattern validity, RUM1xx field
constraints, RUM2xx extended metrics, RUM3xx custom metrics, RUM4xx both kinds, RUM5xx
requests and batches.  ``docs/rules/<CODE>.md`` documents each one.
"""

from ._api import batch_create, batch_delete, update_definition
from ._checker import RULES, check_definition, check_definitions, rule_by_code
from ._destination import MetricDestination
# the API model (lengths, patterns, limits), for the schemas and other readers
from ._model import (APP_MONITOR_NAME_LENGTH, APP_MONITOR_NAME_RE, ARN_MAX, DESTINATIONS,
                     DIMENSION_KEY_LENGTH, DIMENSION_NAME_LENGTH, ID_LENGTH, LENGTHS,
                     MAX_BATCH, MAX_DIMENSIONS, MAX_PER_DESTINATION, NAMESPACE_CHARS)
from ._rule import Rule

__all__ = ["check_definition", "check_definitions", "batch_create", "update_definition",
           "batch_delete", "MetricDestination", "Rule", "RULES", "rule_by_code",
           "LENGTHS", "NAMESPACE_CHARS", "APP_MONITOR_NAME_RE", "APP_MONITOR_NAME_LENGTH", "MAX_DIMENSIONS",
           "DIMENSION_KEY_LENGTH", "DIMENSION_NAME_LENGTH", "MAX_BATCH", "MAX_PER_DESTINATION", "ARN_MAX", "ID_LENGTH", "DESTINATIONS"]
