"""``rumrules backfill``: the rows equal MetricEngine's, one document at a time, for every
input format, --from/--to, --jobs 1 and 2 and every output format; --compare on definition
sets with known differences; errors name the file and line."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest

from tests.cli._helpers import run_cli

from ._data import (APP, T0, documents, new_definitions, old_definitions, reference_rows,
                    rows_of_jsonl, write)

INPUTS = ["jsonl", "jsonl.gz", "getappmonitordata", "cwlogs"]


@pytest.fixture(scope="module")
def docs():
    return documents()


@pytest.fixture(scope="module")
def files(tmp_path_factory, docs):
    d = tmp_path_factory.mktemp("backfill")
    out = {fmt: write(docs, d / f"events.{fmt}", fmt) for fmt in INPUTS}
    (d / "new.json").write_text(json.dumps(new_definitions()))
    (d / "old.json").write_text(json.dumps(old_definitions()))
    out["new"], out["old"] = d / "new.json", d / "old.json"
    out["dir"] = d
    return out


def _run(monkeypatch, capsys, *argv):
    return run_cli(["backfill", *map(str, argv)], monkeypatch, capsys)


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("fmt", INPUTS)
def test_rows_equal_the_engine_per_document(fmt, jobs, files, docs, monkeypatch, capsys):
    code, out, err = _run(monkeypatch, capsys, "--definitions", files["new"], files[fmt],
                          "--jobs", jobs)
    assert code == 0, err
    assert err == ""                      # quiet when standard error is not a terminal
    expected = reference_rows(new_definitions(), docs)
    assert len(expected) > 100
    assert rows_of_jsonl(out) == expected


@pytest.mark.parametrize("jobs", [1, 2])
def test_from_to_keep_the_window(jobs, files, docs, monkeypatch, capsys):
    start, end = T0 + 5 * 60_000 + 1234, T0 + 40 * 60_000
    code, out, _ = _run(monkeypatch, capsys, "--definitions", files["new"], files["jsonl"],
                        "--from", "2024-04-07T12:25:23.234Z", "--to", str(end), "--jobs", jobs)
    assert code == 0
    expected = reference_rows(new_definitions(), docs, start, end)
    assert expected and expected != reference_rows(new_definitions(), docs)
    assert rows_of_jsonl(out) == expected


def test_files_in_a_row_are_one_input(files, docs, monkeypatch, capsys):
    half = len(docs) // 2
    a = write(docs[:half], files["dir"] / "a.jsonl", "jsonl")
    b = write(docs[half:], files["dir"] / "b.cwlogs", "cwlogs")
    code, out, _ = _run(monkeypatch, capsys, "--definitions", files["new"], a, b, "--jobs", 1)
    assert code == 0
    assert rows_of_jsonl(out) == reference_rows(new_definitions(), docs)


def test_standard_input(files, docs, monkeypatch, capsys):
    data = files["jsonl"].read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))
    code, out, _ = _run(monkeypatch, capsys, "--definitions", files["new"], "-", "--jobs", 1)
    assert code == 0
    assert rows_of_jsonl(out) == reference_rows(new_definitions(), docs)


def test_csv_and_parquet_hold_the_same_rows(files, monkeypatch, capsys, tmp_path):
    code, out, _ = _run(monkeypatch, capsys, "--definitions", files["new"], files["jsonl"],
                        "--jobs", 1)
    jsonl = [json.loads(line) for line in out.splitlines()]
    code, out, _ = _run(monkeypatch, capsys, "--definitions", files["new"], files["jsonl"],
                        "--jobs", 1, "--format", "csv")
    assert code == 0
    table = list(csv.DictReader(io.StringIO(out)))
    assert [(r["metric"], json.loads(r["dimensions"]), r["timestamp"], int(r["sample_count"]),
             float(r["sum"]), float(r["minimum"]), float(r["maximum"]), r["unit"] or None)
            for r in table] == [
        (r["metric"], r["dimensions"], r["timestamp"], r["sample_count"], r["sum"],
         r["minimum"], r["maximum"], r["unit"]) for r in jsonl]
    import pyarrow.parquet as pq

    path = tmp_path / "rows.parquet"
    code, out, _ = _run(monkeypatch, capsys, "--definitions", files["new"], files["jsonl"],
                        "--jobs", 1, "--format", "parquet", "--out", path)
    assert code == 0 and out == ""
    got = pq.read_table(path).to_pylist()
    assert [(r["metric"], json.loads(r["dimensions"]),
             r["timestamp"].strftime("%Y-%m-%dT%H:%M:%SZ"), r["sample_count"], r["sum"])
            for r in got] == [(r["metric"], r["dimensions"], r["timestamp"], r["sample_count"],
                               r["sum"]) for r in jsonl]


def test_compare_reports_the_known_differences(files, docs, monkeypatch, capsys, tmp_path):
    out_file = tmp_path / "rows.jsonl"
    code, out, _ = _run(monkeypatch, capsys, "--definitions", files["new"], "--compare",
                        files["old"], files["jsonl"], "--jobs", 2, "--out", out_file,
                        "--report-format", "json")
    assert code == 1                       # metrics differ
    report = json.loads(out)
    status = {(m["namespace"], m["metric"]): m["status"] for m in report["metrics"]}
    assert status == {
        ("AWS/RUM", "PageViewCount"): "same",
        ("RUM/CustomMetrics/Shop", "SlowNav"): "changed",
        ("RUM/CustomMetrics/Shop", "Errors"): "same",
        ("RUM/CustomMetrics/Shop", "CartValue"): "added",
        ("RUM/CustomMetrics/Shop", "Legacy"): "removed",
        ("RUM/CustomMetrics/All", "Everything"): "same",
    }
    assert report["summary"] == {"added": 1, "removed": 1, "changed": 1, "same": 3}
    ref_new = reference_rows(new_definitions(), docs)
    ref_old = reference_rows(old_definitions(), docs)
    by = {m["metric"]: m for m in report["metrics"]}
    for name, side, ref in [("SlowNav", "new", ref_new), ("SlowNav", "old", ref_old),
                            ("Legacy", "old", ref_old), ("CartValue", "new", ref_new)]:
        rows = [r for r in ref if r[1] == name]
        assert by[name][f"{side}_sample_count"] == sum(r[5] for r in rows)
        assert by[name][f"{side}_sum"] == pytest.approx(sum(r[6] for r in rows))
    assert by["SlowNav"]["new_sample_count"] > by["SlowNav"]["old_sample_count"]
    assert rows_of_jsonl(out_file.read_text()) == ref_new
    code, text, _ = _run(monkeypatch, capsys, "--definitions", files["new"], "--compare",
                         files["old"], files["jsonl"], "--jobs", 1)
    assert code == 1
    lines = text.splitlines()
    assert [line.split(";")[0] for line in lines[:-1]] == [   # sorted by metric
        "+ RUM/CustomMetrics/Shop CartValue: added", "- RUM/CustomMetrics/Shop Legacy: removed",
        "~ RUM/CustomMetrics/Shop SlowNav: changed"]
    assert lines[-1] == "1 added, 1 removed, 1 changed, 3 unchanged metrics"


def test_compare_with_itself_exits_0(files, monkeypatch, capsys):
    code, out, _ = _run(monkeypatch, capsys, "--definitions", files["new"], "--compare",
                        files["new"], files["jsonl"], "--jobs", 1)
    assert code == 0
    assert out == "0 added, 0 removed, 0 changed, 5 unchanged metrics\n"


def test_plot_writes_a_chart_per_metric(files, monkeypatch, capsys, tmp_path):
    png = tmp_path / "chart.png"
    code, _, _ = _run(monkeypatch, capsys, "--definitions", files["new"], "--compare",
                      files["old"], files["jsonl"], "--jobs", 1, "--plot", png)
    assert code == 1
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    import struct
    width, height = struct.unpack(">II", data[16:24])
    assert width == 1000 and height > 6 * 150     # two columns, six metrics


def test_progress_bar_on_a_terminal(files, monkeypatch, capsys):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    from rumrules.cli._backfill import _Progress
    tty = Tty()
    bar = _Progress(tty)
    bar.last -= 1
    bar(1000)
    bar.done("summary")
    assert "1,000 events read" in tty.getvalue() and "events/s" in tty.getvalue()
    assert tty.getvalue().endswith("\nsummary\n")
    pipe = io.StringIO()
    quiet = _Progress(pipe)
    quiet(1000)
    quiet.done("summary")
    assert pipe.getvalue() == ""


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_bad_line_names_file_and_line(jobs, files, docs, monkeypatch, capsys, tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = [json.dumps(d) for d in docs[:1500]]
    lines[1203] = '{"event_type": "x", '
    path.write_text("\n".join(lines) + "\n")
    code, out, err = _run(monkeypatch, capsys, "--definitions", files["new"], path,
                          "--jobs", jobs)
    assert code == 2
    assert err.startswith(f"rumrules: error: {path}:1204: event is not valid JSON")
    assert "Traceback" not in err


@pytest.mark.parametrize("argv, message", [
    (["--jobs", "0"], "--jobs must be 1 or more"),
    (["--from", "yesterday"], "--from 'yesterday' is not a time"),
    (["--from", "2024-04-08", "--to", "2024-04-07"], "--from must be before --to"),
    (["--format", "parquet"], "--format parquet writes a file"),
])
def test_usage_errors(argv, message, files, monkeypatch, capsys):
    code, _, err = _run(monkeypatch, capsys, "--definitions", files["new"], files["jsonl"], *argv)
    assert code == 2
    assert message in err


def test_unrecognised_input(files, monkeypatch, capsys, tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("hello\n")
    code, _, err = _run(monkeypatch, capsys, "--definitions", files["new"], path)
    assert code == 2
    assert f"{path}: not stored RUM events" in err


def test_app_monitor_name_from_the_first_document(files, docs, monkeypatch, capsys):
    code, out, _ = _run(monkeypatch, capsys, "--definitions", files["new"], files["cwlogs"],
                        "--jobs", 1, "--app-monitor-name", "Other")
    assert code == 0
    names = {json.loads(line)["dimensions"]["application_name"] for line in out.splitlines()}
    assert names == {"Other"}
    code, out, _ = _run(monkeypatch, capsys, "--definitions", files["new"], files["cwlogs"],
                        "--jobs", 1)
    assert {json.loads(line)["dimensions"]["application_name"]
            for line in out.splitlines()} == {APP}


def test_spawned_workers_give_the_same_rows(files, docs):
    """With another thread alive the workers are spawned (engines pickled), not forked."""
    import threading

    from rumrules import MetricEngine
    from rumrules.backfill import run_files
    from rumrules.backfill._run import _context

    stop = threading.Event()
    waiter = threading.Thread(target=stop.wait)
    waiter.start()
    try:
        assert _context().get_start_method() == "spawn"
        engine = MetricEngine(new_definitions(), app_monitor_name=APP)
        aggs, counts = run_files([engine], [str(files["getappmonitordata"])], jobs=2)
    finally:
        stop.set()
        waiter.join()
    assert counts.documents == len(docs)
    assert sorted(tuple(r) for r in aggs[0].rows()) == reference_rows(new_definitions(), docs)
