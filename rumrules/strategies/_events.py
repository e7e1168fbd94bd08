"""Stored RUM documents that match, or do not match, a pattern: the hits and misses of each
matcher, placed at its path."""

from __future__ import annotations

import math
import random
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..errors import RumRulesError
from ..pattern import ABSENT, EventPattern, compile_pattern

from ._common import _BROWSERS, _COUNTRIES, _EVENT_TYPES, _MIN_NORMAL, _PAGES

# ---------------------------------------------------------------------------------- events

_ABSENT = ABSENT   # the field left out (the matcher types' own marker)
_UUIDS = ["cff852ba-f230-45cf-b1b7-b7fa57825a3d", "7571feb9-f2ab-42d4-bdca-f2d86dac83e2",
          "00000000-0000-0000-0000-000000000000", "5b6a3f1e-0c4d-4b8e-9a2f-1d3c5e7f9a0b"]


def _small_uuid(n: int) -> str:
    """A well-formed UUID from a small integer (cheap to draw, distinct per integer)."""
    return f"{n:08x}-{(n * 40503) % 65536:04x}-4{n % 4096:03x}-8{(n * 7) % 4096:03x}-" \
           f"{(n * 2654435761) % 2 ** 48:012x}"


_uuid = st.one_of(st.sampled_from(_UUIDS), st.integers(0, 2 ** 24).map(_small_uuid))


def _base_document(draw) -> dict:
    """A stored document as ingestion makes it (SPEC §3.2), with cheap draws."""
    etype = draw(st.sampled_from(_EVENT_TYPES))
    seconds = draw(st.integers(1_600_000_000, 1_900_000_000))
    ms = draw(st.integers(0, 999))
    session, user = draw(_uuid), draw(_uuid)
    app = "cff852ba-f230-45cf-b1b7-b7fa57825a3d"
    page = draw(st.sampled_from(_PAGES))
    metadata = {"version": "1.0.0", "domain": "example.com",
                "browserName": draw(st.sampled_from(_BROWSERS)),
                "countryCode": draw(st.sampled_from(_COUNTRIES)),
                "pageId": page, "deviceType": "desktop", "interaction": 0}
    if draw(st.booleans()):
        metadata["pageTags"] = draw(st.lists(st.sampled_from(["en", "beta", "checkout"]),
                                             min_size=1, max_size=3))
    doc = {
        "event_timestamp": seconds * 1000 + ms,
        "event_type": etype, "event_id": draw(_uuid), "event_version": "1.0.0",
        "log_stream": {"seconds": seconds, "nanos": ms * 1_000_000},
        "batch_id": draw(_uuid),
        "application_id": app, "application_Id": app, "application_name": "MyWebApp",
        "application_version": "1.0.0",
        "sessionId": session, "userId": user,
        "user_details": {"sessionId": session, "userId": user},
        "metadata": metadata,
        "event_details": {"version": "1.0.0",
                          "duration": draw(st.integers(0, 200_000)) / 10},
        "event_interaction": f"{page.replace('/', '%2F')}-0",
    }
    if draw(st.booleans()):
        doc["account_id"] = "123456789012"
    return doc


def _json_safe(v: Any) -> bool:
    """Leaf values that survive json.dumps and reading back unchanged (no inf/NaN, no
    subnormal doubles, which the reference prints differently)."""
    if type(v) is float:
        return math.isfinite(v) and (v == 0.0 or abs(v) >= _MIN_NORMAL)
    return True


def _accepts(m, v: Any) -> bool:
    """Does matcher ``m`` accept the leaf value ``v`` (``_ABSENT``: the field left out)?"""
    try:
        return m.accepts(v)
    except Exception:  # pragma: no cover - a matcher that cannot take the value
        return False


def _cond_accepts(c, v: Any) -> bool:
    return any(_accepts(m, v) for m in c.matchers)


def _hits(m) -> list:
    """Leaf values that ``m`` accepts: the matcher type's own (checked by the caller)."""
    return m.hits()


def _misses(m) -> list:
    """Leaf values just outside what ``m`` accepts: the matcher type's own, unchecked."""
    return m.misses()


_GENERIC_MISSES = [_ABSENT, "zz-other", 12345, True, None]


def _key(v: Any) -> tuple:
    """Identity of a leaf value (``1``, ``1.0`` and ``True`` are different values)."""
    if type(v) is float and v == 0.0:
        return (float, math.copysign(1.0, v))
    return (type(v), v)


