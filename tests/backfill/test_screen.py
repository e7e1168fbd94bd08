"""The compiled core's first look at each text (``MetricEngine.screen``): the backfill reads
only the documents it finds matched (or cannot judge), and gives the same aggregates and
counts as reading every document; ``PatternSet.matches_key`` answers as ``matches``."""

from __future__ import annotations

import json
import math
import random

import pytest

from rumrules import MetricEngine, PatternSet, RumRulesError
from rumrules.backfill import Backfiller, Window
from rumrules.backfill._readers import Batch
from rumrules.pattern import _core

from ._data import APP, T0, documents, new_definitions, old_definitions

def _odd_lines(docs: list[dict]) -> list[bytes]:
    """The documents' lines, and lines whose time or text only the exact reading judges."""
    lines = [json.dumps(d, separators=(",", ":")).encode() for d in docs]
    base = dict(docs[0])
    for ts in (None, "1", 1.5e12, [T0], {"t": T0}, True, -5, 10 ** 15, 10 ** 16, 0, -0.0,
               T0 + 0.5, 2 ** 53 + 1):
        doc = dict(base)
        if ts is None:
            doc.pop("event_timestamp", None)
        else:
            doc["event_timestamp"] = ts
        lines.append(json.dumps(doc).encode())
    text = json.dumps(base)
    lines.append(text.replace("{", '{"event_timestamp": 1, ', 1).encode())   # twice: the last wins
    lines.append(text.replace("{", '{"x": {"event_timestamp": 5}, ', 1).encode())
    lines.append(b"\xef\xbb\xbf" + text.encode())   # a BOM
    lines.append(json.dumps(base, ensure_ascii=False).encode().replace(b"Chrome", "Chr\u00f6me".encode()))
    lines.append(text.replace('"metadata"', '"meta\\u0064ata"', 1).encode())
    return lines


def _run(engines, lines: list[bytes], window: Window, screen: bool):
    worker = Backfiller(engines, window)
    worker._screen = screen
    worker.feed(Batch("lines", b"\n".join(lines) + b"\n", "events.jsonl", 1))
    return [sorted(a.partials()) for a in worker.aggregators], worker.counts


@pytest.fixture(scope="module")
def engines():
    # the first without the definition that matches everything: documents go unread
    return [MetricEngine(new_definitions()[:-1], app_monitor_name=APP),
            MetricEngine(old_definitions(), app_monitor_name=APP)]


@pytest.mark.parametrize("window", [Window(), Window(T0 + 60_000 * 5, T0 + 60_000 * 40),
                                    Window(None, T0 + 60_000 * 20)])
@pytest.mark.parametrize("both", [False, True])
@pytest.mark.parametrize("core", ["c", "python"])
def test_screened_run_equals_reading_every_document(engines, window, both, core, request):
    request.getfixturevalue("compiled_core" if core == "c" else "pure_core")
    lines = _odd_lines(documents(600, seed=5))
    random.Random(1).shuffle(lines)
    chosen = engines if both else engines[:1]
    screened = _run(chosen, lines, window, True)
    read = _run(chosen, lines, window, False)
    assert screened == read
    assert read[1].documents == len(lines) and read[1].untimed > 0
    assert sum(read[1].points) > 0
    if core == "c" and not both:   # the screen left documents unread, read the unusual ones
        lo = -math.inf if window.start is None else window.start
        hi = math.inf if window.end is None else window.end
        rest = Backfiller(chosen, window)._screened(lines, lo, hi)[0]
        assert 0 < len(rest) < len(lines) * 0.8


def test_a_bad_line_is_named_as_before(engines):
    lines = [json.dumps(d).encode() for d in documents(50, seed=2)]
    lines.insert(30, b'{"event_timestamp": 1, "event_type": ')
    errors = []
    for screen in (True, False):
        with pytest.raises(RumRulesError) as e:
            _run(engines[:1], lines, Window(), screen)
        errors.append(e.value.message)
    assert errors[0] == errors[1] and "events.jsonl:31" in errors[0]


