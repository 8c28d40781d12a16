"""CSV / TSV exports (IEEE Xplore, SpringerLink, Embase, Scopus, generic) with a column mapping.

The delimiter is sniffed (comma, semicolon, tab, pipe). Columns are mapped to record fields from known
header names; ``parse(path, mapping={"title": "My Title Column", ...})`` overrides or extends that.
Author cells may be ``;``-separated, Embase ``Liu R., Adler D.G.``, Python-list literals, or SpringerLink
names run together without a separator (``Araz R. AlievNigar T. Ismayilova``). Streams row by row.
:func:`read_mapping` reads a mapping as given on the command line (``title=Document Title,authors=Authors``
or a JSON file).
"""

from __future__ import annotations

import ast
import csv as _csv
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from byline._errors import InputError
from byline.ingest._common import invert_name, make_author, make_record, open_text
from byline.ingest._problems import quote, report
from byline.records import Record

NAME = "csv"

FIELDS = (
    "title",
    "authors",
    "year",
    "venue",
    "abstract",
    "doi",
    "keywords",
    "affiliations",
    "authors_with_affiliations",
    "arxiv",
    "pmid",
    "id",
    "date",
    "open_url",
)

# Known header names (lower-cased, stripped), most specific first.
KNOWN_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "document title", "item title", "article title", "ti", "primary_title", "paper title"),
    "authors": (
        "author full names",
        "authors",
        "author names",
        "author",
        "author(s)",
        "first_authors",
        "af",
        "au",
        "creators",
        "author list",
    ),
    "year": ("year", "publication year", "publication_year", "py", "pubyear", "pub year", "year published"),
    "venue": (
        "source title",
        "publication title",
        "journal",
        "journal title",
        "venue",
        "secondary_title",
        "container-title",
        "source",
        "so",
        "journal/book",
        "publication",
        "conference",
    ),
    "abstract": ("abstract", "ab", "original abstract", "summary"),
    "doi": ("doi", "item doi", "di", "doi link"),
    "keywords": ("author keywords", "keywords", "index keywords", "de", "tags"),
    # one affiliation per author, ';'-separated (IEEE); Scopus' "Affiliations" lists distinct ones, unaligned
    "affiliations": ("author affiliations",),
    # Scopus: "Hao J., Dept X, Univ Y; High R., Dept Z"
    "authors_with_affiliations": ("authors with affiliations",),
    "arxiv": ("arxiv", "arxiv id", "eprint", "arxiv_id"),
    "pmid": ("pubmed id", "pmid", "pm"),
    "id": ("id", "eid", "ut (unique wos id)", "accession number", "record id"),
    "date": ("date", "publication date", "issue date", "online date", "date of publication"),
    # Embase: an OpenURL whose query carries the DOI (``id=doi:10.4103%2F...``) and sometimes the PMID
    "open_url": ("open url link",),
}

_SNIFF_DELIMS = ",;\t|"
_csv.field_size_limit(16 * 1024 * 1024)


def sniff(head: str, path: Path) -> float:
    s = head.lstrip("\ufeff \t\r\n")
    if not s or s[0] in "{[<@%":
        return 0.0
    header = _first_record_line(s)
    delim = _delimiter(head)
    cols = [c.strip().strip('"').strip().lower() for c in header.split(delim)]
    if len(cols) < 2:
        return 0.0
    mapped = _auto_mapping(cols)
    if "title" in mapped and ("authors" in mapped or "abstract" in mapped):
        return 0.92
    if len(mapped) >= 2:
        return 0.7
    return 0.3 if path.suffix.lower() in (".csv", ".tsv") else 0.05


def _first_record_line(s: str) -> str:
    return s.splitlines()[0] if s else ""


