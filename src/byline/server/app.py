"""The FastAPI application: JSON API under ``/api`` (:mod:`byline.server.api`), server-rendered pages
elsewhere (:mod:`byline.server.pages`).

:func:`create_app` builds an app over one store; nothing happens at import time. Everything a user
supplied (titles, names, abstracts) reaches the pages only through autoescaping Jinja2 templates,
and no SQL or file path is ever built from request text (uploads go to anonymous temp files).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from byline import __version__
from byline._errors import BylineError, ConstraintError, InputError, ModelError, StoreError
from byline.server.api import _api_routes, _export_routes
from byline.server.backend import Backend, Moved, NotFound
from byline.server.pages import _docs_routes, _page_routes, _templates
from byline.server.security import (
    AuthGuard,
    BodySizeLimit,
    FailureLimiter,
    SecurityHeaders,
    resolve_token,
)
from byline.server.uploads import MAX_CONCURRENT_AUDITS, UploadTooLarge
from byline.server.web import HERE, _source_base, _wants_json, id_url, shown_path


def create_app(
    store_path: str | Path | None = None,
    token: str | None = None,
    *,
    backend: Backend | None = None,
    announce: bool = True,
) -> FastAPI:
    """The web app over the store at ``store_path`` (or over an injected ``backend``).

    ``token`` is the curator bearer token; without it ``BYLINE_TOKEN`` is used, else a token is
    generated once, printed on stderr (when ``announce``) and only its digest kept in the store.
    The generated token, if any, is also left in ``app.state.generated_token``; a short chosen token
    is accepted with a warning on stderr.
    """
    if backend is None:
        if store_path is None:
            raise InputError("create_app needs a store path or a backend")
        from byline.server.store_backend import StoreBackend

        backend = StoreBackend(store_path)
    check, generated, weak = resolve_token(token, backend.get_setting, backend.set_setting)
    if weak and announce:
        print(f"byline serve: warning: {weak}", file=sys.stderr, flush=True)
    if generated and announce:
        print(
            f"byline serve: curator token (shown once, keep it): {generated}\n"
            "  (set BYLINE_TOKEN to choose your own)",
            file=sys.stderr,
            flush=True,
        )

    app = FastAPI(
        title="byline",
        version=__version__,
        description="Author profiles from messy publication listings: search, inspect, audit, explain, curate.",
        docs_url=None,  # served by _docs_routes from assets installed with byline, not a CDN
        redoc_url=None,
    )
    app.state.backend = backend
    app.state.source_base = _source_base(store_path, backend)
    app.state.generated_token = generated
    app.state.auth_limiter = FailureLimiter()
    app.state.audit_slots = asyncio.Semaphore(MAX_CONCURRENT_AUDITS)
    # the last added runs first: security headers on every response (the others' errors included),
    # then the token check of curator writes (before any body is read), then the body size limit
    app.add_middleware(BodySizeLimit)
    app.add_middleware(AuthGuard, check=check, limiter=app.state.auth_limiter)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    env = _templates()

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status)

    _install_error_handlers(app, page)
    _api_routes(app, backend, check)
    _page_routes(app, backend, page)
    _docs_routes(app, page)
    _export_routes(app, backend)
    return app


def _in_words(loc: list[str], msg: str) -> str:
    """A validation message for a page: an id that fails its pattern is "not a valid id", not a regex."""
    what = loc[-1] if loc else "value"
    if msg.startswith("String should match pattern"):
        return f"{what}: not a valid id (letters, digits and . _ : # @ + - only)"
    return f"{what}: {msg}"


def _install_error_handlers(app: FastAPI, page: Any) -> None:
    def error_response(request: Request, status: int, message: str, **extra: Any) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": message, "status": status, **extra}, status_code=status)
        return page("error.html", status=status, status_code=status, message=message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        response = error_response(request, exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()
        ]
        text = "; ".join(f"{'.'.join(d['loc'])}: {d['msg']}" for d in details) or "invalid request"
        if not _wants_json(request):  # a page: in words, without the pattern a value must match
            said = "; ".join(_in_words(list(d["loc"]), str(d["msg"])) for d in details) or "invalid request"
            return page("error.html", status=422, status_code=422, message=f"invalid request: {said}")
        return error_response(request, 422, f"invalid request: {text}", detail=jsonable_encoder(details))

    @app.exception_handler(Moved)
    async def moved(request: Request, exc: Moved) -> Response:
        path = request.url.path
        prefix = "/api/people/" if path.startswith("/api/") else "/people/"
        target = prefix + quote(exc.new_id, safe="")
        if request.url.query:
            target += "?" + request.url.query
        return RedirectResponse(target, status_code=308)

    def error_handler(status: int, prefix: str = "") -> Callable[[Request, Exception], Awaitable[Response]]:
        async def handle(request: Request, exc: Exception) -> Response:
            return error_response(request, status, prefix + str(exc))

        return handle

    # the most specific class of an exception picks its status (Starlette walks the MRO)
    for exc_type, status, prefix in (
        (NotFound, 404, ""),
        (UploadTooLarge, 413, ""),
        (ConstraintError, 409, ""),
        (InputError, 400, ""),
        (StoreError, 409, ""),
        (ModelError, 503, "no usable model: "),
        (BylineError, 400, ""),
    ):
        app.add_exception_handler(exc_type, error_handler(status, prefix))


__all__ = ["create_app", "id_url", "shown_path"]
