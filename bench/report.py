"""Turn a pytest-benchmark JSON file into the ratio tables of docs/performance.md.

    pytest bench --benchmark-only --benchmark-json=bench.json
    python bench/report.py bench.json

In each group the benchmark whose name contains ``baseline`` is the denominator; every other
row is reported as its mean time and as the ratio ``baseline time / its time`` (so 1.0 means
as fast as the baseline, 0.25 means four times the baseline's time).
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
        print("| benchmark | mean | throughput vs baseline |")
        print("|---|---:|---:|")
        b = base[0]["stats"]["mean"] if base else None
        for r in sorted(rows, key=lambda r: r["stats"]["mean"]):
            mean = r["stats"]["mean"]
            ratio = f"{b / mean:.3f}x" if b else "n/a"
            print(f"| {r['name']} | {mean * 1e6:,.1f} µs | {ratio} |")


if __name__ == "__main__":
    main(sys.argv[1])
