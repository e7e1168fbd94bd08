"""``python -m rumrules serve`` in a subprocess on 127.0.0.1 and a free port (for the load
and fault tests): started and waited for, killed with SIGKILL or stopped, always ended."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ProcessServer:
    """``rumrules serve --data DATA --port PORT ARGS...``; ``url`` once it answers."""

    def __init__(self, data: str | Path, *args: str, port: int | None = None,
                 log: Path | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "ab") if log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [sys.executable, "-m", "rumrules", "serve", "--host", "127.0.0.1", "--port",
             str(self.port), "--data", str(data), "--log-level", "warning", *args],
            stdout=self.log, stderr=self.log, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"rumrules serve exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("rumrules serve did not start") from None
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush; the operating system keeps what was written."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=START_TIMEOUT)
        self._close_log()

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it lingers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=START_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=START_TIMEOUT)
        self._close_log()

    def _close_log(self) -> None:
        if self.log is not subprocess.DEVNULL:
            self.log.close()
            self.log = subprocess.DEVNULL
