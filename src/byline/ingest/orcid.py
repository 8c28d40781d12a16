"""ORCID public records: API v3.0 JSON (``/record``, ``/works``, ``/works/{put-codes}`` bulk, ``/work/{put-code}``)
and the XML of ORCID's public data file (a record summary ``<record:record>``, or an activity
``<work:work>`` / ``<work:work-summary>``).

An ORCID record is a claimed profile: every work on it is the owner's, so the file is read as a listing
(:func:`parse_listing`) whose owner is the record's name, and the record's iD is put on the owner's author
on every work. Work summaries list no contributors, so the owner is their one author; a full work's
contributors are kept, and the owner is the contributor with the owner's iD (else the one whose name can be
the owner's; else the owner is added). Names keep ORCID's given/family split. Identifiers: DOI, arXiv,
PubMed, Scopus EID (``eid``) from ``external-ids`` (``self`` relationship only); the put-code is the record key.

The XML is read with namespaces dropped, into the JSON's shape, so one reader serves both.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from byline._errors import InputError
from byline.ingest._common import (
    as_list,
    clean,
    given_surname,
    load_json,
    make_author,
    make_record,
    norm_orcid,
    read_nonempty_text,
)
from byline.ingest._problems import quote, report
from byline.records import Author, Listing, Record

NAME = "orcid"
# A record whose owner has no name (a bare /works file) is read as works, not as a profile of no one.
LISTING_NEEDS_OWNER = True

_JSON_MARKERS = (
    '"orcid-identifier"',
    '"work-summary"',
    '"put-code"',
    '"external-id-type"',
    '"activities-summary"',
)
_XML_MARKERS = ("http://www.orcid.org/ns/", "<record:record", "<work:work", "<activities:works")
_ID_KINDS = {"doi": "doi", "arxiv": "arxiv", "pmid": "pmid", "eid": "eid", "isbn": "isbn"}
_ORCID_PATH = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])")


def sniff(head: str, path: Path) -> float:
    s = head.lstrip("\ufeff \t\r\n")
    if s.startswith("<"):
        return 0.97 if any(m in head for m in _XML_MARKERS) else 0.0
    if not s.startswith(("{", "[")):
        return 0.0
    hits = sum(m in head for m in _JSON_MARKERS)
    return 0.97 if hits >= 2 else 0.0


# ------------------------------------------------------------------------------------------------
# reading: JSON as is, XML into the JSON's shape


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# Elements that may repeat (lists in the JSON); any other element becomes one value.
_REPEATED = frozenset({"group", "work-summary", "external-id", "contributor", "bulk", "affiliation-group"})


def _element(el: ET.Element) -> Any:
    """An XML element as the JSON the API prints: children by local name, attributes as keys, text leaves."""
    children = list(el)
    if not children:
        return (el.text or "").strip() or None
    out: dict[str, Any] = {k: v for k, v in el.attrib.items() if "}" not in k}
    for child in children:
        name = _local(child.tag)
        value = _element(child)
        if name in _REPEATED:
            out.setdefault(name, []).append(value)
        else:
            out.setdefault(name, value)
    return out


def _load(path: Path) -> tuple[str, Any]:
    """``(root kind, data)``: the JSON document, or the XML document converted."""
    text = read_nonempty_text(path)
    if text.lstrip("\ufeff \t\r\n").startswith("<"):
        try:
            root = ET.fromstring(text.lstrip("\ufeff"))
        except ET.ParseError as exc:
            line = exc.position[0] if exc.position else None
            raise InputError(f"invalid XML: {quote(exc)}", file=path, line=line) from None
        return _local(root.tag), _element(root)
    data = load_json(path, text)
    return "", data


def _text(value: Any) -> str | None:
    """An ORCID value: a plain string, or ``{"value": ...}`` (JSON), or an element's text (XML)."""
    if isinstance(value, dict):
        value = value.get("value", value.get("content"))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return value if isinstance(value, str) and value.strip() else None


