"""OpenAlex works: a single API work, a list or ``{"results": [...]}`` page, or snapshot JSON lines (.gz).

Both the current schema (``primary_location.source``) and the legacy one (``host_venue``) are read. The
abstract is rebuilt from ``abstract_inverted_index``. Snapshot files stream line by line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from byline._errors import InputError
from byline.ingest._common import (
    as_list,
    head_text,
    invert_name,
    is_multiline_jsonl,
    iter_jsonl,
    load_json,
    make_author,
    make_record,
    read_nonempty_text,
)
from byline.ingest._problems import report
from byline.records import Author, Record

NAME = "openalex"

_MARKERS = ("openalex.org/W", '"authorships"', '"abstract_inverted_index"', '"host_venue"')


# An API results page (empty or not) starts with its "meta" block: {"meta": {"count": 0,
# "db_response_time_ms": 12, "page": 1, "per_page": 25, ...}, "results": [...]}
_PAGE_META = re.compile(r'^\{\s*"meta"\s*:\s*\{[^{}]*"db_response_time_ms"')


def sniff(head: str, path: Path) -> float:
    s = head.lstrip("\ufeff \t\r\n")
    if not s.startswith(("{", "[")):
        return 0.0
    if _PAGE_META.match(s):
        return 0.96
    hits = sum(m in head for m in _MARKERS)
    if hits >= 2 or ("openalex.org/W" in head and '"paperId"' not in head and "<feed" not in head):
        return 0.96
    return 0.3 if hits else 0.0


def parse(path: Path) -> Iterator[Record]:
    """Works of a snapshot (JSON lines, streamed), or of one JSON document: a work, a list, a results page.

    What an object is decides how it is read, not how many lines the file has: a one-line results page
    is a page, and a JSON-lines file of results pages yields the works of every page.
    """
    path = Path(path)
    works, pages = 0, 0
    if is_multiline_jsonl(head_text(path)):  # snapshot lines
        for n, obj in iter_jsonl(path):
            pages += _is_page(obj)
            for rec in _works(path, obj, line=n):
                works += 1
                yield rec
    else:
        text = read_nonempty_text(path)
        one_line = "\n" not in text.strip()  # then every work is on line 1, and saying so helps
        data = load_json(path, text)
        pages += _is_page(data)
        for rec in _works(path, data, line=1 if one_line else None):
            works += 1
            yield rec
    if works:
        return
    if not pages:  # the wrong file, or the wrong --format: nothing is stored
        raise InputError("holds no OpenAlex work", file=path)
    report("holds no OpenAlex work (an empty results page)", file=path, line=None, skipped=False)
    # (a page of empty objects is reported entry by entry, as records with nothing, by drop_empty)


def _is_page(data: Any) -> bool:
    """An API results page: ``{"meta": {...}, "results": [...]}`` (a page with no work is still a page)."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("results"), list)
        and isinstance(data.get("meta"), dict)
    )


# Keys of an OpenAlex work: an object with none of them is not read as one.
_WORK_KEYS = frozenset(
    {
        "title",
        "display_name",
        "authorships",
        "doi",
        "ids",
        "publication_year",
        "publication_date",
        "abstract_inverted_index",
        "host_venue",
        "primary_location",
    }
)


def _is_work(obj: dict[str, Any]) -> bool:
    oid = obj.get("id")
    if not obj:  # an empty result: read, then reported as a record with nothing (drop_empty)
        return True
    return bool(_WORK_KEYS.intersection(obj)) or (isinstance(oid, str) and "openalex.org/W" in oid)


_ENTITIES = {
    "A": "author",
    "I": "institution",
    "S": "source",
    "P": "publisher",
    "F": "funder",
    "C": "concept",
    "T": "topic",
    "K": "keyword",
}


def _entity(obj: Any) -> str | None:
    """The kind of a non-work OpenAlex object (``https://openalex.org/A123`` → ``author``), else ``None``."""
    oid = obj.get("id") if isinstance(obj, dict) else None
    if not isinstance(oid, str) or "openalex.org/" not in oid:
        return None
    tail = oid.rstrip("/").rsplit("/", 1)[-1]
    return _ENTITIES.get(tail[:1].upper()) if tail[1:].isdigit() else None


def _works(path: Path, data: Any, line: int | None) -> Iterator[Record]:
    for i, work in _items(data):
        entity = _entity(work)
        if entity is not None:  # an author, institution, source... page: nothing here is a paper
            report(f"an OpenAlex {entity} record, not a work", file=path, line=line, skipped=True)
        elif isinstance(work, dict) and _is_work(work):
            yield work_record(path, work, line=line, index=i)
        elif isinstance(work, dict):
            where = "the document" if i is None else f"item {i}"
            keys = ", ".join(sorted(map(str, work))[:6]) or "none"
            report(
                f"not an OpenAlex work ({where}: an object with keys {keys})",
                file=path,
                line=line,
                skipped=True,
            )
        else:
            where = "the document" if i is None else f"item {i}"
            report(
                f"expected an OpenAlex work object, got {type(work).__name__} ({where})",
                file=path,
                line=line,
                skipped=True,
            )


