"""A person's works as downloadable files: BibTeX, CSV and JSON (the person page's export buttons).

Pure functions over the dictionaries the backend serves (a person, and each of their works), so the
web app needs nothing more from the store than the pages already use.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

EXPORT_TYPES = {
    "bib": "application/x-bibtex; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
CSV_FIELDS = ("person_id", "person_name", "work_id", "title", "year", "venue", "authors", "doi", "arxiv",
              "abstract", "confidence")  # fmt: skip

_BIB_SPECIAL = re.compile(r"([\\{}%&#_$^~])")
_BIB_REPLACE = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def _bib(value: Any) -> str:
    """A BibTeX field value: braces and TeX specials escaped, whitespace folded."""
    text = " ".join(str(value).split())
    return _BIB_SPECIAL.sub(lambda m: _BIB_REPLACE.get(m.group(1), "\\" + m.group(1)), text)


def _authors(work: Mapping[str, Any]) -> list[str]:
    names = []
    for a in work.get("authors") or []:
        name = a.get("name") if isinstance(a, Mapping) else a
        if name and not (isinstance(a, Mapping) and a.get("implicit")):
            names.append(str(name))
    return names


def _work_rows(person: Mapping[str, Any], works: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One merged row per work of ``person``: the profile row completed by the full work record."""
    rows = []
    for ref in person.get("works") or []:
        full = works.get(ref.get("id"), {})
        ids = dict(full.get("ids") or ref.get("ids") or {})
        rows.append(
            {
                "id": ref.get("id"),
                "title": full.get("title") or ref.get("title"),
                "year": full.get("year") or ref.get("year"),
                "venue": full.get("venue") or ref.get("venue"),
                "authors": _authors(full) or [str(a) for a in ref.get("authors") or []],
                "abstract": full.get("abstract"),
                "ids": ids,
                "confidence": ref.get("confidence"),
            }
        )
    return rows


def to_bibtex(person: Mapping[str, Any], works: Mapping[str, Mapping[str, Any]]) -> str:
    out = [f"% {person.get('name', '')} ({person.get('id', '')}): works exported by byline\n"]
    for r in _work_rows(person, works):
        fields: list[tuple[str, Any]] = [
            ("author", " and ".join(r["authors"])),
            ("title", r["title"]),
            ("year", r["year"]),
            ("journal" if r["venue"] else "", r["venue"]),
            ("doi", r["ids"].get("doi")),
        ]
        if r["ids"].get("arxiv"):
            fields += [("eprint", r["ids"]["arxiv"]), ("archiveprefix", "arXiv")]
        if r["abstract"]:
            fields.append(("abstract", r["abstract"]))
        kind = "article" if r["venue"] else "misc"
        body = ",\n".join(f"  {k} = {{{_bib(v)}}}" for k, v in fields if k and v not in (None, ""))
        out.append(f"@{kind}{{{r['id']},\n{body}\n}}\n")
    return "\n".join(out)


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(person: Mapping[str, Any], works: Mapping[str, Mapping[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for r in _work_rows(person, works):
        writer.writerow([_cell(v) for v in (
            person.get("id"), person.get("name"), r["id"], r["title"], r["year"], r["venue"],
            "; ".join(r["authors"]), r["ids"].get("doi"), r["ids"].get("arxiv"), r["abstract"], r["confidence"],
        )])  # fmt: skip
    return buf.getvalue()


def to_json(person: Mapping[str, Any], works: Mapping[str, Mapping[str, Any]]) -> str:
    doc = {
        "id": person.get("id"),
        "name": person.get("name"),
        "variants": person.get("variants") or [],
        "orcids": person.get("orcids") or [],
        "affiliations": person.get("affiliations") or [],
        "works": [
            {k: v for k, v in r.items() if v not in (None, "", [], {})} for r in _work_rows(person, works)
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render(fmt: str, person: Mapping[str, Any], works: Mapping[str, Mapping[str, Any]]) -> str:
    if fmt == "bib":
        return to_bibtex(person, works)
    if fmt == "csv":
        return to_csv(person, works)
    if fmt == "json":
        return to_json(person, works)
    raise ValueError(f"unknown export format {fmt!r}")


def work_ids(person: Mapping[str, Any]) -> Sequence[str]:
    return [w["id"] for w in person.get("works") or [] if w.get("id")]
