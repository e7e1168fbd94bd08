"""The matcher types: one class per operator of the EventPattern language, owning all of it.

Each matcher is a small frozen object with a ``kind`` (a :class:`MatcherKind`, the
operator's name), the position of its text, and everything the rest of rumrules needs to
know about its operator (adding an operator means adding a class here, and its tests):

* ``test(value)`` for a *present* leaf value (a string, a comparable number as ``float``,
  a :class:`NumberText`, ``True``/``False`` or ``None``) and ``accepts_absence`` (only
  ``exists: false`` accepts a missing field);
* ``edge_key()`` (matchers that test the same thing share one edge of the index) and
  ``file(group, node)``: how the index files it, through the ``add_*`` methods of the
  index's ``Group``;
* ``describe()``, ``refusal(value)`` and ``why_not(value)``: the words of
  :meth:`EventPattern.explain`;
* ``in_rum``: whether the ``rum`` dialect has the operator;
* ``hits()``/``misses()`` and ``hit_strategy(st)``/``miss_strategy(st)``: the values that
  satisfy it and that just miss it, which :mod:`rumrules.strategies` draws from.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from decimal import Decimal
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from ._ip import parse_exact_ip
from ._numbers import _MIN_NORMAL, NumberText, event_number, format_number

__all__ = ["MatcherKind", "Matcher", "MATCHER_TYPES", "ABSENT", "Exact", "Numeric", "Prefix",
           "Suffix", "EqualsIgnoreCase", "AnythingBut", "Exists", "Cidr", "Wildcard",
           "Exactly", "Leaf", "RUM_KINDS", "case_regex", "Glob", "event_ip", "number_text",
           "text_in_block", "show_value", "is_number", "REFUSALS"]


class MatcherKind(StrEnum):
    """The operators of the EventPattern language, one matcher class each (a ``str``: a
    kind compares equal to the operator's name)."""

    EXACT = "exact"
    NUMERIC = "numeric"
    PREFIX = "prefix"
    SUFFIX = "suffix"
    EQUALS_IGNORE_CASE = "equals-ignore-case"
    EXACTLY = "exactly"
    WILDCARD = "wildcard"
    CIDR = "cidr"
    ANYTHING_BUT = "anything-but"
    EXISTS = "exists"


#: What :meth:`Matcher.refusal` answers: why a matcher refuses a present value (the keys
#: of ``FAILURE_KINDS`` in :mod:`rumrules.pattern._explain` that are about one value).
REFUSALS = ("wrong_type", "not_comparable", "not_in_list", "out_of_range", "excluded",
            "present")


class Matcher:
    """The base of every matcher type.

    A subclass sets ``kind`` and ``in_rum`` and defines ``test`` and ``describe``; the other
    methods have defaults that suit a string operator tested one by one.
    """

    __slots__ = ()
    kind: ClassVar[MatcherKind]
    #: Does the ``rum`` dialect have this operator (exact values and ``numeric`` only)?
    in_rum: ClassVar[bool] = False
    #: Does the matcher accept a field that the event leaves out (``exists: false``)?
    accepts_absence: ClassVar[bool] = False

    def test(self, v: Any) -> bool:  # pragma: no cover - every type defines it
        """Does the present leaf value ``v`` satisfy the matcher?"""
        raise NotImplementedError

    def accepts(self, v: Any) -> bool:
        """:meth:`test`, with :data:`ABSENT` standing for the field left out."""
        if v is ABSENT:
            return self.accepts_absence
        return bool(self.test(v))

    def describe(self) -> str:  # pragma: no cover - every type defines it
        """The matcher in words (``prefix "ab"``, ``>= 1 and < 5``)."""
        raise NotImplementedError

    # ---- the index
    def edge_key(self) -> tuple:
        """A key equal for matchers that test the same thing (they share one edge)."""
        return (self.kind, id(self))

    def file(self, group: Any, node: Any) -> None:
        """File the edge to ``node`` in the index ``group`` (a ``Group`` of
        :mod:`rumrules.pattern._index`), through its ``add_*`` methods.  The default: tested
        one by one, with the group's other edges of that kind."""
        group.add_other(self, node)

    # ---- explain
    def refusal(self, v: Any) -> str:
        """Why the matcher refuses the present leaf value ``v``: one of :data:`REFUSALS`.
        The default suits the string operators (strings only)."""
        return "not_in_list" if type(v) is str else "wrong_type"

    def why_not(self, v: Any) -> str | None:
        """The sentence that explains this matcher's refusal of ``v`` on its own, when there
        is one more telling than ``... is not <describe()>`` (a value of the wrong type)."""
        return None

    # ---- test data
    def hits(self) -> list:
        """Event values this matcher should accept, from its own fields (for test data;
        the caller checks them with :meth:`test`); :data:`ABSENT` is the field left out."""
        return []

    def misses(self) -> list:
        """Event values just outside what this matcher accepts (near misses, unchecked)."""
        return []

    def hit_strategy(self, st: Any) -> Any:
        """A Hypothesis strategy of further values the matcher may accept (the caller checks
        them), or ``None``; ``st`` is ``hypothesis.strategies`` (rumrules needs Hypothesis
        only for its strategies)."""
        return None

    def miss_strategy(self, st: Any) -> Any:
        """A Hypothesis strategy of values near what the matcher accepts (unchecked: most
        miss), or ``None`` when the matcher has no near misses."""
        misses = self.misses()
        return st.sampled_from(misses) if misses else None


class _Absent:
    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"


#: In :meth:`Matcher.hits` and :meth:`Matcher.misses`: the field left out of the event.
ABSENT: Any = _Absent()


def _near_numbers(x: float) -> list:
    out = [x, math.nextafter(x, math.inf), math.nextafter(x, -math.inf)]
    if x.is_integer() and abs(x) < 2 ** 53:
        out.append(int(x))
    return out


def _address(bits: int, value: int, upper: bool = False) -> str:
    if bits == 32:
        return str(ipaddress.IPv4Address(value))
    text = ipaddress.IPv6Address(value).exploded
    return text.upper() if upper else text


def java_text(text: str) -> str:
    """``text`` as the reference's string operators (prefix, suffix, wildcard,
    equals-ignore-case and their anything-but forms) see it, in pattern and event alike:
    Java encodes a lone surrogate as ``?`` in UTF-8 (a surrogate pair is one character
    here).  Exact values are not converted (the reference compares them as JSON text)."""
    if text.isascii():
        return text
    return text.encode("utf-8", "replace").decode("utf-8")


def _string_misses(kind: str, v: str) -> list:
    return [v[:-1], v[1:], "#" + v if kind != "prefix" else v[:-1] + "#",
            v + "#" if kind != "suffix" else "#" + v[1:], v.swapcase()]


@dataclass(frozen=True, slots=True)
class Exact(Matcher):
    """An exact value: a string, a number (``value`` a float, ``text`` its spelling; a
    number that is not comparable has ``value`` None and matches only its own spelling),
    ``true``, ``false`` or ``null``.  ``ip`` is set when the string is an IP address."""

    value: Any
    text: str
    type: str  # "string" | "number" | "boolean" | "null"
    line: int = 0
    column: int = 0
    ip: str | None = None
    kind = MatcherKind.EXACT
    in_rum = True

    def test(self, v: Any) -> bool:
        t = self.type
        if t == "string":
            if type(v) is not str:
                return False
            if v == self.value:
                return True
            return self.ip is not None and event_ip(v) == self.ip
        if t == "number":
            if self.value is None:  # not comparable: only the same spelling matches
                tv = type(v)
                if tv is Decimal:
                    return v == Decimal(self.text)
                return (tv is NumberText and v.text == self.text) or (
                    tv is int and int.__repr__(v) == self.text) or (
                    tv is float and float.__repr__(v) == self.text)
            n = event_number(v)
            return n is not None and n == self.value
        if t == "boolean":
            return type(v) is bool and v is self.value
        return v is None

    def describe(self) -> str:
        return self.text if self.type != "string" else _json(self.value)

    def edge_key(self) -> tuple:
        return (self.kind, self.type, self.value if self.value is not None else self.text,
                self.ip)

    def file(self, group: Any, node: Any) -> None:
        t = self.type
        if t == "string":
            if self.ip is not None:
                group.add_ip(self.ip, node)
            else:
                group.add_string(self.value, node)
        elif t == "number":
            if self.value is not None:
                group.add_number(self.value, node)
            else:
                group.add_number_text(self.text, node)
        elif t == "boolean":
            group.add_boolean(self.value, node)
        else:
            group.add_null(node)

    def refusal(self, v: Any) -> str:
        t = type(v)
        if self.type == "string":
            return "not_in_list" if t is str else "wrong_type"
        if self.type == "number":
            if event_number(v) is not None or t is NumberText or (
                    t is int and self.value is None):
                return "not_in_list"
            return "not_comparable" if is_number(v) else "wrong_type"
        if self.type == "boolean":
            return "not_in_list" if t is bool else "wrong_type"
        return "wrong_type"  # null

    def why_not(self, v: Any) -> str | None:
        t = type(v)
        if self.type == "number":
            if t is str:
                return (f"{show_value(v)} is a string; the pattern wants a number (strings "
                        "never equal numbers)")
            if t is bool:
                return f"{show_value(v)} is a boolean; booleans never equal numbers"
        elif self.type == "string" and event_number(v) is not None:
            return (f"{show_value(v)} is a number; the pattern wants a string (numbers never "
                    "equal strings)")
        return None

    def hits(self) -> list:
        if self.type == "number":
            if self.value is None:  # not a double: only its own spelling matches
                return ([int(self.text)] if re.fullmatch(r"-?[0-9]+", self.text)
                        else [Decimal(self.text)])
            out = [self.value]
            if self.value.is_integer() and abs(self.value) < 2 ** 53:
                out.append(int(self.value))
            if self.value == 0:
                out.append(-0.0)
            return out
        return [self.value]

    def misses(self) -> list:
        if self.type == "number":
            out: list = [self.text, True]
            if self.value is not None:
                out += [math.nextafter(self.value, math.inf),
                        math.nextafter(self.value, -math.inf)]
                if abs(self.value) < 1e15:
                    out.append(self.value + 1)
            else:
                out.append(self.text + "1" if "e" not in self.text.lower() else "0")
            return out
        if self.type == "string":
            v = self.value
            return [v + "x", v.swapcase(), v[:-1], v[1:], " " + v]
        if self.type == "boolean":
            return [not self.value, str(self.value).lower(), int(self.value)]
        return ["null", 0, False, ABSENT]


@dataclass(frozen=True, slots=True)
class Numeric(Matcher):
    """``{"numeric": [...]}``: a range of doubles; ``=`` is a range of one point."""

    lower: float | None
    lower_inclusive: bool
    upper: float | None
    upper_inclusive: bool
    line: int = 0
    column: int = 0
    operands: tuple = ()
    kind = MatcherKind.NUMERIC
    in_rum = True

    def test(self, v: Any) -> bool:
        n = event_number(v)
        if n is None:
            return False
        lo, hi = self.lower, self.upper
        if lo is not None and (n < lo or (n == lo and not self.lower_inclusive)):
            return False
        if hi is not None and (n > hi or (n == hi and not self.upper_inclusive)):
            return False
        return True

    def covers(self, x: float) -> bool:
        """Does the range hold the double ``x``?"""
        if self.lower is not None and (x < self.lower or (
                x == self.lower and not self.lower_inclusive)):
            return False
        if self.upper is not None and (x > self.upper or (
                x == self.upper and not self.upper_inclusive)):
            return False
        return True

    def covers_open(self, lo: float | None, hi: float | None) -> bool:
        """Does the range hold the open interval (lo, hi)?  (``None`` is infinite; the index
        asks only about intervals between the boundaries of its ranges, so a range holds
        all of such an interval or none of it.)"""
        if self.lower is not None and (lo is None or self.lower > lo):
            return False
        if self.upper is not None and (hi is None or self.upper < hi):
            return False
        return True

    def edge_key(self) -> tuple:
        return (self.kind, self.lower, self.lower_inclusive, self.upper, self.upper_inclusive)

    def file(self, group: Any, node: Any) -> None:
        group.add_range(self, node)

    def refusal(self, v: Any) -> str:
        if event_number(v) is not None:
            return "out_of_range"
        return "not_comparable" if is_number(v) else "wrong_type"

    def why_not(self, v: Any) -> str | None:
        t = type(v)
        if t is str:
            return f"{show_value(v)} is a string; numeric matchers only accept JSON numbers"
        if t is bool:
            return f"{show_value(v)} is a boolean; numeric matchers only accept JSON numbers"
        if v is None:
            return "null is not a number; numeric matchers only accept JSON numbers"
        if self.refusal(v) == "not_comparable":
            if t is NumberText:
                return (f"{v.text} is not exactly representable as a double, "
                        "so it never satisfies a numeric matcher")
            return f"{show_value(v)}: it never satisfies a numeric matcher"
        return None

    def describe(self) -> str:
        if self.lower is not None and self.lower == self.upper:
            return f"= {format_number(self.lower)}"
        parts = []
        if self.lower is not None:
            parts.append(f"{'>=' if self.lower_inclusive else '>'} {format_number(self.lower)}")
        if self.upper is not None:
            parts.append(f"{'<=' if self.upper_inclusive else '<'} {format_number(self.upper)}")
        return " and ".join(parts)

    def hits(self) -> list:
        lo, hi = self.lower, self.upper
        out: list = []
        if lo is not None:
            out += _near_numbers(lo) + [lo + 1000.0, lo * 2, lo / 2]
        if hi is not None:
            out += _near_numbers(hi) + [hi - 1000.0, hi * 2, hi / 2]
        if lo is not None and hi is not None:
            mid = lo / 2 + hi / 2
            out += [mid, float(round(mid))]
        return out + [0, 0.0, 1]

    def hit_strategy(self, st: Any) -> Any:
        lo, hi = self.lower, self.upper
        if lo is not None and not self.lower_inclusive:
            lo = math.nextafter(lo, math.inf)
        if hi is not None and not self.upper_inclusive:
            hi = math.nextafter(hi, -math.inf)
        for b in (lo, hi):
            if b is not None and (not math.isfinite(b) or 0 < abs(b) < _MIN_NORMAL):
                return None
        if lo is not None and hi is not None and not lo <= hi:
            return None
        return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False,
                         allow_subnormal=False)

    def misses(self) -> list:
        out: list = []
        for bound, inclusive, away in ((self.lower, self.lower_inclusive, -math.inf),
                                       (self.upper, self.upper_inclusive, math.inf)):
            if bound is None:
                continue
            edge = math.nextafter(bound, away) if inclusive else bound
            out += [edge, repr(bound), str(int(bound)) if bound.is_integer() else repr(bound)]
            if abs(bound) < 1e15:
                out.append(bound - 1 if away < 0 else bound + 1)
        return out