def test_matches_key_answers_as_matches(engines, compiled_core):
    ps = PatternSet("eventbridge")
    for i, d in enumerate(new_definitions()[:-1]):
        if d.get("EventPattern"):
            ps.add(str(i), d["EventPattern"])
    answered = 0
    for line in _odd_lines(documents(300, seed=9)):
        text = line.decode("utf-8", "replace")
        found = ps.matches_key(text, "event_timestamp")
        if found is None:
            continue
        answered += 1
        names, value = found
        assert names == ps.matches(text)
        ts = json.loads(text).get("event_timestamp")
        if value is not None:
            assert type(value) is int and value == ts
        elif text.count('"event_timestamp"') == 1:   # the key twice: the core says nothing
            assert not (type(ts) is int and abs(ts) < 10 ** 15)
        screen = engines[0].screen(text)
        assert screen is not None and screen[1] == value
        assert screen[0] == [i for i, *_ in engines[0].points(text)]
    assert answered >= 300
    assert ps.matches_key("{not json", "event_timestamp") is None
    assert ps.matches_key(b'{"event_timestamp": 1}', "event_timestamp") is None


def test_no_screen_without_the_compiled_core(engines, pure_core):
    assert engines[0].screen('{"event_timestamp": 1}') is None
    assert engines[0].screener() is None and engines[0].captured('{"a": 1}') is None


def test_captured_members_give_the_points_of_the_whole_document(engines, compiled_core):
    engine = engines[0]
    taken = 0
    for line in _odd_lines(documents(400, seed=4)):
        text = line.decode("utf-8", "replace")
        seen = engine.screen(text)
        doc = engine.captured(text)
        if seen is None or doc is None:
            continue
        taken += 1
        if seen[2] is not None:    # read in the screen's own pass: the same members
            assert seen[2] == doc
        else:
            assert not engine.read_points(doc, False, seen[0])
        points = engine.read_points(doc, False, seen[0])
        if points is not None:
            assert points == engine.points(text)
        whole = json.loads(text)
        if type(doc.get("event_timestamp")) is int:
            assert doc["event_timestamp"] == whole["event_timestamp"]
        assert set(doc) <= set(whole)
    assert taken >= 300
    assert engine.captured('{"metadata.pageId": "/x"}') is None     # a dotted key
    assert engine.captured('{"metadata": {"pageId": "\\u002fx"}}') is None   # an escape


def test_screener_answers_as_screen(engines, compiled_core):
    lines = _odd_lines(documents(200, seed=6))
    for engine in engines:     # the second has a definition with no pattern
        screener = engine.screener()
        assert screener is not None
        answers = [(screener(t), engine.screen(t)) for t in (x.decode("utf-8", "replace")
                                                              for x in lines)]
        assert all(a == b for a, b in answers)
        assert sum(a is not None and bool(a[0]) for a, _ in answers) > 20


def test_an_extension_without_the_first_look_reads_every_document(engines, monkeypatch):
    """An extension built from an older ``_ccore.c`` (no ``find_key``/``capture``): the
    backfill reads every document, with the same answers."""
    class Older:
        find = staticmethod(lambda plan, event: None)   # "Python, answer this"

    lines = _odd_lines(documents(200, seed=8))
    expected = _run(engines[:1], lines, Window(), False)
    monkeypatch.setattr(_core, "C", Older())
    engine = MetricEngine(new_definitions()[:-1], app_monitor_name=APP)
    assert engine.screen(lines[0].decode()) is None and engine.screener() is None
    assert engine.captured(lines[0].decode()) is None and engine.batch_feeder() is None
    assert _run([engine], lines, Window(), True) == expected


def test_an_extension_without_the_batch_loop_screens_each_document(engines, compiled_core,
                                                                    monkeypatch):
    """An extension built from a ``_ccore.c`` with ``find_key`` but no ``feed_points``: the
    backfill screens each text (the round before), with the same answers."""
    built = _core.BUILT

    class Older:
        def __getattr__(self, name):
            if name in ("feed_points", "Points"):
                raise AttributeError(name)
            return getattr(built, name)

    lines = _odd_lines(documents(200, seed=8))
    expected = _run(engines[:1], lines, Window(), False)
    monkeypatch.setattr(_core, "C", Older())
    engine = MetricEngine(new_definitions()[:-1], app_monitor_name=APP)
    assert engine.batch_feeder() is None and engine.screener() is not None
    assert _run([engine], lines, Window(), True) == expected


# --- the compiled core's loop over a whole batch (MetricEngine.batch_feeder) -----------------

def _probe(**md) -> str:
    return json.dumps({"event_type": ["probe"], "metadata": md} if md else {"event_type": ["probe"]})


