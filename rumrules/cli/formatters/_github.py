"""``--format github``: GitHub Actions workflow commands that annotate the pull request.

``::error file=F,line=L,col=C,title=CODE::message``; warnings are ``::warning``, info
``::notice``.  As the Actions runner reads them: in the message ``%``, CR and LF are
percent-encoded; in property values ``:`` and ``,`` are too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...linter import sort_findings

__all__ = ["format_github", "escape_data", "escape_property"]

_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(findings: Iterable[Any]) -> str:
    """One workflow command per finding."""
    out = []
    for f in sort_findings(findings):
        props = [f"file={escape_property(f.file)}"]
        if f.line is not None:
            props.append(f"line={f.line}")
            if f.column is not None:
                props.append(f"col={f.column}")
        props.append(f"title={escape_property(f.code)}")
        message = f.message if not f.extra_hint else f"{f.message}\n{f.extra_hint}"
        out.append(f"::{_COMMANDS[f.severity]} {','.join(props)}::{escape_data(message)}")
    return "\n".join(out) + ("\n" if out else "")