def event_ip(v: Any) -> str | None:
    """The hex address of an event string that is an address (dotted IPv4 or IPv6 text; a
    string of digits alone is not one), else ``None``.  Event numbers are not addresses:
    :meth:`Cidr.test` compares their text with the block's bounds as the reference does."""
    if type(v) is str:
        return parse_exact_ip(v)
    return None


def number_text(v: Any) -> str | None:
    """The JSON text of an event number (``None`` for other values)."""
    t = type(v)
    if t is NumberText:
        return v.text
    if t is int:
        return int.__repr__(v)
    if t is float:
        return float.__repr__(v)
    if t is Decimal:
        return str(v)
    return None


def text_in_block(text: str, low: str, high: str) -> bool:
    """The reference's test of a number's JSON text against a block's hex bounds: a byte
    walk along both bounds that accepts as soon as a character falls strictly between them
    (so ``1.5`` is inside ``0.0.0.0/0``), and otherwise needs the whole bound."""
    on_low = on_high = True
    n = len(low)
    for i, c in enumerate(text):
        if i >= n:
            return False
        if on_low:
            if c < low[i]:
                return False
            if c > low[i]:
                on_low = False
        if on_high:
            if c > high[i]:
                return False
            if c < high[i]:
                on_high = False
        if not on_low and not on_high:
            return True
    return len(text) == n


