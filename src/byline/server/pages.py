"""The server-rendered pages (search, name page, person, work, explain, review, audit) and the API docs.

Everything a user supplied (titles, names, abstracts) reaches the pages only through autoescaping
Jinja2 templates.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from byline import __version__
from byline._errors import BylineError
from byline.explain_words import reasons
from byline.people.history_words import sentence
from byline.people.views import work_label
from byline.server.backend import Backend, NotFound
from byline.server.charts import timeline
from byline.server.contracts import ID_PATTERN
from byline.server.web import (
    HERE,
    MAX_OFFSET,
    NAME_MAX,
    PAGE_SIZE,
    PersonId,
    WorkId,
    _audit_slot,
    _clean_name,
    _public_sources,
    _read_listing,
    _reader,
    _two_signatures,
    id_url,
)

MAX_LINKED_WORKS = 300  # a person page looks up the DOIs / arXiv ids of at most this many works


def _utc_text(at: Any) -> str:
    """A stored UTC time as text for readers without scripts ("2026-12-06 21:08 UTC"); the page's script
    shows it in the reader's local time."""
    text = str(at or "")
    return text[:16].replace("T", " ") + " UTC" if len(text) >= 16 else text


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
    env.filters["first_words"] = lambda start: work_label(None, start)
    env.filters["utc_text"] = _utc_text
    env.globals["version"] = __version__
    return env


async def _with_work_ids(read: Callable[..., Awaitable[Any]], person: dict[str, Any]) -> dict[str, Any]:
    """``person`` with each work's identifiers (DOI, arXiv, ...) for links, when the profile lacks them."""
    works = person.get("works") or []
    if not works or all("ids" in w for w in works) or len(works) > MAX_LINKED_WORKS:
        return person
    rows = []
    for w in works:
        if "ids" not in w:
            try:
                w = {**w, "ids": (await read("work", w["work_id"])).get("ids") or {}}
            except (NotFound, BylineError, KeyError):
                w = {**w, "ids": {}}
        rows.append(w)
    return {**person, "works": rows}


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
            body_class="home",
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response((HERE / "static" / "favicon.svg").read_bytes(), media_type="image/svg+xml")

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
        names = person.get("names") or {}
        return page(
            "person.html",
            person=person,
            sentences={e["id"]: sentence(e, names) for e in person.get("history") or []},
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
        shown, weighed = reasons(card["features"], card["a"], card["b"]) if card else ([], [])
        return page(
            "explain.html", card=card, reasons=shown, weighed=weighed, a=a or "", b=b or "", title="Explain"
        )

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
