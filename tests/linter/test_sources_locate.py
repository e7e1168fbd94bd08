"""Positions inside EventPattern text, mapped back to the file, for every way of writing it."""

from __future__ import annotations

import json
import random

import pytest
import yaml

from rumrules.linter.sources import read_file, read_text
from rumrules.linter.sources._nodes import MAP, SCALAR
from rumrules.linter.sources._scalars import char_offsets

from ..cli._helpers import EXAMPLES

TEMPLATE = EXAMPLES / "cloudformation" / "app-monitor.yaml"


def _pattern_position(pattern: str, needle: str) -> tuple[int, int]:
    """Line and column of ``needle`` in the pattern text, as a JSON parser counts them."""
    index = pattern.index(needle)
    line = pattern.count("\n", 0, index) + 1
    return line, index - (pattern.rfind("\n", 0, index) + 1) + 1


def _definition(doc, name):
    (d,) = [d for d in doc.definitions if d.name == name]
    return d


def test_same_mistake_in_block_scalar_and_in_quoted_string():
    """The missing comma of the API reference, once in a | block scalar and once in a
    multi-line double-quoted string: json.loads' position maps to the exact file spot."""
    doc = read_file(TEMPLATE)
    lines = TEMPLATE.read_text().splitlines()
    seen = []
    for name in ("NavigationToleratedTransaction", "SlowCheckoutLoads"):
        d = _definition(doc, name)
        with pytest.raises(json.JSONDecodeError) as info:
            json.loads(d.definition["EventPattern"])
        line, column = d.locate(("EventPattern",), info.value.lineno, info.value.colno)
        assert lines[line - 1][column - 1:].startswith("8000]}]")
        seen.append((line, column))
    assert seen == [(51, 65), (107, 89)]


def test_operator_in_folded_block_scalar():
    doc = read_file(TEMPLATE)
    d = _definition(doc, "NavigationFrustratedTransaction")
    pattern = d.definition["EventPattern"]
    assert "\n" not in pattern  # >- folds the two lines into one
    assert d.locate(("EventPattern",), *_pattern_position(pattern, '"=>"')) == (60, 63)


def test_json_string_with_escapes():
    path = EXAMPLES / "requests" / "update-cli-input.json"
    d = read_file(path).definitions[0]
    pattern = d.definition["EventPattern"]
    line, column = d.locate(("EventPattern",), *_pattern_position(pattern, '"=>"'))
    assert (line, column) == (11, 261)
    assert path.read_text().splitlines()[10][column - 1:].startswith('\\"=>\\"')


def test_each_character_of_a_json_string():
    value = 'a"b\\c\nd\té€😀\u2028/x'
    for ensure_ascii in (True, False):
        text = json.dumps([{"Name": "n", "EventPattern": value}], ensure_ascii=ensure_ascii)
        d = read_text(text, "d.json").definitions[0]
        raw = text
        for index, char in enumerate(value):
            line, column = d.locate(("EventPattern",), 1, index + 1)
            assert line == 1
            source = raw[column - 1]
            assert source == char or source == "\\", (index, char, source)
        # a surrogate pair (\ud83d\ude00) is one character of the value
        if ensure_ascii:
            emoji = value.index("😀")
            assert raw[d.locate(("EventPattern",), 1, emoji + 1)[1] - 1:].startswith("\\ud83d\\ude00")
        # one past the end: the closing quote
        end = d.locate(("EventPattern",), 1, len(value) + 1)
        assert raw[end[1] - 1] == '"'


STYLES = {
    "literal": ('    EventPattern: |\n'
                '      {\n'
                '        "a": [1 2]\n'
                '      }\n'),
    "literal-indicator-keep": ('    EventPattern: |2+\n'
                               '        {\n'
                               '          "a": [1 2]\n'
                               '        }\n\n'),
    "literal-strip-tag": ('    EventPattern: !Sub |-\n'
                          '      {\n'
                          '        "a": [1 2]\n'
                          '      }\n'),
    "folded": ('    EventPattern: >\n'
               '      {\n'
               '        "a": [1 2]\n'
               '      }\n'),
    "plain-multiline": ('    EventPattern: 1\n'
                        '      2\n'),
    "single-quoted": ("    EventPattern: '{\"a\":\n"
                      "      [1 2], \"it''s\": 1}'\n"),
    "double-quoted": ('    EventPattern: "{\\"a\\":\n'
                      '\n'
                      '      [1 2], \\u0022x\\": 1}"\n'),
    "double-quoted-escaped-break": ('    EventPattern: "{\\"a\\": \\\n'
                                    '      [1 2]}"\n'),
}


