"""Web of Science field-tagged plain text (``FN``/``VR`` header, ``PT`` ... ``ER`` records).

Two-letter tag, a space, the value; continuation lines start with three spaces. ``AF`` (full names) is
preferred over ``AU``; ``C1`` addresses of the form ``[Name; Name] Address`` become author affiliations.
Often saved with a ``.ris`` or ``.txt`` extension, so it is recognised by content.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from byline._errors import InputError
from byline.ingest._common import invert_name, iter_lines, make_author, make_record
from byline.records import Record

NAME = "wos"

_LINE = re.compile(r"^\ufeff?([A-Z][A-Z0-9]) (.*)$|^\ufeff?([A-Z][A-Z0-9])$")
_LIST_TAGS = {"AU", "AF", "C1", "CR", "BA", "BF", "ED"}


def sniff(head: str, path: Path) -> float:
    lines = [ln.lstrip("\ufeff") for ln in head.splitlines()[:200] if ln.strip()]
    if not lines:
        return 0.0
    tags = {ln[:2] for ln in lines if _LINE.match(ln)}
    if re.match(r"^(FN |VR |PT )", lines[0]) and ("PT" in tags or "FN" in tags) and tags & {"AU", "TI", "AF"}:
        return 0.97
    if lines[0].startswith("PT ") and "ER" in tags:
        return 0.8
    return 0.0


def parse(path: Path) -> Iterator[Record]:
    path = Path(path)
    fields: dict[str, list[str]] | None = None
    tag_lines: dict[str, int] = {}
    start = 0
    last: str | None = None
    count = 0
    seen_any = False
    for n, raw in iter_lines(path):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        seen_any = True
        if line.startswith("   ") and last is not None and fields is not None:
            vals = fields[last]
            if last in _LIST_TAGS:
                vals.append(line.strip())
            else:
                vals[-1] = f"{vals[-1]} {line.strip()}"
            continue
        m = _LINE.match(line)
        if not m:
            raise InputError(f"not a Web of Science field line: {line[:40]!r}", file=path, line=n)
        tag = m.group(1) or m.group(3)
        value = (m.group(2) or "").strip()
        if tag in ("FN", "VR", "EF"):
            last = None
            continue
        if tag == "PT":
            if fields is not None:
                count += 1
                yield _record(path, start, fields, tag_lines)
            fields, start, tag_lines = {}, n, {}
        elif tag == "ER":
            if fields is not None:
                count += 1
                yield _record(path, start, fields, tag_lines)
            fields, last = None, None
            continue
        if fields is None:
            fields, start, tag_lines = {}, n, {}
        fields.setdefault(tag, []).append(value)
        tag_lines.setdefault(tag, n)
        last = tag
    if fields:
        count += 1
        yield _record(path, start, fields, tag_lines)
    if not seen_any:
        raise InputError("file is empty", file=path)
    if count == 0:
        raise InputError("no Web of Science records found (no 'PT ' lines)", file=path)


def _one(fields: dict[str, list[str]], tag: str) -> str | None:
    vals = fields.get(tag)
    return vals[0] if vals else None


def _record(path: Path, line: int, fields: dict[str, list[str]], tag_lines: dict[str, int]) -> Record:
    short = fields.get("AU", [])
    full = fields.get("AF", [])
    names = full if len(full) >= len(short) and full else short
    # Affiliations: "[Last, First; Last, First] Address" lines, matched on the printed AF/AU names.
    affs: dict[str, list[str]] = {}
    for addr in fields.get("C1", []):
        m = re.match(r"^\[(.*?)\]\s*(.*)$", addr)
        if m:
            for who in m.group(1).split(";"):
                affs.setdefault(who.strip().lower(), []).append(m.group(2))
    unlinked = [a for a in fields.get("C1", []) if not a.startswith("[")]
    emails = [e.strip() for e in ";".join(fields.get("EM", [])).split(";") if e.strip()]
    # ORCID iDs: "OI Lee, Jaeseong/0000-0002-1825-0097; Kim, M/0000-..." matched on the printed names
    orcids: dict[str, str] = {}
    for item in ";".join(fields.get("OI", [])).split(";"):
        who, _, oid = item.rpartition("/")
        if who.strip() and oid.strip():
            orcids[who.strip().lower()] = oid.strip()
    authors = []
    for raw_name in names:
        a_affs = affs.get(raw_name.strip().lower(), [])
        if not a_affs and len(unlinked) == 1:
            a_affs = unlinked
        orcid = orcids.get(raw_name.strip().lower())
        authors.append(make_author(invert_name(raw_name, expand_initials=True), a_affs, orcid=orcid))
    keywords: list[str] = []
    for tag in ("DE", "ID"):
        for v in fields.get(tag, []):
            keywords.extend(k.strip() for k in v.split(";") if k.strip())
    ut = _one(fields, "UT")
    return make_record(
        path,
        NAME,
        line=line,
        key=ut,
        title=" ".join(fields.get("TI", [])) or None,
        authors=authors,
        year=_one(fields, "PY"),
        venue=_one(fields, "SO"),
        abstract=" ".join(fields.get("AB", [])) or None,
        keywords=keywords,
        ids={"doi": _one(fields, "DI"), "pmid": _one(fields, "PM"), "wos": ut},
        extra={"type": _one(fields, "PT") or "", "emails": emails, "addresses": unlinked},
        field_lines={
            "title": tag_lines.get("TI"),
            "authors": tag_lines.get("AF" if names is full else "AU"),
            "year": tag_lines.get("PY"),
            "venue": tag_lines.get("SO"),
            "abstract": tag_lines.get("AB"),
            "keywords": tag_lines.get("DE", tag_lines.get("ID")),
            "ids": tag_lines.get("DI"),
        },
    )
