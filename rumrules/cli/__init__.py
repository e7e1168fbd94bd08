"""The ``rumrules`` command line: a thin shell over the library.

``check`` (the pre-deployment linter, and ``--fix``), ``eval`` (definitions x events -> data
points), ``explain`` (why a pattern matches or not), ``rule`` (a rule's docs page), ``schema``
(JSON Schemas for editors), ``serve`` (the RUM API on localhost; the ``server`` extra),
``backfill`` (what definitions would have published over stored events).  A subcommand with
options of its own may live in its own module (``_check``, ``_schema``, ``_backfill``) and
add its parser with ``add_parser(sub)``.
Exit codes: 0 clean, 1 findings at error severity (``check``) or no event matched
(``explain``), 2 usage errors or input that cannot be read (with a one-line reason).
"""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import RumRulesError, shown
from ..service import (DEFAULT_ACCOUNT_ID, DEFAULT_DATA, DEFAULT_HOST, DEFAULT_PORT,
                       DEFAULT_REGION)
from ..service import (DEFAULT_EVENTS_PER_SECOND, DEFAULT_MAX_BODY_BYTES,
                       DEFAULT_MAX_EVENTS_PER_REQUEST, DEFAULT_REQUEST_SECONDS)
from ._inputs import argument_text, json_records, read_input

__all__ = ["main"]


def _text_or_file(value: str, option: str) -> tuple[str, str]:
    """A command-line value that is either inline JSON text or a file (``-``: stdin), and
    the name to report it by (the option, or the file)."""
    if value.lstrip().startswith(("{", "[")):
        return argument_text(value, option), option
    return read_input(value), value


def _cmd_explain(args: argparse.Namespace) -> int:
    from ..pattern import compile_pattern

    pattern = compile_pattern(_text_or_file(args.pattern, "--pattern")[0], dialect=args.dialect)
    events = json_records(*_text_or_file(args.event, "--event"))
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


def _cmd_eval(args: argparse.Namespace) -> int:
    from ._eval import run_eval

    return run_eval(args.definitions, args.events, fmt=args.format,
                    app_monitor_name=args.app_monitor_name, destination=args.destination,
                    account_id=args.account_id)


def _cmd_rule(args: argparse.Namespace) -> int:
    import difflib

    from ..rules import RULES, rule_by_code

    try:
        rule = rule_by_code(args.code)
    except KeyError:
        close = difflib.get_close_matches(args.code.upper(), [r.code for r in RULES], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise RumRulesError(f"no rule {args.code!r}{hint} (see rumrules rule --list)") from None
    print(rule.docs_page())
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    try:
        from ..server import serve
    except ImportError as e:
        raise RumRulesError(f"rumrules serve needs the server extra ({e.name} is missing): "
                            f"pip install 'rumrules[server]'") from None
    serve(args.host, args.port, args.data, workers=args.workers, account_id=args.account_id,
          region=args.region, log_level=args.log_level, traffic=_traffic(args))
    return 0


def _traffic(args: argparse.Namespace):  # -> rumrules.server.TrafficOptions
    """``serve``'s traffic options (credentials, limits, publishing) from the command line."""
    from ..server import Limits, TrafficOptions, load_credentials

    for flag in ("max_body_bytes", "request_seconds", "max_events_per_request",
                 "events_per_second"):
        if getattr(args, flag) < 0:
            raise RumRulesError(f"--{flag.replace('_', '-')} must be 0 (no limit) or more, "
                                f"not {getattr(args, flag)}")
    return TrafficOptions(
        credentials=load_credentials(args.credentials) if args.credentials else None,
        limits=Limits(max_body_bytes=args.max_body_bytes, request_seconds=args.request_seconds,
                      max_events_per_request=args.max_events_per_request,
                      events_per_second=args.events_per_second),
        open_page=args.open_page, cloudwatch_endpoint=args.cloudwatch_endpoint,
        emf_dir=args.emf_dir)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0-65535, not {port}")
    return port


def _cmd_rules_list(args: argparse.Namespace) -> int:
    from ..rules import RULES

    for r in RULES:
        print(f"{r.code}  {str(r.severity):7}  {r.name}: {r.summary}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rumrules",
        description="CloudWatch RUM, offline: check metric definitions, match events.")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from ._backfill import add_parser as add_backfill
    from ._check import add_parser as add_check
    from ._schema import add_parser as add_schema

    add_check(sub)

    ev = sub.add_parser("eval", help="run PutRumEvents requests through definitions",
                        description="Print the metric data points RUM would publish.")
    ev.add_argument("--definitions", required=True,
                    help="definitions: a BatchCreate body, a list, or a template")
    ev.add_argument("--events", required=True,
                    help="PutRumEvents request(s): JSON, a JSON array, or JSON lines; - is stdin")
    ev.add_argument("--format", choices=("json", "emf"), default="json")
    ev.add_argument("--app-monitor-name", default=None)
    ev.add_argument("--destination", choices=("CloudWatch", "Evidently"), default="CloudWatch")
    ev.add_argument("--account-id", default=None)
    ev.set_defaults(func=_cmd_eval)

    rule = sub.add_parser("rule", help="show a rule's docs page (or --list)")
    rule.add_argument("code", nargs="?", help="a rule code such as RUM204")
    rule.add_argument("--list", action="store_true", help="list every rule")
    rule.set_defaults(func=lambda a: _cmd_rules_list(a) if a.list or not a.code else _cmd_rule(a))
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
    add_schema(sub)

    serve = sub.add_parser(
        "serve", help="serve the CloudWatch RUM API on localhost (for boto3)",
        description="The 20 RUM operations over HTTP, as botocore's rum model defines them, "
                    "stored in SQLite. Needs the server extra: pip install 'rumrules[server]'. "
                    "See docs/server.md.")
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (%(default)s)")
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT,
                       help="port to listen on (%(default)s)")
    serve.add_argument("--data", default=DEFAULT_DATA,
                       help="folder of the SQLite database, created when missing "
                            "(./%(default)s), or :memory:")
    serve.add_argument("--workers", type=int, default=1,
                       help="processes sharing the database (%(default)s)")
    serve.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID,
                       help="the account the stored events name (%(default)s)")
    serve.add_argument("--region", default=DEFAULT_REGION,
                       help="the emulated region (%(default)s)")
    serve.add_argument("--log-level", default="info",
                       choices=("critical", "error", "warning", "info", "debug"))
    _serve_traffic_arguments(serve)
    serve.set_defaults(func=_cmd_serve)
    add_backfill(sub)
    return parser


