"""SPEC §1.2, rule by rule: each with events that must and must not match."""

from __future__ import annotations

import pytest

from rumrules import RumRulesError, compile_pattern


def m(pattern: str, event, dialect: str = "rum") -> bool:
    return compile_pattern(pattern, dialect=dialect).matches(event)


@pytest.mark.parametrize("pattern,event,expected", [
    # strings never equal numbers, [1] is not true, [null] is only null
    ('{"s":["404"]}', {"s": 404}, False),
    ('{"s":[404]}', {"s": "404"}, False),
    ('{"s":[404]}', {"s": 404}, True),
    ('{"b":[1]}', {"b": True}, False),
    ('{"b":[0]}', {"b": False}, False),
    ('{"b":[true]}', {"b": True}, True),
    ('{"b":[true]}', {"b": 1}, False),
    ('{"n":[null]}', {"n": None}, True),
    ('{"n":[null]}', {}, False),
    ('{"n":[null]}', {"n": []}, False),
])
def test_types_are_exact(pattern, event, expected):
    assert m(pattern, event) is expected


@pytest.mark.parametrize("literal", ["5", "5.0", "5e0", "0.5e1", "50e-1"])
def test_number_spellings_are_equal(literal):
    assert m(f'{{"x":[{literal}]}}', '{"x":5.00}')
    assert m('{"x":[5]}', f'{{"x":{literal}}}')


def test_minus_zero_is_zero():
    assert m('{"x":[-0]}', {"x": 0})
    assert m('{"x":[{"numeric":["=",0]}]}', '{"x":-0.0}')
    assert not m('{"x":[{"numeric":["<",0]}]}', '{"x":-0.0}')


@pytest.mark.parametrize("literal", ["9007199254740993", "0.30000000000000001", "1e309",
                                     "-1e309", "1e-400", "2000.0000000000001"])
def test_numbers_that_do_not_round_trip_are_invalid_in_numeric(literal):
    with pytest.raises(ValueError, match=f"Cannot compare number : {literal}"):
        compile_pattern(f'{{"x":[{{"numeric":[">",{literal}]}}]}}')


def test_number_that_does_not_round_trip_in_an_event_is_text():
    p = compile_pattern('{"x":[{"numeric":[">",0]}]}')
    assert not p.matches('{"x":9007199254740993}')
    assert p.matches('{"x":9007199254740992}')
    exact = compile_pattern('{"x":[9007199254740993]}')
    assert exact.matches('{"x":9007199254740993}')
    assert not exact.matches('{"x":9007199254740992}')


def test_full_double_range():
    p = compile_pattern('{"x":[{"numeric":[">",1e300,"<=",1.7976931348623157e308]}]}')
    assert p.matches({"x": 1e308})
    assert not p.matches({"x": 1e299})
    tiny = compile_pattern('{"x":[{"numeric":[">",0,"<",1e-300]}]}')
    assert tiny.matches('{"x":4.9e-324}')


@pytest.mark.parametrize("ops,inside,outside", [
    ('["=",2000]', [2000, 2e3], [1999.9999, "2000"]),
    ('["<",2000]', [1999.999, -1e308], [2000, True]),
    ('["<=",2000]', [2000], [2000.0000000001]),
    ('[">",2000]', [2000.0001], [2000, None]),
    ('[">=",2000,"<",8000]', [2000, 7999.999], [8000, 1999]),
    ('[">",500,"<=",599]', [599, 500.5], [500, 600]),
])
def test_numeric_ranges(ops, inside, outside):
    p = compile_pattern(f'{{"d":[{{"numeric":{ops}}}]}}')
    for v in inside:
        assert p.matches({"d": v}), v
    for v in outside:
        assert not p.matches({"d": v}), v


def test_numeric_accepts_only_json_numbers():
    p = compile_pattern('{"d":[{"numeric":[">=",0]}]}')
    for v in ("5", True, False, None, {"a": 1}):
        assert not p.matches({"d": v})
    assert p.matches({"d": 0})


def test_arrays_any_element_and_nested_arrays_flatten():
    p = compile_pattern('{"x":[{"numeric":[">",5]}]}')
    assert p.matches({"x": [1, 7]})
    assert p.matches('{"x":[[1],[7]]}')
    assert not p.matches({"x": [[1], [2]]})
    assert not p.matches({"x": []})


