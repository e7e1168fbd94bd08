"""Writing a command's report to ``--output-file`` (one place for the error it makes)."""

from __future__ import annotations

from ..errors import RumRulesError

__all__ = ["write_output"]


def write_output(path: str, text: str) -> None:
    """Write ``text`` (UTF-8, line breaks as given) to ``path``; a :class:`RumRulesError`
    naming the file when it cannot be written."""
    try:
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write(text)
    except OSError as e:
        raise RumRulesError(f"cannot write {path}: {e.strerror or e}") from None
