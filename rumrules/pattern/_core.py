"""The matching core: the compiled C extension (``_ccore``) when it was built, else Python.

``pip install .`` compiles ``_ccore.c`` when a C compiler is there and installs without it
when not (see ``setup.py``); ``RUMRULES_PURE_PYTHON=1`` in the environment turns it off.
:data:`MATCHING_CORE` says which core is in use (``"c"`` or ``"python"``).

The pure-Python walk (``Bits.match_doc`` and ``Index.find_ordered`` in ``_index.py``) is the
reference.  The C core takes the same road for the common case only — an event whose
objects on the patterns' paths are plain dicts with plain keys, one value per path — and
:func:`find` returns ``None`` for anything else (a list on a path, a dotted key, a number a
double may not hold, a value of another type, an index it does not know how to read): the
caller then takes the Python path.  The plan it walks is made here, once per :class:`Bits`
index, from the index's groups; a group whose operators the C core does not probe itself
(prefixes, cidr blocks, anything-but, ...) is probed through its own ``bits_of``.
"""

from __future__ import annotations

import math
import os

from . import _events

__all__ = ["MATCHING_CORE", "BUILT", "C", "find", "find_key", "key_finder", "points_feeder", "capture", "capture_trie", "stats", "reset_stats", "plan_of"]

def _built():
    try:
        from . import _ccore
    except ImportError:   # not built (no compiler at install time): the Python core
        return None
    _ccore.configure(_events._fast)   # the fast parser, as use_fast_parser sets it
    return _ccore


#: The compiled extension module when it was built (in use or not), else ``None``.
BUILT = _built()
#: The compiled core in use: :data:`BUILT`, unless ``RUMRULES_PURE_PYTHON=1``.
C = BUILT if os.environ.get("RUMRULES_PURE_PYTHON", "") != "1" else None

#: The matching core in use: ``"c"`` (the compiled extension) or ``"python"``.
MATCHING_CORE = "c" if C is not None else "python"

_unplanned = [0]   # indexes the C core could not take (their plan was refused)


def find(bits, event):
    """The names of the alternatives of ``bits`` (a ``Bits`` index) that ``event``
    satisfies, ascending and once each, as ``Index.find_ordered`` gives them; ``None``
    when the C core leaves the answer to the Python path (or is not there)."""
    plan = bits.core
    if plan is None:
        plan = bits.core = plan_of(bits)
    if plan is False:
        return None
    return C.find(plan, event)


def _plan(bits, *needs: str):
    """The C plan of ``bits`` (made once), or ``None`` when the C core is not in use, is an
    extension built from an older ``_ccore.c`` without one of ``needs``, or cannot take the
    index.  (:func:`find`, the hot path, does the same inline.)"""
    if C is None or not all(hasattr(C, n) for n in needs):
        return None
    plan = bits.core
    if plan is None:
        plan = bits.core = plan_of(bits)
    return None if plan is False else plan


def find_key(bits, text, key: str, trie: tuple | None = None):
    """:func:`find` of a ``str`` text read by the C text reader alone, with the value of the
    text's top-level member ``key`` when it is there once and is an integer of at most 15
    digits (else ``None``): ``(names, value)``, in one pass over the text.  With ``trie``
    (from :func:`capture_trie`), ``(names, value, members)``: ``members`` what
    :func:`capture` gives, from the top-level values noted in the same pass, when names is
    not empty (else, or when the core declines them, ``None``).  ``None`` when the C core
    is not in use or its text reader gives up (the caller reads the text)."""
    plan = _plan(bits, "find_key")
    if plan is None:
        return None
    if trie is None:
        return C.find_key(plan, text, key)
    return C.find_key(plan, text, key, trie)


def key_finder(bits, key: str, trie: tuple | None = None):
    """:func:`find_key` of ``bits`` as one callable of the text, or ``None`` when the C core
    is not in use or cannot take the index."""
    plan = _plan(bits, "find_key")
    if plan is None:
        return None
    find = C.find_key
    if trie is None:
        return lambda text: find(plan, text, key)
    return lambda text: find(plan, text, key, trie)


def points_feeder(bits, key: str, by_name, spec: tuple):
    """The backfill's per-document loop over a batch in one call of the C core (``_ccore.
    feed_points``), or ``None`` when the C core is not in use, is an older build without
    it, or cannot take the index or ``spec``.  ``by_name`` maps each name of ``bits``'s
    alternatives to its definition's index; ``spec`` is ``(always, nslots, trie, defs,
    app)`` as ``MetricEngine.batch_feeder`` makes it.  The callable takes ``(texts, lo, hi,
    table, fold_at, cwlogs=False)`` and gives ``(handed back, outside, skipped, keys to fold,
    documents)``."""
    plan = _plan(bits, "feed_points", "Points")
    if plan is None:
        return None
    try:
        bitdefs = tuple(by_name[name] for name in bits.names)
        points = C.Points((bitdefs,) + tuple(spec))
    except Exception:   # a name without a definition, a spec the C core refuses: Python
        return None
    feed = C.feed_points

    def feeder(texts, lo, hi, table, fold_at, cwlogs=False):
        return feed(plan, points, texts, key, float(lo), float(hi), table, fold_at, cwlogs)
    return feeder


