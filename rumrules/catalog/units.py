"""CloudWatch standard units (the values UnitLabel may take) and spelling suggestions.

The list is CloudWatch's ``StandardUnit`` enum (botocore ``cloudwatch`` model); RUM's own
model does not enumerate it (``reference/rum-domain.md`` §3.2 item 9).  Comparison is exact:
``count`` is not ``Count``; :func:`suggest_unit` names the right spelling.
"""

from __future__ import annotations

import difflib

__all__ = ["STANDARD_UNITS", "is_standard_unit", "suggest_unit"]

STANDARD_UNITS: tuple[str, ...] = (
    "Seconds", "Microseconds", "Milliseconds",
    "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
    "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits",
    "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
    "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
    "Gigabits/Second", "Terabits/Second", "Count/Second",
    "None",
)

_UNITS = frozenset(STANDARD_UNITS)
_FOLDED = {u.casefold(): u for u in STANDARD_UNITS}

# Common abbreviations and singular forms (case-folded) -> the standard unit.
_ALIASES: dict[str, str] = {
    "s": "Seconds", "sec": "Seconds", "secs": "Seconds", "second": "Seconds",
    "ms": "Milliseconds", "msec": "Milliseconds", "msecs": "Milliseconds",
    "millisecond": "Milliseconds", "millis": "Milliseconds",
    "us": "Microseconds", "µs": "Microseconds", "μs": "Microseconds", "usec": "Microseconds",
    "microsecond": "Microseconds",
    "b": "Bytes", "byte": "Bytes", "kb": "Kilobytes", "kilobyte": "Kilobytes",
    "mb": "Megabytes", "megabyte": "Megabytes", "gb": "Gigabytes", "gigabyte": "Gigabytes",
    "tb": "Terabytes", "terabyte": "Terabytes",
    "bit": "Bits", "kbit": "Kilobits", "kilobit": "Kilobits", "mbit": "Megabits",
    "megabit": "Megabits", "gbit": "Gigabits", "gigabit": "Gigabits", "tbit": "Terabits",
    "terabit": "Terabits",
    "%": "Percent", "pct": "Percent", "percentage": "Percent",
    "#": "Count", "cnt": "Count", "counts": "Count", "number": "Count",
    "bytes/s": "Bytes/Second", "b/s": "Bytes/Second", "bytes/sec": "Bytes/Second",
    "kb/s": "Kilobytes/Second", "mb/s": "Megabytes/Second", "gb/s": "Gigabytes/Second",
    "bps": "Bits/Second", "bits/s": "Bits/Second", "kbps": "Kilobits/Second",
    "mbps": "Megabits/Second", "gbps": "Gigabits/Second", "tbps": "Terabits/Second",
    "count/s": "Count/Second", "count/sec": "Count/Second", "per second": "Count/Second",
    "/s": "Count/Second", "rps": "Count/Second",
    "none": "None", "null": "None", "unitless": "None", "": "None",
}


def is_standard_unit(label: str) -> bool:
    """True when ``label`` is exactly one of :data:`STANDARD_UNITS`."""
    return label in _UNITS


def suggest_unit(label: str) -> str | None:
    """The standard unit the user most likely meant (``count`` -> ``Count``,
    ``ms`` -> ``Milliseconds``), or ``None`` when nothing is close."""
    folded = label.strip().casefold()
    if folded in _FOLDED:
        return _FOLDED[folded]
    compact = folded.replace(" ", "")
    if compact in _ALIASES:
        return _ALIASES[compact]
    if folded in _ALIASES:
        return _ALIASES[folded]
    # "per second" spelled out: "Bytes per second", "count/sec"
    for sep in (" per ", "per", "/"):
        if sep in folded:
            head, _, tail = folded.partition(sep)
            if tail.strip() in ("s", "sec", "second", "seconds"):
                base = suggest_unit(head.strip())
                if base and base not in ("Seconds", "Percent", "None") and "/" not in base:
                    return f"{base}/Second"
    match = difflib.get_close_matches(folded, list(_FOLDED), n=1, cutoff=0.75)
    return _FOLDED[match[0]] if match else None