def case_regex(text: str) -> str:
    """A regex for equals-ignore-case as the reference builds it: each UTF-16 unit of
    ``text`` is replaced by its lower or its upper case form (Java's full mapping: ``ß`` is
    ``ß`` or ``SS``; a titlecase ``ǅ`` is ``ǆ`` or ``Ǆ``, not itself), and each half of a
    surrogate pair becomes ``?`` (a lone surrogate encodes to ``?`` in UTF-8 in Java)."""
    out = []
    for ch in text:
        if ord(ch) > 0xFFFF:
            out.append(r"\?\?")
            continue
        if 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(r"\?")
            continue
        alts = sorted({ch.lower(), ch.upper()}, key=len, reverse=True)
        out.append("(?:" + "|".join(re.escape(a) for a in alts) + ")" if len(alts) > 1
                   else re.escape(alts[0]))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Prefix(Matcher):
    """``{"prefix": "ab"}`` (strings only; ``ignore_case`` for the equals-ignore-case form)."""

    value: str
    ignore_case: bool = False
    line: int = 0
    column: int = 0
    regex: Any = field(default=None, compare=False)
    kind = MatcherKind.PREFIX

    def test(self, v: Any) -> bool:
        if type(v) is not str:
            return False
        v = java_text(v)
        if self.ignore_case:
            return self.regex.match(v) is not None
        return v.startswith(self.value)

    def describe(self) -> str:
        return f"prefix {_json(self.value)}" + (" (ignoring case)" if self.ignore_case else "")

    def edge_key(self) -> tuple:
        return (self.kind, self.value, self.ignore_case)

    def file(self, group: Any, node: Any) -> None:
        if not self.ignore_case:
            group.add_prefix(self.value, None, node)   # a sure hit: nothing to confirm
        elif not group.add_folded_prefix(self, node):
            group.add_other(self, node)

    def hit_strategy(self, st: Any) -> Any:
        return st.text("abXY./-", max_size=3).map(lambda t: self.value + t)

    def hits(self) -> list:
        v = self.value
        out = [v + t for t in ("", "abc", "/x")]
        if self.ignore_case:
            out += [v.upper(), v.lower(), v.swapcase()]
        return out

    def misses(self) -> list:
        return _string_misses("prefix", self.value)


