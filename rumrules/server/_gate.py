"""The door every request comes through before the API handler (an ASGI middleware): CORS
preflight and headers for the web client, the request body read within the limits, the
SigV4 signature checked (``--credentials``), a gzip body decoded, and PutRumEvents held to
events per request and events per second per app monitor.  Every refusal is answered in the
service's error shape before any transaction begins."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool

from ..service import RumService, app_monitor_by_id, resource_policy
from ._auth import AuthError, Verifier, policy_allows
from ._cors import monitor_domains, origin_allowed, preflight_headers, response_headers
from ._limits import LimitError, Limits, RateLimiter, gunzip, read_body
from ._protocol import Protocol, ProtocolError

__all__ = ["TrafficOptions", "TrafficGate", "PAGE_PREFIX", "is_page", "members_beyond_model"]

PUT_RUM_EVENTS = "PutRumEvents"
#: Request members the web client sends that botocore's model does not have yet
#: (aws-rum-web 3 sends the session's metadata once per batch), per operation.
BEYOND_MODEL = {PUT_RUM_EVENTS: ("SessionMetadata",)}
#: The server's own page and its data live at ``/`` and under this prefix (no RUM
#: operation uses either).
PAGE_PREFIX = "/_rumrules/"


def members_beyond_model(operation: str, body: bytes) -> dict[str, Any]:
    """The members of :data:`BEYOND_MODEL` in a request body (ingestion checks them)."""
    names = BEYOND_MODEL.get(operation)
    if not names or not body:
        return {}
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}
    if not isinstance(document, dict):
        return {}
    return {n: document[n] for n in names if n in document}


def is_page(method: str, path: str) -> bool:
    """Whether ``method path`` is the server's page or its data, not a RUM operation."""
    return method in ("GET", "HEAD") and (path == "/" or path.startswith(PAGE_PREFIX))


@dataclass(frozen=True)
class TrafficOptions:
    """How ``rumrules serve`` takes traffic: ``credentials`` (access key id -> secret; when
    given every request must be signed, but for public PutRumEvents), ``limits``,
    ``open_page`` (serve the page to unsigned callers even with credentials),
    ``cloudwatch_endpoint`` (forward data points there with PutMetricData) and ``emf_dir``
    (write EMF lines for app monitors with ``CwLogEnabled``)."""

    credentials: dict[str, str] | None = None
    limits: Limits = field(default_factory=Limits)
    open_page: bool = False
    cloudwatch_endpoint: str | None = None
    emf_dir: str | None = None

    def to_json(self) -> str:
        """These options as JSON (handed to ``--workers`` processes)."""
        return json.dumps({**asdict(self), "limits": asdict(self.limits)})

    @classmethod
    def from_json(cls, text: str) -> TrafficOptions:
        """Options from :meth:`to_json`'s text."""
        values = json.loads(text)
        return cls(**{**values, "limits": Limits(**values["limits"])})


class _Refused(Exception):
    def __init__(self, code: str, message: str, status: int, **members: Any) -> None:
        self.code, self.message, self.status, self.members = code, message, status, members


