"""The input readers: shapes, CloudFormation, suppression, stdin, directories, bad input."""

from __future__ import annotations

import io
import json

import pytest

from rumrules.linter.sources import (MAX_DEPTH, DefinitionSource, Document, RequestSource,
                                  SourceError, code_matches, is_intrinsic, read_bytes,
                                  read_file, read_paths, read_text, walk)
from rumrules.errors import RumRulesError

from ..cli._helpers import EXAMPLES

JS_ERRORS = {"Name": "JsErrorCount", "UnitLabel": "Count",
             "EventPattern": '{"event_type": ["com.amazon.rum.js_error_event"]}'}
CUSTOM = {"Name": "Visits", "Namespace": "Shop", "UnitLabel": "Count",
          "EventPattern": '{"event_type": ["my_event"]}'}


# ---- shapes ------------------------------------------------------------------------------

def test_batch_create_json():
    body = {"AppMonitorName": "web", "Destination": "CloudWatch",
            "MetricDefinitions": [JS_ERRORS, CUSTOM]}
    doc = read_text(json.dumps(body, indent=2), "req.json")
    assert isinstance(doc, Document) and doc.kind == "batch-create"
    (request,) = doc.requests
    assert isinstance(request, RequestSource) and request.kind == "batch-create"
    assert request.request == body
    assert (request.app_monitor_name, request.destination, request.destination_arn) == \
        ("web", "CloudWatch", None)
    assert [d.definition for d in doc.definitions] == [JS_ERRORS, CUSTOM]
    first, second = doc.definitions
    assert isinstance(first, DefinitionSource)
    assert first.path == ("MetricDefinitions", 0) and second.index == 1
    assert second.app_monitor_name == "web" and second.destination == "CloudWatch"
    assert first.request is request and first.file == "req.json"
    assert first.locate(("Name",)) == (6, 15)


def test_batch_create_yaml_and_evidently():
    text = """\
AppMonitorName: web
Destination: Evidently
DestinationArn: arn:aws:evidently:us-east-1:123456789012:project/shop
MetricDefinitions:
  - Name: PerformanceNavigationDuration
    ValueKey: event_details.duration
    EventPattern: '{"event_type": ["com.amazon.rum.performance_navigation_event"]}'
"""
    doc = read_text(text, "req.yaml")
    assert doc.kind == "batch-create"
    (d,) = doc.definitions
    assert d.destination == "Evidently"
    assert d.destination_arn == "arn:aws:evidently:us-east-1:123456789012:project/shop"
    assert d.locate(("ValueKey",)) == (6, 15)
    assert doc.requests[0].locate(("DestinationArn",)) == (3, 17)


def test_update_request_cli_input_json():
    doc = read_file(EXAMPLES / "requests" / "update-cli-input.json")
    assert doc.kind == "update"
    (request,) = doc.requests
    assert request.request["MetricDefinitionId"] == "3f1c9a52-6b1e-4d0a-9c4f-2e8b7d61a0c5"
    (d,) = request.definitions
    assert d.path == ("MetricDefinition",)
    assert request.request["MetricDefinition"] is d.definition
    assert d.definition["Name"] == "NavigationToleratedTransaction"
    assert request.full_path(("MetricDefinition", "UnitLabel")) == ("MetricDefinition", "UnitLabel")
    assert request.locate(("MetricDefinitionId",)) == (4, 27)


def test_single_definition_and_lists():
    doc = read_text(json.dumps(CUSTOM), "def.json")
    assert doc.kind == "definition"
    (d,) = doc.definitions
    assert d.path == () and d.definition == CUSTOM
    assert doc.requests[0].request == {"MetricDefinitions": [CUSTOM]}
    assert doc.requests[0].full_path(("MetricDefinitions", 0, "Name")) == ("Name",)

    doc = read_text(json.dumps([JS_ERRORS, CUSTOM]), "defs.json")
    assert doc.kind == "definitions"
    assert [d.path for d in doc.definitions] == [(0,), (1,)]
    assert doc.requests[0].full_path(("MetricDefinitions", 1, "Namespace")) == (1, "Namespace")

    doc = read_file(EXAMPLES / "definitions" / "custom-metrics.yaml")
    assert doc.kind == "definitions"
    assert [d.name for d in doc.definitions] == [
        "CheckoutClicks", "ApiLatency", "CartAbandonments", "SlowApiCalls"]
    assert doc.definitions[2].locate(("Name",)) == (23, 9)

    assert read_text("[]", "empty.json").definitions == []


