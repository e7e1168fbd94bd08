"""Conformance: the public corpus (reference answers) and AWS's own verdicts.

Every case of ``eventpattern-public.jsonl`` is one test named by its id.  On top of the
reference's answers we apply the two decisions of SPEC §5: text that ``json.loads`` rejects
is invalid (where the reference found it invalid too, with the reference's message: the
semantic error it met first, or the first line of its syntax message), and events with
duplicate keys are left out of match checks (``json.loads`` keeps the last value, the
reference saw both).
Events are checked as text and as a dict (``json.loads`` with ``parse_float=Decimal`` so no
number is rounded on the way).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from rumrules import PatternError, RumRulesError, compile_pattern
from tests.conftest import requires_shared, shared_path
from tests.pattern.corpus import eventpattern_cases, has_duplicate_keys, json_loads_accepts

CASES = eventpattern_cases()


def test_corpus_is_complete():
    assert len(CASES) == 12324
    assert {c["dialect"] for c in CASES} == {"rum", "eventbridge"}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_eventpattern_case(case):
    text, dialect = case["pattern"], case["dialect"]
    strict_json = json_loads_accepts(text)
    try:
        pattern = compile_pattern(text, dialect=dialect)
        error = None
    except PatternError as e:
        pattern, error = None, e
    if not strict_json:
        assert error is not None, "json.loads rejects this text, so must we (SPEC §5)"
        assert error.line >= 1 and error.column >= 1
        if not case["valid"]:  # the reference's first error, semantic or syntax
            assert _first_line(error.message) == case["error"]
        return
    assert (pattern is not None) == case["valid"], (case["error"], error)
    if error is not None:
        assert error.message == case["error"]
        assert error.line >= 1 and error.column >= 1
        return
    event = case["event"]
    if case.get("event_error") or not json_loads_accepts(event):
        with pytest.raises(RumRulesError):
            pattern.matches(event)
        return
    if has_duplicate_keys(event):
        return  # SPEC §5: json.loads keeps the last value; the reference saw both
    assert pattern.matches(event) is case["match"]
    as_dict = json.loads(event, parse_float=Decimal)
    assert pattern.matches(as_dict) is case["match"]
    assert bool(pattern.explain(event)) is case["match"]


def _first_line(message: str) -> str:
    """The corpus keeps the first line of a message (a syntax message quotes the text)."""
    return message.split("\n")[0]


#: The reference's semantic messages: every message it gives for a text json.loads accepts.
SEMANTIC_MESSAGES = frozenset(c["error"] for c in CASES
                              if not c["valid"] and json_loads_accepts(c["pattern"]))

#: Texts json.loads refuses whose first error, for the reference, is semantic: it compiles
#: as it reads, so an error met before the syntax error is the one it (and AWS) reports.
SEMANTIC_FIRST = [c for c in CASES if not c["valid"] and not json_loads_accepts(c["pattern"])
                  and c["error"] in SEMANTIC_MESSAGES]


def test_semantic_errors_met_before_a_syntax_error_are_in_the_corpus():
    """The API reference's ``["=>", 2000, "<" 8000]`` (missing comma after ``=>``) and
    texts of white space only."""
    assert len(SEMANTIC_FIRST) == 9
    assert {c["error"] for c in SEMANTIC_FIRST} == {
        "Filter is not an object", "Unrecognized numeric range operator: =>"}


@pytest.mark.parametrize("case", SEMANTIC_FIRST, ids=[c["id"] for c in SEMANTIC_FIRST])
def test_semantic_error_before_a_syntax_error(case):
    with pytest.raises(PatternError) as info:
        compile_pattern(case["pattern"], dialect=case["dialect"])
    assert info.value.message == case["error"]


def _aws_cases():
    path = shared_path("corpus", "aws-verified.jsonl")
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


AWS = _aws_cases()


def _aws_reason(text: str) -> str:
    return text.replace("Event pattern is not valid. Reason: ", "").split("\n at [Source:")[0]


@requires_shared("corpus", "aws-verified.jsonl")
@pytest.mark.parametrize("case", AWS, ids=[c["id"] for c in AWS])
def test_aws_verified(case):
    try:
        pattern = compile_pattern(case["pattern"], dialect="eventbridge")
    except PatternError as e:
        assert case["aws_verdict"] == "invalid"
        assert e.message == _aws_reason(case["aws_error"])
        return
    verdict = "match" if pattern.matches(case["event"]) else "no_match"
    assert verdict == case["aws_verdict"]


@requires_shared("corpus", "aws-verified.jsonl")
def test_aws_verified_is_complete():
    assert len(AWS) == 161


def _uses_only_rum(text: str) -> bool:
    try:
        compile_pattern(text, dialect="rum")
    except PatternError as e:
        return "rum dialect" not in e.message
    return True


@requires_shared("corpus", "aws-verified.jsonl")
def test_aws_verified_rum_subset_in_rum_dialect():
    """Every AWS-verified case that uses only the rum dialect gets AWS's verdict there too."""
    checked = 0
    for case in AWS:
        if not _uses_only_rum(case["pattern"]):
            continue
        checked += 1
        try:
            p = compile_pattern(case["pattern"], dialect="rum")
        except PatternError as e:
            assert case["aws_verdict"] == "invalid", case["id"]
            assert e.message == _aws_reason(case["aws_error"]), case["id"]
            continue
        assert ("match" if p.matches(case["event"]) else "no_match") == case["aws_verdict"], \
            case["id"]
    assert checked == 37  # the AWS-verified cases that use only exact values and numeric


#: Patterns that are JSON but invalid for the reference, with a pattern error.
SEMANTIC = [c for c in CASES if not c["valid"] and json_loads_accepts(c["pattern"])
            and c["pattern"].rstrip().endswith("}") and c["error"] != "Empty objects are not allowed"]


def test_semantic_cases_are_many():
    assert len(SEMANTIC) > 1000


@pytest.mark.parametrize("case", SEMANTIC, ids=[c["id"] for c in SEMANTIC])
def test_a_pattern_error_stays_first_when_the_text_then_breaks(case):
    """The reference meets every pattern error before it reads the last ``}`` (an empty
    pattern aside), so without that brace, or with junk after it, the error is the same."""
    text = case["pattern"].rstrip()
    for broken in (text[:-1], text + " x", text + "}"):
        with pytest.raises(PatternError) as info:
            compile_pattern(broken, dialect=case["dialect"])
        assert info.value.message == case["error"], broken


VALID_OBJECTS = sorted({(c["pattern"].rstrip(), c["dialect"]) for c in CASES if c["valid"]
                        and json_loads_accepts(c["pattern"])
                        and c["pattern"].rstrip().endswith("}")})


def test_a_valid_pattern_cut_short_is_a_syntax_error_only():
    """Walking what the reference read of a valid pattern cut before its last brace finds
    no pattern error: the syntax error is the answer."""
    assert len(VALID_OBJECTS) > 1000
    for text, dialect in VALID_OBJECTS:
        with pytest.raises(PatternError) as info:
            compile_pattern(text[:-1], dialect=dialect)
        assert info.value.message.startswith("Unexpected end-of-input"), text
