"""Hand-written cases per rule: code, severity, path, position and what the message says
to do.  (The rules' own examples are tested in test_rule_metadata.py.)"""

from __future__ import annotations

import json

import pytest

from rumrules import Severity
from rumrules.catalog.metrics import EXTENDED_METRICS
from rumrules.rules import check_definition, check_definitions

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
NAV = "com.amazon.rum.performance_navigation_event"
HTTP = "com.amazon.rum.http_event"
EP = ("EventPattern",)


def ext(name: str, **changes) -> dict:
    d = EXTENDED_METRICS[name].definition()
    for k, v in changes.items():
        if v is None:
            d.pop(k, None)
        else:
            d[k] = v
    return d


def cust(pattern: dict | str | None = None, **members) -> dict:
    d = {"Name": "Checkouts", "Namespace": "Shop"}
    if pattern is not None:
        d["EventPattern"] = pattern if isinstance(pattern, str) else json.dumps(pattern)
    d.update(members)
    return d


def p(obj) -> str:
    return json.dumps(obj)


# (code, severity, definition, path, position, fragments the message has); the position is
# (line, column), or the text found there (first occurrence, one-line patterns), or None.
CASES = [
    # RUM001
    ("RUM001", E, cust('{"event_type": ["a"],}'), EP, (1, 21), ["trailing comma"]),
    ("RUM001", E, cust('{\n  "event_type": ["a"]\n  "metadata": {}\n}'), EP, (3, 3), ["comma"]),
    ("RUM001", E, ext("NavigationFrustratedTransaction", EventPattern=p({
        "event_type": [NAV], "event_details": {"duration": [{"numeric": ["=>", 8000]}]}})),
     EP, (1, 109), ["=>", ">="]),
    ("RUM001", E, cust('{"event_type": ["a"]}}'), EP, (1, 22), []),  # SPEC §5: text after }
    ("RUM001", E, cust('{"a": [{"numeric": [">", 1, "<", 1]}]}'), EP, '1, "<"',
     ["Bottom must be less than top"]),
    # RUM002
    ("RUM002", W, cust(p({"event_type": ["a"], "metadata": {"pageId": [{"suffix": "/x"}]}})),
     EP, '"/x"', ['"suffix"', "not documented"]),
    ("RUM002", W, cust(p({"event_type": ["a"], "metadata": {"pageId": [{"wildcard": "/*"}]}})),
     EP, None, ['"wildcard"']),
    ("RUM002", W, cust(p({"event_type": ["a"], "userId": [{"equals-ignore-case": "X"}]})),
     EP, None, ['"equals-ignore-case"']),
    # RUM101
    ("RUM101", E, cust(ValueKey=["event_details.x"]), ("ValueKey",), None, ["string"]),
    ("RUM101", E, "JsErrorCount", (), None, ["JSON object"]),
    ("RUM101", E, cust(DimensionKeys="metadata.pageId"), ("DimensionKeys",), None, ["map"]),
    ("RUM101", E, cust(p({"metadata": {"pageId": ["/"]}}), DimensionKeys={"metadata.pageId": 1}),
     ("DimensionKeys", "metadata.pageId"), None, ["must be a string"]),
    # RUM102
    ("RUM102", E, cust(eventPattern=p({"event_type": ["a"]})), ("eventPattern",), None,
     ["'EventPattern'"]),
    ("RUM102", E, cust(Dimension={}), ("Dimension",), None, ["'DimensionKeys'"]),
    ("RUM102", E, cust(Frobnicate=1), ("Frobnicate",), None, ["the members are"]),
    # RUM103
    ("RUM103", E, {"Namespace": "Shop"}, ("Name",), None, ["Name is required"]),
    ("RUM103", E, {"EventPattern": p({"event_type": ["a"]}), "Namespace": "N"}, ("Name",), None,
     ["required"]),
    ("RUM103", E, {}, ("Name",), None, ["required"]),
    # RUM104
    ("RUM104", E, cust(Name="x" * 256), ("Name",), None, ["256 characters", "at most 255"]),
    ("RUM104", E, cust(ValueKey="event_details." + "v" * 267), ("ValueKey",), None, ["280"]),
    ("RUM104", E, cust(UnitLabel=""), ("UnitLabel",), None, ["must not be empty"]),
    ("RUM104", E, cust(Namespace=""), ("Namespace",), None, ["must not be empty"]),
    # RUM105
    ("RUM105", E, cust(UnitLabel="count"), ("UnitLabel",), None, ["'Count'"]),
    ("RUM105", E, cust(UnitLabel="ms"), ("UnitLabel",), None, ["'Milliseconds'"]),
    ("RUM105", E, cust(UnitLabel="MILLISECONDS"), ("UnitLabel",), None, ["'Milliseconds'"]),
    ("RUM105", E, cust(UnitLabel="bytes/sec"), ("UnitLabel",), None, ["'Bytes/Second'"]),
    ("RUM105", E, cust(UnitLabel="%"), ("UnitLabel",), None, ["'Percent'"]),
    # RUM106
    ("RUM106", E, cust(DimensionKeys={f"metadata.k{i}": f"K{i}" for i in range(35)}),
     ("DimensionKeys",), None, ["35 entries", "29"]),
    # RUM107
    ("RUM107", E, cust(DimensionKeys={"": "X"}), ("DimensionKeys", ""), None, ["empty"]),
    ("RUM107", E, cust(DimensionKeys={"m" * 281: "X"}), ("DimensionKeys", "m" * 281), None,
     ["280"]),
    # RUM108
    ("RUM108", E, cust(p({"metadata": {"pageId": ["/"]}}),
                       DimensionKeys={"metadata.pageId": ":Page"}),
     ("DimensionKeys", "metadata.pageId"), None, ["':'"]),
    ("RUM108", E, cust(p({"metadata": {"pageId": ["/"]}}), DimensionKeys={"metadata.pageId": "\t"}),
     ("DimensionKeys", "metadata.pageId"), None, ["non-blank"]),
    # RUM201
    ("RUM201", E, {"Name": "PageVisits", "EventPattern": p({"event_type": ["a"]})}, ("Name",),
     None, ["custom metric needs its own Namespace"]),
    ("RUM201", E, ext("SessionCount", Name="sessioncount"), ("Name",), None, ["'SessionCount'"]),
    ("RUM201", E, ext("NavigationSatisfiedTransaction", Name="NavigationSatisfiedCount"),
     ("Name",), None, ["'NavigationSatisfiedTransaction'"]),
    ("RUM201", E, {"Name": "Foo", "Namespace": "AWS/RUM", "EventPattern": p({"event_type": ["a"]})},
     ("Name",), None, ["Namespace"]),
    # RUM202
    ("RUM202", E, ext("PerformanceResourceDuration", ValueKey="event_details.durations"),
     ("ValueKey",), None, ['"ValueKey": "event_details.duration"']),
    ("RUM202", E, ext("WebVitalsFirstInputDelay", ValueKey=None), ("ValueKey",), None,
     ['"ValueKey": "event_details.value"']),
    ("RUM202", E, ext("Http5xxCount", ValueKey="event_details.response.status"), ("ValueKey",),
     None, ["remove ValueKey"]),
    # RUM203
    ("RUM203", E, ext("PageViewCount", EventPattern=None), EP, None,
     ['{"event_type": ["com.amazon.rum.page_view_event"]}']),
    ("RUM203", E, ext("Http4xxCount", EventPattern=""), EP, None, ["status"]),
    ("RUM203", E, ext("WebVitalsCumulativeLayoutShift", EventPattern=None), EP, None,
     ["cumulative_layout_shift_event"]),
    # RUM204
    ("RUM204", E, ext("NavigationToleratedTransaction", EventPattern=p({
        "event_type": [NAV], "event_details": {"duration": [{"numeric": [">", 2000]}]}})),
     EP, '"duration"', ['NavigationToleratedTransaction needs "duration": [{"numeric": [">=", 2000, '
                   '"<", 8000]}]', 'found "duration": [{"numeric": [">", 2000]}]']),
    ("RUM204", E, ext("NavigationToleratedTransaction", EventPattern=p({
        "event_type": [NAV], "event_details": {"duration": [{"numeric": [">=", 2e3, "<", 8e3]}]}})),
     None, None, []),  # 2e3 is 2000: no finding
    ("RUM204", E, ext("Http5xxCount", EventPattern=p({
        "event_type": [HTTP], "event_details": {"response": {"status": [
            {"numeric": [">=", 500, "<", 600]}]}}})),
     EP, None, ['[">=", 500, "<=", 599]', 'inside "event_details" > "response"']),
    ("RUM204", E, ext("NavigationFrustratedTransaction", EventPattern=p({
        "event_type": [NAV], "duration": [{"numeric": [">=", 8000]}]})),
     EP, '"duration"', ['found "duration" instead: rename it']),
    ("RUM204", E, ext("JsErrorCount", EventPattern=p({"event_type": [
        "com.amazon.rum.js_error_event", "com.amazon.rum.http_event"]})),
     EP, (1, 2), ['needs "event_type": ["com.amazon.rum.js_error_event"]']),
    ("RUM204", E, ext("SessionCount", EventPattern=p({"metadata": {"pageId": ["/"]}}),
                      DimensionKeys={"metadata.pageId": "PageId"}), EP, (1, 1),
     ['SessionCount needs "event_type": ["com.amazon.rum.session_start_event"]']),
    # RUM205
    ("RUM205", E, ext("SessionCount", EventPattern=p({
        "event_type": ["com.amazon.rum.session_start_event"], "metadata": {"osName": ["Linux"]}})),
     EP, '"osName"', ['"metadata.osName": "OSName"']),
    ("RUM205", E, ext("JsErrorCount", DimensionKeys={"metadata.browserName": "BrowserName"},
                      EventPattern=p({"event_type": ["com.amazon.rum.js_error_event"],
                                      "metadata": {"browsername": ["Chrome"]}})),
     EP, None, ["did you mean 'metadata.browserName'?"]),
    ("RUM205", E, ext("PageViewCount", EventPattern=p({
        "event_type": ["com.amazon.rum.page_view_event"], "userId": ["u"]})),
     EP, None, ["custom metric"]),
    # RUM206
    ("RUM206", E, ext("PerformanceResourceDuration", DimensionKeys={"event_details.fileType": "Type"},
                      EventPattern=p({"event_type": ["com.amazon.rum.performance_resource_event"],
                                      "event_details": {"fileType": ["image"]}})),
     ("DimensionKeys", "event_details.fileType"), None, ['"FileType"']),
    ("RUM206", E, ext("JsErrorCount", DimensionKeys={"metadata.pageid": "PageId"},
                      EventPattern=p({"event_type": ["com.amazon.rum.js_error_event"],
                                      "metadata": {"pageid": ["/"]}})),
     ("DimensionKeys", "metadata.pageid"), None, ['"metadata.pageId"']),
    ("RUM206", E, ext("JsErrorCount", DimensionKeys={"metadata.domain": "Domain"},
                      EventPattern=p({"event_type": ["com.amazon.rum.js_error_event"],
                                      "metadata": {"domain": ["a.com"]}})),
     ("DimensionKeys", "metadata.domain"), None, ["allowed"]),
    # RUM207
    ("RUM207", W, ext("HttpErrorCount", EventPattern=p({"event_type": [HTTP]})), EP, (1, 1),
     ['"status": [{"numeric": [">=", 400]}]', "D5"]),
    ("RUM207", W, ext("HttpErrorCount", EventPattern=p({"event_type": [HTTP], "event_details": {
        "response": {"status": [{"numeric": [">", 0]}]}}})), EP, None, ["below 400"]),
    ("RUM207", W, ext("HttpErrorCount", EventPattern=p({"event_type": [HTTP], "event_details": {
        "response": {"status": [{"numeric": [">=", 399]}]}}})), EP, None, ["below 400"]),
    # RUM301-303
    ("RUM301", E, cust(Namespace="AWS/Shop"), ("Namespace",), None, ["'Shop'", "AWS/"]),
    ("RUM301", E, cust(Namespace="AWS/CustomMetrics"), ("Namespace",), None, ["reserved"]),
    ("RUM301", E, cust(Namespace="AWS/RUM/x"), ("Namespace",), None, ["reserved"]),
    ("RUM302", W, cust(Namespace="aWs/Shop"), ("Namespace",), None, ["'Shop'"]),
    ("RUM302", W, cust(Namespace="AWS/rum".lower()), ("Namespace",), None, ["AWS/"]),
    ("RUM302", W, cust(Namespace="aws/"), ("Namespace",), None, ["'MyApp'"]),
    ("RUM303", E, cust(Namespace="Shop;prod"), ("Namespace",), None, ["';'", "'Shop-prod'"]),
    ("RUM303", E, cust(Namespace="Shop\nprod"), ("Namespace",), None, ["remove"]),
    ("RUM303", E, cust(Namespace="Shop*"), ("Namespace",), None, ["'*'"]),
    ("RUM303", E, cust(Namespace="   "), ("Namespace",), None, ["only spaces"]),
    ("RUM303", E, cust(Namespace=" "), ("Namespace",), None, ["only spaces"]),
    ("RUM303", None, cust(Namespace=" Shop "), None, None, []),
    ("RUM303", E, ext("JsErrorCount", Namespace="AWS/RUM\t"), ("Namespace",), None,
     ["'AWS/RUM'", "JsErrorCount"]),
    # RUM301/RUM302: an extended metric's AWS/RUM a casing or space away
    ("RUM301", E, ext("JsErrorCount", Namespace="AWS/RUM "), ("Namespace",), None,
     ["not exactly 'AWS/RUM'", "JsErrorCount"]),
    ("RUM301", E, ext("JsErrorCount", Namespace="AWS/RUM/"), ("Namespace",), None,
     ["not exactly 'AWS/RUM'"]),
    ("RUM302", W, ext("JsErrorCount", Namespace="Aws/Rum"), ("Namespace",), None,
     ["write 'AWS/RUM'"]),
    ("RUM302", W, cust(Namespace=" aws/shop"), ("Namespace",), None, ["'shop'"]),
    # RUM304
    ("RUM304", E, cust(p({"event_type": ["a"], "Metadata": {"pageId": ["/"]}})), EP, (1, 23),
     ["'metadata'"]),
    ("RUM304", E, cust(p({"event_type": ["a"], "session_id": ["s"]})), EP, None, ["'sessionId'"]),
    ("RUM304", E, cust(p({"$or": [{"event_type": ["a"]}, {"evnt_type": ["b"]}]})), EP, '"evnt_type"',
     ["'event_type'"]),
    ("RUM304", E, cust(ValueKey="details.x"), ("ValueKey",), None, ["'event_details'"]),
    # RUM305
    ("RUM305", I, cust(p({"event_type": ["a"], "application_Id": ["x"]})), EP, (1, 23),
     ["application_id"]),
    ("RUM305", I, cust(p({"application_Id": ["x"]}), DimensionKeys={"application_Id": "A"}),
     ("DimensionKeys", "application_Id"), None, ["D7"]),
    # RUM306
    ("RUM306", E, cust(p({"event_details": {"x": ["y"]}})), EP, (1, 20), ['"event_type"']),
    ("RUM306", E, cust(p({"userId": ["u"], "event_details": {"a": {"b": [1]}}})), EP, '"b"',
     ["event_type"]),
    ("RUM306", E, cust(p({"event_details.x": [{"numeric": [">", 1]}]})), EP, (1, 2), ["event_type"]),
    # RUM307
    ("RUM307", E, cust(p({"event_type": ["com.amazon.rum.http"]})), EP, (1, 17),
     ["'com.amazon.rum.http_event'"]),
    ("RUM307", E, cust(p({"event_type": ["com.amazon.rum.page_view"]})), EP, None,
     ["'com.amazon.rum.page_view_event'"]),
    ("RUM307", E, cust(p({"event_type": ["com.amazon.rum.Js_Error_Event"]})), EP, None,
     ["'com.amazon.rum.js_error_event'"]),
    # RUM308
    ("RUM308", E, cust(p({"event_type": ["my/event"]})), EP, (1, 17), ["'my_event'"]),
    ("RUM308", E, cust(p({"event_type": [True]})), EP, None, ["not a string"]),
    ("RUM308", E, cust(p({"event_type": [None]})), EP, None, ["not a string"]),
    ("RUM308", E, cust(p({"event_type": [{"numeric": [">", 1]}], "event_details": {"x": ["y"]}})),
     EP, '[">", 1]', ["numeric condition (> 1)", "strings"]),
    ("RUM308", E, cust(p({"event_type": [{"numeric": ["=", 3]}]})), EP, None, ["numeric"]),
    # RUM307: "did you mean" through casing, underscores and the _event suffix
    ("RUM307", E, cust(p({"event_type": ["com.amazon.rum.jserror"]})), EP, None,
     ["did you mean 'com.amazon.rum.js_error_event'?"]),
    ("RUM307", E, cust(p({"event_type": ["com.amazon.rum.pageview"]})), EP, None,
     ["did you mean 'com.amazon.rum.page_view_event'?"]),
    ("RUM307", E, cust(p({"event_type": ["com.amazon.rum.xray"]})), EP, None,
     ["'com.amazon.rum.xray_trace_event'"]),
    ("RUM307", E, cust(p({"event_type": ["com.amazon.rum.custom_event"]})), EP, None,
     ["must not start with"]),
    # RUM312
    ("RUM312", W, cust(p({"event_type": ["Com.Amazon.Rum.http_event"]})), EP, (1, 17),
     ["write 'com.amazon.rum.http_event'"]),
    ("RUM312", W, cust(p({"event_type": ["com.amazon.RUM.pageview"]})), EP, None,
     ["write 'com.amazon.rum.page_view_event'"]),
    ("RUM312", W, cust(p({"event_type": ["JS_ERROR_EVENT"]})), EP, None,
     ["without its prefix", "'com.amazon.rum.js_error_event'"]),
    ("RUM312", W, cust(p({"event_type": ["COM.AMAZON.RUM.orders"]})), EP, None,
     ["none of them"]),
    ("RUM312", None, cust(p({"event_type": ["com.amazon.rum.http_event"]})), None, None, []),
    # RUM313
    ("RUM313", W, cust(Namespace="RUM/CustomMetrics/MFE/AB"), ("Namespace",), None,
     ["'RUM/CustomMetrics/RUM/CustomMetrics/MFE/AB'", "write 'MFE/AB'"]),
    ("RUM313", None, cust(Namespace="RUM/MFE/AB"), None, None, []),
    ("RUM312", None, cust(p({"event_type": ["http_events"]})), None, None, []),
    # RUM309
    ("RUM309", E, cust(p({"event_type": [NAV], "event_details": {
        "transfer_size": [{"numeric": [">", 0]}]}})), EP, (1, 83),
     ["'event_details.transfer_size'", "did you mean 'event_details.transferSize'?"]),
    ("RUM309", E, cust(p({"event_type": [HTTP], "event_details": {"response": {
        "statusCode": [{"numeric": [">=", 500]}]}}})), EP, None, ["'event_details.response.status'"]),
    ("RUM309", E, cust(p({"event_type": ["com.amazon.rum.js_error_event"]}),
                       ValueKey="event_details.line"), ("ValueKey",), None,
     ["'event_details.lineno'"]),
    # RUM310
    ("RUM310", E, cust(p({"event_type": ["a"], "metadata": {"countryCode": ["US", "DE", "FR"]}})),
     EP, (1, 58), ["3 values", "D6"]),
    ("RUM310", E, cust(p({"event_type": ["a"], "metadata": {"interaction": [0, 1]}})), EP, None,
     ["2 values"]),
    ("RUM310", E, cust(p({"event_type": ["a"], "a": "x", "metadata": {"osName": [None, "Linux"]}})
                       .replace('"a": "x", ', "")), EP, None, ["2 values"]),
    # RUM311
    ("RUM311", W, cust(p({"event_type": [HTTP]}), ValueKey="event_details.request.url"),
     ("ValueKey",), None, ["is a string"]),
    ("RUM311", W, cust(p({"event_type": [HTTP]}), ValueKey="event_details.response"),
     ("ValueKey",), None, ["is an object"]),
    ("RUM311", W, cust(ValueKey="sessionId"), ("ValueKey",), None, ["string"]),
    # RUM401
    ("RUM401", E, cust(p({"event_type": ["a"]}), DimensionKeys={"metadata.pageId": "Page"}),
     ("DimensionKeys", "metadata.pageId"), None, ['"metadata": {"pageId": ["..."]}']),
    ("RUM401", E, cust(DimensionKeys={"userId": "User"}), ("DimensionKeys",), None,
     ["no EventPattern"]),
    ("RUM401", E, ext("PerformanceResourceDuration", DimensionKeys={"event_details.fileType":
                                                                    "FileType"}),
     ("DimensionKeys", "event_details.fileType"), None, ['"event_details": {"fileType"']),
    # RUM402
    ("RUM402", W, cust(p({"event_type": ["a"], "metadata": {"pageId": ["/"]}}),
                       DimensionKeys={"metadata.pageId": "application_name"}),
     ("DimensionKeys", "metadata.pageId"), None, ["app monitor's name"]),
    ("RUM402", W, cust(p({"event_type": ["a"], "metadata": {"pageId": ["/"], "osName": ["L"]}}),
                       DimensionKeys={"metadata.pageId": "P", "metadata.osName": "P"}),
     ("DimensionKeys", "metadata.osName"), None, ["already given to 'metadata.pageId'"]),
]