class TrafficGate:
    """ASGI middleware: see the module's text."""

    def __init__(self, app: Any, *, service: RumService, protocol: Protocol,
                 options: TrafficOptions) -> None:
        self.app, self.service, self.protocol, self.options = app, service, protocol, options
        self.verifier = (Verifier(options.credentials, service.region)
                         if options.credentials else None)
        limits = options.limits
        self.limiter = None
        if limits.events_per_second:
            self.limiter = RateLimiter(limits.events_per_second,
                                       max(limits.events_per_second,
                                           limits.max_events_per_request or 0))

    def _arn(self, name: str) -> str:
        return f"arn:aws:rum:{self.service.region}:{self.service.account_id}:appmonitor/{name}"

    def _route(self, method: str, path: str) -> tuple[Any, dict, str]:
        """The operation, its labels and the path it matched (``/appmonitors/ID`` without
        the model's trailing slash, as the web client sends it, is PutRumEvents too)."""
        for candidate in (path, path + "/"):
            try:
                op, labels = self.protocol.route(method, candidate)
                return op, labels, candidate
            except ProtocolError:
                continue
        return None, {}, path

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        raw = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope["headers"]}
        cors: dict[str, str] = {}
        try:
            if is_page(method, raw):
                if self.verifier is not None and not self.options.open_page:
                    raise _Refused("AccessDeniedException", "The page is off on a server with "
                                   "--credentials; start it with --open-page to show it", 403)
                await self.app(scope, receive, send)
                return
            origin = headers.get("origin")
            # a CORS preflight (other OPTIONS requests are the API's to answer)
            preflight = method == "OPTIONS" and origin is not None \
                and "access-control-request-method" in headers
            wanted = headers["access-control-request-method"].upper() if preflight else method
            op, labels, path = self._route(wanted, raw)
            monitor = None
            if op is not None and op.name == PUT_RUM_EVENTS:
                monitor = await run_in_threadpool(app_monitor_by_id, self.service.store,
                                                  labels.get("Id", ""))
            if origin and monitor and origin_allowed(origin, monitor_domains(monitor)):
                cors = response_headers(origin)
            if preflight:
                await self._preflight(send, origin, cors, headers)
                return
            body = await read_body(receive, headers.get("content-length"),
                                   self.options.limits)
            if self.verifier is not None:
                await self._authenticate(method, raw, scope, headers, body, op, monitor)
            if headers.get("content-encoding", "").lower() == "gzip":
                body = gunzip(body, self.options.limits.max_decoded_bytes)
            if op is not None and op.name == PUT_RUM_EVENTS:
                self._hold(body, monitor)
        except (AuthError, LimitError) as e:
            await self._refuse(send, e.code, e.message, e.status, cors,
                               retryAfterSeconds=getattr(e, "retry_after", None))
            return
        except _Refused as e:
            await self._refuse(send, e.code, e.message, e.status, cors, **e.members)
            return
        except ConnectionResetError:
            return
        inner = dict(scope)
        if path != raw:
            inner["raw_path"], inner["path"] = path.encode("latin-1"), scope["path"] + "/"
        inner["headers"] = [(k, v) for k, v in scope["headers"]
                            if k.lower() not in (b"content-encoding", b"content-length")]
        inner["headers"].append((b"content-length", str(len(body)).encode()))
        await self.app(inner, _replay(body, receive), _with_headers(send, cors))

    async def _preflight(self, send: Any, origin: str | None, cors: dict,
                         headers: dict[str, str]) -> None:
        if not cors or origin is None:
            await self._refuse(send, "AccessDeniedException",
                               "CORS: this origin is not a domain of the app monitor (its "
                               "Domain or DomainList)", 403, {})
            return
        await _respond(send, 204, preflight_headers(
            origin, headers.get("access-control-request-headers")), b"")

    async def _authenticate(self, method: str, raw: str, scope: dict, headers: dict,
                            body: bytes, op: Any, monitor: dict | None) -> None:
        assert self.verifier is not None
        if self.verifier.signed(headers) or op is None or op.name != PUT_RUM_EVENTS \
                or monitor is None:
            query = scope.get("query_string", b"").decode("latin-1")
            self.verifier.verify(method, raw, query, headers, body)
            return
        policy = await run_in_threadpool(resource_policy, self.service.store, monitor["Name"])
        if not policy_allows(policy, "rum:PutRumEvents", self._arn(monitor["Name"])):
            raise AuthError("MissingAuthenticationTokenException",
                            "Missing Authentication Token")

    def _hold(self, body: bytes, monitor: dict | None) -> None:
        """PutRumEvents within events per request and per second (a body that is not a
        request, or an app monitor that does not exist, is left to the handler to refuse;
        so buckets exist for real app monitors only)."""
        limits = self.options.limits
        try:
            events = json.loads(body).get("RumEvents")
        except (ValueError, UnicodeDecodeError, AttributeError):
            return
        if not isinstance(events, list):
            return
        n = len(events)
        cap = limits.max_events_per_request
        if cap and n > cap:
            raise _Refused("ValidationException",
                           f"1 validation error detected: Value with {n} elements at "
                           f"'RumEvents' failed to satisfy constraint: Member must have "
                           f"length less than or equal to {cap} (--max-events-per-request)",
                           400)
        if self.limiter is not None and n and monitor is not None:
            app_monitor_id = monitor["Id"]
            wait = self.limiter.take(app_monitor_id, n)
            if wait:
                raise _Refused("ThrottlingException",
                               f"Rate exceeded: app monitor {app_monitor_id} takes "
                               f"{limits.events_per_second:g} events per second "
                               f"(--events-per-second)", 429,
                               retryAfterSeconds=max(1, math.ceil(wait)))

    async def _refuse(self, send: Any, code: str, message: str, status: int,
                      cors: dict[str, str], **members: Any) -> None:
        _, headers, body = self.protocol.error(
            code, message, **{k: v for k, v in members.items() if v is not None})
        headers.update(cors)
        await _respond(send, status, headers, body)


async def _respond(send: Any, status: int, headers: dict[str, str], body: bytes) -> None:
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    raw.append((b"content-length", str(len(body)).encode()))
    if body:
        raw.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _replay(body: bytes, receive: Any) -> Any:
    done = False

    async def replay() -> dict:
        nonlocal done
        if not done:
            done = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _with_headers(send: Any, extra: dict[str, str]) -> Any:
    if not extra:
        return send
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()]

    async def wrapped(message: dict) -> None:
        if message["type"] == "http.response.start":
            message = dict(message, headers=list(message.get("headers", [])) + raw)
        await send(message)

    return wrapped
