"""``rumrules schema NAME``: print a JSON Schema for editors (see docs/editors.md)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["add_parser"]


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add ``schema`` to the subcommand parsers ``sub``."""
    from ..schemas import SCHEMA_NAMES

    parser = sub.add_parser(
        "schema", help="print a JSON Schema (2020-12) for editors",
        description="Print the JSON Schema of a metric-definition list, a BatchCreate or "
                    "Update request (as boto3 and --cli-input-json take it) or a "
                    "PutRumEvents body; docs/editors.md shows how VS Code uses them.")
    parser.add_argument("name", choices=SCHEMA_NAMES)
    parser.add_argument("--output-file", "-o", default=None, metavar="FILE",
                        help="write the schema to FILE instead of standard output")
    parser.set_defaults(func=_command)
    return parser


def _command(args: argparse.Namespace) -> int:
    from ..schemas import schema
    from ._output import write_output

    text = json.dumps(schema(args.name), indent=2, ensure_ascii=False) + "\n"
    if args.output_file:
        write_output(args.output_file, text)
    else:
        sys.stdout.write(text)
    return 0
