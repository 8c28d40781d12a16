"""dblp XML: a person page (``dblp.org/pid/….xml``, ``<dblpperson>``) and records of the ``dblp.xml`` dump
(``<dblp>`` with ``article``, ``inproceedings``, ``proceedings``, ``book``, ``incollection``, ``phdthesis``,
``mastersthesis``, ``data``; ``www`` person records are not papers).

The dump is several GB: it is read streaming with ElementTree's pull parser (C), 1 MiB at a time, each
record freed once read, and its DTD's character entities (``&uuml;``, ``&eacute;``…) are resolved from the
HTML entity table (the ``dblp.dtd`` file is not needed). dblp's homonym numbers ("Jaeseong Lee 0002") are not part of a name: the printed name is
"Jaeseong Lee" and the whole dblp name is kept as the author's source identity (``Author.identity =
"dblp:Jaeseong Lee 0002"``), a hint that evidence can show. An ``orcid`` attribute is kept as the author's
iD. Identifiers: the dblp key (``ids["dblp"]``), a DOI and an arXiv id from ``ee`` links. dblp's final
period on titles is dropped.
"""

from __future__ import annotations

import functools
import gc
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.entities import name2codepoint
from pathlib import Path
from typing import Any

from byline._errors import InputError
from byline.ingest._common import MIN_YEAR, clean, max_year, norm_arxiv, norm_orcid, parse_year
from byline.ingest._open import open_binary
from byline.ingest._problems import quote
from byline.records import Author, Listing, Provenance, Record
from byline.text import repair

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
_MAX_YEAR = max_year()

# The entities dblp.dtd declares are the HTML/ISO Latin ones: the parser is given them all.
_ENTITIES = {
    name: chr(cp) for name, cp in name2codepoint.items() if name not in ("amp", "lt", "gt", "quot", "apos")
}


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


@functools.lru_cache(maxsize=1 << 16)  # dblp repeats its authors: clean each spelling once
def _author_parts(printed: str) -> tuple[str | None, str | None]:
    name, identity = split_name(printed)
    return clean(name), identity


_START = re.compile(
    rb"<(?:" + b"|".join(t.encode() for t in sorted(RECORD_TAGS)) + rb')\b[^>]*?\bkey="([^"]*)"'
)


