"""Person summaries and the one exporter (pure: signatures in, dicts / files out).

:func:`summarize` turns one person's signatures into a :class:`Profile` (works, name variants,
coauthors, affiliations, years, top topic terms); :func:`to_openalex` shapes it like an OpenAlex
author object; :func:`render` / :func:`export` give JSON (OpenAlex-shaped), CSV (:data:`EXPORT_COLUMNS`),
BibTeX or Parquet. The CLI (``byline person ID --export``) and the web app's download buttons both
call these, so a person exports the same from either; :class:`WorkDetails` carries what the full work
records add (every author, identifiers, the work's ``fit`` to the person when it was scored).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from byline._errors import InputError
from byline.records import Signature
from byline.topics import TopicText, keyphrases

EXPORT_FORMATS = ("json", "csv", "parquet", "bib")

_TOKEN = re.compile(r"[a-z][a-z0-9\-]{2,}")
_URL = re.compile(r"(?:https?://|ftp://|www\.)\S+|\S+@\S+\.\S+|\b\S+\.(?:com|org|net|edu|io)(?:/\S*)?", re.I)

# Words that never make a topic, besides the English stop words (one list: edit here, nowhere else).
# Research-paper boilerplate ...
# fmt: off
_BOILERPLATE_STOP = frozenset(
    [
        "paper", "propose", "proposed", "approach", "approaches", "method", "methods", "result", "results", "show",
        "shows", "using", "based", "novel", "new", "study", "work", "works", "also", "can", "however", "model",
        "models", "existing", "performance", "task", "tasks", "data", "achieve", "achieves", "achieving", "improve",
        "improves", "improved", "significantly", "significant", "state-of-the-art", "via", "use", "used", "two",
        "one", "first", "well", "large", "small", "while", "across", "different", "various", "recent", "recently",
        "further", "thus", "demonstrate", "introduce", "framework", "present", "problem", "key", "leading", "without",
        "within", "able", "previous", "even", "many", "experiments", "experimental", "extensive", "effective",
        "effectively", "efficient", "address", "despite", "including", "number", "field", "given", "images", "image",
        "abstract", "index", "terms", "keywords", "et", "al", "copyright", "rights", "reserved", "elsevier", "ieee",
        "springer", "acm"
    ]
)
# ... and what is left of links, repository pointers and availability statements ("code is available at
# https://github.com/..."), in case a URL escaped :data:`_URL`.
_URL_STOP = frozenset(
    [
        "http", "https", "www", "ftp", "com", "org", "net", "edu", "gov", "html", "htm", "php", "pdf", "doi", "url",
        "urls", "github", "gitlab", "bitbucket", "sourceforge", "huggingface", "zenodo", "figshare", "arxiv", "abs",
        "io", "code", "codes", "source", "available", "availability", "publicly", "release", "released", "online",
        "website", "webpage", "page", "project", "repository", "repo", "download", "supplementary", "material",
        "materials", "appendix", "link", "links"
    ]
)
# fmt: on


@functools.cache
def topic_stop_words() -> frozenset[str]:
    """Every word left out of topic terms: English stop words (scikit-learn's list) + boilerplate + URL parts."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | _BOILERPLATE_STOP | _URL_STOP


def terms(text: str | None, stop: frozenset[str] | None = None) -> list[str]:
    """Lower-cased content words of ``text``: URLs, stop words (:func:`topic_stop_words`), numbers dropped."""
    if not text:
        return []
    stop = topic_stop_words() if stop is None else stop
    text = _URL.sub(" ", text)
    return [t for t in _TOKEN.findall(text.lower()) if t not in stop and not t.isdigit()]


@dataclass
class WorkRef:
    """One work of a profile, with the signature that put it there."""

    work_id: str
    signature_id: str
    title: str | None
    year: int | None
    venue: str | None
    printed_name: str
    coauthors: list[str]
    implicit: bool = False  # the person is the listing owner of an author-less work
    abstract: str | None = None  # exported, so an abstract-only work is not an empty row


@dataclass
class Profile:
    id: str
    name: str
    works: list[WorkRef] = field(default_factory=list)
    name_variants: list[tuple[str, int]] = field(default_factory=list)
    coauthors: list[tuple[str, int]] = field(default_factory=list)
    affiliations: list[tuple[str, int]] = field(default_factory=list)
    years: list[tuple[int, int]] = field(default_factory=list)
    topics: list[tuple[str, int]] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    orcids: list[str] = field(default_factory=list)
    locked: bool = False
    affiliation_years: dict[str, list[int]] = field(default_factory=dict)

    @property
    def work_ids(self) -> list[str]:
        return [w.work_id for w in self.works]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["work_ids"] = self.work_ids
        for key in ("name_variants", "coauthors", "affiliations", "topics"):
            d[key] = [{"name": k, "count": n} for k, n in d[key]]
        d["years"] = [{"year": y, "count": n} for y, n in d["years"]]
        return d


def snippet(text: str | None, n: int = 90) -> str | None:
    """The start of an abstract, to name a work that has no title."""
    if not text:
        return None
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + "…"


def display_name(names: Iterable[str]) -> str:
    """The most common printed name; ties go to the longest, then alphabetical."""
    counts = Counter(n for n in names if n)
    if not counts:
        return ""
    return sorted(counts.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]


def summarize(
    person_id: str,
    signatures: Sequence[Signature],
    *,
    implicit: Iterable[str] = (),
    locked: bool = False,
    top: int = 10,
) -> Profile:
    """The profile of one person from its signatures (``implicit``: ids of implicit owner signatures)."""
    implicit = set(implicit)
    sigs = sorted(signatures, key=lambda s: (-(s.year or 0), s.title or "", s.id))
    names = Counter(s.name for s in sigs if s.name)
    own = {s.name for s in sigs}
    co = Counter(c for s in sigs for c in dict.fromkeys(s.coauthors) if c not in own)
    aff = Counter(a for s in sigs for a in dict.fromkeys(s.affiliations) if a)
    years = Counter(s.year for s in sigs if s.year)
    texts: list[TopicText] = []  # one per work, for the topic keyphrases
    seen_works: set[str] = set()
    works = []
    for s in sigs:
        if s.work_id in seen_works:
            continue
        seen_works.add(s.work_id)
        works.append(
            WorkRef(
                s.work_id,
                s.id,
                s.title,
                s.year,
                s.venue,
                s.name,
                list(s.coauthors),
                s.id in implicit,
                abstract=s.abstract or None,
            )
        )
        texts.append(TopicText(s.title, s.abstract, s.venue, tuple(s.keywords)))
    return Profile(
        id=person_id,
        name=display_name(s.name for s in sigs if s.id not in implicit) or display_name(names),
        works=works,
        name_variants=names.most_common(),
        coauthors=co.most_common(top * 3),
        affiliations=aff.most_common(top),
        years=sorted(years.items()),
        topics=keyphrases(texts, top=top),
        affiliation_years={
            a: sorted({s.year for s in sigs if s.year and a in s.affiliations}, reverse=True)
            for a, _ in aff.most_common(top)
        },
        emails=sorted({s.email for s in sigs if s.email}),
        orcids=sorted({s.orcid for s in sigs if s.orcid}),
        locked=locked,
    )


@dataclass(frozen=True)
class WorkDetails:
    """What the full record of a work adds to a profile's row: every author, identifiers, the abstract,
    and the work's ``fit`` to the person (None when not scored)."""

    authors: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    abstract: str | None = None
    fit: float | None = None


_NO_DETAILS = WorkDetails()


def _details(w: WorkRef, details: Mapping[str, WorkDetails] | None) -> WorkDetails:
    d = (details or {}).get(w.work_id, _NO_DETAILS)
    authors = d.authors or ([] if w.implicit else [w.printed_name, *w.coauthors])
    return WorkDetails(authors, dict(d.ids), d.abstract or w.abstract, d.fit)


def to_openalex(
    p: Profile, redirects_from: Sequence[str] = (), details: Mapping[str, WorkDetails] | None = None
) -> dict[str, Any]:
    """The profile shaped like an OpenAlex author object (extra byline fields under ``x_byline``); each
    work with its authors, identifiers and ``fit`` (:class:`WorkDetails`)."""
    by_year = Counter(w.year for w in p.works if w.year)
    return {
        "id": p.id,
        "orcid": p.orcids[0] if p.orcids else None,
        "display_name": p.name,
        "display_name_alternatives": [n for n, _ in p.name_variants if n != p.name],
        "works_count": len(p.works),
        "cited_by_count": None,
        "counts_by_year": [{"year": y, "works_count": n} for y, n in sorted(by_year.items(), reverse=True)],
        "affiliations": [
            {
                "institution": {"id": None, "display_name": name},
                "years": p.affiliation_years.get(name, []),
                "count": n,
            }
            for name, n in p.affiliations
        ],
        "last_known_institutions": [{"id": None, "display_name": p.affiliations[0][0]}]
        if p.affiliations
        else [],
        "topics": [{"id": None, "display_name": t, "count": n} for t, n in p.topics],
        "works": [
            {
                "id": w.work_id,
                "title": w.title,
                "publication_year": w.year,
                "venue": w.venue,
                "signature_id": w.signature_id,
                "printed_name": w.printed_name,
                "implicit_author": w.implicit,
                "authors": d.authors,
                "ids": d.ids,
                "fit": d.fit,
                **({"abstract": d.abstract} if d.abstract else {}),
            }
            for w in p.works
            for d in [_details(w, details)]
        ],
        "x_byline": {
            "locked": p.locked,
            "coauthors": [{"display_name": n, "count": c} for n, c in p.coauthors],
            "emails": p.emails,
            "redirects_from": list(redirects_from),
        },
    }


EXPORT_COLUMNS = (
    "person_id",
    "person_name",
    "work_id",
    "signature_id",
    "printed_name",
    "title",
    "year",
    "venue",
    "authors",
    "coauthors",
    "doi",
    "arxiv",
    "implicit_author",
    "abstract",
    "fit",
)
EXPORT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "bib": "application/x-bibtex; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}


def rows(p: Profile, details: Mapping[str, WorkDetails] | None = None) -> list[dict[str, Any]]:
    """One flat row per work, :data:`EXPORT_COLUMNS` (for CSV and Parquet)."""
    out = []
    for w in p.works:
        d = _details(w, details)
        out.append(
            {
                "person_id": p.id,
                "person_name": p.name,
                "work_id": w.work_id,
                "signature_id": w.signature_id,
                "printed_name": w.printed_name,
                "title": w.title,
                "year": w.year,
                "venue": w.venue,
                "authors": "; ".join(d.authors),
                "coauthors": "; ".join(w.coauthors),
                "doi": d.ids.get("doi"),
                "arxiv": d.ids.get("arxiv"),
                "implicit_author": w.implicit,
                "abstract": d.abstract,
                "fit": d.fit,
            }
        )
    return out


_BIB_SPECIAL = re.compile(r"([\\{}%&#_$^~])")
_BIB_REPLACE = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def _bib(value: Any) -> str:
    """A BibTeX field value: braces and TeX specials escaped, whitespace folded."""
    text = " ".join(str(value).split())
    return _BIB_SPECIAL.sub(lambda m: _BIB_REPLACE.get(m.group(1), "\\" + m.group(1)), text)


def to_bibtex(profiles: Sequence[Profile], details: Mapping[str, WorkDetails] | None = None) -> str:
    """Every work of ``profiles`` as a BibTeX entry keyed by its work id (TeX specials escaped)."""
    out = []
    for p in profiles:
        out.append(f"% {p.name} ({p.id}): works exported by byline\n")
        for w in p.works:
            d = _details(w, details)
            fields: list[tuple[str, Any]] = [
                ("author", " and ".join(d.authors)),
                ("title", w.title),
                ("year", w.year),
                ("journal" if w.venue else "", w.venue),
                ("doi", d.ids.get("doi")),
            ]
            if d.ids.get("arxiv"):
                fields += [("eprint", d.ids["arxiv"]), ("archiveprefix", "arXiv")]
            if d.abstract:
                fields.append(("abstract", d.abstract))
            kind = "article" if w.venue else "misc"
            body = ",\n".join(f"  {k} = {{{_bib(v)}}}" for k, v in fields if k and v not in (None, ""))
            out.append(f"@{kind}{{{w.work_id},\n{body}\n}}\n")
    return "\n".join(out)


def _cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if not isinstance(value, str):
        return value
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def render(
    fmt: str,
    profiles: Profile | Sequence[Profile],
    details: Mapping[str, WorkDetails] | None = None,
    redirects_from: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """One or more profiles as ``json`` (OpenAlex-shaped; several under ``authors``), ``csv``
    (:data:`EXPORT_COLUMNS`) or ``bib`` text; Parquet is a file (:func:`export`)."""
    plist = [profiles] if isinstance(profiles, Profile) else list(profiles)
    redirects_from = redirects_from or {}
    if fmt == "json":
        docs = [to_openalex(p, redirects_from.get(p.id, ()), details) for p in plist]
        return (
            json.dumps(docs[0] if len(docs) == 1 else {"authors": docs}, ensure_ascii=False, indent=2) + "\n"
        )
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(EXPORT_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in r.items()} for p in plist for r in rows(p, details))
        return buf.getvalue()
    if fmt == "bib":
        return to_bibtex(plist, details)
    raise InputError(f"unknown export format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")


def export(
    profiles: Profile | Sequence[Profile],
    fmt: str,
    out: str | Path,
    redirects_from: Mapping[str, Sequence[str]] | None = None,
    details: Mapping[str, WorkDetails] | None = None,
) -> Path:
    """Write one or more profiles as ``json``, ``csv``, ``bib`` (:func:`render`) or ``parquet`` (the CSV's
    columns, typed), through a temporary file: never a half-written export."""
    plist = [profiles] if isinstance(profiles, Profile) else list(profiles)
    out = Path(out)
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    tmp = out.with_name(out.name + ".tmp")
    if fmt != "parquet":
        tmp.write_text(render(fmt, plist, details, redirects_from), encoding="utf-8", newline="")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {"year": pa.int32(), "implicit_author": pa.bool_(), "fit": pa.float64()}
        schema = pa.schema([(c, types.get(c, pa.string())) for c in EXPORT_COLUMNS])
        pq.write_table(pa.Table.from_pylist([r for p in plist for r in rows(p, details)], schema=schema), tmp)
    tmp.replace(out)  # never leave a half-written export behind
    return out
