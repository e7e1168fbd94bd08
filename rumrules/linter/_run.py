"""The runner: read files, directories, standard input, text or parsed objects, check every
request they hold, and place each finding in its file (what ``rumrules check`` and the cfn-lint
plugin report)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from ..errors import RumRulesError
from ..rules import check_document, iter_diagnostics, rule_by_code
from ._facts import NOT_CHECKED, document_facts
from ._finding import Edit, Finding, FindingFix
from .sources import code_matches, read_paths, read_text

__all__ = ["LintOptions", "LintStats", "lint", "collect_findings", "rule_lookup",
           "normalize_codes", "finding_key"]


@dataclass
class LintStats:
    """What a run looked at: ``files`` read (that hold definitions, a request or a
    template), ``definitions`` checked (one per ``Fn::If`` branch), and ``not_checked``
    values (each one a RUM601 finding, whatever ``select``/``ignore`` say)."""

    files: int = 0
    definitions: int = 0
    not_checked: int = 0

    def to_dict(self) -> dict[str, int]:
        """``{"files": ..., "definitions_checked": ..., "not_checked": ...}``."""
        return {"files": self.files, "definitions_checked": self.definitions,
                "not_checked": self.not_checked}

# request-level rules that do not apply to a CloudFormation destination (its limits are the
# resource's, and AppMonitorName comes from the resource's Name)
_NOT_FOR_CFN = ("RUM501", "RUM506", "RUM509")


@dataclass
class LintOptions:
    """What the runner reports and how it reads: ``select``/``ignore`` (codes or prefixes,
    ``ALL``), the display name of standard input (its ending picks JSON or YAML), and whether
    a named file of no supported shape is skipped instead of being an error."""

    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    stdin_filename: str = "<stdin>"
    skip_unrecognized: bool = False


def normalize_codes(entries: Iterable[str], where: str) -> list[str]:
    """``entries`` of a select/ignore list, upper-cased; a :class:`RumRulesError` naming
    ``where`` (``--select``, ``pyproject.toml [tool.rumrules] ignore``...) for an entry that is
    neither ``ALL`` nor a rule code or prefix of one (a typo would turn the check off)."""
    import difflib

    from ..rules import RULES

    codes = [r.code for r in RULES]
    out = []
    for entry in entries:
        entry = entry.strip().upper()
        if not entry:
            continue
        if entry != "ALL" and not any(code.startswith(entry) for code in codes):
            close = difflib.get_close_matches(entry, codes, n=3, cutoff=0.8)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise RumRulesError(f"{where}: {entry!r} matches no rule code{hint} (codes or "
                                f"prefixes such as RUM204, RUM2, or ALL; see rumrules rule "
                                f"--list)")
        out.append(entry)
    return out


def rule_lookup(code: str):
    """Rule metadata for the formatters (``None`` for an unknown code)."""
    try:
        return rule_by_code(code)
    except KeyError:
        return None


def finding_key(source: Any, path: tuple[Any, ...]) -> str:
    """What a finding at ``path`` (a path in ``source.request``) is about, whatever its
    position in the file: for a template the app monitor's logical id and the destination
    (``Destination``, ``DestinationArn``), then the definition's ``Name`` (its index when it
    has none; the ``Fn::If`` branch it comes from) and the field inside the definition, or the
    request-level member.  The SARIF fingerprint hashes it."""
    path = tuple(path)
    parts: list[Any] = []
    if source.kind == "cloudformation":
        logical_id = source.path[1] if len(source.path) > 1 else None
        parts += [logical_id, source.request.get("Destination"),
                  source.request.get("DestinationArn")]
    definition = source.definition_at(path)
    if definition is None:
        parts += ["request", *path]
    else:
        name = definition.name
        parts += ["definition", name if isinstance(name, str) else f"#{definition.index}"]
        if len(definition.path) >= 2 and definition.path[-2] == "Fn::If":
            parts.append(f"Fn::If[{definition.path[-1]}]")
        parts += list(path[2:] if path[:1] == ("MetricDefinitions",) else path[1:])
    return json.dumps(parts, default=str, sort_keys=True, ensure_ascii=False)


def _selected(code: str, options: LintOptions) -> bool:
    return code_matches(code, options.select) and not code_matches(code, options.ignore)


def collect_findings(paths: Iterable[str], options: LintOptions, *, stdin: Any = None,
                     notes: list | None = None, stats: LintStats | None = None) -> list[Finding]:
    """Read ``paths`` and return the findings to report (raises ``SourceError``);
    ``stats``, when given, receives the counts."""
    docs = read_paths(list(paths), stdin=stdin, stdin_filename=options.stdin_filename,
                      skip_unrecognized=options.skip_unrecognized, notes=notes)
    return document_findings(docs, options, notes=notes, stats=stats)


def _with_resolution(message: str, how: tuple[str, ...]) -> str:
    """A finding's message, saying which intrinsic functions the value was resolved from."""
    return f"{message} [value resolved from {', '.join(how)}]" if how else message


