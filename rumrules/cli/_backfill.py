"""``rumrules backfill``: what definitions would have published over stored events (and how
that differs from other definitions), per namespace, metric, dimension set and minute."""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from datetime import datetime, timezone

__all__ = ["add_parser", "run_backfill", "parse_time"]


def add_parser(sub) -> argparse.ArgumentParser:
    """Add ``backfill`` to the subcommand parsers ``sub``."""
    bf = sub.add_parser(
        "backfill", help="what definitions would have published over stored events",
        description="Apply metric definitions to stored RUM event documents (JSON lines, "
                    "GetAppMonitorData output, CloudWatch Logs export files; gzip or not) and "
                    "write one row per namespace, metric, dimension set and minute with "
                    "SampleCount, Sum, Minimum and Maximum. Exit 0; with --compare, 1 when "
                    "a metric appears, disappears or changes; 2 for usage errors or input "
                    "that cannot be read.")
    bf.add_argument("events", nargs="+", metavar="EVENTS", help="event files; - is stdin")
    bf.add_argument("--definitions", required=True,
                    help="definitions: a BatchCreate body, a list, or a template")
    bf.add_argument("--compare", metavar="OLD_DEFINITIONS", default=None,
                    help="also run these (the current) definitions in the same pass and "
                         "report which metrics appear, disappear or change")
    bf.add_argument("--from", dest="start", metavar="T", default=None,
                    help="keep events from this time on (ISO 8601, UTC unless it says; or "
                         "epoch milliseconds)")
    bf.add_argument("--to", dest="end", metavar="T", default=None,
                    help="keep events before this time (exclusive)")
    bf.add_argument("--out", default=None, help="write the rows here (default: standard "
                                                "output, unless comparing)")
    bf.add_argument("--format", choices=("jsonl", "csv", "parquet"), default="jsonl")
    bf.add_argument("--report-format", choices=("text", "json"), default="text",
                    help="the --compare report's format (standard output)")
    bf.add_argument("--plot", metavar="FILE.png", default=None,
                    help="one chart per metric (Sum per minute; old and new side by side "
                         "with --compare); needs matplotlib")
    bf.add_argument("--jobs", type=int, default=None,
                    help="processes: this one and N-1 workers (default: every local core)")
    bf.add_argument("--input-format", choices=("auto", "jsonl", "getappmonitordata", "cwlogs"),
                    default="auto", help="how to read EVENTS (default: recognised per file)")
    bf.add_argument("--app-monitor-name", default=None,
                    help="the application_name dimension (default: the first document's)")
    bf.add_argument("--destination", choices=("CloudWatch", "Evidently"), default="CloudWatch")
    bf.add_argument("--account-id", default=None)
    bf.set_defaults(func=_cmd_backfill)
    return bf


def parse_time(value: str, option: str) -> float:
    """``--from``/``--to``: ISO 8601 (a date, or a date and time; UTC unless an offset is
    given) or epoch milliseconds; returned as epoch milliseconds."""
    from ..errors import RumRulesError

    text = value.strip()
    if text.lstrip("-").isdigit():
        return float(int(text))
    try:
        when = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise RumRulesError(f"{option} {value!r} is not a time",
                            hint="give ISO 8601 (2024-04-07 or 2024-04-07T12:00:00Z) or "
                                 "epoch milliseconds") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp() * 1000


class _Progress:
    """A one-line progress bar with events/s on a terminal (standard error); nothing when
    standard error is not a terminal."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.on = bool(getattr(stream, "isatty", lambda: False)())
        self.count = 0
        self.start = self.last = time.monotonic()

    def __call__(self, n: int) -> None:
        self.count += n
        if not self.on:
            return
        now = time.monotonic()
        if now - self.last >= 0.25:
            self.last = now
            self._show(now)

    def _show(self, now: float) -> None:
        rate = self.count / max(now - self.start, 1e-9)
        self.stream.write(f"\rbackfill: {self.count:,} events read, {rate:,.0f} events/s ")
        self.stream.flush()

    def done(self, summary: str) -> None:
        if self.on:
            self._show(time.monotonic())
            self.stream.write("\n" + summary + "\n")
            self.stream.flush()


def _cmd_backfill(args: argparse.Namespace) -> int:
    return run_backfill(args)


def run_backfill(args: argparse.Namespace, stdout=None, stderr=None) -> int:
    """Run ``backfill`` with parsed arguments; return the exit code."""
    from ..backfill import (Window, application_name, compare_rows, default_jobs, plot_rows,
                            read_batches, report_json, report_text, run_batches, write_rows)
    from ..engine import MetricEngine
    from ..errors import RumRulesError
    from ._eval import _definitions

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if args.jobs is not None and args.jobs < 1:
        raise RumRulesError(f"--jobs must be 1 or more, not {args.jobs}")
    if args.format == "parquet" and not args.out:
        raise RumRulesError("--format parquet writes a file", hint="give --out FILE")
    if args.events.count("-") > 1:
        raise RumRulesError("- (standard input) can be read once")
    window = Window(parse_time(args.start, "--from") if args.start else None,
                    parse_time(args.end, "--to") if args.end else None)
    if window.start is not None and window.end is not None and window.start >= window.end:
        raise RumRulesError("--from must be before --to")
    new_defs = _definitions(args.definitions, stderr)
    old_defs = _definitions(args.compare, stderr) if args.compare else None

    batches = (b for path in args.events for b in read_batches(path, args.input_format))
    name = args.app_monitor_name
    peeked = []
    if name is None:
        for batch in batches:
            peeked.append(batch)
            name = application_name(batch)
            if name or len(peeked) >= 4:
                break
        if not name:
            raise RumRulesError("the first documents have no application_name",
                                hint="give --app-monitor-name")
    options = dict(app_monitor_name=name, destination=args.destination,
                   account_id=args.account_id)
    engines = [MetricEngine(new_defs, **options)]
    if old_defs is not None:
        engines.append(MetricEngine(old_defs, **options))
    progress = _Progress(stderr)
    aggregators, counts = run_batches(engines, itertools.chain(peeked, batches), window=window,
                                      jobs=args.jobs or default_jobs(), progress=progress)
    rows = aggregators[0].rows()
    old_rows = aggregators[1].rows() if old_defs is not None else None
    if args.out:
        if args.format == "parquet":
            write_rows(rows, "parquet", args.out)
        else:
            try:
                with open(args.out, "w", encoding="utf-8", newline="") as fh:
                    write_rows(rows, args.format, fh)
            except OSError as e:
                raise RumRulesError(f"cannot write {args.out}: {e.strerror or e}") from None
    elif old_rows is None:
        write_rows(rows, args.format, stdout)
    if args.plot:
        plot_rows(args.plot, rows, old_rows)
    code = 0
    if old_rows is not None:
        changes = compare_rows(old_rows, rows)
        stdout.write(report_json(changes) + "\n" if args.report_format == "json"
                     else report_text(changes))
        code = 1 if any(c.status != "same" for c in changes) else 0
    progress.done(
        f"{counts.documents:,} documents: {counts.untimed:,} without an event_timestamp, "
        f"{counts.outside:,} outside --from/--to; {counts.points[0]:,} data points in "
        f"{len(rows):,} rows ({counts.skipped[0]:,} matches skipped: value missing or not a "
        f"number)")
    return code
