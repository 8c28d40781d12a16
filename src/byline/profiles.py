"""Person summaries and exports (pure: signatures in, dicts / files out).

:func:`summarize` turns one person's signatures into a :class:`Profile` (works, name variants,
coauthors, affiliations, years, top topic terms); :func:`to_openalex` shapes it like an OpenAlex
author object; :func:`export` writes JSON, CSV or Parquet.
"""

from __future__ import annotations

import csv
import functools
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

EXPORT_FORMATS = ("json", "csv", "parquet")

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


def to_openalex(p: Profile, redirects_from: Sequence[str] = ()) -> dict[str, Any]:
    """The profile shaped like an OpenAlex author object (extra byline fields under ``x_byline``)."""
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
                **({"abstract": w.abstract} if w.abstract else {}),
            }
            for w in p.works
        ],
        "x_byline": {
            "locked": p.locked,
            "coauthors": [{"display_name": n, "count": c} for n, c in p.coauthors],
            "emails": p.emails,
            "redirects_from": list(redirects_from),
        },
    }


_ROW_FIELDS = (
    "person_id",
    "person_name",
    "work_id",
    "signature_id",
    "printed_name",
    "title",
    "year",
    "venue",
    "coauthors",
    "implicit_author",
    "abstract",
)


def rows(p: Profile) -> list[dict[str, Any]]:
    """One flat row per work (for CSV and Parquet)."""
    return [
        {
            "person_id": p.id,
            "person_name": p.name,
            "work_id": w.work_id,
            "signature_id": w.signature_id,
            "printed_name": w.printed_name,
            "title": w.title,
            "year": w.year,
            "venue": w.venue,
            "coauthors": "; ".join(w.coauthors),
            "implicit_author": w.implicit,
            "abstract": w.abstract,
        }
        for w in p.works
    ]


def export(
    profiles: Profile | Sequence[Profile],
    fmt: str,
    out: str | Path,
    redirects_from: Mapping[str, Sequence[str]] | None = None,
) -> Path:
    """Write one or more profiles as ``json`` (OpenAlex-shaped), ``csv`` or ``parquet``."""
    plist = [profiles] if isinstance(profiles, Profile) else list(profiles)
    out = Path(out)
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    redirects_from = redirects_from or {}
    tmp = out.with_name(out.name + ".tmp")
    if fmt == "json":
        docs = [to_openalex(p, redirects_from.get(p.id, ())) for p in plist]
        tmp.write_text(
            json.dumps(docs[0] if len(docs) == 1 else {"authors": docs}, ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
    else:
        flat = [r for p in plist for r in rows(p)]
        if fmt == "csv":
            with tmp.open("w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, fieldnames=list(_ROW_FIELDS))
                w.writeheader()
                w.writerows(flat)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            schema = pa.schema(
                [
                    ("person_id", pa.string()),
                    ("person_name", pa.string()),
                    ("work_id", pa.string()),
                    ("signature_id", pa.string()),
                    ("printed_name", pa.string()),
                    ("title", pa.string()),
                    ("year", pa.int32()),
                    ("venue", pa.string()),
                    ("coauthors", pa.string()),
                    ("implicit_author", pa.bool_()),
                    ("abstract", pa.string()),
                ]
            )
            table = pa.Table.from_pylist(flat, schema=schema)
            pq.write_table(table, tmp)
    tmp.replace(out)  # never leave a half-written export behind
    return out
