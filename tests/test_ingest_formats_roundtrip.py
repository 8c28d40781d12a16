"""Round trips and fuzzing for the standard-format parsers.

The tests write files in every format themselves (BibTeX, RIS, WoS, OpenAlex JSON / JSONL / .gz, Semantic
Scholar JSON, arXiv Atom, CSV, CSL-JSON), parse them back, and compare. Hypothesis generates the records
(round trip) and arbitrary text / bytes (fuzz: nothing but InputError may escape).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from byline import InputError
from byline.ingest import detect_format, load_records, parse_records
from byline.ingest._common import undouble
from byline.ingest._problems import collect_problems
from byline.records import Record


@dataclass
class Paper:
    title: str
    authors: list[tuple[str, str]]  # (given, family)
    year: int | None
    venue: str | None
    doi: str | None
    abstract: str | None

    @property
    def names(self) -> list[str]:
        return [f"{g} {f}" for g, f in self.authors]


# ------------------------------------------------------------------------------------------------
# writers


def write_bibtex(papers: list[Paper]) -> str:
    out = []
    for i, p in enumerate(papers):
        fields = [
            f"  title = {{{p.title}}}",
            "  author = {" + " and ".join(f"{f}, {g}" for g, f in p.authors) + "}",
        ]
        if p.year is not None:
            fields.append(f"  year = {p.year}")
        if p.venue:
            fields.append(f"  journal = {{{p.venue}}}")
        if p.doi:
            fields.append(f"  doi = {{{p.doi}}}")
        if p.abstract:
            fields.append(f'  abstract = "{p.abstract}"')
        out.append(f"@article{{key{i},\n" + ",\n".join(fields) + "\n}\n")
    return "\n".join(out)


def write_ris(papers: list[Paper]) -> str:
    out = []
    for p in papers:
        lines = ["TY  - JOUR", f"TI  - {p.title}", *[f"AU  - {f}, {g}" for g, f in p.authors]]
        if p.year is not None:
            lines.append(f"PY  - {p.year}")
        if p.venue:
            lines.append(f"JO  - {p.venue}")
        if p.doi:
            lines.append(f"DO  - {p.doi}")
        if p.abstract:
            lines.append(f"AB  - {p.abstract}")
        lines.append("ER  - ")
        out.append("\r\n".join(lines))
    return "\r\n\r\n".join(out) + "\r\n"


def write_wos(papers: list[Paper]) -> str:
    out = ["FN Clarivate Analytics Web of Science", "VR 1.0"]
    for p in papers:
        out.append("PT J")
        for i, (g, f) in enumerate(p.authors):
            out.append(("AF " if i == 0 else "   ") + f"{f}, {g}")
        out.append(f"TI {p.title}")
        if p.venue:
            out.append(f"SO {p.venue}")
        if p.year is not None:
            out.append(f"PY {p.year}")
        if p.abstract:
            out.append(f"AB {p.abstract}")
        if p.doi:
            out.append(f"DI {p.doi}")
        out += ["ER", ""]
    out.append("EF")
    return "\n".join(out) + "\n"


def write_medline(papers: list[Paper]) -> str:
    out = []
    for i, p in enumerate(papers):
        lines = [f"PMID- {1000 + i}", "OWN - NLM"]
        if p.year is not None:
            lines.append(f"DP  - {p.year} Jan")
        lines.append(f"TI  - {p.title}")
        if p.doi:
            lines.append(f"LID - {p.doi} [doi]")
        if p.abstract:
            lines.append(f"AB  - {p.abstract}")
        for g, f in p.authors:
            lines += [f"FAU - {f}, {g}", f"AU  - {f} {g[0]}", "AD  - Some University,", "      Some Town."]
        if p.venue:
            lines.append(f"JT  - {p.venue}")
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def _inverted(text: str | None) -> dict[str, list[int]] | None:
    if not text:
        return None
    idx: dict[str, list[int]] = {}
    for i, w in enumerate(text.split()):
        idx.setdefault(w, []).append(i)
    return idx


def openalex_work(p: Paper, i: int) -> dict:
    return {
        "id": f"https://openalex.org/W{1000 + i}",
        "doi": f"https://doi.org/{p.doi}" if p.doi else None,
        "title": p.title,
        "display_name": p.title,
        "publication_year": p.year,
        "primary_location": {"source": {"display_name": p.venue}} if p.venue else None,
        "authorships": [
            {"author_position": "middle", "author": {"display_name": n, "orcid": None}, "institutions": []}
            for n in p.names
        ],
        "abstract_inverted_index": _inverted(p.abstract),
    }


def write_openalex_json(papers: list[Paper]) -> str:
    return json.dumps(
        {"meta": {"count": len(papers)}, "results": [openalex_work(p, i) for i, p in enumerate(papers)]},
        ensure_ascii=False,
        indent=2,
    )


def write_openalex_jsonl(papers: list[Paper]) -> str:
    return "".join(json.dumps(openalex_work(p, i), ensure_ascii=False) + "\n" for i, p in enumerate(papers))


def write_s2(papers: list[Paper]) -> str:
    return json.dumps(
        [None]
        + [
            {
                "paperId": f"{i:040x}",
                "externalIds": {"DOI": p.doi} if p.doi else {},
                "title": p.title,
                "abstract": p.abstract,
                "venue": p.venue or "",
                "year": p.year,
                "authors": [{"authorId": str(j), "name": n} for j, n in enumerate(p.names)],
            }
            for i, p in enumerate(papers)
        ],
        ensure_ascii=False,
    )


def write_arxiv(papers: list[Paper]) -> str:
    entries = []
    for i, p in enumerate(papers):
        authors = "".join(f"\n    <author>\n      <name>{escape(n)}</name>\n    </author>" for n in p.names)
        doi = f"\n    <arxiv:doi>{escape(p.doi)}</arxiv:doi>" if p.doi else ""
        jref = f"\n    <arxiv:journal_ref>{escape(p.venue)}</arxiv:journal_ref>" if p.venue else ""
        year = p.year if p.year is not None else 2001
        entries.append(
            f"  <entry>\n    <id>http://arxiv.org/abs/2101.{i:05d}v3</id>\n"
            f"    <published>{year:04d}-01-02T00:00:00Z</published>\n"
            f"    <title>{escape(p.title)}</title>\n    <summary>  {escape(p.abstract or '')}\n</summary>"
            f"{authors}{doi}{jref}\n  </entry>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom">\n  <title>arXiv Query</title>\n'
        + "\n".join(entries)
        + "\n</feed>\n"
    )


def write_csv(papers: list[Paper], delimiter: str = ",") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(["Document Title", "Authors", "Publication Year", "Publication Title", "DOI", "Abstract"])
    for p in papers:
        w.writerow([p.title, "; ".join(p.names), p.year or "", p.venue or "", p.doi or "", p.abstract or ""])
    return buf.getvalue()


def write_csl(papers: list[Paper]) -> str:
    return json.dumps(
        [
            {
                "id": f"item{i}",
                "type": "article-journal",
                "title": p.title,
                "author": [{"family": f, "given": g} for g, f in p.authors],
                "issued": {"date-parts": [[str(p.year)]]} if p.year is not None else None,
                "container-title": p.venue,
                "DOI": p.doi,
                "abstract": p.abstract,
            }
            for i, p in enumerate(papers)
        ],
        ensure_ascii=False,
        indent=1,
    )


def write_crossref(papers: list[Paper]) -> str:
    items = [
        {
            "DOI": p.doi,
            "title": [p.title],
            "author": [
                {"given": g, "family": f, "sequence": "additional", "affiliation": []} for g, f in p.authors
            ],
            "issued": {"date-parts": [[p.year]]} if p.year is not None else {"date-parts": [[None]]},
            "container-title": [p.venue] if p.venue else [],
            "abstract": f"<jats:p>{escape(p.abstract)}</jats:p>" if p.abstract else None,
            "reference-count": 0,
            "is-referenced-by-count": 0,
            "type": "journal-article",
        }
        for p in papers
    ]
    return json.dumps(
        {"status": "ok", "message-type": "work-list", "message": {"items": items}}, ensure_ascii=False
    )


def write_orcid(papers: list[Paper]) -> str:
    """ORCID /works/{put-codes} bulk: full works with their contributors (no owner named)."""
    bulk = [
        {
            "work": {
                "put-code": i,
                "title": {"title": {"value": p.title}},
                "journal-title": {"value": p.venue} if p.venue else None,
                "short-description": p.abstract,
                "publication-date": {"year": {"value": str(p.year)}} if p.year is not None else None,
                "external-ids": {
                    "external-id": [
                        {
                            "external-id-type": "doi",
                            "external-id-value": p.doi,
                            "external-id-relationship": "self",
                        }
                    ]
                    if p.doi
                    else []
                },
                "contributors": {
                    "contributor": [
                        {
                            "credit-name": {"value": f"{g} {f}"},
                            "contributor-attributes": {"contributor-role": "author"},
                        }
                        for g, f in p.authors
                    ]
                },
            }
        }
        for i, p in enumerate(papers)
    ]
    return json.dumps({"bulk": bulk}, ensure_ascii=False)


def write_dblp(papers: list[Paper]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE dblp SYSTEM "dblp.dtd">', "<dblp>"]
    for i, p in enumerate(papers):
        out.append(f'<article mdate="2020-01-01" key="journals/x/K{i}">')
        out.extend(f"<author>{escape(g)} {escape(f)} 000{i + 1}</author>" for g, f in p.authors)
        out.append(f"<title>{escape(p.title)}.</title>")
        if p.year is not None:
            out.append(f"<year>{p.year}</year>")
        if p.venue:
            out.append(f"<journal>{escape(p.venue)}</journal>")
        if p.doi:
            out.append(f"<ee>https://doi.org/{escape(p.doi)}</ee>")
        out.append("</article>")
    out.append("</dblp>")
    return "\n".join(out) + "\n"


Writer = Callable[[list[Paper]], str]
# name -> (writer, file name, expected format, does the format carry the year even when absent?)
WRITERS: dict[str, tuple[Writer, str, str]] = {
    "bibtex": (write_bibtex, "out.bib", "bibtex"),
    "ris": (write_ris, "out.ris", "ris"),
    "wos": (write_wos, "savedrecs.txt", "wos"),
    "medline": (write_medline, "pubmed.txt", "medline"),
    "openalex_json": (write_openalex_json, "works.json", "openalex"),
    "openalex_jsonl": (write_openalex_jsonl, "works.jsonl", "openalex"),
    "s2": (write_s2, "papers.json", "s2"),
    "arxiv": (write_arxiv, "feed.atom", "arxiv"),
    "csv": (write_csv, "export.csv", "csv"),
    "csv_semicolon": (lambda ps: write_csv(ps, ";"), "export.csv", "csv"),
    "csl": (write_csl, "items.json", "csl"),
    "crossref": (write_crossref, "works.json", "crossref"),
    "orcid": (write_orcid, "orcid-works.json", "orcid"),
    "dblp": (write_dblp, "dblp.xml", "dblp"),
}


def check_roundtrip(kind: str, papers: list[Paper], records: list[Record]) -> None:
    assert len(records) == len(papers), kind
    for i, (p, r) in enumerate(zip(papers, records, strict=True)):
        assert r.title == p.title, kind
        assert [a.name for a in r.authors] == p.names, kind
        if kind == "arxiv":
            assert r.year == (p.year if p.year is not None else 2001)
            assert r.ids["arxiv"].startswith("2101.")
        else:
            assert r.year == p.year, kind
        assert r.venue == p.venue, kind
        assert r.ids.get("doi") == (p.doi.lower() if p.doi else None), kind
        assert r.abstract == (None if kind == "dblp" else p.abstract), kind  # dblp prints no abstracts
        if kind == "dblp":  # homonym numbers are the authors' dblp identities, not part of their names
            assert [a.identity for a in r.authors] == [f"dblp:{n} 000{i + 1}" for n in p.names], kind


# ------------------------------------------------------------------------------------------------
# a fixed example per format, including .gz


FIXED = [
    Paper(
        "Grüße aus Łódź: ein Überblick",
        [("Jürgen", "Müller"), ("Zoë", "Öberg-Ståhl"), ("Radim", "Řehůřek")],
        2019,
        "Journal of Tests",
        "10.1234/ABC.5",
        "We study things. Many things.",
    ),
    Paper("中文标题 with English", [("Wei", "Zhang")], None, None, None, None),
    Paper("A third paper", [("Ann", "Lee"), ("Bo", "Chen")], 1999, "Proc. Things", "10.5555/x-y_z", "Short."),
]


@pytest.mark.parametrize("kind", list(WRITERS))
def test_roundtrip_fixed(tmp_path: Path, kind: str) -> None:
    writer, name, fmt = WRITERS[kind]
    p = tmp_path / name
    p.write_text(writer(FIXED), encoding="utf-8")
    assert detect_format(p) == fmt
    check_roundtrip(kind, FIXED, list(load_records(p)))
    # the same file gzip-compressed parses the same (ingest gunzips transparently)
    gz = tmp_path / (name + ".gz")
    gz.write_bytes(gzip.compress(p.read_bytes()))
    assert detect_format(gz) == fmt
    check_roundtrip(kind, FIXED, list(load_records(gz)))


# ------------------------------------------------------------------------------------------------
# generated round trips

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüéèçñøåłřůß", min_size=2, max_size=10)
_CAP = st.builds(lambda first, rest: first + rest, st.sampled_from("ABCDEFGHIJKLMNOPRSTUVWZÄÖÜÉŁŘ"), _WORD)
_SENTENCE = st.lists(
    st.one_of(_WORD, _CAP, st.sampled_from(["of", "and", "2020", "Ø", "数据", "α"])), min_size=1, max_size=12
).map(" ".join)
_PAPER = st.builds(
    Paper,
    title=_SENTENCE,
    # namesakes included; only a list written twice over (A A B B, or A B A B) is read as an export defect
    authors=st.lists(st.tuples(_CAP, _CAP), min_size=1, max_size=5).filter(
        lambda names: undouble(names) == names
    ),
    year=st.one_of(st.none(), st.integers(1900, 2025)),
    venue=st.one_of(st.none(), _SENTENCE),
    doi=st.one_of(st.none(), st.from_regex(r"10\.[0-9]{4}/[a-z0-9.]{1,12}[a-z0-9]", fullmatch=True)),
    abstract=st.one_of(st.none(), _SENTENCE),
)


@pytest.mark.parametrize("kind", list(WRITERS))
@given(papers=st.lists(_PAPER, min_size=1, max_size=4))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_roundtrip_generated(kind: str, papers: list[Paper]) -> None:
    writer, name, _ = WRITERS[kind]
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_text(writer(papers), encoding="utf-8")
        mod = {"openalex_json": "openalex", "openalex_jsonl": "openalex", "csv_semicolon": "csv"}.get(
            kind, kind
        )
        with collect_problems(strict=True):  # a file byline wrote itself has nothing to skip
            check_roundtrip(kind, papers, list(parse_records(p, mod)))


@pytest.mark.parametrize("kind", list(WRITERS))
def test_namesakes_survive_every_writer(kind: str) -> None:
    """Two authors printing the same name on one paper are two signatures in every format."""
    writer, name, _ = WRITERS[kind]
    papers = [
        Paper("Namesakes at work", [("Xin", "Wang"), ("Xin", "Wang"), ("Yu", "Li")], 2020, None, None, None)
    ]
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_text(writer(papers), encoding="utf-8")
        mod = {"openalex_json": "openalex", "openalex_jsonl": "openalex", "csv_semicolon": "csv"}.get(
            kind, kind
        )
        check_roundtrip(kind, papers, list(parse_records(p, mod)))


# ------------------------------------------------------------------------------------------------
# fuzzing: arbitrary input never raises anything but InputError

PARSERS = [
    "bibtex",
    "ris",
    "wos",
    "medline",
    "openalex",
    "s2",
    "arxiv",
    "csv",
    "csl",
    "crossref",
    "orcid",
    "dblp",
]

# Text that looks a little like each format, so the fuzzer gets past the first line.
_PREFIXES = st.sampled_from(
    [
        "",
        "@article{k,\n",
        "TY  - JOUR\n",
        "PT J\nAU ",
        "PMID- 1\nTI  - ",
        '{"id": "https://openalex.org/W1",',
        '[{"paperId": ',
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry>',
        "Title,Authors,Year\n",
        '[{"type": "article", "issued": ',
        "interactions:\n- ",
        '{"message-type": "work", "message": {"DOI": ',
        '{"orcid-identifier": {"path": "0000-0002-1825-0097"}, "activities-summary": {"works": {"group": [',
        '<?xml version="1.0"?>\n<!DOCTYPE dblp SYSTEM "dblp.dtd">\n<dblp><article key="a"><author>',
        '<dblpperson name="A B 0001"><r><article key="x"><title>',
        '<record:record xmlns:record="http://www.orcid.org/ns/record"><common:orcid-identifier>',
    ]
)


def _parse_file(fmt: str, data: bytes) -> None:
    """The reader contract: records that each hold a paper (a title, an id or an author), every skipped or
    suspicious entry reported with the file, or an InputError naming the file and quoting input briefly."""
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "fuzz.dat"
        p.write_bytes(data)
        try:
            with collect_problems() as problems:
                records = list(parse_records(p, fmt))
        except InputError as exc:
            assert "fuzz.dat" in str(exc) and len(str(exc)) < 600
            return
        for r in records:
            assert r.title or r.ids or r.authors or r.abstract, r  # never an empty work
            assert all(a.name and a.name.strip() == a.name for a in r.authors)
            assert r.source.file == str(p)
        for problem in problems.items:
            assert problem.file == str(p) and len(problem.message) < 600


@pytest.mark.parametrize("fmt", PARSERS)
@given(prefix=_PREFIXES, body=st.text(max_size=300))
@settings(max_examples=40, deadline=None)
def test_fuzz_text(fmt: str, prefix: str, body: str) -> None:
    _parse_file(fmt, (prefix + body).encode("utf-8"))


@pytest.mark.parametrize("fmt", PARSERS)
@given(body=st.binary(max_size=300))
@example(body=b"\x1f\x8b")  # a gzip header and nothing else: once an EOFError from the arXiv parser
@settings(max_examples=25, deadline=None)
def test_fuzz_bytes(fmt: str, body: bytes) -> None:
    _parse_file(fmt, body)


def _sample_paths() -> list[Path]:
    from conftest import SHARED

    root = SHARED / "samples"
    return sorted(p for p in root.glob("*/*") if p.is_file()) if root.is_dir() else []


SAMPLE_PATHS = _sample_paths()


@pytest.mark.shared
@pytest.mark.skipif(not SAMPLE_PATHS, reason="../shared/samples is absent")
@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_fuzz_truncated_and_mutated_samples(data: st.DataObject) -> None:
    """Cut a real sample anywhere, or flip a byte: records or an InputError naming the file, never a crash."""
    path = data.draw(st.sampled_from(SAMPLE_PATHS))
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    cut = data.draw(st.integers(0, len(raw)))
    mutated = bytearray(raw[:cut])
    if mutated and data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(mutated) - 1))
        mutated[i] = data.draw(st.integers(0, 255))
    fmt = data.draw(st.sampled_from(PARSERS))
    _parse_file(fmt, bytes(mutated))


# Structured fuzz: JSON documents with the right keys and arbitrary values of any type.
_JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(allow_nan=True), st.text(max_size=20)
)
_KEYS = {
    "openalex": [
        "id",
        "doi",
        "title",
        "display_name",
        "publication_year",
        "publication_date",
        "ids",
        "authorships",
        "author",
        "display_name",
        "institutions",
        "raw_author_name",
        "raw_affiliation_strings",
        "orcid",
        "primary_location",
        "source",
        "host_venue",
        "locations",
        "landing_page_url",
        "keywords",
        "abstract_inverted_index",
        "is_authors_truncated",
        "type",
        "results",
    ],
    "s2": [
        "paperId",
        "title",
        "authors",
        "name",
        "year",
        "venue",
        "publicationVenue",
        "journal",
        "abstract",
        "externalIds",
        "DOI",
        "ArXiv",
        "citingPaper",
        "citedPaper",
        "data",
        "fieldsOfStudy",
        "corpusId",
    ],
    "csl": [
        "id",
        "type",
        "title",
        "author",
        "family",
        "given",
        "literal",
        "issued",
        "date-parts",
        "raw",
        "container-title",
        "DOI",
        "URL",
        "abstract",
        "keyword",
        "items",
    ],
    "crossref": [
        "message",
        "items",
        "DOI",
        "title",
        "subtitle",
        "author",
        "given",
        "family",
        "name",
        "ORCID",
        "affiliation",
        "issued",
        "date-parts",
        "container-title",
        "abstract",
        "subject",
        "volume",
        "type",
    ],
    "orcid": [
        "orcid-identifier",
        "path",
        "person",
        "name",
        "given-names",
        "family-name",
        "credit-name",
        "value",
        "activities-summary",
        "works",
        "group",
        "work-summary",
        "bulk",
        "work",
        "put-code",
        "title",
        "external-ids",
        "external-id",
        "external-id-type",
        "external-id-value",
        "contributors",
        "contributor",
        "contributor-orcid",
        "publication-date",
        "year",
        "source",
        "source-orcid",
    ],
}


@pytest.mark.parametrize("fmt", list(_KEYS))
@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_fuzz_json_shapes(fmt: str, data: st.DataObject) -> None:
    keys = st.sampled_from(_KEYS[fmt])
    doc = data.draw(
        st.recursive(
            _JSON_LEAF,
            lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=6)),
            max_leaves=25,
        )
    )
    _parse_file(fmt, json.dumps(doc).encode("utf-8"))
    _parse_file(fmt, (json.dumps(doc) + "\n" + json.dumps(doc) + "\n").encode("utf-8"))