def _delimiter(head: str) -> str:
    """The delimiter that splits the header line most (quotes respected); csv.Sniffer breaks ties."""
    first = _first_record_line(head.lstrip("\ufeff"))
    counts: dict[str, int] = {}
    for d in _SNIFF_DELIMS:
        try:
            counts[d] = len(next(_csv.reader([first], delimiter=d))) - 1
        except (_csv.Error, StopIteration):
            counts[d] = 0
    ranked = sorted(counts, key=lambda d: counts[d], reverse=True)
    if counts[ranked[0]] and counts[ranked[0]] > counts[ranked[1]]:
        return ranked[0]
    try:
        return _csv.Sniffer().sniff(head[:32768], delimiters=_SNIFF_DELIMS).delimiter
    except _csv.Error:
        return ranked[0] if counts[ranked[0]] else ","


def _auto_mapping(columns: list[str]) -> dict[str, int]:
    lowered = [c.strip().strip("\ufeff").lower() for c in columns]
    out: dict[str, int] = {}
    for fld, names in KNOWN_COLUMNS.items():
        for name in names:
            if name in lowered:
                out[fld] = lowered.index(name)
                break
    return out


def check_mapping(mapping: Mapping[str, str], file: str | Path | None = None) -> dict[str, str]:
    """``mapping`` as a plain dict after checking it maps known fields (:data:`FIELDS`) to column names."""
    out: dict[str, str] = {}
    for fld, col in mapping.items():
        if fld not in FIELDS:
            raise InputError(
                f"unknown field {fld!r} in the column mapping; known: {', '.join(FIELDS)}", file=file
            )
        if not isinstance(col, str) or not col.strip():
            raise InputError(
                f"the column mapped to {fld!r} must be a non-empty column name, got {col!r}", file=file
            )
        out[fld] = col.strip()
    return out


def read_mapping(spec: str | Path | Mapping[str, str]) -> dict[str, str]:
    """A column mapping from ``"field=Column,field=Column"``, a JSON file ``{"field": "Column"}``, or a dict.

    A column name holding ``,`` or ``=`` needs the JSON file. Unknown fields raise :class:`InputError`.
    """
    if isinstance(spec, Mapping):
        return check_mapping(spec)
    text = str(spec).strip()
    path = Path(text)
    if "=" not in text or (text.lower().endswith(".json") and path.is_file()):
        if not path.is_file():
            raise InputError(f"--csv-map {text!r} is neither FIELD=COLUMN pairs nor an existing JSON file")
        from byline.ingest._common import load_json

        data = load_json(path)
        if not isinstance(data, dict):
            raise InputError(
                f"a column mapping file holds one JSON object, got {type(data).__name__}", file=path
            )
        return check_mapping(data, file=path)
    pairs: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        fld, eq, col = part.partition("=")
        if not eq:
            raise InputError(
                f"column mapping item {part.strip()!r} is not FIELD=COLUMN (a column name with a "
                "comma needs a JSON mapping file)"
            )
        pairs[fld.strip().lower()] = col
    if not pairs:
        raise InputError("the column mapping is empty")
    return check_mapping(pairs)


def parse(
    path: Path, mapping: Mapping[str, str] | None = None, delimiter: str | None = None
) -> Iterator[Record]:
    """Rows as records. ``mapping`` maps record fields (see :data:`FIELDS`) to header names."""
    path = Path(path)
    with open_text(path) as fh:
        head = fh.read(65536)
        if not head.strip():
            raise InputError("file is empty", file=path)
        fh.seek(0)
        delim = delimiter or _delimiter(head)
        reader = _csv.reader(fh, delimiter=delim)
        try:
            header = next(reader)
        except _csv.Error as exc:
            raise InputError(f"CSV header does not parse: {exc}", file=path, line=1) from None
        header = [h.strip().lstrip("\ufeff").strip() for h in header]
        cols = _auto_mapping(header)
        if mapping:
            lowered = [h.lower() for h in header]
            for fld, col in check_mapping(mapping, file=path).items():
                if col.lower() not in lowered:
                    raise InputError(
                        f"column {col!r} (mapped to {fld}) is not in the header", file=path, line=1
                    )
                cols[fld] = lowered.index(col.lower())
        if "title" not in cols and "authors" not in cols and "doi" not in cols:
            raise InputError(
                "no title, author or DOI column recognised in the header; pass a column mapping "
                f"(header: {quote(', '.join(header[:12]))})",
                file=path,
                line=1,
            )
        line = reader.line_num + 1
        scopus = header[cols["authors"]].lower() == "author full names" if "authors" in cols else False
        try:
            for row in reader:
                start, line = line, reader.line_num + 1
                if not any(c.strip() for c in row):
                    continue
                if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
                    row = _long_row(path, start, row, header, delim)
                yield _record(path, start, row, cols, scopus=scopus)
        except _csv.Error as exc:
            raise InputError(f"CSV row does not parse: {exc}", file=path, line=reader.line_num) from None