def _orcid_of(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("path") or value.get("uri")
    return norm_orcid(value) if isinstance(value, str) else None


# ------------------------------------------------------------------------------------------------
# the record


class _Owner:
    """The record's owner: iD and printed name (``None`` when the file does not say)."""

    def __init__(self, orcid: str | None, name: str | None, other: tuple[str, ...] = ()) -> None:
        self.orcid = orcid
        self.name = name
        self.other = other  # the credit name and other names the record gives


def _other_names(person: Any) -> tuple[str, ...]:
    if not isinstance(person, dict):
        return ()
    name = person.get("name")
    out = [_text(name.get("credit-name"))] if isinstance(name, dict) else []
    others = person.get("other-names")
    for o in as_list(others.get("other-name") if isinstance(others, dict) else None):
        out.append(_text(o.get("content")) if isinstance(o, dict) else None)
    return tuple(n for n in (clean(x) for x in out) if n)


def _owner_name(person: Any) -> str | None:
    name = person.get("name") if isinstance(person, dict) else None
    if not isinstance(name, dict):
        return None
    split = given_surname(_text(name.get("given-names")), _text(name.get("family-name")))
    return split or clean(_text(name.get("credit-name")))


def _documents(kind: str, data: Any) -> tuple[_Owner, list[tuple[dict[str, Any], bool]]]:
    """The owner and the works (``(work, is_full_work)``) of one ORCID document."""
    if not isinstance(data, dict):
        return _Owner(None, None), []
    path_id = _orcid_of(data.get("path")) if isinstance(data.get("path"), str) else None
    orcid = _orcid_of(data.get("orcid-identifier")) or path_id
    person = data.get("person") if isinstance(data.get("person"), dict) else {"name": data.get("name")}
    owner = _Owner(orcid, _owner_name(person), _other_names(person))
    if kind == "work" or ("put-code" in data and "contributors" in data):
        return owner, [(data, True)]
    if kind == "work-summary" or ("put-code" in data and "title" in data):
        return owner, [(data, False)]
    works_of: Any = data
    summary = data.get("activities-summary")
    if isinstance(summary, dict):
        works_of = summary.get("works") or {}
    elif isinstance(data.get("works"), dict):
        works_of = data["works"]
    out: list[tuple[dict[str, Any], bool]] = []
    for b in as_list(works_of.get("bulk") if isinstance(works_of, dict) else None):
        w = b.get("work") if isinstance(b, dict) else None
        if isinstance(w, dict):
            out.append((w, True))
    for g in as_list(works_of.get("group") if isinstance(works_of, dict) else None):
        summaries = (
            [s for s in as_list(g.get("work-summary")) if isinstance(s, dict)] if isinstance(g, dict) else []
        )
        if summaries:  # one work, several sources: the first (ORCID's preferred) summary, ids of the group
            first = dict(summaries[0])
            if isinstance(g, dict) and g.get("external-ids"):
                first["external-ids"] = g["external-ids"]
            out.append((first, False))
    return owner, out


def _from_source(work: dict[str, Any], owner: _Owner) -> str | None:
    """The owner's name as the source of a self-asserted work prints it (``source-name`` of the owner's iD)."""
    src = work.get("source")
    if not isinstance(src, dict) or not owner.orcid:
        return None
    if _orcid_of(src.get("source-orcid")) == owner.orcid:
        return clean(_text(src.get("source-name")))
    return None


def _ids(work: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ext = work.get("external-ids")
    for e in as_list(ext.get("external-id") if isinstance(ext, dict) else None):
        if not isinstance(e, dict) or (e.get("external-id-relationship") or "self") != "self":
            continue
        kind = _ID_KINDS.get(str(_text(e.get("external-id-type")) or "").lower())
        value = _text(e.get("external-id-value"))
        if kind and value and kind not in out:
            out[kind] = value
    return out


def _contributors(work: dict[str, Any]) -> list[tuple[str, str | None]]:
    contribs = work.get("contributors")
    out = []
    for c in as_list(contribs.get("contributor") if isinstance(contribs, dict) else None):
        if not isinstance(c, dict):
            continue
        attrs = c.get("contributor-attributes")
        role = _text(attrs.get("contributor-role")) if isinstance(attrs, dict) else None
        if role and role.lower() not in (
            "author",
            "http://credit.niso.org/contributor-roles/writing-original-draft/",
        ):
            continue
        name = clean(_text(c.get("credit-name")))
        if name:
            out.append((name, _orcid_of(c.get("contributor-orcid"))))
    return out


def _authors(work: dict[str, Any], full: bool, owner: _Owner) -> list[Author | None]:
    owner_name = owner.name or _from_source(work, owner)
    contribs = _contributors(work) if full else []
    if not contribs:
        return [make_author(owner_name, orcid=owner.orcid)] if owner_name else []
    authors = [make_author(n, orcid=o) for n, o in contribs]
    if owner.orcid is None:
        return list(authors)
    at = next((i for i, (_, o) in enumerate(contribs) if o == owner.orcid), None)
    if at is None and owner_name:
        from byline.names import compatible

        names = (owner_name, *owner.other)
        at = next(
            (i for i, (n, o) in enumerate(contribs) if o is None and any(compatible(n, m) for m in names)),
            None,
        )
    if at is None:
        authors.append(make_author(owner_name, orcid=owner.orcid) if owner_name else None)
    elif authors[at] is not None:
        authors[at].orcid = owner.orcid  # type: ignore[union-attr]
    return list(authors)


def _record(path: Path, work: dict[str, Any], full: bool, owner: _Owner, index: int | None) -> Record:
    title_obj = work.get("title")
    title = _text(title_obj.get("title")) if isinstance(title_obj, dict) else _text(title_obj)
    subtitle = _text(title_obj.get("subtitle")) if isinstance(title_obj, dict) else None
    if title and subtitle:
        title = f"{title}{' ' if title.rstrip()[-1:] in '.:?!' else ': '}{subtitle}"
    date = work.get("publication-date")
    year = _text(date.get("year")) if isinstance(date, dict) else None
    put_code = work.get("put-code")
    key = str(put_code) if put_code not in (None, "") else (f"[{index}]" if index is not None else None)
    extra: dict[str, Any] = {}
    if _text(work.get("type")):
        extra["type"] = _text(work.get("type"))
    if owner.orcid:
        extra["orcid_owner"] = owner.orcid
    return make_record(
        path,
        NAME,
        key=key,
        title=title,
        authors=_authors(work, full, owner),
        year=year,
        venue=_text(work.get("journal-title")),
        abstract=_text(work.get("short-description")),
        ids=_ids(work),
        extra=extra,
    )


def _read(path: Path) -> tuple[_Owner, Iterator[Record]]:
    kind, data = _load(Path(path))
    owner, works = _documents(kind, data)
    if not works and owner.orcid is None:
        raise InputError("holds no ORCID record or work", file=path)

    def records() -> Iterator[Record]:
        for i, (work, full) in enumerate(works):
            rec = _record(Path(path), work, full, owner, i if len(works) > 1 else None)
            if not rec.title and not rec.ids:
                report(
                    f"ORCID work {rec.source.record or i} has no title and no identifier",
                    file=path,
                    line=None,
                    skipped=True,
                )
                continue
            yield rec

    return owner, records()


def parse(path: Path) -> Iterator[Record]:
    """The works of an ORCID record, works list or single work, the owner's iD on the owner's author."""
    _, records = _read(Path(path))
    yield from records


def parse_listing(path: Path, owner: str | None = None) -> Listing:
    """The record as a claimed profile: its owner (the record's name, or ``owner``) and its works."""
    path = Path(path)
    who, records = _read(path)
    recs = list(records)
    name = (
        owner
        or who.name
        or next((a.name for r in recs for a in r.authors if who.orcid and a.orcid == who.orcid), None)
    )
    return Listing(source=str(path), owner=str(name) if name else None, records=recs)
