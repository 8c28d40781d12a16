"""dblp XML: a person page (``dblp.org/pid/….xml``, ``<dblpperson>``) and records of the ``dblp.xml`` dump
(``<dblp>`` with ``article``, ``inproceedings``, ``proceedings``, ``book``, ``incollection``, ``phdthesis``,
``mastersthesis``, ``data``; ``www`` person records are not papers).

The dump is several GB: it is read streaming with expat, 1 MiB at a time, and its DTD's character
entities (``&uuml;``, ``&eacute;``…) are resolved from the HTML entity table (the ``dblp.dtd`` file is not
needed). dblp's homonym numbers ("Jaeseong Lee 0002") are not part of a name: the printed name is
"Jaeseong Lee" and the whole dblp name is kept as the author's source identity (``Author.identity =
"dblp:Jaeseong Lee 0002"``), a hint that evidence can show. An ``orcid`` attribute is kept as the author's
iD. Identifiers: the dblp key (``ids["dblp"]``), a DOI and an arXiv id from ``ee`` links. dblp's final
period on titles is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.entities import name2codepoint
from pathlib import Path
from typing import Any
from xml.parsers import expat

from byline._errors import InputError
from byline.ingest._common import make_author, make_record, norm_orcid
from byline.ingest._problems import quote
from byline.records import Author, Listing, Record

NAME = "dblp"
# A person page is a claimed profile; a dump (no person) is not a listing of anyone.
LISTING_NEEDS_OWNER = True

RECORD_TAGS = frozenset(
    {"article", "inproceedings", "proceedings", "book", "incollection", "phdthesis", "mastersthesis", "data"}
)
_TEXT_FIELDS = frozenset({"title", "year", "journal", "booktitle", "volume", "publisher", "school", "series"})
_HOMONYM = re.compile(r"\s+(\d{4})$")
_DOI = re.compile(r"(?:doi\.org/|^doi:)(10\.\d{3,9}/\S+)", re.I)
_ARXIV = re.compile(r"arxiv\.org/abs/(\S+)", re.I)
_CHUNK = 1 << 20

# The entities dblp.dtd declares are the HTML/ISO Latin ones: declare them all for expat.
_DTD = "\n".join(
    f'<!ENTITY {name} "&#{cp};">'
    for name, cp in name2codepoint.items()
    if name not in ("amp", "lt", "gt", "quot", "apos")
).encode("ascii")


def sniff(head: str, path: Path) -> float:
    s = head.lstrip("\ufeff \t\r\n")
    if not s.startswith("<"):
        return 0.0
    if "<dblpperson" in head or re.search(r"<!DOCTYPE\s+dblp\b", head) or "<dblp>" in head:
        return 0.97
    return 0.0


def split_name(dblp_name: str) -> tuple[str, str | None]:
    """``"Jaeseong Lee 0002"`` → ``("Jaeseong Lee", "dblp:Jaeseong Lee 0002")``; names without a number keep
    their dblp name as the identity too (``"dblp:Ann Lee"``)."""
    full = " ".join(dblp_name.split())
    return _HOMONYM.sub("", full), (f"dblp:{full}" if full else None)


class _Reader:
    """expat callbacks collecting records; :attr:`done` fills as the parser is fed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: list[Record] = []
        self.owner: str | None = None  # the person page's dblp name
        self.owner_orcid: str | None = None
        self.tag: str | None = None  # the open record's element
        self.line = 0
        self.key: str | None = None
        self.fields: dict[str, str] = {}
        self.authors: list[tuple[str, dict[str, str]]] = []
        self.ees: list[str] = []
        self.text: list[str] | None = None  # text of the open field
        self.field: str | None = None
        self.field_attrs: dict[str, str] = {}
        self.depth = 0  # element depth inside the open field (markup in titles: <i>, <sub>)
        self.in_person = False
        self.parser: Any = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.field is not None:
            self.depth += 1
            return
        if self.tag is not None:
            self.field, self.field_attrs, self.text, self.depth = name, attrs, [], 0
            return
        if name in RECORD_TAGS:
            self.tag, self.line, self.key = name, self.parser.CurrentLineNumber, attrs.get("key")
            self.fields, self.authors, self.ees = {}, [], []
        elif name == "dblpperson":
            self.owner = attrs.get("name")
        elif name == "person" and self.owner is not None and self.owner_orcid is None:
            self.in_person = True
        elif name == "url" and self.in_person:
            self.field, self.field_attrs, self.text, self.depth = "person-url", attrs, [], 0

    def chars(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def end(self, name: str) -> None:
        if self.field is not None:
            if self.depth:
                self.depth -= 1
                return
            value = " ".join("".join(self.text or ()).split())
            field, attrs = self.field, self.field_attrs
            self.field, self.text = None, None
            if field == "person-url":
                if "orcid.org/" in value:
                    self.owner_orcid = value
            elif field in ("author", "editor") and value:
                if field == "author" or self.tag in ("proceedings", "book"):
                    self.authors.append((value, attrs))
            elif field == "ee":
                self.ees.append(value)
            elif field in _TEXT_FIELDS and field not in self.fields:
                self.fields[field] = value
            return
        if name == "person":
            self.in_person = False
        if name == self.tag:
            self.done.append(self._record())
            self.tag = None

    def _record(self) -> Record:
        authors: list[Author | None] = []
        for printed, attrs in self.authors:
            name, identity = split_name(printed)
            a = make_author(name, orcid=attrs.get("orcid"))
            if a is not None:
                a.identity = identity
            authors.append(a)
        ids: dict[str, Any] = {"dblp": self.key}
        for ee in self.ees:
            if "doi" not in ids and (m := _DOI.search(ee)):
                ids["doi"] = m.group(1)
            elif "arxiv" not in ids and (m := _ARXIV.search(ee)):
                ids["arxiv"] = m.group(1)
        f = self.fields
        title = f.get("title")
        if title and title.endswith(".") and not title.endswith(".."):
            title = title[:-1]
        return make_record(
            self.path,
            NAME,
            line=self.line,
            key=self.key,
            title=title,
            authors=authors,
            year=f.get("year"),
            venue=f.get("journal") or f.get("booktitle") or f.get("school") or f.get("series"),
            ids=ids,
            extra={"type": self.tag or "", **({"volume": f["volume"]} if f.get("volume") else {})},
        )


def _parser(reader: _Reader) -> Any:
    p = expat.ParserCreate()
    p.buffer_text = True
    p.buffer_size = 1 << 16
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_ALWAYS)
    p.UseForeignDTD(True)

    def external(context: str | None, base: str | None, system_id: str | None, public_id: str | None) -> int:
        sub = p.ExternalEntityParserCreate(context)
        sub.Parse(_DTD, True)
        return 1

    p.ExternalEntityRefHandler = external
    p.StartElementHandler = reader.start
    p.EndElementHandler = reader.end
    p.CharacterDataHandler = reader.chars
    reader.parser = p
    return p