_EXISTS = [{"exists": True}]
#: Definitions whose patterns leave the values read free: a ValueKey and a dimension of any
#: kind, a dimension that is never a value, one below an object, two dimensions of one name
#: (RUM402), one at the top level.
PROBE_DEFINITIONS = [
    {"Name": "Value", "Namespace": "T", "ValueKey": "event_details.v",
     "DimensionKeys": {"metadata.browserName": "Browser"}, "EventPattern": _probe(browserName=_EXISTS)},
    {"Name": "Absent", "Namespace": "T", "DimensionKeys": {"metadata.pageId": "Page"},
     "EventPattern": _probe(pageId=[{"exists": False}])},
    {"Name": "Deep", "Namespace": "T", "ValueKey": "event_details.v",
     "DimensionKeys": {"metadata.deep.er": "Deep"}, "EventPattern": _probe(deep={"er": _EXISTS})},
    {"Name": "Twice", "Namespace": "T", "DimensionKeys": {"metadata.a": "Same", "metadata.b": "Same"},
     "EventPattern": _probe(a=_EXISTS, b=_EXISTS)},
    {"Name": "Type", "Namespace": "T", "DimensionKeys": {"event_type": "Type"},
     "EventPattern": _probe()},
]

#: ValueKey values: plain numbers the core reads, and every kind it hands back or skips.
_VALUES = ["2500", "-12", "1.5", "-2.25", "0.1", "123456789012345", "1e2", "1E2", "1.50", "100.0",
           "0", "-0", "0.0", "-0.0", "0e5", "1e400", "-1e400", "9007199254740993",
           "123456789012345678901234", "5e-324", "2.5e-320", "1e-400", "1e-300", "4.36e-109",
           "4.3601508761683463e-109", "4.3e-109", "2.3485425827738332e+108", "2.35e108",
           "1e108", "1e-108", '"12"', "true", "false", "null", "{}", "[]", "[12]", '{"a": 1}']
#: Dimension values, as JSON texts.
_DIMS = ['"Chrome"', '""', json.dumps("x" * 1024), json.dumps("x" * 1025),
         json.dumps("\u00e9" * 1024, ensure_ascii=False), json.dumps("\u00e9" * 1025, ensure_ascii=False),
         json.dumps("Chr\u00f6me", ensure_ascii=False), json.dumps("Chr\u00f6me"),
         json.dumps("\U0001f600", ensure_ascii=False), '"a\\"b"', '"tab\\there"', "12", "12.5",
         "-0.0", "1e400", "9007199254740993", "true", "false", "null", "{}", "[]", '["a"]',
         '{"x": 1}']


def _probe_lines(t0: int) -> list[bytes]:
    """Documents every definition of :data:`PROBE_DEFINITIONS` matches, with each kind of
    value the compiled core reads or hands back (as JSON texts, so that duplicate keys,
    escapes and raw UTF-8 are written as they are)."""
    out = []
    t = t0

    def doc(v="2500", browser='"Chrome"', deep='"d"', a='"1"', b='"2"', page=None,
            extra_md="", extra_top="", ts=None):
        nonlocal t
        t += 977
        md = f'"browserName": {browser}, "deep": {{"er": {deep}}}, "a": {a}, "b": {b}'
        if page is not None:
            md += f', "pageId": {page}'
        text = (f'{{"event_timestamp": {t if ts is None else ts}, "event_type": "probe", '
                f'"metadata": {{{md}{extra_md}}}, "event_details": {{"v": {v}}}{extra_top}}}')
        out.append(text.encode())

    for v in _VALUES:
        doc(v=v)
    for d in _DIMS:
        doc(browser=d)
        doc(deep=d)
        doc(a=d, b='"same"')
        doc(page=d)
    doc(extra_md=', "browserName": "Again"')                       # a duplicate key
    doc(extra_top=', "event_details": {"v": 7}')                    # a duplicate object
    doc(extra_md=', "deep.er": "dotted"')                            # a dotted key below
    doc(extra_top=', "metadata.browserName": "dotted"')              # a dotted key above
    doc(extra_top=', "event_details.v": 5')
    doc(extra_md=', "x\\u0062": 1')                                  # an escaped key
    doc(deep='{"er": "nested"}')
    doc(v='{"v": 1}')
    out.append(b'{"event_timestamp": %d, "event_type": "probe", "metadata": {"browserName": "C"}}' % t)
    out.append(b'{"event_timestamp": %d, "event_type": "probe", "metadata": {"browserName": "C"}, "event_details": []}' % t)
    out.append(b'{"event_timestamp": %d, "event_type": "probe", "metadata": {"browserName": "C"}, "event_details": "v"}' % t)
    out.append(b'  {"event_timestamp": %d, "event_type": "probe"}  \r' % t)   # blanks around
    out.append(b'{"event_timestamp": %d, "event_type": "probe", "metadata": {"a": "\xc3\xa9", "b": "\xf0\x9f\x98\x80"}}' % t)
    return out


