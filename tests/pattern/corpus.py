"""Load the public conformance corpora bundled under tests/data (gzipped JSON Lines)."""

from __future__ import annotations

import json
from functools import lru_cache

from tests.conftest import read_jsonl_gz


@lru_cache(maxsize=None)
def eventpattern_cases() -> tuple[dict, ...]:
    return tuple(read_jsonl_gz("eventpattern-public.jsonl.gz"))


def json_loads_accepts(text: str) -> bool:
    """What SPEC §5 applies on top of the reference: text json.loads rejects is invalid."""
    try:
        json.loads(text, parse_constant=_refuse)
    except (ValueError, RecursionError):
        return False
    return True


def _refuse(name):
    raise ValueError(name)


def has_duplicate_keys(text: str) -> bool:
    def hook(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise KeyError("dup")
        return dict(pairs)
    try:
        json.loads(text, object_pairs_hook=hook)
    except KeyError:
        return True
    except ValueError:
        return False
    return False