@dataclass(frozen=True, slots=True)
class Suffix(Matcher):
    """``{"suffix": ".png"}`` (strings only; ``ignore_case`` for the equals-ignore-case form)."""

    value: str
    ignore_case: bool = False
    line: int = 0
    column: int = 0
    regex: Any = field(default=None, compare=False)
    kind = MatcherKind.SUFFIX

    def test(self, v: Any) -> bool:
        if type(v) is not str:
            return False
        v = java_text(v)
        if self.ignore_case:
            return self.regex.search(v) is not None
        return v.endswith(self.value)

    def describe(self) -> str:
        return f"suffix {_json(self.value)}" + (" (ignoring case)" if self.ignore_case else "")

    def edge_key(self) -> tuple:
        return (self.kind, self.value, self.ignore_case)

    def file(self, group: Any, node: Any) -> None:
        if not self.ignore_case:
            group.add_suffix(self.value, None, node)   # a sure hit: nothing to confirm
        elif not group.add_folded_suffix(self, node):
            group.add_other(self, node)

    def hit_strategy(self, st: Any) -> Any:
        return st.text("abXY./-", max_size=3).map(lambda t: t + self.value)

    def hits(self) -> list:
        v = self.value
        out = [t + v for t in ("", "abc", "/x")]
        if self.ignore_case:
            out += [v.upper(), v.lower(), v.swapcase()]
        return out

    def misses(self) -> list:
        return _string_misses("suffix", self.value)


