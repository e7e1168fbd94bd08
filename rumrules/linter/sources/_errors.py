"""The error of the input readers."""

from __future__ import annotations

from ...errors import RumRulesError

__all__ = ["SourceError"]


class SourceError(RumRulesError):
    """An input that cannot be read: a missing or unreadable file, text that is not valid
    JSON or YAML, undecodable bytes, or (for a file named explicitly) a document that is none
    of the supported shapes.

    ``file`` is the display name, ``line``/``column`` (1-based, or ``None``) the position of
    the problem, ``message`` a one-line reason.  ``str()`` reads
    ``file:line:column: reason``; the command line exits with status 2 on it.
    """

    def __init__(self, message: str, *, file: str, line: int | None = None,
                 column: int | None = None, hint: str | None = None) -> None:
        self.file = file
        super().__init__(message, line=line, column=column, hint=hint)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where = f"{where}:{self.line}:{self.column or 1}"
        text = f"{where}: {self.message}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return text