def _serve_traffic_arguments(serve: argparse.ArgumentParser) -> None:
    """``serve``'s options for real traffic: auth, publishing, limits (0: no limit)."""
    serve.add_argument("--credentials", metavar="FILE",
                       help="ACCESS_KEY_ID SECRET pairs, one a line: every request must then "
                            "carry a valid SigV4 signature (service rum); without it the "
                            "server accepts any caller and listens on loopback only")
    serve.add_argument("--open-page", action="store_true",
                       help="with --credentials, still show the page (GET /) to anyone")
    serve.add_argument("--cloudwatch-endpoint", metavar="URL",
                       help="forward data points with PutMetricData to this CloudWatch "
                            "endpoint (credentials from boto3's usual chain)")
    serve.add_argument("--emf-dir", metavar="DIR",
                       help="write EMF lines of app monitors with CwLogEnabled into "
                            "DIR/<app monitor>.log")
    serve.add_argument("--max-body-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES,
                       help="largest request body as sent (%(default)s)")
    serve.add_argument("--request-seconds", type=float, default=DEFAULT_REQUEST_SECONDS,
                       help="time a request body may take to arrive (%(default)s)")
    serve.add_argument("--max-events-per-request", type=int,
                       default=DEFAULT_MAX_EVENTS_PER_REQUEST,
                       help="RumEvents in one PutRumEvents request (%(default)s)")
    serve.add_argument("--events-per-second", type=float, default=DEFAULT_EVENTS_PER_SECOND,
                       help="events accepted per app monitor and second (%(default)s)")


def _version() -> str:
    from .. import __version__
    from ..pattern import MATCHING_CORE

    return f"rumrules {__version__} (matching core: {MATCHING_CORE})"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (argparse usage errors exit 2)."""
    restore = _tolerant_output()
    try:
        parser = _parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help(sys.stderr)
            return 2
        return args.func(args)
    except RumRulesError as e:
        print(f"rumrules: error: {_one_line(str(e))}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. | head
        return 0
    except (RecursionError, MemoryError) as e:  # pragma: no cover - a safety net
        print(f"rumrules: error: the input is too large or nested too deeply to process "
              f"({type(e).__name__})", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - a safety net: no traceback reaches a user
        print(f"rumrules: error: internal error ({type(e).__name__}: "
              f"{_one_line(shown(str(e), 200))}); please report it", file=sys.stderr)
        return 2
    finally:
        restore()


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


def _tolerant_output():
    """Write what the output encoding cannot hold (lone surrogates from the input, any
    non-ASCII text under ``LC_ALL=C``) as backslash escapes instead of failing; return what
    undoes it (``main`` may run inside another program)."""
    undo = []
    for stream in (sys.stdout, sys.stderr):
        errors = getattr(stream, "errors", None)
        if hasattr(stream, "reconfigure") and errors not in (None, "backslashreplace"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a stream already used
                continue
            undo.append((stream, errors))

    def restore() -> None:
        for stream, errors in undo:
            try:
                stream.reconfigure(errors=errors)
            except (ValueError, OSError):  # pragma: no cover
                pass
    return restore
