"""PatternSet and MetricEngine on a RUM workload at 1, 10, 100, 1000 and 2000 definitions,
against json.loads of the same texts (same run) and moto's matcher (a loop over patterns);
PatternSet on an eventbridge-dialect workload (prefix, suffix, equals-ignore-case, cidr,
wildcard) at 1, 100 and 2000 definitions."""

from __future__ import annotations

import json

import pytest

from rumrules import MetricEngine, PatternSet
from workload import definitions, documents, eventbridge_definitions, eventbridge_documents

SIZES = [1, 10, 100, 1000, 2000]
BATCH = 200
DOCS = documents(BATCH)


def _set(n: int, overlapping: bool) -> PatternSet:
    ps = PatternSet()
    for d in definitions(n, overlapping=overlapping):
        ps.add(d["Name"], d["EventPattern"])
    ps.matches(DOCS[0])  # build the index outside the timing
    return ps


def _run(ps: PatternSet, docs=DOCS) -> int:
    return sum(len(ps.matches(d)) for d in docs)


GROUPS = {True: "index: RUM workload, overlapping definitions",
          False: "index: RUM workload, at most one match per event"}


@pytest.mark.parametrize("overlapping", [True, False], ids=["overlapping", "single"])
def test_baseline_json_loads(benchmark, overlapping):
    benchmark.group = GROUPS[overlapping]
    benchmark.extra_info["events"] = BATCH
    benchmark(lambda: [json.loads(d) for d in DOCS])


@pytest.mark.parametrize("overlapping", [True, False], ids=["overlapping", "single"])
@pytest.mark.parametrize("n", SIZES)
def test_patternset(benchmark, n, overlapping):
    benchmark.group = GROUPS[overlapping]
    ps = _set(n, overlapping)
    benchmark.extra_info["events"] = BATCH
    benchmark.extra_info["matches_per_event"] = _run(ps) / BATCH
    benchmark(_run, ps)


@pytest.mark.benchmark(group="index: RUM workload, overlapping definitions")
@pytest.mark.parametrize("n", SIZES)
def test_moto_loop_overlapping(benchmark, n):
    from moto.events.models import EventPattern

    patterns = [EventPattern.load(d["EventPattern"]) for d in definitions(n)]
    docs = DOCS if n <= 100 else DOCS[:10]
    benchmark.extra_info["events"] = len(docs)

    def run():
        total = 0
        for text in docs:
            event = json.loads(text)
            total += sum(p.matches_event(event) for p in patterns)
        return total

    benchmark.pedantic(run, rounds=3 if n >= 1000 else 5, iterations=1)


@pytest.mark.benchmark(group="engine: 100-event PutRumEvents request, 2000 definitions")
def test_engine_process_2000(benchmark):
    from tests.ingest.payloads import body_bytes, web_client_request

    body = body_bytes(web_client_request(100))
    defs = [dict(d, Namespace="Bench") for d in definitions(2000)]
    engine = MetricEngine(defs, app_monitor_name="Bench")
    benchmark.extra_info["events"] = 100
    benchmark(engine.process, body)


@pytest.mark.benchmark(group="engine: 100-event PutRumEvents request, 2000 definitions")
def test_engine_baseline_json_loads(benchmark):
    from tests.ingest.payloads import body_bytes, web_client_request

    body = body_bytes(web_client_request(100))
    benchmark.extra_info["events"] = 100
    benchmark(json.loads, body)


# --- eventbridge dialect: prefix / suffix / equals-ignore-case / cidr / wildcard -------------

EB_SIZES = [1, 100, 2000]  # each definition ORs the five operators: the same fields at every size
EB_DOCS = {"none": eventbridge_documents(BATCH),           # matches no definition
           "one": eventbridge_documents(BATCH, "prefix")}  # matches exactly the first
EB_GROUPS = {"none": "index: eventbridge workload, event matching none",
             "one": "index: eventbridge workload, event matching one"}


def _eb_set(n: int) -> PatternSet:
    ps = PatternSet("eventbridge")
    for d in eventbridge_definitions(n):
        ps.add(d["Name"], d["EventPattern"])
    ps.matches(EB_DOCS["none"][0])  # build the index outside the timing
    return ps


@pytest.mark.parametrize("hit", ["none", "one"])
def test_eventbridge_baseline_json_loads(benchmark, hit):
    benchmark.group = EB_GROUPS[hit]
    docs = EB_DOCS[hit]
    benchmark.extra_info["events"] = BATCH
    benchmark(lambda: [json.loads(d) for d in docs])


@pytest.mark.parametrize("hit", ["none", "one"])
@pytest.mark.parametrize("n", EB_SIZES)
def test_eventbridge_patternset(benchmark, n, hit):
    benchmark.group = EB_GROUPS[hit]
    ps = _eb_set(n)
    docs = EB_DOCS[hit]
    benchmark.extra_info["events"] = BATCH
    benchmark.extra_info["matches_per_event"] = _run(ps, docs) / BATCH
    benchmark(_run, ps, docs)
