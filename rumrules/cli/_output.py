"""Writing a command's report to ``--output-file`` (one place for the error it makes)."""

from __future__ import annotations

import os
import shutil
import tempfile

from ..errors import RumRulesError

__all__ = ["write_output", "replace_file"]


def write_output(path: str, text: str) -> None:
    """Write ``text`` (UTF-8, line breaks as given) to ``path``; a :class:`RumRulesError`
    naming the file when it cannot be written."""
    try:
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write(text)
    except OSError as e:
        raise RumRulesError(f"cannot write {path}: {e.strerror or e}") from None


def replace_file(path: str, data: bytes) -> None:
    """Replace the contents of ``path`` (the file a symbolic link names, when it is one) with
    ``data`` all at once: a temporary file beside it takes the data and the file's mode, then
    takes its place, so an interrupted run leaves the old file or the new one, never half of
    it.  A :class:`RumRulesError` naming the file when it cannot be written."""
    target = os.path.realpath(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target),
                                             prefix=".rumrules-", suffix=".tmp")
    except OSError as e:
        raise RumRulesError(f"cannot write {path}: {e.strerror or e}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        shutil.copymode(target, temporary)
        os.replace(temporary, target)
    except OSError as e:
        raise RumRulesError(f"cannot write {path}: {e.strerror or e}") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