# What a cell of a known column looks like (header lower-cased): used to find the cell that an unquoted
# delimiter split in two, in a row one cell longer than the header.
_CELL_SHAPES: dict[str, re.Pattern[str]] = {
    **dict.fromkeys(("year", "publication year", "py"), re.compile(r"\d{4}")),
    **dict.fromkeys(("doi", "di"), re.compile(r"(?:https?://(?:dx\.)?doi\.org/)?10\.\d+/\S+")),
    **dict.fromkeys(("pubmed id", "pmid"), re.compile(r"\d{1,9}")),
    "eid": re.compile(r"2-s2\.0-\d+"),
    "link": re.compile(r"https?://\S+"),
    "issn": re.compile(r"\d{4}-?\d{3}[\dXx]"),
    "coden": re.compile(r"[A-Z0-9]{5,6}"),
    **dict.fromkeys(
        ("volume", "issue", "page start", "page end", "page count", "cited by", "art. no."),
        re.compile(r"[\w.-]{1,12}"),
    ),
    "source": re.compile(r"Scopus|Web of Science|Embase|PubMed"),
    "publication stage": re.compile(r"Final|Article in Press"),
    "document type": re.compile(r"[A-Z][a-z]+(?: [A-Za-z]+){0,3}"),
    "language of original document": re.compile(r"[A-Z][a-z]+(?:; [A-Z][a-z]+)*"),
}


def _shape_score(row: list[str], header: list[str]) -> int:
    """Known-shape cells that fit their column minus those that do not (empty cells count nothing)."""
    score = 0
    for name, cell in zip(header, row, strict=False):
        pattern = _CELL_SHAPES.get(name.lower())
        if pattern is not None and cell.strip():
            score += 1 if pattern.fullmatch(cell.strip()) else -1
    return score


def _long_row(path: Path, line: int, row: list[str], header: list[str], delim: str) -> list[str]:
    """A row one cell longer than the header: the two cells an unquoted delimiter split are joined again
    where the cells of known shape (year, DOI, PubMed id, EID, CODEN...) then fit their columns best (among
    equals, where the text had ", "); when no join fits better, the row is read as it is. Either way a warning names the line."""
    n = len(header)
    msg = f"row has {len(row)} fields but the header has {n} (an unquoted delimiter?); "
    if len(row) == n + 1:
        candidates = [row[:i] + [row[i] + delim + row[i + 1]] + row[i + 2 :] for i in range(n)]
        scores = [_shape_score(c, header) for c in candidates]
        # best fit of the known-shape cells; among equals, the split that left ", " behind ("Part one, part two")
        best = max(range(n), key=lambda i: (scores[i], row[i + 1][:1].isspace(), -i))
        if scores[best] > _shape_score(row[:n], header):
            report(
                msg + f"{quote(row[best])} and {quote(row[best + 1])} read as one {header[best]!r} cell",
                file=path,
                line=line,
                skipped=False,
            )
            return candidates[best]
    report(msg + "its cells may be in the wrong columns", file=path, line=line, skipped=False)
    return row


def _cell(row: list[str], cols: dict[str, int], fld: str) -> str | None:
    i = cols.get(fld)
    if i is None or i >= len(row):
        return None
    v = row[i].strip()
    return v or None


def _list_literal(s: str) -> list[str] | None:
    if s.startswith("[") and s.endswith("]"):
        try:
            val = ast.literal_eval(s)
        except Exception:  # literal_eval raises many kinds on odd input
            return None
        if isinstance(val, (list, tuple)):
            return [str(x) for x in val if x is not None]
    return None


