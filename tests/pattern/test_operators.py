"""The eventbridge dialect, operator by operator: matching and non-matching values, and the
invalid forms with AWS's messages."""

from __future__ import annotations

import itertools
import re

import pytest

from rumrules import PatternError, compile_pattern
from rumrules.pattern._compile import MAX_ALTERNATIVES, MAX_EXPANDED_FIELDS

EB = "eventbridge"

# operator: (matcher JSON, values that match, values that do not, and the field missing)
CASES = {
    "prefix": ('{"prefix": "com.amazon."}', ["com.amazon.rum", "com.amazon."],
               ["com.amazo", "COM.AMAZON.x", 5, None]),
    "prefix-ignore-case": ('{"prefix": {"equals-ignore-case": "COM."}}', ["com.x", "Com.y"],
                           ["co.m", 5]),
    "suffix": ('{"suffix": ".png"}', ["a.png", ".png"], ["a.PNG", "png", 1]),
    "suffix-ignore-case": ('{"suffix": {"equals-ignore-case": ".PNG"}}', ["a.png", "b.PnG"],
                           ["a.jpg"]),
    "equals-ignore-case": ('{"equals-ignore-case": "Chrome"}', ["chrome", "CHROME"],
                           ["chromium", 1, None]),
    "anything-but-value": ('{"anything-but": "x"}', ["y", 5, None, True], ["x"]),
    "anything-but-list": ('{"anything-but": [1, 2]}', [3, "1", None], [1, 2, 1.0]),
    "anything-but-prefix": ('{"anything-but": {"prefix": "init"}}', ["done", 5], ["initial"]),
    "anything-but-suffix": ('{"anything-but": {"suffix": ".tmp"}}', ["a.txt"], ["a.tmp"]),
    "anything-but-ignore-case": ('{"anything-but": {"equals-ignore-case": ["A", "b"]}}',
                                 ["c"], ["a", "B"]),
    "anything-but-wildcard": ('{"anything-but": {"wildcard": "*/tmp/*"}}', ["/home/x"],
                              ["/a/tmp/b"]),
    "exists-true": ('{"exists": true}', ["x", 0, None, False], [[], {"o": 1}]),
    "exists-false": ('{"exists": false}', [[], {"o": 1}], ["x", 0, None, False]),
    "cidr-v4": ('{"cidr": "10.0.0.0/24"}', ["10.0.0.0", "10.0.0.255"], ["10.0.1.0", "x", None]),
    "cidr-v6": ('{"cidr": "2001:db8::/32"}', ["2001:db8::1", "2001:DB8:ffff::"],
                ["2001:db9::"]),
    "wildcard": ('{"wildcard": "a*c"}', ["ac", "abc", "a-x-c"], ["ab", "xac", 1]),
    "wildcard-escape": ('{"wildcard": "a\\\\*c"}', ["a*c"], ["abc"]),
    "exactly": ('{"exactly": "10.0.0.1"}', ["10.0.0.1"], ["010.0.0.1", 1]),
    # the rum dialect's two, for the explanations below
    "exact": ('"Chrome"', ["Chrome"], ["chrome", 1, None]),
    "exact-number": ("404", [404, 404.0], ["404", 405, True]),
    "numeric": ('{"numeric": [">=", 2000, "<", 8000]}', [2000, 7999.5],
                [8000, "2500", True, None]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_operator_matches_and_does_not(name):
    matcher, good, bad = CASES[name]
    p = compile_pattern(f'{{"f": [{matcher}]}}', dialect=EB)
    for v in good:
        assert p.matches({"f": v}), (name, v)
        assert p.explain({"f": v}).conditions[0].matched
    for v in bad:
        assert not p.matches({"f": v}), (name, v)
        assert not p.explain({"f": v})
    # nothing but exists:false matches a missing field
    assert p.matches({}) is (name == "exists-false"), name


def test_exists_false():
    p = compile_pattern('{"f": [{"exists": false}]}', dialect=EB)
    assert p.matches({}) and p.matches({"f": {"nested": 1}}) and p.matches({"f": []})
    assert not p.matches({"f": None}) and not p.matches({"f": "x"})
    # decided over the whole event: present in any array element is not absent
    q = compile_pattern('{"e": {"f": [{"exists": false}], "l": ["Jones"]}}', dialect=EB)
    assert not q.matches({"e": [{"f": "Anna"}, {"l": "Jones"}]})


def test_or_expands_into_alternatives():
    p = compile_pattern('{"a": ["1"], "$or": [{"b": ["2"]}, {"c": {"$or": [{"d": ["3"]}, '
                        '{"e": ["4"]}]}}]}', dialect=EB)
    assert len(p.alternatives) == 3
    assert p.matches({"a": "1", "b": "2"}) and p.matches({"a": "1", "c": {"e": "4"}})
    assert not p.matches({"b": "2"}) and not p.matches({"a": "1", "c": {"f": "4"}})


@pytest.mark.parametrize("text,message", [
    ('{"f": [{"prefix": 5}]}', "prefix match pattern must be a string"),
    ('{"f": [{"prefix": {"nope": "x"}}]}', "Unsupported prefix pattern: nope"),
    ('{"f": [{"suffix": ["x"]}]}', "suffix match pattern must be a string"),
    ('{"f": [{"equals-ignore-case": 1}]}', "equals-ignore-case match pattern must be a string"),
    ('{"f": [{"anything-but": ["a", 1]}]}', "Inside anything but list, either all values are "
                                            "number or string, mixed type is not supported"),
    ('{"f": [{"anything-but": {"prefix": ""}}]}', "Null prefix/suffix not allowed"),
    ('{"f": [{"anything-but": {"numeric": [">", 1]}}]}', "Unsupported anything-but pattern: numeric"),
    ('{"f": [{"anything-but": null}]}', "Value of anything-but must be an array or single "
                                        "string/number value."),
    ('{"f": [{"exists": "yes"}]}', "exists match pattern must be either true or false."),
    ('{"f": [{"cidr": "10.0.0.0/33"}]}', "IPv4 mask bits must be < 32"),
    ('{"f": [{"cidr": "10.0.0.0"}]}', "Malformed CIDR, one '/' required"),
    ('{"f": [{"wildcard": "a**"}]}', "Consecutive wildcard characters at pos 2"),
    ('{"f": [{"wildcard": "a\\\\x"}]}', "Invalid escape character at pos 2"),
    ('{"f": [{"wildcard": "*a*b*c*d*e*"}]}', "Rule is too complex - try using fewer wildcard "
     "characters or fewer repeating character sequences after a wildcard character"),
    ('{"f": [{"exactly": 1}]}', "exact match pattern must be a string"),
    ('{"f": [{"prefix": "a", "suffix": "b"}]}', "Only one key allowed in match expression"),
    ('{"$or": {"a": ["x"]}}', "It must be an Array followed with $or."),
    ('{"$or": [{"a": ["x"]}]}', "There must have at least 2 Objects in $or relationship."),
    ('{"$or": [{"a": ["x"]}, 5]}', "Only JSON object is allowed in array of $or relationship."),
    ('{"$or": [{"prefix": ["x"]}, {"b": ["y"]}]}',
     "prefix is Ruler reserved fieldName which cannot be used inside $or."),
])
def test_invalid_operator_forms(text, message):
    with pytest.raises(PatternError) as info:
        compile_pattern(text, dialect=EB)
    assert info.value.message == message
    assert info.value.line == 1 and info.value.column > 1


@pytest.mark.parametrize("operator", ["prefix", "suffix", "equals-ignore-case", "anything-but",
                                      "exists", "cidr", "wildcard", "exactly", "$or"])
def test_every_operator_is_refused_by_the_rum_dialect(operator):
    text = ('{"$or": [{"a": ["x"]}, {"b": ["y"]}]}' if operator == "$or"
            else f'{{"a": [{{"{operator}": "x"}}]}}')
    with pytest.raises(PatternError) as info:
        compile_pattern(text, dialect="rum")
    # SPEC 1.1: the error names the operator and says the eventbridge dialect accepts it
    assert info.value.message == (f"{operator} is not part of the rum dialect of EventPattern; "
                                  "the eventbridge dialect accepts it")
    assert "eventbridge" in info.value.hint


_MISSING = object()

# operator: failing values (at "f", or _MISSING for no field) and the kind explain gives
FAILURES = {
    "prefix": [("com.amazo", "not_in_list"), (5, "wrong_type"), (_MISSING, "missing")],
    "prefix-ignore-case": [("co.m", "not_in_list"), (5, "wrong_type")],
    "suffix": [("a.PNG", "not_in_list"), (1, "wrong_type")],
    "suffix-ignore-case": [("a.jpg", "not_in_list")],
    "equals-ignore-case": [("chromium", "not_in_list"), (None, "wrong_type")],
    "anything-but-value": [("x", "excluded"), (_MISSING, "missing")],
    "anything-but-list": [(1, "excluded"), (1.0, "excluded")],
    "anything-but-prefix": [("initial", "excluded")],
    "anything-but-suffix": [("a.tmp", "excluded")],
    "anything-but-ignore-case": [("B", "excluded")],
    "anything-but-wildcard": [("/a/tmp/b", "excluded")],
    "exists-true": [([], "empty_array"), ({"o": 1}, "object"), (_MISSING, "missing")],
    "exists-false": [("x", "present"), (None, "present"), ([0, 1], "present")],
    "cidr-v4": [("10.0.1.0", "out_of_range"), ("x", "wrong_type")],
    "cidr-v6": [("2001:db9::", "out_of_range")],
    "wildcard": [("ab", "not_in_list"), (1, "wrong_type")],
    "wildcard-escape": [("abc", "not_in_list")],
    "exactly": [("010.0.0.1", "not_in_list"), (1, "wrong_type")],
    "exact": [("chrome", "not_in_list"), (1, "wrong_type"), (["a", 2], "not_in_list")],
    "exact-number": [(405, "not_in_list"), ("404", "wrong_type"), (True, "wrong_type")],
    "numeric": [(8000, "out_of_range"), ("2500", "wrong_type"), (True, "wrong_type"),
                (None, "wrong_type"), (float("inf"), "not_comparable"),
                ('{"f": 1e309}', "not_comparable")],
}


def test_every_operator_has_failing_explanations():
    assert set(FAILURES) == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_explain_describes_every_operator(name):
    matcher = CASES[name][0]
    p = compile_pattern(f'{{"f": [{matcher}]}}', dialect=EB)
    for value, kind in FAILURES[name]:
        event = {} if value is _MISSING else (
            value if isinstance(value, str) and value.startswith("{") else {"f": value})
        e = p.explain(event)
        assert not e and not p.matches(event), (name, value)
        (c,) = e.conditions
        assert not c.matched and c.kind == kind, (name, value, c)
        assert c.reason and c.to_dict()["kind"] == kind
        assert e.to_dict()["kind"] == "conditions"
    for value in CASES[name][1]:
        e = p.explain({"f": value})
        assert e and e.kind is None and e.conditions[0].kind is None, (name, value)


def test_explain_or_shows_the_alternative_that_got_furthest():
    p = compile_pattern('{"$or": [{"a": ["x"], "q": [1]},'
                        ' {"b": ["y"], "c": ["z"], "d": ["w"], "g": ["u"]},'
                        ' {"b": ["y"], "c": ["z"], "f": ["v"]},'
                        ' {"b": ["y"], "e": [{"exists": false}], "h": ["t"]}]}', dialect=EB)
    e = p.explain({"a": "x", "b": "y", "c": "z"})
    # the 1st holds one condition; the 2nd, 3rd and 4th two each, and the 3rd and 4th
    # fail one where the 2nd fails two: the 3rd is shown (the first of the furthest)
    assert not e and (e.alternative, e.alternatives) == (2, 4)
    assert [c.kind for c in e.conditions] == [None, None, "missing"]
    e = p.explain({"a": "x", "b": "y", "e": 1, "h": "t"})
    assert (e.alternative, [c.kind for c in e.conditions]) == (3, [None, "present", None])
    e = p.explain({"b": "y", "c": "z", "d": "w", "g": "u"})
    assert e and e.alternative == 1 and e.kind is None


def test_explain_inconsistent_array_kind():
    p = compile_pattern('{"e": {"f": ["Anna"], "l": ["Jones"]}}')
    d = p.explain({"e": [{"f": "Anna"}, {"l": "Jones"}]}).to_dict()
    assert d["kind"] == "inconsistent_array" and d["note"]
    assert [c["kind"] for c in d["conditions"]] == [None, None]


# ---------------------------------------------------------------------- wildcard

def _old_regex(glob_text: str):
    """The regular expression wildcard values used to be matched with (the oracle)."""
    out, escaped = [], False
    for ch in glob_text:
        if escaped:
            out.append(re.escape(ch))
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "*":
            out.append(".*")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), re.DOTALL)