class _Reader:
    """Streams records out of an ElementTree pull parser (C speed); lines come from a byte scan of the
    record start tags, so each record still names its line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = str(path)
        self.owner: str | None = None  # the person page's dblp name
        self.owner_orcid: str | None = None
        self.lines: dict[str, int] = {}  # record key -> line of its start tag (keys not yet read)
        self.line = 1  # line number at the start of the next chunk
        self.root: ET.Element | None = None
        self.person_seen = False
        self.end_only = False

    def _scan(self, chunk: bytes) -> None:
        last = 0
        for m in _START.finditer(chunk):
            self.line += chunk.count(b"\n", last, m.start())
            last = m.start()
            self.lines[m.group(1).decode("utf-8", "replace")] = self.line
        self.line += chunk.count(b"\n", last)

    def records(self, fh: Any) -> Iterator[Record]:
        parser: Any = ET.XMLPullParser(events=("start", "end"))
        parser._parser.entity.update(_ENTITIES)
        rest = b""
        while True:
            try:
                chunk = fh.read(_CHUNK)
            except (OSError, EOFError) as exc:
                raise InputError(f"cannot read: {exc}", file=self.path) from None
            data = rest + chunk
            if chunk:  # feed whole lines, so no start tag is cut between two scans
                cut = data.rfind(b"\n") + 1
                data, rest = (data[:cut], data[cut:]) if cut else (b"", data)
            else:
                rest = b""
            # the garbage collector would rescan the young records and elements over and over (half the
            # time): it is paused while one chunk is parsed, never across a yield
            enabled = gc.isenabled()
            gc.disable()
            try:
                batch = self._chunk(parser, data, final=not chunk)
            finally:
                if enabled:
                    gc.enable()
            yield from batch
            if not chunk:
                return

    def _chunk(self, parser: Any, data: bytes, *, final: bool) -> list[Record]:
        self._scan(data)
        try:
            parser.feed(data)
            if final:
                parser.close()
            out = self._events(_drain(parser))
        except ET.ParseError as exc:  # raised by feed, close, or when the events are read
            pos: Any = getattr(exc, "position", None)
            line = pos[0] if pos else None
            raise InputError(f"invalid XML: {quote(exc)}", file=self.path, line=line) from None
        if self.root is not None and not self.end_only:
            # the root is known: from now on only "end" events are needed (half the events to loop over)
            setevents = getattr(parser._parser, "_setevents", None)
            if setevents is not None:
                setevents(parser._events_queue, ("end",))
            self.end_only = True
        return out

    def _events(self, events: list[tuple[str, Any]]) -> list[Record]:
        out: list[Record] = []
        for event, el in events:
            if event == "start":
                if self.root is None:
                    self.root = el
                    if el.tag == "dblpperson":
                        self.owner = el.get("name")
                continue
            tag = el.tag
            if tag in RECORD_TAGS:
                out.append(self._record(el))
                self.root.clear()  # type: ignore[union-attr]
            elif tag == "person" and self.owner is not None and not self.person_seen:
                self.person_seen = True
                for url in el.iter("url"):
                    if url.text and "orcid.org/" in url.text:
                        self.owner_orcid = norm_orcid(url.text)
                        break
        return out

    def _record(self, el: ET.Element) -> Record:
        kind = str(el.tag)
        key = el.get("key")
        authors: list[Author] = []
        f: dict[str, str] = {}
        ids: dict[str, str] = {"dblp": key} if key else {}
        is_edited = kind in ("proceedings", "book")
        for child in el:
            t = child.tag
            if t == "author" or (t == "editor" and is_edited):
                text = child.text if not len(child) else "".join(child.itertext())
                name, identity = _author_parts(text or "")  # cached; spaces collapsed there
                if name:
                    orcid = child.get("orcid")
                    # positional: name, affiliations, email, orcid, identity (the hot path of a dump)
                    authors.append(Author(name, (), None, _orcid(orcid) if orcid else None, identity))
            elif t == "ee":
                text = child.text or ""
                if "doi" not in ids and (m := _DOI.search(text)):
                    ids["doi"] = m.group(1).rstrip(".,;").lower()
                elif "arxiv" not in ids and (m := _ARXIV.search(text)):
                    ids["arxiv"] = norm_arxiv(m.group(1)) or m.group(1)
            elif t in _TEXT_FIELDS and t not in f:
                text = (child.text if not len(child) else "".join(child.itertext())) or ""
                if "  " in text or "\n" in text or "\t" in text:
                    text = " ".join(text.split())
                f[t] = text
        title = f.get("title")
        if title and title[-1] == "." and not title.endswith(".."):
            title = title[:-1]
        extra: dict[str, Any] = {"type": kind}
        if f.get("volume"):
            extra["volume"] = repair(f["volume"])
        y = f.get("year")
        year = (
            int(y) if y and len(y) == 4 and y.isdigit() and MIN_YEAR <= int(y) <= _MAX_YEAR else parse_year(y)
        )
        venue = f.get("journal") or f.get("booktitle") or f.get("school") or f.get("series")
        # positional: source, format, title, authors, year, venue, abstract, keywords, ids, authors_truncated,
        # field_sources, extra
        return Record(
            Provenance(self.file, self.lines.pop(key, None) if key else None, key),
            NAME,
            repair(title) or None,
            authors,
            year,
            repair(venue) or None,
            None,
            [],
            ids,
            False,
            {},
            extra,
        )


def _drain(parser: Any) -> list[tuple[str, Any]]:
    """The parser's pending events, taken from its queue at once (``read_events`` pops them one by one in
    Python); a parse error the parser queued is raised."""
    queue = getattr(parser, "_events_queue", None)
    if queue is None:  # another ElementTree: the public way
        return list(parser.read_events())
    events = list(queue)
    queue.clear()
    if events and isinstance(events[-1], BaseException):  # the parser stops at its first error
        raise events[-1]
    return events


@functools.lru_cache(maxsize=1 << 14)
def _orcid(value: str) -> str | None:
    return norm_orcid(value)


def _stream(path: Path, reader: _Reader) -> Iterator[Record]:
    seen = False
    with open_binary(path) as fh:
        for rec in reader.records(fh):
            seen = True
            yield rec
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