def document_findings(docs: Iterable[Any], options: LintOptions, *,
                      notes: list | None = None, stats: LintStats | None = None) -> list[Finding]:
    """The findings to report on documents already read (see :mod:`.sources`)."""
    findings: list[Finding] = []
    stats = stats if stats is not None else LintStats()
    for doc in docs:
        stats.files += 1
        if notes is not None:
            notes.extend(doc.notes)
        facts = document_facts(doc)
        stats.not_checked += len(facts.unchecked)
        document_diagnostics = check_document(facts)
        del facts  # a record per definition: let go before the definitions are checked
        for diag in document_diagnostics:
            if not _selected(diag.code, options) or _suppressed_in(doc, diag.code, diag.path):
                continue
            line, column = doc.locate(diag.path)
            end = doc.end_of(diag.path) or (line, column)
            findings.append(Finding.from_diagnostic(
                diag, file=doc.file, line=line, column=column,
                key=json.dumps([diag.code == NOT_CHECKED, *diag.path], default=str),
                end_line=end[0], end_column=end[1]))
        for source in doc.requests:
            stats.definitions += len(source.definitions)
            request = source.request
            # one diagnostic at a time: no state per definition is kept while the rest are
            # checked, and only the findings made of them accumulate; each pattern is
            # compiled for its definition alone (the cache would keep a long file's last
            # 1,024 compiled patterns, a one-off check has no use for them)
            if source.kind in ("batch-create", "update", "delete"):
                diagnostics = iter_diagnostics(request, cache_patterns=False)
            else:
                diagnostics = iter_diagnostics(
                    list(request.get("MetricDefinitions", [])),
                    destination=source.destination or "CloudWatch",
                    destination_arn=source.destination_arn, cache_patterns=False)
            for diag in diagnostics:
                if source.kind == "cloudformation" and diag.code in _NOT_FOR_CFN:
                    continue
                if source.is_unresolved(diag.path) or source.is_suppressed(diag.code, diag.path):
                    continue
                if not _selected(diag.code, options):
                    continue
                line, column = source.locate(diag.path, diag.line, diag.column)
                full = source.full_path(diag.path)
                how = source.resolved_by(diag.path)
                if diag.line is not None:  # a place inside the EventPattern text
                    end = (line, column + 1)
                else:
                    end = doc.end_of(full) or (line, column)
                finding = Finding.from_diagnostic(
                    diag, file=doc.file, line=line, column=column, path=full,
                    key=finding_key(source, diag.path), end_line=end[0], end_column=end[1],
                    # a value resolved from intrinsic functions is not the text at its place
                    fix=None if how else _placed_fix(doc, full, diag))
                if how:
                    finding = replace(finding, message=_with_resolution(finding.message, how))
                findings.append(finding)
    return findings


def _placed_fix(doc: Any, path: tuple[Any, ...], diag: Any) -> FindingFix | None:
    """The diagnostic's :class:`~rumrules.errors.Fix` as edits in ``doc``'s text, or
    ``None`` (no fix, or one that cannot be placed exactly)."""
    if diag.fix is None:
        return None
    planned = doc.plan_fix(path, diag.fix, diag.line, diag.column)
    if not planned:
        return None
    edits = []
    for e in planned:
        (line, column), (end_line, end_column) = doc.position(e.start), doc.position(e.end)
        edits.append(Edit(line, column, end_line, end_column, e.text, e.start, e.end))
    return FindingFix("safe" if diag.fix.safe else "unsafe", diag.hint, tuple(edits))


def _suppressed_in(doc: Any, code: str, path: tuple[Any, ...]) -> bool:
    """True when a template's Metadata turns ``code`` off where ``path`` lies."""
    path = tuple(path)
    for source in doc.requests:
        for definition in source.definitions:
            if path[:len(definition.path)] == definition.path:
                return definition.is_suppressed(code)
    for source in doc.requests:
        if path[:len(source.path)] == source.path or path[:2] == source.path[:2]:
            return code_matches(code, source.suppressed)
    return False