def _items(data: Any) -> Iterator[tuple[int | None, Any]]:
    """The works in one JSON value: a ``{"results": [...]}`` page, a list, or a single work."""
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        items, indexed = data["results"], True
    elif isinstance(data, list):
        items, indexed = data, True
    else:
        items, indexed = [data], False
    for i, obj in enumerate(items):
        if obj is not None:
            yield (i if indexed else None), obj


def abstract_from_inverted_index(index: Any) -> str | None:
    """Rebuild the abstract text from OpenAlex's ``{word: [positions]}``.

    The older form ``{"IndexLength": n, "InvertedIndex": {word: [positions]}}`` is read too.
    """
    if not isinstance(index, dict) or not index:
        return None
    if isinstance(index.get("InvertedIndex"), dict) and set(index) <= {"IndexLength", "InvertedIndex"}:
        index = index["InvertedIndex"]
    slots: dict[int, str] = {}
    for word, positions in index.items():
        for p in as_list(positions):
            if isinstance(p, int) and 0 <= p < 1_000_000:
                slots[p] = str(word)
    if not slots:
        return None
    return " ".join(slots[k] for k in sorted(slots))


def _short_id(value: Any, prefix: str = "") -> str | None:
    if not isinstance(value, str) or not value:
        return None
    tail = value.rstrip("/").rsplit("/", 1)[-1]
    return tail if not prefix or tail.startswith(prefix) else None


def _author(authorship: Any) -> Author | None:
    if not isinstance(authorship, dict):
        return None
    author_obj = authorship.get("author")
    person: dict[str, Any] = author_obj if isinstance(author_obj, dict) else {}
    name = person.get("display_name")
    if not name:
        raw = authorship.get("raw_author_name")
        name = invert_name(raw) if isinstance(raw, str) else None
    insts = [i.get("display_name") for i in as_list(authorship.get("institutions")) if isinstance(i, dict)]
    if not any(insts):
        insts = as_list(authorship.get("raw_affiliation_strings")) or as_list(
            authorship.get("raw_affiliation_string")
        )
    return make_author(name, [x for x in insts if isinstance(x, str)], orcid=person.get("orcid"))


def _venue(work: dict[str, Any]) -> Any:
    for key in ("primary_location", "host_venue"):
        loc = work.get(key)
        if isinstance(loc, dict):
            src = loc.get("source") if key == "primary_location" else loc
            if isinstance(src, dict) and src.get("display_name"):
                return src["display_name"]
    return None


def work_record(path: Path, work: Any, *, line: int | None = None, index: int | None = None) -> Record:
    """One OpenAlex work object as a :class:`Record` (also used for works embedded elsewhere)."""
    if not isinstance(work, dict):
        where = f"item {index}" if index is not None else "document"
        raise InputError(
            f"expected an OpenAlex work object, got {type(work).__name__} ({where})", file=path, line=line
        )
    ids_value = work.get("ids")
    ids_obj: dict[str, Any] = ids_value if isinstance(ids_value, dict) else {}
    oa_id = _short_id(work.get("id") or ids_obj.get("openalex"), "W")
    ids: dict[str, Any] = {
        "doi": work.get("doi") or ids_obj.get("doi"),
        "openalex": oa_id,
        "pmid": _short_id(ids_obj.get("pmid")),
        "mag": ids_obj.get("mag"),
    }
    for loc in as_list(work.get("locations")) + [work.get("primary_location"), work.get("best_oa_location")]:
        if isinstance(loc, dict):
            url = str(loc.get("landing_page_url") or "")
            if "arxiv.org/abs/" in url:
                ids["arxiv"] = url
                break
    keywords = []
    for kw in as_list(work.get("keywords")):
        if isinstance(kw, dict):
            keywords.append(kw.get("display_name") or kw.get("keyword"))
        elif isinstance(kw, str):
            keywords.append(kw)
    key = oa_id if oa_id else (f"[{index}]" if index is not None else None)
    title = work.get("title") if work.get("title") is not None else work.get("display_name")
    return make_record(
        path,
        NAME,
        line=line,
        key=key,
        title=title if isinstance(title, str) else None,
        authors=[_author(a) for a in as_list(work.get("authorships"))],
        authors_truncated=bool(work.get("is_authors_truncated")),
        year=work.get("publication_year") or _year_of(work.get("publication_date")),
        venue=_venue(work),
        abstract=abstract_from_inverted_index(work.get("abstract_inverted_index")),
        keywords=keywords,
        ids=ids,
        extra={
            **({"type": work["type"]} if isinstance(work.get("type"), str) else {}),
            **_cited_by(work.get("cited_by_count")),
        },
    )


def _year_of(date: Any) -> Any:
    if isinstance(date, str) and re.match(r"^\d{4}", date):
        return date[:4]
    return None


def _cited_by(value: Any) -> dict[str, int]:
    """``{"cited_by_count": n}`` when the source gives a citation count (kept in ``Record.extra``)."""
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return {"cited_by_count": value} if ok else {}
