"""EventPattern: compile and match, each against json.loads of the same text (same run)."""

from __future__ import annotations

import json

import pytest

import rumrules
from rumrules import compile_pattern
from rumrules.catalog.metrics import EXTENDED_METRICS

NAV_TOLERATED = ('{"event_type":["com.amazon.rum.performance_navigation_event"],'
                 '"metadata":{"browserName":["Chrome","Firefox","Safari"]},'
                 '"event_details":{"duration":[{"numeric":[">=",2000,"<",8000]}]}}')

EVENTBRIDGE_MIX = [
    '{"event_type":[{"prefix":"com.amazon.rum."}],"metadata":{"browserName":[{"equals-ignore-case":"chrome"}]}}',
    '{"metadata":{"pageId":[{"wildcard":"/console/*"}]},"event_details":{"duration":[{"numeric":[">",1000]}]}}',
    '{"metadata":{"countryCode":[{"anything-but":["CN","RU"]}]},"event_type":[{"suffix":"_event"}]}',
    '{"$or":[{"metadata":{"deviceType":["mobile"]}},{"event_details":{"duration":[{"numeric":[">=",3000]}]}}]}',
    '{"event_details":{"transferSize":[{"exists":true}]},"metadata":{"domain":[{"exactly":"example.com"}]}}',
]


def _big_pattern() -> str:
    values = []
    i = 0
    while True:
        values.append(f"/page/{i:05d}")
        text = json.dumps({"event_type": ["com.amazon.rum.page_view_event"],
                           "metadata": {"pageId": values}}, separators=(",", ":"))
        if len(text) > 3990:
            values.pop()
            return json.dumps({"event_type": ["com.amazon.rum.page_view_event"],
                               "metadata": {"pageId": values}}, separators=(",", ":"))
        i += 1


BIG = _big_pattern()


def _compile_uncached(texts, dialect="rum"):
    rumrules.purge()
    for t in texts:
        compile_pattern(t, dialect=dialect)


EXTENDED = {name: metric.pattern_text() for name, metric in EXTENDED_METRICS.items()}


def test_there_are_14_extended_metric_patterns():
    assert len(EXTENDED) == 14


# one group per extended metric, each with its own json.loads baseline: ratios per pattern
@pytest.mark.parametrize("name", sorted(EXTENDED))
def test_compile_extended_pattern(benchmark, name):
    benchmark.group = f"compile: extended-metric pattern {name}"
    benchmark(_compile_uncached, [EXTENDED[name]])


@pytest.mark.parametrize("name", sorted(EXTENDED))
def test_compile_extended_pattern_baseline_json_loads(benchmark, name):
    benchmark.group = f"compile: extended-metric pattern {name}"
    benchmark(json.loads, EXTENDED[name])


@pytest.mark.benchmark(group="compile: 4000-character pattern")
def test_compile_4000_characters(benchmark):
    assert 3900 < len(BIG) <= 4000
    benchmark(_compile_uncached, [BIG])


@pytest.mark.benchmark(group="compile: 4000-character pattern")
def test_compile_4000_characters_baseline_json_loads(benchmark):
    benchmark(json.loads, BIG)


@pytest.mark.benchmark(group="compile: eventbridge mix (5 patterns)")
def test_compile_eventbridge_mix(benchmark):
    benchmark(_compile_uncached, EVENTBRIDGE_MIX, "eventbridge")


@pytest.mark.benchmark(group="compile: eventbridge mix (5 patterns)")
def test_compile_eventbridge_mix_baseline_json_loads(benchmark):
    benchmark(lambda: [json.loads(t) for t in EVENTBRIDGE_MIX])


@pytest.mark.benchmark(group="match: one pattern, one stored document")
def test_match_document_as_text(benchmark, document_text):
    p = compile_pattern(NAV_TOLERATED)
    assert benchmark(p.matches, document_text) is True


@pytest.mark.benchmark(group="match: one pattern, one stored document")
def test_match_document_as_dict(benchmark, document):
    p = compile_pattern(NAV_TOLERATED)
    assert benchmark(p.matches, document) is True


@pytest.mark.benchmark(group="match: one pattern, one stored document")
def test_match_document_baseline_json_loads(benchmark, document_text):
    benchmark(json.loads, document_text)


@pytest.mark.benchmark(group="match: eventbridge mix, one stored document")
def test_match_eventbridge_mix_as_text(benchmark, document_text):
    patterns = [compile_pattern(t, dialect="eventbridge") for t in EVENTBRIDGE_MIX]
    benchmark(lambda: [p.matches(document_text) for p in patterns])


@pytest.mark.benchmark(group="match: eventbridge mix, one stored document")
def test_match_eventbridge_mix_baseline_json_loads(benchmark, document_text):
    benchmark(lambda: [json.loads(document_text) for _ in EVENTBRIDGE_MIX])
