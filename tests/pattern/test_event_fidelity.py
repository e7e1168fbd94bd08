"""Event-side fidelity to the reference, and hostile events: each from its minimal case."""

from __future__ import annotations

import json
import sys

import pytest

from rumrules import PatternSet, RumRulesError, compile_pattern
from rumrules.pattern._events import FAST_PARSER, use_fast_parser
from tests.pattern.corpus import eventpattern_cases, has_duplicate_keys, json_loads_accepts


@pytest.fixture(params=["orjson", "json"])
def reader(request):
    """Run a test with the fast reader (orjson) and with the exact json path only."""
    if request.param == "orjson":
        assert FAST_PARSER, "orjson is in the test extra"
    previous = use_fast_parser(request.param == "orjson")
    yield request.param
    use_fast_parser(previous)


def eb(pattern: str, event, dialect: str = "eventbridge") -> bool:
    p = compile_pattern(pattern, dialect=dialect)
    ps = PatternSet(dialect, [("p", p)])
    got = p.matches(event)
    assert (ps.matches(event) == ["p"]) is got  # the set agrees with the single pattern
    assert bool(p.explain(event)) is got
    return got


# --- exists: false inside arrays of objects (event-ruler's array consistency) --------------

EXISTS_FALSE_IN_ARRAYS = [
    # a sibling that matches in one element: absence is judged in that element
    ('{"d":{"a":[{"exists":true}],"b":[{"exists":false}]}}', '{"d":[{"a":1},{"b":2}]}', True),
    ('{"d":{"a":[1],"b":[{"exists":false}]}}', '{"d":[{"a":1},{"b":2}]}', True),
    ('{"d":{"a":[1],"b":[{"exists":false}]}}', '{"d":[{"b":2},{"a":1}]}', True),
    ('{"d":{"a":[1],"b":[{"exists":false}]}}', '{"d":[{"a":1,"b":2}]}', False),
    # one level deeper
    ('{"x":{"d":{"a":[1],"b":[{"exists":false}]}}}', '{"x":{"d":[{"a":1},{"b":2}]}}', True),
    ('{"x":{"d":{"a":[1],"b":[{"exists":false}]}}}', '{"x":[{"d":[{"a":1},{"b":2}]}]}', True),
    # no sibling matched in the array: absence over the whole event
    ('{"d":{"b":[{"exists":false}]}}', '{"d":[{"a":1},{"b":2}]}', False),
    # the sibling outside the array: the whole event
    ('{"a":[1],"d":{"b":[{"exists":false}]}}', '{"a":1,"d":[{"c":1},{"b":2}]}', False),
    # the reference reads fields in path order: a sibling after the absent field has not
    # chosen an element yet when absence is judged (a corpus case)
    ('{"e":{"f":[{"exists":false}],"l":["Jones"]}}', '{"e":[{"f":"Anna"},{"l":"Jones"}]}', False),
]

# --- CIDR and addresses on values that are not addresses ----------------------------------

ADDRESSES_OF_NON_ADDRESSES = [
    ('{"ip":[{"cidr":"0.0.0.0/0"}]}', '{"ip":"10"}', False),       # a digit string: text
    ('{"ip":[{"cidr":"0.0.0.0/0"}]}', '{"ip":1.5}', True),         # number text "1.5" in range
    ('{"ip":[{"cidr":"0.0.0.0/0"}]}', '{"ip":-1}', False),         # "-" is below "0"
    ('{"ip":[{"cidr":"10.0.0.0/8"}]}', '{"ip":167772161}', False),  # "1" is above "0A"
    ('{"ip":[{"cidr":"10.0.0.0/8"}]}', '{"ip":"10.0.0.1"}', True),
    ('{"ip":[{"cidr":"0.0.0.0/0"}]}', '{"ip":true}', False),
    ('{"ip":["0.0.0.10"]}', '{"ip":"10"}', False),
    ('{"ip":["0.0.0.10"]}', '{"ip":"0.0.0.10"}', True),
    ('{"ip":["0.0.0.10"]}', '{"ip":10}', False),
]


@pytest.mark.parametrize("pattern,event,expected",
                         EXISTS_FALSE_IN_ARRAYS + ADDRESSES_OF_NON_ADDRESSES)
def test_event_side_minimal_cases(pattern, event, expected, reader):
    """Each case as text and as a dict, through EventPattern, PatternSet and explain."""
    assert eb(pattern, event) is expected
    assert eb(pattern, json.loads(event)) is expected


# --- Jackson's limit: a number longer than 1000 characters makes the event unusable ---------

@pytest.mark.parametrize("number", ["1" * 1001, "-" + "1" * 1001, "1." + "0" * 1000,
                                    "1" * 5000, "0." + "1" * 999])
def test_a_number_longer_than_1000_characters_refuses_the_event(number, reader):
    text = f'{{"a":["x"],"n":{number}}}'
    for p in (compile_pattern('{"a":["x"]}'), compile_pattern('{"n":[1]}')):
        with pytest.raises(RumRulesError, match="exceeds the maximum allowed"):
            p.matches(text)
        with pytest.raises(RumRulesError, match="exceeds the maximum allowed"):
            PatternSet("rum", [("p", p)]).matches(text)


