"""One index over many patterns: a trie of conditions in a shared path order.

Each alternative of each pattern is a chain of conditions sorted by a global path order (the
paths most patterns use come first), and the chains are merged into one trie: patterns that
test the same field with the same values share the node.  An edge is a value matcher on one
path; a node groups its outgoing edges by path, and looks the event's values up in each group:
exact strings, numbers, booleans and null through dicts, numeric ranges through sorted
boundaries, and the eventbridge operators (prefix, suffix, equals-ignore-case, cidr, wildcard)
through dicts keyed by the part of the value they pin down (see :class:`Group`).  Matching an
event walks only the edges that its values satisfy, so the work follows the partial matches,
not the number of patterns.
"""

from __future__ import annotations

from bisect import bisect_right
from decimal import Decimal

from ..pattern._matchers import _event_ip
from ..pattern._numbers import NumberText, event_number

__all__ = ["Node", "Group", "build_index", "fold", "case_key"]

_RANGE_INDEX_MIN = 6


class Node:
    """A trie node: the groups of its outgoing edges (one per path) and the alternatives
    that end here."""

    __slots__ = ("groups", "ends", "checks", "_edges")

    def __init__(self) -> None:
        self.groups: list[Group] | dict = {}
        self.ends: list | tuple = []    # order indexes of the names whose alternative ends here
        self.checks: list | tuple = []  # (order index, pattern) that must be verified first
        self._edges: dict = {}


# --- case folding that agrees with the equals-ignore-case matcher ----------------------------
#
# The matcher (``case_regex`` in pattern/_matchers.py) turns each character ``c`` of the
# pattern into the alternatives ``c.lower()`` | ``c.upper()`` (Java's full mapping: ``ß`` is
# ``ß`` or ``SS``), a non-BMP character into ``??`` and a lone surrogate into ``?``; an event
# string matches when it is a concatenation of one alternative per pattern character.
# ``fold`` works code point by code point (``str.casefold`` has no context rules), so the fold
# of a matching string is the concatenation of the folds of the alternatives it took; when
# both alternatives of every pattern character fold alike, that concatenation is the
# pattern's ``case_key``, whatever alternatives the event took.  The index therefore looks the
# event's fold up and lets the matcher confirm each candidate: no match is ever missed, and
# the matcher alone decides.  ``casefold`` keeps dotless ``ı`` (whose upper case ``I`` folds
# to ``i``), so ``fold`` maps it to ``i``; a pattern character whose alternatives still fold
# apart (none in this Python's Unicode tables; checked, not assumed) leaves the matcher
# unindexed, tried one by one.

def fold(text: str) -> str:
    """The index key of an event string for the case-insensitive operators."""
    return text.casefold().replace("\u0131", "i")


def case_key(text: str) -> str | None:
    """The fold shared by every string that equals-ignore-case ``text`` accepts (or that it
    accepts as a prefix or a suffix), or ``None`` when there is none to index by."""
    out = []
    for ch in text:
        o = ord(ch)
        if o > 0xFFFF:
            out.append("??")
        elif 0xD800 <= o <= 0xDFFF:
            out.append("?")
        else:
            low, up = fold(ch.lower()), fold(ch.upper())
            if low != up:
                return None
            out.append(low)
    return "".join(out)


class _Affix:
    """Edges keyed by a prefix (or a suffix) of the value: a dict per key, and the distinct
    key lengths, so a value costs one slice and one lookup per distinct length."""

    __slots__ = ("keys", "lengths")

    def __init__(self) -> None:
        self.keys: dict[str, list[tuple]] = {}   # key -> [(matcher to confirm or None, node)]
        self.lengths: tuple[int, ...] = ()

    def add(self, key: str, check, node: Node) -> None:
        self.keys.setdefault(key, []).append((check, node))

    def finish(self) -> None:
        self.lengths = tuple(sorted({len(k) for k in self.keys}))

    def prefixes(self, value: str, probe, found: list) -> None:
        """Append the nodes of the keys that start ``probe`` (``value`` is what a matcher to
        confirm is given)."""
        keys = self.keys
        n = len(probe)
        for length in self.lengths:
            if length > n:
                break
            hit = keys.get(probe[:length])
            if hit:
                _confirm(hit, value, found)

    def suffixes(self, value: str, probe, found: list) -> None:
        keys = self.keys
        n = len(probe)
        for length in self.lengths:
            if length > n:
                break
            hit = keys.get(probe[n - length:])
            if hit:
                _confirm(hit, value, found)

    def nodes(self):
        for lst in self.keys.values():
            for _, node in lst:
                yield node


