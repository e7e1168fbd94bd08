"""rumrules.strategies: what each strategy promises holds, and we fuzz ourselves with them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import Phase, find, given, reject, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from rumrules import (DefinitionError, EventPattern, MetricEngine, PatternSet, Severity,
                      check_definition, check_definitions, compile_pattern, ingest, ingest_batch)
from rumrules import strategies as rst
from rumrules.catalog.metadata import METADATA_FIELDS

ROOT = Path(__file__).resolve().parents[2]


@given(rst.event_patterns(dialect="rum"))
def test_event_patterns_are_valid_rum(text):
    assert compile_pattern(text, dialect="rum")


@given(rst.event_patterns(dialect="eventbridge"))
def test_event_patterns_are_valid_eventbridge(text):
    assert compile_pattern(text, dialect="eventbridge")


def _forms(text: str, dialect: str) -> set[str]:
    """The operator forms a pattern text uses, by name."""
    out = set()
    for c in compile_pattern(text, dialect=dialect).conditions:
        for m in c.matchers:
            if m.kind == "anything-but":
                out.add(f"anything-but {m.mode}")
                if m.numbers:
                    out.add("anything-but numbers")
            elif m.kind == "cidr" and m.value not in ("10.0.0.0/8", "192.168.0.0/16"):
                out.add("cidr" if "." in m.value else "cidr ipv6")
            elif m.kind == "numeric" and any(b is not None and abs(b) >= 1e308
                                             for b in (m.lower, m.upper)):
                out.add("numeric near 1e308")
            elif m.kind == "exact" and m.type == "number":
                if m.value is None:
                    out.add("number a double does not hold")
                elif "e-" in m.text.lower():
                    out.add("negative exponent")
                elif not float(m.value).is_integer():
                    out.add("fraction")
            elif m.kind in ("prefix", "suffix") and m.ignore_case:
                out.add(f"{m.kind} equals-ignore-case")
            else:
                out.add(m.kind)
    return out


@pytest.mark.parametrize("dialect, expected", [
    ("rum", {"numeric near 1e308", "number a double does not hold", "negative exponent",
             "fraction"}),
    ("eventbridge", {"anything-but values", "anything-but numbers", "anything-but prefix",
                     "anything-but suffix", "anything-but wildcard",
                     "anything-but equals-ignore-case", "exactly", "cidr", "cidr ipv6",
                     "prefix equals-ignore-case", "suffix equals-ignore-case", "wildcard"}),
])
def test_event_patterns_cover_the_operator_forms(dialect, expected):
    """Regression: event_patterns drew none of these, so the properties never met them."""
    seen: set[str] = set()

    @settings(max_examples=300, database=None, derandomize=True, phases=[Phase.generate])
    @given(rst.event_patterns(dialect=dialect))
    def collect(text):
        seen.update(_forms(text, dialect))

    collect()
    assert expected <= seen, expected - seen


def _has_decimal(value) -> bool:
    if isinstance(value, Decimal):
        return True
    if isinstance(value, dict):
        return any(_has_decimal(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_decimal(v) for v in value)
    return False


def _check_match(p: EventPattern, doc: dict, expected: bool) -> None:
    assert p.matches(doc) is expected, (p.text, doc, str(p.explain(doc)))
    if not _has_decimal(doc):  # Decimal: a number a double does not hold, text-dependent
        assert p.matches(json.dumps(doc)) is expected, (p.text, doc)


# The builders without the final check through the library's matcher (events() applies it):
# a document built to (not) match that the matcher judges otherwise fails here, not hidden.

@given(st.data(), st.sampled_from(["rum", "eventbridge"]))
def test_events_matching_always_match(data, dialect):
    text = data.draw(rst.event_patterns(dialect=dialect))
    p = compile_pattern(text, dialect=dialect)
    _check_match(p, data.draw(rst._unchecked_events(matching=p)), True)
    _check_match(p, data.draw(rst.events(matching=text)), True)


@given(st.data(), st.sampled_from(["rum", "eventbridge"]))
def test_events_not_matching_never_match(data, dialect):
    text = data.draw(rst.event_patterns(dialect=dialect))
    p = compile_pattern(text, dialect=dialect)
    try:
        unchecked, checked = rst._unchecked_events(not_matching=text), rst.events(not_matching=p)
    except InvalidArgument:
        # every document matches (``$or`` of ``exists: true`` and ``exists: false`` on one
        # field): then so does the empty one, and there is no miss to draw
        assert p.matches({}), text
        reject()
    _check_match(p, data.draw(unchecked), False)
    _check_match(p, data.draw(checked), False)


# Regression: each of these failed the health check (every draw filtered out) before the
# values came from each matcher's own fields.
AUDIT_PATTERNS = [
    '{"a": [{"anything-but": {"prefix": "x"}}]}',
    '{"a": [{"anything-but": {"suffix": ["x", "zz-other"]}}]}',
    '{"a": [{"anything-but": {"wildcard": "*"}}]}',
    '{"a": [{"anything-but": {"equals-ignore-case": ["zz-other", "Chrome"]}}]}',
    '{"a": [{"anything-but": [0, 12345, -1.5]}]}',
    '{"a": [{"anything-but": "zz-other"}]}',
    '{"a": [{"cidr": "172.16.0.0/12"}]}',
    '{"a": [{"cidr": "203.0.113.7/31"}]}',
    '{"a": [{"cidr": "2001:db8::/32"}]}',
    '{"a": [{"numeric": [">", 1.7e308]}]}',
    '{"a": [{"numeric": ["<", -1.7e308]}]}',
    '{"a": [{"numeric": [">=", 1e308, "<", 1.7976931348623157e308]}]}',
    '{"a": [{"numeric": [">", 0.5, "<", 0.50000000000001]}]}',
    '{"a": [12345678901234567890]}',
    '{"a": [1.00000000000000001e400]}',
    '{"a": [2.5e-3, -3.75E-5]}',
    '{"a": [{"exactly": "10.0.0.1"}]}',
    '{"a": [{"wildcard": "x\\\\*y*z"}]}',
    '{"a": [{"prefix": {"equals-ignore-case": "chr"}}], "b": [null]}',
    '{"$or": [{"a": [{"exists": false}]}, {"b": [{"exists": false}]}]}',
    '{"a": {"b": ["x"], "c": [{"numeric": [">", 1]}]}}',
]


@pytest.mark.parametrize("text", AUDIT_PATTERNS)
@pytest.mark.parametrize("expected", [True, False])
def test_events_for_every_operator_form(text, expected):
    p = compile_pattern(text, dialect="eventbridge")
    kwargs = {"matching" if expected else "not_matching": text}

    @settings(max_examples=15, database=None)
    @given(rst._unchecked_events(**kwargs), rst.events(**kwargs))
    def check(built, checked):
        _check_match(p, built, expected)
        _check_match(p, checked, expected)

    check()


@settings(max_examples=20, database=None)
@given(rst._unchecked_events(
    not_matching='{"$or": [{"a": [{"exists": false}]}, {"b": [{"exists": false}]}]}'))
def test_not_matching_spoils_every_alternative(doc):
    """Regression: only one $or alternative was spoiled, so b absent still matched."""
    assert "a" in doc and "b" in doc


@pytest.mark.parametrize("text", [
    '{"$or": [{"a": [{"exists": true}]}, {"a": [{"exists": false}]}]}',
    '{"$or": [{"a": [{"exists": true}]}, {"a": [{"exists": false}]}, {"b": ["x"]}]}',
])
def test_not_matching_a_pattern_that_matches_everything_says_so(text):
    with pytest.raises(InvalidArgument, match="no non-matching document exists"):
        rst.events(not_matching=text)


def test_events_exercise_arrays():
    """Regression: documents never held arrays, so neither "any element matches" nor array
    consistency was exercised."""
    text = '{"a": {"b": ["x"], "c": [{"numeric": [">", 1]}]}}'
    p = compile_pattern(text, dialect="eventbridge")
    seen: set[str] = set()

    def shape(doc) -> str | None:
        a = doc["a"]
        if isinstance(a, dict):
            return "leaf array" if isinstance(a.get("b"), list) else None
        if len(a) == 2 and all(isinstance(e, dict) for e in a):
            return "two elements"
        return "one element"

    @settings(max_examples=150, database=None, derandomize=True, phases=[Phase.generate])
    @given(rst._unchecked_events(matching=p), rst._unchecked_events(not_matching=p))
    def collect(hit, miss):
        assert p.matches(hit) and not p.matches(miss)
        seen.add("match: " + str(shape(hit)))
        seen.add("miss: " + str(shape(miss)))
        if shape(miss) == "two elements" and all("b" in e or "c" in e for e in miss["a"]):
            # each field satisfied in another element: array consistency refuses it
            seen.add("split")

    collect()
    assert {"match: leaf array", "match: two elements", "match: one element",
            "split"} <= seen, seen


STORED_FIELDS = {"event_type", "event_id", "event_timestamp", "event_version", "event_details",
                 "metadata", "user_details", "sessionId", "userId", "batch_id",
                 "application_id", "application_Id", "application_name",
                 "application_version", "log_stream", "event_interaction"}


@given(rst.events())
def test_documents_have_the_stored_fields(doc):
    assert STORED_FIELDS <= set(doc)
    assert doc["log_stream"]["seconds"] == doc["event_timestamp"] // 1000
    assert set(doc) - STORED_FIELDS <= {"account_id"}


def test_documents_sometimes_have_an_account_id():
    assert find(rst.events(), lambda d: "account_id" in d)


def _errors(d):
    return {x.code for x in check_definition(d) if x.severity == Severity.ERROR}


@given(rst.metric_definitions())
def test_valid_definitions_get_no_error(d):
    assert _errors(d) == set(), check_definition(d)


@given(rst.metric_definitions(valid=False))
def test_invalid_definitions_break_exactly_one_rule(d):
    assert len(_errors(d)) == 1, check_definition(d)


@given(rst.put_rum_events_requests())
def test_requests_are_accepted_whole(request):
    result = ingest_batch(request, app_monitor_name="MyWebApp")
    assert len(result.documents) == len(request["RumEvents"])
    assert not result.dropped_events and not result.dropped_attributes, result


def test_custom_metadata_keys_are_not_built_in():
    """Regression: a custom key such as ``url`` with a number was removed by ingestion."""
    assert rst._CUSTOM_KEYS and not set(rst._CUSTOM_KEYS) & set(METADATA_FIELDS)


@settings(max_examples=max(10, settings.default.max_examples * 2 // 3))
@given(st.lists(rst.metric_definitions(), min_size=1, max_size=6), rst.put_rum_events_requests())
def test_ingest_then_engine_invariants(definitions, request):
    names = [d["Name"] for d in definitions]
    if any(x.severity is Severity.ERROR for x in check_definitions(definitions)):
        # valid one by one, not together (copies of one definition): the engine refuses them
        with pytest.raises(DefinitionError):
            MetricEngine(definitions, app_monitor_name="MyWebApp")
        return
    engine = MetricEngine(definitions, app_monitor_name="MyWebApp")
    docs = ingest(request, app_monitor_name="MyWebApp")
    result = engine.process_batch(request)
    assert len(result.data) + result.skipped <= len(docs) * len(definitions)
    patterns = [compile_pattern(d["EventPattern"], dialect="eventbridge")
                if d.get("EventPattern") else None for d in definitions]
    expected = sum(1 for doc in docs for p in patterns if p is None or p.matches(doc))
    assert len(result.data) + result.skipped == expected
    for datum in result.data:
        d = definitions[datum.definition]
        assert datum.name == names[datum.definition]
        assert datum.namespace == ("AWS/RUM" if d.get("Namespace") in (None, "AWS/RUM")
                                   else "RUM/CustomMetrics/" + d["Namespace"])
        assert datum.dimensions["application_name"] == "MyWebApp"
        assert set(datum.dimensions) - {"application_name"} <= set(
            (d.get("DimensionKeys") or {}).values())
        assert datum.value == 1.0 or d.get("ValueKey")


@given(st.from_type(EventPattern), st.from_type(PatternSet))
def test_types_are_registered(pattern, patternset):
    assert isinstance(pattern, EventPattern) and isinstance(patternset, PatternSet)


def _fresh_env(tmp_path) -> dict:
    """The environment of a user's fresh interpreter: no profile of ours, not "in CI" (which
    loads Hypothesis' own ci profile), an empty example database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYPOTHESIS_")}
    try:
        from hypothesis._settings import _CI_VARS
    except ImportError:  # pragma: no cover - older or newer Hypothesis
        _CI_VARS = {"CI": None, "GITHUB_ACTIONS": None, "TF_BUILD": None}
    for key in _CI_VARS:
        env.pop(key, None)
    env["HYPOTHESIS_STORAGE_DIRECTORY"] = str(tmp_path / ".hypothesis")
    return env