def _window_lines(lo: int, hi: int) -> list[bytes]:
    """Documents at the edges of a window ``[lo, hi)``."""
    return [json.dumps({"event_timestamp": ts, "event_type": "probe",
                        "metadata": {"browserName": "Edge"}, "event_details": {"v": 3}}).encode()
            for ts in (lo - 1, lo, lo + 1, hi - 1, hi, hi + 1)]


@pytest.fixture(scope="module")
def probe_engines():
    """With and without a definition that has no pattern (every document matches it)."""
    return [MetricEngine(new_definitions() + PROBE_DEFINITIONS, app_monitor_name=APP),
            MetricEngine(new_definitions()[:-1] + PROBE_DEFINITIONS, app_monitor_name=APP)]


def _all_lines(seed: int) -> list[bytes]:
    lo, hi = T0 + 60_000 * 5, T0 + 60_000 * 40
    lines = (_odd_lines(documents(400, seed=seed)) + _probe_lines(T0) + _probe_lines(lo - 30_000)
             + _window_lines(lo, hi) + [b"", b"   ", b"\t"])
    random.Random(seed).shuffle(lines)
    return lines


@pytest.mark.parametrize("window", [Window(), Window(T0 + 60_000 * 5, T0 + 60_000 * 40),
                                    Window(T0 + 60_000 * 5 + 0.5, None), Window(None, T0)])
@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize("core", ["c", "python"])
def test_batch_loop_equals_reading_every_document(probe_engines, window, which, core, request):
    """Every kind of value the compiled core's batch loop reads, skips or hands back gives
    the rows and counts of reading every document, in batches of lines (with blank lines)
    and of texts, and in CloudWatch Logs export lines."""
    request.getfixturevalue("compiled_core" if core == "c" else "pure_core")
    engine = probe_engines[which]
    lines = _all_lines(7 + which)
    fed = _run([engine], lines, window, True)
    read = _run([engine], lines, window, False)
    assert fed == read
    counts = read[1]
    assert counts.points[0] > 0 and counts.untimed > 0
    if window.end is None:
        assert counts.skipped[0] > 0
    if window != Window():
        assert counts.outside > 0
    texts = [x for x in lines if x.strip()]
    items = [x.decode() for x in texts if not x.startswith(b"\xef\xbb\xbf")]   # no BOM in a str
    for batch in (Batch("texts", items, "events.json", 0),
                  Batch("lines", b"\n".join(b"2024-04-07T12:20:22.000Z " + x for x in texts),
                        "events.cwlogs", 1, cwlogs=True)):
        worker = Backfiller([engine], window)
        worker.feed(batch)
        other = Backfiller([engine], window)
        other._screen = False
        other.feed(batch)
        assert ([sorted(a.partials()) for a in worker.aggregators], worker.counts) == \
               ([sorted(a.partials()) for a in other.aggregators], other.counts)
    if core == "c":    # the loop took most documents and handed the unusual ones back
        feed = engine.batch_feeder()
        table: dict = {}
        back, outside, skipped, fold, n = feed(b"\n".join(lines), -math.inf, math.inf, table, 16)
        assert n == len(texts) and len(texts) * 0.05 < len(back) < len(texts) * 0.5
        assert outside == 0 and skipped > 0 and table
        # a value the core does not read as the exact reading does: handed back
        kept = [texts[k] for k in range(n) if k not in set(back)]
        assert not any(b'"v": 0,' in x or b'"v": -0.0' in x or b'"v": 1e400' in x or
                       b"\\u00f6" in x or b'"browserName": 12' in x for x in kept)


def test_batch_loop_folds_and_counts_like_python(probe_engines, compiled_core):
    """Many values in one group: the loop names the keys that reached the fold size, the
    backfill folds them, and the rows are those of reading every document."""
    engine = probe_engines[1]
    lines = [json.dumps({"event_timestamp": T0 + i, "event_type": "probe",
                         "metadata": {"browserName": "B"},
                         "event_details": {"v": 1 + i / 7}}).encode() for i in range(500)]
    feed = engine.batch_feeder()
    table: dict = {}
    back, outside, skipped, fold, n = feed(lines, -math.inf, math.inf, table, 16)
    assert back == [] and n == 500 and fold and all(len(table[k]) >= 16 for k in fold)
    assert _run([engine], lines, Window(), True) == _run([engine], lines, Window(), False)