def test_definition_that_is_not_a_mapping_is_kept_for_the_checker():
    doc = read_text('{"MetricDefinitions": ["oops", {"Name": "X"}]}', "r.json")
    assert [d.definition for d in doc.definitions] == ["oops", {"Name": "X"}]
    doc = read_text('{"MetricDefinitions": "oops"}', "r.json")
    assert doc.definitions == [] and doc.requests[0].request == {"MetricDefinitions": "oops"}


# ---- CloudFormation --------------------------------------------------------------------

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Metadata:
  rumrules:
    ignore: RUM9
Parameters:
  AppName: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Monitor:
    Type: AWS::RUM::AppMonitor
    Metadata:
      rumrules:
        ignore: [rum1, RUM203]
        definitions:
          Visits: [RUM301]
          JsErrorCount: {ignore: "RUM4, RUM5"}
    Properties:
      Name: !Ref AppName
      Domain: !Sub "${AppName}.example.com"
      AppMonitorConfiguration:
        MetricDestinations:
          - Destination: CloudWatch
            MetricDefinitions:
              - Name: JsErrorCount
                EventPattern: '{"event_type": ["com.amazon.rum.js_error_event"]}'
              - !If
                - IsProd
                - Name: Visits
                  Namespace: !Join ["/", [Shop, !Ref AppName]]
                  EventPattern: '{"event_type": ["my_event"]}'
                - !Ref AWS::NoValue
          - Destination: Evidently
            DestinationArn: !GetAtt Project.Arn
            MetricDefinitions: []
          - !If [IsProd, {Destination: CloudWatch}, !Ref AWS::NoValue]
  Other:
    Type: AWS::RUM::AppMonitor
    Properties:
      Name: other
