"""Hostile input at every CLI subcommand: each run exits 0, 1 or 2, prints no traceback, and an
exit 2 is one line (``rumrules: error: ...``) naming the file, with the line and column when
the problem has a place in the text.  Output goes to an ASCII stream with strict errors, as
under ``LC_ALL=C``: text that stream cannot hold must not crash the command.
See ``docs/reliability.md``."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import tempfile

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from rumrules.cli import main
from rumrules.linter.sources import MAX_INPUT_BYTES

_ID = "cff852ba-f230-45cf-b1b7-b7fa57825a3d"
DEFINITION = {"Name": "Visits", "Namespace": "Shop", "UnitLabel": "Count",
              "DimensionKeys": {"metadata.browserName": "Browser"},
              "EventPattern": '{"event_type": ["checkout.completed"], '
                              '"metadata": {"browserName": ["Chrome"]}}'}
REQUEST = {"AppMonitorName": "MyWebApp", "Destination": "CloudWatch",
           "MetricDefinitions": [DEFINITION]}
EVENTS = {"Id": _ID, "BatchId": _ID, "AppMonitorDetails": {"id": _ID, "name": "MyWebApp"},
          "UserDetails": {}, "RumEvents": [{"id": _ID, "timestamp": 1_700_000_000,
                                            "type": "checkout.completed",
                                            "details": '{"total": 3}'}]}
YAML_REQUEST = """AppMonitorName: MyWebApp
Destination: CloudWatch
MetricDefinitions:
  - Name: Visits
    Namespace: Shop
    UnitLabel: Count
    EventPattern: '{"event_type": ["checkout.completed"]}'
"""

#: pieces an attacker writes into a file: huge numbers, deep nesting, lone surrogates,
#: bytes that are not UTF-8, NULs, YAML hex integers and alias bombs
FRAGMENTS = [
    "1" * 5000, "-" + "9" * 4301, "0x" + "f" * 4000, "1e400", "[" * 5000, "{\"a\":" * 3000,
    '"\\ud800"', '"\\udfff\\ud800"', "\ud800", "\x00", "\ufeff", "NaN", "é✗",
    "&a [1, 2]\nb: [*a, *a]", "*nope", "!Ref X", "- " * 300, "\t", "\r\n", "]", "}",
]
BYTES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x1f\x8b", b"\xef\xbb\xbf"]


@st.composite
def hostile_files(draw) -> tuple[bytes, str]:
    """(content, file name ending): a valid input with a hostile piece put somewhere."""
    kind = draw(st.sampled_from(["json", "yaml"]))
    text = json.dumps(REQUEST, indent=1) if kind == "json" else YAML_REQUEST
    where = draw(st.integers(0, len(text)))
    piece = draw(st.sampled_from(FRAGMENTS))
    if draw(st.booleans()):  # replace a value rather than insert
        end = min(len(text), where + draw(st.integers(0, 12)))
        text = text[:where] + piece + text[end:]
    else:
        text = text[:where] + piece + text[where:]
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from(BYTES)) + data[at:]
    return data, kind


def _run(argv: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    """Run the CLI with ASCII, strict output streams (as under ``LC_ALL=C``) and ``stdin``."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")
    err = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")
    old_stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="ascii")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as e:  # argparse's usage errors: usage, then the error
                code = e.code if e.code != 2 else USAGE
    finally:
        sys.stdin = old_stdin
    texts = []
    for stream in (out, err):
        stream.flush()
        texts.append(stream.buffer.getvalue().decode("ascii"))
    return code, texts[0], texts[1]


#: the exit code _run gives argparse's usage errors (2, printed as argparse does)
USAGE = -2
_LOCATED = re.compile(r"^rumrules: error: .+:\d+:\d+: ")


def _assert_clean(code: int, out: str, err: str, *, located: bool = False) -> None:
    if code == USAGE:
        assert err.startswith("usage: rumrules") and "Traceback" not in err, err
        return
    assert code in (0, 1, 2), code
    assert "Traceback" not in err + out and "internal error" not in err, err
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("rumrules: error: "), err
        if located:
            assert _LOCATED.match(lines[0]) or "larger than" in lines[0], lines[0]


def _file(directory: str, data: bytes, ending: str, name: str = "input") -> str:
    path = os.path.join(directory, f"{name}.{ending}")
    with open(path, "wb") as fh:
        fh.write(data)
    return path


