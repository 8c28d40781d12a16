"""What the API and the pages share: path and query types, limits, uploads, readers of the backend, and
how stored values are shown (identifier links, source paths)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi import Path as PathParam
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from byline._errors import InputError
from byline.server.backend import MISS, Backend
from byline.server.contracts import ID_PATTERN

HERE = Path(__file__).resolve().parent
NAME_MAX = 200
MAX_OFFSET = 1_000_000
PAGE_SIZE = 50  # people per page of search results
# File extensions an uploaded listing may keep (a hint for format detection, never a path).
SAFE_SUFFIXES = (
    ".txt", ".bib", ".bibtex", ".ris", ".json", ".jsonl", ".ndjson", ".csv", ".tsv", ".xml", ".atom", ".gz",
)  # fmt: skip

PersonId = Annotated[str, PathParam(pattern=ID_PATTERN, description="A person id")]
WorkId = Annotated[str, PathParam(pattern=ID_PATTERN, description="A work id")]


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
