"""PubMed / MEDLINE text (``PMID- `` ... records separated by blank lines), as saved from PubMed.

Tags are up to four letters padded to column 4, then ``- ``; continuation lines start with six spaces.
``FAU`` (full names) is preferred over ``AU``; each ``AD`` and ``AUID- ORCID:`` line belongs to the author
before it. The DOI comes from ``LID``/``AID`` values marked ``[doi]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from byline._errors import InputError
from byline.ingest._common import invert_name, iter_lines, make_author, make_record
from byline.records import Author, Record

NAME = "medline"

_LINE = re.compile(r"^([A-Z][A-Z0-9 ]{1,3})- ?(.*)$")


def sniff(head: str, path: Path) -> float:
    lines = [ln.lstrip("\ufeff") for ln in head.splitlines()[:50] if ln.strip()]
    if not lines:
        return 0.0
    if lines[0].startswith("PMID-") and any(ln.startswith(("TI  -", "FAU -", "AU  -")) for ln in lines):
        return 0.97
    return 0.0


def parse(path: Path) -> Iterator[Record]:
    path = Path(path)
    items: list[tuple[str, str, int]] = []
    start = 0
    count = 0
    seen = False
    for n, raw in iter_lines(path):
        line = raw.rstrip("\r")
        if not line.strip():
            if items:
                count += 1
                yield _record(path, start, items)
                items = []
            continue
        seen = True
        if line.startswith("      ") and items:
            tag, value, ln = items[-1]
            items[-1] = (tag, f"{value} {line.strip()}", ln)
            continue
        m = _LINE.match(line.lstrip("\ufeff"))
        if not m:
            raise InputError(f"not a MEDLINE field line: {line[:40]!r}", file=path, line=n)
        tag = m.group(1).strip()
        if tag == "PMID" and items:
            count += 1
            yield _record(path, start, items)
            items = []
        if not items:
            start = n
        items.append((tag, m.group(2).strip(), n))
    if items:
        count += 1
        yield _record(path, start, items)
    if not seen:
        raise InputError("file is empty", file=path)
    if count == 0:
        raise InputError("no MEDLINE records found", file=path)


def _record(path: Path, line: int, items: list[tuple[str, str, int]]) -> Record:
    first: dict[str, tuple[str, int]] = {}
    full: list[list[str]] = []  # [name, *affiliations] per FAU
    short: list[list[str]] = []
    orcids: dict[int, str] = {}
    keywords: list[str] = []
    doi = None
    for tag, value, ln in items:
        first.setdefault(tag, (value, ln))
        if tag == "FAU":
            full.append([value])
        elif tag == "AU":
            short.append([value])
        elif tag == "AD":
            target = full or short
            if target:
                target[-1].append(value)
        elif tag == "AUID" and "orcid" in value.lower():
            orcids[len(full or short) - 1] = value
        elif tag in ("LID", "AID") and value.endswith("[doi]") and doi is None:
            doi = value[: -len("[doi]")].strip()
        elif tag in ("OT", "MH"):
            keywords.append(value.lstrip("*"))
    people = full if full else short
    authors: list[Author | None] = []
    for i, (name, *affs) in enumerate(people):
        printed = invert_name(name) if "," in name else _short_name(name)
        authors.append(make_author(printed, affs, orcid=orcids.get(i)))

    def val(*tags: str) -> str | None:
        return next((first[t][0] for t in tags if t in first), None)

    def ln_of(*tags: str) -> int | None:
        return next((first[t][1] for t in tags if t in first), None)

    pmid = val("PMID")
    return make_record(
        path,
        NAME,
        line=line,
        key=pmid,
        title=val("TI", "BTI"),
        authors=authors,
        year=val("DP", "DEP"),
        venue=val("JT", "TA", "BTI"),
        abstract=val("AB"),
        keywords=keywords,
        ids={"pmid": pmid, "doi": doi, "pmc": val("PMC")},
        extra={"type": val("PT") or ""},
        field_lines={
            "title": ln_of("TI", "BTI"),
            "authors": ln_of("FAU", "AU"),
            "year": ln_of("DP", "DEP"),
            "venue": ln_of("JT", "TA"),
            "abstract": ln_of("AB"),
            "keywords": ln_of("OT", "MH"),
            "ids": ln_of("LID", "AID"),
        },
    )


def _short_name(name: str) -> str:
    """``"Griffin DK"`` → ``"D. K. Griffin"``; anything else as printed."""
    m = re.match(r"^(.+?)\s+([A-Z]{1,4})$", name)
    if not m:
        return name
    return " ".join(f"{c}." for c in m.group(2)) + " " + m.group(1)
