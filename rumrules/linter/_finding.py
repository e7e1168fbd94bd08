"""The finding record that every formatter renders, and rule metadata access."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import render_path

__all__ = ["Finding", "FindingFix", "Edit", "as_finding", "sort_findings", "RuleLookup",
           "rule_metadata", "DOCS_BASE_URL", "INFORMATION_URI", "severity_of", "docs_url",
           "FAIL_ON"]

#: Where the rule pages (``docs/rules/<CODE>.md``) are published.
DOCS_BASE_URL = "https://github.com/rumrules/rumrules/blob/main/docs/rules/"
#: The project's home page, for SARIF ``tool.driver.informationUri``.
INFORMATION_URI = "https://github.com/rumrules/rumrules"

#: ``lookup(code)`` -> the rule object of that code (``.code``, ``.name``, ``.severity``,
#: ``.summary``, ``.source``, optionally ``.description``), or ``None``.
RuleLookup = Callable[[str], Any]

_SEVERITIES = ("error", "warning", "info")

#: ``--fail-on`` levels (``note`` is info) and the severities each one fails on.
FAIL_ON = {"error": ("error",), "warning": ("error", "warning"),
           "note": ("error", "warning", "info")}


def docs_url(code: str) -> str:
    """The docs page of rule ``code``."""
    return f"{DOCS_BASE_URL}{code}.md"


@dataclass(frozen=True)
class Edit:
    """Replace the text from ``line``/``column`` up to (not including) ``end_line``/
    ``end_column`` (1-based, code points) by ``content``; ``start``/``end`` are the same
    places as offsets in the decoded text of the file."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The record of an edit in ``--format json``."""
        return {"content": self.content, "line": self.line, "column": self.column,
                "end_line": self.end_line, "end_column": self.end_column}


@dataclass(frozen=True)
class FindingFix:
    """The exact change that resolves a finding: ``applicability`` is ``"safe"`` (applied
    by ``rumrules check --fix``) or ``"unsafe"`` (only with ``--unsafe-fixes``), ``message``
    says it in words, ``edits`` are the text edits in the file."""

    applicability: str
    message: str | None
    edits: tuple[Edit, ...]

    @property
    def safe(self) -> bool:
        """True for a safe fix."""
        return self.applicability == "safe"

    def to_dict(self) -> dict[str, Any]:
        """The record of a fix in ``--format json``."""
        return {"applicability": self.applicability, "message": self.message,
                "edits": [e.to_dict() for e in self.edits]}


def severity_of(value: Any) -> str:
    """``"error"``, ``"warning"`` or ``"info"`` from a :class:`~rumrules.Severity` or text
    (``"note"``/``"information"`` read as ``info``; anything unknown as ``error``)."""
    text = str(getattr(value, "value", value)).lower()
    if text in _SEVERITIES:
        return _SEVERITIES[_SEVERITIES.index(text)]  # one string, not one a finding
    if text in ("note", "notice", "information", "informational"):
        return "info"
    return "warning" if text == "warn" else "error"