def _confirm(hit: list, value, found: list) -> None:
    for check, node in hit:
        if check is None or check.test(value):
            found.append(node)


# --- cidr blocks -----------------------------------------------------------------------------
#
# Addresses and blocks are compared as upper-case hex strings in lexicographic order, as the
# reference does (8 digits for IPv4, 32 for IPv6, and ``::/0`` holds IPv4 addresses).  The
# bounds of a block with ``m`` mask bits share their first ``m // 4`` digits and, when ``m`` is
# not a multiple of 4, the top ``m % 4`` bits of the next digit; any string between the bounds
# starts with the same (a shorter or diverging string falls outside).  So a block is filed
# under that key, per mask length, and an address looks up its own key at each distinct mask
# length; the bounds themselves decide (lengths 8 and 32 mix only through that comparison).

_TOP = [None] + [{d: "0123456789ABCDEF"[int(d, 16) >> (4 - r)] for d in "0123456789ABCDEF"}
                 for r in (1, 2, 3)]


def _cidr_key(hex_text: str, digits: int, rest: int) -> str | None:
    if rest == 0:
        return hex_text[:digits] if len(hex_text) >= digits else None
    if len(hex_text) <= digits:
        return None
    return hex_text[:digits] + _TOP[rest][hex_text[digits]]


def _mask_bits(m) -> int:
    bits = 4 * len(m.low)
    return bits - (int(m.low, 16) ^ int(m.high, 16)).bit_length()


