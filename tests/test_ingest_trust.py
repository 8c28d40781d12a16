"""Ingest you can trust: never lose or invent a record, keep going past one bad entry.

Every case writes its own input. Most go through the real ``byline`` entry point, as a user would.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from _helpers import run_cli as run
from byline import InputError
from byline.dedup import dedup
from byline.ingest import load_records
from byline.ingest._problems import collect_problems
from byline.names import block_key
from byline.records import Author, Provenance, Record


def works(capsys: pytest.CaptureFixture[str], db: Path) -> list[dict]:
    code, out, err = run(capsys, "works", "--db", db, "--json")
    assert code == 0, err
    return json.loads(out)["works"]


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def authors(w: dict) -> list[str]:
    return [a["name"] for a in w["authors"]]


# ------------------------------------------------------------------------------------------------
# data lost or invented


def test_one_line_openalex_page_keeps_its_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = write(
        tmp_path,
        "page.json",
        '{"meta":{"count":1},"results":[{"id":"https://openalex.org/W1",'
        '"title":"A paper","publication_year":2020,"authorships":[{"author":{"display_name":"Ann Lee"}}]}]}\n',
    )
    db = tmp_path / "b.db"
    code, out, err = run(capsys, "ingest", page, "--db", db)
    assert code == 0, err
    assert "read as openalex (detected)" in out
    (w,) = works(capsys, db)
    assert (w["title"], w["year"], authors(w), w["ids"]) == ("A paper", 2020, ["Ann Lee"], {"openalex": "W1"})
    assert w["sources"] == [{"file": str(page), "line": 1, "record": "W1"}]


def test_jsonl_of_results_pages_yields_every_work(tmp_path: Path) -> None:
    one = {"id": "https://openalex.org/W1", "title": "First", "authorships": []}
    two = {"id": "https://openalex.org/W2", "title": "Second", "authorships": []}
    p = write(
        tmp_path,
        "pages.jsonl",
        json.dumps({"results": [one, two]}) + "\n" + json.dumps({"results": [one]}) + "\n",
    )
    assert [(r.title, r.source.line) for r in load_records(p, "openalex")] == [
        ("First", 1),
        ("Second", 1),
        ("First", 2),
    ]


def test_same_title_without_year_and_other_authors_stays_two_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = write(
        tmp_path,
        "cf.bib",
        "@book{lewis, author={David K. Lewis}, title={Counterfactuals}, year={1973}}\n"
        "@inproceedings{ginsberg, author={Matthew L. Ginsberg}, title={Counterfactuals}, booktitle={IJCAI}}\n",
    )
    db = tmp_path / "b.db"
    assert run(capsys, "ingest", bib, "--db", db)[0] == 0
    got = sorted((authors(w), w.get("year")) for w in works(capsys, db))
    assert got == [(["David K. Lewis"], 1973), (["Matthew L. Ginsberg"], None)]


def test_shared_pmid_with_another_title_is_not_a_merge() -> None:
    a = Record(
        Provenance("a.csv", 2),
        "csv",
        title="Aspirin and headache",
        ids={"pmid": "123"},
        authors=[Author("A Lee")],
    )
    b = Record(
        Provenance("b.csv", 2),
        "csv",
        title="Soil moisture retrieval",
        ids={"pmid": "123"},
        authors=[Author("B Ray")],
    )
    assert len(dedup([a, b])) == 2


def test_volumes_of_one_series_with_different_ids_stay_apart() -> None:
    recs = [
        Record(
            Provenance("s.json", i),
            "openalex",
            title="Proceedings of the Workshop Series",
            ids={"openalex": f"W{i}"},
            authors=[Author("Ed Itor")],
        )
        for i in range(1, 5)
    ]
    assert len(dedup(recs)) == 4
    bib = [
        Record(Provenance("s.bib", i), "bibtex", title="Lecture Notes Volume", extra={"type": "proceedings"})
        for i in range(1, 5)
    ]  # no year, no authors: nothing but the title in common
    assert len(dedup(bib)) == 4


def test_volumes_of_one_series_with_the_same_editors_stay_apart(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "series.bib",
        "".join(
            f"@proceedings{{v{i}, editor={{Ed Itor}}, author={{Ed Itor}}, title={{Advances in Things}}, volume={{{i}}}}}\n"
            for i in range(1, 5)
        )
        + "@proceedings{again, author={Ed Itor}, title={Advances in Things}, volume={2}}\n",
    )
    got = dedup(load_records(p))
    assert [[r.source.record for r in w.records] for w in got] == [["v1"], ["v2", "again"], ["v3"], ["v4"]]


def test_merge_says_why_and_keeps_every_authors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = write(
        tmp_path,
        "a.bib",
        "@article{a, author={Ann Lee and Bo Chen}, title={Deep Names}, year={2020}, "
        "doi={10.1234/XYZ}, journal={J. Names}, keywords={names; people}, abstract={We study names.}}\n"
        "@article{b, author={A. Lee and C. Park}, title={Deep names.}, year={2020}}\n"
        "@article{c, author={Ann Lee}, title={Deep Names: the journal version}, doi={10.1234/xyz}}\n",
    )
    db = tmp_path / "b.db"
    assert run(capsys, "ingest", bib, "--db", db)[0] == 0
    (w,) = works(capsys, db)
    assert authors(w) == ["Ann Lee", "Bo Chen", "C. Park"]  # C. Park, only in record b, is kept
    assert (w["venue"], w["keywords"], w["abstract"]) == ("J. Names", ["names", "people"], "We study names.")
    reasons = [s.get("merged_because") for s in w["sources"]]
    assert reasons == [
        None,
        "same title, same year, shared author name 'lee'",
        "same doi 10.1234/xyz, compatible title",
    ]


def test_records_with_nothing_are_reported_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = write(tmp_path, "empty.json", '{"meta":{"count":0},"results":[{}]}\n')
    bib = write(tmp_path, "set.bib", "@article{a, title={Real}}\n@set{s, entryset={a}}\n")
    author = write(tmp_path, "author.json", '{"id":"https://openalex.org/A5","display_name":"Ann Lee"}\n')
    db = tmp_path / "b.db"
    code, out, err = run(capsys, "ingest", page, "--format", "openalex", "--db", db)
    assert code == 0, err
    assert f"skipped: {page}:1: a record with no title, no identifier, no author and no abstract" in err
    code, out, err = run(capsys, "ingest", bib, "--db", db)
    assert code == 0, err
    assert f"skipped: {bib}:2: a record (type set) with no title" in err
    assert [w.get("title") for w in works(capsys, db)] == ["Real"]
    code, _, err = run(capsys, "ingest", author, "--format", "openalex", "--db", db)
    assert code == 2 and "author.json: holds no OpenAlex work" in err


# ------------------------------------------------------------------------------------------------
# whole files refused that should load


def test_bibtex_duplicates_and_keyless_entries_are_kept_with_one_warning_each(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "dup.bib",
        "@article{a, author={Ann Lee}, title={First paper}, year={2001}}\n"
        "@article{a, author={Bob Ray}, title={Second paper}, year={2002}}\n"
        "@article{c, author={Cy Doe}, title={Third paper}, title={Third again}, year={2003}}\n"
        "@article{\n  author={Di Eve}, title={No key paper}, year={2004}\n}\n",
    )
    with collect_problems() as problems:
        recs = list(load_records(p))
    assert [(r.title, r.source.line, r.source.record) for r in recs] == [
        ("First paper", 1, "a"),
        ("Second paper", 2, "a"),
        ("Third paper", 3, "c"),
        ("No key paper", 4, None),
    ]
    assert [(x.line, x.skipped) for x in problems.items] == [(2, False), (3, False)]
    assert "duplicate citation key 'a' (first used on line 1)" in problems.items[0].message
    assert "duplicate field(s) title" in problems.items[1].message


def test_multi_file_ingest_keeps_going_and_strict_is_all_or_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = "".join(
        f"@article{{k{i}, author={{Ann Lee}}, title={{Paper number {i}}}, year={{2001}}}}\n"
        for i in range(1000)
    )
    big = write(
        tmp_path, "big.bib", entries[:500] + "\n@article{typo, title = {never closed\n\n" + entries[500:]
    )
    other = write(tmp_path, "other.bib", "@misc{x, author={Bo Chen}, title={Another thing}}\n")
    db = tmp_path / "b.db"
    code, out, err = run(capsys, "ingest", "--strict", big, other, "--db", db)
    assert code == 2 and f"{big}:" in err and not db.exists()
    code, out, err = run(capsys, "ingest", big, other, "--db", db)
    assert code == 0, err
    assert "skipped: " + str(big) + ":" in err and "1 entry skipped" in err
    assert len(works(capsys, db)) > 990  # the entry with the typo (and what it swallowed) only


# ------------------------------------------------------------------------------------------------
# fields


def test_scopus_author_cells(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "scopus.csv",
        "Authors,Author full names,Title,Year,PubMed ID\n"
        'Lederman Z.,"Lederman, Zohar (54879650100)",One,2020,123\n'
        'Chrifi Alaoui F.Z.,"Chrifi Alaoui, Fatima Zahrae (57218213572)",Two,2021,\n'
        "[No author name available],[No author name available],Three,2022,\n"
        'Doe J.,"Doe, Jane (111)",Four,2023,JMED,extra\n',
    )
    with collect_problems() as problems:
        recs = list(load_records(p))
    assert [[a.name for a in r.authors] for r in recs] == [
        ["Zohar Lederman"],
        ["Fatima Zahrae Chrifi\u00a0Alaoui"],  # the source's surname kept whole (no-break space)
        [],
        ["Jane Doe"],
    ]
    assert block_key(recs[1].authors[0].name) == "f chrifialaoui"
    assert recs[0].ids == {"pmid": "123"} and "pmid" not in recs[3].ids
    assert [(x.line, x.skipped) for x in problems.items] == [(5, False), (5, False)]
    assert "row has 6 fields but the header has 5" in problems.items[0].message
    assert "'JMED' is not a number" in problems.items[1].message


def test_embase_doi_from_open_url_link(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "embase.csv",
        "Title,Author Names,Source,Open URL Link\n"
        'A cyst,"Liu R., Adler D.G.",Endosc (2014),"http://sfx.x/y?sid=EMBASE&id=doi:10.4103%2F2303-9027.1&aulast=Liu"\n',
    )
    (r,) = load_records(p)
    assert r.ids == {"doi": "10.4103/2303-9027.1"} and [a.name for a in r.authors] == [
        "R. Liu",
        "D. G. Adler",
    ]


def test_ris_namesakes_are_kept_and_doubled_lists_collapsed(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "x.ris",
        "TY  - JOUR\nTI  - Namesakes\nAU  - Wang, X.\nAU  - Wang, X.\nAU  - Li, Y.\nER  - \n"
        "TY  - JOUR\nTI  - Doubled\nAU  - G. Kalbe\nAU  - G. Kalbe\nAU  - H. Ott\nAU  - H. Ott\nER  - \n",
    )
    a, b = load_records(p)
    assert [x.name for x in a.authors] == ["X. Wang", "X. Wang", "Y. Li"]
    assert [x.name for x in b.authors] == ["G. Kalbe", "H. Ott"]


def test_title_text_keeps_quotes_and_tex(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "t.bib",
        "@book{k, author={Donald Knuth}, title={{The \\TeX book}}}\n"
        "@article{h, author={A B}, title={Hartree\\hyphen{}Fock and \u201cquoted\u201d men\u2019s words}}\n",
    )
    a, b = load_records(p)
    assert a.title == "The TeXbook"
    assert b.title == "Hartree-Fock and \u201cquoted\u201d men\u2019s words"


def test_error_messages_quote_a_few_hundred_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = write(tmp_path, "huge.csv", "x" * 3_000_000 + "\n")
    for fmt in (
        "auto",
        "csv",
        "bibtex",
        "ris",
        "wos",
        "medline",
        "openalex",
        "s2",
        "arxiv",
        "csl",
        "listing",
    ):
        code, _, err = run(capsys, "ingest", p, "--format", fmt, "--db", tmp_path / "b.db")
        assert code == 2 and "huge.csv" in err and len(err) < 600, (fmt, err[:300])
    bib = write(
        tmp_path,
        "long.bib",
        "@misc{ok, title={Fine}}\n@misc{bad, title = {"
        + "x" * 3_000_000
        + "\n@misc{ok2, title={Also fine}}\n",
    )
    with collect_problems() as problems:
        assert [r.title for r in load_records(bib)] == ["Fine", "Also fine"]
    assert [x.line for x in problems.skipped] == [2] and len(problems.skipped[0].message) < 600


def test_ingest_reads_standard_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = b"@article{k, author={Ann Lee}, title={From a pipe}, year={2020}}\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    db = tmp_path / "b.db"
    code, out, err = run(capsys, "ingest", "-", "--db", db)
    assert code == 0, err
    assert "-: read as bibtex (detected), 1 record(s)" in out
    (w,) = works(capsys, db)
    assert w["title"] == "From a pipe" and w["sources"] == [{"file": "-", "line": 1, "record": "k"}]


def test_library_without_a_collector_logs_problems(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    p = write(tmp_path, "x.bib", "@article{a, title={One}}\n@article{a, title={Two}}\n")
    assert [r.title for r in load_records(p)] == ["One", "Two"]
    assert "x.bib:2: duplicate citation key" in caplog.text
    with pytest.raises(InputError, match=r"x\.bib: no BibTeX entries found"):
        list(load_records(write(tmp_path, "x.bib", "% nothing\n"), "bibtex"))
