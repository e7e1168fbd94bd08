"""PatternSet: many patterns, one index, one walk per event."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any, Iterable

from ..errors import RumRulesError
from ._compile import DIALECTS
from ._index import Index, keeps_empty
from ._pattern import EventPattern, compile_pattern

__all__ = ["PatternSet"]


class _ArgumentError(RumRulesError, TypeError):
    """A pattern name that is not a string, or patterns that are not ``(name, pattern)``
    pairs: a :class:`RumRulesError`, and a ``TypeError`` too."""


class _UnknownName(RumRulesError, KeyError):
    """No pattern under this name: a :class:`RumRulesError`, and a ``KeyError`` too."""


class _Snapshot:
    """One consistent state of a set: its index and the names in order (never changed)."""

    __slots__ = ("index", "names")

    def __init__(self, index: Index, names: list[str]) -> None:
        self.index = index
        self.names = names


class PatternSet:
    """Many EventPatterns under names, matched together through one index.

    ``add(name, text_or_pattern)`` adds a pattern (text is compiled in the set's dialect; a
    compiled :class:`EventPattern` is used as it is); adding several patterns under one name
    ORs them.  ``matches(event)`` returns the names whose pattern matches, in the order they
    were first added — the same answer as calling ``EventPattern.matches`` for each (a
    promise the reference implementation does not make), at the cost of the partial matches
    rather than of the number of patterns.

    Threads: ``matches`` reads one immutable snapshot of the set (the index and the names
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
        self._order: dict[str, int] = {}
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
            self._patterns.append((name, pattern))
            self._order.setdefault(name, len(self._order))
            self._snapshot = None
        return pattern

    def remove(self, name: str) -> None:
        """Remove every pattern added under ``name``; a :class:`RumRulesError` that is also a
        ``KeyError`` when there is none."""
        with self._lock:
            if name not in self:
                raise _UnknownName(f"no pattern is named {name!r:.80}")
            self._patterns = [(n, p) for n, p in self._patterns if n != name]
            del self._order[name]
            self._order = {n: i for i, n in enumerate(self._order)}
            self._snapshot = None

    @property
    def names(self) -> list[str]:
        """The names in the set, in the order they were first added."""
        return list(self._order)

    def __len__(self) -> int:
        return len(self._patterns)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._order

    def _current(self) -> _Snapshot:
        snap = self._snapshot
        if snap is None:
            with self._lock:
                snap = self._snapshot
                if snap is None:
                    snap = self._snapshot = self._build()
        return snap

    def _build(self) -> _Snapshot:
        uses: Counter = Counter()
        for _, pattern in self._patterns:
            for alt in pattern.alternatives:
                for c in alt:
                    uses[c.path] += 1
        ranked = sorted(uses, key=lambda p: (-uses[p], p))
        rank = {p: i for i, p in enumerate(ranked)}
        order = self._order
        entries = [(order[name], alt, keeps_empty(alt))
                   for name, pattern in self._patterns for alt in pattern.alternatives]
        return _Snapshot(Index(entries, rank), list(order))

    def matches(self, event: Any) -> list[str]:
        """The names whose pattern matches ``event`` (a dict, or JSON text)."""
        snap = self._snapshot or self._current()
        found = snap.index.find_ordered(event)
        if not found:
            return found
        names = snap.names
        return [names[i] for i in found]

    def __reduce__(self):
        return (_restore, (self.dialect, [(n, p.text, p.dialect) for n, p in self._patterns]))

    def __repr__(self) -> str:
        return f"PatternSet(dialect={self.dialect!r}, patterns={len(self._patterns)})"


def _restore(dialect: str, patterns: list) -> PatternSet:
    ps = PatternSet(dialect)
    for name, text, pattern_dialect in patterns:
        ps.add(name, compile_pattern(text, dialect=pattern_dialect))
    return ps
