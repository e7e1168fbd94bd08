"""MetricEngine: stored documents x definitions -> the data points RUM would publish."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import DefinitionError, Diagnostic, RumRulesError, Severity, shown
from ..ingestion import ingest_batch
from ..pattern import NumberText, PatternSet, capture, capture_trie, inexact_value, load_event
from ..rules import MAX_PER_DESTINATION, analyse, detached, rule_by_code
from ._datum import MetricDatum, engine_datum

__all__ = ["MetricEngine", "ProcessResult"]

_EXTENDED_NAMESPACE = "AWS/RUM"
_CUSTOM_PREFIX = "RUM/CustomMetrics/"
_MISSING = object()
_APP_DIMENSION = "application_name"
#: PutMetricData rejects a request whose values have a magnitude above 2^360 or, other than
#: 0, below 2^-360 (the API reference: "CloudWatch rejects values that are either too small
#: or too large").  Such a value is skipped like a non-number.
_MAX_VALUE = 2.0 ** 360
_MIN_VALUE = 2.0 ** -360
_MAX_INT = 2 ** 360
_MAX_DECIMAL = Decimal(_MAX_VALUE)
_MIN_DECIMAL = Decimal(_MIN_VALUE)
#: Integers this large have more than 1024 digits: too long for a dimension value.
_MAX_DIMENSION_INT = 10 ** 1024
#: Request members that a list of definitions checked for the engine does not have.
_REQUEST_MEMBERS = ("Destination", "DestinationArn")


@dataclass
class ProcessResult:
    """What one request produced: ``data`` (the data points), ``skipped`` (matches whose
    ValueKey was missing or not a number), and the events and attributes that ingestion
    dropped (``dropped_events``, ``dropped_attributes``)."""

    data: list[MetricDatum] = field(default_factory=list)
    skipped: int = 0
    dropped_events: list = field(default_factory=list)
    dropped_attributes: list = field(default_factory=list)


@dataclass(frozen=True)
class _Definition:
    index: int
    name: str
    namespace: str
    value_key: tuple[str, ...] | None
    unit: str | None
    dimensions: tuple[tuple[tuple[str, ...], str], ...]
    #: two DimensionKeys entries give one dimension name (RUM402, a warning): the later
    #: value wins, in the first one's place, as in a dict
    repeated_names: bool = False
    #: per dimension: its path's first step, its second when it has exactly two (else
    #: None), the path and the name (how the engine's hot loop reads them)
    dimension_steps: tuple[tuple[str, str | None, tuple[str, ...], str], ...] = ()


class MetricEngine:
    """Match stored documents against a destination's metric definitions, as RUM does.

    ``definitions`` are MetricDefinitionRequest dicts (a ``MetricDefinitionId`` member is
    allowed and ignored).  They are checked together first, as one destination holds them
    (as ``check_definitions`` does: each definition, then duplicates and the 2000 limit),
    and any error-severity finding raises :class:`DefinitionError` with the diagnostics.
    More than 2000 definitions are refused before any is checked (RUM507: however valid,
    one destination cannot hold them).
    The patterns the checker compiled go into one :class:`PatternSet`.  ``destination`` is ``CloudWatch`` or
    ``Evidently`` (which ignores DimensionKeys).  Engines are immutable after construction
    and picklable; any number of threads may call ``process`` on one engine at once (its
    :class:`PatternSet` is never changed, and each call keeps its own state).

    Raise :class:`RumRulesError` for a ``destination``, ``app_monitor_name`` (a non-empty
    string) or ``account_id`` (a string or ``None``) that is not one, and
    :class:`DefinitionError` when ``definitions`` is not a list (an iterable) of them.
    """

    def __init__(self, definitions: Iterable[Mapping[str, Any]], *, app_monitor_name: str,
                 destination: str = "CloudWatch", account_id: str | None = None) -> None:
        if type(destination) is not str or destination not in ("CloudWatch", "Evidently"):
            raise RumRulesError(f"destination must be CloudWatch or Evidently, not {shown(destination)}")
        if not isinstance(app_monitor_name, str) or not app_monitor_name:
            raise RumRulesError("app_monitor_name must be a non-empty string")
        if account_id is not None and not isinstance(account_id, str):
            raise RumRulesError(f"account_id must be a string or None, not "
                                f"{type(account_id).__name__}")
        if isinstance(definitions, (str, bytes, bytearray, Mapping)) or not isinstance(
                definitions, Iterable):
            raise DefinitionError(f"definitions must be a list of metric definitions, not "
                                  f"{type(definitions).__name__}")
        self.app_monitor_name = app_monitor_name
        self.destination = destination
        self.account_id = account_id
        definitions = list(definitions)
        if len(definitions) > MAX_PER_DESTINATION:  # refused whatever they hold: say so now
            full = rule_by_code("RUM507")  # destination-full
            diag = Diagnostic(full.code, full.severity,
                              f"{len(definitions)} definitions: one destination holds at most "
                              f"{MAX_PER_DESTINATION} (ServiceQuotaExceededException)",
                              ("MetricDefinitions", MAX_PER_DESTINATION), rule=full.name)
            raise DefinitionError(f"1 error(s) in the definitions: [{MAX_PER_DESTINATION}] "
                                  f"{full.code} {diag.message}", [(MAX_PER_DESTINATION, diag)])
        # a copy sharing nothing with the caller: what is checked is what runs and pickles
        self._definitions = [detached(d) for d in definitions]
        # the patterns as the checker compiled them (eventbridge dialect): each once
        compiled = _check(self._definitions, destination)
        self._index = PatternSet("eventbridge")
        self._always: list[int] = []
        self._defs: list[_Definition] = []
        for i, d in enumerate(self._definitions):
            self._defs.append(self._prepare(i, d))
            if compiled[i] is not None:
                self._index.add(str(i), compiled[i])
            else:
                self._always.append(i)
        # the paths the points of a document read: its time, each ValueKey and dimension
        paths = {("event_timestamp",)}
        for d in self._defs:
            if d.value_key:
                paths.add(d.value_key)
            paths.update(path for path, _ in d.dimensions)
        self._trie = capture_trie(sorted(paths))

    @property
    def definitions(self) -> list[dict]:
        """The definitions, as given (a copy: changing it changes nothing here)."""
        return detached(self._definitions)

    def _prepare(self, i: int, d: Mapping) -> _Definition:
        ns = d.get("Namespace")
        namespace = _EXTENDED_NAMESPACE if ns in (None, _EXTENDED_NAMESPACE) else _CUSTOM_PREFIX + ns
        vk = d.get("ValueKey")
        dims: tuple = ()
        if self.destination == "CloudWatch":
            # application_name is the app monitor's own dimension: a DimensionKeys entry
            # of that name never replaces it (the checker is to reject such an entry).
            dims = tuple((tuple(path.split(".")), name)
                         for path, name in (d.get("DimensionKeys") or {}).items()
                         if name != _APP_DIMENSION)
        return _Definition(i, d["Name"], namespace, tuple(vk.split(".")) if vk else None,
                           d.get("UnitLabel") or None, dims,
                           len({name for _, name in dims}) < len(dims),
                           tuple((path[0], path[1] if len(path) == 2 else None, path, name)
                                 for path, name in dims))

    # ------------------------------------------------------------------ processing
    def process(self, request: Any) -> list[MetricDatum]:
        """The data points of a PutRumEvents request (dict, or wire JSON text/bytes)."""
        return self.process_batch(request).data

    def process_batch(self, request: Any) -> ProcessResult:
        """Ingest a PutRumEvents request and process its documents; see :class:`ProcessResult`."""
        ingested = ingest_batch(request, app_monitor_name=self.app_monitor_name,
                                account_id=self.account_id)
        result = self.process_documents(ingested.documents)
        result.dropped_events = list(ingested.dropped_events)
        result.dropped_attributes = list(ingested.dropped_attributes)
        return result

    def process_documents(self, documents: Iterable[Any]) -> ProcessResult:
        """Process stored documents (dicts, or JSON text) directly.

        Raise :class:`RumRulesError` when ``documents`` is not a list (an iterable) of
        documents — one document alone included — or one of them is not a JSON object.
        """
        if isinstance(documents, (str, bytes, bytearray, Mapping)) or not isinstance(
                documents, Iterable):
            raise RumRulesError(f"documents must be a list of stored documents, not "
                                f"{type(documents).__name__}",
                                hint="wrap a single document in a list")
        result = ProcessResult()
        data = result.data
        defs = self._defs
        for doc in documents:
            if not isinstance(doc, dict):
                doc = load_event(doc)
            points = self.points(doc)
            if not points:
                continue
            timestamp = _timestamp(doc)
            for i, value, dims in points:
                if value is None:
                    result.skipped += 1
                    continue
                d = defs[i]
                data.append(engine_datum(d.namespace, d.name, value, d.unit, dict(dims),
                                         timestamp, i))
        return result

    def points(self, document: Any) -> list[tuple[int, float | None, tuple[tuple[str, str], ...]]]:
        """What one stored document (a dict, or JSON text) yields, without its timestamp:
        ``(definition index, value, dimensions)`` per matching definition in definition
        order, ``value`` ``None`` when the match is skipped (ValueKey missing or not a
        number CloudWatch takes), ``dimensions`` as ``(name, value)`` pairs,
        ``application_name`` first.  :meth:`metric` names the definition's metric.  The
        light form of :meth:`process_documents`, for callers that aggregate many documents.

        Raise :class:`RumRulesError` when ``document`` is not a JSON object.
        """
        doc = document if type(document) is dict else load_event(document)
        return self.read_points(doc, True)  # type: ignore[return-value]

    def read_points(self, doc: Any, exact: bool = True, matched: Iterable[int] | None = None
                    ) -> list[tuple[int, float | None, tuple[tuple[str, str], ...]]] | None:
        """:meth:`points` of a document already read, so that a caller that reads the
        document's time too reads each document once: ``exact`` for a dict (given, or read
        by :func:`~rumrules.pattern.load_event`), not ``exact`` for one that
        :func:`~rumrules.pattern.read_events` read.  ``None`` when that fast reading may
        have read a value the definitions use otherwise than the exact reading (a zero or
        subnormal float): then call :meth:`points` with the document's text.  ``matched``:
        the definitions :meth:`screen` found matching the document's text (not matched
        again)."""
        if matched is not None:
            if not matched:
                return []
        else:
            if exact:
                names = self._index.matches(doc)
            else:
                names = self._index.matches_read(doc, False)
                if names is None:
                    return None
            if self._always:
                matched = sorted(set(map(int, names)).union(self._always))
            elif not names:
                return []
            else:
                matched = map(int, names)
        out = []
        app = ((_APP_DIMENSION, self.app_monitor_name),)
        defs = self._defs
        plain = type(doc) is dict
        for i in matched:
            d = defs[i]
            value_key = d.value_key
            if value_key is None:
                value = 1.0
            else:
                raw = _MISSING
                if plain and len(value_key) == 2:     # _get inline
                    node = doc.get(value_key[0], _MISSING)
                    if type(node) is dict:
                        raw = node.get(value_key[1], _MISSING)
                if raw is _MISSING:
                    raw = _lookup(doc, value_key)
                if type(raw) is float and _MIN_VALUE <= raw <= _MAX_VALUE:
                    value = raw              # _number's answer for a positive double
                else:
                    if not exact and type(raw) is float and inexact_value(raw):
                        return None
                    value = _number(raw)
                    if value is None:
                        out.append((i, None, ()))
                        continue
            dims = app
            if d.dimensions:
                rendered_dims = [app[0]]
                for first, second, path, dim_name in d.dimension_steps:
                    # _get inline: two steps through plain objects, else _lookup
                    raw = _MISSING
                    if second is not None and plain:
                        node = doc.get(first, _MISSING)
                        if type(node) is dict:
                            raw = node.get(second, _MISSING)
                    if raw is _MISSING:
                        raw = _lookup(doc, path)
                    if type(raw) is str:
                        if 0 < len(raw) <= 1024:
                            rendered_dims.append((dim_name, raw))
                        continue
                    if not exact and inexact_value(raw):
                        return None
                    rendered = _dimension_value(raw)
                    if rendered is not None:
                        rendered_dims.append((dim_name, rendered))
                dims = tuple(rendered_dims)
                if d.repeated_names:
                    dims = tuple(dict(dims).items())
            out.append((i, value, dims))
        return out

    def screen(self, text: Any, key: str = "event_timestamp"
               ) -> tuple[list[int], int | None, dict | None] | None:
        """A first look at one stored document's JSON text (``str``) by the compiled matching
        core, for callers that read many documents and few of them match: ``(matched,
        value, members)``, ``matched`` the indexes of the definitions that match it,
        ascending (give them to :meth:`read_points` so it does not match again), ``value``
        the document's top-level ``key`` when that is an integer of at most 15 digits (else
        ``None``), ``members`` (when a definition's pattern matches) what :meth:`captured`
        gives, read in the same pass, or ``None``.  The text is read once, and no object
        is built for a document nothing matches.  ``None`` when the compiled core is not in
        use or declines the text (invalid JSON included): then read it (:meth:`points`)."""
        found = self._index.matches_key(text, key, self._trie)
        if found is None:
            return None
        names, value, members = found
        if self._always:
            return sorted(set(map(int, names)).union(self._always)), value, members
        return list(map(int, names)), value, members

    def screener(self, key: str = "event_timestamp"):
        """:meth:`screen` as one plain callable of the text, for a caller that screens many
        texts: ``None`` when the compiled core is not in use (or there is nothing to match
        with it)."""
        found = self._index.key_finder(key, self._trie)
        if found is None:
            return None
        find, names = found
        defs = {s: int(name) for s, name in names.items()}
        always = self._always

        def screen(text):
            seen = find(text)
            if seen is None:
                return None
            seqs, value, members = seen
            if always:
                return sorted({defs[s] for s in seqs}.union(always)), value, members
            if seqs:
                return [defs[s] for s in seqs], value, members
            return seqs, value, members
        return screen

    def batch_feeder(self, key: str = "event_timestamp"):
        """The backfill's loop over a batch of document texts in one call of the compiled
        core, for a caller that aggregates this engine's points per minute: ``feed(texts,
        lo, hi, table, fold_at, cwlogs=False)`` gives ``(back, outside, skipped, fold,
        documents)``.  ``texts`` is a list of texts (UTF-8 ``bytes`` or ``str``), or
        ``bytes`` of lines, one document each, split as the backfill's readers split them
        (blank lines are none; ``cwlogs``: each line loses its timestamp), and
        ``documents`` says how many there were.  For each text whose top-level ``key`` is an integer time of at most 15
        digits, it counts the text ``outside`` when the time is not in ``[lo, hi)``, leaves
        it when nothing matches, and else appends what :meth:`read_points` gives of it to
        ``table`` (``(definition index, dimensions, minute) -> [values]``, the minute as
        epoch seconds), counting the matches whose ValueKey is not a number (``skipped``);
        ``fold`` names the keys whose list reached ``fold_at`` values.  Every other text (a
        time only the exact reading dates, a value or a path it does not read as the exact
        reading does, not UTF-8, invalid JSON) is left untouched and its place listed in
        ``back``: read it as before.  ``None`` when the compiled core is not in use (or is
        an older build) or cannot take these definitions."""
        slots: dict = {}
        tree: dict = {}
        for d in self._defs:
            for path in ([d.value_key] if d.value_key else []) + [p for p, _ in d.dimensions]:
                node = tree
                for depth in range(len(path)):
                    prefix = path[:depth + 1]
                    if prefix not in slots:
                        slots[prefix] = len(slots)
                    node = node.setdefault(path[depth], {})

        def freeze(node: dict, prefix: tuple) -> tuple:
            return tuple((k, slots[prefix + (k,)], freeze(v, prefix + (k,)) if v else None)
                         for k, v in node.items())
        defs = tuple((slots[d.value_key] if d.value_key else -1,
                      tuple((slots[path], name) for path, name in d.dimensions),
                      d.repeated_names) for d in self._defs)
        spec = (tuple(self._always), len(slots), freeze(tree, ()), defs,
                (_APP_DIMENSION, self.app_monitor_name))
        return self._index.points_feeder(key, {str(d.index): d.index for d in self._defs},
                                         spec)

    def captured(self, text: Any) -> dict | None:
        """What :meth:`read_points` (``exact`` False) reads of a document, from its JSON text
        (``str``) by the compiled core: a dict holding only the document's
        ``event_timestamp``, ValueKeys and dimension keys (and the objects on their way),
        for a document :meth:`screen` found matched.  ``None`` when the compiled core is not
        in use or declines the text: then read it whole."""
        return capture(text, self._trie)

    def metric(self, index: int) -> tuple[str, str, str | None]:
        """``(namespace, metric name, unit or None)`` of the definition at ``index``."""
        d = self._defs[index]
        return d.namespace, d.name, d.unit

    def __reduce__(self):
        return (_rebuild, (self._definitions, self.app_monitor_name, self.destination,
                           self.account_id))

    def __repr__(self) -> str:
        return (f"MetricEngine({len(self._defs)} definitions, "
                f"app_monitor_name={self.app_monitor_name!r}, destination={self.destination!r})")


def _check(definitions: list, destination: str) -> list:
    """Raise :class:`DefinitionError` unless the checker accepts the definitions together,
    as one destination holds them (each one, then duplicates and the 2000 limit); else
    return each one's compiled EventPattern (``None`` when it has none)."""
    requests = [{k: v for k, v in d.items() if k != "MetricDefinitionId"}
                if isinstance(d, dict) else d for d in definitions]
    problems = []
    analysis = analyse(requests, destination)
    for diag in analysis.diagnostics():
        if diag.severity != Severity.ERROR:
            continue
        path = diag.path
        if len(path) >= 2 and path[0] == "MetricDefinitions" and isinstance(path[1], int):
            problems.append((path[1], diag))
        elif not (path and path[0] in _REQUEST_MEMBERS):
            # Destination and DestinationArn are the request's business: the engine takes
            # its destination itself and publishes nothing to Evidently.
            problems.append((None, diag))
    if problems:
        problems.sort(key=lambda p: -1 if p[0] is None else p[0])
        lines = "; ".join(f"[{i}] {d.code} {d.message}" for i, d in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise DefinitionError(f"{len(problems)} error(s) in the definitions: {lines}{more}",
                              problems)
    return analysis.patterns


def _rebuild(definitions, app_monitor_name, destination, account_id) -> MetricEngine:
    return MetricEngine(definitions, app_monitor_name=app_monitor_name,
                        destination=destination, account_id=account_id)


def _lookup(doc: Any, segments: tuple[str, ...]) -> Any:
    """The value at a dotted path: nested objects, or a key that itself holds dots."""
    node = doc
    for i, seg in enumerate(segments):
        if not isinstance(node, dict):
            return _MISSING
        if seg in node:
            node = node[seg]
            continue
        rest = ".".join(segments[i:])
        if rest in node:
            return node[rest]
        return _MISSING
    return node


def _number(value: Any) -> float | None:
    """The ValueKey field as a data point value, or ``None`` (skipped) when it is not a
    number (booleans are not) or not one CloudWatch takes: NaN, infinities, and magnitudes
    above 2^360 or, other than 0, below 2^-360 (judged on the exact value, not on its
    rounding to a double)."""
    t = type(value)
    if t is float:
        if not math.isfinite(value):
            return None
        f = value
    elif t is int:
        if not -_MAX_INT <= value <= _MAX_INT:
            return None
        f = float(value)
    elif t is Decimal or t is NumberText:
        try:
            exact = Decimal(value.text) if t is NumberText else value
        except InvalidOperation:
            return None
        if not exact.is_finite():
            return None
        magnitude = abs(exact)
        if magnitude > _MAX_DECIMAL or (magnitude and magnitude < _MIN_DECIMAL):
            return None
        return float(exact)
    else:
        return None
    magnitude = abs(f)
    if magnitude > _MAX_VALUE or (magnitude and magnitude < _MIN_VALUE):
        return None
    return f


def _dimension_value(value: Any) -> str | None:
    """A dimension value as CloudWatch takes it (strings as they are, numbers as JSON
    renders them, booleans true/false); None for absent, null, arrays and objects, and for
    values CloudWatch refuses (empty, or longer than 1024 characters)."""
    t = type(value)
    if t is str:
        text = value
    elif t is bool:
        text = "true" if value else "false"
    elif t is int or t is float:
        if t is float and not math.isfinite(value):
            return None
        if t is int and not -_MAX_DIMENSION_INT < value < _MAX_DIMENSION_INT:
            return None  # more than 1024 digits (and maybe more than Python writes)
        text = json.dumps(value)
    elif t is Decimal:
        text = str(value)
    elif t is NumberText:
        text = value.text
    else:
        return None
    return text if 0 < len(text) <= 1024 else None


def _timestamp(doc: Mapping) -> datetime:
    """The document's ``event_timestamp`` (epoch milliseconds); now when it is missing, not
    a number, or not a time a ``datetime`` holds (NaN, beyond the year 9999)."""
    ms = doc.get("event_timestamp")
    if isinstance(ms, (int, float)) and not isinstance(ms, bool):
        try:
            return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            pass
    return datetime.now(tz=timezone.utc)
