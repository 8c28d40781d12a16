"""The labeled signature JSONL(.gz) reader: one signature (author position on a paper) per line.

Canonical line (what ``benchmarks/byline_synth`` writes)::

    {"dataset": str, "block": str, "signature_id": str, "person_id": str | null,
     "author": {"name": str, "position": int, "affiliations": [str], "email": str | null, "orcid": str | null},
     "paper": {"paper_id": str, "title": str | null, "abstract": str | null, "venue": str | null,
               "year": int | null, "authors": [str], "keywords": [str]}}

Also accepted (S2AND-derived dumps): ``author_info_*`` keys (``author_info_first/middle/last``,
``author_info_given_block``, ...), ``cluster_id``/``author_id``/``person`` for the label, ``journal_name``
for the venue, paper ``authors`` as ``[{"author_name": ..., "position": ...}]``, ``fields_of_study`` for
keywords, and "flat" lines with the author and paper fields at top level. A line of another shape stops
with an :class:`~byline.InputError` naming the file and line. ``dataset`` defaults to the file name up to
its first dot (``aminer.dev.jsonl.gz`` -> ``aminer``).
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from byline._errors import InputError
from byline.records import Author, Provenance, Record, Signature

NAME = "signatures"

_SIG_ID_KEYS = ("signature_id", "sig_id", "signatureId", "id")
_PERSON_KEYS = ("person_id", "cluster_id", "person", "label", "gold_cluster", "author_id")
_BLOCK_KEYS = ("block", "author_info_given_block", "given_block", "author_info_block")
# S2AND's own signatures carry ``author_id`` (a Semantic Scholar id, not a gold label); it is used as the
# label only when nothing better is present.


def sniff(head: str, path: Path) -> float:
    """Confidence that ``head`` is labeled signature JSONL."""
    first = next((ln for ln in head.splitlines() if ln.strip()), "")
    if not first.lstrip().startswith("{"):
        return 0.0
    try:
        obj = json.loads(first)
    except ValueError:
        return 0.0
    if not isinstance(obj, dict):
        return 0.0
    keys = set(obj)
    if keys & set(_SIG_ID_KEYS[:3]) and (
        ("author" in keys and "paper" in keys) or "author_info_full_name" in keys
    ):
        return 0.95
    if keys & set(_SIG_ID_KEYS[:3]):
        return 0.7
    return 0.0


def _open_text(path: Path) -> io.TextIOBase:
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the returned wrapper
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror}", file=path) from None
    magic = raw.read(2)
    raw.seek(0)
    stream = gzip.GzipFile(fileobj=raw) if magic == b"\x1f\x8b" else raw
    return io.TextIOWrapper(stream, encoding="utf-8", errors="strict")


def _first(d: dict[str, Any], keys: Iterable[str]) -> Any:
    for k in keys:
        v = d.get(k)
        if v is not None:
            return v
    return None


def _str_or_none(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def _str_list(v: Any, what: str, file: Path, line: int) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        return (v,) if v.strip() else ()
    if not isinstance(v, list):
        raise InputError(f"field {what!r} must be a list of strings", file=file, line=line)
    out = []
    for x in v:
        if isinstance(x, dict):  # {"author_name": ...} / {"name": ...} / fields of study objects
            x = _first(x, ("author_name", "name", "text", "category"))
        if x is not None and str(x).strip():
            out.append(str(x).strip())
    return tuple(out)


def _author_names(v: Any, file: Path, line: int) -> list[str]:
    if v is None:
        return []
    if not isinstance(v, list):
        raise InputError("field 'paper.authors' must be a list", file=file, line=line)
    items = []
    for k, a in enumerate(v):
        if isinstance(a, dict):
            pos = a.get("position", k)
            name = _first(a, ("author_name", "name", "full_name")) or ""
            items.append((pos if isinstance(pos, int) else k, str(name)))
        else:
            items.append((k, "" if a is None else str(a)))
    items.sort(key=lambda t: t[0])
    return [n for _, n in items]


def _year(v: Any, file: Path, line: int) -> int | None:
    if v is None or v == "":
        return None
    try:
        y = int(v)
    except (TypeError, ValueError):
        raise InputError(f"field 'year' is not a year: {v!r}", file=file, line=line) from None
    return y if y > 0 else None


def _dataset_from_path(path: Path) -> str:
    return path.name.split(".", 1)[0] or "data"


def signature_from_obj(obj: Any, file: Path, line: int, default_dataset: str | None = None) -> Signature:
    """One parsed JSON line -> :class:`Signature` (raises :class:`InputError` naming file and line)."""
    if not isinstance(obj, dict):
        raise InputError("expected a JSON object per line", file=file, line=line)
    sig_id = _first(obj, _SIG_ID_KEYS)
    if sig_id is None:
        raise InputError("missing required field 'signature_id'", file=file, line=line)
    author = obj.get("author")
    if author is None:
        author = obj.get("author_info")
    paper = obj.get("paper")
    # flat lines keep author and/or paper fields at top level
    if author is None:
        author = obj
    if paper is None:
        paper = obj
    if not isinstance(author, dict) or not isinstance(paper, dict):
        raise InputError("fields 'author' and 'paper' must be JSON objects", file=file, line=line)
    name = _first(author, ("name", "author_info_full_name", "full_name", "author_name"))
    if name is None:
        name = _first(obj, ("name", "author_info_full_name", "author_name"))
    if name is None:
        parts = [
            _first(author, (k, f"author_info_{k}")) or _first(obj, (f"author_info_{k}",))
            for k in ("first", "middle", "last", "suffix")
        ]
        if parts[2]:
            name = " ".join(str(p) for p in parts if p)
    if name is None or not str(name).strip():
        raise InputError(f"signature {sig_id}: missing required field 'author.name'", file=file, line=line)
    name = str(name).strip()
    position = _first(author, ("position", "author_info_position"))
    if position is None:
        position = _first(obj, ("position", "author_info_position"))
    try:
        position = int(position) if position is not None else -1
    except (TypeError, ValueError):
        raise InputError(
            f"field 'author.position' is not an integer: {position!r}", file=file, line=line
        ) from None
    authors = _author_names(_first(paper, ("authors", "author_names")), file, line)
    listed = _first(obj, ("coauthors",))
    if listed is None and paper is not obj:
        listed = _first(paper, ("coauthors",))
    if listed is not None:  # the other authors given directly (the labeled datasets' schema)
        coauthors = tuple(a for a in _author_names(listed, file, line) if a.strip())
        position = max(position, 0)
    elif 0 <= position < len(authors):
        coauthors = tuple(a for k, a in enumerate(authors) if k != position and a.strip())
    else:
        seen = False
        co = []
        for a in authors:
            if not seen and a.strip() == name:
                seen = True
                continue
            if a.strip():
                co.append(a)
        coauthors = tuple(co)
        if position < 0:
            position = 0
    email = _str_or_none(_first(author, ("email", "author_info_email")))
    orcid = _str_or_none(_first(author, ("orcid", "author_info_orcid")))
    affiliations = _str_list(
        _first(author, ("affiliations", "author_info_affiliations", "affiliation")),
        "affiliations",
        file,
        line,
    )
    person = _first(obj, _PERSON_KEYS)
    block = _first(obj, _BLOCK_KEYS)
    if block is None and author is not obj:
        block = _first(author, (*_BLOCK_KEYS, "given_block"))
    dataset = _first(obj, ("dataset",)) or default_dataset
    title = _str_or_none(_first(paper, ("title", "paper_title")))
    abstract = _str_or_none(_first(paper, ("abstract", "paper_abstract")))
    venue = _str_or_none(_first(paper, ("venue", "journal_name", "journal")))
    keywords = _str_list(_first(paper, ("keywords", "fields_of_study", "mesh_terms")), "keywords", file, line)
    work_id = _first(paper, ("paper_id", "work_id", "corpus_paper_id"))
    return Signature(
        id=str(sig_id),
        name=name,
        work_id="" if work_id is None else str(work_id),
        position=position,
        affiliations=affiliations,
        email=email,
        orcid=orcid,
        coauthors=coauthors,
        title=title,
        abstract=abstract,
        venue=venue,
        year=_year(_first(paper, ("year", "publication_year")), file, line),
        keywords=keywords,
        block=None if block is None else str(block),
        person=None if person is None else str(person),
        dataset=None if dataset is None else str(dataset),
    )


def iter_signatures(path: str | Path) -> Iterator[Signature]:
    """Stream the signatures of one JSONL(.gz) file."""
    for _, sig in _iter_numbered(Path(path)):
        yield sig


def _iter_numbered(path: Path) -> Iterator[tuple[int, Signature]]:
    default_dataset = _dataset_from_path(path)
    fh = _open_text(path)
    with fh:
        lineno = 0
        try:
            for lineno, text in enumerate(fh, start=1):  # noqa: B007
                if not text.strip():
                    continue
                try:
                    obj = json.loads(text)
                except ValueError as exc:  # JSONDecodeError, or e.g. an integer over the digit limit
                    msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                    raise InputError(f"malformed JSON: {msg}", file=path, line=lineno) from None
                yield lineno, signature_from_obj(obj, path, lineno, default_dataset)
        except (UnicodeDecodeError, EOFError, gzip.BadGzipFile, OSError) as exc:
            raise InputError(f"cannot read: {exc}", file=path, line=lineno + 1) from None


def load_signatures(paths: str | Path | Iterable[str | Path]) -> list[Signature]:
    """Read labeled signatures from one or more JSONL(.gz) files; duplicate ids are an error."""
    if isinstance(paths, str | Path):
        paths = [paths]
    out: list[Signature] = []
    seen: dict[str, str] = {}
    for p in paths:
        for lineno, sig in _iter_numbered(Path(p)):
            key = f"{sig.dataset}\x1f{sig.id}"
            if key in seen:
                raise InputError(
                    f"duplicate signature_id {sig.id!r} (first seen in {seen[key]})", file=p, line=lineno
                )
            seen[key] = str(p)
            out.append(sig)
    return out


def parse(path: Path) -> Iterator[Record]:
    """Registry contract: each signature line as a :class:`Record` of its paper (provenance = the line)."""
    path = Path(path)
    for lineno, sig in _iter_numbered(path):
        authors = [Author(name=n) for n in sig.coauthors]
        pos = min(max(sig.position, 0), len(authors))
        authors.insert(
            pos, Author(name=sig.name, affiliations=sig.affiliations, email=sig.email, orcid=sig.orcid)
        )
        yield Record(
            source=Provenance(file=str(path), line=lineno, record=sig.id),
            format=NAME,
            title=sig.title,
            authors=authors,
            year=sig.year,
            venue=sig.venue,
            abstract=sig.abstract,
            keywords=list(sig.keywords),
            ids={"s2": sig.work_id} if sig.work_id else {},
            extra={
                "signature_id": sig.id,
                "person_id": sig.person,
                "block": sig.block,
                "dataset": sig.dataset,
            },
        )
