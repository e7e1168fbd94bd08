"""``--format sarif``: a SARIF 2.1.0 log that GitHub code scanning accepts.

* ``tool.driver``: ``name``, ``version``, ``informationUri`` and one ``rules`` entry
  (reportingDescriptor) per rule: ``id``, ``name``, ``shortDescription``, ``fullDescription``,
  ``helpUri`` (the rule's page ``docs/rules/<CODE>.md``) and ``defaultConfiguration.level``.
* one ``result`` per finding: ``ruleId``/``ruleIndex``, ``level`` (``error``, ``warning``,
  ``note`` for info), ``message.text``, a physical location (``artifactLocation.uri``
  relative to the base folder with forward slashes, or a ``file://`` URI outside it;
  ``region.startLine``/``startColumn``/``endLine``/``endColumn``, in Unicode code points as
  ``columnKind`` says), the document path as a logical location, ``partialFingerprints``,
  and ``fixes`` (the edits of ``--format json``'s ``fix``) when the finding has one.
* The fingerprint hashes the rule code, the file URI and the finding's ``key`` -- what it is
  about, not where: the app monitor's logical id and destination, the definition's ``Name``
  and the field inside the definition -- so a finding keeps its alert when lines above it move
  and when definitions are inserted or removed above it, and when a rule's wording changes.
  A finding without a ``key`` (from another producer) hashes its document path and message
  instead.  The n-th finding with the same hash in one file gets ``:n`` added before hashing,
  so all stay distinct and stable.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from ...linter import (DOCS_BASE_URL, INFORMATION_URI, Finding, RuleLookup, rule_metadata,
                       sort_findings)

__all__ = ["format_sarif", "sarif_log", "artifact_uri", "fingerprint", "SARIF_SCHEMA",
           "FINGERPRINT_KEY"]

SARIF_SCHEMA = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                "sarif-schema-2.1.0.json")
FINGERPRINT_KEY = "rumrulesFindingHash/v2"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def artifact_uri(file: str, base_dir: str | None = None) -> str:
    """The URI of ``file``: relative to ``base_dir`` (default: the current folder) with
    forward slashes, percent-encoded; a ``file://`` URI when it lies outside."""
    base = os.path.abspath(base_dir if base_dir is not None else os.getcwd())
    full = os.path.abspath(file)
    rel = os.path.relpath(full, base) if os.path.splitdrive(full)[0] == os.path.splitdrive(base)[0] else None
    if rel is None or rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return "file://" + quote(full.replace(os.sep, "/") if full.startswith("/")
                                 else "/" + full.replace(os.sep, "/"))
    return quote(rel.replace(os.sep, "/"))


def fingerprint(code: str, uri: str, identity: str, message: str = "",
                occurrence: int = 0) -> str:
    """The stable hash of one finding: its ``identity`` is the finding's ``key`` (with no
    ``message``), or else its document path and ``message`` (see the module's docs)."""
    text = "\0".join((code, uri, identity, message))
    if occurrence:
        text = f"{text}:{occurrence}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _descriptor(code: str, lookup: RuleLookup | None, docs_base_url: str) -> dict[str, Any]:
    meta = rule_metadata(code, lookup)
    desc: dict[str, Any] = {"id": code}
    if meta["name"]:
        desc["name"] = str(meta["name"])
    if meta["summary"]:
        desc["shortDescription"] = {"text": str(meta["summary"])}
    if meta["description"]:
        desc["fullDescription"] = {"text": str(meta["description"])}
    desc["helpUri"] = f"{docs_base_url}{quote(code)}.md"
    if meta["summary"]:
        help_text = str(meta["summary"])
        if meta["source"]:
            help_text = f"{help_text}\nSource: {meta['source']}"
        desc["help"] = {"text": help_text}
    desc["defaultConfiguration"] = {"level": _LEVELS[meta["severity"] or "error"]}
    return desc


def sarif_log(findings: Iterable[Any], *, rule_lookup: RuleLookup | None = None,
              rules: Iterable[str] | None = None, tool_version: str | None = None,
              base_dir: str | None = None, information_uri: str = INFORMATION_URI,
              docs_base_url: str = DOCS_BASE_URL,
              counts: Mapping[str, int] | None = None) -> dict[str, Any]:
    """The SARIF log as a dict.  ``rules`` lists rule codes to describe besides those that
    have findings (for example every rule that ran); ``counts`` (files read, definitions
    checked, values not checked) go in the run's ``properties``."""
    if tool_version is None:
        from ... import __version__ as tool_version
    items: list[Finding] = sort_findings(findings)
    codes = sorted(set(rules or ()) | {f.code for f in items})
    descriptors = [_descriptor(code, rule_lookup, docs_base_url) for code in codes]
    index = {code: i for i, code in enumerate(codes)}
    seen: dict[str, int] = {}
    results = []
    for f in items:
        uri = artifact_uri(f.file, base_dir)
        path = f.json_path
        identity, message = (f.key, "") if f.key else (path, f.message)
        base = fingerprint(f.code, uri, identity, message)
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        region: dict[str, int] = {"startLine": max(f.line or 1, 1)}
        if f.column is not None:
            region["startColumn"] = max(f.column, 1)
            if f.end_line is not None and f.end_column is not None:
                region["endLine"] = max(f.end_line, region["startLine"])
                region["endColumn"] = max(f.end_column, 1)
        location: dict[str, Any] = {
            "physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}
        if f.path:
            location["logicalLocations"] = [{"fullyQualifiedName": path, "kind": "member"}]
        text = f.message if not f.extra_hint else f"{f.message} ({f.extra_hint})"
        result = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _LEVELS[f.severity],
            "message": {"text": text},
            "locations": [location],
            "partialFingerprints": {
                FINGERPRINT_KEY: fingerprint(f.code, uri, identity, message, occurrence)},
        }
        if f.fix is not None and f.fix.edits:
            result["fixes"] = [_fix(f, uri)]
        results.append(result)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "rumrules", "version": str(tool_version),
                            "semanticVersion": str(tool_version),
                            "informationUri": information_uri, "rules": descriptors}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if counts is not None:
        run["properties"] = {"rumrules": dict(counts)}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _fix(f: Finding, uri: str) -> dict[str, Any]:
    """The finding's fix as a SARIF ``fix``: the same edits ``--format json`` shows (an unsafe
    one says so in its description)."""
    assert f.fix is not None
    words = f.fix.message or "apply the fix"
    if not f.fix.safe:
        words += " (unsafe: rumrules check --fix --unsafe-fixes)"
    return {"description": {"text": words},
            "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": [
                {"deletedRegion": {"startLine": e.line, "startColumn": e.column,
                                   "endLine": e.end_line, "endColumn": e.end_column},
                 "insertedContent": {"text": e.content}} for e in f.fix.edits]}]}


def format_sarif(findings: Iterable[Any], **options: Any) -> str:
    """The SARIF log as JSON text (see :func:`sarif_log` for ``options``)."""
    return json.dumps(sarif_log(findings, **options), indent=2, ensure_ascii=False) + "\n"
