"""arXiv API Atom feeds: one record per ``<entry>``, with the line the entry starts on.

Reads the legacy layout (``xmlns:arxiv`` declared per element, titles and summaries wrapped and indented)
and the 2025+ one (namespaces on ``<feed>``, https links), streaming with SAX. Also accepts the JSON
wrapper ``{"url": ..., "status_code": ..., "body": "<feed ...>"}`` used by HTTP fixtures.
"""

from __future__ import annotations

import io
import json
import xml.sax
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from xml.sax.handler import ContentHandler, feature_external_ges, feature_namespaces
from xml.sax.xmlreader import IncrementalParser

from byline._errors import InputError
from byline.ingest._common import _open_binary, make_author, make_record, read_text
from byline.records import Record
from byline.text import decode_latex_accents as _accents

NAME = "arxiv"

ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
_KEPT = {
    (ATOM, "id"),
    (ATOM, "title"),
    (ATOM, "summary"),
    (ATOM, "published"),
    (ARXIV, "doi"),
    (ARXIV, "journal_ref"),
    (ARXIV, "comment"),
}


def sniff(head: str, path: Path) -> float:
    s = head.lstrip("\ufeff \t\r\n")
    if s.startswith("<") and "<feed" in head and "arxiv" in head.lower():
        return 0.97
    if s.startswith("{") and '"body"' in head and "<feed" in head and "arxiv" in head.lower():
        return 0.95
    if s.startswith("<") and "<feed" in head and "http://www.w3.org/2005/Atom" in head:
        return 0.5
    return 0.0


class _Handler(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict[str, Any]] = []
        self.entry: dict[str, Any] | None = None
        self.author: dict[str, Any] | None = None
        self.text: list[str] | None = None
        self.locator: Any = None

    def setDocumentLocator(self, locator: Any) -> None:  # noqa: N802 - SAX API
        self.locator = locator

    def startElementNS(self, name: tuple[str | None, str], qname: str | None, attrs: Any) -> None:  # noqa: N802
        ns, local = name
        if ns == ATOM and local == "entry":
            line = self.locator.getLineNumber() if self.locator else None
            self.entry = {"line": line, "authors": [], "categories": [], "links": []}
        elif self.entry is None:
            return
        elif ns == ATOM and local == "author":
            self.author = {"name": "", "affiliations": []}
        elif local == "category":
            term = attrs.get((None, "term"))
            if term:
                self.entry["categories"].append(term)
        elif ns == ATOM and local == "link":
            href = attrs.get((None, "href"))
            if href:
                self.entry["links"].append((attrs.get((None, "title")), href))
        elif local in (
            "id",
            "title",
            "summary",
            "published",
            "name",
            "doi",
            "journal_ref",
            "comment",
            "affiliation",
        ):
            self.text = []

    def characters(self, content: str) -> None:
        if self.text is not None:
            self.text.append(content)

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:  # noqa: N802
        ns, local = name
        if self.entry is None:
            return
        text = "".join(self.text) if self.text is not None else None
        self.text = None
        if ns == ATOM and local == "entry":
            self.entries.append(self.entry)
            self.entry = None
        elif ns == ATOM and local == "author":
            if self.author is not None:
                self.entry["authors"].append(self.author)
            self.author = None
        elif text is None:
            return
        elif local == "name" and self.author is not None:
            self.author["name"] = text
        elif local == "affiliation" and self.author is not None:
            self.author["affiliations"].append(text)
        elif (ns, local) in _KEPT:
            self.entry[local] = text


def _iter_entries(path: Path, source: IO[bytes] | bytes) -> Iterator[dict[str, Any]]:
    handler = _Handler()
    parser = xml.sax.make_parser()
    if not isinstance(parser, IncrementalParser):  # the stdlib's expat reader is one
        raise TypeError(f"the SAX parser {type(parser).__name__} cannot be fed incrementally")
    parser.setFeature(feature_namespaces, True)
    parser.setFeature(feature_external_ges, False)
    parser.setContentHandler(handler)
    handler.locator = parser  # incremental feeding never calls setDocumentLocator; the reader knows lines
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        while True:
            chunk = stream.read(65536)
            if not chunk:
                break
            parser.feed(chunk)
            yield from handler.entries
            handler.entries.clear()
        parser.close()
    except xml.sax.SAXParseException as exc:
        raise InputError(f"invalid XML: {exc.getMessage()}", file=path, line=exc.getLineNumber()) from None
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read: {exc}", file=path) from None
    yield from handler.entries


def parse(path: Path) -> Iterator[Record]:
    path = Path(path)
    with _open_binary(path) as fh:
        head = fh.read(4096)
    if not head.strip():
        raise InputError("file is empty", file=path)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        try:
            wrapper = json.loads(read_text(path))
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", file=path, line=exc.lineno) from None
        body = wrapper.get("body") if isinstance(wrapper, dict) else None
        if not isinstance(body, str):
            raise InputError("JSON wrapper has no 'body' string with the Atom feed", file=path)
        entries: Iterator[dict[str, Any]] = _iter_entries(path, body.encode("utf-8"))
        wrapped = True
    else:
        entries = _iter_entries(path, _open_binary(path))
        wrapped = False
    for e in entries:
        if "api/errors" in (e.get("id") or ""):
            raise InputError(
                f"arXiv API error: {(e.get('summary') or '').strip()}", file=path, line=e.get("line")
            )
        yield _record(path, e, wrapped)


def _record(path: Path, e: dict[str, Any], wrapped: bool) -> Record:
    ids: dict[str, Any] = {"arxiv": e.get("id"), "doi": e.get("doi")}
    for title, href in e["links"]:
        if title == "doi" and not ids["doi"]:
            ids["doi"] = href
    return make_record(
        path,
        NAME,
        # In a JSON wrapper the line is the line inside the body string.
        line=None if wrapped else e.get("line"),
        key=(e.get("id") or "").strip() or None,
        title=_accents(e.get("title")),
        authors=[make_author(_accents(a["name"]), a["affiliations"]) for a in e["authors"]],
        year=(e.get("published") or "")[:4] or None,
        venue=_accents(e.get("journal_ref")),
        abstract=_accents(e.get("summary")),
        keywords=e["categories"],
        ids=ids,
        extra={"comment": e["comment"].strip()} if e.get("comment") else {},
    )