def test_wildcard_agrees_with_the_regular_expression_on_every_small_case():
    """Every wildcard of up to 4 symbols over a, b, *, \\* and \\\\, against every value of
    up to 4 characters over a, b, * and \\: the linear matcher answers as the regex did."""
    symbols = ["a", "b", "*", "\\*", "\\\\"]
    values = ["".join(v) for n in range(5) for v in itertools.product("ab*\\", repeat=n)]
    checked = 0
    for n in range(5):
        for parts in itertools.product(symbols, repeat=n):
            text = "".join(parts)
            try:
                p = compile_pattern('{"f": [{"wildcard": %s}, {"anything-but": {"wildcard": %s}}]}'
                                    % (_json(text), _json(text)), dialect=EB)
            except PatternError as e:
                assert e.message.startswith("Consecutive wildcard characters"), text
                continue
            glob, but = p.conditions[0].matchers
            fullmatch = _old_regex(text).fullmatch
            for v in values:
                expected = fullmatch(v) is not None
                assert glob.test(v) is expected, (text, v)
                assert but.test(v) is not expected, (text, v)
            checked += 1
    assert checked > 400


def _json(s: str) -> str:
    import json

    return json.dumps(s)


def test_wildcard_matching_is_linear():
    # the regex took 8.6 s on this; the linear matcher takes microseconds
    p = compile_pattern('{"f": [{"wildcard": "*a*a*b"}]}', dialect=EB)
    assert not p.matches({"f": "a" * 3000})
    assert p.matches({"f": "a" * 3000 + "b"})
    q = compile_pattern('{"f": [{"anything-but": {"wildcard": "*a*a*a*a*b"}}]}', dialect=EB)
    assert q.matches({"f": "a" * 3000})
    assert not q.matches({"f": "a" * 3000 + "b"})


