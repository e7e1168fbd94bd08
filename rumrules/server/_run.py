"""``rumrules serve``: uvicorn over the app, one process or ``--workers N`` over the same
database."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import uvicorn

from ..errors import RumRulesError
from ..service import (DEFAULT_ACCOUNT_ID, DEFAULT_DATA, DEFAULT_HOST, DEFAULT_PORT,
                       DEFAULT_REGION, MEMORY, Store)
from ._app import ENVIRONMENT, create_app

__all__ = ["serve", "BackgroundServer"]


def _check_address(host: str, port: int) -> None:
    """Refuse an address nothing can listen on (in use, not local) with one line, before
    uvicorn would log a traceback-like error and exit 1."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as e:
        reason = os.strerror(e.errno) if e.errno else str(e)
        raise RumRulesError(f"cannot listen on {host}:{port}: {reason}") from None


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, data: str = DEFAULT_DATA, *,
          workers: int = 1, account_id: str = DEFAULT_ACCOUNT_ID, region: str = DEFAULT_REGION,
          log_level: str = "info") -> None:
    """Serve the RUM API on ``host:port`` until interrupted, storing in ``data`` (a folder,
    created when missing, or ``":memory:"``).  Raise :class:`~rumrules.RumRulesError` for
    settings that cannot work (several workers over ``:memory:``, an unusable folder)."""
    if workers < 1:
        raise RumRulesError(f"--workers must be at least 1, not {workers}")
    _check_address(host, port)
    if data != MEMORY:
        data = str(Path(data).resolve())
    where = "in memory (lost at exit)" if data == MEMORY else f"in {data}"
    print(f"rumrules serve: the RUM API on http://{host}:{port}, data {where}",
          file=sys.stderr, flush=True)
    if workers == 1:
        app = create_app(data, account_id=account_id, region=region)
        uvicorn.run(app, host=host, port=port, log_level=log_level)
        return
    if data == MEMORY:
        raise RumRulesError("--workers needs a --data folder: workers cannot share :memory:")
    Store(data).close()  # create the folder and schema once, before the workers race for it
    os.environ.update({ENVIRONMENT["data"]: data, ENVIRONMENT["account_id"]: account_id,
                       ENVIRONMENT["region"]: region})
    uvicorn.run("rumrules.server._app:app_from_environment", factory=True, host=host,
                port=port, workers=workers, log_level=log_level)


class BackgroundServer:
    """The server in a thread of this process, on ``host`` and a free port (``port=0``) or
    the one given; for test suites and notebooks.  ``url`` is its endpoint, ``app`` the ASGI
    app (``app.state.service`` the :class:`~rumrules.service.RumService`).  A context
    manager; :meth:`stop` stops it and closes the database.  Raise
    :class:`~rumrules.RumRulesError` when it does not start within ``timeout`` seconds."""

    def __init__(self, data: str = MEMORY, *, host: str = DEFAULT_HOST, port: int = 0,
                 timeout: float = 20.0, **settings: str) -> None:
        import threading
        import time

        self.app = create_app(str(data), **settings)
        self._server = uvicorn.Server(uvicorn.Config(self.app, host=host, port=port,
                                                     log_level="warning", lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, name="rumrules-serve",
                                        daemon=True)
        self._timeout = timeout
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RumRulesError(f"the server did not start on {host}:{port}")
            time.sleep(0.01)
        self.host = host
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://{host}:{self.port}"

    def stop(self) -> None:
        """Stop serving, wait for the thread, close the database."""
        self._server.should_exit = True
        self._thread.join(timeout=self._timeout)
        self.app.state.service.store.close()

    def __enter__(self) -> "BackgroundServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
