"""Hostile values for the property suite: huge numbers, subclasses of the JSON types, and
objects whose own methods raise.  ``docs/reliability.md`` describes this input space.

:class:`Boom` is what the hostile objects raise: the caller's own code failing.  The library
lets it through unchanged (it does not hide the caller's bugs), but it must not have changed
anything by then.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

__all__ = ["Boom", "HUGE", "hostile_scalars", "hostile_values", "spoil", "StrSub", "DictSub",
           "ListSub", "RaisingHash", "RaisingEq", "RaisingItems", "RaisingIter", "RaisingRepr",
           "plain"]


class Boom(Exception):
    """Raised by the caller's own (hostile) object."""


class StrSub(str):
    """A ``str`` subclass that changes nothing (``numpy.str_``, ``markupsafe.Markup``)."""


class DictSub(dict):
    """A ``dict`` subclass that changes nothing."""


class ListSub(list):
    """A ``list`` subclass that changes nothing."""


class RaisingHash(str):
    """A string that cannot be hashed (a set or dict lookup raises)."""

    def __hash__(self):
        raise Boom("__hash__")


class RaisingEq(str):
    """A string whose comparisons raise."""

    def __eq__(self, other):
        raise Boom("__eq__")

    def __ne__(self, other):
        raise Boom("__ne__")

    __hash__ = str.__hash__


class RaisingItems(dict):
    """A mapping whose views and iteration raise."""

    def items(self):
        raise Boom("items")

    def keys(self):
        raise Boom("keys")

    def values(self):
        raise Boom("values")

    def __iter__(self):
        raise Boom("__iter__")

    def get(self, key, default=None):
        raise Boom("get")


class RaisingIter(list):
    """A list whose iteration raises."""

    def __iter__(self):
        raise Boom("__iter__")


class RaisingRepr:
    """An object whose ``repr`` and ``str`` raise."""

    def __repr__(self):
        raise Boom("__repr__")

    __str__ = __repr__


#: numbers past Python's int/str conversion limit (4300 digits) and a double's range
HUGE = (10 ** 5000, -(10 ** 5000), 2 ** 20000, 1.7976931348623157e308, float("inf"),
        float("nan"), "x" * 70_000)

hostile_scalars = st.one_of(
    st.sampled_from(HUGE),
    st.builds(RaisingHash, st.text(max_size=5)), st.builds(RaisingEq, st.text(max_size=5)),
    st.builds(StrSub, st.text(max_size=5)), st.builds(RaisingRepr),
    st.just(RaisingItems({"a": 1})), st.just(RaisingIter([1])),
    st.integers(min_value=2 ** 63), st.binary(max_size=4), st.just(object()))


def _wrap(value: Any, kind: str) -> Any:
    """``value`` with its container type replaced (subclass or raising twin)."""
    if isinstance(value, dict):
        return {"sub": DictSub, "raise": RaisingItems}[kind](value)
    if isinstance(value, list):
        return {"sub": ListSub, "raise": RaisingIter}[kind](value)
    if isinstance(value, str):
        return {"sub": StrSub, "raise": RaisingHash}[kind](value)
    return value


def _places(value: Any, out: list) -> list:
    """Every (container, key) of ``value``, depth first."""
    if isinstance(value, dict):
        for k in list(value):
            out.append((value, k))
            _places(value[k], out)
    elif isinstance(value, list):
        for i in range(len(value)):
            out.append((value, i))
            _places(value[i], out)
    return out


@st.composite
def spoil(draw, base: st.SearchStrategy, *, benign: bool = False) -> Any:
    """A value of ``base`` with one part replaced: by a hostile scalar, or by itself as a
    subclass or raising twin (with ``benign``, only by subclasses that change nothing)."""
    value = copy.deepcopy(draw(base))
    places = _places(value, [])
    kind = "sub" if benign else draw(st.sampled_from(["scalar", "sub", "raise"]))
    if not places:
        return _wrap(value, "sub" if kind == "scalar" else kind)
    container, key = draw(st.sampled_from(places))
    if kind == "scalar":
        container[key] = draw(hostile_scalars)
    elif isinstance(container, dict) and isinstance(key, str) and draw(st.booleans()):
        # the key itself (a key that cannot be hashed could not be in the dict at all)
        container[StrSub(key) if kind == "sub" else RaisingEq(key)] = container.pop(key)
    else:
        container[key] = _wrap(container[key], kind)
    return value


def plain(value: Any) -> Any:
    """``value`` with every subclass of str/dict/list made the plain type."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in dict.items(value)}
    if isinstance(value, list):
        return [plain(v) for v in list.__iter__(value)]
    if isinstance(value, str):
        return str.__str__(value)
    return value


hostile_values = st.one_of(hostile_scalars, st.just(DictSub(a=1)), st.just(ListSub([1])))
