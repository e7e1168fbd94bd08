"""PatternSet: many patterns, one index, one walk per event."""

from __future__ import annotations

import math
import threading
from collections import Counter
from typing import Any, Iterable

from ..errors import RumRulesError
from ._compile import DIALECTS
from ._events import load_event
from ._index import Index, keeps_empty
from ._pattern import EventPattern, compile_pattern

__all__ = ["PatternSet"]


class _ArgumentError(RumRulesError, TypeError):
    """A pattern name that is not a string, or patterns that are not ``(name, pattern)``
    pairs: a :class:`RumRulesError`, and a ``TypeError`` too."""


class _UnknownName(RumRulesError, KeyError):
    """No pattern under this name: a :class:`RumRulesError`, and a ``KeyError`` too."""


class _Snapshot:
    """One consistent state of a set, never changed: the main index, the index of the
    patterns added since (``delta``), the names removed since the main index was built
    (``dead``) and the name of each sequence number (``names``, only ever added to)."""

    __slots__ = ("main", "delta", "dead", "names")

    def __init__(self, main, delta, dead: frozenset, names: dict) -> None:
        self.main = main
        self.delta = delta
        self.dead = dead
        self.names = names


def _index_of(patterns) -> Index | None:
    """One index over ``(sequence number, pattern)`` pairs, the paths most used first."""
    if not patterns:
        return None
    uses: Counter = Counter()
    for _, pattern in patterns:
        for alt in pattern.alternatives:
            for c in alt:
                uses[c.path] += 1
    ranked = sorted(uses, key=lambda p: (-uses[p], p))
    rank = {p: i for i, p in enumerate(ranked)}
    return Index([(seq, alt, keeps_empty(alt)) for seq, pattern in patterns
                  for alt in pattern.alternatives], rank)


class PatternSet:
    """Many EventPatterns under names, matched together through one index.

    ``add(name, text_or_pattern)`` adds a pattern (text is compiled in the set's dialect; a
    compiled :class:`EventPattern` is used as it is); adding several patterns under one name
    ORs them.  ``matches(event)`` returns the names whose pattern matches, in the order they
    were first added — the same answer as calling ``EventPattern.matches`` for each (a
    promise the reference implementation does not make), at the cost of the partial matches
    rather than of the number of patterns.

    Changes are cheap: patterns added since the main index was built go to a small second
    index, and removed names are filtered out, until the changes outnumber about the square
    root of the set (then the main index is rebuilt once).  So ``add`` or ``remove`` followed
    by ``matches`` costs about the square root of the set's size, not its size.

    Threads: ``matches`` reads one immutable snapshot of the set (its indexes and names
    together), taken when it starts; ``add`` and ``remove`` may run in other threads at the
    same time and never make it give a wrong answer or raise: it answers for the set as it
    was before or after each change.  The set pickles (by its pattern texts).
    """

    def __init__(self, dialect: str = "rum", patterns: Iterable[tuple[str, Any]] = ()) -> None:
        """A set in ``dialect`` (``"rum"`` or ``"eventbridge"``), with ``patterns`` — ``(name,
        text_or_pattern)`` pairs — added in order (a :class:`RumRulesError` that is also a
        ``TypeError`` when they are not such pairs)."""
        if dialect not in DIALECTS:
            raise RumRulesError(f"unknown dialect {dialect!r}: use 'rum' or 'eventbridge'")
        self.dialect = dialect
        self._patterns: list[tuple[str, EventPattern]] = []
        self._seq: dict[str, int] = {}        # name -> sequence number (first-add order)
        self._names: dict[int, str] = {}      # sequence number -> name (only added to)
        self._next = 0
        self._main_seqs: set[int] = set()     # names in the main index
        self._pending: list[tuple[int, EventPattern]] = []   # added since it was built
        self._dead: set[int] = set()          # removed since it was built
        self._main: Index | None = None
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
            self._patterns.append((name, pattern))
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
            self._patterns = [(n, p) for n, p in self._patterns if n != name]
            if any(s == seq for s, _ in self._pending):
                self._pending = [(s, p) for s, p in self._pending if s != seq]
            if seq in self._main_seqs:
                self._dead.add(seq)
            self._snapshot = None

    @property
    def names(self) -> list[str]:
        """The names in the set, in the order they were first added."""
        return list(self._seq)

    def __len__(self) -> int:
        return len(self._patterns)

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

    def _build(self) -> _Snapshot:
        """A snapshot of the set as it is (called with the lock held)."""
        changes = len(self._pending) + len(self._dead)
        if self._main is None and not self._main_seqs or changes > _rebuild_after(
                len(self._patterns)):
            seq = self._seq
            self._main = _index_of([(seq[name], p) for name, p in self._patterns])
            self._main_seqs = set(seq.values())
            self._pending = []
            self._dead = set()
            self._names = {s: n for n, s in seq.items()}
        delta = _index_of(self._pending)
        return _Snapshot(self._main, delta, frozenset(self._dead), self._names)

    def matches(self, event: Any) -> list[str]:
        """The names whose pattern matches ``event`` (a dict, or JSON text)."""
        snap = self._snapshot or self._current()
        main = snap.main
        delta = snap.delta
        if delta is None and not snap.dead and main is not None:
            names = snap.names
            return [names[s] for s in main.find_ordered(event)]
        if delta is None:
            if main is None:
                load_event(event)   # the same errors for a bad event as a full set
                return []
            found = main.find_ordered(event)
            if not found:
                return found
            if snap.dead:
                dead = snap.dead
                found = [s for s in found if s not in dead]
        else:
            found = set(delta.find_ordered(event))
            if main is not None:
                dead = snap.dead
                found.update(s for s in main.find_ordered(event) if s not in dead)
            found = sorted(found)
        names = snap.names
        return [names[s] for s in found]

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
        main = snap.main
        if snap.delta is not None or snap.dead:
            return None
        if main is None:
            return []
        found = main.find_ordered_read(doc, False)
        if not found:
            return found
        names = snap.names
        return [names[s] for s in found]

    def __reduce__(self):
        return (_restore, (self.dialect, [(n, p.text, p.dialect) for n, p in self._patterns]))

    def __repr__(self) -> str:
        return f"PatternSet(dialect={self.dialect!r}, patterns={len(self._patterns)})"


def _restore(dialect: str, patterns: list) -> PatternSet:
    ps = PatternSet(dialect)
    for name, text, pattern_dialect in patterns:
        ps.add(name, compile_pattern(text, dialect=pattern_dialect))
    return ps


def _rebuild_after(size: int) -> int:
    """How many changes the second index and the removed names take before the main index
    is rebuilt: about twice the square root of the set's size (at least 32)."""
    return max(32, 2 * math.isqrt(size))
