"""The backfill on Spark (the ``spark`` extra: pyspark, pyarrow).

::

    from rumrules.spark import backfill
    events = spark.read.text("s3://bucket/rum-export/")      # CloudWatch Logs export files
    rows = backfill(events, definitions, app_monitor_name="MyWebApp")
    rows.write.parquet("s3://bucket/backfill/")

The definitions are checked on the driver and broadcast once; each Python worker builds its
:class:`rumrules.MetricEngine` once; each partition is matched and aggregated per minute in
``mapInArrow``; Spark's own group-by merges the partitions.  The result has the CLI's
columns (``rumrules.backfill.COLUMNS``) and the same rows, to the bit.
"""

from ._backfill import backfill

__all__ = ["backfill"]
