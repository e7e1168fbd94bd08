"""The ASGI application: every RUM operation on one catch-all route (Starlette), the protocol
from botocore's model, the operations from :class:`rumrules.service.RumService`."""

from __future__ import annotations

import logging
import os
import uuid
from typing import Any
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import RequestError
from ..service import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, MEMORY, RumService, ServiceError, Store
from ._protocol import MAX_BODY_BYTES, Protocol, ProtocolError

__all__ = ["create_app", "app_from_environment", "ApiHandler", "ENVIRONMENT"]

_log = logging.getLogger("rumrules.server")
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# settings handed to worker processes (``--workers N``) through the environment
ENVIRONMENT = {"data": "RUMRULES_SERVE_DATA", "account_id": "RUMRULES_SERVE_ACCOUNT_ID",
               "region": "RUMRULES_SERVE_REGION"}


class ApiHandler:
    """One request in, one response out: route, parse and check against the model, run the
    operation in one transaction, shape the answer.  Blocking (SQLite); the app runs it in
    a worker thread."""

    def __init__(self, service: RumService, protocol: Protocol | None = None) -> None:
        self.service = service
        self.protocol = protocol or Protocol()

    def __call__(self, method: str, raw_path: str, query: str, headers: dict[str, str],
                 body: bytes) -> tuple[int, dict, bytes]:
        p = self.protocol
        try:
            if len(body) > MAX_BODY_BYTES:
                raise ProtocolError("ValidationException", f"The request body is "
                                    f"{len(body)} bytes; the limit is {MAX_BODY_BYTES}")
            op, labels = p.route(method, raw_path)
            params = p.parse(op, labels, query, headers, body)
            output = self.service.call(op.name, params)
            return p.response(op, output)
        except ProtocolError as e:
            return p.error(e.code, e.message)
        except ServiceError as e:
            return p.error(e.code, str(e), resourceName=e.resource_name,
                           resourceType=e.resource_type)
        except RequestError as e:  # the rule checker and ingestion
            return p.error(e.code, str(e), resourceName=e.field or "request")
        except Exception:  # noqa: BLE001 - answered as the service does, logged with its trace
            _log.exception("internal error in %s %s", method, raw_path)
            return p.error("InternalServerException", "Internal server error")


def _origin_form(raw_path: bytes) -> bytes:
    """``/path`` of an absolute-form request target (``http://host:port/path``, what a client
    sends to a proxy: ``Config(proxies=...)`` pointed at the server)."""
    if raw_path.startswith((b"http://", b"https://")):
        rest = raw_path.split(b"://", 1)[1]
        slash = rest.find(b"/")
        return rest[slash:] if slash >= 0 else b"/"
    return raw_path


class _AbsoluteForm:
    """ASGI middleware: requests sent through the server as a proxy are routed by their
    path (any host name works, ``dataplane.`` prefixed or not)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            raw = scope.get("raw_path") or scope["path"].encode()
            fixed = _origin_form(raw)
            if fixed is not raw:
                scope = dict(scope, raw_path=fixed, path=unquote(fixed.decode("latin-1")))
        await self.app(scope, receive, send)


def create_app(data: str = MEMORY, *, account_id: str = DEFAULT_ACCOUNT_ID,
               region: str = DEFAULT_REGION, service: RumService | None = None) -> Any:
    """The ASGI app of ``rumrules serve``: the RUM API over the SQLite store in ``data`` (a
    folder, or ``":memory:"``), or over ``service`` when given.  ``app.state.service`` is
    the :class:`~rumrules.service.RumService`, ``app.state.handler`` the blocking handler
    (for extensions: more routes can be added before the catch-all)."""
    service = service or RumService(Store(data), account_id=account_id, region=region)
    handler = ApiHandler(service)

    async def api(request: Request) -> Response:
        body = await request.body()
        raw = request.scope.get("raw_path") or request.url.path.encode()
        status, headers, content = await run_in_threadpool(
            handler, request.method, raw.decode("latin-1"),
            request.scope.get("query_string", b"").decode("latin-1"),
            dict(request.headers), body)
        headers["x-amzn-RequestId"] = str(uuid.uuid4())
        return Response(content, status_code=status, headers=headers,
                        media_type="application/json")

    app = Starlette(routes=[Route("/{path:path}", api, methods=_METHODS)],
                    middleware=[Middleware(_AbsoluteForm)])
    app.state.service = service
    app.state.handler = handler
    return app


def app_from_environment() -> Any:
    """:func:`create_app` with the settings in :data:`ENVIRONMENT` (each worker process of
    ``rumrules serve --workers N`` builds its app this way)."""
    settings = {k: os.environ[v] for k, v in ENVIRONMENT.items() if v in os.environ}
    return create_app(settings.pop("data", MEMORY), **settings)
