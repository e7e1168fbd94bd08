"""Static resolution of intrinsic functions, and custom resources' SDK calls to RUM, in small
templates: what resolves (and where its characters point), what does not (and the reason the
RUM601 finding gives)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

import rumrules
from rumrules.linter.sources import read_text

NAV = '{"event_type": ["com.amazon.rum.performance_navigation_event"]}'
HEAD = """\
Parameters:
  Units: {Type: CommaDelimitedList, Default: "Count, Milliseconds"}
  Page: {Type: String, Default: /cart}
  Limit: {Type: Number, Default: 2000}
  NoDefault: {Type: String}
Mappings:
  Env:
    prod: {Namespace: Shop}
Resources:
  Monitor:
    Type: AWS::RUM::AppMonitor
    Properties:
      Name: shop
      CustomEvents: {Status: ENABLED}
      AppMonitorConfiguration:
        MetricDestinations:
          - Destination: CloudWatch
            MetricDefinitions:
              - Name: Custom
                EventPattern: '{"event_type": ["my_event"]}'
"""


def _value(member_yaml: str, member: str = "Namespace"):
    """The checked value of ``member`` of a definition written with ``member_yaml``, its
    RUM601 reasons, and the definition."""
    text = HEAD + f"                {member}: {member_yaml}\n"
    doc = read_text(text, "t.yaml")
    (d,) = doc.definitions
    return d.definition.get(member, "<absent>"), [r for _, r in d.unresolved], d


@pytest.mark.parametrize("written,value", [
    ("!Select [1, !Ref Units]", "Milliseconds"),
    ("!Select [0, !Split ['/', 'Shop/Web']]", "Shop"),
    ("!Join ['-', [!Ref Page, x]]", "/cart-x"),
    ("!Sub '${Page}/${!Literal}'", "/cart/${Literal}"),
    ("!Sub ['${A}-${Page}', {A: !Select [0, [Web]]}]", "Web-/cart"),
    ("!FindInMap [Env, prod, Namespace]", "Shop"),
    ("!Join ['', [Shop, !Ref AWS::NoValue]]", "Shop"),
    ("!If [C, !Ref AWS::NoValue, !Ref AWS::NoValue]", "<absent>"),
    ("!Ref Limit", "2000"),
])
def test_what_resolves(written, value):
    got, reasons, _ = _value(written)
    assert (got, reasons) == (value, [])


@pytest.mark.parametrize("written,reason", [
    ("!Ref NoDefault", "parameter NoDefault has no Default"),
    ("!Ref AWS::Region", "the pseudo parameter AWS::Region is only known at deploy time"),
    ("!Ref Monitor2", "Ref Monitor2 names no parameter or resource of this template"),
    ("!GetAtt Monitor.Id", "Fn::GetAtt Monitor.Id is only known at deploy time"),
    ("!ImportValue shared", "Fn::ImportValue shared is only known at deploy time"),
    ("!Sub '${AWS::StackName}-web'", "the pseudo parameter AWS::StackName is only known at "
                                      "deploy time"),
    ("!Select [5, [a, b]]", "Fn::Select index 5 is outside the list"),
    ("!FindInMap [Env, dev, Namespace]", "Fn::FindInMap Env.dev.Namespace is not in Mappings"),
    ("!Base64 abc", "Fn::Base64 is only known at deploy time"),
])
def test_what_does_not_resolve_says_why(written, reason):
    got, reasons, _ = _value(written)
    assert isinstance(got, dict) and reasons == [reason]
    found = rumrules.lint(text=HEAD + f"                Namespace: {written}\n",
                          filename="t.yaml")
    (note,) = [f for f in found if f.code == "RUM601"]
    assert note.message == f"Namespace of definition 'Custom' is not checked: {reason}"
    assert (note.line, note.column) == (21, 28) and note.severity == "info"


def test_if_gives_one_definition_per_branch_and_caps_combinations():
    doc = read_text(HEAD + "                Namespace: !If [C, A, B]\n"
                           "                UnitLabel: !If [C, Count, Bytes]\n", "t.yaml")
    assert [(d.definition["Namespace"], d.definition["UnitLabel"]) for d in doc.definitions] == \
        [("A", "Count"), ("A", "Bytes"), ("B", "Count"), ("B", "Bytes")]
    assert doc.definitions[3].full_path(("UnitLabel",))[-2:] == ("Fn::If", 2)
    many = " ".join(["!Join ['', ["] + [f"!If [C, a{i}, b{i}]," for i in range(5)] + ["]]"])
    got, reasons, _ = _value(many)
    assert reasons == ["more than 16 Fn::If combinations"]


def test_resolved_event_pattern_positions_point_at_the_pieces():
    text = HEAD.replace("Name: Custom\n                EventPattern: '{\"event_type\": "
                        "[\"my_event\"]}'\n", "Name: Custom\n                Namespace: Shop\n"
                        "                EventPattern: !Join ['', ['{\"metadata\": "
                        "{\"pageId\": [\"', !Ref Page, '\", 7]}}']]\n")
    found = rumrules.lint(text=text, filename="t.yaml")
    (two,) = [f for f in found if f.code == "RUM310"]  # two values in one list
    line = text.splitlines()[two.line - 1]
    assert line[two.column - 1:].startswith("7]}}")
    assert two.message.endswith("[value resolved from Fn::Join, Ref Page (its Default)]")


# ---- SDK calls ------------------------------------------------------------------------------

def _call_template(call, *, monitor_destinations=("CloudWatch",)) -> dict:
    return {"Resources": {
        "Monitor": {"Type": "AWS::RUM::AppMonitor", "Properties": {
            "Name": "shop", "CustomEvents": {"Status": "ENABLED"},
            "AppMonitorConfiguration": {"MetricDestinations": [
                {"Destination": d} for d in monitor_destinations]}}},
        "Call": {"Type": "Custom::AWS", "Properties": {"ServiceToken": "arn:aws:lambda:x",
                                                        "Create": call}}}}


BODY = {"AppMonitorName": "shop", "Destination": "CloudWatch",
        "MetricDefinitions": [{"Name": "Http5xxCount",
                               "EventPattern": '{"event_type": ["com.amazon.rum.http_event"]}'}]}


@pytest.mark.parametrize("service,action", [
    ("RUM", "batchCreateRumMetricDefinitions"), ("rum", "BatchCreateRumMetricDefinitions"),
    ("@aws-sdk/client-rum", "BatchCreateRumMetricDefinitionsCommand"),
])
@pytest.mark.parametrize("as_text", [True, False])
def test_sdk_call_shapes(service, action, as_text):
    call = {"service": service, "action": action, "parameters": BODY}
    found = rumrules.lint(data=_call_template(json.dumps(call) if as_text else call))
    assert [(f.code, f.path[-4:]) for f in found] == [
        ("RUM204", ("parameters", "MetricDefinitions", 0, "EventPattern"))]


def test_other_calls_are_not_read():
    call = {"service": "SSM", "action": "getParameter", "parameters": {"Name": "x"}}
    assert rumrules.lint(data=_call_template(json.dumps(call))) == []
    with pytest.raises(rumrules.RumRulesError):  # named explicitly, no definitions anywhere
        rumrules.lint(text=json.dumps({"MetricDefinitionIds": []}), filename="x.json")


def test_a_rum_call_whose_text_does_not_parse_is_not_checked():
    text = '{"service":"RUM","action":"batchCreateRumMetricDefinitions","parameters":{"Metric'
    found = rumrules.lint(data=_call_template(text))
    assert [(f.code, f.path) for f in found] == [
        ("RUM601", ("Resources", "Call", "Properties", "Create"))]
    assert "does not parse" in found[0].message


def test_delete_and_update_calls_get_the_request_rules():
    delete = {"service": "RUM", "action": "batchDeleteRumMetricDefinitions",
              "parameters": {"AppMonitorName": "shop", "Destination": "CloudWatch",
                             "MetricDefinitionIds": []}}
    update = {"service": "RUM", "action": "updateRumMetricDefinition",
              "parameters": {"AppMonitorName": "shop", "Destination": "CloudWatch",
                             "MetricDefinitionId": "id-1",
                             "MetricDefinition": {"Name": "JsErrorCount", "UnitLabel": "count"}}}
    doc = read_text(json.dumps(_call_template(delete)), "t.json")
    assert [s.kind for s in doc.requests] == ["cloudformation", "delete"]
    found = rumrules.lint(data=_call_template(update))
    assert "RUM105" in {f.code for f in found}


def test_a_destination_created_by_another_call_is_declared():
    put = {"service": "RUM", "action": "putRumMetricsDestination",
           "parameters": {"AppMonitorName": {"Ref": "Monitor"}, "Destination": "CloudWatch"}}
    ok = dict(BODY, MetricDefinitions=[{"Name": "SessionCount", "EventPattern":
                                        '{"event_type": ["com.amazon.rum.session_start_event"]}'}])
    template = _call_template(json.dumps({"service": "RUM", "action":
                                          "batchCreateRumMetricDefinitions",
                                          "parameters": ok}), monitor_destinations=())
    assert [f.code for f in rumrules.lint(data=template)] == ["RUM605"]
    template["Resources"]["Put"] = {"Type": "Custom::AWS", "Properties": {"Create": put}}
    assert rumrules.lint(data=template) == []


def test_references_to_a_long_default_do_not_grow_the_text():
    """A Join or Sub of thousands of references to a 4 KB default is refused, not built."""
    long = "x" * 4000
    template = {"Parameters": {"Big": {"Type": "String", "Default": long}},
                "Resources": {"Monitor": {"Type": "AWS::RUM::AppMonitor", "Properties": {
                    "Name": "shop", "CustomEvents": {"Status": "ENABLED"},
                    "AppMonitorConfiguration": {"MetricDestinations": [{
                        "Destination": "CloudWatch", "MetricDefinitions": [
                            {"Name": "A", "Namespace": "Shop", "EventPattern": {
                                "Fn::Join": ["", [{"Ref": "Big"}] * 5000]}},
                            {"Name": "B", "Namespace": "Shop", "EventPattern": {
                                "Fn::Sub": "${Big}" * 5000}}]}]}}}}}
    found = rumrules.lint(data=template)
    assert [(f.code, f.message.rsplit(": ", 1)[1]) for f in found] == [
        ("RUM601", "the joined text is too long"), ("RUM601", "the substituted text is too long")]


def test_parameters_written_as_json_text_and_hand_written_member_names():
    """A hand-written custom resource: ``Service``/``Action``/``Parameters``, the parameters
    as a JSON string (in the file, or inside the call's own JSON text)."""
    params = json.dumps(BODY)
    for call in ({"Service": "rum", "Action": "BatchCreateRumMetricDefinitions",
                  "Parameters": params},
                 json.dumps({"service": "RUM", "action": "batchCreateRumMetricDefinitions",
                             "parameters": params})):
        text = json.dumps(_call_template(call), indent=2)
        found = rumrules.lint(text=text, filename="t.json")
        (f,) = found
        assert f.code == "RUM204" and f.path[-3:] == ("MetricDefinitions", 0, "EventPattern")
        # the position is the EventPattern's text, through every level of escaping
        line = text.splitlines()[f.line - 1]
        assert line[f.column - 1:].lstrip("\\\"").startswith("{")
        assert "EventPattern" in line[:f.column]

_PIECE = st.text(alphabet=st.sampled_from('ab {}[]":,\\/\t\n\u00e9\u4e2d\U0001f600'), max_size=12)


@settings(max_examples=60, deadline=None)
@given(pieces=st.lists(_PIECE, min_size=1, max_size=5), delimiter=_PIECE,
       indent=st.sampled_from([None, 1, 2]))
def test_every_character_of_a_joined_text_points_at_where_it_is_written(pieces, delimiter,
                                                                        indent):
    """Fn::Join of literal pieces in a JSON template: character k of piece j maps to the
    start of its escape in the file, whatever the escaping; the delimiter's characters map
    to the delimiter."""
    template = {"Resources": {"M": {"Type": "AWS::RUM::AppMonitor", "Properties": {
        "Name": "m", "AppMonitorConfiguration": {"MetricDestinations": [{
            "Destination": "CloudWatch", "MetricDefinitions": [{
                "Name": "X", "EventPattern": {"Fn::Join": [delimiter, pieces]}}]}]}}}}}
    text = json.dumps(template, indent=indent)
    (d,) = read_text(text, "t.json").definitions
    joined, mapper = d.texts["EventPattern"]
    assert joined == delimiter.join(pieces) == d.definition["EventPattern"]
    # where each piece (and the delimiter) is written: after '"Fn::Join": [' in order
    at = text.index('"Fn::Join"')
    delimiter_start = text.index(json.dumps(delimiter), at)
    starts, pos = [], delimiter_start + len(json.dumps(delimiter))
    for piece in pieces:
        pos = text.index(json.dumps(piece), pos)
        starts.append(pos)
        pos += len(json.dumps(piece))
    index = 0
    for j, piece in enumerate(pieces):
        if j:
            for k in range(len(delimiter)):
                assert mapper(index) == delimiter_start + len(json.dumps(delimiter[:k])) - 1
                index += 1
        for k in range(len(piece)):
            assert mapper(index) == starts[j] + len(json.dumps(piece[:k])) - 1
            index += 1
