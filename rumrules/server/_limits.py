"""The server's limits: request body size, the time to receive a request, events per
PutRumEvents request and events per second per app monitor.  Each refusal happens before
the request's transaction begins, so no limit loses an event the server acknowledged."""

from __future__ import annotations

import asyncio
import threading
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ..service import (DEFAULT_EVENTS_PER_SECOND, DEFAULT_MAX_BODY_BYTES,
                       DEFAULT_MAX_EVENTS_PER_REQUEST, DEFAULT_REQUEST_SECONDS)
from ._protocol import MAX_BODY_BYTES

__all__ = ["Limits", "LimitError", "RateLimiter", "read_body", "gunzip"]


@dataclass(frozen=True)
class Limits:
    """The limits ``rumrules serve`` enforces (the defaults are documented in
    ``docs/server.md``); ``0`` turns a limit off.

    ``max_body_bytes``: a request body as sent (compressed or not); ``max_decoded_bytes``:
    what a gzip body may decompress to; ``request_seconds``: the time to receive a request
    body; ``max_events_per_request``: ``RumEvents`` of one PutRumEvents request;
    ``events_per_second``: events accepted per app monitor and second (a token bucket that
    holds one second's worth, or one largest request)."""

    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_decoded_bytes: int = MAX_BODY_BYTES
    request_seconds: float = DEFAULT_REQUEST_SECONDS
    max_events_per_request: int = DEFAULT_MAX_EVENTS_PER_REQUEST
    events_per_second: float = DEFAULT_EVENTS_PER_SECOND


class LimitError(Exception):
    """A request over a limit: ``code``, ``status``, ``message`` and, for throttling,
    ``retry_after`` seconds."""

    def __init__(self, code: str, message: str, status: int,
                 retry_after: int | None = None) -> None:
        self.code, self.message, self.status, self.retry_after = code, message, status, \
            retry_after
        super().__init__(message)


Receive = Callable[[], Awaitable[dict]]


async def read_body(receive: Receive, content_length: str | None, limits: Limits) -> bytes:
    """The whole request body, refused (:class:`LimitError`) as soon as it is known to be
    over ``limits.max_body_bytes`` or takes longer than ``limits.request_seconds``."""
    cap = limits.max_body_bytes
    too_big = LimitError("RequestEntityTooLargeException",
                         f"The request body is over {cap} bytes, the limit of this server "
                         f"(--max-body-bytes)", 413)
    if cap and content_length is not None and content_length.isdigit() \
            and int(content_length) > cap:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    deadline = time.monotonic() + limits.request_seconds if limits.request_seconds else None
    while True:
        if deadline is None:
            message = await receive()
        else:
            try:
                message = await asyncio.wait_for(receive(), max(deadline - time.monotonic(),
                                                                 0.001))
            except asyncio.TimeoutError:
                raise LimitError("RequestTimeoutException",
                                 f"The request body did not arrive within "
                                 f"{limits.request_seconds:g} s (--request-seconds)",
                                 408) from None
        if message["type"] == "http.disconnect":
            raise ConnectionResetError("the client went away")
        chunk = message.get("body", b"")
        size += len(chunk)
        if cap and size > cap:
            raise too_big
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def gunzip(body: bytes, limit: int) -> bytes:
    """A ``Content-Encoding: gzip`` body decompressed to at most ``limit`` bytes (``0``: no
    limit); :class:`LimitError` for a broken stream or a larger result."""
    stream = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = stream.decompress(body, limit + 1 if limit else 0)
    except zlib.error as e:
        raise LimitError("SerializationException",
                         f"The request says Content-Encoding: gzip but is not gzip: {e}",
                         400) from None
    if limit and len(out) > limit:
        raise LimitError("RequestEntityTooLargeException",
                         f"The gzip request body decompresses to more than {limit} bytes",
                         413)
    if not stream.eof:
        raise LimitError("SerializationException",
                         "The request says Content-Encoding: gzip but the stream is cut short",
                         400)
    return out


class RateLimiter:
    """Events per second per key (an app monitor id): a token bucket holding ``burst``
    events, refilled at ``rate`` per second.  Thread-safe."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, n: int, now: float | None = None) -> float:
        """Take ``n`` tokens: ``0.0`` when they were there, else the seconds until they
        will be (nothing taken)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, then = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            if tokens >= n:
                self._buckets[key] = (tokens - n, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (n - tokens) / self.rate
