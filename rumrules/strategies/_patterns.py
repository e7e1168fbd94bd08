"""EventPattern texts of every operator form, and the objects ``from_type`` draws."""

from __future__ import annotations

import ipaddress

from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..pattern import EventPattern, compile_pattern

from ._common import _BIG, _BROWSERS, _COUNTRIES, _PAGES, _Raw, _dump

# -------------------------------------------------------------------------------- patterns

#: fractions, negative exponents and the ends of the double range: numbers people get wrong
_ODD_NUMBERS = [0.5, -1.25, 2.5e-3, 123.456, 1e-7, -3.75e-5, 1e308, -1e308, 1.5e308, _BIG,
                -_BIG]
_numbers = st.one_of(st.integers(-10_000, 10_000), st.sampled_from(_ODD_NUMBERS))
#: exact numbers that a double does not hold: valid, matched by their spelling only
_UNCOMPARABLE = ["12345678901234567890", "9007199254740993", "-98765432109876543210"]

_numeric = st.one_of(
    st.builds(lambda n: ["=", n], _numbers),
    # ``> max double`` and ``< -max double`` hold no number: nothing could match them
    st.builds(lambda op, n: [op, n], st.sampled_from(["<", "<=", ">", ">="]), _numbers)
    .filter(lambda ops: ops not in ([">", _BIG], ["<", -_BIG])),
    st.builds(lambda lo, w, a, b: [a, lo, b, lo + w], st.integers(-10_000, 10_000),
              st.integers(1, 10_000), st.sampled_from([">", ">="]), st.sampled_from(["<", "<="])),
    st.builds(lambda ab, a, b: [a, min(ab), b, max(ab)],
              st.tuples(_numbers, _numbers).filter(lambda t: float(t[0]) != float(t[1])),
              st.sampled_from([">", ">="]), st.sampled_from(["<", "<="])),
)
_exact = st.one_of(st.sampled_from(_BROWSERS + _COUNTRIES + _PAGES), st.integers(-500, 500),
                   st.sampled_from(_ODD_NUMBERS), st.sampled_from(_UNCOMPARABLE).map(_Raw),
                   st.booleans(), st.none(), st.text(min_size=1, max_size=12))
_rum_item = st.one_of(_exact, _numeric.map(lambda ops: {"numeric": ops}))

_WILDCARDS = ["*ome", "/con*/*", "C*e", "a\\*b*", "*", "*.js", "https://*.example.com/*", "Fire*"]
_cidr = st.one_of(
    st.sampled_from(["10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12", "0.0.0.0/0",
                     "2001:db8::/32", "fe80::/10"]),
    st.builds(lambda a, m: f"{ipaddress.IPv4Address(a)}/{m}", st.integers(0, 2 ** 32 - 1),
              st.integers(0, 31)),
    st.builds(lambda a, m: f"{ipaddress.IPv6Address(a).exploded}/{m}",
              st.integers(0, 2 ** 128 - 1), st.integers(0, 127)),
)


def _one_or_list(values):
    return st.one_of(values, st.lists(values, min_size=1, max_size=3, unique=True))


_anything_but = st.one_of(
    st.lists(st.sampled_from(_BROWSERS), min_size=1, max_size=3, unique=True),
    st.sampled_from(_BROWSERS + _PAGES),
    st.integers(-500, 500),
    st.lists(_numbers, min_size=1, max_size=3, unique_by=float),
    st.builds(lambda v: {"prefix": v}, _one_or_list(st.sampled_from(["Chr", "/con", "x"]))),
    st.builds(lambda v: {"suffix": v}, _one_or_list(st.sampled_from(["me", ".js", "ox"]))),
    st.builds(lambda v: {"equals-ignore-case": v},
              _one_or_list(st.sampled_from(["chrome", "SAFARI", "Edge"]))),
    st.builds(lambda v: {"wildcard": v}, _one_or_list(st.sampled_from(_WILDCARDS))),
).map(lambda v: {"anything-but": v})

