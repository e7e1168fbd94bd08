"""EventBridge dialect fidelity (issue 14): one minimal case per difference the differential
run against the reference (event-ruler 2.0.1) found on the compile side, in both dialects
where the pattern is in both."""

from __future__ import annotations

import json

import pytest

from rumrules import PatternError, PatternSet, compile_pattern
from rumrules.pattern import DIALECTS


def error_of(text: str, dialect: str = "eventbridge") -> PatternError:
    with pytest.raises(PatternError) as info:
        compile_pattern(text, dialect=dialect)
    return info.value


def assert_rum_refuses_eventbridge(text: str) -> None:
    """The rum dialect refuses a pattern that uses an eventbridge operator, as it always did."""
    assert "rum dialect" in error_of(text, "rum").message


# ------------------------------------------------------------------ CIDR and addresses

@pytest.mark.parametrize("block,message", [
    ("10/8", "Nonstandard IP address: 10"),
    ("4294967295/0", "Nonstandard IP address: 4294967295"),
    ("/8", "Nonstandard IP address: "),
    ("10.0.0.0/2147483648", "Malformed CIDR, mask bits must be an integer"),
    ("10.0.0.0/99999999999999999999", "Malformed CIDR, mask bits must be an integer"),
    ("10.0.0.0/-2147483649", "Malformed CIDR, mask bits must be an integer"),
    ("10.0.0.0/2147483647", "IPv4 mask bits must be < 32"),
    ("::/2147483647", "IPv6 mask bits must be < 128"),
    ("10.0.0.0/-1", "Malformed CIDR, mask bits must not be negative"),
    ("10.0.0.0/ 8", "Malformed CIDR, mask bits must be an integer"),
    ("10.0.0.0/8_0", "Malformed CIDR, mask bits must be an integer"),
])
def test_cidr_blocks_the_reference_refuses(block, message):
    text = '{"ip":[{"cidr":"%s"}]}' % block
    assert error_of(text).message == message
    assert_rum_refuses_eventbridge(text)


@pytest.mark.parametrize("mask", ["\\u0668", "\\uff18", "+8", "08"])
def test_cidr_mask_bits_are_read_as_javas_integer_parse_int(mask):
    """Java's Integer.parseInt takes a sign and decimal digits of any script."""
    p = compile_pattern('{"ip":[{"cidr":"10.0.0.0/%s"}]}' % mask, dialect="eventbridge")
    assert p.matches({"ip": "10.0.0.1"}) and p.matches({"ip": "10.200.0.1"})
    assert not p.matches({"ip": "11.0.0.1"})


def test_an_extra_key_after_cidr():
    text = '{"ip":[{"cidr":"10.0.0.0/8","x":1}]}'
    e = error_of(text)
    assert e.message == "Only one key allowed in match expression"
    assert (e.line, e.column) == (1, text.index('"x"') + 1)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_exact_values_that_look_like_a_bare_number_address_are_strings(dialect):
    p = compile_pattern('{"ip":["10"]}', dialect=dialect)
    assert p.matches({"ip": "10"})
    assert not p.matches({"ip": "0.0.0.10"})
    dotted = compile_pattern('{"ip":["10.0.0.1"]}', dialect=dialect)
    assert dotted.matches({"ip": "010.000.000.001"})  # a dotted address is an address


# ------------------------------------------------------------------ $or reserved names

RESERVED_LATER = ["not-wildcard", "not-equals-ignore-case", "date-after", "date-on-or-after",
                  "date-before", "date-on-or-before", "in-date-range", "ip-address-in-range",
                  "ip-address-not-in-range"]


@pytest.mark.parametrize("name", RESERVED_LATER)
def test_names_reserved_for_future_operators_cannot_be_fields_inside_or(name):
    text = '{"$or":[{"a":["x"]},{"%s":["x"]}]}' % name
    e = error_of(text)
    assert e.message == f"{name} is Ruler reserved fieldName which cannot be used inside $or."
    assert_rum_refuses_eventbridge(text)
    # outside $or they are plain field names, in both dialects
    for dialect in DIALECTS:
        assert compile_pattern('{"%s":["x"]}' % name, dialect=dialect).matches({name: "x"})


# ------------------------------------------------------------------ error precedence

