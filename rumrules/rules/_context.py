"""What the rules look at: one definition (or one request) analysed once.

A :class:`DefinitionContext` answers the questions many rules share -- which members hold
values later rules may trust, extended or custom, the compiled EventPattern and its
conditions -- so no rule recomputes them and no rule trusts a value another rule already
reported as broken (one mistake, one error).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Any, Callable

from ..catalog.metrics import EXTENDED_METRICS, EXTENDED_NAMESPACE, ExtendedMetric
from ..errors import PatternError
from ..pattern import compile_pattern, compile_uncached
from ._model import (DEFINITION_MEMBERS, LENGTHS, dimension_key_problem,
                     dimension_name_problem, guess_member, length_problem, member_type_problem,
                     NAMESPACE_CHARS, namespace_charset_problem)

__all__ = ["DefinitionContext", "RequestContext", "BatchContext"]


#: the aliases of a definition that has none (one shared read-only mapping)
_NO_ALIASES: Mapping[str, str] = MappingProxyType({})


class DefinitionContext:
    """One definition, analysed lazily.

    ``base`` is the path of the definition in its input (``()`` or
    ``("MetricDefinitions", 3)``); ``destination`` is ``"CloudWatch"``, ``"Evidently"`` or
    ``None`` when unknown.  ``cached`` false compiles the EventPattern without the cache of
    compiled patterns (:func:`~rumrules.pattern.compile_uncached`): for a checker that lets
    each definition's pattern go once it is checked.
    """

    def __init__(self, definition: Any, base: tuple = (), destination: str | None = None,
                 *, cached: bool = True):
        self.definition = definition
        self.base = base
        self.destination = destination
        self.cached = cached
        self.is_mapping = isinstance(definition, Mapping)
        self._memo: dict[str, Any] = {}

    # -- members ---------------------------------------------------------------------
    @cached_property
    def aliases(self) -> Mapping[str, str]:
        """Member -> the misspelled key that stands for it (``"name"`` for ``Name``) when
        the member itself is absent.  RUM102 reports the misspelling once; the other rules
        read the value as meant, so one typo makes one error."""
        if not self.is_mapping:
            return {}
        out: dict[str, str] = {}
        for key in self.definition:
            if key not in DEFINITION_MEMBERS and isinstance(key, str):
                meant = guess_member(key)
                if meant and meant not in self.definition and meant not in out:
                    out[meant] = key
        return out or _NO_ALIASES  # one shared read-only mapping for the usual case

    def raw(self, member: str) -> Any:
        """The member as given (``None`` when absent or null); a misspelled member counts
        as the member it stands for (see :attr:`aliases`)."""
        if not self.is_mapping:
            return None
        d = self.definition
        if member in d:
            return d[member]
        alias = self.aliases.get(member)
        return d[alias] if alias is not None else None

    def key_of(self, member: str) -> str:
        """The key that holds ``member`` in the input (itself, or its misspelling)."""
        if self.is_mapping and member not in self.definition and member in self.aliases:
            return self.aliases[member]
        return member

    def at(self, member: str, *rest: Any) -> tuple:
        """The path (below the definition) of ``member`` and what follows it."""
        return (self.key_of(member),) + rest

    def value(self, member: str) -> Any:
        """The member's value when present, of the right type and within its length
        limits; else ``None``.  (Rules about the member's own constraints report the rest.)"""
        v = self.raw(member)
        if v is None or member_type_problem(member, v) is not None:
            return None
        if member in LENGTHS and length_problem(member, v) is not None:
            return None
        return v

    def broken(self, member: str) -> bool:
        """True when the member is present but breaks its type or length constraint."""
        return self.raw(member) is not None and self.value(member) is None

    @cached_property
    def dimension_keys(self) -> dict[str, str]:
        """DimensionKeys entries whose key and name are strings within their constraints."""
        dk = self.raw("DimensionKeys")
        if not isinstance(dk, Mapping):
            return {}
        return {k: v for k, v in dk.items()
                if isinstance(k, str) and isinstance(v, str)
                and dimension_key_problem(k) is None and dimension_name_problem(v) is None}

    # -- kind ------------------------------------------------------------------------
    @cached_property
    def kind(self) -> str | None:
        """``"extended"`` when Namespace is absent (or null) or exactly ``AWS/RUM``, else
        ``"custom"`` -- with two exceptions when Name is one of the 14 extended metrics, so
        that one Namespace mistake makes one error:

        - Namespace only a casing, whitespace or stray character away from ``AWS/RUM``
          (:attr:`near_extended_namespace`) that no custom metric may have either (it starts
          with ``AWS/`` or has a character no namespace may have): ``"extended"``, the kind it
          means to be; one that a custom metric may have (``aws/rum``) stays ``"custom"``;
        - Namespace broken (wrong type, out of its length, characters no namespace may
          have, only spaces): ``None``, unknown -- the Namespace rules report it, and
          neither the extended-only nor the custom-only rules run.
        """
        ns = self.raw("Namespace")
        if ns is None or ns == EXTENDED_NAMESPACE:
            return "extended"
        if self.value("Name") not in EXTENDED_METRICS:
            return "custom"
        broken = self.broken("Namespace") or namespace_charset_problem(ns) is not None
        if self.near_extended_namespace and (broken or ns.startswith("AWS/")):
            return "extended"
        if broken:
            return None
        # a usable custom namespace, even one that reads like AWS/RUM (``aws/rum``): the
        # service publishes it as a custom metric, so the custom rules apply (RUM302 warns)
        return "custom"

    @property
    def is_extended(self) -> bool:
        return self.kind == "extended"

    @property
    def is_custom(self) -> bool:
        return self.kind == "custom"

    @cached_property
    def near_extended_namespace(self) -> bool:
        """True when Namespace is not ``AWS/RUM`` but would be without its casing, its
        whitespace, characters no namespace may have and slashes around it (``aws/rum``,
        ``"AWS/RUM "``, ``AWS/RUM/``)."""
        ns = self.raw("Namespace")
        if not isinstance(ns, str) or ns == EXTENDED_NAMESPACE or len(ns) > 300:
            return False
        kept = "".join(ch for ch in ns if ch != " " and NAMESPACE_CHARS.fullmatch(ch))
        return kept.strip("/").casefold() == EXTENDED_NAMESPACE.casefold()

    @cached_property
    def custom_namespace(self) -> str | None:
        """Namespace when it is a usable string other than ``AWS/RUM`` (what the Namespace
        rules check, whatever the kind), else ``None``."""
        ns = self.value("Namespace")
        return ns if ns is not None and ns != EXTENDED_NAMESPACE else None

    @cached_property
    def extended_metric(self) -> ExtendedMetric | None:
        """The extended-metrics row when this is an extended metric with a known Name."""
        if not self.is_extended:
            return None
        name = self.value("Name")
        return EXTENDED_METRICS.get(name) if isinstance(name, str) else None

    # -- EventPattern ----------------------------------------------------------------
    @cached_property
    def pattern_text(self) -> str | None:
        """The EventPattern text when present, non-empty and within its limits."""
        return self.value("EventPattern") or None

    @property
    def pattern_absent(self) -> bool:
        """True when there is no EventPattern at all (absent, null or ``""``)."""
        raw = self.raw("EventPattern")
        return raw is None or raw == ""

    @cached_property
    def _compiled(self) -> tuple[Any, PatternError | None]:
        text = self.pattern_text
        if text is None:
            return None, None
        try:
            compile = compile_pattern if self.cached else compile_uncached
            return compile(text, dialect="eventbridge"), None
        except PatternError as e:
            return None, e

    @property
    def pattern(self) -> Any:
        """The compiled EventPattern (``eventbridge`` dialect), or ``None`` when absent,
        broken as a member, or not valid."""
        return self._compiled[0]

    @property
    def pattern_error(self) -> PatternError | None:
        return self._compiled[1]

    @cached_property
    def conditions(self) -> dict[str, list]:
        """Dotted path -> the conditions on it (more than one only across ``$or`` branches)."""
        out: dict[str, list] = {}
        if self.pattern is not None:
            for c in self.pattern.conditions:
                out.setdefault(c.path, []).append(c)
        return out

    @property
    def root_position(self) -> tuple[int | None, int | None]:
        p = self.pattern
        return (p.ast.line, p.ast.column) if p is not None else (None, None)

    @cached_property
    def canonical_key(self) -> bytes:
        """The definition's identity for duplicate detection: the digest of its ``canonical``
        key (``identity_digest``; compare the keys of ``BatchContext.known`` by their
        digests too)."""
        from ._identity import canonical, identity_digest

        return identity_digest(canonical(self.definition, self.pattern))

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per context (analyses shared by several rules)."""
        memo = self._memo
        try:
            return memo[key]
        except KeyError:
            value = memo[key] = compute()
            return value


class RequestContext:
    """A whole request body.  ``kind`` is ``"create"``, ``"update"`` or ``"delete"`` for
    those requests, ``"list"`` for a plain list of definitions checked for a destination
    (then ``request`` holds only ``Destination`` and ``DestinationArn``)."""

    base: tuple = ()

    def __init__(self, request: Mapping, kind: str):
        self.request = request
        self.kind = kind

    def raw(self, member: str) -> Any:
        return self.request.get(member)


class BatchContext:
    """The definitions of one batch (or list) together, and the destination they go to.

    ``items`` holds ``(path, DefinitionContext, has_errors)`` per definition, in order;
    ``existing`` is the number of definitions already in the destination and ``known`` maps
    their canonical keys to their ids; ``capacity`` is the destination's limit.
    ``admitter`` (an ``Admitter`` of the RUM5xx rules), when given, holds what the earlier
    definitions of the batch were admitted as: ``items`` may then be one part of the batch
    (the checker passes one definition at a time, and keeps no context once its own rules
    and the batch rules have run).
    """

    base: tuple = ()

    def __init__(self, items: list, *, destination: str | None = None, existing: int = 0,
                 known: Mapping | None = None, capacity: int = 2000, admitter: Any = None):
        self.items = items
        self.destination = destination
        self.existing = existing
        self.known = known or {}
        self.capacity = capacity
        self.admitter = admitter
