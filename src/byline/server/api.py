"""The JSON API under ``/api``: typed answers (:mod:`byline.server.contracts`, declared as each route's
``response_model`` so that ``/docs`` documents them), curator writes behind the bearer token, and the
person export downloads (:mod:`byline.server.exports`)."""

from __future__ import annotations

import re
from typing import Annotated, Any, cast
from urllib.parse import quote

from fastapi import Body, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from byline.server import contracts as C
from byline.server.backend import Backend, Moved, NotFound
from byline.server.contracts import ID_PATTERN, CurationBody, MoveBody, UndoBody
from byline.server.security import TokenCheck
from byline.server.web import (
    MAX_OFFSET,
    NAME_MAX,
    PersonId,
    WorkId,
    _audit_slot,
    _clean_name,
    _public_sources,
    _read_listing,
    _reader,
    _two_signatures,
)

# Paging: every listing answers items, total, limit, offset, next_offset (contracts.page_of).
Limit = Annotated[int, Query(ge=1, le=500, description="how many items per page")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="the first item's index")]
MAX_REVIEW = 100_000  # the review queue the API pages through (the backend caches it whole)

# -------------------------------------------------------------------------------------------------- exports
MAX_EXPORT_WORKS = 5000
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "missing or wrong bearer token"},
    429: {"description": "too many failed authentications from this client: retry after Retry-After"},
}


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
        fmt: Annotated[C.ExportFormat, PathParam(description="bib, csv or json")],
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
        response_model=C.SearchResults,
    )
    async def api_people(
        name: Annotated[str | None, Query(max_length=NAME_MAX)] = None, limit: Limit = 50, offset: Offset = 0
    ) -> Any:
        found = await read("search_page", " ".join((name or "").split()) or None, offset, limit)
        return {
            "items": found["people"],
            "total": found["total"],
            "limit": limit,
            "offset": offset,
            "next_offset": found["next_offset"],
            "query": found["query"],
            "n_exact": found["n_exact"],
        }

    @app.get(
        "/api/names",
        tags=["people"],
        summary="Everyone sharing a name, side by side: years, coauthors, affiliations, topics, works",
        response_model=C.NamesResults,
    )
    async def api_names(
        name: Annotated[str, Query(max_length=NAME_MAX)] = "", limit: Limit = 50, offset: Offset = 0
    ) -> Any:
        shared = await read("name_page", _clean_name(name))  # "", " " and no name: one error
        return {**C.page_of(shared["people"], offset, limit), "name": shared["name"]}

    @app.post(
        "/api/works/{work_id}/move",
        tags=["curation"],
        summary="Move a work from person `source` to person `target` (curator; undo with the event id)",
        responses=WRITE_ERRORS,
        response_model=C.CurationResult,
    )
    def api_move(request: Request, work_id: WorkId, body: MoveBody) -> Any:
        require_token(request)
        return backend.move(work_id, body.source, body.target, who=body.who, why=body.why)

    @app.get(
        "/api/people/{person_id}",
        tags=["people"],
        summary="One person's profile (308 for merged ids); each work's `fit` to the person",
        response_model=C.PersonView,
    )
    async def api_person(person_id: PersonId) -> Any:
        return await read("person", person_id)

    @app.get(
        "/api/works/{work_id}",
        tags=["works"],
        summary="One work with its authors and sources",
        response_model=C.WorkView,
    )
    async def api_work(work_id: WorkId) -> Any:
        return _public_sources(await read("work", work_id), app.state.source_base)

    @app.get(
        "/api/explain",
        tags=["explain"],
        summary="Why two signatures are (not) the same person: the pair `probability`, feature by feature",
        response_model=C.ExplainCard,
    )
    async def api_explain(
        a: Annotated[str, Query(pattern=ID_PATTERN)], b: Annotated[str, Query(pattern=ID_PATTERN)]
    ) -> Any:
        _two_signatures(a, b)
        return await read("explain", a, b)

    @app.get(
        "/api/review",
        tags=["people"],
        summary="The review queue: assignments whose pair `probability` is lowest first (each with its `fit`)",
        response_model=C.ReviewPage,
    )
    async def api_review(limit: Limit = 50, offset: Offset = 0) -> Any:
        return C.page_of(await read("review_queue", MAX_REVIEW), offset, limit)

    @app.post(
        "/api/audit",
        tags=["audit"],
        summary="Audit a listing (any supported format): which works are probably not the owner's",
        response_model=C.AuditResult,
        responses={
            413: {"description": "the upload (or what it unpacks to) is too large, or has too many lines"},
            503: {"description": "busy auditing other uploads: retry after the Retry-After seconds"},
        },
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
        ) -> Any:
            require_token(request)
            body = body or CurationBody()
            if action == "merge" and not body.other:
                raise StarletteHTTPException(422, "merge needs 'other': the person to merge into this one")
            if action in ("split", "claim") and not body.works:
                raise StarletteHTTPException(422, f"{action} needs 'works': a list of work ids")
            return backend.curate(
                cast(C.CurationAction, action),
                person_id,
                other=body.other,
                works=list(body.works),
                who=body.who,
                why=body.why,
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
        responses=WRITE_ERRORS,
        response_model=C.CurationResult,
    )
    def api_undo(
        request: Request,
        event_id: Annotated[int, PathParam(ge=1)],
        body: Annotated[UndoBody | None, Body()] = None,
    ) -> Any:
        require_token(request)
        body = body or UndoBody()
        return backend.undo(event_id, who=body.who, why=body.why)

    @app.get(
        "/api/people/{person_id}/history",
        tags=["curation"],
        summary="Curation events about a person, with their ids (as `byline history --json`)",
        response_model=C.HistoryPage,
    )
    async def api_history(person_id: PersonId, limit: Limit = 50, offset: Offset = 0) -> Any:
        return C.page_of(await read("history", person_id), offset, limit)

    for action, summary in summaries.items():
        app.post(
            f"/api/people/{{person_id}}/{action}",
            tags=["curation"],
            summary=summary,
            responses=WRITE_ERRORS,
            response_model=C.CurationResult,
        )(curation(action))
