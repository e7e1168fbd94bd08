"""The ``rumrules`` command line: a thin shell over the library.

Exit codes: 0 clean (or: every event explained), 1 findings at error severity (``check``) or
no event matched (``explain``), 2 usage errors or input that cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import RumRulesError

__all__ = ["main"]


def _text_or_file(value: str) -> str:
    """A command-line value that is either inline text or the path of a file holding it."""
    stripped = value.lstrip()
    if stripped.startswith(("{", "[")) or value == "-":
        return sys.stdin.read() if value == "-" else value
    path = Path(value)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RumRulesError(f"cannot read {value}: {getattr(e, 'strerror', None) or e}") from None


def _events(text: str) -> list[str]:
    """One JSON object, a JSON array of objects, or JSON lines."""
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            return [json.dumps(e) for e in json.loads(stripped)]
        except (ValueError, TypeError):
            pass
    if stripped.startswith("{") and "\n" in stripped:
        lines = [ln for ln in stripped.splitlines() if ln.strip()]
        if all(ln.lstrip().startswith("{") and ln.rstrip().endswith("}") for ln in lines):
            try:
                for ln in lines:
                    json.loads(ln)
                return lines
            except ValueError:
                pass
    return [stripped]


def _cmd_explain(args: argparse.Namespace) -> int:
    from ..pattern import compile_pattern

    pattern = compile_pattern(_text_or_file(args.pattern), dialect=args.dialect)
    events = _events(_text_or_file(args.event))
    matched = 0
    out = []
    for i, event in enumerate(events):
        explanation = pattern.explain(event)
        matched += bool(explanation)
        if args.format == "json":
            out.append(dict(explanation.to_dict(), event=i))
        else:
            head = f"event {i + 1}: " if len(events) > 1 else ""
            print(head + str(explanation))
    if args.format == "json":
        print(json.dumps(out, indent=2, ensure_ascii=False))
    elif len(events) > 1:
        print(f"{matched} of {len(events)} events match")
    return 0 if matched else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rumrules",
        description="CloudWatch RUM, offline: check metric definitions, match events.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    explain = sub.add_parser(
        "explain", help="why an EventPattern matches an event or not, field by field",
        description="Explain, condition by condition, why a pattern matches each event.")
    explain.add_argument("--pattern", required=True,
                         help="the EventPattern: JSON text, or a file that holds it")
    explain.add_argument("--event", required=True,
                         help="the event(s): JSON text, a file with one object, a JSON array, "
                              "or JSON lines; - reads standard input")
    explain.add_argument("--dialect", choices=("rum", "eventbridge"), default="rum")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.set_defaults(func=_cmd_explain)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except RumRulesError as e:
        print(f"rumrules: error: {e}", file=sys.stderr)
        return 2
