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

from ._events import (LEAF_TYPES, MISSING, Inexact, Many, Plan, _MIN_NORMAL, _check_int,
                      _fast_doc, combine_trails, event_values, flatten,
                      load_event, path_values)
from . import _core
from ._matchers import event_ip, java_text, number_text
from ._numbers import NumberText, event_number

__all__ = ["Node", "Group", "build_index", "fold", "case_key", "Index", "Bits", "walk",
           "plan_key", "keeps_empty"]

_RANGE_INDEX_MIN = 6


class Node:
    """A trie node: the groups of its outgoing edges (one per path) and the alternatives
    that end here."""

    __slots__ = ("groups", "ends", "_edges")

    def __init__(self) -> None:
        self.groups: list[Group] | dict = {}
        self.ends: list | tuple = []    # order indexes of the names whose alternative ends here
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

    Each matcher type chooses its filing (``Matcher.file`` in
    :mod:`rumrules.pattern._matchers`) through the ``add_*`` methods below; the group owns
    the layout.  An edge leads to a :class:`Node` (the trie) or to a bit (:class:`Bits`).
    """

    __slots__ = ("key", "segments", "lookup", "strings_only", "strings", "numbers", "texts", "trues", "falses",
                 "nulls", "ips", "ranges", "others", "absent", "_bounds", "_cells",
                 "prefixes", "suffixes", "fprefixes", "fsuffixes", "folded", "cidrs",
                 "_cidr_masks", "_strops", "_fold")

    def __init__(self, key: str, segments: tuple[str, ...]) -> None:
        self.key = key
        self.segments = segments
        self.lookup = self.targets
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

    # ---- filing: what the matcher types call (``Matcher.file``)
    def add_string(self, value: str, node) -> None:
        """An exact string (looked up as it is)."""
        self.strings.setdefault(value, []).append(node)

    def add_ip(self, ip: str, node) -> None:
        """An exact address (upper-case hex): event strings that are the same address."""
        self.ips.setdefault(ip, []).append(node)

    def add_number(self, value: float, node) -> None:
        """An exact comparable number."""
        self.numbers.setdefault(value, []).append(node)

    def add_number_text(self, text: str, node) -> None:
        """An exact number that is not comparable: held by its spelling (and its value as a
        Decimal, for dict events)."""
        self.texts.setdefault(text, []).append(node)
        try:
            self.texts.setdefault(Decimal(text), []).append(node)
        except ArithmeticError:  # pragma: no cover - the grammar gives valid numbers
            pass

    def add_boolean(self, value: bool, node) -> None:
        (self.trues if value else self.falses).append(node)

    def add_null(self, node) -> None:
        self.nulls.append(node)

    def add_range(self, m, node) -> None:
        """A numeric range (``m`` has ``covers``, ``covers_open`` and its bounds)."""
        self.ranges.append((m, node))

    def add_absent(self, node) -> None:
        """An edge taken when the event has no value at the path."""
        self.absent.append(node)

    def add_prefix(self, text: str, check, node) -> None:
        """Values that start with ``text`` (``check``: a matcher to confirm, or None)."""
        self.prefixes.add(text, check, node)

    def add_suffix(self, text: str, check, node) -> None:
        """Values that end with ``text`` (``check``: a matcher to confirm, or None)."""
        self.suffixes.add(text, check, node)

    def add_folded_prefix(self, m, node) -> bool:
        """Filed by the :func:`case_key` of ``m.value`` as a prefix of the value's fold,
        confirmed by ``m``; False when there is no key to file it by."""
        key = case_key(m.value)
        if key is None:
            return False
        self.fprefixes.add(key, m, node)
        return True

    def add_folded_suffix(self, m, node) -> bool:
        """:meth:`add_folded_prefix` for a suffix."""
        key = case_key(m.value)
        if key is None:
            return False
        self.fsuffixes.add(key, m, node)
        return True

    def add_folded(self, m, node) -> bool:
        """Filed by the :func:`case_key` of ``m.value`` (the whole value's fold), confirmed
        by ``m``; False when there is no key to file it by."""
        key = case_key(m.value)
        if key is None:
            return False
        self.folded.setdefault(key, []).append((m, node))
        return True

    def add_cidr(self, m, node) -> None:
        """A block, per mask length, by its leading hex digits (see ``_cidr_key``);
        candidates confirmed by ``m.holds``."""
        bits = m.mask_bits()
        key = _cidr_key(m.low, bits // 4, bits % 4)
        self.cidrs.setdefault(bits, {}).setdefault(key, []).append((m, node))

    def add_other(self, m, node) -> None:
        """Tested one by one with ``m.test``."""
        self.others.append((m, node))

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
        self.lookup = self.targets
        self.strings_only = False
        if self.strings and not (
                self._strops or self.numbers or self.texts or self.trues or self.falses
                or self.nulls or self.ips or self.ranges or self.others or self.cidrs):
            get = self.strings.get

            def strings_only(value, get=get, str=str, type=type):
                return get(value, ()) if type(value) is str else ()
            self.lookup = strings_only
            self.strings_only = True
        if len(self.ranges) < _RANGE_INDEX_MIN:
            return
        points = sorted({b for m, _ in self.ranges for b in (m.lower, m.upper) if b is not None})
        cells: list[list[Node]] = []
        for i, p in enumerate(points):
            lo = points[i - 1] if i else None
            cells.append([n for m, n in self.ranges if m.covers_open(lo, p)])
            cells.append([n for m, n in self.ranges if m.covers(p)])
        cells.append([n for m, n in self.ranges if m.covers_open(points[-1], None)])
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
            if self.texts:  # numbers a pattern holds by their spelling (2^53 + 1, 1e400)
                text = _number_text(value)
                if text is not None:
                    hit = self.texts.get(text)
                    if hit:
                        found.extend(hit)
        if self.ips or self._cidr_masks:
            ip = event_ip(value)
            if ip is not None:  # an address string
                hit = self.ips.get(ip)
                if hit:
                    found.extend(hit)
                for digits, rest, keys in self._cidr_masks:
                    key = _cidr_key(ip, digits, rest)
                    if key is not None:
                        hit = keys.get(key)
                        if hit:
                            for m, node in hit:
                                if m.holds(ip):
                                    found.append(node)
            elif t is not str and t is not bool and self._cidr_masks:
                for _, _, keys in self._cidr_masks:   # numbers: the matcher's own test
                    for lst in keys.values():
                        for m, node in lst:
                            if m.test(value):
                                found.append(node)
        for m, node in self.others:
            if m.test(value):
                found.append(node)
        return found

    def bits_of(self, value, free: int) -> int:
        """In a :class:`Bits` index (edges lead to bits): ``free`` with the bits of every
        edge that accepts ``value``."""
        for bit in self.targets(value):
            free |= bit
        return free

    def _string_targets(self, value: str, found: list) -> None:
        value = java_text(value)   # the string operators see a lone surrogate as ``?``
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
    """The key of an event number in ``Group.texts``: a Decimal as it is, else its text."""
    return value if type(value) is Decimal else number_text(value)


def _absence(cond) -> bool:
    return any(m.accepts_absence for m in cond.matchers)


def plan_key(cond, keep_empty: bool) -> str:
    """The key under which an event's values at ``cond``'s path are read: the path, marked
    with a leading ``\\x01`` when a literal empty key must not be walked into."""
    if keep_empty or "" not in cond.segments:
        return cond.path
    return "\x01" + cond.path


def build_index(entries, path_rank: dict[str, int]) -> Node:
    """Merge ``entries`` — ``(name index, conditions, keep_empty)`` — into one trie.

    Each chain is sorted by the paths' ranks.  An alternative with a condition that accepts
    absence (``exists: false``) is sorted by path text instead, the order in which the
    reference reads an event's fields: absence is then judged under the array elements that
    the conditions before it chose (array consistency), as the reference judges it."""
    root = Node()
    for name, conditions, keep_empty in entries:
        if any(_absence(c) for c in conditions):
            chain = sorted(conditions, key=lambda c: c.path)
        else:
            chain = sorted(conditions, key=lambda c: path_rank[c.path])
        frontier = [root]
        for cond in chain:
            key = plan_key(cond, keep_empty)
            nxt_frontier = []
            for node in frontier:
                group = node.groups.get(key)
                if group is None:
                    group = node.groups[key] = Group(key, cond.segments)
                # one child per distinct value list; each of its items leads there (OR)
                edge = (key, frozenset(m.edge_key() for m in cond.matchers))
                child = node._edges.get(edge)
                if child is None:
                    child = node._edges[edge] = Node()
                    for m in cond.matchers:
                        m.file(group, child)
                nxt_frontier.append(child)
            frontier = nxt_frontier
        for node in frontier:
            node.ends.append(name)
    _finish(root)
    return root


def keeps_empty(conditions) -> bool:
    """Does an alternative walk into literal empty keys of the event?  Only when one of its
    paths has an empty step that Java's ``String.split`` keeps (not a trailing one): like
    the reference, ``{"a": {"": "y"}}`` is not at path ``a.``, while ``{"a.": "y"}`` is."""
    for c in conditions:
        segs = list(c.segments)
        if segs != [""]:
            while segs and segs[-1] == "":   # Java's split drops trailing empty strings
                segs.pop()
        if "" in segs:
            return True
    return False


class Bits:
    """The index for events that hold one value per path (no array of objects on a path,
    no dotted key merging two values): each alternative is a bit, and each path a
    :class:`Group` whose edges lead to bits instead of nodes.  The alternatives that hold
    are the AND over the paths of the bits each value accepts (with the bits of the
    alternatives that do not test the path), a few big-integer operations per path
    whatever the number of patterns."""

    __slots__ = ("paths", "all", "names", "simple", "tree", "core")

    def __init__(self, entries, path_rank: dict[str, int]) -> None:
        groups: dict[str, Group] = {}
        tested: dict[str, int] = {}
        rank: dict[str, int] = {}
        for i, (_name, conditions, keep_empty) in enumerate(entries):
            bit = 1 << i
            for cond in conditions:
                key = plan_key(cond, keep_empty)
                group = groups.get(key)
                if group is None:
                    group = groups[key] = Group(key, cond.segments)
                    tested[key] = 0
                    rank[key] = path_rank[cond.path]
                tested[key] |= bit
                for m in cond.matchers:
                    m.file(group, bit)
        self.all = everything = (1 << len(entries)) - 1
        paths = []
        for key in sorted(groups, key=rank.__getitem__):
            group = groups[key]
            group.finish()
            _combine_bits(group)
            free = everything & ~tested[key]
            absent = free
            for bit in group.absent:
                absent |= bit
            fast = None
            if group.strings_only:
                fast = {}
                for value, bits in group.strings.items():
                    mask = free
                    for bit in bits:
                        mask |= bit
                    fast[value] = mask
            paths.append((key, group, free, absent, fast))
        self.paths = tuple(paths)
        self.tree = _tree(paths, everything)
        self.names = tuple(name for name, _, _ in entries)
        #: names ascend with the bits, one bit each: names_of gives them in order, once
        self.simple = all(a < b for a, b in zip(self.names, self.names[1:]))
        self.core = None   # the compiled core's plan of this index, made on first use

    def match(self, values: dict) -> int:
        """The bits of the alternatives that hold for ``values`` (no :class:`Many`)."""
        m = self.all
        for key, group, free, absent, fast in self.paths:
            v = values.get(key, MISSING)
            if v is MISSING:
                m &= absent
            elif fast is not None:
                m &= fast.get(v, free) if type(v) is str else free
            else:
                m &= group.bits_of(v, free)
            if not m:
                return 0
        return m

    def match_doc(self, doc, exact: bool = True) -> int:
        """:meth:`match` straight from a document, without :func:`flatten`: the objects on
        the paths are read key by key and each value ANDed in as it is met.  Raise
        :class:`Inexact` when the document is not that simple (an array, a dotted or
        non-string key, a Mapping that is not a dict, a value that is not plain JSON; with
        ``exact=False``, a zero or subnormal float): the caller then takes the general
        path."""
        m = self.all
        stack = [(doc, self.tree[""])]
        join = "".join
        while stack:
            obj, entries = stack.pop()
            if type(obj) is not dict:
                raise Inexact
            try:
                if "." in join(obj):
                    raise Inexact
            except TypeError:   # a key that is not a string
                raise Inexact from None
            get = obj.get
            for key, leaf, inner, missing, below in entries:
                v = get(key, MISSING)
                if v is MISSING:
                    m &= missing
                    continue
                tv = type(v)
                if tv is dict:
                    if inner is not None:
                        stack.append((v, inner))
                    if leaf is not None:     # an object is not a value: the path is absent
                        m &= leaf[2]
                    continue
                if tv is str:
                    if leaf is not None:
                        group, free, absent, fast = leaf
                        if fast is not None:
                            m &= fast.get(v, free)
                            if inner is not None:
                                m &= below
                            continue
                    else:
                        m &= below
                        continue
                elif tv is list or tv is tuple or tv not in LEAF_TYPES:
                    raise Inexact
                elif tv is int:
                    _check_int(v)
                elif tv is float and not exact and -_MIN_NORMAL < v < _MIN_NORMAL:
                    raise Inexact
                if inner is not None:
                    m &= below
                if leaf is not None:
                    group, free, absent, fast = leaf
                    m &= free if fast is not None else group.bits_of(v, free)
            if not m:
                return 0
        return m

    def names_of(self, m: int) -> list:
        """The names of the alternatives whose bits are set in ``m``, lowest bit first
        (with repeats when a name has several alternatives)."""
        names = self.names
        out = []
        while m:
            low = m & -m
            out.append(names[low.bit_length() - 1])
            m ^= low
        return out


def _tree(paths, everything: int) -> dict:
    """For :meth:`Bits.match_doc`: per object prefix (``""``, ``"a."``), the keys to read
    there as ``(key, leaf, inner, missing, below)``: ``leaf`` the path's
    ``(group, free, absent, fast)`` when a pattern tests the key's path, ``inner`` the
    entries of the object below it when a pattern tests a longer path, ``missing`` the
    mask when the key is absent (every path at or below it absent) and ``below`` the mask
    when it holds a value but no object (the paths below it absent)."""
    leaves = {key: (group, free, absent, fast) for key, group, free, absent, fast in paths}
    children: dict[str, dict[str, None]] = {"": {}}
    for key in leaves:
        parts = key.split(".")
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i - 1])
            children.setdefault(prefix + "." if prefix else "", {})[parts[i - 1]] = None

    def absent_below(prefix: str) -> int:
        mask = everything
        for path, (_, _, absent, _) in leaves.items():
            if path.startswith(prefix):
                mask &= absent
        return mask

    tree: dict[str, tuple] = {}
    for prefix, keys in children.items():
        entries = []
        for key in keys:
            path = prefix + key
            leaf = leaves.get(path)
            inner = path + "." if path + "." in children else None
            below = absent_below(path + ".") if inner else everything
            missing = below & (leaf[2] if leaf else everything)
            entries.append((key, leaf, inner, missing, below))
        tree[prefix] = tuple(entries)
    for prefix in sorted(tree, key=lambda p: -p.count(".")):   # deepest first: link each
        entries = tree[prefix]                                   # key to the entries below
        tree[prefix] = tuple((k, leaf, tree.get(inner) if inner else None, missing, below)
                             for k, leaf, inner, missing, below in entries)
    return tree


def _or(bits) -> list:
    mask = 0
    for bit in bits:
        mask |= bit
    return [mask] if mask else []


def _combine_bits(group: "Group") -> None:
    """Fold the lists of bits a group's lookups return into one integer each."""
    for table in (group.strings, group.numbers, group.texts, group.ips):
        for key, bits in table.items():
            table[key] = _or(bits)
    group.trues = _or(group.trues)
    group.falses = _or(group.falses)
    group.nulls = _or(group.nulls)
    group._cells = [_or(cell) for cell in group._cells]


class Index:
    """The one index of a pattern or a set: ``root`` (the trie walked with array trails),
    ``bits`` (the same alternatives as bits, for events with one value per path) and the
    ``plan`` of paths for :func:`flatten` (``None`` when some path has an empty step: then
    values are read path by path, see :class:`_PathValues`).  :meth:`find` is the one walk
    over events that :class:`PatternSet`, :meth:`EventPattern.matches` and
    :meth:`EventPattern.explain` use."""

    __slots__ = ("root", "plan", "bits")

    def __init__(self, entries, path_rank: dict[str, int]) -> None:
        entries = list(entries)
        self.root = build_index(entries, path_rank)
        paths = {c.path for _, conds, _ in entries for c in conds}
        plain = all("" not in p.split(".") for p in paths)
        self.plan = Plan(paths) if plain else None
        self.bits = Bits(entries, path_rank) if plain else None

    def values(self, doc):
        """The values of the event ``doc`` (a dict) for this index: ``(values, many)``."""
        if self.plan is not None:
            return flatten(doc, self.plan)
        return _PathValues(doc), True

    def read(self, event):
        """The values of ``event`` (a dict or JSON text) for this index: ``(values, many)``;
        a :class:`RumRulesError` when it is not a JSON object."""
        if self.plan is not None:
            return event_values(event, self.plan)
        return _PathValues(load_event(event)), True

    def find(self, event, first: bool = False) -> set:
        """The names of the alternatives that ``event`` satisfies (with ``first``: at least
        the first one found, when there is one)."""
        values, many = self.read(event)
        return self.find_values(values, many, first)

    def find_values(self, values, many: bool, first: bool = False) -> set:
        """:meth:`find` for values already read."""
        if not many:
            m = self.bits.match(values)
            if not m:
                return set()
            return set(self.bits.names_of(m))
        return walk(self.root, values, first)

    def find_ordered(self, event) -> list:
        """The names :meth:`find` gives, ascending (the order of :class:`PatternSet`)."""
        bits = self.bits
        if bits is not None:
            if _core.C is not None:   # the compiled core, when built (None: Python answers)
                found = _core.find(bits, event)
                if found is not None:
                    return found
            if type(event) is dict:
                doc, exact = event, True
            else:
                doc, exact = _fast_doc(event), False
            if doc is not None:
                found = _ordered_doc(bits, doc, exact)
                if found is not None:
                    return found
        values, many = self.read(event)
        if not many:
            return _ordered(self.bits, self.bits.match(values))
        return sorted(walk(self.root, values))

    def find_ordered_key(self, text, key: str, trie: tuple | None = None) -> tuple | None:
        """:meth:`find_ordered` of a ``str`` text and the top-level integer at ``key`` (and,
        with ``trie``, the members it names; see ``_core.find_key``) in one pass of the
        compiled core; ``None`` when it is not in use or declines the text."""
        bits = self.bits
        if bits is None:
            return None
        return _core.find_key(bits, text, key, trie)

    def key_finder(self, key: str, trie: tuple | None = None):
        """:meth:`find_ordered_key` as one callable of the text (``None`` when the compiled
        core is not in use or cannot take this index)."""
        bits = self.bits
        if bits is None:
            return None
        return _core.key_finder(bits, key, trie)

    def points_feeder(self, key: str, by_name, spec: tuple):
        """``_core.points_feeder`` of this index (``None`` when the compiled core is not in
        use or cannot take it)."""
        bits = self.bits
        if bits is None:
            return None
        return _core.points_feeder(bits, key, by_name, spec)

    def find_ordered_read(self, doc, exact: bool) -> list | None:
        """:meth:`find_ordered` for a document already read: by :func:`load_event` or given
        as a dict (``exact``), or by the fast reader (not ``exact``: then ``None`` when a
        value matching reads is one only the exact reading knows, a zero or subnormal
        float; the caller reads the text with :func:`load_event` and asks again)."""
        if exact:
            return self.find_ordered(doc)
        bits = self.bits
        if bits is not None:
            found = _ordered_doc(bits, doc, False)
            if found is not None:
                return found
        if self.plan is None:
            return None
        try:
            values, many = flatten(doc, self.plan, exact=False)
        except Inexact:
            return None
        return sorted(self.find_values(values, many))


def _ordered(bits, m) -> list:
    """The names of the set bits ``m``, ascending."""
    if not m:
        return []
    if bits.simple:
        return bits.names_of(m)
    return sorted(set(bits.names_of(m)))


def _ordered_doc(bits, doc, exact: bool) -> list | None:
    """:func:`_ordered` of ``bits`` matched straight from a read document; ``None`` when a
    value there is one only the exact reading knows (the caller reads the text again)."""
    try:
        m = bits.match_doc(doc, exact)
    except Inexact:
        return None
    return _ordered(bits, m)


class _PathValues(dict):
    """Values read path by path (patterns with empty steps): filled on first use."""

    __slots__ = ("doc",)

    def __init__(self, doc) -> None:
        super().__init__()
        self.doc = doc

    def get(self, key, default=None):
        if key in self:
            return self[key]
        keep = not key.startswith("\x01")
        path = key[1:] if not keep else key
        items = path_values(self.doc, tuple(path.split(".")), keep_empty=keep)
        for v, _ in items:
            if type(v) is int:
                _check_int(v)
        if not items:
            value = MISSING
        elif len(items) == 1 and not items[0][1]:
            value = items[0][0]
        else:
            value = Many(items)
        self[key] = value
        return default if value is MISSING else value


def walk(root: Node, values: dict, first: bool = False) -> set:
    """The one walk of an event through an index: the names of the alternatives that hold.

    ``values`` (from :meth:`Index.values`) maps a group's key to the event's value there,
    or to a :class:`Many` with array trails.  The walk follows the edges the values satisfy;
    each state carries the array elements chosen so far, and a value is used only when its
    trail agrees with them (array consistency).  ``first`` stops at the first name found.
    (Events with one value per path go through :class:`Bits` instead.)
    """
    found: set = set()
    states: list = [(root, ())]
    pop = states.pop
    push = states.append
    while states:
        node, assign = pop()
        if node.ends:
            found.update(node.ends)
            if first:
                return found
        for key, group in node.groups:
            v = values.get(key, MISSING)
            if v is MISSING:
                for child in group.absent:
                    push((child, assign))
                continue
            if type(v) is not Many:
                for child in group.lookup(v):
                    push((child, assign))
                continue
            seen: set = set()
            compatible = False
            for value, trail in _candidates(v, assign):
                here = assign
                if trail:
                    here = combine_trails(assign, trail)
                    if here is None:
                        continue
                compatible = True
                for child in group.lookup(value):
                    k = (id(child), here)
                    if k not in seen:
                        seen.add(k)
                        push((child, here))
            if not compatible:
                for child in group.absent:
                    push((child, assign))
    return found


def _candidates(many: Many, assign: tuple):
    """The items of ``many`` whose outermost array element agrees with ``assign``, found
    through an index of the items by that element (so matching two fields inside one array
    of n objects costs n, not n * n)."""
    items = many.items
    if not assign or len(items) < 8:
        return items
    by = many.by_first
    if by is None:
        by = many.by_first = ({}, [])
        for item in items:
            trail = item[1]
            if trail:
                aid, i = trail[0]
                by[0].setdefault(aid, {}).setdefault(i, []).append(item)
            else:
                by[1].append(item)
    arrays, free = by
    bound = dict(assign)
    out = list(free)
    for aid, per in arrays.items():
        i = bound.get(aid)
        if i is None:
            for lst in per.values():
                out.extend(lst)
        else:
            out.extend(per.get(i, ()))
    return out


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
        node.groups = tuple((g.key, g) for g in groups)
        node.ends = tuple(dict.fromkeys(node.ends))
        node._edges = {}
        for g in groups:
            stack.extend(g.children())
