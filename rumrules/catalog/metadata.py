"""RUM event metadata keys, kept once: the 20 reserved keywords, the ``aws:`` built-in keys,
the custom-attribute rules, and the metadata schema (``meta-data.json``).

Sources: ``reference/rum-domain.md`` §1.3 (the web client's ``meta-data.json``) and §3.5 (UG
custom metadata).  A metadata key is *built-in* when it is one of :data:`RESERVED_KEYWORDS` or
:data:`AWS_BUILTIN_KEYS`; every other key is a *custom attribute* (SPEC §3.1).

The schema's required members (``version``, ``domain``) are kept in :func:`metadata_schema`
for reference but are not enforced by ingestion (SPEC §3.1).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._schema import F, FieldSpec, FieldTree, fresh

__all__ = [
    "FieldSpec",
    "RESERVED_KEYWORDS",
    "AWS_BUILTIN_KEYS",
    "BUILTIN_KEYS",
    "METADATA_FIELDS",
    "CUSTOM_KEY_RE",
    "CUSTOM_KEY_FORBIDDEN_PREFIX",
    "MAX_CUSTOM_ATTRIBUTES",
    "MAX_CUSTOM_VALUE_LENGTH",
    "is_builtin_key",
    "metadata_schema",
]

#: The 20 reserved metadata keywords (UG custom metadata: the complete list).
RESERVED_KEYWORDS: frozenset[str] = frozenset({
    "browserLanguage", "browserName", "browserVersion", "countryCode", "deviceType", "domain",
    "interaction", "osName", "osVersion", "pageId", "pageTags", "pageTitle", "pageUrl",
    "parentPageId", "platformType", "referrerUrl", "subdivisionCode", "title", "url", "version",
})

#: The ``aws:`` keys the web client sets (built-in, never custom attributes).
AWS_BUILTIN_KEYS: frozenset[str] = frozenset({
    "aws:client", "aws:clientVersion", "aws:releaseId", "aws:userAgent",
})

#: Every built-in metadata key.
BUILTIN_KEYS: frozenset[str] = RESERVED_KEYWORDS | AWS_BUILTIN_KEYS

#: A valid custom attribute key (use ``fullmatch``); it must also not start with ``aws:``.
CUSTOM_KEY_RE = re.compile(r"[A-Za-z0-9_:]{1,128}")
CUSTOM_KEY_FORBIDDEN_PREFIX = "aws:"
#: Custom attributes kept per event (the first ones, in order of appearance).
MAX_CUSTOM_ATTRIBUTES = 10
#: The longest custom attribute value, in characters.
MAX_CUSTOM_VALUE_LENGTH = 256

_S = "string"
_TREE = FieldTree({
    "version!": F(_S, enum=("1.0.0",)),
    "domain!": _S,
    **{k: _S for k in (
        "browserLanguage", "browserName", "browserVersion", "osName", "osVersion",
        "deviceType", "platformType", "pageId", "parentPageId", "title", "pageTitle",
        "pageUrl", "url", "referrerUrl", "countryCode", "subdivisionCode")},
    "interaction": "number",
    "pageTags": ["string"],
    **{k: _S for k in sorted(AWS_BUILTIN_KEYS)},
})

#: The built-in metadata keys and their types, keyed by name.
METADATA_FIELDS: Mapping[str, FieldSpec] = _TREE.fields

assert set(METADATA_FIELDS) == BUILTIN_KEYS, "metadata fields and built-in keys disagree"


def is_builtin_key(key: str) -> bool:
    """True when ``key`` is a reserved keyword or one of the ``aws:`` built-in keys."""
    return key in BUILTIN_KEYS


def _build_schema() -> dict[str, Any]:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$id": "com.amazon.rum.meta_data", "title": "MetaData"}
    schema.update(_TREE.object_schema())
    # custom attributes: any other key of 1-128 characters, a primitive of <= 256 characters
    schema["patternProperties"] = {
        "^(?!pageTags).{1,128}$": {"type": ["string", "boolean", "number"],
                                   "maxLength": MAX_CUSTOM_VALUE_LENGTH},
    }
    return schema


_SCHEMA = _build_schema()


def metadata_schema(*, enforce_required: bool = True) -> dict[str, Any]:
    """The metadata JSON Schema (Draft 2020-12), as the web client's ``meta-data.json``.

    With ``enforce_required=False`` the ``required`` members are left out, which is how
    ingestion reads metadata (SPEC §3.1).  A fresh copy on every call.
    """
    schema = fresh(_SCHEMA)
    if not enforce_required:
        schema.pop("required", None)
    return schema
