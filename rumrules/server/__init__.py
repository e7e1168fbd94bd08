"""``rumrules serve``: the CloudWatch RUM API on localhost for boto3 (the ``server`` extra:
Starlette and uvicorn; botocore's ``rum`` model is the wire protocol's truth).

::

    app = rumrules.server.create_app("rumrules-data")   # an ASGI app
    rumrules.server.serve(port=9094)                      # uvicorn, until interrupted
    with rumrules.server.BackgroundServer() as s: s.url   # in a thread, a free port

Importing :mod:`rumrules` does not import this package.
"""

from ._app import ApiHandler, app_from_environment, create_app
from ._protocol import Protocol, ProtocolError, load_model
from ._run import BackgroundServer, serve

__all__ = ["create_app", "app_from_environment", "serve", "BackgroundServer", "ApiHandler",
           "Protocol", "ProtocolError", "load_model"]
