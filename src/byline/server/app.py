"""The FastAPI application: JSON API under ``/api``, server-rendered pages elsewhere.

:func:`create_app` builds an app over one store; nothing happens at import time. Everything a user
supplied (titles, names, abstracts) reaches the pages only through autoescaping Jinja2 templates,
and no SQL or file path is ever built from request text (uploads go to anonymous temp files).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Body, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from byline import __version__
from byline._errors import BylineError, ConstraintError, InputError, ModelError, StoreError
from byline.server.backend import MISS, Backend, Moved, NotFound
from byline.server.charts import timeline
from byline.server.security import (
    AuthGuard,
    BodySizeLimit,
    FailureLimiter,
    SecurityHeaders,
    TokenCheck,
    resolve_token,
)
from byline.server.uploads import MAX_CONCURRENT_AUDITS, UploadTooLarge

HERE = Path(__file__).resolve().parent
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:#@+-]{0,199}$"
NAME_MAX = 200
MAX_OFFSET = 1_000_000
PAGE_SIZE = 50  # people per page of search results
# File extensions an uploaded listing may keep (a hint for format detection, never a path).
SAFE_SUFFIXES = (
    ".txt", ".bib", ".bibtex", ".ris", ".json", ".jsonl", ".ndjson", ".csv", ".tsv", ".xml", ".atom", ".gz",
)  # fmt: skip

PersonId = Annotated[str, PathParam(pattern=ID_PATTERN, description="A person id")]
WorkId = Annotated[str, PathParam(pattern=ID_PATTERN, description="A work id")]


class CurationBody(BaseModel):
    """Body of a curator write. ``other`` is the second person of a merge; ``works`` the works of a
    split or a claim."""

    other: str | None = Field(default=None, pattern=ID_PATTERN)
    works: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(default_factory=list, max_length=1000)
    who: str = Field(default="web", min_length=1, max_length=100)
    why: str | None = Field(default=None, max_length=2000)


class MoveBody(BaseModel):
    """Body of a move: the work goes from person ``source`` to person ``target`` (a claim event for the
    target, which an undo reverts)."""

    source: str = Field(pattern=ID_PATTERN)
    target: str = Field(pattern=ID_PATTERN)
    who: str = Field(default="web", min_length=1, max_length=100)
    why: str | None = Field(default=None, max_length=2000)


class UndoBody(BaseModel):
    """Body of an undo: who asks and why (both kept in the history)."""

    who: str = Field(default="web", min_length=1, max_length=100)
    why: str | None = Field(default=None, max_length=2000)


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=True,  # every template, whatever its extension
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["q"] = lambda s: quote(str(s), safe="")
    env.filters["pct"] = lambda x: "" if x is None else f"{100 * float(x):.0f}%"
    env.filters["num"] = lambda x: "" if x is None else f"{float(x):.3f}"
    env.filters["id_url"] = lambda value, kind: id_url(kind, value)
    env.filters["plural"] = lambda n, noun, many=None: f"{n} {noun if n == 1 else (many or noun + 's')}"
    env.globals["version"] = __version__
    return env


def _safe_suffix(filename: str | None) -> str:
    """A file extension from an allow-list (the only part of a client's file name that is used)."""
    if not filename:
        return ".txt"
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    for suffix in sorted(SAFE_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            if suffix == ".gz":
                inner = name[: -len(".gz")]
                return next((s for s in SAFE_SUFFIXES if s != ".gz" and inner.endswith(s)), ".txt") + ".gz"
            return suffix
    return ".txt"


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InputError("give a name")
    return name


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", "")


async def _read_listing(
    request: Request, owner: str | None, filename: str | None
) -> tuple[bytes, str, str | None]:
    """The uploaded listing (multipart ``file`` part, or the raw body), a safe suffix, and the owner."""
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise StarletteHTTPException(422, "multipart upload needs a 'file' part")
        data = await upload.read()
        filename = filename or upload.filename
        form_owner = form.get("owner")
        if isinstance(form_owner, str) and form_owner.strip():
            owner = form_owner
    else:
        data = await request.body()
    if not data.strip():
        raise StarletteHTTPException(422, "the listing is empty")
    if owner is not None:
        owner = owner.strip()[:NAME_MAX] or None
    return data, _safe_suffix(filename), owner


@contextlib.asynccontextmanager
async def _audit_slot(app: FastAPI) -> AsyncIterator[None]:
    """One of the :data:`~byline.server.uploads.MAX_CONCURRENT_AUDITS` audit slots, or 503 at once when
    all are taken (the audit runs in a worker thread; the event loop stays free for other requests)."""
    slots: asyncio.Semaphore = app.state.audit_slots
    if slots.locked():
        raise StarletteHTTPException(
            503, "busy auditing other uploads: retry in a few seconds", headers={"Retry-After": "5"}
        )
    async with slots:
        yield


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


# ------------------------------------------------------------------------------------ what visitors are shown
ID_URLS = {
    "doi": "https://doi.org/",
    "arxiv": "https://arxiv.org/abs/",
    "orcid": "https://orcid.org/",
    "pmid": "https://pubmed.ncbi.nlm.nih.gov/",
}
MAX_LINKED_WORKS = 300  # a person page looks up the DOIs / arXiv ids of at most this many works


def id_url(kind: str, value: Any) -> str | None:
    """The public page of an identifier (DOI, arXiv, ORCID, PubMed), or None. The scheme and host are
    fixed here and the value is percent-encoded, so stored text can never become a script URL."""
    prefix = ID_URLS.get(str(kind).lower())
    text = str(value or "").strip()
    if not prefix or not text:
        return None
    for lead in (
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "doi:",
        "https://orcid.org/",
        "http://orcid.org/",
        "arxiv:",
        "arXiv:",
    ):
        if text.startswith(lead):
            text = text[len(lead) :]
    return prefix + quote(text, safe="/:.()-_;~")


def _two_signatures(a: str, b: str) -> bool:
    """Explain compares two signatures: one compared with itself is refused, saying so."""
    if a == b:
        raise InputError(f"{a} is compared with itself: give two different signatures")
    return True


def _source_base(store_path: str | Path | None, backend: Any) -> Path | None:
    where = store_path if store_path is not None else getattr(backend, "path", None)
    try:
        return Path(where).resolve().parent if where is not None else None
    except (OSError, TypeError):
        return None


def shown_path(file: Any, base: Path | None) -> str:
    """A stored source path as a visitor may see it: relative paths as the user gave them; absolute ones
    relative to the store's folder when inside it, else only the file name (never a server path)."""
    text = str(file or "")
    windows = len(text) > 2 and text[1] == ":" and text[2] in "\\/"
    if not text or not (text.startswith(("/", "\\")) or windows):
        return text
    if base is not None and not windows:
        try:
            return Path(text).relative_to(base).as_posix()
        except ValueError:
            pass
    return text.replace("\\", "/").rsplit("/", 1)[-1]


def _public_sources(work: dict[str, Any], base: Path | None) -> dict[str, Any]:
    """``work`` with its sources' paths as :func:`shown_path` gives them (a copy: cached answers stay intact)."""
    if not work.get("sources"):
        return work
    return {**work, "sources": [{**s, "file": shown_path(s.get("file"), base)} for s in work["sources"]]}


async def _with_work_ids(read: Callable[..., Awaitable[Any]], person: dict[str, Any]) -> dict[str, Any]:
    """``person`` with each work's identifiers (DOI, arXiv, ...) for links, when the profile lacks them."""
    works = person.get("works") or []
    if not works or all("ids" in w for w in works) or len(works) > MAX_LINKED_WORKS:
        return person
    rows = []
    for w in works:
        if "ids" not in w:
            try:
                w = {**w, "ids": (await read("work", w["id"])).get("ids") or {}}
            except (NotFound, BylineError, KeyError):
                w = {**w, "ids": {}}
        rows.append(w)
    return {**person, "works": rows}


# -------------------------------------------------------------------------------------------------- exports
MAX_EXPORT_WORKS = 5000


def _export_routes(app: FastAPI, backend: Backend) -> None:
    """``/people/{id}/export.bib|csv|json``: the person page's download buttons."""
    from byline.server import exports

    read = _reader(backend)

    @app.get(
        "/api/people/{person_id}/export.{fmt}",
        tags=["people"],
        summary="One person's works as BibTeX (bib), CSV or JSON, to download",
        responses={200: {"content": {t.split(";")[0]: {} for t in exports.EXPORT_TYPES.values()}}},
    )
    async def api_export(
        person_id: PersonId,
        fmt: Annotated[str, PathParam(pattern="^(bib|csv|json)$", description="bib, csv or json")],
    ) -> Response:
        try:
            person = await read("person", person_id)
        except Moved as moved:
            return RedirectResponse(
                f"/api/people/{quote(moved.new_id, safe='')}/export.{fmt}", status_code=308
            )
        works: dict[str, Any] = {}
        for wid in list(exports.work_ids(person))[:MAX_EXPORT_WORKS]:
            try:
                works[wid] = _public_sources(await read("work", wid), app.state.source_base)
            except NotFound:
                continue
        body = exports.render(fmt, person, works)
        name = re.sub(r"[^A-Za-z0-9._-]", "_", str(person.get("id") or person_id))
        return Response(
            body,
            media_type=exports.EXPORT_TYPES[fmt],
            headers={"content-disposition": f'attachment; filename="{name}.{fmt}"'},
        )


# ------------------------------------------------------------------------------------------------- API docs
def _docs_assets() -> Path | None:
    """Swagger UI as shipped by the ``fastapi-offline`` package (no CDN), or None when it is missing."""
    try:
        from importlib.resources import files

        folder = Path(str(files("fastapi_offline") / "static"))
    except (ImportError, TypeError):
        return None
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def _script_json(obj: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>``, no HTML entities)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _docs_routes(app: FastAPI, page: Any) -> None:
    """``/docs``: Swagger UI from assets served by this app (works offline), under the pages' CSP plus a
    sandbox (:mod:`byline.server.security`), so no script on it can reach the site's storage."""
    assets = _docs_assets()
    if assets is not None:
        app.mount("/docs/assets", StaticFiles(directory=str(assets)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        if assets is None:
            raise StarletteHTTPException(
                503, "the API docs need the fastapi-offline package (pip install it)"
            )
        return page("docs.html", spec_json=_script_json(app.openapi()), title="API")

    @app.get("/redoc", include_in_schema=False)
    def redoc_ui() -> RedirectResponse:
        # ReDoc injects inline styles, which the CSP refuses: one docs page, Swagger UI
        return RedirectResponse("/docs", status_code=308)


# ----------------------------------------------------------------------------------------------------- errors
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


# -------------------------------------------------------------------------------------------------------- API
def _reader(backend: Backend) -> Callable[..., Awaitable[Any]]:
    """``await read("person", pid)``: a cached answer straight away when the backend can ``peek``
    (no thread hop), else the backend call in the thread pool (it may read the store and score)."""
    peek = getattr(backend, "peek", None)

    async def read(method: str, *args: Any) -> Any:
        if peek is not None:
            hit = peek(method, *args)
            if hit is not MISS:
                return hit
        return await run_in_threadpool(getattr(backend, method), *args)

    return read


def _api_routes(app: FastAPI, backend: Backend, check: TokenCheck) -> None:
    read = _reader(backend)

    def require_token(request: Request) -> None:
        if not check(request.headers.get("authorization")):
            raise StarletteHTTPException(
                401, "a curator bearer token is required", headers={"WWW-Authenticate": "Bearer"}
            )

    @app.get(
        "/api/people",
        tags=["people"],
        summary="Search people by any printed form of a name (word order, initials, typos); paged",
    )
    async def api_people(
        name: Annotated[str | None, Query(max_length=NAME_MAX)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> JSONResponse:
        return JSONResponse(await read("search_page", name.strip() if name else None, offset, limit))

    @app.get(
        "/api/names",
        tags=["people"],
        summary="Everyone sharing a name, side by side: years, coauthors, affiliations, topics, works",
    )
    async def api_names(name: Annotated[str, Query(min_length=1, max_length=NAME_MAX)]) -> JSONResponse:
        return JSONResponse(await read("name_page", _clean_name(name)))

    @app.post(
        "/api/works/{work_id}/move",
        tags=["curation"],
        summary="Move a work from person `source` to person `target` (curator; undo with the event id)",
        responses={401: {"description": "missing or wrong bearer token"}},
    )
    def api_move(request: Request, work_id: WorkId, body: MoveBody) -> dict[str, Any]:
        require_token(request)
        return backend.move(work_id, body.source, body.target, who=body.who, why=body.why)

    @app.get("/api/people/{person_id}", tags=["people"], summary="One person's profile (308 for merged ids)")
    async def api_person(person_id: PersonId) -> JSONResponse:
        return JSONResponse(await read("person", person_id))

    @app.get("/api/works/{work_id}", tags=["works"], summary="One work with its authors and sources")
    async def api_work(work_id: WorkId) -> JSONResponse:
        return JSONResponse(_public_sources(await read("work", work_id), app.state.source_base))

    @app.get("/api/explain", tags=["explain"], summary="Why two signatures are (not) the same person")
    async def api_explain(
        a: Annotated[str, Query(pattern=ID_PATTERN)], b: Annotated[str, Query(pattern=ID_PATTERN)]
    ) -> JSONResponse:
        _two_signatures(a, b)
        return JSONResponse(await read("explain", a, b))

    @app.get("/api/review", tags=["people"], summary="Lowest-confidence assignments first")
    async def api_review(limit: Annotated[int, Query(ge=1, le=500)] = 50) -> JSONResponse:
        return JSONResponse({"items": await read("review_queue", limit)})

    @app.post(
        "/api/audit",
        tags=["audit"],
        summary="Audit a listing (any supported format): which works are probably not the owner's",
        openapi_extra={
            "requestBody": {
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "owner": {"type": "string"},
                            },
                            "required": ["file"],
                        }
                    },
                    "text/plain": {"schema": {"type": "string"}},
                }
            }
        },
    )
    async def api_audit(
        request: Request,
        owner: Annotated[str | None, Query(max_length=NAME_MAX)] = None,
        filename: Annotated[str | None, Query(max_length=255)] = None,
    ) -> Any:
        data, suffix, owner = await _read_listing(request, owner, filename)
        async with _audit_slot(app):
            return await run_in_threadpool(backend.audit, data, suffix, owner)

    def curation(action: str):  # noqa: ANN202 - a route factory
        def route(
            request: Request, person_id: PersonId, body: Annotated[CurationBody | None, Body()] = None
        ) -> dict[str, Any]:
            require_token(request)
            body = body or CurationBody()
            if action == "merge" and not body.other:
                raise StarletteHTTPException(422, "merge needs 'other': the person to merge into this one")
            if action in ("split", "claim") and not body.works:
                raise StarletteHTTPException(422, f"{action} needs 'works': a list of work ids")
            return backend.curate(
                action, person_id, other=body.other, works=list(body.works), who=body.who, why=body.why
            )

        route.__name__ = f"api_{action}"
        return route

    summaries = {
        "merge": "Merge person `other` into this person (curator)",
        "split": "Split `works` out of this person into a new one (curator)",
        "lock": "Lock this person: later runs keep it exactly as it is (curator)",
        "unlock": "Lift the locks on this person (curator)",
        "claim": "Claim `works` for this person (curator)",
    }

    @app.post(
        "/api/events/{event_id}/undo",
        tags=["curation"],
        summary="Undo one curation event: appends an undo event (curator)",
        responses={401: {"description": "missing or wrong bearer token"}},
    )
    def api_undo(
        request: Request,
        event_id: Annotated[int, PathParam(ge=1)],
        body: Annotated[UndoBody | None, Body()] = None,
    ) -> dict[str, Any]:
        require_token(request)
        body = body or UndoBody()
        return backend.undo(event_id, who=body.who, why=body.why)

    @app.get(
        "/api/people/{person_id}/history",
        tags=["curation"],
        summary="Curation events about a person, with their ids (as `byline history --json`)",
    )
    async def api_history(person_id: PersonId) -> JSONResponse:
        return JSONResponse({"events": await read("history", person_id)})

    for action, summary in summaries.items():
        app.post(
            f"/api/people/{{person_id}}/{action}",
            tags=["curation"],
            summary=summary,
            responses={401: {"description": "missing or wrong bearer token"}},
        )(curation(action))


# ------------------------------------------------------------------------------------------------------ pages
def _page_routes(app: FastAPI, backend: Backend, page: Any) -> None:
    read = _reader(backend)

    @app.get("/", include_in_schema=False)
    async def index(
        name: Annotated[str | None, Query(max_length=NAME_MAX)] = None,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> HTMLResponse:
        query = " ".join((name or "").split())
        found = await read("search_page", query or None, offset, PAGE_SIZE)
        return page(
            "index.html",
            query=query,
            found=found,
            people=found["people"],
            prev_offset=max(0, offset - PAGE_SIZE) if offset > 0 else None,
            title="Search",
        )

    @app.get("/names", include_in_schema=False)
    async def names_page(name: Annotated[str, Query(min_length=1, max_length=NAME_MAX)]) -> HTMLResponse:
        shared = await read("name_page", _clean_name(name))
        return page("names.html", shared=shared, title=shared["name"])

    @app.get("/people/{person_id}", include_in_schema=False)
    async def person_page(person_id: PersonId) -> HTMLResponse:
        person = await read("person", person_id)
        years: dict[int, int] = {}
        undated = 0
        for w in person.get("works", []):
            if w.get("year"):
                years[int(w["year"])] = years.get(int(w["year"]), 0) + 1
            else:
                undated += 1
        if not person.get("works") and person.get("years"):
            years = {int(k): int(v) for k, v in person["years"].items()}
        person = await _with_work_ids(read, person)
        return page(
            "person.html",
            person=person,
            chart=timeline(years, undated=undated),
            # phones get their own chart: fewer, larger labels that stay legible at 390 px
            chart_narrow=timeline(years, undated=undated, width=360, height=170, max_labels=6),
            title=person.get("name"),
        )

    @app.get("/works/{work_id}", include_in_schema=False)
    async def work_page(work_id: WorkId) -> HTMLResponse:
        work = _public_sources(await read("work", work_id), app.state.source_base)
        return page("work.html", work=work, title=work.get("title") or work_id)

    @app.get("/explain", include_in_schema=False)
    async def explain_page(
        a: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
        b: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    ) -> HTMLResponse:
        card = await read("explain", a, b) if a and b and _two_signatures(a, b) else None
        return page("explain.html", card=card, a=a or "", b=b or "", title="Explain")

    @app.get("/review", include_in_schema=False)
    async def review_page(limit: Annotated[int, Query(ge=1, le=500)] = 50) -> HTMLResponse:
        return page("review.html", items=await read("review_queue", limit), title="Review queue")

    @app.get("/audit", include_in_schema=False)
    def audit_page() -> HTMLResponse:
        return page("audit.html", title="Audit a listing", result=None, owner="")

    @app.post("/audit", include_in_schema=False)
    async def audit_submit(request: Request) -> HTMLResponse:
        data, suffix, owner = await _read_listing(request, None, None)
        async with _audit_slot(app):
            result = await run_in_threadpool(backend.audit, data, suffix, owner)
        return page("audit.html", title="Audit a listing", result=result, owner=owner or "")


__all__ = ["create_app"]