@dataclass(frozen=True, slots=True)
class EqualsIgnoreCase(Matcher):
    """``{"equals-ignore-case": "abc"}`` (strings only)."""

    value: str
    line: int = 0
    column: int = 0
    regex: Any = field(default=None, compare=False)
    kind = MatcherKind.EQUALS_IGNORE_CASE

    def test(self, v: Any) -> bool:
        return type(v) is str and self.regex.fullmatch(java_text(v)) is not None

    def describe(self) -> str:
        return f"equal to {_json(self.value)} ignoring case"

    def edge_key(self) -> tuple:
        return (self.kind, self.value)

    def file(self, group: Any, node: Any) -> None:
        if not group.add_folded(self, node):
            group.add_other(self, node)

    def hit_strategy(self, st: Any) -> Any:
        n = len(self.value)
        if n > 32:
            return None
        return st.lists(st.booleans(), min_size=n, max_size=n).map(
            lambda flips: "".join(c.swapcase() if f else c for c, f in zip(self.value, flips)))

    def hits(self) -> list:
        v = self.value
        return [v, v.upper(), v.lower(), v.swapcase()]

    def misses(self) -> list:
        return _string_misses("equals-ignore-case", self.value)


@dataclass(frozen=True, slots=True)
class Exactly(Matcher):
    """``{"exactly": "x"}``: the string itself (no IP-address reading)."""

    value: str
    line: int = 0
    column: int = 0
    kind = MatcherKind.EXACTLY

    def test(self, v: Any) -> bool:
        return type(v) is str and v == self.value

    def describe(self) -> str:
        return f"exactly {_json(self.value)}"

    def edge_key(self) -> tuple:
        return (self.kind, self.value)

    def file(self, group: Any, node: Any) -> None:
        group.add_string(self.value, node)   # with the exact strings (no address reading)

    def hits(self) -> list:
        return [self.value]

    def misses(self) -> list:
        return _string_misses("exactly", self.value)