@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("text,message", [
    # the semantic error comes before the syntax error: the reference reports it
    ('{"a":[{"numeric":[">",5,"<",1]}]', "Bottom must be less than top"),
    ('{"a":[{"numeric":["=>",1,"<" 8]}]}', "Unrecognized numeric range operator: =>"),
    ('{"a":[{"numeric":[">",5,"<",1,2', "Too many terms in numeric range expression"),
    ('{"a":[{"numeric":["=",5,6', "Too many elements in numeric expression"),
    ('{"a":[{"numeric":[">","5"', "Value of > must be numeric"),
    ('{"a":[{"numeric":5', "Value of numeric must be an array."),
    ('{"a":[{"numeric":[1', "Invalid member in numeric match: 1"),
    ('{"a":[{"numeric":[">",1],"b":2', "Too many elements in numeric expression"),
    ('{"a":[{"Numeric":[', "Unrecognized match type Numeric"),
    ('{"a":[{"Numeric":"\\q"}]}', "Unrecognized match type Numeric"),
    ('{"a":[]', "Empty arrays are not allowed"),
    ('{"a":[[', "Match value must be String, number, true, false, or null"),
    ('{"a":{}', "Empty objects are not allowed"),
    ('{"a":[{}', "Match expression name not found"),
    ('{"a":"x\\q"}', '"a" must be an object or an array'),
    ('{"a":5 6}', '"a" must be an object or an array'),
    ('[1,', "Filter is not an object"),
    ('"abc', "Filter is not an object"),
    ('{"a":[]} trailing', "Empty arrays are not allowed"),
    # the syntax error comes first: the reference never reads past it
    ('{"a":[{"numeric":[">",5', "Unexpected end-of-input: expected close marker for Array"),
    ('{"a":[{"numeric":["=>"', "Unexpected end-of-input: expected close marker for Array"),
    ('{"a":[{"numeric":["\\q",1]}]}', "Unrecognized character escape 'q' (code 113)"),
    ('{"a":["x\\q"]}', "Unrecognized character escape 'q' (code 113)"),
    ('{"a":[1,]}', "Unexpected character (']' (code 93)): expected a valid value"),
    ('{"a":[{"numeric":[">",1]} "b":2}', "Unexpected character ('\"' (code 34)): was "
                                           "expecting comma to separate Array entries"),
    # in an object the key, the colon and the value's first token are read in one step
    ('{"a":[{"numeric":[">",1],"b" 2}]}', "Unexpected character ('2' (code 50)): was "
                                          "expecting a colon to separate field name and value"),
    ('{"a":[{"numeric":[">",1],"b":01}]}', "Invalid numeric value: Leading zeroes not allowed"),
    ('{"a":[{"Numeric":01}]}', "Invalid numeric value: Leading zeroes not allowed"),
    ('{"a":[{"Numeric":tru}]}', "Unrecognized token 'tru': was expecting"),
    ('{"a":[{"numeric":[">",1]}],"b":[1,]}', "Unexpected character (']' (code 93))"),
    ('{"a":[1]', "Unexpected end-of-input: expected close marker for Object"),
    ('{"a":[1]}}', "text after the end of the JSON value"),
])
def test_the_first_error_the_reference_meets_is_reported(text, message, dialect):
    e = error_of(text, dialect)
    assert e.message.startswith(message), e.message
    assert e.line >= 1 and e.column >= 1


def test_a_semantic_error_first_keeps_the_syntax_error_in_the_hint():
    text = '{"a":[{"numeric":[">",5,"<",1]}]'
    e = error_of(text, "rum")
    assert (e.line, e.column) == (1, text.index("5") + 1)
    assert f"column {len(text) + 1}" in e.hint and "not closed" in e.hint


