"""RIS (``TY  - JOUR`` ... ``ER  -``): one record per ``TY`` block, with the line of its ``TY``.

A tolerant streaming reader rather than rispy: BOM, CRLF mixed with bare CR, lines without a tag continue
the previous field (each one is a new value for list tags such as ``KW`` and ``AU``), an author repeated on
the next line is dropped (IEEE Xplore exports), records without ``ER`` end at the next ``TY``.
A Web of Science or MEDLINE file handed to this parser is read by :mod:`byline.ingest.wos` /
:mod:`byline.ingest.medline`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from byline._errors import InputError
from byline.ingest import medline, wos
from byline.ingest._common import (
    clean,
    invert_name,
    iter_lines,
    make_author,
    make_record,
    undouble,
)
from byline.ingest._problems import quote, report
from byline.records import Record

NAME = "ris"

_TAG = re.compile(r"^\ufeff?([A-Z][A-Z0-9])  ?-(?: (.*)|\s*)$")
_LIST_TAGS = {"AU", "A1", "KW", "A2", "A3", "A4", "ED", "AD"}
_AUTHOR_TAGS = ("AU", "A1")
_TITLE_TAGS = ("TI", "T1", "CT", "ST")
_VENUE_TAGS = ("T2", "JO", "JF", "JA", "J2", "BT", "T3", "PB")
_YEAR_TAGS = ("PY", "Y1", "DA", "Y2")
_ABSTRACT_TAGS = ("AB", "N2")


def sniff(head: str, path: Path) -> float:
    if wos.sniff(head, path) >= 0.5 or medline.sniff(head, path) >= 0.5:
        return 0.0
    lines = [ln for ln in head.splitlines()[:400] if ln.strip()]
    if not lines:
        return 0.0
    tagged = [m.group(1) for m in (_TAG.match(ln) for ln in lines) if m]
    if not tagged:
        return 0.0
    if "TY" in tagged[:3]:
        return 0.97
    if "TY" in tagged and len(tagged) >= 3:
        return 0.85
    return 0.5 if len(tagged) / len(lines) > 0.5 and len(tagged) >= 3 else 0.1


def parse(path: Path) -> Iterator[Record]:
    path = Path(path)
    lines = iter_lines(path)
    buffered: list[tuple[int, str]] = []
    # Peek at the start: a WoS file given to the RIS parser is read as WoS.
    for n, line in lines:
        buffered.append((n, line))
        if line.strip():
            break
    if not buffered or not any(ln.strip() for _, ln in buffered):
        raise InputError("file is empty", file=path)
    first = buffered[-1][1].lstrip("\ufeff")
    if re.match(r"^(FN|VR|PT) ", first):
        yield from wos.parse(path)
        return
    if first.startswith("PMID-"):
        yield from medline.parse(path)
        return

    def all_lines() -> Iterator[tuple[int, str]]:
        yield from buffered
        yield from lines

    fields: dict[str, list[str]] | None = None
    tag_lines: dict[str, int] = {}
    start = 0
    last_tag: str | None = None
    count = 0
    for n, raw in all_lines():
        line = raw.rstrip("\r")
        m = _TAG.match(line)
        if m:
            tag, value = m.group(1), (m.group(2) or "").strip()
            if tag == "TY":
                if fields is not None:
                    count += 1
                    yield _record(path, start, fields, tag_lines)
                fields, start, tag_lines = {"TY": [value]}, n, {"TY": n}
            elif tag == "ER":
                if fields is not None:
                    count += 1
                    yield _record(path, start, fields, tag_lines)
                fields, last_tag = None, None
                continue
            else:
                if fields is None:  # a record without TY
                    fields, start, tag_lines = {}, n, {}
                fields.setdefault(tag, []).append(value)
                tag_lines.setdefault(tag, n)
            last_tag = tag
        elif line.strip() and fields is not None and last_tag is not None:
            vals = fields[last_tag]
            if last_tag in _LIST_TAGS:
                vals.append(line.strip())
            else:
                vals[-1] = f"{vals[-1]} {line.strip()}".strip()
    if fields is not None and len(fields) > 1:
        count += 1
        yield _record(path, start, fields, tag_lines)
    if count == 0:
        raise InputError("no RIS records found (no 'TY  - ' lines)", file=path)


def _first(fields: dict[str, list[str]], tags: tuple[str, ...]) -> str | None:
    for t in tags:
        for v in fields.get(t, []):
            if v.strip():
                return v
    return None


def _record(path: Path, line: int, fields: dict[str, list[str]], tag_lines: dict[str, int]) -> Record:
    lists = [
        [invert_name(v, expand_initials=True) for v in fields.get(t, []) if v.strip()] for t in _AUTHOR_TAGS
    ]
    names = lists[0] if lists[0] == lists[1] else [n for names_of_tag in lists for n in names_of_tag]
    once = undouble(names)
    if len(once) < len(names):
        report(
            f"author list written twice over ({len(names)} names); read once, "
            f"dropped the second copy of each of {len(once)}: {quote('; '.join(once))}",
            file=path,
            line=tag_lines.get("AU") or tag_lines.get("A1") or line,
            skipped=False,
        )
    elif len(names) > 2 and len(set(names)) == 1:
        report(
            f"one author name printed {len(names)} times ({quote(names[0])}); all kept",
            file=path,
            line=tag_lines.get("AU") or tag_lines.get("A1") or line,
            skipped=False,
        )
    names = once
    truncated = bool(names) and names[-1].lower() in ("et al.", "et al", "others")
    if truncated:
        names = names[:-1]
    ids: dict[str, str | None] = {"doi": _first(fields, ("DO", "DI", "M3"))}
    for url in fields.get("UR", []) + fields.get("L2", []):
        if not ids.get("doi") and "doi.org/" in url:
            ids["doi"] = url
        if "arxiv.org/abs/" in url:
            ids["arxiv"] = url
    an = _first(fields, ("AN",))
    source_db = " ".join((fields.get("DB") or [""])[:1] + (fields.get("DP") or [""])[:1]).lower()
    if (
        an
        and an.strip().isdigit()
        and ("pubmed" in source_db or "nlm" in source_db or "medline" in source_db)
    ):
        ids["pmid"] = an.strip()
    # AD lists addresses for the record, not per author: only a single author can be given them safely.
    addresses = [a for a in (clean(x) for x in fields.get("AD", [])) if a]
    keywords: list[str] = []
    for kw in fields.get("KW", []):
        keywords.extend(k for k in re.split(r"\s*;\s*", kw) if k)
    return make_record(
        path,
        NAME,
        line=line,
        key=_first(fields, ("ID", "AN")),
        title=_first(fields, _TITLE_TAGS),
        authors=[make_author(n, addresses if len(names) == 1 else ()) for n in names],
        authors_truncated=truncated,
        year=_first(fields, _YEAR_TAGS),
        venue=_first(fields, _VENUE_TAGS),
        abstract=_first(fields, _ABSTRACT_TAGS),
        keywords=keywords,
        ids=ids,
        extra={
            "type": (fields.get("TY") or [""])[0],
            **({"addresses": addresses} if addresses else {}),
            **({"volume": vol} if (vol := clean(_first(fields, ("VL",)))) else {}),
        },
        field_lines=_field_lines(tag_lines),
    )


_FIELD_TAGS = {
    "title": _TITLE_TAGS,
    "authors": _AUTHOR_TAGS,
    "year": _YEAR_TAGS,
    "venue": _VENUE_TAGS,
    "abstract": _ABSTRACT_TAGS,
    "keywords": ("KW",),
    "ids": ("DO", "DI", "M3"),
}


def _field_lines(tag_lines: dict[str, int]) -> dict[str, int | None]:
    return {f: next((tag_lines[t] for t in tags if t in tag_lines), None) for f, tags in _FIELD_TAGS.items()}
