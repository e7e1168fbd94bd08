"""MetricEngine.points / metric: the light per-document form gives what process_documents
does (values, skips, dimensions in order, a repeated dimension name as a dict keeps it)."""

from __future__ import annotations

import json

from rumrules import MetricEngine

DEFS = [
    {"Name": "Cart", "Namespace": "Shop", "ValueKey": "event_details.v", "UnitLabel": "Count",
     "DimensionKeys": {"event_details.a": "Where", "event_details.b": "What",
                       "event_details.c": "Where"},
     "EventPattern": json.dumps({"event_type": ["e"], "event_details": {
         "a": ["1"], "b": ["2"], "c": [{"numeric": [">", 0]}]}})},
    {"Name": "All", "Namespace": "Shop"},
]


def test_points_agree_with_process_documents():
    engine = MetricEngine(DEFS, app_monitor_name="app")
    docs = [{"event_type": "e", "event_timestamp": 1,
             "event_details": {"a": "1", "b": "2", "c": 5, "v": 2.5}},
            {"event_type": "e", "event_timestamp": 2,
             "event_details": {"a": "1", "b": "2", "c": 5, "v": "x"}},
            {"event_type": "other", "event_timestamp": 3}]
    assert engine.points(docs[0]) == [
        (0, 2.5, (("application_name", "app"), ("Where", "5"), ("What", "2"))),
        (1, 1.0, (("application_name", "app"),))]
    assert engine.points(json.dumps(docs[1])) == [(0, None, ()), (1, 1.0, (("application_name", "app"),))]
    assert engine.metric(0) == ("RUM/CustomMetrics/Shop", "Cart", "Count")
    data = engine.process_documents(docs).data
    assert [(d.definition, d.value, tuple(d.dimensions.items())) for d in data] == [
        p for doc in docs for p in engine.points(doc) if p[1] is not None]
