"""The exceptions and the finding type of rumrules.

Every error the public API raises is a :class:`RumRulesError`; no Lark, ``json`` or
``jsonschema`` exception escapes it.  Errors are data: each carries the field it is about,
a line and column where there is text, and, where one helps, a plain-words fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NamedTuple

__all__ = [
    "RumRulesError",
    "PatternError",
    "RequestError",
    "DefinitionError",
    "Severity",
    "Diagnostic",
    "Fix",
    "render_path",
    "shown",
]


class RumRulesError(Exception):
    """Root of every exception that rumrules raises on purpose.

    ``message`` is the reason in words; ``line`` and ``column`` (1-based) locate it in the
    text it came from when there was text, else they are ``None``.
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None,
                 hint: str | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint
        super().__init__(message)

    def __str__(self) -> str:
        text = self.message
        if self.line is not None:
            text = f"{text} (line {self.line}, column {self.column})"
        if self.hint:
            text = f"{text}; {self.hint}"
        return text

    def __reduce__(self):  # keep the keyword-only data across pickling
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls, state):
    obj = cls.__new__(cls)
    Exception.__init__(obj, state.get("message"))
    obj.__dict__.update(state)
    return obj


class PatternError(RumRulesError, ValueError):
    """An EventPattern text that is not valid.

    ``message`` is the reason AWS returns for the same pattern (the text after
    ``Event pattern is not valid. Reason:``): for semantic errors the reference's text, and
    for JSON syntax errors the parser's (Jackson's) text, such as ``Unexpected character
    (',' (code 44)): ...``.  Our plain-words reason for a syntax error ("missing comma
    between array items", "trailing comma before ]") is in ``hint``, with the fix.  Where
    AWS has no message, ``message`` is in our words: text after the closing brace (which
    AWS ignores; SPEC §5), the 4000-character API limit, rumrules' bound on ``$or``
    expansion, and input that is not text.
    ``line``/``column`` locate the mistake in the text and ``hint`` is a plain-words fix,
    or ``None``.
    """


class RequestError(RumRulesError, ValueError):
    """An API request that is invalid as a whole (nothing of it is applied).

    ``code`` is the API's error code (``ValidationException``), ``field`` the member the
    error is about, as a path such as ``RumEvents[2].id``.
    """

    def __init__(self, message: str, *, field: str | None = None,
                 code: str = "ValidationException", line: int | None = None,
                 column: int | None = None, hint: str | None = None) -> None:
        self.code = code
        self.field = field
        super().__init__(message, line=line, column=column, hint=hint)

    def __str__(self) -> str:
        base = super().__str__()
        return f"{self.field}: {base}" if self.field else base


class DefinitionError(RumRulesError, ValueError):
    """Metric definitions that the rule checker rejects (the engine takes only valid ones).

    ``diagnostics`` lists ``(index, Diagnostic)`` for every error-severity finding, where
    ``index`` is the definition's position in the list given.
    """

    def __init__(self, message: str, diagnostics: list | None = None) -> None:
        self.diagnostics = list(diagnostics or [])
        super().__init__(message)


class Severity(str, Enum):
    """How much a finding matters: ``error`` fails a check, the others inform."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value


def render_path(path: tuple[Any, ...]) -> str:
    """Render a path tuple as ``$.MetricDefinitions[3].EventPattern`` (strings are members,
    integers are list indexes)."""
    out = ["$"]
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif isinstance(part, str) and part.replace("_", "a").isalnum():
            out.append(f".{part}")
        else:
            out.append("[" + _quote(str(part)) + "]")
    return "".join(out)


#: Python refuses to convert an ``int`` of more than 4300 decimal digits to text (and text to
#: such an ``int``) unless the process-wide ``sys.set_int_max_str_digits`` is raised, which
#: a library must not do.  An int above this many bits may have that many digits.
_REPR_SAFE_BITS = 14_000


def shown(value: Any, limit: int = 80) -> str:
    """``repr(value)`` for a message, never longer than ``limit`` characters, and never an
    exception: an integer too long for ``repr`` is described by its size, and a value whose
    ``repr`` fails (an object raising in ``__repr__``, a structure nested too deeply, a huge
    integer inside a list) by its type."""
    if isinstance(value, int) and value.bit_length() > _REPR_SAFE_BITS:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - the caller's object: describe it instead
        return f"a {type(value).__name__} value"
    if not isinstance(text, str):  # pragma: no cover - a broken __repr__
        return f"a {type(value).__name__} value"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _quote(s: str) -> str:
    import json

    return json.dumps(s, ensure_ascii=False)


class Fix(NamedTuple):
    """The change that resolves a finding, when a rule can state it exactly.

    ``kind`` is ``"set"`` (give the member at the finding's path the JSON value ``value``,
    adding the member when it is missing), ``"remove"`` (remove that member) or ``"rename"``
    (inside the string at the finding's path, the JSON object key ``old`` becomes ``value``).
    ``safe`` is the rule's declaration: a safe fix keeps what the definition means (the
    only spelling the service accepts), an unsafe one is a likely guess that changes it
    (``rumrules check --fix`` applies those only with ``--unsafe-fixes``).
    """

    kind: str
    value: Any = None
    old: str | None = None
    safe: bool = True


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding of the rule checker.

    ``code`` is the stable rule code, ``severity`` a :class:`Severity`, ``message`` says what
    is wrong and how to fix it, ``path`` is the location in the input as a tuple
    (``("MetricDefinitions", 3, "EventPattern")``), ``line``/``column`` locate the finding
    inside the EventPattern text when it is there (else ``None``), ``hint`` is an optional fix
    in words and ``fix`` (a :class:`Fix`, or ``None``) the exact change when the rule can
    state one.
    """

    code: str
    severity: Severity
    message: str
    path: tuple[Any, ...] = ()
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    rule: str | None = field(default=None, compare=False)
    fix: Fix | None = field(default=None, compare=False)

    @property
    def json_path(self) -> str:
        """The path rendered as ``$.a[0].b``."""
        return render_path(self.path)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of this finding."""
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "path": list(self.path),
            "line": self.line,
            "column": self.column,
        }

    def __str__(self) -> str:
        loc = f"{self.line}:{self.column}: " if self.line is not None else ""
        return f"{loc}{self.code} [{self.severity}] {self.json_path}: {self.message}"
