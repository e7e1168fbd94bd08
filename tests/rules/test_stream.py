"""The checker runs a request's definitions one at a time (``iter_diagnostics``): the same
diagnostics, in the same order, as ``check_definitions`` and the service's ``analyse``, and
what the batch rules keep is bounded by the destination's capacity, not by the batch."""

from __future__ import annotations

import json

import pytest

from rumrules.rules import RULES, analyse, check_definitions, iter_diagnostics
from rumrules.rules._requests import Admitter


def _custom(i: int, **over) -> dict:
    return {"Name": f"Visits{i}", "Namespace": "Shop", "UnitLabel": "Count",
            "ValueKey": "event_details.total",
            "EventPattern": json.dumps({"event_type": ["checkout"],
                                        "metadata": {"browserName": [f"B{i}"]}}),
            **over}


BATCHES = [
    # past the 2000 of a destination, with copies before and after the limit
    [_custom(i % 2003) for i in range(2010)],
    # Evidently: notes about DimensionKeys and UnitLabel on each definition
    {"AppMonitorName": "app", "Destination": "Evidently",
     "DestinationArn": "arn:aws:evidently:us-east-1:123456789012:project/p/experiment/e",
     "MetricDefinitions": [_custom(i, DimensionKeys={"metadata.browserName": "Browser"})
                           for i in range(3)] + [_custom(0)]},
    # errors (not admitted), copies and a definition that is not a mapping
    [_custom(1), _custom(1, UnitLabel="bogus"), _custom(1), 7, _custom(2)],
    {"AppMonitorName": "app", "Destination": "CloudWatch", "MetricDefinitionId": "x",
     "MetricDefinition": _custom(1)},
]


def _examples():
    for r in RULES:
        for example in r.good + r.bad:
            if r.scope in ("request", "batch"):
                yield example.input


@pytest.mark.parametrize("data", BATCHES + list(_examples()))
def test_the_stream_gives_what_the_whole_check_gives(data):
    streamed = list(iter_diagnostics(data))
    assert streamed == check_definitions(data)
    assert streamed == analyse(data).diagnostics()
    # without the cache of compiled patterns: the same findings
    assert list(iter_diagnostics(data, cache_patterns=False)) == streamed


def test_the_batch_rules_still_see_the_whole_batch():
    codes = [d.code for d in iter_diagnostics(BATCHES[0])]
    # 2003 distinct definitions: 3 past the limit; the 7 copies of the first ones conflict
    assert codes.count("RUM507") == 3 and codes.count("RUM508") == 7
    first = next(d for d in iter_diagnostics(BATCHES[0]) if d.code == "RUM508")
    assert first.path == ("MetricDefinitions", 2003)
    assert "identical to MetricDefinitions[0] of the same batch" in first.message


def test_the_admitter_keeps_at_most_the_capacity():
    admitter = Admitter(capacity=5, existing=2, known={"k": "id1"})
    verdicts = [admitter.admit(bytes([i]), ("MetricDefinitions", i)) for i in range(10)]
    assert verdicts[:3] == [None] * 3
    assert all(v is not None and v[0] == "full" for v in verdicts[3:])
    assert len(admitter.seen) == 3 and admitter.count == 5
    assert admitter.admit(bytes([1]), ("MetricDefinitions", 11))[0] == "conflict"


def test_a_wrong_input_raises_at_the_first_next():
    from rumrules import RumRulesError

    stream = iter_diagnostics("not definitions")  # nothing runs yet
    with pytest.raises(RumRulesError):
        next(stream)
