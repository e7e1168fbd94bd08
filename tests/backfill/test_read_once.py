"""Reading each document once, and workers reading their own byte ranges: ranges that tile
a file read every line once; ``--jobs 2`` over many small ranges gives the engine's rows and
names the line of a bad document; documents whose fast reading differs from the exact one
(zeros, subnormals, long numbers, float times) give what the engine gives from their text."""

from __future__ import annotations

import gzip
import json
import math
import random

import pytest

from rumrules import MetricEngine, RumRulesError
from rumrules.backfill import document_texts, read_batches, read_range, run_files, splittable

from ._data import APP, T0, documents, new_definitions, reference_rows, write


@pytest.fixture(scope="module")
def docs():
    return documents(400, seed=11)


@pytest.fixture(scope="module")
def plain(tmp_path_factory, docs):
    d = tmp_path_factory.mktemp("ranges")
    jsonl = write(docs, d / "events.jsonl", "jsonl")
    cwlogs = d / "events.cwlogs"
    cwlogs.write_bytes(gzip.decompress(write(docs, d / "events.cwlogs.gz", "cwlogs").read_bytes()))
    return {"jsonl": jsonl, "cwlogs": cwlogs, "gz": d / "events.cwlogs.gz",
            "page": write(docs, d / "events.json", "getappmonitordata")}


def _texts(batches) -> list[bytes]:
    return [t for b in batches for t in document_texts(b)]


def test_what_can_be_read_in_ranges(plain):
    assert splittable(str(plain["jsonl"])) == "jsonl"
    assert splittable(str(plain["cwlogs"])) == "cwlogs"
    assert splittable(str(plain["gz"])) is None          # gzip: read whole
    assert splittable(str(plain["page"])) is None        # GetAppMonitorData: read whole
    assert splittable("-") is None


@pytest.mark.parametrize("kind", ["jsonl", "cwlogs"])
def test_ranges_tile_a_file_reading_each_line_once(kind, plain):
    path = str(plain[kind])
    whole = _texts(read_batches(path))
    size = plain[kind].stat().st_size
    rng = random.Random(4)
    cuts_list = [list(range(0, size, step)) for step in (97, 1000, 4096, size)]
    cuts_list.append(sorted({0, *rng.sample(range(1, size), 40)}))
    for cuts in cuts_list:
        bounds = list(zip(cuts, cuts[1:] + [size]))
        got = _texts(b for start, end in bounds for b in read_range(path, kind, start, end))
        assert got == whole, cuts[:3]


@pytest.mark.parametrize("kind", ["jsonl", "cwlogs"])
def test_jobs_2_over_small_ranges_gives_the_engines_rows(kind, plain, docs):
    engine = MetricEngine(new_definitions(), app_monitor_name=APP)
    aggs, counts = run_files([engine], [str(plain[kind])], jobs=2, range_bytes=3000)
    assert counts.documents == len(docs)
    expected = reference_rows(new_definitions(), docs)
    assert len(expected) > 20
    assert sorted(tuple(r) for r in aggs[0].rows()) == expected


def test_a_run_leaves_no_thread_and_the_collector_as_it_was(plain, docs):
    """``--jobs 2`` ends its queue's feeder thread (else a next run in the same process
    would spawn its workers, each importing rumrules again) and gives the garbage
    collector back as the caller had it, paused or not."""
    import gc
    import threading

    from rumrules.backfill._run import _context

    engine = MetricEngine(new_definitions(), app_monitor_name=APP)
    before = set(threading.enumerate())
    for collecting in (True, False, True):
        (gc.enable if collecting else gc.disable)()
        try:
            aggs, counts = run_files([engine], [str(plain["jsonl"])], jobs=2, range_bytes=3000)
            assert set(threading.enumerate()) == before
            assert gc.isenabled() is collecting
        finally:
            gc.enable()
        assert counts.documents == len(docs) and len(aggs[0]) > 20
    if before == {threading.main_thread()}:
        assert _context().get_start_method() == "fork"