_eb_item = st.one_of(
    _rum_item,
    st.sampled_from(["Chr", "/con", "x"]).map(lambda p: {"prefix": p}),
    st.sampled_from(["me", ".js", "rt"]).map(lambda p: {"suffix": p}),
    st.sampled_from(["CHR", "fire"]).map(lambda p: {"prefix": {"equals-ignore-case": p}}),
    st.sampled_from(["OME", ".JS"]).map(lambda p: {"suffix": {"equals-ignore-case": p}}),
    st.sampled_from(["CHROME", "firefox"]).map(lambda p: {"equals-ignore-case": p}),
    st.sampled_from(_BROWSERS + ["10.0.0.1"]).map(lambda p: {"exactly": p}),
    _anything_but,
    st.booleans().map(lambda b: {"exists": b}),
    _cidr.map(lambda c: {"cidr": c}),
    st.sampled_from(_WILDCARDS).map(lambda w: {"wildcard": w}),
)
_field = st.sampled_from(["event_type", "metadata.browserName", "metadata.countryCode",
                          "metadata.pageId", "event_details.duration",
                          "event_details.response.status", "event_details.value", "x.y"])


def _nest(flat: dict[str, list]) -> dict:
    out: dict = {}
    for path, values in flat.items():
        node = out
        *parents, leaf = path.split(".")
        for p in parents:
            nxt = node.get(p)
            if not isinstance(nxt, dict):
                nxt = node[p] = {}
            node = nxt
        node[leaf] = values
    return out


@st.composite
def _pattern_value(draw, dialect: str) -> dict:
    item = _eb_item if dialect == "eventbridge" else _rum_item
    flat = draw(st.dictionaries(_field, st.lists(item, min_size=1, max_size=3), min_size=1,
                                max_size=4))
    # a path cannot be both a leaf and an object
    paths = sorted(flat)
    for p in paths:
        if any(q.startswith(p + ".") for q in paths):
            flat.pop(p, None)
    value = _nest(flat)
    if dialect == "eventbridge" and draw(st.integers(0, 4)) == 0:
        other = _nest(draw(st.dictionaries(_field, st.lists(item, min_size=1, max_size=2),
                                           min_size=1, max_size=2)))
        value = {"$or": [value, other]}
    return value


def event_patterns(*, dialect: str = "rum") -> st.SearchStrategy[str]:
    """Valid EventPattern texts of ``dialect`` (``rum`` or ``eventbridge``): varied layout,
    key order and number spellings; fractions, negative exponents, bounds near the ends of
    the double range and exact numbers a double does not hold; for ``eventbridge`` every
    operator form (``anything-but`` with values, numbers, ``prefix``, ``suffix``,
    ``equals-ignore-case`` and ``wildcard``; ``cidr`` blocks of IPv4 and IPv6; ``exactly``;
    ``prefix``/``suffix`` with ``equals-ignore-case``; ``$or``)."""
    if not (isinstance(dialect, str) and dialect in ("rum", "eventbridge")):
        raise InvalidArgument(f"dialect must be 'rum' or 'eventbridge', not {dialect!r:.80}")

    @st.composite
    def build(draw):
        value = draw(_pattern_value(dialect))
        text = _dump(draw, value, draw(st.sampled_from([None, 0, 2, 4])), draw(st.booleans()))
        try:
            compile_pattern(text, dialect=dialect)
        except ValueError:
            # e.g. two numeric bounds that meet, or an address Java does not read; rare
            reject()
        return text

    return build()


def _event_pattern_objects() -> st.SearchStrategy[EventPattern]:
    """What ``st.from_type(EventPattern)`` draws."""
    return st.sampled_from(["rum", "eventbridge"]).flatmap(
        lambda d: event_patterns(dialect=d).map(lambda t: compile_pattern(t, dialect=d)))


def _pattern_sets() -> st.SearchStrategy:
    """What ``st.from_type(PatternSet)`` draws."""
    from ..pattern import PatternSet

    return st.lists(event_patterns(dialect="eventbridge"), max_size=6).map(
        lambda texts: PatternSet("eventbridge", [(f"p{i}", t) for i, t in enumerate(texts)]))