@pytest.mark.parametrize("code,severity,definition,path,position,fragments", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_case(code, severity, definition, path, position, fragments):
    diags = check_definition(definition)
    mine = [d for d in diags if d.code == code]
    if path is None:
        assert mine == [], [str(d) for d in mine]
        return
    assert mine, [str(d) for d in diags]
    d = next((d for d in mine if d.path == path), None)
    assert d is not None, [str(x) for x in mine]
    assert d.severity is severity
    if isinstance(position, str):  # the first occurrence of this text in the pattern
        position = (1, definition["EventPattern"].index(position) + 1)
    if position is not None:
        assert (d.line, d.column) == position, str(d)
    if not path or path[0] != "EventPattern":
        assert d.line is None
    for fragment in fragments:
        assert fragment in d.message, d.message


def test_case_counts_cover_every_definition_rule():
    from rumrules.rules import RULES
    codes = {c[0] for c in CASES}
    missing = {r.code for r in RULES if r.scope == "definition"} - codes
    assert not missing


def test_diagnostic_is_data():
    (d,) = [d for d in check_definition(cust(UnitLabel="count")) if d.code == "RUM105"]
    assert d.to_dict() == {"code": "RUM105", "severity": "error", "message": d.message,
                           "path": ["UnitLabel"], "line": None, "column": None}
    assert d.json_path == "$.UnitLabel" and d.hint == "write 'Count'"


def test_paths_in_batches():
    defs = [ext("JsErrorCount"), cust('{"a": [1],}')]
    diags = check_definitions(defs)
    (d,) = [d for d in diags if d.code == "RUM001"]
    assert d.path == ("MetricDefinitions", 1, "EventPattern")
    assert d.json_path == "$.MetricDefinitions[1].EventPattern"
    assert (d.line, d.column) == (1, 10)


def test_dimension_key_path_renders():
    (d,) = [d for d in check_definition(cust(DimensionKeys={"metadata.pageId": ""}))
            if d.code == "RUM108"]
    assert d.json_path == '$.DimensionKeys["metadata.pageId"]'


def test_misspelt_member_is_read_as_meant():
    # "eventPattern" is reported once (RUM102); the rules still read it as the EventPattern
    d = ext("Http4xxCount")
    d["eventPattern"] = d.pop("EventPattern")
    assert [x.code for x in check_definition(d)] == ["RUM102"]
    d["eventPattern"] = "{"
    assert [x.code for x in check_definition(d)] == ["RUM001", "RUM102"]