def lint(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] = (), *,
         text: str | bytes | None = None, data: Any = None, filename: str | None = None,
         select: Iterable[str] | None = None, ignore: Iterable[str] | None = None,
         skip_unrecognized: bool = False, notes: list | None = None,
         stats: LintStats | None = None) -> list[Finding]:
    """Check metric definitions wherever they are written; return the findings, sorted by
    file, line, column and code.

    ``paths``: a file or directory, or several (``-`` reads standard input; directories are
    walked for ``*.json``, ``*.yaml``, ``*.yml``, ``*.template`` files, and files of other
    shapes there are skipped).  ``text``: the text of one document (``filename``, by default
    ``<text>``, is its display name; its ending picks JSON or YAML).  ``data``: one parsed
    document (a request body as boto3 takes it, a list of definitions, or a template as a
    dict); its findings have no line or column (``filename`` defaults to ``<data>``).
    Every input may hold a BatchCreate/Update request, a ``--cli-input-json`` file, a
    MetricDefinitionRequest, a list of them, or a CloudFormation template.

    ``select``/``ignore``: rule codes or prefixes (``RUM2``; ``ALL``), as ``--select`` and
    ``--ignore`` take them.  ``skip_unrecognized``: a named input of no supported shape is
    skipped instead of being an error.  ``notes``: a list that receives what the readers
    noticed without a rule to report it (:class:`~rumrules.linter.sources.SourceNote`).
    ``stats``: a :class:`LintStats` that receives the counts (files, definitions checked,
    values not checked).

    The findings are :class:`Finding` objects, the ones every ``rumrules check`` format and
    the cfn-lint plugin render.  Raises :class:`~rumrules.linter.sources.SourceError` (a
    :class:`~rumrules.RumRulesError`) for input that cannot be read or is of no supported
    shape, and :class:`~rumrules.RumRulesError` for an unknown code in ``select``/``ignore``;
    a ``TypeError`` for ``paths`` that are not path names, ``text`` that is neither ``str``
    nor ``bytes``, or a ``filename`` that is not a ``str`` (programmer arguments).
    """
    from ._finding import sort_findings

    paths = _path_names(paths)
    if text is not None and not isinstance(text, (str, bytes, bytearray)):
        raise TypeError(f"lint(): text must be str or bytes, not {type(text).__name__}")
    if filename is not None and not isinstance(filename, str):
        raise TypeError(f"lint(): filename must be a str, not {type(filename).__name__}")
    options = LintOptions(
        select=normalize_codes(_entries(select, "select"), "select") or ["ALL"],
        ignore=normalize_codes(_entries(ignore, "ignore"), "ignore"),
        skip_unrecognized=skip_unrecognized)
    found = collect_findings(paths, options, notes=notes, stats=stats)
    explicit = not skip_unrecognized
    if text is not None:
        name = filename or "<text>"
        if isinstance(text, (bytes, bytearray)):
            from .sources import read_bytes

            doc = read_bytes(bytes(text), name, explicit=explicit)
        else:
            doc = read_text(text, name, explicit=explicit)
        found += document_findings([doc] if doc else [], options, notes=notes, stats=stats)
    if data is not None:
        name = filename or "<data>"
        try:
            dumped = json.dumps(data, default=str, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise RumRulesError(f"{name}: not a JSON-like value: {e}") from None
        doc = read_text(dumped, name, explicit=explicit)
        found += [replace(f, line=None, column=None, end_line=None, end_column=None, fix=None)
                  for f in document_findings([doc] if doc else [], options, notes=notes,
                                             stats=stats)]
    return sort_findings(found)


def _path_names(paths: Any) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if isinstance(paths, (bytes, bytearray)) or not isinstance(paths, Iterable):
        raise TypeError(f"lint(): paths must be a path or paths, not {type(paths).__name__}")
    out = []
    for p in paths:
        name = os.fspath(p) if isinstance(p, (str, os.PathLike)) else None
        if not isinstance(name, str):
            raise TypeError(f"lint(): a path must be a str or os.PathLike, not "
                            f"{type(p).__name__}")
        out.append(name)
    return out


def _entries(value: Iterable[str] | str | None, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.split(",")]
    try:
        entries = list(value)
    except TypeError:
        raise RumRulesError(f"{where}: expected rule codes, got {type(value).__name__}") \
            from None
    if not all(isinstance(v, str) for v in entries):
        raise RumRulesError(f"{where}: every entry must be a string (a rule code or prefix)")
    return entries
