"""The checker: the list of rules, run over one definition, a list, or a request."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import Diagnostic, RequestError, Severity
from . import _custom, _dimensions, _document, _extended, _fields, _pattern, _requests  # noqa: F401 (registers)
from ._context import BatchContext, DefinitionContext, RequestContext
from ._model import MAX_PER_DESTINATION
from ._requests import Admitter
from ._rule import REGISTRY, Rule

__all__ = ["RULES", "check_definition", "check_definitions", "iter_diagnostics", "analyse",
           "Analysis", "request_kind", "rule_by_code"]

#: Every rule, sorted by code.
RULES: tuple[Rule, ...] = tuple(sorted(REGISTRY, key=lambda r: r.code))
_BY_CODE = {r.code: r for r in RULES}
_DEFINITION_RULES = tuple(r for r in RULES if r.scope == "definition")
_REQUEST_RULES = tuple(r for r in RULES if r.scope == "request")
_BATCH_RULES = tuple(r for r in RULES if r.scope == "batch")
_TYPE_RULE = _BY_CODE["RUM101"]


def rule_by_code(code: str) -> Rule:
    """The rule with this code (``KeyError`` when there is none)."""
    return _BY_CODE[code.upper()]


def _definition_diagnostics(ctx: DefinitionContext) -> list[Diagnostic]:
    if not ctx.is_mapping:
        return list(_TYPE_RULE.run(ctx))
    out: list[Diagnostic] = []
    for r in _DEFINITION_RULES:
        out.extend(r.run(ctx))
    return out


def check_definition(definition: Any) -> list[Diagnostic]:
    """Check one metric definition (a ``MetricDefinitionRequest`` dict) against every
    definition rule; paths start at the definition (``("EventPattern",)``)."""
    return _definition_diagnostics(DefinitionContext(definition))


@dataclass
class Analysis:
    """Everything the checker found in one input: ``request`` findings (request members),
    and per definition ``(path, definition, findings)`` including the batch findings
    (duplicates, capacity, Evidently notes) about it, and its compiled pattern."""

    kind: str
    request: list[Diagnostic] = field(default_factory=list)
    items: list[tuple[tuple, Any, list[Diagnostic]]] = field(default_factory=list)
    #: per definition, its EventPattern as the rules compiled it (``eventbridge`` dialect),
    #: or ``None`` when absent or not valid -- for callers that go on to match with it
    patterns: list[Any] = field(default_factory=list)

    def diagnostics(self) -> list[Diagnostic]:
        out = list(self.request)
        for _, _, diags in self.items:
            out.extend(diags)
        return out


def request_kind(request: Mapping) -> str:
    """``"create"``, ``"update"`` or ``"delete"`` from a request's members."""
    if "MetricDefinitionIds" in request:
        return "delete"
    if "MetricDefinitions" not in request and (
            "MetricDefinition" in request or "MetricDefinitionId" in request):
        return "update"
    return "create"


def _prepare(data: Any, destination: str | None, destination_arn: str | None,
             kind: str | None) -> tuple[str, RequestContext, str | None, list, Iterable]:
    """The kind, the request's context, the destination, the definitions and their paths
    of a request body (``kind`` forced or guessed) or a plain list of definitions."""
    if isinstance(data, Mapping):
        kind = kind or request_kind(data)
        req_ctx = RequestContext(data, kind)
        destination = data.get("Destination")
        if kind == "update":
            definitions: list = [data.get("MetricDefinition")] if "MetricDefinition" in data \
                else []
            paths: Iterable = [("MetricDefinition",)]
        else:
            raw = data.get("MetricDefinitions") if kind == "create" else None
            definitions = list(raw) if isinstance(raw, (list, tuple)) else []
            paths = (("MetricDefinitions", i) for i in range(len(definitions)))
    elif isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        kind = "list"
        req_ctx = RequestContext({"Destination": destination,
                                  "DestinationArn": destination_arn}, "list")
        definitions = list(data)
        paths = (("MetricDefinitions", i) for i in range(len(definitions)))
    else:
        raise RequestError("check_definitions takes a list of definitions or a request dict, "
                           f"not {type(data).__name__}", field="MetricDefinitions")
    return kind, req_ctx, destination, definitions, paths


