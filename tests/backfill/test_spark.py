"""rumrules.spark.backfill on ``local[2]``: exactly the CLI's rows, from JSON text, from
CloudWatch Logs export lines and from parsed documents; the spark-submit example's local
path mode.  Needs Java: without it these skip with the reason, except under CI, which
installs a JRE (.ci/run) and fails instead."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from ._data import APP, T0, documents, new_definitions, reference_rows, rows_of_jsonl, write

JAVA = shutil.which("java") or (os.environ.get("JAVA_HOME") and
                                shutil.which("java", path=str(Path(os.environ["JAVA_HOME"]) / "bin")))
NO_JAVA = "needs Java for Spark (apt-get install openjdk-17-jre-headless); CI installs it"
ROOT = Path(__file__).resolve().parents[2]


def test_java_is_present_in_ci():
    if not JAVA and not os.environ.get("CI"):
        pytest.skip(NO_JAVA)
    assert JAVA, "CI must have java for the Spark tests (.ci/run installs a JRE)"


needs_java = pytest.mark.skipif(not JAVA and not os.environ.get("CI"), reason=NO_JAVA)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (SparkSession.builder.master("local[2]").appName("rumrules-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.driver.memory", "512m")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def docs():
    return documents(2000, seed=5)


def _rows(df) -> list[tuple]:
    out = []
    for r in df.collect():
        out.append((r["namespace"], r["metric"], r["unit"],
                    tuple(json.loads(r["dimensions"]).items()),
                    int(r["timestamp"].timestamp()), r["sample_count"], r["sum"],
                    r["minimum"], r["maximum"]))
    return sorted(out)


def _cli_rows(path, monkeypatch, capsys, *extra) -> list[tuple]:
    from tests.cli._helpers import run_cli

    defs = path.parent / "defs.json"
    defs.write_text(json.dumps(new_definitions()))
    code, out, err = run_cli(["backfill", "--definitions", str(defs), str(path), "--jobs", "1",
                              *extra], monkeypatch, capsys)
    assert code == 0, err
    return rows_of_jsonl(out)


@needs_java
def test_json_text_gives_the_cli_rows(spark, docs, tmp_path, monkeypatch, capsys):
    from rumrules.spark import backfill

    path = write(docs, tmp_path / "events.jsonl", "jsonl")
    events = spark.read.text(str(path)).repartition(3)
    got = _rows(backfill(events, new_definitions(), app_monitor_name=APP))
    cli = _cli_rows(path, monkeypatch, capsys)
    assert got == cli
    assert cli == reference_rows(new_definitions(), docs)


@needs_java
def test_cloudwatch_logs_export_and_window(spark, docs, tmp_path, monkeypatch, capsys):
    from rumrules.spark import backfill

    path = write(docs, tmp_path / "000000.gz", "cwlogs")
    start, end = T0 + 10 * 60_000, T0 + 30 * 60_000
    got = _rows(backfill(spark.read.text(str(path)), new_definitions(), app_monitor_name=APP,
                         start=start, end=end))
    assert got == _cli_rows(path, monkeypatch, capsys, "--from", str(start), "--to", str(end))
    assert got == reference_rows(new_definitions(), docs, start, end)


@needs_java
def test_parsed_documents(spark, docs):
    from rumrules.spark import backfill

    # read.json gives a field one type over all rows: keep the documents whose fields have one
    plain = [d for d in docs if isinstance(d["event_timestamp"], int) and "metadata.pageId" not in d
             and not isinstance(d["event_details"].get("cartValue"), str)]
    frame = spark.read.json(spark.sparkContext.parallelize([json.dumps(d) for d in plain], 2))
    got = _rows(backfill(frame, new_definitions(), app_monitor_name=APP))
    assert got == reference_rows(new_definitions(), plain)


@needs_java
def test_definitions_are_checked_on_the_driver(spark):
    from rumrules import DefinitionError
    from rumrules.spark import backfill

    with pytest.raises(DefinitionError):
        backfill(spark.createDataFrame([("{}",)], "value string"),
                 [{"Name": "x y", "Namespace": "Bad!"}], app_monitor_name=APP)


@needs_java
def test_spark_submit_example_local_path(spark, docs, tmp_path, monkeypatch, capsys):
    sys.path.insert(0, str(ROOT / "examples" / "spark"))
    try:
        import backfill_export
    finally:
        sys.path.pop(0)
    args = backfill_export.parse_args(["--definitions", "d.json", "--app-monitor-name", APP,
                                       "s3://bucket/exports/rum/", "--out", "s3://b/o/"])
    assert (args.prefix, args.out, args.format) == ("s3://bucket/exports/rum/", "s3://b/o/",
                                                     "parquet")
    export = tmp_path / "export" / "task-1" / "stream-a"
    export.mkdir(parents=True)
    write(docs[:1000], export / "000000.gz", "cwlogs")
    write(docs[1000:], export / "000001.gz", "cwlogs")
    defs = tmp_path / "defs.json"
    defs.write_text(json.dumps({"MetricDefinitions": new_definitions()}))
    out = tmp_path / "rows"
    backfill_export.main(["--definitions", str(defs), "--app-monitor-name", APP,
                          str(tmp_path / "export"), "--out", str(out), "--format", "json"],
                         spark=spark)
    got = []
    for part in sorted(out.glob("part-*")):
        for line in part.read_text().splitlines():
            r = json.loads(line)
            got.append(r)
    assert len(got) == len(reference_rows(new_definitions(), docs))
    assert sum(r["sample_count"] for r in got) == sum(r[5] for r in reference_rows(new_definitions(), docs))
