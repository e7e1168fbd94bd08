"""A rule: one small unit of metadata plus a check that yields findings.

Every family module (``_pattern``, ``_fields``, ``_extended``, ``_custom``, ``_dimensions``,
``_requests``) declares its rules with :func:`rule`; the checker is the list of them
(:data:`REGISTRY`, published sorted by code as ``RULES``).  The metadata (code, name,
severity, summary, source, decisions, good and bad examples) feeds both the generated docs
pages (``scripts/gen_rule_docs.py``) and the parametrized tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from ..errors import Diagnostic, Fix, Severity

__all__ = ["Rule", "Example", "Finding", "rule", "REGISTRY", "SCOPES", "FIX_SAFETY"]

#: What a rule looks at: one definition, one request (its top-level members), the
#: definitions of a batch or destination together, or a whole file (a template's resources
#: together, and what could not be read; see ``_document``).
SCOPES = ("definition", "request", "batch", "document")


class Finding(NamedTuple):
    """What a check yields: the message, the path below the definition (or request) it is
    about, and a line/column inside the EventPattern text when it is there."""

    message: str
    where: tuple = ()
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    fix: Fix | None = None


#: What a rule may declare about its fixes: ``safe`` ones keep the definition's meaning and
#: ``rumrules check --fix`` applies them; ``unsafe`` ones only with ``--unsafe-fixes``.
FIX_SAFETY = ("safe", "unsafe")


@dataclass(frozen=True)
class Example:
    """An input for the docs page and the tests.

    ``input`` is a definition (scope ``definition``), a request body (``request``), or a
    request body or a list of definitions (``batch``).  ``doc`` replaces the JSON on the docs
    page when the input is too big to print; ``note`` says what the example shows.  For a
    bad example, ``where`` is the path (below the definition or request) the finding must
    have.  ``findings`` is how many findings of this rule a bad example makes: one per
    mistake, and a bad example is one mistake unless it says otherwise (a batch with three
    definitions past the destination's limit makes three).
    """

    input: Any
    note: str = ""
    where: tuple | None = None
    doc: str | None = None
    destination: str | None = None
    findings: int = 1


@dataclass(frozen=True)
class Rule:
    """One rule of the checker.

    ``code`` is stable (``RUM`` + 3 digits: 0xx pattern validity, 1xx field constraints,
    2xx extended metrics, 3xx custom metrics, 4xx both kinds, 5xx requests and batches);
    ``name`` a short kebab-case name; ``severity`` the severity of every finding it makes;
    ``summary`` one line; ``source`` where the rule comes from (the API reference, botocore,
    SPEC sections); ``decisions`` the SPEC §5 decisions it implements (``D1``...);
    ``details`` more words for the docs page; ``good``/``bad`` examples (every bad example
    makes at least one finding of this rule, every good one none).  ``check(ctx)`` yields
    :class:`Finding` objects; :meth:`run` turns them into :class:`~rumrules.Diagnostic`.
    ``fix`` is ``"safe"`` or ``"unsafe"`` when some of its findings carry an exact
    :class:`~rumrules.errors.Fix` (``None``: the rule states no fix).
    """

    code: str
    name: str
    severity: Severity
    summary: str
    source: str
    check: Callable[[Any], Iterable[Finding]] = field(repr=False, compare=False)
    scope: str = "definition"
    decisions: tuple[str, ...] = ()
    details: str = ""
    good: tuple[Example, ...] = ()
    bad: tuple[Example, ...] = ()
    fix: str | None = None

    @property
    def family(self) -> str:
        """The family, from the code's hundreds digit."""
        return _FAMILIES[self.code[3]]

    def docs_page(self) -> str:
        """This rule's docs page (Markdown), as ``docs/rules/<CODE>.md`` has it."""
        from ._docs import render_rule
        return render_rule(self)

    def run(self, ctx: Any) -> Iterator[Diagnostic]:
        """The findings of this rule on ``ctx`` as diagnostics, paths below ``ctx.base``."""
        base = ctx.base
        safe = self.fix == "safe"
        for f in self.check(ctx):
            fix = f.fix._replace(safe=safe) if f.fix is not None and self.fix else None
            yield Diagnostic(self.code, self.severity, f.message, base + f.where,
                             f.line, f.column, f.hint, self.name, fix)


_FAMILIES = {
    "0": "EventPattern validity",
    "1": "field constraints",
    "2": "extended metrics",
    "3": "custom metrics",
    "4": "extended and custom metrics",
    "5": "requests and batches",
    "6": "files and templates",
}

#: Every rule declared so far, in declaration order.
REGISTRY: list[Rule] = []


def _as_examples(items: Iterable[Any]) -> tuple[Example, ...]:
    return tuple(i if isinstance(i, Example) else Example(i) for i in items)


def rule(code: str, name: str, severity: Severity | str, summary: str, *, source: str,
         scope: str = "definition", decisions: Iterable[str] = (), details: str = "",
         good: Iterable[Any] = (), bad: Iterable[Any] = (),
         fix: str | None = None) -> Callable[[Callable], Rule]:
    """Declare a rule: decorate its check function (``ctx -> Iterable[Finding]``); ``fix``
    (``"safe"``/``"unsafe"``) declares the fixes its findings carry."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    if fix is not None and fix not in FIX_SAFETY:
        raise ValueError(f"unknown fix safety {fix!r}")

    def register(check: Callable) -> Rule:
        r = Rule(code, name, Severity(severity), summary, source, check, scope,
                 tuple(decisions), details.strip(), _as_examples(good), _as_examples(bad),
                 fix)
        if any(x.code == code or x.name == name for x in REGISTRY):
            raise ValueError(f"rule {code} {name} declared twice")
        REGISTRY.append(r)
        return r

    return register
