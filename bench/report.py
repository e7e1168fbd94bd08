"""Turn a pytest-benchmark JSON file into the ratio tables of docs/performance.md.

    pytest bench --benchmark-only --benchmark-json=bench.json
    python bench/report.py bench.json

In each group the benchmark whose name contains ``baseline`` is the denominator; every other
row is reported as its median time and as the ratio ``baseline time / its time`` (so 1.0
means as fast as the baseline, 0.25 means four times the baseline's time).  Medians, not
means: on a shared machine a few slow rounds move the mean of one row and not its baseline's.  When a benchmark records
``extra_info["events"]``, times are compared per event.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict


def main(path: str) -> None:
    data = json.load(open(path, encoding="utf-8"))
    groups: dict[str, list] = defaultdict(list)
    for b in data["benchmarks"]:
        groups[b["group"]].append(b)
    print(f"machine: {data['machine_info'].get('cpu', {}).get('brand_raw', '?')}, "
          f"Python {data['machine_info'].get('python_version')}")
    for group, rows in groups.items():
        base = [r for r in rows if "baseline" in r["name"]]
        print(f"\n### {group}\n")
        def per(r):
            return r["stats"]["min"] / r.get("extra_info", {}).get("events", 1)

        b = per(base[0]) if base else None
        unit = "per event" if any("events" in r.get("extra_info", {}) for r in rows) else "per call"
        print(f"| benchmark | fastest round, {unit} | throughput vs baseline |")
        print("|---|---:|---:|")
        for r in sorted(rows, key=per):
            ratio = f"{b / per(r):.3f}x" if b else "n/a"
            extra = r.get("extra_info", {}).get("matches_per_event")
            note = f" ({extra:.1f} matches/event)" if extra is not None else ""
            print(f"| {r['name']}{note} | {per(r) * 1e6:,.1f} µs | {ratio} |")


if __name__ == "__main__":
    main(sys.argv[1])
