"""Ingest: one parser module per input format, each turning a file into :class:`~byline.records.Record` s.

Parsers are pure and streaming: they read the file they are given, never the store. Every format module
defines::

    NAME: str                                     # the --format name
    def sniff(head: str, path: Path) -> float      # 0..1 confidence from the first ~64 KiB of decoded text
    def parse(path: Path) -> Iterator[Record]      # raises byline.InputError naming file and line

Listing-shaped formats (a page of one person's works) additionally define
``def parse_listing(path: Path, owner: str | None) -> Listing`` (an ORCID record, a dblp person page and the
seed listing pages are claimed profiles); with ``LISTING_NEEDS_OWNER = True`` a file of such a format whose
owner is unknown (a dblp dump, an ORCID works file without a name) is stored as plain works, not a listing.

Text from every parser goes through :func:`byline.text.repair` (ftfy, cp874 mojibake, entities, spaces).

One bad entry does not stop a file: parsers report it (:mod:`byline.ingest._problems`) and go on. Wrap a
call in :func:`collect_problems` to get the list (``strict=True``: the first skipped entry raises instead);
without it, problems are logged on the ``byline.ingest`` logger.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from importlib import import_module
from pathlib import Path
from types import ModuleType

from byline._errors import FormatError, InputError
from byline.ingest._open import read_head
from byline.ingest._problems import Problem, Problems, collect_problems
from byline.records import Listing, Record

# --format name -> module implementing it. "signatures" is the labeled benchmark JSONL (see signatures.py).
FORMAT_MODULES: dict[str, str] = {
    "listing": "byline.ingest.listing",
    "bibtex": "byline.ingest.bibtex",
    "ris": "byline.ingest.ris",
    "wos": "byline.ingest.wos",
    "medline": "byline.ingest.medline",
    "openalex": "byline.ingest.openalex",
    "s2": "byline.ingest.semanticscholar",
    "arxiv": "byline.ingest.arxiv",
    "csv": "byline.ingest.csv",
    "csl": "byline.ingest.csl",
    "crossref": "byline.ingest.crossref",
    "orcid": "byline.ingest.orcid",
    "dblp": "byline.ingest.dblp",
    "signatures": "byline.ingest.signatures",
}
FORMATS = ("auto", *FORMAT_MODULES)

__all__ = [
    "FORMATS",
    "FORMAT_MODULES",
    "Problem",
    "Problems",
    "collect_problems",
    "detect_format",
    "drop_empty",
    "format_module",
    "is_empty",
    "load_listing",
    "load_records",
    "parse_records",
    "read_head",
    "relabel",
    "resolve_format",
]


def format_module(name: str) -> ModuleType:
    try:
        return import_module(FORMAT_MODULES[name])
    except KeyError:
        raise FormatError(f"unknown format {name!r}; choose one of: {', '.join(FORMATS)}") from None


def detect_format(path: str | Path) -> str:
    """The best-matching format name, or a :class:`FormatError` that says what was tried."""
    path = Path(path)
    head = read_head(path)
    if not head.strip():
        raise InputError("file is empty", file=path)
    scores = {}
    for name in FORMAT_MODULES:
        try:
            mod = format_module(name)
        except ModuleNotFoundError:
            continue
        scores[name] = float(mod.sniff(head, path))
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or ranked[0][1] < 0.5:
        raise FormatError(
            f"cannot tell the format of this file; pass --format ({', '.join(FORMAT_MODULES)})",
            file=path,
        )
    if len(ranked) > 1 and ranked[1][1] >= ranked[0][1] - 0.05:
        raise FormatError(
            f"the format is ambiguous ({ranked[0][0]} or {ranked[1][0]}); pass --format", file=path
        )
    return ranked[0][0]


_CSV_SUFFIXES = (".csv", ".tsv", ".csv.gz", ".tsv.gz")


def resolve_format(
    path: str | Path, format: str = "auto", csv_mapping: Mapping[str, str] | None = None
) -> str:
    """``format``, or the detected one when it is ``"auto"``.

    With a CSV column mapping, a ``.csv`` / ``.tsv`` file whose header is not recognised is read as CSV
    (the mapping names its columns).
    """
    if format != "auto":
        return format
    try:
        return detect_format(path)
    except FormatError:
        if csv_mapping and Path(path).name.lower().endswith(_CSV_SUFFIXES):
            return "csv"
        raise


def parse_records(path: Path, fmt: str, csv_mapping: Mapping[str, str] | None = None) -> Iterator[Record]:
    """``format_module(fmt).parse(path)``; CSV gets the column mapping (other formats ignore it).

    Records with nothing to identify a paper (no title, no identifier, no author) are reported with their
    file and line and left out (:func:`drop_empty`).
    """
    mod = format_module(fmt)
    if fmt == "csv" and csv_mapping:
        return drop_empty(mod.parse(path, mapping=csv_mapping))
    return drop_empty(mod.parse(path))


def is_empty(rec: Record) -> bool:
    """True for a record with no title, no identifier, no author and no abstract: nothing that makes it a paper.

    (An abstract alone is a paper: listing pages print entries that are only an abstract, claimed by the owner.)
    """
    return not rec.title and not rec.ids and not rec.authors and not rec.abstract


def drop_empty(records: Iterable[Record]) -> Iterator[Record]:
    """``records`` without the empty ones (:func:`is_empty`), each reported as skipped with its file:line."""
    from byline.ingest._problems import report

    for rec in records:
        if is_empty(rec):
            kind = rec.extra.get("type")
            what = f"a record (type {kind})" if isinstance(kind, str) and kind else "a record"
            report(
                f"{what} with no title, no identifier, no author and no abstract",
                file=rec.source.file,
                line=rec.source.line,
                skipped=True,
            )
            continue
        yield rec


def relabel(records: Iterable[Record], file: str) -> Iterator[Record]:
    """``records`` with every provenance naming ``file`` (e.g. ``-`` for standard input read via a spool file)."""
    from dataclasses import replace

    for rec in records:
        rec.source = replace(rec.source, file=file)
        rec.field_sources = {k: replace(v, file=file) for k, v in rec.field_sources.items()}
        yield rec


def load_records(
    path: str | Path, format: str = "auto", csv_mapping: Mapping[str, str] | None = None
) -> Iterator[Record]:
    """Parse one file into records (streaming). ``csv_mapping``: record field -> CSV column name."""
    path = Path(path)
    return parse_records(path, resolve_format(path, format, csv_mapping), csv_mapping)


def load_listing(
    path: str | Path,
    owner: str | None = None,
    format: str = "auto",
    csv_mapping: Mapping[str, str] | None = None,
) -> Listing:
    """Parse one file as a listing: the records a page attributes to ``owner``.

    Listing-shaped formats may read the owner from the page; ``owner`` overrides it.
    Any other format becomes a listing of all its records.
    """
    path = Path(path)
    name = resolve_format(path, format, csv_mapping)
    mod = format_module(name)
    if hasattr(mod, "parse_listing"):
        listing = mod.parse_listing(path, owner)
        listing.records = list(drop_empty(listing.records))
        return listing
    return Listing(source=str(path), owner=owner, records=list(parse_records(path, name, csv_mapping)))