@pytest.mark.parametrize("text,message", [
    ('{"a":[{"prefix":5', "prefix match pattern must be a string"),
    ('{"a":[{"prefix":"\\q"}]}', "Unrecognized character escape 'q' (code 113)"),
    ('{"a":[{"exists":"\\q"}]}', "exists match pattern must be either true or false."),
    ('{"a":[{"exists":true,"b":1', "Only one key allowed in match expression"),
    ('{"a":[{"exists":true,"b":', "Unexpected end-of-input within/between Object entries"),
    ('{"a":[{"exists":true', "Unexpected end-of-input: expected close marker for Object"),
    ('{"a":[{"anything-but":["x",5', "Unexpected end-of-input: expected close marker"),
    ('{"a":[{"anything-but":["x",5]', "Inside anything but list, either all values are "
                                      "number or string, mixed type is not supported"),
    ('{"a":[{"anything-but":[true', "Inside anything but list, start|null|boolean is not "
                                    "supported."),
    ('{"a":[{"anything-but":{"prefix":""', "Null prefix/suffix not allowed"),
    ('{"a":[{"anything-but":{"prefix":["x",""', "Null prefix/suffix not allowed"),
    ('{"a":[{"anything-but":{"prefix":["x",5', "prefix/suffix match pattern must be a string"),
    ('{"a":[{"anything-but":{"prefix":["x"', "Unexpected end-of-input: expected close marker"),
    ('{"a":[{"wildcard":"**"', "Consecutive wildcard characters at pos 1"),
    ('{"$or":[{"a":["x"]}]', "There must have at least 2 Objects in $or relationship."),
    ('{"$or":[{"a":["x"]}', "Unexpected end-of-input: expected close marker for Array"),
    ('{"$or":[5', "Only JSON object is allowed in array of $or relationship."),
    ('{"$or":[{"numeric":', "Unexpected end-of-input within/between Object entries"),
    ('{"$or":[{"numeric":[', "numeric is Ruler reserved fieldName which cannot be used inside "
                           "$or."),
    ('{"$or":5', "It must be an Array followed with $or."),
])
def test_first_error_with_eventbridge_operators(text, message):
    assert error_of(text).message.startswith(message)


def test_rule_is_too_complex_only_after_the_references_own_errors():
    """AWS rates a rule's wildcards once the reference compiled it: the reference's errors,
    later ones included, and the syntax errors come first."""
    complex_ = '{"a":[{"wildcard":"*a*b*c*d*e*f*"}]'
    too_complex = "Rule is too complex"
    assert error_of(complex_ + "}").message.startswith(too_complex)
    assert error_of(complex_ + ',"b":[{"wildcard":"**"}]}').message == \
        "Consecutive wildcard characters at pos 1"
    assert error_of(complex_ + ',"b":[]}').message == "Empty arrays are not allowed"
    assert error_of(complex_).message.startswith("Unexpected end-of-input")
    anything_but = '{"a":[{"anything-but":{"wildcard":"*a*b*c*d*e*f*"}}],"b":{}}'
    assert error_of(anything_but).message == "Empty objects are not allowed"
    assert_rum_refuses_eventbridge(complex_ + "}")


# ------------------------------------------------------------------ wildcard positions

@pytest.mark.parametrize("value,message", [
    ("é**", "Consecutive wildcard characters at pos 3"),
    ("a**", "Consecutive wildcard characters at pos 2"),
    ("😀**", "Consecutive wildcard characters at pos 5"),
    ("\\ud83d**", "Consecutive wildcard characters at pos 2"),  # Java: a lone surrogate is ?
    ("é\\\\x", "Invalid escape character at pos 3"),
    ("€\\\\", "Invalid escape character at pos 4"),
])
def test_wildcard_positions_count_utf8_bytes(value, message):
    text = '{"a":[{"wildcard":"%s"}]}' % value
    assert error_of(text).message == message
    anything_but = '{"a":[{"anything-but":{"wildcard":"%s"}}]}' % value
    assert error_of(anything_but).message == message
    assert_rum_refuses_eventbridge(text)


# ------------------------------------------------------------------ Java's strings

@pytest.mark.parametrize("matcher,yes,no", [
    ('{"prefix":"\\ud83d"}', "?x", "x?"),
    ('{"suffix":"\\ud83d"}', "x?", "?x"),
    ('{"wildcard":"\\ud83d*\\udc00"}', "?abc?", "abc"),
    ('{"anything-but":{"prefix":"\\ud83d"}}', "x?", "?x"),
    ('{"anything-but":{"suffix":["\\ud83d"]}}', "?x", "x?"),
    ('{"anything-but":{"wildcard":"\\ud83d*"}}', "x?", "?x"),
])
def test_lone_surrogates_in_byte_matchers_are_question_marks(matcher, yes, no):
    """Java encodes a lone surrogate as ``?``: ``{"prefix":"\\ud83d"}`` matches ``"?x"``."""
    text = '{"a":[%s]}' % matcher
    p = compile_pattern(text, dialect="eventbridge")
    assert p.matches({"a": yes})
    assert not p.matches({"a": no})
    assert_rum_refuses_eventbridge(text)