@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_every_yaml_style(style, newline):
    """A JSON error inside the pattern ("[1 2]": missing comma) is found at the 2."""
    text = ("Resources:\n  M:\n    Type: AWS::RUM::AppMonitor\n    Properties:\n"
            "      AppMonitorConfiguration:\n        MetricDestinations:\n"
            "          - Destination: CloudWatch\n            MetricDefinitions:\n"
            "              - Name: X\n")
    body = "".join(" " * 12 + line + "\n" for line in STYLES[style].splitlines())
    text = (text + body).replace("\n", newline)
    d = read_text(text, "t.yaml").definitions[0]
    pattern = d.definition["EventPattern"]
    if style == "plain-multiline":
        assert pattern == "1 2"
    with pytest.raises(json.JSONDecodeError) as info:
        json.loads(pattern if isinstance(pattern, str) else json.dumps(pattern))
    line, column = d.locate(("EventPattern",), info.value.lineno, info.value.colno)
    source_line = text.split(newline)[line - 1]
    assert source_line[column - 1] == "2", (style, line, column, source_line)
    if style != "plain-multiline":
        assert source_line[column - 3:column] == "1 2"


def _scalar_nodes(node):
    stack = [node]
    while stack:
        n = stack.pop()
        if n.kind == SCALAR:
            yield n
        elif n.kind == MAP:
            stack.extend(n.children.values())
        else:
            stack.extend(n.children)


def test_random_scalars_read_back_exactly():
    """PyYAML writes random strings in every style; every character maps to itself, to the
    backslash of its escape, or (for folded/normalised breaks) to a line break."""
    rng = random.Random(7)
    pieces = ["a", "b", " ", "  ", "\n", "\n\n", '"', "'", "\\", "{", "}", ":", "#", "é",
              "😀", "\t", ",", "[", "]", "-", "x: y", " #", "1", "\u2028", "\x85"]
    checked = 0
    for _ in range(600):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))
        style = rng.choice([None, "'", '"', "|", ">"])
        data = rng.choice([{"k": value}, [value], {"a": {"b": [{"k": value}]}}])
        text = yaml.safe_dump(data, default_style=style, allow_unicode=rng.random() < 0.5,
                              width=rng.choice([10, 20, 80]),
                              default_flow_style=rng.choice([False, None]))
        if rng.random() < 0.3:
            text = text.replace("\n", "\r\n")
        from rumrules.linter.sources._yaml import parse_yaml
        _, root = parse_yaml(text, "r.yaml")
        for node in _scalar_nodes(root):
            if node.text != value:
                continue
            offsets = char_offsets(text, node)
            assert offsets is not None, (text, value)
            for char, offset in zip(value, offsets):
                source = text[offset]
                assert (source == char or source == "\\"
                        or (char in " \n\u2028\x85" and source in "\r\n\x85\u2028\u2029")), \
                    (text, value, char, source)
            checked += 1
    assert checked > 500


def test_member_positions():
    doc = read_file(TEMPLATE)
    d = _definition(doc, "PageViewCount")
    assert d.locate(("Name",)) == (81, 23)
    assert d.locate(("UnitLabel",)) == (82, 28)
    assert d.locate(("DimensionKeys",)) == (83, 17)         # a block mapping: its key
    assert d.locate(("DimensionKeys", "metadata.pageId")) == (84, 36)
    assert d.locate(("EventPattern",)) == (85, 31)
    assert d.locate(()) == (81, 17)                          # the definition itself
    assert d.locate(("ValueKey",)) == (81, 17)               # absent: the definition
    assert d.locate(("DimensionKeys", "nope")) == (83, 17)   # absent: the deepest part
    # a position past the end of the pattern text clamps to its end
    assert d.locate(("EventPattern",), 99, 99)[0] == 85
    # line/column on a member that is not text: the member itself
    assert d.locate(("DimensionKeys",), 1, 1) == (83, 17)


def test_intrinsic_values_point_at_the_tag():
    doc = read_text("Resources:\n  M:\n    Type: AWS::RUM::AppMonitor\n    Properties:\n"
                    "      Name: !Ref AppName\n      AppMonitorConfiguration:\n"
                    "        MetricDestinations:\n          - Destination: CloudWatch\n"
                    "            MetricDefinitions:\n              - Name: !Sub '${P}-count'\n",
                    "t.yaml")
    (request,) = doc.requests
    assert request.locate(("AppMonitorName",)) == (5, 13)
    assert request.definitions[0].locate(("Name",)) == (10, 23)
    assert request.definitions[0].locate(("Name", "Fn::Sub")) == (10, 23)