"""


def test_cloudformation_yaml_template():
    doc = read_text(TEMPLATE, "template.yaml")
    assert doc.kind == "cloudformation"
    cloudwatch, evidently, prod_only = doc.requests
    assert cloudwatch.kind == "cloudformation"
    assert cloudwatch.path == ("Resources", "Monitor", "Properties", "AppMonitorConfiguration",
                               "MetricDestinations", 0)
    assert cloudwatch.request["AppMonitorName"] == {"Ref": "AppName"}
    assert cloudwatch.app_monitor_name is None  # an intrinsic function: unknown until deploy
    assert cloudwatch.locate(("AppMonitorName",)) == (21, 13)
    assert cloudwatch.full_path(("AppMonitorName",)) == ("Resources", "Monitor", "Properties", "Name")
    js, visits = cloudwatch.definitions
    assert js.path == cloudwatch.path + ("MetricDefinitions", 0)
    assert visits.path == cloudwatch.path + ("MetricDefinitions", 1, "Fn::If", 1)
    assert visits.definition["Namespace"] == {"Fn::Join": ["/", ["Shop", {"Ref": "AppName"}]]}
    assert is_intrinsic(visits.definition["Namespace"])
    assert visits.locate(("Namespace",)) == (32, 30)
    assert cloudwatch.full_path(("MetricDefinitions", 1, "Name")) == visits.path + ("Name",)
    assert cloudwatch.request["MetricDefinitions"] == [js.definition, visits.definition]
    assert evidently.destination == "Evidently"
    assert evidently.request["DestinationArn"] == {"Fn::GetAtt": ["Project", "Arn"]}
    assert evidently.destination_arn is None and evidently.definitions == []
    # the Fn::If destination: its mapping branch is read (the other is AWS::NoValue)
    assert prod_only.path == ("Resources", "Monitor", "Properties", "AppMonitorConfiguration",
                              "MetricDestinations", 2, "Fn::If", 1)
    assert prod_only.request == {"AppMonitorName": {"Ref": "AppName"},
                                 "Destination": "CloudWatch"}
    assert doc.notes == []
    # what does not resolve is listed, with the reason
    assert evidently.unresolved == [(("DestinationArn",), "Fn::GetAtt Project.Arn is only "
                                                          "known at deploy time")]
    assert visits.unresolved == ((("Namespace",), "parameter AppName has no Default"),)


def test_cloudformation_suppression():
    doc = read_text(TEMPLATE, "template.yaml")
    js, visits = doc.definitions
    assert js.suppressed == {"RUM9", "RUM1", "RUM203", "RUM4", "RUM5"}
    assert visits.suppressed == {"RUM9", "RUM1", "RUM203", "RUM301"}
    assert doc.requests[0].suppressed == {"RUM9", "RUM1", "RUM203"}
    assert js.is_suppressed("rum101") and js.is_suppressed("RUM203")
    assert not js.is_suppressed("RUM202") and not visits.is_suppressed("RUM302")
    assert code_matches("RUM777", {"ALL"})
    assert doc.requests[0].is_suppressed("RUM901")


def test_cloudformation_bad_suppression_metadata_is_a_note():
    text = TEMPLATE.replace("      rumrules:\n        ignore: [rum1, RUM203]",
                            "      rumrules: yes\n      other:\n        ignore: [rum1, RUM203]")
    doc = read_text(text, "t.yaml")
    assert any("Metadata.rumrules" in n.message for n in doc.notes)
    assert doc.definitions[0].suppressed == {"RUM9"}


def test_cloudformation_short_tags_all_read():
    tags = ["Ref", "Sub", "GetAtt", "Join", "If", "Select", "Split", "FindInMap",
            "ImportValue", "Base64", "Cidr", "GetAZs", "Equals", "And", "Or", "Not",
            "Condition", "Transform", "ToJsonString", "Length"]
    lines = ["Resources:", "  R:", "    Type: X", "    Properties:"]
    lines += [f"      P{t}: !{t} v" for t in tags]
    lines += ["      Seq: !Join ['', [a, !Ref B]]", "      Map: !Transform {Name: M}",
              "      Att: !GetAtt [Res, Attr]", "      Empty: !GetAZs ''"]
    doc = read_text("\n".join(lines) + "\n", "t.yaml")
    props = doc.value["Resources"]["R"]["Properties"]
    assert props["PRef"] == {"Ref": "v"}
    assert props["PCondition"] == {"Condition": "v"}
    assert props["PGetAtt"] == {"Fn::GetAtt": ["v"]}
    for t in tags:
        if t not in ("Ref", "Condition", "GetAtt"):
            assert props[f"P{t}"] == {f"Fn::{t}": "v"}
        assert is_intrinsic(props[f"P{t}"])
    assert props["Seq"] == {"Fn::Join": ["", ["a", {"Ref": "B"}]]}
    assert props["Map"] == {"Fn::Transform": {"Name": "M"}}
    assert props["Att"] == {"Fn::GetAtt": ["Res", "Attr"]}
    assert props["Empty"] == {"Fn::GetAZs": ""}
    assert not is_intrinsic({"Ref": "x", "Other": 1}) and not is_intrinsic({"Name": "x"})


def test_cloudformation_json_template():
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"M": {
        "Type": "AWS::RUM::AppMonitor",
        "Properties": {"Name": "web", "AppMonitorConfiguration": {"MetricDestinations": [
            {"Destination": "CloudWatch", "MetricDefinitions": [JS_ERRORS]}]}}}}}
    doc = read_text(json.dumps(template, indent=1), "t.template")
    assert doc.kind == "cloudformation"
    (d,) = doc.definitions
    assert d.app_monitor_name == "web" and d.definition == JS_ERRORS
    assert d.locate(("EventPattern",)) == (16, 26)


def test_template_without_app_monitor_has_no_definitions():
    doc = read_text("Resources:\n  B:\n    Type: AWS::S3::Bucket\n", "t.yaml")
    assert doc.kind == "cloudformation" and doc.definitions == [] and doc.requests == []


def test_event_pattern_written_as_a_mapping_is_serialized():
    text = """\
- Name: Http4xxCount
  EventPattern:
    event_type: [com.amazon.rum.http_event]
    event_details:
      response:
        status: [{numeric: [">=", 4e2, "<", 500]}]
