"""Numbers as the reference implementation compares them: IEEE doubles, full range.

A literal is *comparable* when it survives a round trip through a double: parse it, take
the double, print that double the way Java's ``Double.toString`` does (shortest digits, but
never fewer than two significant digits) and compare the two decimals exactly.  ``5``,
``5.0`` and ``5e0`` are the same number; ``2^53+1``, ``0.30000000000000001`` and ``1e309``
are not comparable: in a pattern that is an error, in an event such a number is text.
``-0`` is ``0`` (the reference goes through ``BigDecimal``, which has no negative zero).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation, localcontext

__all__ = ["comparable", "NumberText", "event_number", "parse_event_float", "format_number",
           "MAX_NUMBER_LENGTH", "number_too_long"]

#: The longest number the reference's JSON parser (Jackson) reads in an event: a longer one
#: makes the whole event unusable.
MAX_NUMBER_LENGTH = 1000

_INF = float("inf")
_MIN_NORMAL = 2.2250738585072014e-308
_EXACT_INT = 2 ** 53


def _java_decimal(f: float) -> Decimal:
    """The decimal that Java's ``Double.toString(f)`` prints (JDK 19+ algorithm)."""
    shortest = repr(f)
    digits = shortest.lstrip("-").split("e")[0].replace(".", "").strip("0")
    if len(digits) <= 1 and f != 0.0 and abs(f) < _MIN_NORMAL:
        # Java prints at least two significant digits and then picks the two-digit
        # decimal closest to the exact value (4.9E-324 for the smallest subnormal).
        exact = Decimal(f)
        with localcontext() as ctx:
            ctx.prec = 2
            return +exact
    return Decimal(shortest)


def comparable(text: str) -> float | None:
    """The double of a number literal, or ``None`` when it does not survive the round trip."""
    try:
        f = float(text)
    except (ValueError, OverflowError):
        return None
    if f != f or f == _INF or f == -_INF:
        return None
    if f == 0.0:  # -0 is 0; 1e-400 underflows and is not comparable
        return 0.0 if not any(ch in "123456789" for ch in text.split("e")[0].split("E")[0]) else None
    if repr(f) == text and abs(f) >= _MIN_NORMAL:
        return f
    try:
        if Decimal(text) == _java_decimal(f):
            return f
    except InvalidOperation:  # pragma: no cover - the grammar only passes JSON numbers
        return None
    return None


class NumberText:
    """An event number that is not comparable (``1e309``, a 25-digit id): only its exact
    text can match, and only an exact number literal with the same spelling."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NumberText) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("NumberText", self.text))

    def __repr__(self) -> str:
        return f"NumberText({self.text!r})"


def parse_event_float(text: str):
    """``json.loads`` hook for event floats: a float when comparable, else :class:`NumberText`
    (a comparable subnormal is a :class:`~decimal.Decimal` of its text)."""
    f = float(text)
    if repr(f) == text and abs(f) >= _MIN_NORMAL:
        return f
    c = comparable(text)
    if c is None:
        return NumberText(text)
    if c and -_MIN_NORMAL < c < _MIN_NORMAL:
        # a comparable subnormal keeps its spelling (4.9e-324 is comparable, the float's
        # own text 5e-324 is not: see event_number)
        return Decimal(text)
    return c


def number_too_long(text: str) -> bool:
    """Is the number literal ``text`` longer than Jackson reads (its sign not counted)?"""
    return len(text) - text.startswith("-") > MAX_NUMBER_LENGTH


def event_number(value) -> float | None:
    """The double of an event value when it is a comparable JSON number, else ``None``.

    Booleans are not numbers; integers beyond 2^53 count only when a double holds them
    exactly; NaN and infinities never compare.  ``decimal.Decimal`` values (from
    ``json.loads(..., parse_float=Decimal)``) count when they survive the round trip.
    A float answers as its ``json.dumps`` text does (a subnormal may not be comparable).
    """
    t = type(value)
    if t is Decimal:
        if not value.is_finite():
            return None
        return comparable(str(value))
    if t is float:
        if value != value or value == _INF or value == -_INF:
            return None
        if -_MIN_NORMAL < value < _MIN_NORMAL and value:
            # a subnormal: as its json.dumps text reads (-5e-324 is not -4.9E-324)
            return comparable(repr(value))
        return value + 0.0  # -0.0 -> 0.0
    if t is int:
        if -_EXACT_INT <= value <= _EXACT_INT:
            return float(value)
        try:
            f = float(value)
        except OverflowError:
            return None
        return f if f == value else None
    return None


def format_number(value) -> str:
    """A number rendered as JSON renders it (``5`` not ``5.0`` for integral values)."""
    if isinstance(value, NumberText):
        return value.text
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)
