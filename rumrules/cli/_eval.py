"""``rumrules eval``: run PutRumEvents requests through definitions, print the data points."""

from __future__ import annotations

import json
import sys

from ..engine import MetricEngine, emf_lines
from ..errors import RumRulesError
from ._inputs import json_entries, read_input
from ..linter.sources import read_paths

__all__ = ["run_eval"]


def _definitions(path: str, stderr) -> list[dict]:
    """The definitions of ``path``, each once; one with a value that only deployment knows
    (a ``Fn::GetAtt``, an ``Fn::ImportValue``...) is left out, with a note saying so."""
    out: list[dict] = []
    seen: set[str] = set()
    for doc in read_paths([path]):
        for source in doc.requests:
            for d in source.definitions:
                if not isinstance(d.definition, dict):
                    continue
                if d.unresolved:
                    subpath, reason = d.unresolved[0]
                    line, column = d.locate(subpath)
                    print(f"rumrules: note: {doc.file}:{line}:{column}: definition "
                          f"{d.name!r} is not evaluated: {'.'.join(map(str, subpath))} "
                          f"is not known before deployment ({reason})", file=stderr)
                    continue
                key = json.dumps(d.definition, sort_keys=True, default=str)
                if key not in seen:  # a custom resource's Create and Update often repeat
                    seen.add(key)
                    out.append(d.definition)
    if not out:
        raise RumRulesError(f"{path}: no metric definitions found")
    return out


def run_eval(definitions: str, events: str, *, fmt: str, app_monitor_name: str | None,
             destination: str, account_id: str | None, stdout=None, stderr=None) -> int:
    """Print the data points of every request of ``events``; return 0, or 1 when a request
    (a line of JSON lines, an item of an array) was refused -- each refusal is printed on
    standard error with its file and line, and the other requests still count."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    defs = _definitions(definitions, stderr)
    requests, refused = json_entries(read_input(events), events)
    name = app_monitor_name
    if name is None:
        try:
            first = json.loads(requests[0][1]) if requests else {}
        except ValueError:
            first = {}   # process_batch reports it
        details = first.get("AppMonitorDetails") if isinstance(first, dict) else None
        name = (details or {}).get("name") if isinstance(details, dict) else None
        name = name or "MyAppMonitor"
    engine = MetricEngine(defs, app_monitor_name=name, destination=destination,
                          account_id=account_id)
    data, skipped, dropped, accepted = [], 0, 0, 0
    for where, request in requests:
        try:
            result = engine.process_batch(request)
        except RumRulesError as e:
            refused.append(f"{where}: {e}")
            continue
        accepted += 1
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
    for reason in refused:
        print(f"rumrules: refused: {reason}", file=stderr)
    line = (f"{len(data)} data points from {accepted} request(s); {skipped} skipped "
            f"(value missing or not a number); {dropped} event(s) dropped")
    if refused:
        line += f"; {len(refused)} of {accepted + len(refused)} request(s) refused"
    print(line, file=stderr)
    return 1 if refused else 0