@given(hostile_files(), st.sampled_from(["text", "json", "sarif", "github"]))
@example((("MetricDefinitions:\n- Name: x\n  UnitLabel: 0x" + "f" * 4000).encode(), "yaml"),
         "text")
@example((json.dumps({"a": 1}).replace("1", "[" * 100_000).encode(), "json"), "json")
def test_check_takes_hostile_files(file, fmt):
    data, ending = file
    with tempfile.TemporaryDirectory() as d:
        path = _file(d, data, ending)
        _assert_clean(*_run(["check", path, "--format", fmt]), located=True)
        _assert_clean(*_run(["check", "-", "--stdin-filename", "x." + ending], stdin=data))


@given(hostile_files(), st.sampled_from(["definitions", "events"]))
def test_eval_takes_hostile_files(file, which):
    data, ending = file
    events = json.dumps(EVENTS).encode()
    with tempfile.TemporaryDirectory() as d:
        if which == "definitions":
            defs, evs = _file(d, data, ending), _file(d, events, "json", "events")
        else:
            defs = _file(d, json.dumps(REQUEST).encode(), "json", "definitions")
            evs = _file(d, data, "json", "events")
        _assert_clean(*_run(["eval", "--definitions", defs, "--events", evs]))


events_text = st.one_of(
    st.sampled_from(FRAGMENTS).map(lambda f: '{"a": ' + f + "}"),
    st.sampled_from(FRAGMENTS).map(lambda f: '[{"a": 1}, ' + f + "]"),
    st.text(max_size=40).map(lambda t: json.dumps({"a": t})),
    st.integers(1, 200_000).map(lambda n: '{"a":' * n + "1" + "}" * n))


@given(events_text, st.sampled_from(['{"a": [1]}', '{"a": [{"numeric": [">", 0]}]}',
                                     '{"a": ["\\ud800"]}']),
       st.sampled_from(["text", "json"]), st.booleans())
@example('{"a": "\\ud800"}', '{"a": [1]}', "text", False)      # lone surrogate in the output
@example('{"a":' * 100_000 + "1" + "}" * 100_000, '{"a": [1]}', "text", True)
def test_explain_takes_hostile_events(event, pattern, fmt, from_file):
    with tempfile.TemporaryDirectory() as d:
        if from_file:
            event = _file(d, event.encode("utf-8", "surrogatepass"), "json")
        code, out, err = _run(["explain", "--pattern", pattern, "--event", event,
                               "--format", fmt])
        _assert_clean(code, out, err)


@given(st.text(max_size=12))
def test_rule_takes_any_code(code):
    _assert_clean(*_run(["rule", code]))


def test_reads_have_a_size_limit():
    """Regression: ``check /dev/zero`` read until MemoryError (3.7 GB)."""
    code, _, err = _run(["check", "/dev/zero"])
    assert code == 2 and f"larger than {MAX_INPUT_BYTES} bytes" in err


@pytest.mark.parametrize("argv", [
    ["explain", "--pattern", '{"a": [1]}', "--event", "FILE"],
    ["eval", "--definitions", "DEFS", "--events", "FILE"],
])
def test_deep_events_are_refused_with_their_place(argv):
    """Regression: an event nested 10^5 deep printed a RecursionError traceback."""
    with tempfile.TemporaryDirectory() as d:
        deep = _file(d, ('{"a":' * 100_000 + "1" + "}" * 100_000).encode(), "json")
        defs = _file(d, json.dumps(REQUEST).encode(), "json", "definitions")
        argv = [deep if a == "FILE" else defs if a == "DEFS" else a for a in argv]
        code, _, err = _run(argv)
    assert code == 2 and err.startswith(f"rumrules: error: {deep}:1:") and "nested" in err


def test_non_ascii_arguments_under_a_c_locale():
    """Regression: ``explain`` under LC_ALL=C printed UnicodeEncodeError; an argument decoded
    with surrogate escapes (as a C locale does) is read as the UTF-8 that was typed."""
    typed = '{"a": "é"}'.encode().decode("ascii", "surrogateescape")
    code, out, err = _run(["explain", "--pattern", '{"a": ["é"]}', "--event", typed])
    assert (code, err) == (0, "") and "match" in out