def test_wildcard_matcher_keeps_its_attributes():
    (m,) = compile_pattern('{"f": [{"wildcard": "a\\\\*b*"}]}', dialect=EB).conditions[0].matchers
    assert m.kind == "wildcard" and m.value == "a\\*b*"
    assert m.regex.pieces == ("a*b", "") and m.regex.fullmatch("a*bxyz")
    assert m.regex.fullmatch("a*") is None
    assert re.compile(m.regex.pattern).fullmatch("a*bxyz")


# ---------------------------------------------------------------------- $or expansion

def _ors(n: int, before: str = "", after: str = "") -> str:
    ors = ", ".join('"$or": [{"a%d": ["x"]}, {"b%d": ["y"]}]' % (i, i) for i in range(n))
    return "{" + before + ors + after + "}"


def test_or_expansion_up_to_the_bound_compiles():
    p = compile_pattern(_ors(10), dialect=EB)
    assert len(p.alternatives) == 1024 == MAX_ALTERNATIVES
    assert p.matches({"a0": "x", **{f"b{i}": "y" for i in range(1, 10)}})
    assert not p.matches({"a0": "x"})
    # the most fields in all: 1024 alternatives of 16 fields (6 outside the $or)
    six = "".join('"c%d": [1], ' % i for i in range(6))
    q = compile_pattern(_ors(10, before=six), dialect=EB)
    assert sum(len(a) for a in q.alternatives) == MAX_EXPANDED_FIELDS