def _dedup(values) -> list:
    seen, out = set(), []
    for v in values:
        k = _key(v)
        if k not in seen:
            seen.add(k)
            out.append(v)
    return out


def _dynamic_hits(m):
    """A strategy of further values ``m`` may accept (checked by the caller), or None: the
    matcher type's own."""
    return m.hit_strategy(st)


def _is_prefix(p: tuple, q: tuple) -> bool:
    return len(p) < len(q) and q[:len(p)] == p


class _Plan:
    """What one pattern needs from documents: per condition, the values that satisfy it
    (a strategy) and the near misses that do not."""

    def __init__(self, pattern: EventPattern) -> None:
        self.pattern = pattern
        self.alts = pattern.alternatives
        conds: dict[int, Any] = {}
        for alt in self.alts:
            for c in alt:
                conds.setdefault(id(c), c)
        self.conds = conds
        # ---- satisfying values
        self.hit: dict[int, st.SearchStrategy | None] = {}
        for cid, c in conds.items():
            options = []
            for m in c.matchers:
                ok = [v for v in _dedup(_hits(m)) if _json_safe(v) and _accepts(m, v)]
                if not ok:
                    continue
                fixed = st.sampled_from(ok)
                dyn = _dynamic_hits(m)
                if dyn is not None:
                    first = ok[0]
                    fixed = st.one_of(fixed, dyn.map(
                        lambda v, m=m, first=first: v if _json_safe(v) and _accepts(m, v)
                        else first))
                options.append(fixed)
            self.hit[cid] = st.one_of(options) if options else None
        self.usable = [alt for alt in self.alts if all(self.hit[id(c)] is not None for c in alt)]
        self.clean = [alt for alt in self.usable if self._clean(alt)]
        # ---- near misses, per path: candidates, and which of them fail each condition
        by_path: dict[tuple, list] = {}
        for c in conds.values():
            by_path.setdefault(c.segments, []).append(c)
        self.cands: dict[tuple, list] = {}
        for path, cs in by_path.items():
            values = [v for c in cs for m in c.matchers for v in _misses(m)] + _GENERIC_MISSES
            self.cands[path] = [v for v in _dedup(values) if _json_safe(v)]
        self.by_path = by_path
        self.fails: dict[int, list[int]] = {
            cid: [i for i, v in enumerate(self.cands[c.segments]) if not _cond_accepts(c, v)]
            for cid, c in conds.items()}

    @staticmethod
    def _clean(alt) -> bool:
        paths = [c.segments for c in alt]
        return not any(_is_prefix(p, q) for p in paths for q in paths)

    # ------------------------------------------------------------------ non-matching
    def spoil(self, rnd: random.Random, budget: int = 20_000):
        """path -> candidate index such that every alternative has a condition that its
        path's value fails; ``None`` when none exists among the candidates; ``...`` when
        the search gave up (budget)."""
        alts = self.alts
        order = list(range(len(alts)))
        rnd.shuffle(order)
        assign: dict[tuple, int] = {}
        cands, fails = self.cands, self.fails

        def failed(alt) -> bool:
            for c in alt:
                i = assign.get(c.segments)
                if i is not None and i in fails_sets[id(c)]:
                    return True
            return False

        fails_sets = {cid: frozenset(ix) for cid, ix in fails.items()}

        def compatible(path: tuple, i: int) -> bool:
            present = cands[path][i] is not _ABSENT
            for q, j in assign.items():
                if _is_prefix(path, q) and cands[q][j] is not _ABSENT:
                    return False
                if _is_prefix(q, path) and present:
                    return False
            return True

        def options(alt) -> list:
            out = []
            conds = list(alt)
            rnd.shuffle(conds)
            for c in conds:
                p = c.segments
                if p in assign:
                    continue
                ix = [i for i in fails[id(c)] if compatible(p, i)]
                rnd.shuffle(ix)
                out += [(p, i) for i in ix]
            return out

        frames: list[list] = []
        pos, steps = 0, 0
        while True:
            steps += 1
            if steps > budget:
                return ...
            if pos == len(order):
                return dict(assign)
            alt = alts[order[pos]]
            if failed(alt):
                frames.append([pos, None, 0])
                pos += 1
                continue
            frames.append([pos, options(alt), 0])
            while True:  # take the next option of the newest frame, backtracking as needed
                if not frames:
                    return None
                frame = frames[-1]
                at, opts, k = frame
                if opts is None:
                    frames.pop()
                    continue
                if k > 0:
                    del assign[opts[k - 1][0]]
                if k < len(opts):
                    path, i = opts[k]
                    assign[path] = i
                    frame[2] = k + 1
                    pos = at + 1
                    break
                frames.pop()


