"""spark-submit: what metric definitions would have published over a CloudWatch Logs export
of RUM events (``CwLogEnabled``; exported to S3 with ``aws logs create-export-task``).

    pip install 'rumrules[spark]'   # on the driver and the executors (EMR: a bootstrap action)
    spark-submit --files definitions.json backfill_export.py \\
        --definitions definitions.json --app-monitor-name MyWebApp \\
        --from 2024-04-01 --to 2024-04-08 \\
        s3://my-bucket/rum-export/ --out s3://my-bucket/rum-backfill/

The export prefix holds ``<task id>/<log stream>/000000.gz``, ... (gzip, each line an ISO
time, a space, the stored document); every ``.gz`` file below the prefix is read, and the
``aws-logs-write-test`` object the export writes is not.  A local directory works the same
(``file://`` or a plain path).  The rows (one per namespace, metric, dimension set and
minute) are written as Parquet (or ``--format json``/``csv``).
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone


def parse_args(argv=None) -> argparse.Namespace:
    """The command line of this script."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("prefix", help="the export prefix (s3://bucket/prefix/ or a directory)")
    ap.add_argument("--definitions", required=True,
                    help="a JSON file: a list of metric definitions or a BatchCreate body")
    ap.add_argument("--app-monitor-name", required=True)
    ap.add_argument("--out", required=True, help="where to write the rows")
    ap.add_argument("--format", choices=("parquet", "json", "csv"), default="parquet")
    ap.add_argument("--from", dest="start", default=None, help="ISO 8601 (UTC) or epoch ms")
    ap.add_argument("--to", dest="end", default=None, help="ISO 8601 (UTC) or epoch ms, exclusive")
    return ap.parse_args(argv)


def _ms(value):
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp() * 1000


def main(argv=None, spark=None) -> None:
    """Read the export, backfill, write the rows."""
    from pyspark.sql import SparkSession

    from rumrules.spark import backfill

    args = parse_args(argv)
    with open(args.definitions, encoding="utf-8") as fh:
        definitions = json.load(fh)
    if isinstance(definitions, dict):
        definitions = definitions["MetricDefinitions"]
    spark = spark or SparkSession.builder.appName("rumrules-backfill").getOrCreate()
    events = (spark.read.option("recursiveFileLookup", "true")
              .option("pathGlobFilter", "*.gz").text(args.prefix))
    rows = backfill(events, definitions, app_monitor_name=args.app_monitor_name,
                    start=_ms(args.start), end=_ms(args.end), cwlogs=True)
    getattr(rows.write.mode("overwrite"), args.format)(args.out)


if __name__ == "__main__":
    main()