class Glob:
    """A wildcard value, matched in linear time: ``pieces`` are the literal texts between
    the unescaped ``*`` (escapes already resolved), so ``a*b*c`` is ``("a", "b", "c")`` and
    a value without ``*`` is one piece.

    :meth:`fullmatch` is the classic greedy glob algorithm, which is exact when ``*`` is the
    only metacharacter: the first piece must be a prefix, the last a suffix (not
    overlapping the prefix), and each middle piece is found left to right with
    ``str.find``, taking the earliest place (a later place could only leave less room for
    the pieces after it).  No backtracking: the cost is linear in the length of the value.
    It stands in for the regular expression this matcher once held, so it answers like
    ``re.Pattern.fullmatch`` (something true, or ``None``); ``pattern`` is the equivalent
    regular expression's source, for reading only.
    """

    __slots__ = ("pieces", "pattern")

    def __init__(self, pieces: tuple[str, ...]) -> None:
        self.pieces = pieces
        self.pattern = "(?s:" + ".*".join(re.escape(p) for p in pieces) + ")"

    def fullmatch(self, v: str) -> bool | None:
        pieces = self.pieces
        if len(pieces) == 1:
            return True if v == pieces[0] else None
        first = pieces[0]
        last = pieces[-1]
        end = len(v) - len(last)
        if end < len(first) or not v.startswith(first) or not v.endswith(last):
            return None
        pos = len(first)
        for piece in pieces[1:-1]:
            i = v.find(piece, pos, end)
            if i < 0:
                return None
            pos = i + len(piece)
        return True

    def __repr__(self) -> str:
        return f"Glob({self.pieces!r})"


@dataclass(frozen=True, slots=True)
class Wildcard(Matcher):
    """``{"wildcard": "a*c"}``: ``*`` is any run of characters, ``\\*`` and ``\\\\`` escape.

    ``regex`` is a :class:`Glob` (linear time, ``fullmatch`` like a compiled regex)."""

    value: str
    line: int = 0
    column: int = 0
    regex: Any = field(default=None, compare=False)
    kind = MatcherKind.WILDCARD

    def test(self, v: Any) -> bool:
        return type(v) is str and self.regex.fullmatch(java_text(v)) is not None

    def describe(self) -> str:
        return f"wildcard {_json(self.value)}"

    def edge_key(self) -> tuple:
        return (self.kind, self.value)

    def file(self, group: Any, node: Any) -> None:
        """Filed by its longer literal end, each candidate confirmed by :meth:`test`; a
        value without ``*`` with the exact strings; ``*`` at both ends one by one."""
        pieces = self.regex.pieces   # the literal texts between the stars, escapes resolved
        head, tail = pieces[0], pieces[-1]
        if len(pieces) == 1:
            group.add_string(head, node)
        elif len(tail) > len(head):
            group.add_suffix(tail, self, node)
        elif head:
            group.add_prefix(head, self, node)
        else:
            group.add_other(self, node)

    def hit_strategy(self, st: Any) -> Any:
        pieces = self.regex.pieces   # the compiled glob's literal pieces
        gaps = st.lists(st.text("ab*.", max_size=2), min_size=len(pieces) - 1,
                        max_size=len(pieces) - 1)
        return gaps.map(lambda g: "".join(p + f for p, f in zip(pieces, g + [""])))

    def hits(self) -> list:
        pieces = self.regex.pieces   # the compiled glob's literal pieces
        return ["".join(pieces), "x".join(pieces), "*-".join(pieces)]

    def misses(self) -> list:
        joined = "".join(self.regex.pieces)
        return [joined + "#", "#" + joined, joined[:-1], 5]


