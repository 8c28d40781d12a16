"""Crossref REST API works: ``/works/{doi}`` (``{"message-type": "work", "message": {...}}``), ``/works``
lists (``{"message-type": "work-list", "message": {"items": [...]}}``), the public data file's
``{"items": [...]}`` files, and JSON lines of work objects.

Per author: ``given`` / ``family`` (the source's split is kept), ``suffix``, organisation ``name``, ``ORCID``
and ``affiliation[].name``. Title and subtitle become "Title: Subtitle"; the JATS abstract loses its tags;
the year is the first of ``issued``, ``published``, ``published-print``, ``published-online``, ``created``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from byline._errors import InputError
from byline.ingest._common import (
    as_list,
    clean,
    given_surname,
    head_text,
    is_multiline_jsonl,
    iter_jsonl,
    load_json,
    make_author,
    make_record,
    read_nonempty_text,
)
from byline.ingest._problems import report
from byline.ingest.csl import csl_year
from byline.records import Author, Record

NAME = "crossref"

_MESSAGE = re.compile(r'"message-type"\s*:\s*"work(?:-list)?"')
_MARKERS = (
    '"is-referenced-by-count"',
    '"reference-count"',
    '"deposited"',
    '"member"',
    '"indexed"',
    '"prefix"',
)
_TAG = re.compile(r"<[^>]{1,300}>")
_DATE_KEYS = ("issued", "published", "published-print", "published-online", "created")


def sniff(head: str, path: Path) -> float:
    s = head.lstrip("\ufeff \t\r\n")
    if not s.startswith(("{", "[")):
        return 0.0
    if _MESSAGE.search(head[:2000]):
        return 0.97
    hits = sum(m in head for m in _MARKERS)
    if hits >= 3 and '"DOI"' in head:
        return 0.93
    return 0.0


def parse(path: Path) -> Iterator[Record]:
    """The works of a ``message``, a ``message.items`` list, an ``items`` file or JSON lines of works."""
    path = Path(path)
    works = 0
    if is_multiline_jsonl(head_text(path)):
        stream: Iterator[tuple[int | None, int | None, Any]] = (
            (n, i, w) for n, obj in iter_jsonl(path) for i, w in _items(obj)
        )
    else:
        data = load_json(path, read_nonempty_text(path))
        stream = ((None, i, w) for i, w in _items(data))
    for line, index, work in stream:
        if isinstance(work, dict) and ("DOI" in work or "title" in work):
            works += 1
            yield work_record(path, work, line=line, index=index)
        else:
            where = "the message" if index is None else f"item {index}"
            report(f"not a Crossref work ({where})", file=path, line=line, skipped=True)
    if not works:
        raise InputError("holds no Crossref work", file=path)


def _items(data: Any) -> Iterator[tuple[int | None, Any]]:
    body = data.get("message", data) if isinstance(data, dict) else data
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        yield from enumerate(body["items"])
    elif isinstance(body, list):
        yield from enumerate(body)
    elif isinstance(body, dict) and body:
        yield None, body


def _first(value: Any) -> Any:
    """Crossref prints most text fields as one-element lists (``"title": ["..."]``)."""
    if isinstance(value, list):
        return next((v for v in value if isinstance(v, str) and v.strip()), None)
    return value if isinstance(value, str) else None


def _strip_tags(value: Any) -> Any:
    return _TAG.sub(" ", value) if isinstance(value, str) else value


def _author(a: Any) -> Author | None:
    if not isinstance(a, dict):
        return None
    name = given_surname(a.get("given"), a.get("family"), suffix=a.get("suffix")) or clean(a.get("name"))
    affs = [x.get("name") for x in as_list(a.get("affiliation")) if isinstance(x, dict)]
    return make_author(name, [x for x in affs if isinstance(x, str)], orcid=a.get("ORCID"))


def title_of(work: dict[str, Any]) -> str | None:
    """``title``, with ``subtitle`` joined as "Title: Subtitle"."""
    title = clean(_strip_tags(_first(work.get("title"))))
    subtitle = clean(_strip_tags(_first(work.get("subtitle"))))
    if title and subtitle and subtitle.lower() not in title.lower():
        return f"{title}{' ' if title[-1] in '.:?!' else ': '}{subtitle}"
    return title or subtitle


def work_record(
    path: Path, work: dict[str, Any], *, line: int | None = None, index: int | None = None
) -> Record:
    """One Crossref work object as a :class:`Record`."""
    doi = work.get("DOI") if isinstance(work.get("DOI"), str) else None
    year = next((y for k in _DATE_KEYS if (y := csl_year(work.get(k))) is not None), None)
    keywords = [s for s in as_list(work.get("subject")) if isinstance(s, str)]
    extra: dict[str, Any] = {}
    for k in ("type", "volume", "publisher"):
        if isinstance(work.get(k), str) and work[k].strip():
            extra[k] = work[k].strip()
    if isinstance(work.get("is-referenced-by-count"), int):
        extra["cited_by_count"] = work["is-referenced-by-count"]
    key = doi or (f"[{index}]" if index is not None else None)
    return make_record(
        path,
        NAME,
        line=line,
        key=key,
        title=title_of(work),
        authors=[_author(a) for a in as_list(work.get("author"))],
        year=year,
        venue=_first(work.get("container-title")) or _first(work.get("short-container-title")),
        abstract=_strip_tags(work.get("abstract")),
        keywords=keywords,
        ids={"doi": doi},
        extra=extra,
    )
