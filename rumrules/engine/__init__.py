"""The metric engine: stored documents and definitions in, CloudWatch data points out.

:class:`MetricEngine` (``process`` / ``process_batch`` / ``process_documents``),
:class:`MetricDatum`, :class:`StatisticSet`, and the outputs
:func:`put_metric_data_requests`, :func:`emf_lines`, :func:`aggregate`.
"""

from ._datum import MetricDatum, StatisticSet
from ._engine import MetricEngine, ProcessResult
from ._outputs import MAX_DATA_POINTS, MAX_REQUEST_BYTES, aggregate, emf_lines, put_metric_data_requests

__all__ = ["MetricEngine", "MetricDatum", "StatisticSet", "ProcessResult",
           "put_metric_data_requests", "emf_lines", "aggregate", "MAX_DATA_POINTS",
           "MAX_REQUEST_BYTES"]
