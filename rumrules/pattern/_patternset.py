"""PatternSet: many patterns, indexes in size tiers, one walk per index and event."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any, Iterable

from ..errors import RumRulesError
from ._compile import DIALECTS
from ._events import load_event
from ._index import Index, keeps_empty
from ._pattern import EventPattern, compile_pattern

__all__ = ["PatternSet"]

#: New entries are merged with the level before them while that one holds at most this many
#: times as many (1: a binary counter): sizes more than halve from level to level, so there
#: are at most about log2(n) levels and each entry is indexed O(log n) times in all.  (1
#: measured faster than 2 for both add-then-match and remove-add cycles, 250..2000.)
_TIER = 1
#: Levels of at most this many entries build no index while other levels exist (see
#: :class:`_Level`): building one costs ~80 µs for one pattern, trying it ~3 µs.
_FEW = 4
#: A snapshot of several levels is compacted into one after this many matches (at least;
#: more for bigger sets, see ``_Snapshot.reads``), so a set that stops changing is soon
#: matched through one index, and the rebuild is paid for by those matches.
_MIN_READS = 64


class _ArgumentError(RumRulesError, TypeError):
    """A pattern name that is not a string, or patterns that are not ``(name, pattern)``
    pairs: a :class:`RumRulesError`, and a ``TypeError`` too."""


class _UnknownName(RumRulesError, KeyError):
    """No pattern under this name: a :class:`RumRulesError`, and a ``KeyError`` too."""


class _Level:
    """One index over some ``(sequence number, pattern)`` entries (ascending), never
    changed.  A level of at most :data:`_FEW` entries that is not the set's only one
    (``few``) builds no index: its patterns are tried one by one (:class:`_Few`), which
    costs a match less than building an index costs a change."""

    __slots__ = ("index", "entries", "seqs")

    def __init__(self, entries: list, few: bool = False) -> None:
        self.entries = entries
        self.seqs = Counter(s for s, _ in entries)   # entries per sequence number
        self.index = _Few(entries) if few and len(entries) <= _FEW else _index_of(entries)


class _Few:
    """A few patterns tried one by one, with the one method of an :class:`Index` that a
    snapshot of several levels calls (on a document already read)."""

    __slots__ = ("entries",)

    def __init__(self, entries: list) -> None:
        self.entries = tuple(entries)

    def find_ordered(self, doc) -> list:
        return [s for s, p in self.entries if p.matches(doc)]


class _Snapshot:
    """One consistent state of a set, never changed: the ``levels``' indexes (largest
    first), the removals (``removed``: sequence number -> the version that removed it, only
    ever added to) that count for it (those up to its ``version``), and the name of each
    sequence number (``names``, only ever added to).  ``reads`` counts down the matches
    before a snapshot of several levels is compacted."""

    __slots__ = ("indexes", "removed", "version", "names", "reads", "only")

    def __init__(self, indexes: tuple, removed: dict, version: int, names: dict,
                 reads: int) -> None:
        self.indexes = indexes
        self.removed = removed
        self.version = version
        self.names = names
        self.reads = reads
        #: the one index when there is one and no removal to filter, else ``None``
        self.only = indexes[0] if len(indexes) == 1 and not removed else None

    def matches(self, event: Any) -> list[str]:
        """The names whose pattern matches ``event`` in this state of the set."""
        indexes = self.indexes
        removed = self.removed
        if len(indexes) == 1:
            found = indexes[0].find_ordered(event)
            if removed and found:
                version = self.version
                found = [s for s in found if removed.get(s, version + 1) > version]
        elif not indexes:
            load_event(event)   # the same errors for a bad event as a full set
            return []
        else:
            doc = load_event(event)   # read once for every level (exactly, as dicts are)
            version = self.version
            hits: set = set()
            for index in indexes:
                hits.update(index.find_ordered(doc))
            found = sorted(s for s in hits if removed.get(s, version + 1) > version)
        names = self.names
        return [names[s] for s in found]


def _index_of(entries) -> Index:
    """One index over ``(sequence number, pattern)`` pairs, the paths most used first."""
    uses: Counter = Counter()
    for _, pattern in entries:
        for alt in pattern.alternatives:
            for c in alt:
                uses[c.path] += 1
    ranked = sorted(uses, key=lambda p: (-uses[p], p))
    rank = {p: i for i, p in enumerate(ranked)}
    return Index([(seq, alt, keeps_empty(alt)) for seq, pattern in entries
                  for alt in pattern.alternatives], rank)


class PatternSet:
    """Many EventPatterns under names, matched together through one index.

    ``add(name, text_or_pattern)`` adds a pattern (text is compiled in the set's dialect; a
    compiled :class:`EventPattern` is used as it is); adding several patterns under one name
    ORs them.  ``matches(event)`` returns the names whose pattern matches, in the order they
    were first added — the same answer as calling ``EventPattern.matches`` for each (a
    promise the reference implementation does not make), at the cost of the partial matches
    rather than of the number of patterns.

    Changes cost the pattern changed, not the set (log-structured, amortised O(size of the
    pattern x log n)): the patterns added between two matches form a new index (a level),
    merged with the level before it while that one is not bigger (a binary counter), so the
    levels' sizes more than halve from one to the next (at most about log2(n) of them; the
    smallest, of a few patterns, build no index); a removal is a tombstone filtered out of
    the answers, and the levels are rebuilt as one when half of what they hold is removed.  A set that stops changing is compacted to a single index
    after some matches (their number grows with the set, so the rebuild costs each match
    little).  Patterns added together (the constructor, several ``add`` calls before a
    ``matches``) are indexed together.

    Threads: ``matches`` reads one immutable snapshot of the set (its indexes, its removals
    and its names together), taken when it starts; ``add`` and ``remove`` may run in other
    threads at the same time and never make it give a wrong answer or raise: it answers for
    the set as it was before or after each change.  The set pickles (by its pattern texts).
    """

    def __init__(self, dialect: str = "rum", patterns: Iterable[tuple[str, Any]] = ()) -> None:
        """A set in ``dialect`` (``"rum"`` or ``"eventbridge"``), with ``patterns`` — ``(name,
        text_or_pattern)`` pairs — added in order (a :class:`RumRulesError` that is also a
        ``TypeError`` when they are not such pairs)."""
        if dialect not in DIALECTS:
            raise RumRulesError(f"unknown dialect {dialect!r}: use 'rum' or 'eventbridge'")
        self.dialect = dialect
        self._seq: dict[str, int] = {}        # name -> sequence number (first-add order)
        self._names: dict[int, str] = {}      # sequence number -> name (only added to)
        self._patterns: dict[int, list[EventPattern]] = {}   # live sequence number -> patterns
        self._count = 0                       # patterns in the set
        self._next = 0
        self._levels: tuple[_Level, ...] = ()
        self._pending: list[tuple[int, EventPattern]] = []   # added, in no level yet
        self._removed: dict[int, int] = {}    # sequence number -> version (only added to)
        self._version = 0
        self._dead = 0                        # entries of the levels that are removed
        self._snapshot: _Snapshot | None = None
        self._lock = threading.Lock()
        try:
            pairs = list(patterns)
        except TypeError:
            raise _ArgumentError(f"patterns must be (name, pattern) pairs, not "
                                 f"{type(patterns).__name__}") from None
        for pair in pairs:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise _ArgumentError(f"patterns must be (name, pattern) pairs, not {pair!r:.80}")
            self.add(*pair)

    def add(self, name: str, text_or_pattern: str | bytes | EventPattern) -> EventPattern:
        """Add a pattern under ``name`` (a string); return it compiled.  Raise
        :class:`PatternError` for an invalid pattern (the set is left as it was), and a
        :class:`RumRulesError` that is also a ``TypeError`` when ``name`` is not a string."""
        if not isinstance(name, str):
            raise _ArgumentError(f"a pattern name is a string, not {type(name).__name__}")
        if isinstance(text_or_pattern, EventPattern):
            pattern = text_or_pattern
        else:
            pattern = compile_pattern(text_or_pattern, dialect=self.dialect)
        with self._lock:
            seq = self._seq.get(name)
            if seq is None:
                seq = self._seq[name] = self._next
                self._next += 1
                self._names[seq] = name
                self._patterns[seq] = []
            self._patterns[seq].append(pattern)
            self._count += 1
            self._pending.append((seq, pattern))
            self._snapshot = None
        return pattern

    def remove(self, name: str) -> None:
        """Remove every pattern added under ``name``; a :class:`RumRulesError` that is also a
        ``KeyError`` when there is none."""
        with self._lock:
            if name not in self:
                raise _UnknownName(f"no pattern is named {name!r:.80}")
            seq = self._seq.pop(name)
            self._count -= len(self._patterns.pop(seq))
            self._version += 1
            self._removed[seq] = self._version   # pending entries are dropped when indexed
            self._dead += sum(level.seqs.get(seq, 0) for level in self._levels)
            self._snapshot = None

    @property
    def names(self) -> list[str]:
        """The names in the set, in the order they were first added."""
        return list(self._seq)

    def __len__(self) -> int:
        return self._count

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._seq

    def _current(self) -> _Snapshot:
        snap = self._snapshot
        if snap is None:
            with self._lock:
                snap = self._snapshot
                if snap is None:
                    snap = self._snapshot = self._build()
        return snap

    def _build(self, compact: bool = False) -> _Snapshot:
        """A snapshot of the set as it is (called with the lock held): the pending patterns
        become a level, merged with the levels before it while they are not much bigger;
        every level is rebuilt as one when half of their entries are removed, or with
        ``compact``."""
        live = self._patterns
        levels = list(self._levels)
        fresh = sorted([(s, p) for s, p in self._pending if s in live], key=_first)
        self._pending = []
        held = sum(len(level.entries) for level in levels) - self._dead
        if compact or self._dead and 2 * self._dead >= held + len(fresh):
            fresh = sorted([(s, p) for level in levels for s, p in level.entries if s in live]
                           + fresh, key=_first)
            levels = []
            self._dead = 0
            self._removed = {}
            self._names = {s: n for n, s in self._seq.items()}
        while levels and len(levels[-1].entries) <= _TIER * len(fresh):
            before = levels.pop()    # merged with the new entries: built once, below
            entries = [(s, p) for s, p in before.entries if s in live]
            self._dead -= len(before.entries) - len(entries)
            fresh = sorted(entries + fresh, key=_first)
        if fresh:
            levels.append(_Level(fresh, few=bool(levels)))
        elif len(levels) == 1 and type(levels[0].index) is _Few:   # the only level: indexed
            levels[0] = _Level(levels[0].entries)
        self._levels = tuple(levels)
        if len(self._removed) > 2 * self._count + 64:   # tombstones of entries merged away
            held_seqs = set().union(*(level.seqs for level in levels)) if levels else set()
            self._removed = {s: v for s, v in self._removed.items() if s in held_seqs}
        if len(self._names) > 2 * self._count + 64:     # names removed long ago
            self._names = {s: n for n, s in self._seq.items()}
        size = sum(len(level.entries) for level in levels)
        # no entry of the levels removed: nothing to filter (later removals have later
        # versions, which this snapshot ignores anyway)
        removed = self._removed if self._dead else {}
        return _Snapshot(tuple(level.index for level in levels), removed, self._version,
                         self._names, max(_MIN_READS, size) if len(levels) > 1 else -1)

    def _compact(self, snap: _Snapshot) -> None:
        with self._lock:
            if self._snapshot is snap:   # no change since: one level for the same set
                self._snapshot = self._build(compact=True)

    def matches(self, event: Any) -> list[str]:
        """The names whose pattern matches ``event`` (a dict, or JSON text)."""
        snap = self._snapshot or self._current()
        only = snap.only
        if only is not None:   # one index, nothing removed from it: the usual case
            names = snap.names
            return [names[s] for s in only.find_ordered(event)]
        if snap.reads > 0:
            snap.reads -= 1   # not exact under threads: it only decides when to compact
            if snap.reads == 0:
                self._compact(snap)
        return snap.matches(event)

    def matches_read(self, doc: Any, exact: bool = True) -> list[str] | None:
        """:meth:`matches` for a document already read, so that a caller reading values from
        it too reads each document once: ``exact`` for a dict (from :func:`load_event` or the
        caller's own), not ``exact`` for one from :func:`read_events`.  ``None`` when that
        fast reading may differ from the exact one where matching looks (a zero or
        subnormal float), or when the set changed since it was last matched: then call
        :meth:`matches` with the text."""
        if exact:
            return self.matches(doc)
        snap = self._snapshot or self._current()
        if not snap.indexes:
            return []
        only = snap.only
        if only is None:   # several levels or removals to filter: the caller asks matches()
            return None
        found = only.find_ordered_read(doc, False)
        if not found:
            return found
        names = snap.names
        return [names[s] for s in found]

    def matches_key(self, text: Any, key: str, trie: tuple | None = None) -> tuple | None:
        """:meth:`matches` of a JSON text (``str``) and the value of its top-level member
        ``key`` when that is there once and is an integer of at most 15 digits (else
        ``None``), read in one pass by the compiled matching core, so that a caller that
        needs one such value and the matches of every document reads no other document.
        ``None`` when the compiled core is not in use, declines the text (anything its text
        reader does not read as the exact one does, invalid JSON included) or the set is
        not one index: then call :meth:`matches` (or read the text).  With ``trie`` (from
        :func:`~rumrules.pattern.capture_trie`), a third item: when some pattern matches,
        what :func:`~rumrules.pattern.capture` gives of the text, read in the same pass
        (``None`` when nothing matches or the core declines those members)."""
        snap = self._snapshot or self._current()
        only = snap.only
        if only is None:
            return None
        found = only.find_ordered_key(text, key, trie)
        if found is None:
            return None
        seqs = found[0]
        if not seqs:
            return found
        names = snap.names
        return ([names[s] for s in seqs],) + found[1:]

    def key_finder(self, key: str, trie: tuple | None = None) -> tuple | None:
        """:meth:`matches_key` as one call per text, for a caller that screens many texts
        while the set does not change: ``(find, names)``, ``find(text)`` giving what
        :meth:`matches_key` gives with sequence numbers in place of the names (``names[s]``
        is the name of ``s``), or ``None`` where it would.  ``None`` when the compiled core
        is not in use or the set is not one index (then call :meth:`matches_key`)."""
        snap = self._snapshot or self._current()
        only = snap.only
        if only is None:
            return None
        find = only.key_finder(key, trie)
        if find is None:
            return None
        return find, dict(snap.names)

    def points_feeder(self, key: str, values: dict, spec: tuple):
        """For :meth:`MetricEngine.batch_feeder <rumrules.MetricEngine.batch_feeder>`: one
        call of the compiled core per batch of texts, that matches each text and reads the
        points of the matched ones (``values`` maps each pattern's name to the index the
        core reports for it; ``spec`` says what to read).  ``None`` when the compiled core
        is not in use (or is a build without it) or the set is not one index."""
        snap = self._snapshot or self._current()
        only = snap.only
        if only is None:
            return None
        try:
            by_seq = {s: values[name] for s, name in snap.names.items()}
        except KeyError:
            return None
        return only.points_feeder(key, by_seq, spec)

    def __reduce__(self):
        with self._lock:   # one state, even while other threads change the set
            patterns = [(self._names[s], p.text, p.dialect)
                        for s, ps in self._patterns.items() for p in ps]
        return (_restore, (self.dialect, patterns))

    def __repr__(self) -> str:
        return f"PatternSet(dialect={self.dialect!r}, patterns={self._count})"


def _first(entry: tuple) -> int:
    return entry[0]


def _restore(dialect: str, patterns: list) -> PatternSet:
    ps = PatternSet(dialect)
    for name, text, pattern_dialect in patterns:
        ps.add(name, compile_pattern(text, dialect=pattern_dialect))
    return ps