def _split_top(s: str, sep: str) -> list[str]:
    """Split on ``sep`` outside parentheses."""
    out: list[str] = []
    buf: list[str] = []
    depth = 0
    for ch in s:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch == sep and depth == 0:
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    out.append("".join(buf))
    return [x.strip() for x in out if x.strip()]


_SURNAME_INITIALS = re.compile(r"^(?P<sur>[^\W\d][\w'\-\s]*?)\s+(?P<ini>(?:[A-Z]\.?-?\s?){1,4})$")
_HONORIFIC = re.compile(r"^(?:(?:Prof|Dr|Professor|Mr|Mrs|Ms|Sir|PD)\.?\s+)+")
_SCOPUS_ID = re.compile(r"\s*\(\d+\)\s*$")
_PREFIXES = {
    "mc",
    "mac",
    "de",
    "di",
    "da",
    "du",
    "la",
    "le",
    "van",
    "von",
    "fitz",
    "o",
    "d",
    "l",
    "del",
    "della",
}


def split_concatenated(s: str) -> list[str]:
    """``"Araz R. AlievNigar T. Ismayilova"`` → two names: split where a lower-case letter meets an upper-case
    one, unless the lower-case run is a surname prefix (``McDermott``, ``DeSilva``, ``LeBlanc``)."""
    names, start = [], 0
    for i in range(1, len(s)):
        a, b = s[i - 1], s[i]
        if a.islower() and b.isupper():
            j = i - 1
            while j > 0 and s[j - 1].isalpha():
                j -= 1
            if s[j:i].lower() in _PREFIXES:
                continue
            names.append(s[start:i])
            start = i
    names.append(s[start:])
    return [n.strip() for n in names if n.strip()]


def _initials(ini: str) -> str:
    letters = re.findall(r"[A-Z]-?", ini)
    return " ".join(f"{x}." if not x.endswith("-") else x for x in letters).replace("- ", "-")


_SCOPUS_IDS = re.compile(r"\s*\(\d{3,}\)")
_PLACEHOLDER = re.compile(r"^\[[^\]'\"]*\]$")  # "[No author name available]", "[Anonymous]"


def split_authors(cell: str | None, *, inverted: bool = False) -> list[str]:
    """One author cell → names in ``Given Surname`` order where the cell makes the order clear.

    ``inverted``: the cell lists ``Surname, Given`` names separated by ``;`` (Scopus "Author full names"),
    so a multi-word surname stays one name. Scopus author ids (``Lederman, Zohar (54879650100)``) are
    stripped, and a placeholder such as ``[No author name available]`` is no author.
    """
    if not cell:
        return []
    s = cell.strip()
    if _SCOPUS_IDS.search(s):  # only Scopus prints ids after names: its names are "Surname, Given"
        s, inverted = _SCOPUS_IDS.sub("", s).strip(), True
    if inverted:
        items = [x.strip() for x in s.split(";")]
        return [invert_name(x) for x in items if x and not _PLACEHOLDER.match(x)]
    if _PLACEHOLDER.match(s):
        return []
    lit = _list_literal(s)
    if lit is not None:
        items = lit
    elif ";" in s:
        items = [x for x in (p.strip() for p in s.split(";")) if x]
    elif "," in s:
        parts = [p.strip() for p in s.split(",") if p.strip()]
        if all(_SURNAME_INITIALS.match(p) for p in parts):
            # Embase/Scopus "Liu R., Adler D.G."
            out = []
            for p in parts:
                m = _SURNAME_INITIALS.match(p)
                assert m is not None
                out.append(f"{_initials(m.group('ini'))} {m.group('sur').strip()}")
            return out
        if len(parts) == 2 and " " not in parts[0] and len(parts[1].split()) <= 3:
            return [invert_name(s)]  # a single "Surname, Given"
        items = parts
    else:
        items = split_concatenated(s) if re.search(r"[a-z][A-Z]", s) else [s]
    out = []
    for item in items:
        item = _SCOPUS_ID.sub("", item)
        item = _HONORIFIC.sub("", item).strip()
        if not item or _PLACEHOLDER.match(item):
            continue
        m = _SURNAME_INITIALS.match(item) if "," not in item else None
        if m and "." in m.group("ini") and len(item.split()) == 2:
            item = f"{_initials(m.group('ini'))} {m.group('sur').strip()}"
        out.append(invert_name(item) if "," in item else item)
    return out


