"""First-level keys of a stored RUM event document.

The API reference (seed and botocore) lists 16 keys that the first segment of a ValueKey,
of an EventPattern path and of a DimensionKeys key may take.  Decision D7: stored documents
spell the application id ``application_id`` (lower-case ``id``), so that spelling is
accepted too, and the documented ``application_Id`` earns an info note.
"""

from __future__ import annotations

import difflib

__all__ = ["DOCUMENTED_FIRST_LEVEL_KEYS", "FIRST_LEVEL_KEYS", "STORED_SPELLING",
           "first_segment", "closest_first_level_key"]

#: The 16 keys exactly as the API reference lists them (note ``application_Id``).
DOCUMENTED_FIRST_LEVEL_KEYS: tuple[str, ...] = (
    "account_id", "application_Id", "application_version", "application_name", "batch_id",
    "event_details", "event_id", "event_interaction", "event_timestamp", "event_type",
    "event_version", "log_stream", "metadata", "sessionId", "user_details", "userId",
)

#: Documented key -> the spelling stored documents use, where they differ (D7).
STORED_SPELLING: dict[str, str] = {"application_Id": "application_id"}

#: Every accepted first-level key: the documented 16 plus ``application_id`` (D7).
FIRST_LEVEL_KEYS: frozenset[str] = frozenset(DOCUMENTED_FIRST_LEVEL_KEYS) | frozenset(
    STORED_SPELLING.values())


def first_segment(path: str) -> str:
    """``"metadata.browserName"`` -> ``"metadata"``."""
    return path.split(".", 1)[0]


# Common shorthands -> the first-level key they stand for.
_SHORTHANDS = {
    "meta": "metadata", "details": "event_details", "detail": "event_details",
    "type": "event_type", "timestamp": "event_timestamp", "time": "event_timestamp",
    "version": "event_version", "id": "event_id", "user": "user_details",
    "session": "sessionId", "interaction": "event_interaction",
}


def _fold(key: str) -> str:
    return key.casefold().replace("-", "").replace("_", "")


def closest_first_level_key(key: str) -> str | None:
    """The accepted first-level key closest to ``key`` (case, ``-``/``_`` and camelCase
    mix-ups first, then common shorthands, then edit distance), or ``None``."""
    folded = _fold(key)
    for known in sorted(FIRST_LEVEL_KEYS):
        if _fold(known) == folded:
            return STORED_SPELLING.get(known, known)
    if folded in _SHORTHANDS:
        return _SHORTHANDS[folded]
    match = difflib.get_close_matches(key, sorted(FIRST_LEVEL_KEYS), n=1, cutoff=0.6)
    return match[0] if match else None