class Group:
    """The edges of one node on one path.

    Exact values are dict lookups and numeric ranges a bisection.  The eventbridge operators
    are filed by what they pin down, so a value costs one lookup per distinct key length, not
    one test per pattern:

    * ``prefix`` / ``suffix``: :class:`_Affix` by the text (sure hits, no test);
    * ``prefix``/``suffix`` with ``equals-ignore-case`` and ``equals-ignore-case``: by the
      :func:`case_key` of the text, looked up with the :func:`fold` of the value, each
      candidate confirmed by its matcher;
    * ``wildcard``: by its longer literal end (the text before the first ``*`` or after the
      last), each candidate confirmed by its matcher;
    * ``cidr``: per mask length, by the leading hex digits of the block (see ``_cidr_key``),
      each candidate confirmed by its bounds;
    * ``exactly``: with the exact strings.

    What stays in ``others``, tested one by one: ``anything-but`` (it accepts nearly every
    value, so there is little to skip: the work follows the matches anyway), ``exists: true``
    (accepts every present value), a wildcard with ``*`` at both ends (no literal to file it
    by) and an ignore-case text with no :func:`case_key`.
    """

    __slots__ = ("path_id", "segments", "strings", "numbers", "texts", "trues", "falses",
                 "nulls", "ips", "ranges", "others", "absent", "_bounds", "_cells",
                 "prefixes", "suffixes", "fprefixes", "fsuffixes", "folded", "cidrs",
                 "_cidr_masks", "_strops", "_fold")

    def __init__(self, path_id: int, segments: tuple[str, ...]) -> None:
        self.path_id = path_id
        self.segments = segments
        self.strings: dict[str, list[Node]] = {}
        self.numbers: dict[float, list[Node]] = {}
        self.texts: dict[str, list[Node]] = {}   # numbers that are not comparable
        self.trues: list[Node] = []
        self.falses: list[Node] = []
        self.nulls: list[Node] = []
        self.ips: dict[str, list[Node]] = {}
        self.ranges: list[tuple] = []            # (matcher, node)
        self.others: list[tuple] = []            # (matcher, node)
        self.absent: list[Node] = []             # exists:false edges
        self._bounds: list[float] = []
        self._cells: list[list[Node]] = []
        self.prefixes = _Affix()                 # keyed by a prefix of the value
        self.suffixes = _Affix()                 # keyed by a suffix of the value
        self.fprefixes = _Affix()                # keyed by a prefix of the value's fold
        self.fsuffixes = _Affix()                # keyed by a suffix of the value's fold
        self.folded: dict[str, list[tuple]] = {}  # fold -> [(matcher, node)]
        self.cidrs: dict[int, dict[str, list[tuple]]] = {}  # mask bits -> key -> [(m, node)]
        self._cidr_masks: tuple = ()             # (digits, rest bits, keys) per mask length
        self._strops = False
        self._fold = False

    def finish(self) -> None:
        """Freeze the lookup structures.  With many ranges on one path, precompute the ranges
        of each elementary cell of the sorted boundaries: (-inf, p0), [p0], (p0, p1), [p1],
        ..., (pn, +inf)."""
        for affix in (self.prefixes, self.suffixes, self.fprefixes, self.fsuffixes):
            affix.finish()
        self._fold = bool(self.fprefixes.keys or self.fsuffixes.keys or self.folded)
        self._strops = bool(self._fold or self.prefixes.keys or self.suffixes.keys)
        self._cidr_masks = tuple((bits // 4, bits % 4, self.cidrs[bits])
                                 for bits in sorted(self.cidrs))
        if len(self.ranges) < _RANGE_INDEX_MIN:
            return
        points = sorted({b for m, _ in self.ranges for b in (m.lower, m.upper) if b is not None})
        cells: list[list[Node]] = []
        for i, p in enumerate(points):
            lo = points[i - 1] if i else None
            cells.append([n for m, n in self.ranges if _covers_open(m, lo, p)])
            cells.append([n for m, n in self.ranges if _covers_point(m, p)])
        cells.append([n for m, n in self.ranges if _covers_open(m, points[-1], None)])
        self._bounds = points
        self._cells = cells

    def targets(self, value) -> list[Node]:
        """The child nodes whose edge accepts the present leaf ``value``."""
        t = type(value)
        found: list[Node] = []
        if t is str:
            hit = self.strings.get(value)
            if hit:
                found.extend(hit)
            if self._strops:
                self._string_targets(value, found)
        elif t is bool:
            found.extend(self.trues if value else self.falses)
        elif value is None:
            found.extend(self.nulls)
        else:
            n = event_number(value)
            if n is not None:
                hit = self.numbers.get(n)
                if hit:
                    found.extend(hit)
                if self._bounds:
                    i = bisect_right(self._bounds, n)
                    cell = 2 * i - 1 if i and self._bounds[i - 1] == n else 2 * i
                    found.extend(self._cells[cell])
                elif self.ranges:
                    for m, node in self.ranges:
                        if m.test(value):
                            found.append(node)
            elif self.texts:
                text = _number_text(value)
                if text is not None:
                    hit = self.texts.get(text)
                    if hit:
                        found.extend(hit)
        if (self.ips or self._cidr_masks) and (t is str or t is int or t is NumberText):
            ip = _event_ip(value)
            if ip is not None:
                if t is str:  # an exact string that is an address matches strings only
                    hit = self.ips.get(ip)
                    if hit:
                        found.extend(hit)
                for digits, rest, keys in self._cidr_masks:
                    key = _cidr_key(ip, digits, rest)
                    if key is not None:
                        hit = keys.get(key)
                        if hit:
                            for m, node in hit:
                                if m.low <= ip <= m.high:
                                    found.append(node)
        for m, node in self.others:
            if m.test(value):
                found.append(node)
        return found

    def _string_targets(self, value: str, found: list) -> None:
        if self.prefixes.lengths:
            self.prefixes.prefixes(value, value, found)
        if self.suffixes.lengths:
            self.suffixes.suffixes(value, value, found)
        if self._fold:
            f = fold(value)
            hit = self.folded.get(f)
            if hit:
                _confirm(hit, value, found)
            if self.fprefixes.lengths:
                self.fprefixes.prefixes(value, f, found)
            if self.fsuffixes.lengths:
                self.fsuffixes.suffixes(value, f, found)

    def children(self):
        """Every child node (with repeats)."""
        for lst in (list(self.strings.values()) + list(self.numbers.values())
                    + list(self.texts.values()) + list(self.ips.values())
                    + [self.trues, self.falses, self.nulls, self.absent]):
            yield from lst
        for _, n in self.ranges:
            yield n
        for _, n in self.others:
            yield n
        for affix in (self.prefixes, self.suffixes, self.fprefixes, self.fsuffixes):
            yield from affix.nodes()
        for lst in self.folded.values():
            for _, n in lst:
                yield n
        for keys in self.cidrs.values():
            for lst in keys.values():
                for _, n in lst:
                    yield n


def _number_text(value):
    t = type(value)
    if t is NumberText:
        return value.text
    if t is int:
        return str(value)
    if t is Decimal:
        return value
    return None


def _covers_point(m, x: float) -> bool:
    if m.lower is not None and (x < m.lower or (x == m.lower and not m.lower_inclusive)):
        return False
    if m.upper is not None and (x > m.upper or (x == m.upper and not m.upper_inclusive)):
        return False
    return True


def _covers_open(m, lo: float | None, hi: float | None) -> bool:
    """Does range ``m`` hold the open interval (lo, hi)?  (``None`` is infinite; every bound
    of ``m`` is one of the boundaries, so ``m`` holds all of the interval or none of it.)"""
    if m.lower is not None and (lo is None or m.lower > lo):
        return False
    if m.upper is not None and (hi is None or m.upper < hi):
        return False
    return True


def _edge_key(m):
    """Matchers that test the same thing share one edge."""
    kind = m.kind
    if kind == "exact":
        return ("exact", m.type, m.value if m.value is not None else m.text, m.ip)
    if kind == "numeric":
        return ("numeric", m.lower, m.lower_inclusive, m.upper, m.upper_inclusive)
    if kind in ("prefix", "suffix"):
        return (kind, m.value, m.ignore_case)
    if kind in ("equals-ignore-case", "wildcard", "exactly", "exists"):
        return (kind, m.value)
    if kind == "cidr":
        return (kind, m.low, m.high)
    if kind == "anything-but":
        return (kind, m.mode, m.strings, m.numbers)
    return (kind, id(m))


def _add_edge(group: Group, m, node: Node) -> None:
    kind = m.kind
    if kind == "exact":
        if m.type == "string":
            if m.ip is not None:
                group.ips.setdefault(m.ip, []).append(node)
            else:
                group.strings.setdefault(m.value, []).append(node)
        elif m.type == "number":
            if m.value is not None:
                group.numbers.setdefault(m.value, []).append(node)
            else:
                group.texts.setdefault(m.text, []).append(node)
                try:
                    group.texts.setdefault(Decimal(m.text), []).append(node)
                except ArithmeticError:  # pragma: no cover - the grammar gives valid numbers
                    pass
        elif m.type == "boolean":
            (group.trues if m.value else group.falses).append(node)
        else:
            group.nulls.append(node)
        return
    if kind == "numeric":
        group.ranges.append((m, node))
        return
    if kind == "exists" and not m.value:
        group.absent.append(node)
        return
    if kind == "exactly":
        group.strings.setdefault(m.value, []).append(node)
        return
    if kind in ("prefix", "suffix"):
        if not m.ignore_case:
            affix = group.prefixes if kind == "prefix" else group.suffixes
            affix.add(m.value, None, node)
            return
        key = case_key(m.value)
        if key is not None:
            affix = group.fprefixes if kind == "prefix" else group.fsuffixes
            affix.add(key, m, node)
            return
    elif kind == "equals-ignore-case":
        key = case_key(m.value)
        if key is not None:
            group.folded.setdefault(key, []).append((m, node))
            return
    elif kind == "wildcard":
        pieces = m.regex.pieces   # the literal texts between the stars, escapes resolved
        head, tail = pieces[0], pieces[-1]
        if len(pieces) == 1:
            group.strings.setdefault(head, []).append(node)
            return
        if len(tail) > len(head):
            group.suffixes.add(tail, m, node)
            return
        if head:
            group.prefixes.add(head, m, node)
            return
    elif kind == "cidr":
        bits = _mask_bits(m)
        key = _cidr_key(m.low, bits // 4, bits % 4)
        group.cidrs.setdefault(bits, {}).setdefault(key, []).append((m, node))
        return
    # anything-but, exists: true, wildcards with no literal end, folds the index cannot key
    group.others.append((m, node))


def build_index(entries, path_rank: dict[str, int]) -> Node:
    """Merge ``entries`` — ``(name index, conditions, verify)`` — into one trie; a path's
    rank orders the conditions and identifies the path (the per-event value cache key)."""
    root = Node()
    for name, conditions, verify in entries:
        chain = sorted(conditions, key=lambda c: path_rank[c.path])
        frontier = [root]
        for cond in chain:
            nxt_frontier = []
            for node in frontier:
                group = node.groups.get(cond.path)
                if group is None:
                    group = node.groups[cond.path] = Group(path_rank[cond.path], cond.segments)
                # one child per distinct value list; each of its items leads there (OR)
                key = (cond.path, frozenset(_edge_key(m) for m in cond.matchers))
                child = node._edges.get(key)
                if child is None:
                    child = node._edges[key] = Node()
                    for m in cond.matchers:
                        _add_edge(group, m, child)
                nxt_frontier.append(child)
            frontier = nxt_frontier
        for node in frontier:
            if verify is None:
                node.ends.append(name)
            else:
                node.checks.append((name, verify))
    _finish(root)
    return root


def _finish(root: Node) -> None:
    stack = [root]
    done: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in done:
            continue
        done.add(id(node))
        groups = list(node.groups.values())
        for g in groups:
            g.finish()
        node.groups = tuple(groups)
        node.ends = tuple(dict.fromkeys(node.ends))
        node.checks = tuple(node.checks)
        node._edges = {}
        for g in groups:
            stack.extend(g.children())