def _checked(definitions: list, paths: Iterable, destination: str | None,
             admitter: Admitter, cached: bool = True,
             ) -> Iterator[tuple[tuple, Any, DefinitionContext, list]]:
    """Per definition, in order: ``(path, definition, context, diagnostics)``, the
    diagnostics being its own rules' findings, then the batch rules' about it (duplicates,
    capacity, Evidently's notes: ``admitter`` carries what the definitions before it were
    admitted as).  Nothing of a definition is kept once the caller moves on, so checking a
    batch of 100,000 definitions holds one context and at most ``capacity`` identities at
    once, not one context per definition (``cached``: see :class:`DefinitionContext`)."""
    for path, definition in zip(paths, definitions):
        ctx = DefinitionContext(definition, path, destination, cached=cached)
        diags = _definition_diagnostics(ctx)
        has_errors = any(d.severity is Severity.ERROR for d in diags)
        batch = BatchContext([(path, ctx, has_errors)], destination=destination,
                             admitter=admitter)
        for r in _BATCH_RULES:  # each batch finding is about this definition (its path)
            diags.extend(r.run(batch))
        yield path, definition, ctx, diags


def analyse(data: Any, destination: str | None = "CloudWatch",
            destination_arn: str | None = None, *, kind: str | None = None, existing: int = 0,
            known: Mapping | None = None, capacity: int = MAX_PER_DESTINATION,
            keep_patterns: bool = True) -> Analysis:
    """Run every rule over a request body (``kind`` forced or guessed) or a plain list of
    definitions (checked for ``destination``/``destination_arn``).  With ``keep_patterns``
    false, ``patterns`` stays empty and no compiled pattern outlives its definition's
    checks (memory stays proportional to the definitions, not to their compiled forms)."""
    kind, req_ctx, destination, definitions, paths = _prepare(data, destination,
                                                              destination_arn, kind)
    out = Analysis(kind)
    for r in _REQUEST_RULES:
        out.request.extend(r.run(req_ctx))
    admitter = Admitter(existing=existing, known=known, capacity=capacity)
    for path, definition, ctx, diags in _checked(definitions, paths, destination, admitter):
        out.items.append((path, definition, diags))
        if keep_patterns:
            out.patterns.append(ctx.pattern)
    return out


def iter_diagnostics(definitions: Any, destination: str = "CloudWatch",
                     destination_arn: str | None = None, *,
                     cache_patterns: bool = True) -> Iterator[Diagnostic]:
    """:func:`check_definitions`' diagnostics one at a time, in the same order: the
    request's, then each definition's (its own, then the batch rules' about it).  A
    definition's context and compiled pattern are let go before the next one is checked,
    and what the batch rules keep is at most the destination's 2,000 identities: a caller
    that consumes the diagnostics as they come (``rumrules check``) holds no per-definition
    state.  ``cache_patterns`` false compiles each EventPattern without the cache of
    compiled patterns (which would keep the last 1,024 of a long file; the findings are the
    same).  Raises as :func:`check_definitions` does, at the first ``next()``."""
    kind, req_ctx, destination, items, paths = _prepare(definitions, destination,
                                                        destination_arn, None)
    for r in _REQUEST_RULES:
        yield from r.run(req_ctx)
    for _, _, _, diags in _checked(items, paths, destination, Admitter(), cache_patterns):
        yield from diags


def check_definitions(definitions: Any, destination: str = "CloudWatch",
                      destination_arn: str | None = None) -> list[Diagnostic]:
    """Check many definitions together: each one, then the batch (duplicates, the 2000 per
    destination, the destination itself).

    ``definitions`` is a list of definitions -- paths are ``("MetricDefinitions", i, ...)``,
    checked for ``destination`` and ``destination_arn`` -- or a whole request body
    (BatchCreateRumMetricDefinitions, UpdateRumMetricDefinition or
    BatchDeleteRumMetricDefinitions, told apart by their members), whose own
    ``Destination``/``DestinationArn`` are used and whose other members are checked too.
    """
    return list(iter_diagnostics(definitions, destination, destination_arn))