def _put(doc: dict, segments: tuple[str, ...], value: Any) -> None:
    node = doc
    for seg in segments[:-1]:
        nxt = node.get(seg)
        if not isinstance(nxt, dict):
            if value is _ABSENT:
                return  # nothing there to remove
            nxt = node[seg] = {}
        node = nxt
    if value is _ABSENT:
        node.pop(segments[-1], None)
    else:
        node[segments[-1]] = value


def _get(doc: dict, segments: tuple[str, ...]) -> Any:
    node: Any = doc
    for seg in segments:
        if not isinstance(node, dict) or seg not in node:
            return _ABSENT
        node = node[seg]
    return node


_DECOYS = ["zz-decoy", 0, False, None, "Chrome"]


def _place(draw, doc: dict, values: list[tuple[tuple, Any]], *, leaf_extras=None,
           wrap_nodes: str = "none") -> None:
    """Put ``values`` (path, leaf) into ``doc``; present values first, then removals.

    ``leaf_extras(path, value)`` lists the values that may share an array with ``value``
    (``None``: leaves stay scalars).  ``wrap_nodes``: ``"none"``; ``"single"`` (objects on
    the paths may become one-element arrays); ``"decoy"`` (also with a decoy element)."""
    present = sorted(((p, v) for p, v in values if v is not _ABSENT), key=lambda pv: len(pv[0]))
    for path, v in present:
        if leaf_extras is not None and draw(st.integers(0, 3)) == 0:
            extras = leaf_extras(path, v)
            shape = draw(st.sampled_from(["one", "nested", "before", "after"] if extras
                                         else ["one", "nested"]))
            if shape == "one":
                v = [v]
            elif shape == "nested":
                v = [[v]]
            else:
                extra = draw(st.sampled_from(extras))
                v = [extra, v] if shape == "before" else [v, extra]
        _put(doc, path, v)
    for path, v in values:
        if v is _ABSENT:
            _put(doc, path, v)
    if wrap_nodes == "none" or not draw(st.booleans()):
        return
    prefixes = sorted({p[:n] for p, _ in values for n in range(1, len(p))}, key=len,
                      reverse=True)
    for prefix in prefixes:  # deepest first, so that parents are still objects
        parent = _get(doc, prefix[:-1]) if len(prefix) > 1 else doc
        if not isinstance(parent, dict) or not isinstance(parent.get(prefix[-1]), dict):
            continue
        if draw(st.integers(0, 2)):
            continue
        node = parent[prefix[-1]]
        if wrap_nodes == "decoy" and draw(st.booleans()):
            decoy = draw(st.sampled_from([{}, {"zz_decoy": 1}]))
            parent[prefix[-1]] = draw(st.sampled_from([[node, decoy], [decoy, node]]))
        else:
            parent[prefix[-1]] = [node]


def _split_options(plan: _Plan) -> list:
    """For a pattern of one alternative: (c1, c2, shared prefix) where c1 and c2 can be
    satisfied in two different elements of one array, c2 missed in c1's element — a
    document that array consistency must refuse."""
    if len(plan.alts) != 1 or not plan.clean:
        return []
    alt = plan.alts[0]
    out = []
    for c1 in alt:
        if any(m.accepts_absence for m in c1.matchers):
            continue
        for c2 in alt:
            if c2 is c1:
                continue
            n = 0
            while n < min(len(c1.segments), len(c2.segments)) - 1 and \
                    c1.segments[n] == c2.segments[n]:
                n += 1
            misses = [i for i in plan.fails[id(c2)]
                      if plan.cands[c2.segments][i] is not _ABSENT]
            if n and misses:
                out.append((c1, c2, c1.segments[:n], misses))
    return out


def _compiled(target: str | bytes | EventPattern) -> EventPattern:
    if isinstance(target, EventPattern):
        return target
    try:
        return compile_pattern(target, dialect="eventbridge")
    except RumRulesError as e:
        raise InvalidArgument(f"not an EventPattern: {e}") from None


def _matching_builder(pattern: EventPattern):
    plan = _Plan(pattern)
    if not plan.usable:
        raise InvalidArgument(f"events(matching=...): no document matches {pattern.text!r}")
    choices = plan.clean or plan.usable

    @st.composite
    def build(draw):
        doc = _base_document(draw)
        alt = draw(st.sampled_from(choices))
        values = [(c.segments, draw(plan.hit[id(c)])) for c in alt]
        _place(draw, doc, values, leaf_extras=lambda path, v: _DECOYS, wrap_nodes="decoy")
        return doc

    return build()