def test_batch_loop_on_hostile_input(probe_engines, compiled_core):
    """Wrong arguments are refused, anything that is not a text is handed back, and
    repeated calls leave no reference behind."""
    import sys

    engine = probe_engines[1]
    feed = engine.batch_feeder()
    table: dict = {}
    junk = [None, 1, 2.5, b"\xff\xfe{}", b"\xed\xa0\x80", "\ud800", "{", b"{" * 10_000,
            b'{"event_timestamp": 1' + b" " * 100, bytearray(b"{}"), b"[" * 300 + b"]" * 300,
            b'{"event_timestamp": 1, "event_type": "probe", "metadata": ' + b"{\"a\": " * 400]
    back, outside, skipped, fold, n = feed(junk, -math.inf, math.inf, table, 16)
    assert back == list(range(len(junk))) and n == len(junk) and not table
    line = json.dumps({"event_timestamp": T0, "event_type": "probe",
                       "metadata": {"browserName": "B"}, "event_details": {"v": 2.5}}).encode()
    texts = [line] * 50
    feed(texts, -math.inf, math.inf, table, 16)
    before = (sys.getrefcount(line), sys.getrefcount(texts), len(table))
    for _ in range(200):
        feed(texts, -math.inf, math.inf, table, 10 ** 9)
        feed(texts, math.inf, math.inf, table, 16)           # all outside
        feed(junk, -math.inf, math.inf, table, 16)
    assert (sys.getrefcount(line), sys.getrefcount(texts), len(table)) == before
    key = next(iter(table))
    table[key] = "not a list"
    with pytest.raises(TypeError):
        feed(texts, -math.inf, math.inf, table, 16)
    C = _core.BUILT
    plan = PatternSet("eventbridge")
    with pytest.raises(TypeError):
        C.feed_points(None, None, [], "k", 0.0, 1.0, {}, 16, False)
    for spec in [(), ((), (), 0, (), (), ("a", "b"), 1), ((5,), (), 0, (), (), ("a", "b")),
                 ((), (), 1, (("k", 3, None),), (), ("a", "b")),
                 ((), (), 1, (), ((0, ((7, "n"),), False),), ("a", "b")),
                 ((), (), 1, (), (), ("a", 1)), ((), (), 10 ** 6, (), (), ("a", "b"))]:
        with pytest.raises(TypeError):
            C.Points(spec)
    assert plan is not None


@pytest.mark.parametrize("core", ["c", "python"])
def test_batch_loop_property(probe_engines, core, request):
    """Hypothesis: any documents of the probes' shape, written compactly or not, ASCII or
    not, give the rows and counts of reading every document."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    request.getfixturevalue("compiled_core" if core == "c" else "pure_core")
    engine = probe_engines[1]
    leaf = st.one_of(st.none(), st.booleans(), st.integers(-(2 ** 70), 2 ** 70),
                     st.floats(allow_nan=False, allow_infinity=False),
                     st.text(max_size=8), st.sampled_from(["Chrome", "x" * 1025, "\u00e9"]))
    value = st.one_of(leaf, st.lists(leaf, max_size=2), st.dictionaries(st.sampled_from(["er", "v"]), leaf, max_size=2))
    stamp = st.one_of(st.integers(T0 - 120_000, T0 + 120_000), st.just("x"),
                      st.floats(T0 - 1e5, T0 + 1e5))
    md = st.fixed_dictionaries({}, optional={"browserName": value, "deep": value, "a": value,
                                             "b": value, "pageId": value, "deep.er": leaf})
    doc = st.fixed_dictionaries({"event_timestamp": stamp,
                                 "event_type": st.sampled_from(["probe", "probe", "other"])},
                                optional={"metadata": md,
                                          "event_details": st.fixed_dictionaries({}, optional={"v": value})})

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.tuples(doc, st.booleans(), st.booleans()), max_size=12),
           st.sampled_from([Window(), Window(T0 - 60_000, T0 + 60_000)]))
    def check(docs, window):
        lines = [json.dumps(d, ensure_ascii=a, separators=(",", ":") if c else None).encode()
                 for d, a, c in docs]
        if not lines:
            return
        assert _run([engine], lines, window, True) == _run([engine], lines, window, False)

    check()