@dataclass(frozen=True, slots=True)
class Cidr(Matcher):
    """``{"cidr": "10.0.0.0/24"}``: strings that are addresses inside the block."""

    value: str
    low: str
    high: str
    line: int = 0
    column: int = 0
    kind = MatcherKind.CIDR

    def test(self, v: Any) -> bool:
        if type(v) is str:
            ip = parse_exact_ip(v)
            return ip is not None and self.low <= ip <= self.high
        text = number_text(v)
        return text is not None and type(v) is not bool and text_in_block(text, self.low,
                                                                          self.high)

    def describe(self) -> str:
        return f"an address in {self.value}"

    def holds(self, ip: str) -> bool:
        """Is the address ``ip`` (upper-case hex, as :func:`event_ip` gives it) inside the
        block?  (Hex strings compare in lexicographic order, as the reference compares
        them.)"""
        return self.low <= ip <= self.high

    def mask_bits(self) -> int:
        """The block's mask length in bits."""
        bits = 4 * len(self.low)
        return bits - (int(self.low, 16) ^ int(self.high, 16)).bit_length()

    def edge_key(self) -> tuple:
        return (self.kind, self.low, self.high)

    def file(self, group: Any, node: Any) -> None:
        group.add_cidr(self, node)

    def refusal(self, v: Any) -> str:
        return "out_of_range" if event_ip(v) is not None or (
            type(v) is not bool and number_text(v) is not None) else "wrong_type"

    def hit_strategy(self, st: Any) -> Any:
        bits, low, high = self.span()
        return st.integers(low, high).map(lambda v: self.address(bits, v))

    def span(self) -> tuple[int, int, int]:
        """``(bits, low, high)``: the block's address length and bounds as integers."""
        return len(self.low) * 4, int(self.low, 16), int(self.high, 16)

    @staticmethod
    def address(bits: int, value: int) -> str:
        """The text of the address ``value`` of ``bits`` bits (IPv4 dotted, IPv6 exploded)."""
        return _address(bits, value)

    def hits(self) -> list:
        bits, low, high = self.span()
        values = [low, high, low + (high - low) // 2]
        out = [_address(bits, v) for v in values] + [_address(bits, high, upper=True)]
        if bits == 32:
            a = ipaddress.IPv4Address(values[2]).packed
            out.append(".".join(f"{b:03d}" for b in a))  # 010.000.000.001
        return out

    def misses(self) -> list:
        bits, low, high = self.span()
        out: list = ["zz-not-an-address", str(low)]   # a string of digits is not an address
        if low > 0:
            out.append(_address(bits, low - 1))
        if high < (1 << bits) - 1:
            out.append(_address(bits, high + 1))
        return out


@dataclass(frozen=True, slots=True)
class AnythingBut(Matcher):
    """``{"anything-but": ...}``: any present value except the listed ones.

    ``mode`` is ``values`` (``strings`` or ``numbers``), ``prefix``, ``suffix``,
    ``equals-ignore-case`` or ``wildcard``.  Values of the other type always pass.
    ``regexes`` hold one matcher per string: compiled regular expressions for
    ``equals-ignore-case``, :class:`Glob` objects for ``wildcard``.
    """

    mode: str
    strings: frozenset = frozenset()
    numbers: frozenset = frozenset()
    line: int = 0
    column: int = 0
    regexes: tuple = field(default=(), compare=False)
    kind = MatcherKind.ANYTHING_BUT

    def test(self, v: Any) -> bool:
        mode = self.mode
        if mode == "values":
            if type(v) is str:
                return v not in self.strings
            n = event_number(v)
            if n is not None:
                return n not in self.numbers
            return True
        if type(v) is not str:
            return True
        v = java_text(v)
        if mode == "prefix":
            return not any(v.startswith(s) for s in self.strings)
        if mode == "suffix":
            return not any(v.endswith(s) for s in self.strings)
        # equals-ignore-case and wildcard
        return not any(r.fullmatch(v) for r in self.regexes)

    def describe(self) -> str:
        items = sorted(_json(s) for s in self.strings) + sorted(
            format_number(n) for n in self.numbers)
        what = {"values": "", "prefix": "prefix ", "suffix": "suffix ",
                "equals-ignore-case": "ignoring case ", "wildcard": "wildcard "}[self.mode]
        return f"anything but {what}{', '.join(items)}"

    def edge_key(self) -> tuple:
        return (self.kind, self.mode, self.strings, self.numbers)

    # file: one by one (it accepts nearly every value, so there is little to skip)

    def refusal(self, v: Any) -> str:
        return "excluded"

    def hit_strategy(self, st: Any) -> Any:
        return st.one_of(st.text("abcC/", max_size=4), st.integers(-3, 3))

    def hits(self) -> list:
        out = ["zz-other", "", "Chrome", 0, 12345, -1.5, True, None]
        for s in self.strings:
            out += [s + "x", "x" + s, s.swapcase(), s[1:], s[:-1]]
        for n in self.numbers:
            out += [math.nextafter(n, math.inf), math.nextafter(n, -math.inf)]
            if abs(n) < 1e15:
                out.append(n + 1)
        return out

    def misses(self) -> list:
        out = list(self.strings) + list(self.numbers)
        if self.mode == "prefix":
            out += [s + "x" for s in self.strings]
        elif self.mode == "suffix":
            out += ["x" + s for s in self.strings]
        elif self.mode == "equals-ignore-case":
            out += [s.swapcase() for s in self.strings]
        elif self.mode == "wildcard":
            out += ["x".join(g.pieces) for g in self.regexes]   # the compiled globs
        return out


@dataclass(frozen=True, slots=True)
class Exists(Matcher):
    """``{"exists": true|false}``: the field holds a value (leaf-only; ``null`` counts)."""

    value: bool
    line: int = 0
    column: int = 0
    kind = MatcherKind.EXISTS

    def test(self, v: Any) -> bool:  # a present leaf value
        return self.value

    def describe(self) -> str:
        return "present" if self.value else "absent"

    @property
    def accepts_absence(self) -> bool:  # type: ignore[override]
        return not self.value

    def edge_key(self) -> tuple:
        return (self.kind, self.value)

    def file(self, group: Any, node: Any) -> None:
        if self.value:
            group.add_other(self, node)   # every present value
        else:
            group.add_absent(node)

    def refusal(self, v: Any) -> str:
        return "not_in_list" if self.value else "present"

    def hits(self) -> list:
        return ["x", 1, True, None, 0.5] if self.value else [ABSENT]

    def misses(self) -> list:
        return [ABSENT] if self.value else ["x", None, 0]


def _json(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def is_number(v: Any) -> bool:
    """Is ``v`` a JSON number (comparable or not)?"""
    t = type(v)
    return t is int or t is float or t is Decimal or t is NumberText


def show_value(v: Any) -> str:
    """An event value as explanations show it (JSON text; words for what is not JSON)."""
    if isinstance(v, NumberText):
        return v.text
    if isinstance(v, bool) or v is None:
        return json.dumps(v)
    if isinstance(v, float) and v != v:
        return "NaN (not a JSON number)"
    if isinstance(v, float) and v in (float("inf"), float("-inf")):
        # a dict value: the text it came from is gone (JSON text gives a NumberText)
        return ("a number too large for a double" if v > 0
                else "a negative number too large for a double")
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, (int, float)):
        return format_number(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    return repr(v)


class Leaf:
    """All matchers of one field (OR), with fast paths for exact strings and numbers.

    Not used by matching (the index is the one walk): kept as the plain reading of a value
    list that tests compare the index with."""

    __slots__ = ("matchers", "strings", "numbers", "others", "absent_ok", "has_exists")

    def __init__(self, matchers: tuple) -> None:
        self.matchers = matchers
        strings = set()
        numbers = set()
        others = []
        absent_ok = False
        has_exists = False
        for m in matchers:
            if isinstance(m, Exact) and m.type == "string" and m.ip is None:
                strings.add(m.value)
            elif isinstance(m, Exact) and m.type == "number" and m.value is not None:
                numbers.add(m.value)
            elif isinstance(m, Exists):
                has_exists = True
                if m.accepts_absence:
                    absent_ok = True
                else:
                    others.append(m)
            else:
                others.append(m)
        self.strings = frozenset(strings)
        self.numbers = frozenset(numbers)
        self.others = tuple(others)
        self.absent_ok = absent_ok
        self.has_exists = has_exists

    def test(self, v: Any) -> bool:
        """Does the present leaf value ``v`` satisfy any matcher?"""
        t = type(v)
        if t is str:
            if v in self.strings:
                return True
        elif (t is float or t is int or t is Decimal) and self.numbers:
            n = event_number(v)
            if n is not None and n in self.numbers:
                return True
        for m in self.others:
            if m.test(v):
                return True
        return False


#: Every matcher type by its kind.
MATCHER_TYPES: dict[MatcherKind, type] = {cls.kind: cls for cls in (
    Exact, Numeric, Prefix, Suffix, EqualsIgnoreCase, Exactly, Wildcard, Cidr, AnythingBut,
    Exists)}

#: The operators of the ``rum`` dialect.
RUM_KINDS = frozenset(kind for kind, cls in MATCHER_TYPES.items() if cls.in_rum)