def _run(code: str, tmp_path, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env=_fresh_env(tmp_path), timeout=timeout)


def test_importing_strategies_first_works(tmp_path):
    """Regression: the entry point named rumrules.strategies, which imports Hypothesis, which
    ran the entry point while rumrules.strategies was half loaded (AttributeError)."""
    out = _run("import rumrules.strategies as s; print(s.events)", tmp_path)
    assert out.returncode == 0, out.stderr
    assert "function events" in out.stdout


def test_from_type_works_in_a_fresh_interpreter(tmp_path):
    code = ("import warnings; warnings.simplefilter('ignore')\n"
            "import hypothesis\n"
            "from hypothesis import strategies as st\n"
            "import rumrules\n"
            "print(type(st.from_type(rumrules.EventPattern).example()).__name__)\n"
            "print(type(st.from_type(rumrules.PatternSet).example()).__name__)\n")
    out = _run(code, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["EventPattern", "PatternSet"]


def test_docs_example_passes_under_default_settings(tmp_path):
    """Regression: the example of docs/fuzzing.md failed its health check (input generation
    too slow) with Hypothesis' default settings and an empty database; our profiles, which
    suppress that check, hid it."""
    text = (ROOT / "docs" / "fuzzing.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    example = next(b for b in blocks if "put_rum_events_requests" in b)
    out = _run(example, tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr


def test_importing_strategies_without_hypothesis_says_so(tmp_path):
    (tmp_path / "hypothesis.py").write_text("raise ImportError('no hypothesis here')\n")
    code = ("import sys; sys.path.insert(0, %r)\n"
            "try:\n    import rumrules.strategies\nexcept ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code % str(tmp_path)], capture_output=True,
                         text=True)
    assert "pip install 'rumrules[strategies]'" in out.stdout


def test_arguments_are_keyword_only():
    import inspect

    for fn in (rst.event_patterns, rst.events, rst.metric_definitions,
               rst.put_rum_events_requests):
        params = inspect.signature(fn).parameters.values()
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params), fn