_INITIALS_CELL = re.compile(r"(?:[A-Z][a-z]?\.-?\s?){1,4}|[A-Z]{1,3}")


def _affiliation_of(part: str) -> str:
    """The affiliation in one Scopus "Authors with affiliations" item: ``Hao J., Dept X, Univ Y`` (current
    layout) or ``Beckman, J.C., Beckman Institute, ...`` (older layout: the initials are a field of their own)."""
    fields = [f.strip() for f in part.split(",")]
    if len(fields) >= 3 and _INITIALS_CELL.fullmatch(fields[1]):
        return ", ".join(fields[2:])
    return ", ".join(fields[1:])


_EID = re.compile(r"2-s2\.0-\d+")  # a Scopus record id
_VENUE_YEAR = re.compile(r"^(?P<venue>.+?)\s*\((?P<year>\d{4})\).*$")


def _open_url_ids(url: str | None) -> dict[str, str]:
    """``doi`` / ``pmid`` from an OpenURL query (``...&id=doi:10.4103%2F2303-9027.138783&id=pmid:123``)."""
    if not url or "id=" not in url:
        return {}
    from urllib.parse import parse_qs, urlsplit

    out: dict[str, str] = {}
    for value in parse_qs(urlsplit(url).query).get("id", []):
        kind, _, v = value.partition(":")
        if kind.lower() in ("doi", "pmid") and v.strip():
            out.setdefault(kind.lower(), v.strip())
    return out


def _pmid(path: Path, line: int, value: str | None) -> str | None:
    if value is None or value.strip().isdigit():
        return value
    report(f"PubMed id {quote(value)} is not a number; left out", file=path, line=line, skipped=False)
    return None


def _record(path: Path, line: int, row: list[str], cols: dict[str, int], *, scopus: bool = False) -> Record:
    names = split_authors(_cell(row, cols, "authors"), inverted=scopus)
    affs_cell = _cell(row, cols, "affiliations")
    affs = [a.strip() for a in affs_cell.split(";")] if affs_cell else []
    with_affs = _cell(row, cols, "authors_with_affiliations")
    if with_affs:
        affs = [_affiliation_of(p) for p in with_affs.split(";")]
    per_author: list[str | None] = list(affs) if len(affs) == len(names) else [None] * len(names)
    authors = [make_author(n, [a] if a else []) for n, a in zip(names, per_author, strict=True)]
    venue = _cell(row, cols, "venue")
    year: Any = _cell(row, cols, "year")
    if venue:
        m = _VENUE_YEAR.match(venue)
        if m:  # Embase "Cancer (2004) 102:4 (253-258). Date of Publication: ..."
            venue, year = m.group("venue"), year or m.group("year")
    year = year or _cell(row, cols, "date")
    url_ids = _open_url_ids(_cell(row, cols, "open_url"))
    kw_cell = _cell(row, cols, "keywords") or ""
    keywords = _list_literal(kw_cell) or (
        _split_top(kw_cell, ";") if ";" in kw_cell else _split_top(kw_cell, ",")
    )
    return make_record(
        path,
        NAME,
        line=line,
        key=_cell(row, cols, "id"),
        title=_cell(row, cols, "title"),
        authors=authors,
        year=year,
        venue=venue,
        abstract=_cell(row, cols, "abstract"),
        keywords=keywords,
        ids={
            "doi": _cell(row, cols, "doi") or url_ids.get("doi"),
            "arxiv": _cell(row, cols, "arxiv"),
            "pmid": _pmid(path, line, _cell(row, cols, "pmid") or url_ids.get("pmid")),
            "eid": eid if (eid := _cell(row, cols, "id")) and _EID.fullmatch(eid) else None,
        },
    )
