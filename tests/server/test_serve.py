"""``rumrules serve`` as users start it, and PutRumEvents' ``dataplane.`` host prefix each way
docs/server.md documents."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ._events import batch, page_view
from .conftest import rum_client
from .test_operations import T0

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited: {proc.communicate()[1]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the server did not start listening")


@pytest.fixture
def serve_process(tmp_path):
    """Start ``python -m rumrules serve ARGS`` on a free port; always stopped."""
    procs = []

    def start(*args: str) -> str:
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "rumrules", "serve", "--port", str(port),
             "--log-level", "warning", *args], cwd=tmp_path,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        procs.append(proc)
        _wait_for(port, proc)
        return f"http://127.0.0.1:{port}"

    yield start
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()


def test_python_m_rumrules_serve_stores_in_the_default_folder(serve_process, tmp_path):
    url = serve_process()
    rum = rum_client(url)
    app_id = rum.create_app_monitor(Name="web", Domain="example.com")["Id"]
    rum.put_rum_events(**batch(app_id, "web", [page_view(T0)]))
    assert (tmp_path / "rumrules-data" / "rum.sqlite3").exists()
    assert len(rum.get_app_monitor_data(Name="web", TimeRange={"After": 0})["Events"]) == 1


def test_workers_share_one_database(serve_process, tmp_path):
    url = serve_process("--workers", "2", "--data", str(tmp_path / "db"))
    rum = rum_client(url)
    for i in range(8):  # spread over both workers by the kernel; every write seen by all
        rum.create_app_monitor(Name=f"m{i}", Domain="example.com")
    for _ in range(4):
        names = [s["Name"] for s in rum.list_app_monitors()["AppMonitorSummaries"]]
        assert names == [f"m{i}" for i in range(8)]


def test_serve_usage_errors():
    run = subprocess.run([sys.executable, "-m", "rumrules", "serve", "--workers", "2",
                          "--data", ":memory:", "--port", str(_free_port())],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1].startswith("rumrules: error: --workers needs")
    run = subprocess.run([sys.executable, "-m", "rumrules", "serve", "--port", "70000"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "a port is 0-65535" in run.stderr
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "rumrules", "serve", "--port", str(port)],
                             capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip() == f"rumrules: error: cannot listen on 127.0.0.1:{port}: " \
                                 f"Address already in use"
    run = subprocess.run([sys.executable, "-m", "rumrules", "serve", "--port", "0",
                          "--data", "/proc/rumrules-cannot-be-here"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1].startswith(
        "rumrules: error: cannot create the data folder /proc/rumrules-cannot-be-here")


def test_serve_without_the_server_extra_says_what_to_install():
    code = ("import sys; sys.modules['uvicorn'] = None; from rumrules.cli import main; "
            "raise SystemExit(main(['serve']))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip() == ("rumrules: error: rumrules serve needs the server extra "
                                  "(uvicorn is missing): pip install 'rumrules[server]'")


def test_import_rumrules_does_not_import_the_server_stack():
    code = ("import sys, rumrules; rumrules.batch_create; rumrules.MetricDestination; "
            "import rumrules.cli; "
            "print(sorted(m for m in ('starlette', 'uvicorn', 'botocore', 'rumrules.server') "
            "if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert run.stdout.strip() == "[]"


# -- the dataplane. host prefix ------------------------------------------------------------
@pytest.fixture
def app_monitor(server):
    rum = rum_client(server.url)
    name = f"dp-{time.monotonic_ns()}"
    return name, rum.create_app_monitor(Name=name, Domain="example.com")["Id"]


def _stored(server, name) -> int:
    return len(rum_client(server.url).get_app_monitor_data(
        Name=name, TimeRange={"After": 0})["Events"])


def test_without_a_way_round_the_prefix_boto3_cannot_connect(server, app_monitor):
    from botocore.exceptions import EndpointConnectionError

    name, app_id = app_monitor
    rum = rum_client(server.url, inject_host_prefix=True)
    try:
        rum.put_rum_events(**batch(app_id, name, [page_view(T0)]))
    except EndpointConnectionError as e:  # dataplane.127.0.0.1 is not a host name
        assert "dataplane.127.0.0.1" in str(e)
    else:  # a resolver that answers for it: then it simply works
        assert _stored(server, name) == 1


def test_way_1_inject_host_prefix_false(server, app_monitor):
    name, app_id = app_monitor
    rum_client(server.url, inject_host_prefix=False).put_rum_events(
        **batch(app_id, name, [page_view(T0)]))
    assert _stored(server, name) == 1


def test_way_2_the_server_as_the_clients_proxy(server, app_monitor):
    name, app_id = app_monitor
    rum = rum_client(server.url, inject_host_prefix=True, proxies={"http": server.url})
    rum.put_rum_events(**batch(app_id, name, [page_view(T0)]))
    assert rum.get_app_monitor(Name=name)["AppMonitor"]["Id"] == app_id  # control plane too
    assert _stored(server, name) == 1


def test_way_3_a_host_name_that_resolves_with_the_prefix(server, app_monitor):
    """``--host`` names such as ``localhost`` work when the system resolves
    ``dataplane.localhost`` (systemd-resolved and others answer for ``*.localhost``): the
    server answers whatever ``Host`` the client names.  The request is sent to 127.0.0.1
    with that ``Host`` header, as a client that resolved the name sends it."""
    name, app_id = app_monitor
    params = batch(app_id, name, [page_view(T0)])
    body = json.dumps({k: v for k, v in params.items() if k != "Id"})
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("POST", f"/appmonitors/{app_id}/", body=body, headers={
            "Host": f"dataplane.localhost:{server.port}", "Content-Type": "application/json"})
        resp = conn.getresponse()
        assert (resp.status, resp.read()) == (200, b"{}")
    finally:
        conn.close()
    assert _stored(server, name) == 1