def _not_matching_builder(pattern: EventPattern):
    plan = _Plan(pattern)
    if plan.spoil(random.Random(0)) is None:
        raise InvalidArgument(
            f"events(not_matching=...): every document matches {pattern.text!r} (its "
            "alternatives together accept any value of their fields, e.g. exists true or "
            "exists false on one field), so no non-matching document exists")
    splits = _split_options(plan)

    def extras(path: tuple, v: Any) -> list:
        """Other values of ``path`` that fail every condition ``v`` fails."""
        cands = plan.cands[path]
        relied = [c for c in plan.by_path[path] if not _cond_accepts(c, v)]
        return [w for w in cands if w is not _ABSENT and _key(w) != _key(v)
                and not any(_cond_accepts(c, w) for c in relied)]

    @st.composite
    def build(draw):
        doc = _base_document(draw)
        if splits and draw(st.integers(0, 3)) == 0:
            return _split_document(draw, plan, doc, draw(st.sampled_from(splits)))
        assign = plan.spoil(draw(st.randoms(use_true_random=False)))
        if not isinstance(assign, dict):
            reject()
        spoiled = {path: plan.cands[path][i] for path, i in assign.items()}
        near = draw(st.sampled_from(plan.alts))  # a near miss of this alternative
        values = []
        for c in near:
            p = c.segments
            if p in spoiled or plan.hit[id(c)] is None:
                continue
            if any(_is_prefix(p, q) or _is_prefix(q, p) for q in spoiled):
                continue
            values.append((p, draw(plan.hit[id(c)])))
        # satisfied fields first, so that the spoiled ones are placed last and stay
        _place(draw, doc, values, leaf_extras=lambda path, v: _DECOYS)
        _place(draw, doc, list(spoiled.items()), leaf_extras=extras, wrap_nodes="single")
        return doc

    return build()


def _split_document(draw, plan: _Plan, doc: dict, option) -> dict:
    c1, c2, prefix, misses = option
    alt = plan.alts[0]
    values = []
    for c in alt:
        v = plan.cands[c2.segments][draw(st.sampled_from(misses))] if c is c2 else \
            draw(plan.hit[id(c)])
        values.append((c.segments, v))
    _put(doc, prefix, {})  # a fresh object under the prefix: the array's first element
    _place(draw, doc, values)
    first = _get(doc, prefix)
    second: dict = {}
    _put(second, c2.segments[len(prefix):], draw(plan.hit[id(c2)]))
    arr = draw(st.sampled_from([[first, second], [second, first]]))
    if len(prefix) == 1:
        doc[prefix[0]] = arr
    else:
        _get(doc, prefix[:-1])[prefix[-1]] = arr
    return doc


def events(*, matching: str | EventPattern | None = None,
           not_matching: str | EventPattern | None = None) -> st.SearchStrategy[dict]:
    """Stored RUM event documents (dicts).

    With ``matching``, every document matches that pattern (text, compiled with the
    ``eventbridge`` dialect, or an :class:`~rumrules.EventPattern`); with ``not_matching``,
    none does — near misses: one field just outside what its condition accepts in every
    ``$or`` alternative, or (for a pattern of one alternative) two fields satisfied in
    different elements of one array.  Values are sometimes wrapped in arrays and objects on
    the way to them in one-element (or, when matching, decoy-padded) arrays.

    Raise ``hypothesis.errors.InvalidArgument`` when no document can match ``matching``, or
    when every document matches ``not_matching`` (``{"$or": [{"a": [{"exists": true}]},
    {"a": [{"exists": false}]}]}``).
    """
    if matching is not None and not_matching is not None:
        raise InvalidArgument("give matching or not_matching, not both")
    if matching is not None:
        pattern = _compiled(matching)
        return _matching_builder(pattern).filter(pattern.matches)
    if not_matching is not None:
        pattern = _compiled(not_matching)
        return _not_matching_builder(pattern).filter(lambda d: not pattern.matches(d))
    return st.composite(lambda draw: _base_document(draw))()


def _unchecked_events(*, matching=None, not_matching=None) -> st.SearchStrategy[dict]:
    """:func:`events` without its final check against the library's own matcher: what
    rumrules' tests fuzz the matcher with (a document built to match that the matcher
    refuses is a bug of one of them, which the filter in :func:`events` would hide)."""
    if matching is not None:
        return _matching_builder(_compiled(matching))
    return _not_matching_builder(_compiled(not_matching))