def capture_trie(paths) -> tuple:
    """The trie :func:`capture` walks, of ``paths`` (each a tuple of keys): ``((key, trie
    below or None), ...)``."""
    tree: dict = {}
    for path in paths:
        node = tree
        for key in path:
            node = node.setdefault(key, {})

    def freeze(node: dict):
        return tuple((k, freeze(v) if v else None) for k, v in node.items()) or None
    return freeze(tree) or ()


def capture(text, trie: tuple):
    """The members of the JSON text (``str``) at the paths of ``trie`` (from
    :func:`capture_trie`) as a dict holding only them (objects on the way as dicts of what
    the paths name in them, an object at a path's end as such a dict, an array as ``[]``),
    read by the C core's text reader: what the engine's lookups of those paths read in the
    whole document.  ``None`` when the C core is not in use or declines the text (escapes,
    dotted or duplicate keys on the way, numbers it does not read as the exact reader)."""
    if C is None or not hasattr(C, "capture"):
        return None
    return C.capture(text, trie)


def plan_of(bits):
    """The C core's plan of a ``Bits`` index, or ``False`` when it cannot take it."""
    if BUILT is None:
        return False
    try:
        spec = (_node(bits.tree[""], 0), bits.all, tuple(bits.names), bool(bits.simple))
        return BUILT.Plan(spec)
    except Exception:   # an index laid out as this module does not know: Python answers
        _unplanned[0] += 1
        return False


def stats() -> dict:
    """Counters of the C core since the last :func:`reset_stats`: ``events`` (answered in
    C), ``fallbacks`` (left to Python), ``c_probes`` / ``py_probes`` (values looked up in C
    / through a group's own ``bits_of``) and ``unplanned`` (indexes it could not take)."""
    if BUILT is None:
        return {"events": 0, "fallbacks": 0, "c_probes": 0, "py_probes": 0,
                "unplanned": _unplanned[0]}
    out = BUILT.stats()
    out["unplanned"] = _unplanned[0]
    return out


def reset_stats() -> None:
    """Zero the counters of :func:`stats`."""
    _unplanned[0] = 0
    if BUILT is not None:
        BUILT.reset_stats()


def _node(entries, depth: int) -> tuple:
    if depth > 100:
        raise ValueError("too deep")
    out = []
    for key, leaf, inner, missing, below in entries:
        out.append((key, _leaf(leaf) if leaf is not None else None,
                    _node(inner, depth + 1) if inner is not None else None, missing, below))
    return tuple(out)


def _leaf(leaf) -> tuple:
    group, free, absent, fast = leaf
    return (fast, free, absent, None if fast is not None else _probe(group, free))


def _mask(bits) -> int:
    """One mask of the list of bits an index table holds (an int as it is)."""
    if type(bits) is int:
        return bits
    mask = 0
    for bit in bits:
        if type(bit) is not int:
            raise TypeError("a bit is an int")
        mask |= bit
    return mask


def _probe(group, free) -> tuple:
    """How the C core probes ``group``: ``("c", strings, numbers, trues, falses, nulls,
    bounds, cells)`` when the group holds only exact strings, numbers, booleans, nulls and
    numeric ranges, else ``("py", group.bits_of)``."""
    py = ("py", group.bits_of)
    try:
        if (group._strops or group.ips or group._cidr_masks or group.others or group.texts):
            return py
        strings = {k: _mask(v) for k, v in group.strings.items()}
        if any(type(k) is not str for k in strings):
            return py
        numbers = {k: _mask(v) for k, v in group.numbers.items()}
        if any(type(k) is not float for k in numbers):
            return py
        trues, falses, nulls = _mask(group.trues), _mask(group.falses), _mask(group.nulls)
        if group._bounds:
            bounds = tuple(group._bounds)
            cells = tuple(_mask(c) for c in group._cells)
        elif group.ranges:
            bounds, cells = _cells(group.ranges)
        else:
            bounds, cells = (), ()
        if any(type(b) is not float or not math.isfinite(b) for b in bounds) or len(cells) != (
                2 * len(bounds) + 1 if bounds else 0):
            return py
        if group.ranges and not bounds:
            return py
        return ("c", strings or None, numbers or None, trues, falses, nulls, bounds, cells)
    except Exception:
        return py


def _cells(ranges) -> tuple:
    """The sorted boundaries of a few numeric ranges and the bits of each elementary cell,
    as ``Group.finish`` makes them for many."""
    from ._matchers import Numeric
    for m, bit in ranges:
        if type(m) is not Numeric or type(bit) is not int:
            raise TypeError("a numeric range to a bit")
        for b in (m.lower, m.upper):
            if b is not None and type(b) is not float:
                raise TypeError("a bound is a float")
    points = sorted({b for m, _ in ranges for b in (m.lower, m.upper) if b is not None})
    if not points:
        return (), ()
    cells = []
    for i, p in enumerate(points):
        lo = points[i - 1] if i else None
        cells.append(_mask([n for m, n in ranges if m.covers_open(lo, p)]))
        cells.append(_mask([n for m, n in ranges if m.covers(p)]))
    cells.append(_mask([n for m, n in ranges if m.covers_open(points[-1], None)]))
    return tuple(points), tuple(cells)
