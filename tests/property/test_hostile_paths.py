"""Hostile *paths* at every CLI subcommand that reads one: a FIFO that no program writes to
(it used to hang), a file name holding a NUL byte or a lone surrogate (no file system can
hold either), and standard input that is closed or cannot be read.  Each exits 2 with one
line naming the input, and no traceback.  See ``docs/reliability.md``."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rumrules.cli import main

from .test_cli_hostile import EVENTS, REQUEST, _assert_clean, _file, _run

#: each subcommand that reads a path, with PATH where the hostile path goes
READERS = [
    ["check", "PATH"],
    ["check", "--fix", "PATH"],
    ["check", "--diff", "PATH"],
    ["explain", "--pattern", '{"a": [1]}', "--event", "PATH"],
    ["explain", "--pattern", "PATH", "--event", '{"a": 1}'],
    ["eval", "--definitions", "PATH", "--events", "EVENTS"],
    ["eval", "--definitions", "DEFS", "--events", "PATH"],
]
#: the same, reading standard input
STDIN_READERS = [[("-" if a == "PATH" else a) for a in argv] for argv in READERS
                 if "--fix" not in argv and "--diff" not in argv]


def _argv(template: list[str], path: str, directory: str) -> list[str]:
    defs = _file(directory, json.dumps(REQUEST).encode(), "json", "definitions")
    events = _file(directory, json.dumps(EVENTS).encode(), "json", "events")
    swap = {"PATH": path, "DEFS": defs, "EVENTS": events}
    return [swap.get(a, a) for a in template]


def _one_line_error(code: int, out: str, err: str) -> str:
    _assert_clean(code, out, err)
    assert code == 2, (code, out, err)
    return err.strip()


bad_names = st.tuples(st.text(max_size=8), st.sampled_from(["\x00", "\ud800", "\udfff"]),
                      st.text(max_size=8), st.sampled_from(["", ".json", ".yaml", "/"])
                      ).map(lambda t: "f" + t[0] + t[1] + t[2] + t[3])
# (starting with a letter: "-x" would be an option, "{" inline JSON for explain and eval)


@given(bad_names, st.sampled_from(READERS))
def test_file_names_no_file_system_holds_are_refused(name, template):
    """Regression: a NUL byte in a file name raised ValueError, a lone surrogate
    UnicodeEncodeError (each an internal error)."""
    with tempfile.TemporaryDirectory() as d:
        line = _one_line_error(*_run(_argv(template, name, d)))
    assert "NUL byte" in line or "lone surrogate" in line, line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("template", READERS, ids=lambda a: " ".join(a[:3]))
def test_a_fifo_without_a_writer_is_refused_not_waited_on(template):
    """Regression: ``rumrules check fifo`` waited forever for a writer.  Run in a child
    process so that a regression fails (at the generous timeout) instead of hanging."""
    with tempfile.TemporaryDirectory() as d:
        fifo = os.path.join(d, "input.json")
        os.mkfifo(fifo)
        argv = _argv(template, fifo, d)
        try:
            done = subprocess.run([sys.executable, "-m", "rumrules", *argv],
                                  capture_output=True, text=True, timeout=300,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:  # pragma: no cover - the regression
            pytest.fail(f"rumrules {' '.join(argv)} waited for a writer")
    line = _one_line_error(done.returncode, done.stdout, done.stderr)
    assert line == f"rumrules: error: {fifo}: a FIFO (named pipe) that no program writes " \
                   f"to: nothing to read", line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_pipe_with_a_writer_is_read():
    """What the FIFO rule must not break: a pipe whose writer is there (``<(command)``)."""
    read, write = os.pipe()
    with os.fdopen(write, "wb") as handle:
        handle.write(json.dumps(REQUEST).encode())
    try:
        code, out, err = _run(["check", f"/dev/fd/{read}", "--format", "json"])
    finally:
        os.close(read)
    assert (code, err) == (0, ""), err
    assert json.loads(out)["summary"]["definitions_checked"] == 1


class _Unreadable(io.RawIOBase):
    """A standard input whose reads fail, as a write-only descriptor's do."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer):
        raise OSError(9, "Bad file descriptor")


def _run_with_stdin(argv: list[str], stdin) -> tuple[int, str, str]:
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")
    err = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")
    old = sys.stdin
    sys.stdin = stdin
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        sys.stdin = old
    out.flush()
    err.flush()
    return code, out.buffer.getvalue().decode("ascii"), err.buffer.getvalue().decode("ascii")


@pytest.mark.parametrize("stdin", ["closed", "unreadable"])
@pytest.mark.parametrize("template", STDIN_READERS, ids=lambda a: " ".join(a[:3]))
def test_unreadable_standard_input_is_refused(template, stdin):
    """Regression: with standard input closed (``<&-``, ``sys.stdin is None``) the readers
    raised AttributeError; a read that fails (``0>file``) is an OSError."""
    stream = None if stdin == "closed" else io.TextIOWrapper(io.BufferedReader(_Unreadable()))
    with tempfile.TemporaryDirectory() as d:
        line = _one_line_error(*_run_with_stdin(_argv(template, "-", d), stream))
    assert line.startswith("rumrules: error: <stdin>: cannot be read: "), line