@pytest.mark.parametrize("matcher,event,expected", [
    # the event's lone surrogate is ``?`` to the string operators too
    ('{"prefix":"\\ud83d"}', '"\\ud83dx"', True),
    ('{"prefix":"?"}', '"\\ud83dx"', True),
    ('{"suffix":"x?"}', '"x\\udc00"', True),
    ('{"wildcard":"*?*"}', '"a\\ud800b"', True),
    ('{"equals-ignore-case":"?"}', '"\\ud83d"', True),
    ('{"equals-ignore-case":"\\ud83d"}', '"\\udc00"', True),
    ('{"anything-but":{"equals-ignore-case":"\\ud83d"}}', '"\\ud83d"', False),
    ('{"anything-but":{"prefix":"?"}}', '"\\ud83dx"', False),
    ('{"anything-but":{"suffix":"?"}}', '"x\\ud83d"', False),
    ('{"anything-but":{"wildcard":"?*"}}', '"\\ud83dx"', False),
    # a surrogate pair is one character, not two question marks, for prefix and suffix
    ('{"prefix":"?"}', '"\\ud83d\\ude00"', False),
    # exact values keep the surrogate
    ('"?"', '"\\ud83d"', False),
])
def test_lone_surrogates_in_event_values_are_question_marks(matcher, event, expected):
    """The reference reads event strings as UTF-8 bytes as well: a lone surrogate in an event
    value is ``?`` to prefix, suffix, wildcard and equals-ignore-case (and their anything-but
    forms), as text, as a dict, alone and in a PatternSet."""
    text = '{"a":[%s]}' % matcher
    p = compile_pattern(text, dialect="eventbridge")
    event_text = '{"a":%s}' % event
    assert p.matches(event_text) is expected
    assert p.matches(json.loads(event_text)) is expected
    assert bool(p.explain(event_text)) is expected
    ps = PatternSet(dialect="eventbridge")
    ps.add("p", text)
    ps.add("other", '{"a":[{"prefix":"zz"}]}')
    assert ps.matches(event_text) == (["p"] if expected else [])


@pytest.mark.parametrize("dialect", DIALECTS)
def test_exact_values_keep_lone_surrogates(dialect):
    """Exact values are not byte-converted by the reference (corpus: ``["\\ud800"]`` matches
    ``"\\ud800"`` but not ``"?"`` nor ``"\\udc00"``)."""
    p = compile_pattern('{"x":["\\ud800"]}', dialect=dialect)
    assert p.matches('{"x":"\\ud800"}')
    assert not p.matches({"x": "?"}) and not p.matches('{"x":"\\udc00"}')


# ------------------------------------------------------------------ anything-but object form

@pytest.mark.parametrize("op", ["prefix", "suffix", "wildcard", "equals-ignore-case"])
def test_anything_but_object_form_with_a_sibling_key(op):
    text = '{"a":[{"anything-but":{"%s":"foo"},"x":1}]}' % op
    e = error_of(text)
    assert e.message == "Too many elements in numeric expression"
    assert (e.line, e.column) == (1, text.index('"x"') + 1)
    inner = '{"a":[{"anything-but":{"%s":"foo","x":1}}]}' % op
    assert error_of(inner).message == "Too many elements in numeric expression"
    assert_rum_refuses_eventbridge(text)


@pytest.mark.parametrize("value", ["true", "false", "null", "{}"])
@pytest.mark.parametrize("op", ["prefix", "suffix", "wildcard", "equals-ignore-case"])
def test_anything_but_object_form_value_token(op, value):
    """The reference checks the token type (array, string or number) before the operator's
    own type message."""
    text = '{"a":[{"anything-but":{"%s":%s}}]}' % (op, value)
    assert error_of(text).message == ("Value of anything-but must be an array or single "
                                      "string/number value.")


# ------------------------------------------------------------------ Jackson's wordings

VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("text,message", [
    ('{"a":["x",#"y"]}', f"Unexpected character ('#' (code 35)): expected a valid value {VALUES}"),
    ('{"a":[#]}', f"Unexpected character ('#' (code 35)): expected a valid value {VALUES}"),
    ('{"a":[nullnull]}', f"Unrecognized token 'nullnull': was expecting {VALUES}"),
    ('{"a":[true1]}', f"Unrecognized token 'true1': was expecting {VALUES}"),
    ('{"a":[-.5]}', f"Unexpected character ('.' (code 46)): expected a valid value {VALUES}"),
    ('{"a":["x\\', "Unexpected end-of-input in character escape sequence"),
    ('{"a\\', "Unexpected end-of-input in character escape sequence"),
    # control characters in the quoted source are escaped, CR and LF are not
    ('{"a":\t[1', 'Unexpected end-of-input: expected close marker for Array (start marker at '
                  '[Source: (String)"{"a":\\u0009[1"; line: 1, column: 7])'),
    ('{"a":\x7f', "Unexpected character ((CTRL-CHAR, code 127)): expected a valid value"),
    ('{"a":[1,\x01', 'Illegal character ((CTRL-CHAR, code 1)): only regular white space'),
    # a close marker right after the opening one is checked before anything else
    ('{"a":[}', "Unexpected close marker '}': expected ']' (for Array starting at"),
    ('{"a":[{]}', "Unexpected close marker ']': expected '}' (for Object starting at"),
    # a number at the root must be followed by white space
    ("1x", "Unexpected character ('x' (code 120)): Expected space separating root-level values"),
    ("-1.5{", "Unexpected character ('{' (code 123)): Expected space separating root-level"),
    ("1 x", "Filter is not an object"),
])
def test_jacksons_wordings(text, message, dialect):
    assert error_of(text, dialect).message.startswith(message)


def test_the_quoted_source_escapes_before_it_truncates():
    text = '{"a":\t[' + " " * 600
    message = error_of(text, "rum").message
    assert '(String)"{"a":\\u0009[' in message
    assert f'"[truncated {len(text) - 500} chars]' in message


# ------------------------------------------------------------------ smaller items

@pytest.mark.parametrize("op", ["equals-ignore-case", "prefix", "suffix", "wildcard"])
def test_an_empty_anything_but_list_beside_other_values_matches_nothing(op):
    """The reference adds no state for an empty anything-but list: beside another value it
    never matches; alone it matches any present value."""
    text = '{"a":["x",{"anything-but":{"%s":[]}}]}' % op
    p = compile_pattern(text, dialect="eventbridge")
    assert p.matches({"a": "x"})
    assert not p.matches({"a": "y"}) and not p.matches({"a": 5})
    alone = compile_pattern('{"a":[{"anything-but":{"%s":[]}}]}' % op, dialect="eventbridge")
    assert alone.matches({"a": "y"}) and not alone.matches({"b": "y"})
    assert_rum_refuses_eventbridge(text)


# ------------------------------------------------------------------ where the reference disagrees
# with itself we keep one answer (docs/decisions.md)

@pytest.mark.parametrize("first,second,event", [
    # the reference's many-rule Machine: a false positive for the wildcard rule
    ('{"a":[{"wildcard":"x*z"}]}', '{"a":[{"equals-ignore-case":"XYZ"}]}', {"a": "xYz"}),
    ('{"a":[{"wildcard":"x*z"}]}', '{"a":[{"equals-ignore-case":"XYZ"}]}', {"a": "XYZ"}),
    # the reference's many-rule Machine: a numeric rule stops a cidr rule matching
    ('{"ip":[{"cidr":"10.0.0.0/8"}]}', '{"ip":[{"numeric":[">",0]}]}', {"ip": "10.0.0.1"}),
    ('{"ip":[{"cidr":"10.0.0.0/8"}]}', '{"ip":[{"numeric":[">",0]}]}', {"ip": 5}),
])
def test_a_pattern_set_answers_what_each_pattern_answers_in_any_order(first, second, event):
    from rumrules import PatternSet

    alone = {name: compile_pattern(text, dialect="eventbridge").matches(event)
             for name, text in (("first", first), ("second", second))}
    for order in ((("first", first), ("second", second)), (("second", second), ("first", first))):
        ps = PatternSet(dialect="eventbridge")
        for name, text in order:
            ps.add(name, text)
        assert sorted(ps.matches(event)) == sorted(n for n, m in alone.items() if m)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_prefix_or_suffix_is_of_the_value_not_of_its_quoted_form(dialect):
    """The reference matches ``{"prefix": "x\\""}`` against ``"x"`` through the quote it adds
    around values; rumrules compares the value itself."""
    p = compile_pattern('{"a":[{"prefix":"x\\""}]}', dialect="eventbridge")
    assert not p.matches({"a": "x"}) and p.matches({"a": 'x"y'})
    s = compile_pattern('{"a":[{"suffix":"\\"x"}]}', dialect="eventbridge")
    assert not s.matches({"a": "x"}) and s.matches({"a": 'y"x'})
    # a top-level empty key is a field like any other, in both dialects
    assert compile_pattern('{"":["x"]}', dialect=dialect).matches({"": "x"})