def test_array_consistency():
    p = compile_pattern('{"e":{"f":["Anna"],"l":["Jones"]}}')
    assert not p.matches({"e": [{"f": "Anna", "l": "Smith"}, {"f": "Peter", "l": "Jones"}]})
    assert p.matches({"e": [{"f": "Anna", "l": "Smith"}, {"f": "Anna", "l": "Jones"}]})
    # a top-level scalar combined with one array element is fine
    q = compile_pattern('{"t":["x"],"e":{"d":[{"numeric":[">",1]}]}}')
    assert q.matches({"t": "x", "e": [{"d": 0}, {"d": 2}]})


def test_array_consistency_is_linear_on_big_arrays():
    p = compile_pattern('{"e":{"f":["Anna"],"l":["Jones"]}}')
    big = {"e": [{"f": "Anna", "l": str(i)} for i in range(100_000)] + [{"f": "x", "l": "Jones"}]}
    assert not p.matches(big)


def test_empty_patterns_are_invalid():
    with pytest.raises(ValueError, match="Empty objects are not allowed"):
        compile_pattern("{}")
    with pytest.raises(ValueError, match="Empty arrays are not allowed"):
        compile_pattern('{"a":[]}')


def test_duplicate_keys_merge_path_by_path_and_last_wins():
    p = compile_pattern('{"a":{"b":["x"]},"a":{"c":["y"]}}')
    assert p.fields == ("a.b", "a.c")
    assert p.matches({"a": {"b": "x", "c": "y"}})
    assert not p.matches({"a": {"b": "x"}})
    last = compile_pattern('{"a":["x"],"a":["y"]}')
    assert last.matches({"a": "y"}) and not last.matches({"a": "x"})
    with pytest.raises(ValueError, match="Empty arrays"):
        compile_pattern('{"a":[],"a":["y"]}')  # an overridden invalid value still counts


def test_dotted_keys_are_nesting():
    assert m('{"a.b":["x"]}', {"a": {"b": "x"}})
    assert m('{"a":{"b":["x"]}}', {"a.b": "x"})
    assert compile_pattern('{"a.b":["x"]}').fields == compile_pattern('{"a":{"b":["x"]}}').fields


def test_dotted_keys_that_merge_with_an_object_give_every_value():
    p = compile_pattern('{"a": ["x"], "a.b": [1]}')
    assert p.matches({"a": "x", "a.b": 1})                 # "a" holds "x"; "a.b" holds 1
    assert p.matches({"a": {"b": 1}, "a.c": 2, "a.d": "x"}) is False
    q = compile_pattern('{"a": {"b": [1], "c": [2]}}')
    assert q.matches({"a": {"b": 1}, "a.c": 2})
    assert not q.matches({"a": [{"b": 1}, {"z": 0}], "a.c": 3})
    # fields below a merged value still keep array consistency
    assert not q.matches({"a": [{"b": 1}, {"c": 2}], "a.x": 0})
    assert q.matches({"a": [{"b": 1, "c": 2}], "a.x": 0})


def test_ip_addresses_compare_as_addresses():
    assert m('{"ip":["10.0.0.1"]}', {"ip": "010.0.0.1"})
    assert m('{"ip":["2001:db8::1"]}', {"ip": "2001:DB8:0:0:0:0:0:1"})
    assert not m('{"ip":["10.0.0.1"]}', {"ip": "10.0.0.2"})
    assert not m('{"ip":["127.0.0.1"]}', {"ip": "127.1"})


@pytest.mark.parametrize("event", ["[1,2]", "5", '"x"', "null", b"[]", [1], 5, None])
def test_events_that_are_not_objects_raise(event):
    with pytest.raises(RumRulesError):
        compile_pattern('{"a":["x"]}').matches(event)


@pytest.mark.parametrize("event", ['{"a":"x"}}', '{"a":"x"},', '{"a":"x"} x', '{"a":NaN}',
                                   b"\xff\xfe", '{"a":'])
def test_invalid_event_text_raises(event):
    with pytest.raises(RumRulesError):
        compile_pattern('{"a":["x"]}').matches(event)


def test_event_as_bytes():
    assert compile_pattern('{"a":["é"]}').matches('{"a":"é"}'.encode())
