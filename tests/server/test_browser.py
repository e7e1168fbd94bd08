"""The real web client in a real browser: aws-rum-web (npm) on a test page on 127.0.0.1,
driven in Debian's headless chromium, sends to the server across origins (CORS preflight
from the app monitor's Domain); the stored events and the data points of definitions created
through boto3 are checked, and a screenshot of the server's page is kept in
``test-artifacts/``."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import rumrules

from . import webclient
from .traffic import DEFINITIONS, CUSTOM_EVENT, setup_monitor

PAGE = Path(__file__).parent / "data" / "web_client_page.html"
ARTIFACTS = webclient.ROOT / "test-artifacts"
WAIT_SECONDS = 60


@pytest.fixture(scope="module")
def web_client() -> Path:
    reason = webclient.missing()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: it {reason}")
        pytest.skip(f"browser test {reason}")
    return webclient.bundle()


class _PageServer:
    """The shop's page on its own origin (127.0.0.1, another port than the RUM server)."""

    def __init__(self, bundle: Path, config: dict) -> None:
        files = {"/": (PAGE.read_bytes(), "text/html"),
                 "/cwr.js": (bundle.read_bytes(), "text/javascript"),
                 "/config.js": (f"window.RUM_CONFIG = {json.dumps(config)};".encode(),
                                "text/javascript"),
                 "/api/cart": (b'{"items": 1}', "application/json")}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                body, kind = files.get(self.path, (b"not found", "text/plain"))
                self.send_response(200 if self.path in files else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _events(rum, name: str) -> list[dict]:
    out, token = [], None
    while True:
        page = rum.get_app_monitor_data(Name=name, TimeRange={"After": 0}, MaxResults=100,
                                        **({"NextToken": token} if token else {}))
        out += [json.loads(e) for e in page["Events"]]
        token = page.get("NextToken")
        if not token:
            return out


def test_aws_rum_web_in_chromium(web_client, server, rum, name, tmp_path):
    from playwright.sync_api import sync_playwright

    app_id = setup_monitor(rum, name, domain="127.0.0.1")
    page_server = _PageServer(web_client, {"appId": app_id, "endpoint": server.url})
    wanted = {"com.amazon.rum.page_view_event", "com.amazon.rum.js_error_event", CUSTOM_EVENT,
              "com.amazon.rum.http_event", "com.amazon.rum.performance_navigation_event",
              "shop.note"}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch_persistent_context(
                str(tmp_path / "chromium-profile"), executable_path=webclient.CHROMIUM,
                headless=True, args=webclient.CHROMIUM_ARGS,
                viewport={"width": 1280, "height": 900})
            try:
                shop = browser.new_page()
                rejected, encodings = [], []
                shop.on("requestfailed", lambda r: rejected.append(r.url))
                shop.on("request", lambda r: encodings.append(
                    r.headers.get("content-encoding")) if r.url.startswith(
                    f"{server.url}/appmonitors/") and r.method == "POST" else None)
                shop.goto(page_server.url + "/")
                deadline = time.monotonic() + WAIT_SECONDS
                events = []
                while time.monotonic() < deadline:
                    events = _events(rum, name)
                    if wanted <= {e["event_type"] for e in events}:
                        break
                    shop.wait_for_timeout(500)  # (lets Playwright deliver the page's events)
                types = Counter(e["event_type"] for e in events)
                assert wanted <= set(types), (types, rejected)
                click = next(e for e in events if e["event_type"] == CUSTOM_EVENT)
                assert click["event_details"] == {"button": "buy"}
                error = next(e for e in events if e["event_type"].endswith("js_error_event"))
                assert "boom" in error["event_details"]["message"]
                assert all(e["metadata"]["domain"] == "127.0.0.1" for e in events)
                assert "gzip" in encodings, encodings  # the client compressed a batch
                http = next(e for e in events if e["event_type"].endswith("http_event"))
                assert http["event_details"]["request"]["url"].endswith("/api/cart")
                # the data points of the definitions: what the engine computes offline for
                # the very events stored, and at least one of each
                engine = rumrules.MetricEngine(DEFINITIONS, app_monitor_name=name)
                offline = Counter((d.name, tuple(sorted(d.dimensions.items())))
                                  for d in engine.process_documents(events).data)
                with server.app.state.service.store.read() as conn:
                    stored = Counter((n, tuple(sorted(json.loads(dims).items())))
                                     for n, dims in conn.execute(
                        "SELECT name, dimensions FROM data_points WHERE app_monitor_id = ?",
                        (app_id,)))
                assert stored == offline
                assert stored[("Clicks", (("Button", "buy"), ("application_name", name)))] == 1
                assert {n for n, _ in stored} == {"PageViewCount", "JsErrorCount", "Clicks"}
                # the server's page shows them
                view = browser.new_page()
                view.goto(server.url + "/")
                view.wait_for_selector(f"section[data-monitor='{name}'] svg.chart rect")
                section = view.locator(f"section[data-monitor='{name}']")
                section.scroll_into_view_if_needed()
                for definition in ("PageViewCount", "JsErrorCount", "Clicks"):
                    text = section.locator(f".definition[data-name='{definition}']").inner_text()
                    assert "fired" in text, text
                ARTIFACTS.mkdir(exist_ok=True)
                section.screenshot(path=str(ARTIFACTS / "server-page.png"))
                view.screenshot(path=str(ARTIFACTS / "server-page-full.png"), full_page=True)
            finally:
                browser.close()
    finally:
        page_server.stop()
    assert (ARTIFACTS / "server-page.png").stat().st_size > 1000
