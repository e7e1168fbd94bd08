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
    assert engine.captured(lines[0].decode()) is None
    assert _run([engine], lines, Window(), True) == expected
