"""One index over many patterns: a trie of conditions in a shared path order.

Each alternative of each pattern is a chain of conditions sorted by a global path order (the
paths most patterns use come first), and the chains are merged into one trie: patterns that
test the same field with the same values share the node.  An edge is a value matcher on one
path; a node groups its outgoing edges by path, and looks the event's values up in each group:
exact strings, numbers, booleans and null through dicts, numeric ranges through sorted
boundaries, the other operators one by one.  Matching an event walks only the edges that its
values satisfy, so the work follows the partial matches, not the number of patterns.
"""

from __future__ import annotations

from bisect import bisect_right
from decimal import Decimal

from ..pattern._ip import parse_ip
from ..pattern._numbers import NumberText, event_number

__all__ = ["Node", "Group", "build_index"]

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


class Group:
    """The edges of one node on one path."""

    __slots__ = ("path_id", "segments", "strings", "numbers", "texts", "trues", "falses",
                 "nulls", "ips", "ranges", "others", "absent", "_bounds", "_cells")

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

    def finish(self) -> None:
        """With many ranges on one path, precompute the ranges of each elementary cell of
        the sorted boundaries: (-inf, p0), [p0], (p0, p1), [p1], ..., (pn, +inf)."""
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
            if self.ips:
                ip = parse_ip(value)
                if ip is not None and ip in self.ips:
                    found.extend(self.ips[ip])
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
            if self.ips and (t is int or t is NumberText):
                ip = parse_ip(str(value) if t is int else value.text)
                if ip is not None and ip in self.ips:
                    found.extend(self.ips[ip])
        for m, node in self.others:
            if m.test(value):
                found.append(node)
        return found


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
    elif kind == "numeric":
        group.ranges.append((m, node))
    elif kind == "exists" and not m.value:
        group.absent.append(node)
    else:
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
            for lst in (list(g.strings.values()) + list(g.numbers.values())
                        + list(g.texts.values()) + list(g.ips.values())
                        + [g.trues, g.falses, g.nulls, g.absent]):
                stack.extend(lst)
            stack.extend(n for _, n in g.ranges)
            stack.extend(n for _, n in g.others)
