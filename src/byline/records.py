"""The one record model of byline.

Data flows through four shapes, all plain dataclasses (no I/O, no store access):

``Record``     one paper as one source prints it (a listing line, a BibTeX entry, an OpenAlex work...).
               Produced by :mod:`byline.ingest`; every field keeps its :class:`Provenance`.
``Work``       one paper, merged from one or more records by :mod:`byline.dedup`.
``Signature``  one author position on one work: the unit that gets clustered. Labeled benchmark data
               arrives directly as signatures (``person`` holds the gold label there).
``Listing``    a claimed profile: an owner name plus the records a page attributes to them.

Everything downstream (blocking, features, model, clustering, store, server) speaks these types.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where something came from: a file and a 1-based line (or a record key for JSON inputs)."""

    file: str
    line: int | None = None
    record: str | None = None

    def __str__(self) -> str:
        loc = self.file if self.line is None else f"{self.file}:{self.line}"
        return loc if self.record is None else f"{loc} [{self.record}]"


@dataclass(slots=True)
class Author:
    """One author as printed on a record: the printed name plus what the source says of them there."""

    name: str
    affiliations: tuple[str, ...] = ()
    email: str | None = None
    orcid: str | None = None
    # a source's own identity for this person, a hint and not a constraint ("dblp:Jaeseong Lee 0002")
    identity: str | None = None


# Identifier kinds byline understands; other keys in ``Record.ids`` are kept but not used for dedup.
ID_KINDS = ("doi", "arxiv", "openalex", "s2", "pmid", "isbn", "eid", "dblp")


@dataclass(slots=True)
class Record:
    """One paper as one source prints it.

    ``authors_truncated`` is True when the source cut the author list ("et al.").
    ``field_sources`` maps a field name to where that field was read when it differs from ``source``
    (e.g. a multi-line BibTeX entry); missing keys mean "same as ``source``".
    """

    source: Provenance
    format: str
    title: str | None = None
    authors: list[Author] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    abstract: str | None = None
    keywords: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    authors_truncated: bool = False
    field_sources: dict[str, Provenance] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def provenance_of(self, name: str) -> Provenance:
        """Where field ``name`` came from: its own provenance if it has one, else the record's."""
        return self.field_sources.get(name, self.source)


@dataclass(slots=True)
class Listing:
    """A claimed profile: the works one page (or file) attributes to ``owner``."""

    source: str
    owner: str | None
    records: list[Record] = field(default_factory=list)
    id: str | None = None  # set when the listing comes from the store


@dataclass(slots=True)
class Work:
    """One paper, merged from one or more source records (``records`` keeps them all)."""

    id: str
    title: str | None = None
    authors: list[Author] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    abstract: str | None = None
    keywords: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    authors_truncated: bool = False
    records: list[Record] = field(default_factory=list)
    # field name -> where the merged value was read (the winning record's field provenance)
    field_sources: dict[str, Provenance] = field(default_factory=dict)


@dataclass(slots=True)
class Signature:
    """One author position on one work: what gets clustered.

    The paper-level fields (title, abstract, venue, year, keywords, coauthors) are copied onto the
    signature so the pure pipeline needs nothing else. ``block`` is a dataset-supplied block (labeled
    data) or ``None`` (then :mod:`byline.block` computes a key). ``person`` is a gold label in labeled
    data, ``None`` otherwise. ``dataset`` names the benchmark a labeled signature comes from.
    """

    id: str
    name: str
    work_id: str = ""
    position: int = 0
    affiliations: tuple[str, ...] = ()
    email: str | None = None
    orcid: str | None = None
    identity: str | None = None  # the author's source identity hint (Author.identity)
    coauthors: tuple[str, ...] = ()
    title: str | None = None
    abstract: str | None = None
    venue: str | None = None
    year: int | None = None
    keywords: tuple[str, ...] = ()
    block: str | None = None
    person: str | None = None
    dataset: str | None = None


def stable_id(prefix: str, *parts: object) -> str:
    """A short deterministic id: ``prefix`` + 12 hex chars of a SHA-1 over ``parts``."""
    h = hashlib.sha1("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return f"{prefix}{h.hexdigest()[:12]}"


def signatures_of(work: Work) -> list[Signature]:
    """The signatures of a work: one per author position, ids ``<work id>#<position>``."""
    names = [a.name for a in work.authors]
    out = []
    for i, a in enumerate(work.authors):
        out.append(
            Signature(
                id=f"{work.id}#{i}",
                name=a.name,
                work_id=work.id,
                position=i,
                affiliations=a.affiliations,
                email=a.email,
                orcid=a.orcid,
                identity=a.identity,
                coauthors=tuple(n for j, n in enumerate(names) if j != i),
                title=work.title,
                abstract=work.abstract,
                venue=work.venue,
                year=work.year,
                keywords=tuple(work.keywords),
            )
        )
    return out
