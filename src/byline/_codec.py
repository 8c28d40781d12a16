"""The JSON forms in which the store keeps records, authors and provenance (the ``data``, ``authors`` and
``field_sources`` columns of :mod:`byline.store`). Pure: values in, text out, and back."""

from __future__ import annotations

import functools
import json
from typing import Any

from byline.records import Author, Provenance, Record

__all__ = ["dumps", "prov_json", "prov_from", "author_json", "author_from", "record_json", "record_from"]


def dumps(obj: Any) -> str:
    """Canonical JSON: keys sorted, non-ASCII kept as is, anything else (dates, paths) as its ``str``."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str)


def prov_json(p: Provenance) -> dict[str, Any]:
    """A provenance as a dict of its set fields (``file``, ``line``, ``record``)."""
    return {k: v for k, v in (("file", p.file), ("line", p.line), ("record", p.record)) if v is not None}


@functools.lru_cache(maxsize=65536)
def _prov(file: str, line: int | None, record: str | None) -> Provenance:
    return Provenance(file=file, line=line, record=record)


def prov_from(d: dict[str, Any]) -> Provenance:
    """The inverse of :func:`prov_json` (equal provenances are one shared object)."""
    return _prov(d.get("file", ""), d.get("line"), d.get("record"))


def author_json(a: Author) -> dict[str, Any]:
    """An author as a dict: ``name`` always, ``affiliations``, ``email``, ``orcid`` when present."""
    out: dict[str, Any] = {"name": a.name}
    if a.affiliations:
        out["affiliations"] = list(a.affiliations)
    if a.email:
        out["email"] = a.email
    if a.orcid:
        out["orcid"] = a.orcid
    if a.identity:
        out["identity"] = a.identity
    return out


def author_from(d: dict[str, Any]) -> Author:
    """The inverse of :func:`author_json`."""
    return Author(
        name=d["name"],
        affiliations=tuple(d.get("affiliations", ())),
        email=d.get("email"),
        orcid=d.get("orcid"),
        identity=d.get("identity"),
    )


def record_json(r: Record) -> str:
    """A record as the canonical JSON text the store keeps in its ``data`` column."""
    return dumps(
        {
            "source": prov_json(r.source),
            "format": r.format,
            "title": r.title,
            "authors": [author_json(a) for a in r.authors],
            "year": r.year,
            "venue": r.venue,
            "abstract": r.abstract,
            "keywords": list(r.keywords),
            "ids": dict(r.ids),
            "authors_truncated": r.authors_truncated,
            "field_sources": {k: prov_json(v) for k, v in r.field_sources.items()},
            "extra": r.extra,
        }
    )


def record_from(data: str, *, record_id: str | None = None, work_id: str | None = None) -> Record:
    """The inverse of :func:`record_json`; the store's ``record_id`` / ``work_id`` go into ``extra`` when
    given."""
    d = json.loads(data)
    extra = dict(d.get("extra") or {})
    if record_id is not None:
        extra["record_id"] = record_id
    if work_id is not None:
        extra["work_id"] = work_id
    return Record(
        source=prov_from(d["source"]),
        format=d["format"],
        title=d.get("title"),
        authors=[author_from(a) for a in d.get("authors", [])],
        year=d.get("year"),
        venue=d.get("venue"),
        abstract=d.get("abstract"),
        keywords=list(d.get("keywords", [])),
        ids=dict(d.get("ids", {})),
        authors_truncated=bool(d.get("authors_truncated")),
        field_sources={k: prov_from(v) for k, v in (d.get("field_sources") or {}).items()},
        extra=extra,
    )
