"""Invalid patterns: AWS's message, our position, our hint; JSON syntax in plain words."""

from __future__ import annotations

import pytest

from rumrules import PatternError, RumRulesError, compile_pattern


def error_of(text: str, dialect: str = "rum") -> PatternError:
    with pytest.raises(PatternError) as info:
        compile_pattern(text, dialect=dialect)
    return info.value


def test_pattern_error_is_a_value_error_and_a_rumrules_error():
    e = error_of("{}")
    assert isinstance(e, ValueError) and isinstance(e, RumRulesError)


@pytest.mark.parametrize("text,message,line,column,hint", [
    ('{"a":[{"numeric":["=>",2000]}]}', "Unrecognized numeric range operator: =>", 1, 19,
     "did you mean >=?"),
    ('{\n  "d": [{"numeric": [">=", 8000, "<", 2000]}]\n}', "Bottom must be less than top", 2, 28,
     None),
    ('{"status": 404}', '"status" must be an object or an array', 1, 12, '"status": [404]'),
    ('{"a":[{"Numeric":[">",1]}]}', "Unrecognized match type Numeric", 1, 8, '"numeric"'),
    ('{"a":[{"numeric":["<",10,">",0]}]}', "Too many elements in numeric expression", 1, 26,
     "lower bound first"),
    ('{"a":[{"numeric":[">","5"]}]}', "Value of > must be numeric", 1, 23, "without quotes"),
    ('[1]', "Filter is not an object", 1, 1, None),
])
def test_semantic_errors(text, message, line, column, hint):
    e = error_of(text)
    assert e.message == message
    assert (e.line, e.column) == (line, column)
    if hint:
        assert hint in e.hint


@pytest.mark.parametrize("text,plain,line,column", [
    ('{"a":[1 2]}', "missing comma between array items", 1, 9),
    ('{"a":[1,]}', "trailing comma before ]", 1, 8),
    ('{"a":["x"],}', "trailing comma before }", 1, 11),
    ("{'a':['x']}", "single quotes are not JSON", 1, 2),
    ('{"a" ["x"]}', "missing ':' after the key", 1, 6),
    ('{"a":[01]}', "leading zeros are not allowed", 1, 8),
    ('{"a":[+1]}', "cannot start with '+'", 1, 7),
    ('{"a":[.5]}', "digits before the decimal point", 1, 7),
    ('{"a":["x\ty"]}', "control character U+0009", 1, 9),
    ('{"a":["\\q"]}', "invalid escape", 1, 8),
    ('{a:["x"]}', "unquoted text 'a'", 1, 2),
    ('{"a":["x"]', "not closed", 1, 11),
    ('{"a":["x"]}}', "text after the end", 1, 12),
    ('{"a":[NaN]}', "Non-standard token 'NaN'", 1, 7),
    ('{"s":[{"numeric":[">=",500]}}]}', "mismatched '}': the open '[' needs ']'", 1, 29),
])
def test_json_syntax_errors_in_plain_words(text, plain, line, column):
    e = error_of(text)
    assert plain in (e.hint or "") + e.message
    assert (e.line, e.column) == (line, column)


def test_syntax_errors_carry_aws_text():
    e = error_of('{"a":[1 2]}')
    assert e.message == ("Unexpected character ('2' (code 50)): was expecting comma to "
                         "separate Array entries")


def test_the_api_references_own_broken_snippet():
    """AWS reads ``=>`` before it reaches the missing comma, so it reports ``=>``; the hint
    also names the syntax error after it."""
    doc = '{"event_type": ["com.amazon.rum.performance_navigation_event"], ' \
          '"event_details": {"duration": [{"numeric": ["=>", 2000, "<" 8000]}]}}'
    e = error_of(doc)
    assert e.message == "Unrecognized numeric range operator: =>"
    assert (e.line, e.column) == (1, doc.index('"=>"') + 1)
    assert "did you mean >=?" in e.hint
    assert "missing comma" in e.hint and f"column {doc.index('8000') + 1}" in e.hint
    fixed = doc.replace('"=>"', '">="')  # with the operator fixed, the comma is what is left
    e = error_of(fixed)
    assert (e.line, e.column) == (1, fixed.index("8000") + 1)
    assert "missing comma" in e.hint


@pytest.mark.parametrize("operator,snippet", [
    ("prefix", '{"a":[{"prefix":"x"}]}'),
    ("anything-but", '{"a":[{"anything-but":"x"}]}'),
    ("exists", '{"a":[{"exists":true}]}'),
    ("$or", '{"$or":[{"a":["x"]},{"b":["y"]}]}'),
    ("wildcard", '{"a":[{"wildcard":"x*"}]}'),
])
def test_rum_dialect_names_the_operator_and_the_other_dialect(operator, snippet):
    e = error_of(snippet, "rum")
    assert e.message == (f"{operator} is not part of the rum dialect of EventPattern; "
                         "the eventbridge dialect accepts it")
    assert "eventbridge" in e.hint
    assert compile_pattern(snippet, dialect="eventbridge")


def test_limit_is_enforced_before_parsing():
    text = '{"a":["' + "x" * 4000 + '"]}'
    e = error_of(text)
    assert "4000" in e.message
    assert compile_pattern('{"a":["' + "x" * 3989 + '"]}')  # exactly 4000 characters


def test_deep_nesting_is_an_answer_not_a_recursion_error():
    deep = '{"a":' * 660 + '["x"]' + "}" * 660  # 3965 characters, 661 levels
    p = compile_pattern(deep)
    event = '{"a":' * 660 + '"x"' + "}" * 660
    assert p.matches(event)
    assert p.explain(event)
    arrays = '{"a":' + "[" * 1990 + "]" * 1990 + "}"
    assert "Match value must be" in error_of(arrays).message


def test_deeply_nested_event_text_is_a_clear_error_or_an_answer():
    p = compile_pattern('{"a":["x"]}')
    deep = '{"b":' + "[" * 100_000 + "]" * 100_000 + "}"
    try:
        assert not p.matches(deep)
    except RumRulesError as e:
        assert "deep" in str(e)


def test_unknown_dialect_and_wrong_types():
    with pytest.raises(RumRulesError):
        compile_pattern('{"a":["x"]}', dialect="sql")
    with pytest.raises(PatternError):
        compile_pattern(None)  # type: ignore[arg-type]
    with pytest.raises(PatternError):
        compile_pattern(b"\xff")
