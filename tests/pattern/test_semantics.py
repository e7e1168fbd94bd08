"""SPEC §1.2, rule by rule: each with events that must and must not match."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

import pytest

from rumrules import PatternSet, RumRulesError, compile_pattern
from rumrules.pattern._events import path_values, values_at


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


def test_dotted_key_merged_with_a_big_array_is_linear():
    """A merged value used to send the alternative to a search over every combination of
    array elements (O(n**k)): 4000 elements that satisfy one field and 4000 that satisfy
    the other took 16 million steps.  Now it is one walk."""
    q = compile_pattern('{"a": {"b": ["x"], "c": ["y"]}}')
    n = 4000
    event = {"a": [{"b": "x", "c": "z"} for _ in range(n)]
             + [{"b": "q", "c": "y"} for _ in range(n)], "a.d": 1}
    assert not q.matches(event)
    event["a"].append({"b": "x", "c": "y"})
    assert q.matches(event)
    # a field may come from the dotted part while the other comes from an element
    assert q.matches({"a": [{"b": "x"} for _ in range(n)], "a.c": "y"})
    three = compile_pattern('{"a": {"b": ["x"], "c": ["y"], "e": {"f": [1]}}}')
    big = {"a": [{"b": "x", "c": "y", "e": [{"f": 0}] * 3} for _ in range(n // 4)], "a.e.f": 2}
    assert not three.matches(big)
    big["a.e"] = [{"f": 1}]
    assert three.matches(big)


def test_merged_parts_are_independent_but_elements_are_not():
    q = compile_pattern('{"a": {"b": {"c": [1], "d": [2]}, "e": [3]}}')
    # c from the array under a.b, d from the dotted key, e from a third part
    assert q.matches({"a": {"b": [{"c": 1}]}, "a.b.d": 2, "a.e": 3})
    # c and d inside one part's array must share an element
    assert not q.matches({"a": {"b": [{"c": 1}, {"d": 2}], "e": 3}, "a.x": 0})
    assert q.matches({"a": {"b": [{"c": 1}, {"c": 1, "d": 2}], "e": 3}, "a.x": 0})
    # ... unless one of them comes from another part
    assert q.matches({"a": {"b": [{"c": 1}, {"z": 2}], "e": 3}, "a.b.d": 2})
    assert not q.matches({"a": {"b": [{"c": 1}, {"z": 2}], "e": 3}, "a.b.d": 9})


class _Frozen(Mapping):
    """A read-only mapping that is not a dict."""

    def __init__(self, **items):
        self._items = dict(items)

    def __getitem__(self, key):
        return self._items[key]

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)


class _Items(list):
    pass


@pytest.mark.parametrize("make", [OrderedDict, _Frozen, dict], ids=["OrderedDict", "Mapping",
                                                                     "dict"])
def test_mappings_are_objects_at_the_top_and_inside(make):
    """SPEC: an event never silently fails to match; any Mapping is a JSON object."""
    p = compile_pattern('{"a": ["x"], "m": {"b": [{"numeric": [">", 1]}]}}')
    event = make(a="x", m=make(b=2))
    assert p.matches(event) and p.explain(event)
    assert not p.matches(make(a="x", m=make(b=0)))
    # an array of mappings keeps array consistency
    q = compile_pattern('{"e": {"f": ["Anna"], "l": ["Jones"]}}')
    assert q.matches(make(e=[make(f="Anna", l="Smith"), make(f="Anna", l="Jones")]))
    assert not q.matches(make(e=[make(f="Anna", l="Smith"), make(f="Peter", l="Jones")]))
    assert q.matches(make(e=_Items([make(f="Anna", l="Jones")])))
    # dotted keys in a mapping
    assert q.matches(make(**{"e.f": "Anna", "e": make(l="Jones")}))
    # a mapping is an object, not a value: exists true fails, exists false holds
    eb = compile_pattern('{"m": [{"exists": true}]}', dialect="eventbridge")
    assert not eb.matches(make(m=make(b=1)))
    assert eb.matches(make(m=_Items(["v"])))
    assert compile_pattern('{"m": [{"exists": false}]}', dialect="eventbridge").matches(
        make(m=make(b=1)))
    assert compile_pattern('{"m": [{"anything-but": "x"}]}', dialect="eventbridge").matches(
        make(m=(1, 2))) is True
    assert not compile_pattern('{"m": [{"anything-but": "x"}]}', dialect="eventbridge").matches(
        make(m=make(b=1)))
    # the index reads the same walk
    assert values_at(make(m=make(b=2)), ("m", "b")) == ([2], False)
    assert [v for v, _ in path_values(make(e=_Items([make(f="Anna")])), ("e", "f"))] == ["Anna"]
    ps = PatternSet("eventbridge")
    ps.add("p", p)
    ps.add("q", q)
    assert ps.matches(make(a="x", m=make(b=2), e=[make(f="Anna", l="Jones")])) == ["p", "q"]


def test_a_list_that_contains_itself_is_refused_not_a_hang():
    loop: list = []
    loop.append(loop)
    deep: list = [1, [2, [3]]]
    deep[1][1].append(deep)
    p = compile_pattern('{"a": ["x"]}')
    q = compile_pattern('{"a": {"b": ["x"]}}')
    ps = PatternSet()
    ps.add("p", p)
    for cyclic in (loop, deep, [{"b": "y"}, deep]):
        for matcher in (p.matches, p.explain, q.matches, q.explain, ps.matches):
            with pytest.raises(RumRulesError, match="the event is not JSON: it contains itself"):
                matcher({"a": cyclic})
    shared = ["x"]
    assert p.matches({"a": [shared, [shared]]})  # the same list twice is not a cycle
    # a dict that contains itself is walked only as deep as the pattern: an answer
    d: dict = {}
    d["a"] = d
    assert not compile_pattern('{"a": {"a": {"a": ["x"]}}}').matches(d)


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
