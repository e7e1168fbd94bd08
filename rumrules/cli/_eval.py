"""``rumrules eval``: run PutRumEvents requests through definitions, print the data points."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..engine import MetricEngine, emf_lines
from ..errors import RumRulesError
from .sources import read_paths

__all__ = ["run_eval"]


def _definitions(path: str) -> list[dict]:
    out: list[dict] = []
    for doc in read_paths([path]):
        for source in doc.requests:
            defs = source.request.get("MetricDefinitions")
            if defs is None and "MetricDefinition" in source.request:
                defs = [source.request["MetricDefinition"]]
            out.extend(d for d in defs or [] if isinstance(d, dict))
    if not out:
        raise RumRulesError(f"{path}: no metric definitions found")
    return out


def _requests(path: str) -> list[Any]:
    """A PutRumEvents request as JSON, a JSON array of requests, or JSON lines."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RumRulesError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}") from None
    try:
        value = json.loads(text)
        return value if isinstance(value, list) else [value]
    except ValueError:
        pass
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError as e:
                raise RumRulesError(f"{path}:{n}: not JSON: {e}") from None
    return out


def run_eval(definitions: str, events: str, *, fmt: str, app_monitor_name: str | None,
             destination: str, account_id: str | None, stdout=None, stderr=None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    defs = _definitions(definitions)
    requests = _requests(events)
    name = app_monitor_name
    if name is None:
        first = requests[0] if requests and isinstance(requests[0], dict) else {}
        name = (first.get("AppMonitorDetails") or {}).get("name") or "MyAppMonitor"
    engine = MetricEngine(defs, app_monitor_name=name, destination=destination,
                          account_id=account_id)
    data, skipped, dropped = [], 0, 0
    for request in requests:
        result = engine.process_batch(request)
        data.extend(result.data)
        skipped += result.skipped
        dropped += len(result.dropped_events)
    if fmt == "emf":
        for line in emf_lines(data):
            stdout.write(line + "\n")
    else:
        rows = [{"namespace": d.namespace, "name": d.name, "value": d.value, "unit": d.unit,
                 "dimensions": d.dimensions, "timestamp": d.timestamp.isoformat()}
                for d in data]
        stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    print(f"{len(data)} data points from {len(requests)} request(s); {skipped} skipped "
          f"(value missing or not a number); {dropped} event(s) dropped", file=stderr)
    return 0