"""
    (d,) = read_text(text, "defs.yaml").definitions
    pattern = d.definition["EventPattern"]
    assert pattern == ('{"event_type":["com.amazon.rum.http_event"],"event_details":{"response":'
                       '{"status":[{"numeric":[">=",4e2,"<",500]}]}}}')
    assert d.transformed == {"EventPattern": "serialized"}
    assert d.locate(("EventPattern",)) == (2, 3)

    def at(token):
        return d.locate(("EventPattern",), 1, pattern.index(token) + 1)

    assert at('"status"') == (6, 9)
    assert at("4e2") == (6, 35)
    assert at("500") == (6, 45)
    assert at('"com.amazon') == (3, 18)
    assert at(":[{") == (6, 9)  # punctuation maps to the token before it


def test_event_pattern_written_with_sub():
    text = """\
- Name: PageVisits
  Namespace: Shop
  EventPattern: !Sub '{"metadata": {"pageId": ["${Page}"]}, "event_details": {"n": [${N}]}}'
- Name: Other
  EventPattern: !Sub
    - |
      {"event_type": ["${Type}"],
       "x": [${Limit}]}
    - {Type: my_event}
"""
    first, second = read_text(text, "defs.yaml").definitions
    assert first.definition["EventPattern"] == \
        '{"metadata": {"pageId": ["${Page}"]}, "event_details": {"n": [0   ]}}'
    assert first.transformed == {"EventPattern": "Fn::Sub"}
    pattern = first.definition["EventPattern"]
    column = pattern.index("0   ") + 1
    assert first.locate(("EventPattern",), 1, column) == (3, 23 + column - 1)
    # Fn::Sub's own variables are substituted (their characters point at the placeholder)
    assert second.definition["EventPattern"] == '{"event_type": ["my_event"],\n "x": [0       ]}\n'
    assert second.resolved == {"EventPattern": ("Fn::Sub", "${Type} from Fn::Sub's variables")}
    assert second.locate(("EventPattern",), 2, 2) == (8, 8)
    assert second.locate(("EventPattern",), 1, 18) == (7, 24)  # "m" of my_event -> ${Type}


def test_yaml_keys_stay_text_and_values_resolve_as_yaml_1_1():
    doc = read_text("- Name: x\n  On: yes\n  No: 0x1f\n  EventPattern: '1'\n  T: 2024-01-01\n",
                    "d.yaml")
    assert doc.definitions[0].definition == {"Name": "x", "On": True, "No": 31,
                                             "EventPattern": "1", "T": "2024-01-01"}


def test_duplicate_keys_last_wins():
    doc = read_text('[{"Name": "a", "Name": "b", "EventPattern": "{}"}]', "d.json")
    assert doc.definitions[0].definition["Name"] == "b"
    assert doc.definitions[0].locate(("Name",)) == (1, 24)


def test_anchors_and_aliases():
    text = "- &p\n  Name: a\n  EventPattern: '{}'\n- *p\n"
    first, second = read_text(text, "d.yaml").definitions
    assert second.definition == first.definition
    assert second.locate(("Name",)) == (2, 9)


# ---- stdin -------------------------------------------------------------------------------

def test_stdin_bytes_str_and_stream():
    body = json.dumps([JS_ERRORS])
    (doc,) = read_paths(["-"], stdin=body.encode())
    assert doc.file == "<stdin>" and doc.kind == "definitions"
    (doc,) = read_paths(["-"], stdin=io.BytesIO(b"- Name: a\n  EventPattern: '{}'\n"),
                        stdin_filename="defs.yaml")
    assert doc.file == "defs.yaml" and doc.definitions[0].locate(("EventPattern",)) == (2, 17)
    (doc,) = read_paths(["-"], stdin=io.StringIO(body))
    assert doc.definitions[0].definition == JS_ERRORS


def test_stdin_sniffs_syntax_and_errors_are_explicit():
    # text that starts like JSON is JSON; --stdin-filename x.yaml makes it YAML
    with pytest.raises(SourceError, match="member name in double quotes"):
        list(read_paths(["-"], stdin=b"{Name: a, EventPattern: '{}'}"))
    (doc,) = read_paths(["-"], stdin=b"{Name: a, EventPattern: '{}'}", stdin_filename="x.yaml")
    assert doc.kind == "definition"
    (doc,) = read_paths(["-"], stdin=b"Name: a\nEventPattern: '{}'\n")
    assert doc.kind == "definition"
    with pytest.raises(SourceError) as info:
        list(read_paths(["-"], stdin=b'{"Name": "a",}'))
    assert (info.value.file, info.value.line, info.value.column) == ("<stdin>", 1, 14)
    assert "trailing comma" in info.value.message
    with pytest.raises(SourceError, match="not a metric definition"):
        list(read_paths(["-"], stdin=b'{"hello": 1}', stdin_filename="x.json"))


# ---- directories -------------------------------------------------------------------------

def _tree(tmp_path):
    files = {
        "a/req.json": json.dumps({"MetricDefinitions": [JS_ERRORS]}),
        "a/b/defs.yml": "- Name: x\n  EventPattern: '{}'\n",
        "a/b/template.template": "Resources: {}\n",
        "a/package.json": '{"name": "web-app", "version": "1.0.0"}',
        "a/broken-unrelated.yaml": "key: [unclosed\n",
        "a/notes.txt": "MetricDefinitions: []",
        "a/.hidden.json": json.dumps([JS_ERRORS]),
        "a/.git/defs.json": json.dumps([JS_ERRORS]),
        "a/Upper.JSON": json.dumps([CUSTOM]),
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "a"


def test_directory_walk(tmp_path):
    root = _tree(tmp_path)
    found = [p[len(str(root)) + 1:] for p in walk(root)]
    assert found == ["Upper.JSON", "broken-unrelated.yaml", "package.json", "req.json",
                     "b/defs.yml", "b/template.template"]
    docs = list(read_paths([root]))
    assert [d.file[len(str(root)) + 1:] for d in docs] == [
        "Upper.JSON", "req.json", "b/defs.yml", "b/template.template"]
    assert [d.kind for d in docs] == ["definitions", "batch-create", "definitions",
                                      "cloudformation"]


def test_directory_walk_reports_broken_files_that_mention_definitions(tmp_path):
    root = _tree(tmp_path)
    (root / "b" / "broken.json").write_text('{"MetricDefinitions": [}')
    with pytest.raises(SourceError) as info:
        list(read_paths([root]))
    assert info.value.file.endswith("broken.json") and info.value.line == 1


def test_files_named_twice_are_read_once(tmp_path):
    root = _tree(tmp_path)
    docs = list(read_paths([root / "req.json", root, str(root / "req.json")]))
    assert [d.file for d in docs].count(str(root / "req.json")) == 1


def test_explicit_file_of_another_shape_is_an_error(tmp_path):
    root = _tree(tmp_path)
    with pytest.raises(SourceError) as info:
        list(read_paths([root / "package.json"]))
    assert "not a metric definition request" in str(info.value)
    assert (info.value.line, info.value.column) == (1, 1)
    assert read_file(root / "package.json", explicit=False) is None


# ---- unreadable input ------------------------------------------------------------------

def test_missing_file_and_directory_as_file(tmp_path):
    with pytest.raises(SourceError) as info:
        list(read_paths([tmp_path / "nope.yaml"]))
    assert str(info.value).endswith("nope.yaml: no such file or directory")
    assert isinstance(info.value, RumRulesError)
    with pytest.raises(SourceError, match="is a directory"):
        read_file(tmp_path)


_INVALID = [
    ("bad.json", '[{"Name": "a"} {"Name": "b"}]', 1, 16, "missing comma between array items"),
    ("bad.json", '{"MetricDefinitions": [1, 2,]}', 1, 29, "trailing comma before ']'"),
    ("bad.json", '{"a": 1\n "b": 2}', 2, 2, "missing comma between object members"),
    ("bad.json", '{"a" 1}', 1, 6, "expected ':'"),
    ("bad.json", "{'a': 1}", 1, 2, "member name in double quotes"),
    ("bad.json", '{"a": 01}', 1, 7, "leading zeros"),
    ("bad.json", '{"a": NaN}', 1, 7, "NaN"),
    ("bad.json", '{"a": "x\ty"}', 1, 9, "raw control character"),
    ("bad.json", '{"a": "\\q"}', 1, 8, "invalid escape"),
    ("bad.json", '{"a": "\\u12"}', 1, 8, "invalid \\u escape"),
    ("bad.json", '{"a": "open', 1, 7, "unterminated string"),
    ("bad.json", '{"a": [1, 2', 1, 12, "missing ']'"),
    ("bad.json", '{"a": 1} {}', 1, 10, "text after the end"),
    ("bad.json", "  \n", 2, 1, "empty"),
    ("bad.json", '{"a": }', 1, 7, "expected a value"),
    ("bad.json", '[1 2]', 1, 4, "missing comma"),
    ("bad.json", '[1 }', 1, 4, "expected ',' or ']'"),
    ("bad.yaml", "a: [1, 2\n", 2, 1, "invalid YAML"),
    ("bad.yaml", "a: b: c\n", 1, 5, "mapping values are not allowed"),
    ("bad.yaml", "- &a [*a]\n", 1, 7, "recursive alias"),
    ("bad.yaml", "a: *nope\n", 1, 4, "undefined alias"),
    ("bad.yaml", "a: 1\n---\nb: 2\n", 2, 1, "several YAML documents"),
    ("bad.yaml", "a: x\x01y\n", 1, 5, "not allowed"),
    ("bad.yaml", "? [a, b]\n: c\n", 1, 3, "mapping keys must be plain values"),
    ("bad.yaml", "a:\n\tb: 1\n", 2, 1, "invalid YAML"),
]


@pytest.mark.parametrize("name, text, line, column, words", _INVALID)
def test_invalid_json_and_yaml(name, text, line, column, words):
    with pytest.raises(SourceError) as info:
        read_text(text, name)
    err = info.value
    assert (err.file, err.line, err.column) == (name, line, column), str(err)
    assert words in err.message
    assert str(err).startswith(f"{name}:{line}:{column}: ")
    if name.endswith(".json"):
        assert err.message.startswith("invalid JSON: ")
    assert "\n" not in str(err)


def test_undecodable_bytes():
    with pytest.raises(SourceError) as info:
        read_bytes(b'[{"Name": "caf\xe9"}]\n', "latin1.json")
    assert (info.value.line, info.value.column) == (1, 15)
    assert "UTF-8" in info.value.message and "0xe9" in info.value.message
    with pytest.raises(SourceError) as info:
        read_bytes(b'[\n {"Name": "\xff"}]', "x.json")
    assert (info.value.line, info.value.column) == (2, 12)
    assert read_bytes(b"\xff\xfe\xff", "x.json", explicit=False) is None
    with pytest.raises(SourceError):  # found by walking, but it mentions definitions
        read_bytes(b'{"MetricDefinitions": ["\xe9"]}', "x.json", explicit=False)


def test_byte_order_marks():
    body = json.dumps([JS_ERRORS])
    for data in (b"\xef\xbb\xbf" + body.encode(), body.encode("utf-16"), body.encode("utf-32")):
        doc = read_bytes(data, "d.json")
        assert doc.definitions[0].definition == JS_ERRORS
        assert doc.definitions[0].locate(("Name",)) == (1, 11)
    assert read_text("\ufeff" + body, "d.json").definitions[0].locate(("Name",)) == (1, 11)


def test_deep_nesting_is_a_read_error_not_a_crash():
    for text, name in (("[" * 100_000, "deep.json"), ("[" * 100_000, "deep.yaml"),
                       ("- " * 5_000 + "x\n", "deep2.yaml"),
                       ('{"a":' * 50_000 + "1" + "}" * 50_000, "deep3.json")):
        with pytest.raises(SourceError) as info:
            read_text(text, name)
        # ours, or libyaml's own limit when it comes first
        assert f"deeper than {MAX_DEPTH} levels" in info.value.message or \
            "nesting depth" in info.value.message
    for levels, fine in ((MAX_DEPTH, True), (MAX_DEPTH + 1, False)):
        inner = "[" * (levels - 1) + "]" * (levels - 1)
        for name in ("limit.json", "limit.yaml"):
            text = '{"MetricDefinitions": ' + inner + "}"
            if fine:
                assert read_text(text, name).kind == "batch-create"
            else:
                with pytest.raises(SourceError, match="deeper than"):
                    read_text(text, name)


def test_alias_bomb_is_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    with pytest.raises(SourceError, match="million"):
        read_text("\n".join(lines) + "\n", "bomb.yaml")


@pytest.mark.parametrize("depth", [1, 5, 50])
def test_alias_cap_counts_each_plain_value_once(monkeypatch, depth):
    """Regression: the cap counted a value once per enclosing collection, so a plain
    490k-item list (no alias) was refused as if aliases expanded it past a million."""
    from rumrules.linter.sources import _yaml

    monkeypatch.setattr(_yaml, "_MAX_EXPANDED", 1000)
    def nested(items: int) -> str:   # `depth` mappings around a list of `items` values
        return "".join(f"{'  ' * i}k{i}:\n" for i in range(depth)) + "".join(
            f"{'  ' * depth}- v{n}\n" for n in range(items))
    # values: depth mappings + depth keys + the list + its items
    fits = 1000 - 2 * depth - 1
    assert read_text(nested(fits), "plain.yaml", explicit=False) is None  # read, not ours
    with pytest.raises(SourceError, match="million"):
        read_text(nested(fits + 1), "plain.yaml")
    # an alias counts its whole subtree, each time it is used
    bomb = "a: &a [" + ", ".join(["x"] * 300) + "]\nb: [*a, *a, *a]\n"
    with pytest.raises(SourceError, match="million"):
        read_text(bomb, "bomb.yaml")


# ---- CRLF ----------------------------------------------------------------------------------

def test_crlf_files_give_the_same_positions():
    lf = (EXAMPLES / "cloudformation" / "app-monitor.yaml").read_text()
    crlf = lf.replace("\n", "\r\n")
    a = read_text(lf, "t.yaml")
    b = read_text(crlf, "t.yaml")
    assert [d.definition for d in a.definitions] == [d.definition for d in b.definitions]
    for da, db in zip(a.definitions, b.definitions):
        assert da.locate(("Name",)) == db.locate(("Name",))
        pattern = da.definition["EventPattern"]
        lines = pattern.split("\n")
        for line_no, line in enumerate(lines, 1):
            for col in range(1, len(line) + 1, 7):
                assert da.locate(("EventPattern",), line_no, col) == \
                    db.locate(("EventPattern",), line_no, col)

    body = (EXAMPLES / "requests" / "batch-create.json").read_text()
    a = read_text(body, "r.json")
    b = read_text(body.replace("\n", "\r\n"), "r.json")
    assert [d.locate(("EventPattern",), 1, 30) for d in a.definitions] == \
        [d.locate(("EventPattern",), 1, 30) for d in b.definitions]


def test_old_mac_line_ends():
    text = "- Name: a\r  EventPattern: |\r    {\r      \"x\": [1 2]\r    }\r"
    (d,) = read_text(text, "d.yaml").definitions
    assert d.definition["EventPattern"] == '{\n  "x": [1 2]\n}\n'
    assert d.locate(("EventPattern",), 2, 11) == (4, 15)


def test_unresolved_intrinsic_values():
    doc = read_text(TEMPLATE, "template.yaml")
    cloudwatch, evidently, _ = doc.requests
    js, visits = cloudwatch.definitions
    assert cloudwatch.is_unresolved(("AppMonitorName",))
    assert evidently.is_unresolved(("DestinationArn",))
    assert not evidently.is_unresolved(("Destination",))
    assert visits.is_unresolved(("Namespace",)) and visits.is_unresolved(("Namespace", "x"))
    assert not visits.is_unresolved(("Name",)) and not visits.is_unresolved()
    assert cloudwatch.is_unresolved(("MetricDefinitions", 1, "Namespace"))
    assert not js.is_unresolved(("EventPattern",)) and not js.is_unresolved(("Nope", 3))
    sub = read_text("- Name: a\n  EventPattern: !Sub '{\"a\": [\"${X}\"]}'\n", "d.yaml")
    assert not sub.definitions[0].is_unresolved(("EventPattern",))
    ref = read_text("- Name: a\n  EventPattern: !Ref Pattern\n", "d.yaml")
    assert ref.definitions[0].is_unresolved(("EventPattern",))
