"""The eventbridge dialect, operator by operator: matching and non-matching values, and the
invalid forms with AWS's messages."""

from __future__ import annotations

import pytest

from rumrules import PatternError, compile_pattern

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
    "exists-true": ('{"exists": true}', ["x", 0, None, False], []),
    "cidr-v4": ('{"cidr": "10.0.0.0/24"}', ["10.0.0.0", "10.0.0.255"], ["10.0.1.0", "x", None]),
    "cidr-v6": ('{"cidr": "2001:db8::/32"}', ["2001:db8::1", "2001:DB8:ffff::"],
                ["2001:db9::"]),
    "wildcard": ('{"wildcard": "a*c"}', ["ac", "abc", "a-x-c"], ["ab", "xac", 1]),
    "wildcard-escape": ('{"wildcard": "a\\\\*c"}', ["a*c"], ["abc"]),
    "exactly": ('{"exactly": "10.0.0.1"}', ["10.0.0.1"], ["010.0.0.1", 1]),
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
    if name != "exists-false":
        assert not p.matches({}), name  # nothing but exists:false matches a missing field


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
    assert operator in info.value.message and "eventbridge" in info.value.hint


def test_explain_describes_every_operator():
    for name, (matcher, good, bad) in CASES.items():
        p = compile_pattern(f'{{"f": [{matcher}]}}', dialect=EB)
        for v in bad[:1]:
            reason = p.explain({"f": v}).conditions[0].reason
            assert reason and "is not" in reason or "missing" in reason, (name, reason)
