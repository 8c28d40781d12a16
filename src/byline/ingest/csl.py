"""CSL-JSON (citeproc JSON, as exported by Zotero, pandoc, manubot): a list of items, or one item.

Authors with ``family``/``given`` become ``"Given Family"``; ``literal`` names are kept as printed.
``issued.date-parts`` may hold strings, ranges, ``null`` or too many parts; ``raw``/``literal`` dates are
read too. HTML markup in titles (``<b>``, ``<i>``) is stripped. Short DOIs (``10/abc``) fall back to a
``doi.org`` URL when one is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from byline._errors import InputError
from byline.ingest._common import (
    as_list,
    given_surname,
    head_text,
    is_multiline_jsonl,
    iter_jsonl,
    load_json,
    make_author,
    make_record,
    read_nonempty_text,
)
from byline.ingest._problems import report
from byline.records import Author, Record

NAME = "csl"

_CSL_KEYS = (
    '"container-title"',
    '"date-parts"',
    '"citation-key"',
    '"issued"',
    '"family"',
    '"literal"',
    '"title-short"',
    '"collection-title"',
)
_CSL_TYPES = re.compile(
    r'"type"\s*:\s*"(article-journal|article|paper-conference|book|chapter|report|thesis|'
    r"webpage|entry|article-newspaper|article-magazine|manuscript|dataset|post|post-weblog|"
    r'entry-encyclopedia|entry-dictionary|speech|motion_picture|song|legal_case|software)"'
)
_TAG = re.compile(r"<[^>]{1,200}>")


def sniff(head: str, path: Path) -> float:
    s = head.lstrip("\ufeff \t\r\n")
    if not s.startswith(("[", "{")):
        return 0.0
    if any(m in head for m in ('"paperId"', "openalex.org/W", '"authorships"', "<feed", '"message-type"')):
        return 0.0
    hits = sum(k in head for k in _CSL_KEYS)
    typed = bool(_CSL_TYPES.search(head))
    if typed and hits >= 1:
        return 0.9
    if hits >= 2 or (typed and path.name.lower().endswith((".csl.json", ".csljson"))):
        return 0.7
    return 0.0


def parse(path: Path) -> Iterator[Record]:
    path = Path(path)
    if is_multiline_jsonl(head_text(path)):  # streamed line by line
        items: Iterator[tuple[int | None, int | None, Any]] = ((n, None, obj) for n, obj in iter_jsonl(path))
    else:
        data = load_json(path, read_nonempty_text(path))
        listed = (
            data if isinstance(data, list) else data.get("items", [data]) if isinstance(data, dict) else None
        )
        if not isinstance(listed, list):
            raise InputError(f"expected a CSL-JSON list of items, got {type(data).__name__}", file=path)
        items = ((None, i, item) for i, item in enumerate(listed) if item is not None)
    good, bad = 0, None
    for line, index, item in items:
        if isinstance(item, dict):
            good += 1
            yield _record(path, item, line=line, index=index)
            continue
        where = f"item {index}" if index is not None else "this line"
        msg = f"{where}: expected a CSL item object, got {type(item).__name__}"
        bad = bad or (msg, line)
        report(msg, file=path, line=line, skipped=True)
    if not good and bad is not None:  # nothing in the file is an item: the wrong file
        raise InputError(bad[0], file=path, line=bad[1])


def _strip_html(s: Any) -> Any:
    return _TAG.sub("", s) if isinstance(s, str) else s


def csl_year(date: Any) -> int | str | None:
    """The year of a CSL date object: first date-part, ``raw`` / ``literal`` string, or ``season``-free text."""
    if isinstance(date, dict):
        parts = date.get("date-parts")
        if isinstance(parts, list) and parts:
            first = parts[0]
            if isinstance(first, list) and first:
                y = first[0]
                if isinstance(y, (int, str)) and not isinstance(y, bool):
                    return y
            elif isinstance(first, (int, str)) and not isinstance(first, bool):
                return first  # a flat [2018, 10] list
        for k in ("raw", "literal"):
            if isinstance(date.get(k), str):
                return date[k]
        return None
    if isinstance(date, (str, int)) and not isinstance(date, bool):
        return date
    if isinstance(date, list) and date:  # bare date-parts
        return csl_year({"date-parts": date})
    return None


def _author(a: Any) -> Author | None:
    if isinstance(a, str):
        return make_author(a)
    if not isinstance(a, dict):
        return None
    orcid = a.get("ORCID") or a.get("orcid")  # CSL from doi.org content negotiation carries Crossref's
    if a.get("literal"):
        return make_author(a["literal"], orcid=orcid)
    particle = " ".join(str(a[k]) for k in ("dropping-particle", "non-dropping-particle") if a.get(k)) or None
    return make_author(
        given_surname(a.get("given"), a.get("family"), particle=particle, suffix=a.get("suffix")), orcid=orcid
    )


def _record(path: Path, item: Any, *, line: int | None, index: int | None) -> Record:
    if not isinstance(item, dict):
        where = f"item {index}" if index is not None else "this line"
        raise InputError(
            f"{where}: expected a CSL item object, got {type(item).__name__}", file=path, line=line
        )
    doi = item.get("DOI")
    url = item.get("URL")
    if (
        isinstance(doi, str)
        and doi.strip().startswith("10/")
        and isinstance(url, str)
        and "doi.org/10." in url
    ):
        doi = url  # a shortDOI; the URL carries the full one
    ids: dict[str, Any] = {"doi": doi, "pmid": item.get("PMID"), "isbn": item.get("ISBN")}
    if isinstance(url, str) and "arxiv.org/abs/" in url:
        ids["arxiv"] = url
    kw = item.get("keyword")
    keywords = (
        re.split(r"\s*[;,]\s*", kw) if isinstance(kw, str) else [k for k in as_list(kw) if isinstance(k, str)]
    )
    key = item.get("id") if item.get("id") is not None else (f"[{index}]" if index is not None else None)
    return make_record(
        path,
        NAME,
        line=line,
        key=None if key is None else str(key),
        title=_strip_html(item.get("title")),
        authors=[_author(a) for a in as_list(item.get("author"))],
        year=csl_year(item.get("issued")),
        venue=_strip_html(
            item.get("container-title") or item.get("collection-title") or item.get("publisher")
        ),
        abstract=_strip_html(item.get("abstract")),
        keywords=keywords,
        ids=ids,
        extra={"type": item["type"]} if isinstance(item.get("type"), str) else {},
    )