@pytest.mark.parametrize("number", ["1" * 1000, "-" + "1" * 1000, "1." + "0" * 998])
def test_a_number_of_1000_characters_is_read(number, reader):
    p = compile_pattern('{"a":["x"]}')
    assert p.matches(f'{{"a":"x","n":{number}}}')
    exact = compile_pattern(f'{{"n":[{number}]}}'.replace("[-", "[-"))
    assert exact.matches(f'{{"n":{number}}}')


def test_huge_integers_in_dict_events_are_errors_not_value_errors():
    p = compile_pattern('{"x":[1]}')
    big = 10 ** 5000
    for event in ({"x": big}, {"x": [big]}, {"x": [1, big]}):
        with pytest.raises(RumRulesError, match="more than 1000 digits"):
            p.matches(event)
    for event in ({big: 1, "x.y": 1}, {"x": {big: 1}}, {"x": 1, big: 1}):
        try:  # a key is text to the reference: an answer, or our error for its digits
            p.matches(event)
        except RumRulesError:
            pass
    with pytest.raises(RumRulesError):
        p.explain({"x": big})
    with pytest.raises(RumRulesError):
        PatternSet("rum", [("p", p)]).matches({"x": big})
    assert p.matches({"x": 1, "other": big})  # a path no pattern reads is not read


def test_dict_keys_are_named_as_json_dumps_names_them():
    assert compile_pattern('{"1":[1]}').matches({1: 1})
    assert compile_pattern('{"true":[1]}').matches({True: 1})
    assert compile_pattern('{"null":[1]}').matches({None: 1})
    assert compile_pattern('{"1.5":{"a":[1]}}').matches({1.5: {"a": 1}})


# --- numbers of dict events answer as their json.dumps text --------------------------------

@pytest.mark.parametrize("value", [-5e-324, 5e-324, 1e-310, -2.5e-320, 2.2250738585072014e-308,
                                   -0.0, 1e308, -1.7976931348623157e308, 2 ** 53 + 1, -(2 ** 63),
                                   46775328864789648, 0.1])
@pytest.mark.parametrize("pattern", ['{"a":[{"numeric":["<",0]}]}', '{"a":[{"numeric":[">",0]}]}',
                                     '{"a":[{"numeric":["=",0]}]}', '{"a":[5e-324]}',
                                     '{"a":[4.9e-324]}', '{"a":[9007199254740993]}',
                                     '{"a":[{"exists":true}]}'])
def test_dict_events_answer_as_their_text(value, pattern, reader):
    try:
        p = compile_pattern(pattern, dialect="eventbridge")
    except RumRulesError:
        return  # a literal the reference refuses in a pattern (5e-324)
    event = {"a": value}
    assert p.matches(event) is p.matches(json.dumps(event))


def test_negative_subnormal_is_not_comparable():
    p = compile_pattern('{"a":[{"numeric":["<",0]}]}')
    assert p.matches({"a": -5e-324}) is False
    assert p.matches('{"a":-5e-324}') is False
    assert p.matches('{"a":-4.9e-324}') is True


# --- events of other types -----------------------------------------------------------------

def test_a_str_subclass_event_is_its_text(reader):
    class S(str):
        pass

    p = compile_pattern('{"a":["x"]}')
    assert p.matches(S('{"a":"x"}'))
    assert PatternSet("rum", [("p", p)]).matches(S('{"a":"x"}')) == ["p"]
    assert p.explain(S('{"a":"y"}')).matched is False


# --- no process-wide state -----------------------------------------------------------------

def test_compile_and_match_leave_the_recursion_limit_alone():
    before = sys.getrecursionlimit()
    deep = '{"a":' * 660 + "[1]" + "}" * 660
    p = compile_pattern(deep)
    assert p.matches('{"a":' * 660 + "1" + "}" * 660)
    assert not p.matches('{"a":' * 659 + "1" + "}" * 659)
    with pytest.raises(RumRulesError):
        compile_pattern('{"a":' * 800 + "[1]" + "}" * 800)  # longer than 4000 characters
    assert sys.getrecursionlimit() == before


# --- both readers answer alike on the whole corpus ----------------------------------------

def test_both_readers_answer_alike_on_the_corpus():
    checked = 0
    for case in eventpattern_cases():
        if not case["valid"] or not json_loads_accepts(case["pattern"]):
            continue
        event = case["event"]
        try:
            p = compile_pattern(case["pattern"], dialect=case.get("dialect", "rum"))
        except RumRulesError:
            continue
        answers = []
        for fast in (True, False):
            previous = use_fast_parser(fast)
            try:
                answers.append(p.matches(event))
            except RumRulesError as e:
                answers.append(type(e))
            finally:
                use_fast_parser(previous)
        assert answers[0] == answers[1], (case["pattern"], event)
        if not has_duplicate_keys(event):
            checked += 1
    assert checked > 5000