def _stream(path: Path, reader: _Reader) -> Iterator[Record]:
    from byline.ingest import _open_binary

    p = _parser(reader)
    seen = False
    with _open_binary(path) as fh:
        try:
            while True:
                try:
                    chunk = fh.read(_CHUNK)
                except (OSError, EOFError) as exc:
                    raise InputError(f"cannot read: {exc}", file=path) from None
                p.Parse(chunk, not chunk)
                if reader.done:
                    seen = True
                    yield from reader.done
                    reader.done = []
                if not chunk:
                    break
        except expat.ExpatError as exc:
            raise InputError(
                f"invalid XML: {quote(expat.ErrorString(exc.code))} (column {exc.offset})",
                file=path,
                line=exc.lineno,
            ) from None
    if not seen and reader.owner is None:
        raise InputError("holds no dblp record", file=path)


def parse(path: Path) -> Iterator[Record]:
    """Every paper record of a dblp person page or dump (streamed)."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise InputError("file is empty", file=path)
    yield from _stream(path, _Reader(path))


def iter_listing(path: Path, owner: str | None = None) -> tuple[Iterator[Record], Any]:
    """A person page as a claimed profile, streamed: ``(records, owner())``; a dump is a listing of no one.

    The owner is the page's person; the owner's author on each work carries the page's ORCID iD when the
    page gives one and the author has none.
    """
    path = Path(path)
    reader = _Reader(path)

    def records() -> Iterator[Record]:
        for rec in _stream(path, reader):
            if reader.owner_orcid and reader.owner:
                ident = split_name(reader.owner)[1]
                for a in rec.authors:
                    if a.identity == ident and a.orcid is None:
                        a.orcid = norm_orcid(reader.owner_orcid)
            yield rec

    def get_owner() -> str | None:
        return owner or (split_name(reader.owner)[0] if reader.owner else None)

    return records(), get_owner


def parse_listing(path: Path, owner: str | None = None) -> Listing:
    records, get_owner = iter_listing(path, owner)
    recs = list(records)
    return Listing(source=str(path), owner=get_owner(), records=recs)
