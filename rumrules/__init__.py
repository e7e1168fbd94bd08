"""rumrules: what CloudWatch RUM does with metric definitions and events, offline and fast.

The public names (SPEC §6) live here and nowhere else::

    p = rumrules.compile_pattern(text, dialect="rum")     # -> EventPattern
    p.matches(event); p.explain(event)
    ps = rumrules.PatternSet(dialect="eventbridge"); ps.add(name, text); ps.matches(event)
    rumrules.check_definition(definition)                 # -> list[Diagnostic]
    rumrules.check_definitions(definitions, destination="CloudWatch", destination_arn=None)
    rumrules.batch_create(request)                        # BatchCreateRumMetricDefinitions
    rumrules.lint(["templates/"]) / lint(text=..., filename=...) / lint(data=...)  # -> list[Finding]
    rumrules.ingest(request, app_monitor_name=..., account_id=...)
    rumrules.MetricEngine(definitions, app_monitor_name=...).process(request)

Names are imported lazily (PEP 562): importing ``rumrules`` is cheap and builds no parser.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # errors and findings
    "RumRulesError": "rumrules.errors",
    "PatternError": "rumrules.errors",
    "RequestError": "rumrules.errors",
    "DefinitionError": "rumrules.errors",
    "Diagnostic": "rumrules.errors",
    "Severity": "rumrules.errors",
    # the pattern language
    "compile_pattern": "rumrules.pattern",
    "EventPattern": "rumrules.pattern",
    "Explanation": "rumrules.pattern",
    "purge": "rumrules.pattern",
    # many patterns, one index
    "PatternSet": "rumrules.pattern",
    # the rule checker
    "check_definition": "rumrules.rules",
    "check_definitions": "rumrules.rules",
    # the service model (state between calls)
    "batch_create": "rumrules.service",
    "update_definition": "rumrules.service",
    "batch_delete": "rumrules.service",
    "MetricDestination": "rumrules.service",
    "Rule": "rumrules.rules",
    "RULES": "rumrules.rules",
    # the linter: files, text or parsed objects -> findings placed in their files
    "lint": "rumrules.linter",
    "Finding": "rumrules.linter",
    # ingestion
    "ingest": "rumrules.ingestion",
    "ingest_batch": "rumrules.ingestion",
    "IngestResult": "rumrules.ingestion",
    # the metric engine
    "MetricEngine": "rumrules.engine",
    "MetricDatum": "rumrules.engine",
    "StatisticSet": "rumrules.engine",
    "ProcessResult": "rumrules.engine",
    "put_metric_data_requests": "rumrules.engine",
    "emf_lines": "rumrules.engine",
    "aggregate": "rumrules.engine",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rumrules' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .errors import (
        DefinitionError,
        Diagnostic,
        PatternError,
        RequestError,
        RumRulesError,
        Severity)
    from .pattern import EventPattern, Explanation, PatternSet, compile_pattern, purge
    from .rules import RULES, Rule, check_definition, check_definitions
    from .service import MetricDestination, batch_create, batch_delete, update_definition
    from .linter import Finding, lint
    from .ingestion import IngestResult, ingest, ingest_batch
    from .engine import (
        MetricDatum,
        MetricEngine,
        ProcessResult,
        StatisticSet,
        aggregate,
        emf_lines,
        put_metric_data_requests)