def test_a_bad_line_in_a_later_range_names_its_line(tmp_path, docs):
    path = tmp_path / "bad.jsonl"
    lines = [json.dumps(d) for d in docs]
    lines[301] = '{"event_type": '
    path.write_text("\n".join(lines) + "\n")
    engine = MetricEngine(new_definitions(), app_monitor_name=APP)
    with pytest.raises(RumRulesError) as e:
        run_files([engine], [str(path)], jobs=2, range_bytes=2000)
    assert e.value.message.startswith(f"{path}:302: event is not valid JSON")


# --- the one fast reading agrees with the exact one ----------------------------------------

DEFINITIONS = [
    {"Name": "Value", "Namespace": "T", "ValueKey": "event_details.v",
     "DimensionKeys": {"metadata.d": "D"},
     "EventPattern": json.dumps({"event_type": ["x"], "metadata": {"d": [{"exists": True}]}})},
    {"Name": "Small", "Namespace": "T", "ValueKey": "event_details.v",
     "EventPattern": json.dumps({"event_type": ["x"], "event_details": {"v": [{"numeric": ["<", 1]}]}})},
    {"Name": "ByD", "Namespace": "T", "DimensionKeys": {"metadata.d": "D"},
     "EventPattern": json.dumps({"metadata": {"d": [{"exists": True}]}})},
]

#: spellings that orjson reads otherwise than the exact reader, or that need a closer look
NUMBERS = ["0", "-0", "0.0", "-0.0", "1e-400", "-1e-400", "5e-324", "4.9e-324",
           "2.2250738585072014e-308", "1.10", "1E2", "274.9000000000001", "0.30000000000000001",
           "12345678901234567890", "-9223372036854775809", "1e300", "3", "2.5"]


def _doc_text(i: int, v: str, d: str, ts: str) -> str:
    return ('{"event_timestamp":%s,"event_type":"x","metadata":{"d":%s},'
            '"event_details":{"v":%s},"n":%d}' % (ts, d, v, i))


def _reference(texts: list[str]) -> list[tuple]:
    """The engine's data points from each text (read exactly), aggregated per minute."""
    engine = MetricEngine(DEFINITIONS, app_monitor_name=APP)
    groups: dict = {}
    for text in texts:
        ms = json.loads(text).get("event_timestamp")
        if type(ms) not in (int, float) or not math.isfinite(ms):
            continue
        for p in engine.process_documents([text]).data:
            ts = int(p.timestamp.timestamp())
            key = (p.namespace, p.name, p.unit, tuple(p.dimensions.items()), ts - ts % 60)
            groups.setdefault(key, []).append(p.value)
    return sorted((*k, len(v), math.fsum(v), min(v), max(v)) for k, v in groups.items())


@pytest.mark.parametrize("jobs", [1, 2])
def test_values_the_fast_reader_reads_otherwise_are_read_exactly(jobs, tmp_path):
    rng = random.Random(8)
    texts = []
    for i in range(600):
        ts = str(T0 + i * 1000)
        if i % 97 == 5:
            ts = rng.choice(["1712492422000.5", "1.712492422e12", "-0.0", "0.0"])
        texts.append(_doc_text(i, rng.choice(NUMBERS),
                               rng.choice(NUMBERS + ['"a"', '"b"']), ts))
    path = tmp_path / "numbers.jsonl"
    path.write_text("\n".join(texts) + "\n")
    engine = MetricEngine(DEFINITIONS, app_monitor_name=APP)
    aggs, counts = run_files([engine], [str(path)], jobs=jobs, range_bytes=4000)
    expected = _reference(texts)
    assert len(expected) > 30
    got = sorted(tuple(r) for r in aggs[0].rows())
    assert got == expected
    dims = {dict(r[3]).get("D") for r in got}
    # as the exact reading spells them (orjson reads -0.0, 1e-400 as 0.0, and so on)
    assert {"0.0", "1e-400", "4.9E-324", "0.30000000000000001", "12345678901234567890"} <= dims
    assert "-0.0" not in dims
