"""Semantic Scholar Graph API papers.

Accepted shapes: one paper object; ``/citations`` and ``/references`` items (the paper is ``citingPaper`` /
``citedPaper``); ``{"data": [...]}`` pages; ``/paper/batch`` lists (``null`` for ids not found); JSON lines;
and vcrpy YAML cassettes of API calls (each response body is unwrapped and read as above).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from byline._errors import InputError
from byline.ingest._common import (
    as_list,
    head_text,
    is_multiline_jsonl,
    iter_jsonl,
    load_json,
    make_author,
    make_record,
    read_nonempty_text,
)
from byline.ingest._problems import report
from byline.records import Record

NAME = "s2"

# camelCase from the Graph API, lower case in the bulk datasets ("papers" JSONL)
_MARKERS = (
    '"paperId"',
    '"citingPaper"',
    '"citedPaper"',
    '"externalIds"',
    '"corpusId"',
    '"authorId"',
    '"externalids"',
    '"corpusid"',
    '"publicationvenueid"',
)


def sniff(head: str, path: Path) -> float:
    s = head.lstrip("\ufeff \t\r\n")
    if s.startswith("interactions:") or ("interactions:" in head[:200] and "semanticscholar.org" in head):
        return 0.95 if "semanticscholar.org" in head else 0.3
    if not s.startswith(("{", "[")):
        return 0.0
    hits = sum(m in head for m in _MARKERS)
    if '"paperId"' in head and "openalex.org/W" not in head:
        return 0.95
    return 0.5 if hits >= 2 else 0.0


def parse(path: Path) -> Iterator[Record]:
    path = Path(path)
    if is_multiline_jsonl(head_text(path)):  # streamed line by line
        for n, obj in iter_jsonl(path):
            yield from _records(path, obj, line=n, where=f"line {n}")
        return
    text = read_nonempty_text(path)
    stripped = text.lstrip("\ufeff \t\n")
    if stripped.startswith(("interactions:", "---", "version:")) or path.suffix.lower() in (".yaml", ".yml"):
        yield from _parse_cassette(path, text)
        return
    yield from _records(path, load_json(path, text), line=None, where="document")


def _parse_cassette(path: Path, text: str) -> Iterator[Record]:
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is a dependency
        raise InputError("reading a YAML cassette needs PyYAML (pip install pyyaml)", file=path) from None
    try:
        doc = yaml.safe_load(text)
    except RecursionError:
        raise InputError("invalid YAML: nested too deeply", file=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            f"invalid YAML: {getattr(exc, 'problem', exc)}",
            file=path,
            line=None if mark is None else mark.line + 1,
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("interactions"), list):
        raise InputError("a YAML file here must be a vcrpy cassette with 'interactions'", file=path)
    for i, inter in enumerate(doc["interactions"]):
        resp = inter.get("response") if isinstance(inter, dict) else None
        body = resp.get("body") if isinstance(resp, dict) else None
        if isinstance(body, dict):
            body = body.get("string")
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        if not isinstance(body, str) or not body.strip():
            continue
        import json

        try:
            data = json.loads(body)
        except json.JSONDecodeError as exc:
            raise InputError(f"interaction {i}: response body is not JSON ({exc.msg})", file=path) from None
        except RecursionError:
            raise InputError(f"interaction {i}: response body nested too deeply", file=path) from None
        yield from _records(path, data, line=None, where=f"interaction {i}")


def _records(path: Path, data: Any, *, line: int | None, where: str) -> Iterator[Record]:
    list_key = next(
        (
            k
            for k in ("data", "papers", "recommendedPapers")
            if isinstance(data, dict) and isinstance(data.get(k), list) and "paperId" not in data
        ),
        None,
    )
    if list_key is not None:  # pages, an author with their "papers", recommendations
        items: list[Any] = data[list_key]
    elif isinstance(data, list):
        items = data
    else:
        items = [data]
    for i, item in enumerate(items):
        if item is None:
            continue  # batch lookups return null for ids that were not found
        if not isinstance(item, dict):
            msg = f"{where}, item {i}: expected a paper object, got {type(item).__name__}"
            if not any(isinstance(x, dict) for x in items):  # nothing here is a paper: the wrong file
                raise InputError(msg, file=path, line=line)
            report(msg, file=path, line=line, skipped=True)
            continue
        paper = item
        for key in ("citingPaper", "citedPaper", "paper"):
            if isinstance(item.get(key), dict):
                paper = item[key]
                break
        yield paper_record(path, paper, line=line, index=i if len(items) > 1 else None)


def _venue(paper: dict[str, Any]) -> Any:
    pv = paper.get("publicationVenue")
    if isinstance(pv, dict) and pv.get("name"):
        return pv["name"]
    if isinstance(paper.get("venue"), str) and paper["venue"].strip():
        return paper["venue"]
    j = paper.get("journal")
    if isinstance(j, dict) and j.get("name"):
        return j["name"]
    return None


def paper_record(
    path: Path, paper: dict[str, Any], *, line: int | None = None, index: int | None = None
) -> Record:
    """One Graph API paper object as a :class:`Record`."""
    ext_raw = paper.get("externalIds", paper.get("externalids"))
    ext = ext_raw if isinstance(ext_raw, dict) else {}
    authors = []
    for a in as_list(paper.get("authors")):
        if isinstance(a, dict):
            authors.append(make_author(a.get("name"), as_list(a.get("affiliations"))))
        elif isinstance(a, str):
            authors.append(make_author(a))
    pid = paper.get("paperId")
    corpus = paper.get("corpusId") or paper.get("corpusid") or ext.get("CorpusId")
    key = (
        pid
        or (f"CorpusId:{corpus}" if corpus is not None else None)
        or (f"[{index}]" if index is not None else None)
    )
    return make_record(
        path,
        NAME,
        line=line,
        key=key,
        title=paper.get("title"),
        authors=authors,
        year=paper.get("year") or paper.get("publicationDate") or paper.get("publicationdate"),
        venue=_venue(paper),
        abstract=paper.get("abstract"),
        keywords=[f for f in as_list(paper.get("fieldsOfStudy")) if isinstance(f, str)],
        ids={
            "doi": ext.get("DOI"),
            "arxiv": ext.get("ArXiv"),
            "pmid": ext.get("PubMed"),
            "s2": pid,
            "corpus_id": None if corpus is None else str(corpus),
            "dblp": ext.get("DBLP"),
        },
        extra=_cited_by(paper.get("citationCount", paper.get("citationcount"))),
    )


def _cited_by(value: Any) -> dict[str, int]:
    """``{"cited_by_count": n}`` when the source gives a citation count (kept in ``Record.extra``)."""
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return {"cited_by_count": value} if ok else {}
