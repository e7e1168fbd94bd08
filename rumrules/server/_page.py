"""The page ``GET /`` shows: app monitors, their latest events and, per metric definition,
its data points per minute as a chart (plain HTML and one script in ``static/``, no build
step), fed by ``GET /_rumrules/overview`` (JSON)."""

from __future__ import annotations

from importlib import resources

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..service import RumService, overview
from ._gate import PAGE_PREFIX

__all__ = ["page_routes", "STATIC_FILES"]

#: file name -> media type of what the page is made of
STATIC_FILES = {"index.html": "text/html; charset=utf-8",
                "page.js": "text/javascript; charset=utf-8",
                "page.css": "text/css; charset=utf-8"}


def _static(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", name).read_bytes()


def page_routes(service: RumService) -> list[Route]:
    """The routes of the page (to go before the API's catch-all route)."""
    files = {name: _static(name) for name in STATIC_FILES}

    async def index(request: Request) -> Response:
        return Response(files["index.html"], media_type=STATIC_FILES["index.html"])

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in files or name == "index.html":
            return Response(b"not found", status_code=404, media_type="text/plain")
        return Response(files[name], media_type=STATIC_FILES[name])

    async def data(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(overview, service.store),
                            headers={"Cache-Control": "no-store"})

    return [Route("/", index, methods=["GET"]),
            Route(PAGE_PREFIX + "overview", data, methods=["GET"]),
            Route(PAGE_PREFIX + "static/{name}", static, methods=["GET"])]