_SEVEN = "".join('"c%d": [1], ' % i for i in range(7))


@pytest.mark.parametrize("text,which", [
    (_ors(11), 10),                       # 2048 alternatives: the 11th $or passes the bound
    (_ors(16), 10),                       # took minutes before there was a bound
    (_ors(90), 10),
    (_ors(10, before=_SEVEN), 9),         # 1024 alternatives of 17 fields: too many fields
    (_ors(10, after=", " + _SEVEN[:-2]), 0),  # ... with the fields after it: the first $or
    ('{"$or": [%s, %s]}' % (_ors(10), _ors(10)), 0),  # nested: 2 x 1024
])
def test_or_expansion_past_the_bound_is_refused_quickly(text, which):
    with pytest.raises(PatternError) as info:
        compile_pattern(text, dialect=EB)
    e = info.value
    assert e.message == (
        "$or expands into too many alternatives: rumrules accepts at most 1024 combinations "
        "of $or branches, holding at most 16384 fields in all (a bound of rumrules, not of "
        "AWS, which documents none)")
    column = [m.start() for m in re.finditer(re.escape('"$or"'), text)][which] + 1
    assert (e.line, e.column) == (1, column)
    assert "split the pattern" in e.hint


def test_or_expansion_bound_comes_after_aws_errors():
    with pytest.raises(PatternError) as info:
        compile_pattern(_ors(16, after=', "z": 5'), dialect=EB)
    assert info.value.message == '"z" must be an object or an array'
