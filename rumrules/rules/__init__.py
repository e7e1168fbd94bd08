"""The metric-definition rule checker (SPEC §2): every rule RUM applies to extended and
custom metrics and the API's field constraints.  The checker is stateless: the operations
that keep definitions between calls (BatchCreate / Update / BatchDelete over a destination)
are in :mod:`rumrules.service`.

Each rule is a :class:`Rule` (stable code, name, severity, summary, source, examples) with a
check; :data:`RULES` is the checker.  Codes: RUM0xx EventPattern validity, RUM1xx field
constraints, RUM2xx extended metrics, RUM3xx custom metrics, RUM4xx both kinds, RUM5xx
requests and batches, RUM6xx files and templates (what could not be checked, and what the
resources of one template say about each other: :func:`check_document`).
``docs/rules/<CODE>.md`` documents each one.

Inner API for the service package (not in ``rumrules.__all__``): :func:`analyse` (every
finding of a request, per definition), :func:`canonical` (a definition's identity),
:data:`MAX_PER_DESTINATION` and :func:`detached` (a copy sharing nothing with the
caller's); for the linter and the CLI: :func:`rule_by_code`, :func:`iter_diagnostics`
(:func:`check_definitions` one diagnostic at a time, holding no state per definition),
:func:`check_document` and the facts it reads (:class:`DocumentFacts`...).
"""

from ._checker import (RULES, analyse, check_definition, check_definitions, iter_diagnostics,
                       rule_by_code)
from ._document import (CallFacts, DefinitionFacts, DestinationFacts, DocumentFacts,
                        LogReaderFacts, MonitorFacts, UncheckedFacts, check_document)
from ._identity import canonical
# the API model (lengths, patterns, limits), for the JSON Schemas and other readers
from ._model import (APP_MONITOR_NAME_LENGTH, APP_MONITOR_NAME_RE, ARN_MAX, DESTINATIONS,
                     DIMENSION_KEY_LENGTH, DIMENSION_NAME_LENGTH, ID_LENGTH, LENGTHS,
                     MAX_BATCH, MAX_DIMENSIONS, MAX_PER_DESTINATION, NAMESPACE_CHARS,
                     detached)
from ._rule import Rule

__all__ = ["check_definition", "check_definitions", "iter_diagnostics", "Rule", "RULES",
           "analyse", "canonical", "MAX_PER_DESTINATION", "detached", "rule_by_code", "check_document", "DocumentFacts",
           "MonitorFacts", "DestinationFacts", "DefinitionFacts", "CallFacts", "UncheckedFacts",
           "LogReaderFacts", "LENGTHS", "NAMESPACE_CHARS", "APP_MONITOR_NAME_RE",
           "APP_MONITOR_NAME_LENGTH", "MAX_DIMENSIONS", "DIMENSION_KEY_LENGTH",
           "DIMENSION_NAME_LENGTH", "MAX_BATCH", "ARN_MAX", "ID_LENGTH", "DESTINATIONS"]