@dataclass(frozen=True)
class Finding:
    """One finding placed in a file.

    ``path`` is the location in the document as a tuple (rendered ``$.a[0].b``); ``line`` and
    ``column`` are 1-based, or ``None`` when unknown; ``hint`` is an optional fix.  ``key``,
    when known, names what the finding is about independently of where it sits (the app
    monitor's logical id and destination, the definition's Name, the field in it): the SARIF
    fingerprint hashes it, so a finding keeps its alert when definitions are inserted above.
    ``end_line``/``end_column`` end the span the finding is about (past the value's closing
    quote; one character for a place inside EventPattern text; the start when nothing better
    is known), and ``fix`` is the exact change (:class:`FindingFix`) when the rule states one
    and it can be placed in the file.
    """

    file: str
    line: int | None
    column: int | None
    code: str
    severity: str
    message: str
    path: tuple[Any, ...] = ()
    hint: str | None = None
    key: str | None = None
    end_line: int | None = None
    end_column: int | None = None
    fix: FindingFix | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", severity_of(self.severity))
        object.__setattr__(self, "path", tuple(self.path))

    @property
    def json_path(self) -> str:
        """The path rendered as ``$.Resources.Monitor...MetricDefinitions[3].EventPattern``."""
        return render_path(self.path)

    @classmethod
    def from_diagnostic(cls, diagnostic: Any, *, file: str, line: int | None = None,
                        column: int | None = None,
                        path: tuple[Any, ...] | None = None,
                        key: str | None = None, end_line: int | None = None,
                        end_column: int | None = None,
                        fix: FindingFix | None = None) -> Finding:
        """A finding of a :class:`~rumrules.Diagnostic` placed at ``file:line:column``
        (``path`` defaults to the diagnostic's own)."""
        return cls(file=file, line=line, column=column, code=diagnostic.code,
                   severity=diagnostic.severity, message=diagnostic.message,
                   path=diagnostic.path if path is None else path,
                   hint=getattr(diagnostic, "hint", None), key=key, end_line=end_line,
                   end_column=end_column, fix=fix)

    @property
    def url(self) -> str:
        """The rule's docs page."""
        return docs_url(self.code)

    @property
    def extra_hint(self) -> str | None:
        """The hint, when the message does not already say it (rule messages usually end
        with their fix), else ``None``."""
        if self.hint and self.hint not in self.message:
            return self.hint
        return None

    def to_dict(self) -> dict[str, Any]:
        """The record of ``--format json``: where (``file``, ``line``, ``column``,
        ``end_line``, ``end_column``, ``path``), what (``code``, ``severity``, ``message``),
        ``help`` (the fix in words, or ``None``), ``fix`` (the exact edits, or ``None``) and
        ``url`` (the rule's docs page)."""
        return {"file": self.file, "line": self.line, "column": self.column,
                "end_line": self.end_line, "end_column": self.end_column,
                "code": self.code, "severity": self.severity, "message": self.message,
                "path": self.json_path, "help": self.hint,
                "fix": self.fix.to_dict() if self.fix else None, "url": self.url}


def as_finding(item: Any) -> Finding:
    """A :class:`Finding` from a finding, a mapping with the same keys, or any object with
    the same attributes."""
    if isinstance(item, Finding):
        return item
    if isinstance(item, Mapping):
        get = item.get
    else:
        def get(name: str, default: Any = None) -> Any:
            return getattr(item, name, default)
    path = get("path", ())
    return Finding(file=str(get("file", "")), line=get("line"), column=get("column"),
                   code=str(get("code", "")), severity=get("severity", "error"),
                   message=str(get("message", "")),
                   path=tuple(path) if isinstance(path, (list, tuple)) else (),
                   hint=get("hint"), key=get("key"), end_line=get("end_line"),
                   end_column=get("end_column"), fix=_as_fix(get("fix")))


def _as_fix(value: Any) -> FindingFix | None:
    if value is None or isinstance(value, FindingFix):
        return value
    if isinstance(value, Mapping):
        edits = tuple(e if isinstance(e, Edit) else Edit(
            e["line"], e["column"], e["end_line"], e["end_column"], e["content"])
            for e in value.get("edits") or ())
        return FindingFix(str(value.get("applicability", "unsafe")), value.get("message"),
                          edits)
    return None


def _sort_key(f: Finding) -> tuple[Any, ...]:
    return (f.file, f.line or 0, f.column or 0, f.code, f.message, f.json_path)


def sort_findings(findings: Iterable[Any]) -> list[Finding]:
    """Findings as :class:`Finding`, ordered by file, line, column, code and message."""
    return sorted((as_finding(f) for f in findings), key=_sort_key)


def rule_metadata(code: str, lookup: RuleLookup | None) -> dict[str, Any]:
    """What the formatters use of a rule: ``name``, ``summary``, ``description``,
    ``severity``, ``source`` (``None`` where the rule or the attribute is missing)."""
    rule = None
    if lookup is not None:
        try:
            rule = lookup(code)
        except (KeyError, LookupError):
            rule = None
    if rule is None:
        return {"name": None, "summary": None, "description": None, "severity": None,
                "source": None}

    def attr(name: str) -> Any:
        return rule.get(name) if isinstance(rule, Mapping) else getattr(rule, name, None)

    summary = attr("summary")
    severity = attr("severity")
    return {"name": attr("name"), "summary": summary,
            "description": attr("description") or summary,
            "severity": severity_of(severity) if severity is not None else None,
            "source": attr("source")}
