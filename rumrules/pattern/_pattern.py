"""EventPattern, compile_pattern and the bounded cache of compiled patterns."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from ..errors import PatternError, RumRulesError
from ._ast import ObjectNode
from ._compile import DIALECTS, Condition, compile_text
from ._events import load_event
from ._explain import Explanation, explain_alternatives
from ._index import Index, keeps_empty
from ._parse import MAX_PATTERN_LENGTH

__all__ = ["EventPattern", "compile_pattern", "compile_uncached", "purge", "MAX_CACHE"]

MAX_CACHE = 1024
# least recently used first; keys are (text as str or bytes, dialect)
_cache: OrderedDict[tuple[Any, str], "EventPattern"] = OrderedDict()
_cache_lock = threading.Lock()


class EventPattern:
    """A compiled EventPattern: compile once with :func:`compile_pattern`, then match.

    ``text`` and ``dialect`` are what it was compiled from; ``ast`` is the syntax tree with
    positions; ``conditions`` the fields it tests (duplicates merged, text order, all
    ``$or`` branches); ``alternatives`` one tuple of conditions per ``$or`` expansion.
    Instances are immutable, hashable and picklable.  Threads: any number may call
    ``matches`` and ``explain`` on one pattern at once; each call reads the event into its
    own values and walks the pattern's index, which nothing changes after compilation.
    """

    __slots__ = ("text", "dialect", "ast", "alternatives", "conditions", "_index",
                 "uses_eventbridge_operators", "__weakref__")

    def __init__(self, text: str, dialect: str, ast: ObjectNode,
                 alternatives: tuple[tuple[Condition, ...], ...]) -> None:
        self.text = text
        self.dialect = dialect
        self.ast = ast
        self.alternatives = alternatives
        seen: dict[tuple, Condition] = {}
        for alt in alternatives:
            for c in alt:
                seen.setdefault((c.path, c.line, c.column), c)
        self.conditions: tuple[Condition, ...] = tuple(
            sorted(seen.values(), key=lambda c: (c.line, c.column)))
        self.uses_eventbridge_operators = len(alternatives) > 1 or any(
            not m.in_rum for c in self.conditions for m in c.matchers)
        # the one evaluator: an index of this pattern's alternatives, named by their number
        rank = {c.path: i for i, c in enumerate(self.conditions)}
        self._index = Index([(i, alt, keeps_empty(alt)) for i, alt in enumerate(alternatives)],
                            rank)

    @property
    def fields(self) -> tuple[str, ...]:
        """The dotted paths the pattern tests, sorted."""
        return tuple(sorted({c.path for c in self.conditions}))

    def matches(self, event: Any) -> bool:
        """Does ``event`` (a dict, or JSON text as str or bytes) match?

        Raise :class:`RumRulesError` when the event is not a JSON object.
        """
        return bool(self._index.find(event, first=True))

    def explain(self, event: Any) -> Explanation:
        """Why ``event`` matches or not, condition by condition (``str()`` reads well,
        ``to_dict()`` is data)."""
        doc = load_event(event)
        found = self._index.find_values(*self._index.values(doc))
        verdicts = [i in found for i in range(len(self.alternatives))]
        return explain_alternatives(doc, self.alternatives, verdicts)

    def __reduce__(self):
        return (compile_pattern, (self.text, self.dialect))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, EventPattern) and other.text == self.text
                and other.dialect == self.dialect)

    def __hash__(self) -> int:
        return hash((self.text, self.dialect))

    def __repr__(self) -> str:
        short = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        return f"EventPattern({short!r}, dialect={self.dialect!r})"


def _as_text(text: Any) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray)):
        try:
            return bytes(text).decode("utf-8")
        except UnicodeDecodeError as e:
            raise PatternError(f"the pattern is not UTF-8 text: {e.reason}", line=1,
                               column=1) from None
    raise PatternError(f"an EventPattern is JSON text, not {type(text).__name__}",
                       hint="pass the pattern as a str (json.dumps a dict first)")


def compile_pattern(text: str | bytes, dialect: str = "rum") -> EventPattern:
    """Compile EventPattern ``text`` into an :class:`EventPattern`.

    ``dialect`` is ``"rum"`` (what RUM documents: exact values and ``numeric``) or
    ``"eventbridge"`` (the whole EventBridge language).  Raise :class:`PatternError` with
    AWS's reason, a line and a column when the pattern is not valid.  Compiled patterns are
    cached by (text, dialect), like ``re.compile``: compiling the same text again returns
    the same object; the cache keeps the :data:`MAX_CACHE` most recently used patterns.
    """
    if dialect not in DIALECTS:
        raise RumRulesError(f"unknown dialect {dialect!r}: use 'rum' or 'eventbridge'")
    kind = type(text)
    # the key is immutable: a bytearray is copied; other types (str and bytes subclasses,
    # which may hash as they like) are compiled without the cache
    key = (bytes(text) if kind is bytearray else text, dialect)
    cacheable = kind is str or kind is bytes or kind is bytearray
    hit = _cache.get(key) if cacheable else None
    if hit is not None:
        with _cache_lock:
            try:
                _cache.move_to_end(key)
            except KeyError:  # purged or evicted meanwhile
                pass
        return hit
    pattern = _compile(text, dialect)
    if cacheable:
        with _cache_lock:
            _cache[key] = pattern
            _cache.move_to_end(key)
            while len(_cache) > MAX_CACHE:
                _cache.popitem(last=False)  # the least recently used
    return pattern


def _compile(text: Any, dialect: str) -> EventPattern:
    source = _as_text(text)
    if len(source) > MAX_PATTERN_LENGTH:
        raise PatternError(
            f"EventPattern is {len(source)} characters long; the limit is {MAX_PATTERN_LENGTH}",
            line=1, column=MAX_PATTERN_LENGTH + 1,
            hint="split the definition or drop conditions")
    ast, alternatives = compile_text(source, dialect)
    return EventPattern(source, dialect, ast, alternatives)


def compile_uncached(text: str | bytes, dialect: str = "rum") -> EventPattern:
    """:func:`compile_pattern` without the cache: a new :class:`EventPattern` that the cache
    neither returns nor keeps (the cache is left as it was).  For a caller that compiles
    each of many patterns once and lets it go (``rumrules check`` over a long file), so
    that the :data:`MAX_CACHE` most recent of them are not kept besides."""
    if dialect not in DIALECTS:
        raise RumRulesError(f"unknown dialect {dialect!r}: use 'rum' or 'eventbridge'")
    return _compile(text, dialect)


def purge() -> None:
    """Empty the cache of compiled patterns."""
    with _cache_lock:
        _cache.clear()
