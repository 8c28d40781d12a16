"""Defects real files showed, one test each: inputs written here after the shapes those files had."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byline.dedup import dedup
from byline.ingest import load_records
from byline.ingest._problems import collect_problems
from byline.names import SURNAME_JOINER, block_key, normalize, parse_name


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------------------------------------------
# multi-word surnames keep the source's family/given split


SPLITS = [
    ("Chrifi Alaoui", "Fatima Zahrae", "f chrifialaoui"),
    ("Vázquez de Parga", "Luis", "l vazquezdeparga"),
    ("Uría Ríu", "Juan", "j uriariu"),
]


def _sources(family: str, given: str) -> dict[str, str]:
    return {
        "a.bib": f"@article{{k, title={{One paper}}, author={{{family}, {given} and Lee, Ann}}, year=2020}}\n",
        "a.ris": f"TY  - JOUR\nTI  - One paper\nAU  - {family}, {given}\nAU  - Lee, Ann\nPY  - 2020\nER  - \n",
        "a.csl.json": json.dumps(
            [
                {
                    "id": "x",
                    "type": "article",
                    "title": "One paper",
                    "author": [{"family": family, "given": given}, {"family": "Lee", "given": "Ann"}],
                }
            ]
        ),
        "scopus.csv": "Authors,Author full names,Title,Year\n"
        f'"{family} F., Lee A.","{family}, {given} (57218213572); Lee, Ann (54879650100)",One paper,2020\n',
    }


@pytest.mark.parametrize(("family", "given", "block"), SPLITS)
def test_multiword_surname_split_kept_in_every_source(
    tmp_path: Path, family: str, given: str, block: str
) -> None:
    for name, text in _sources(family, given).items():
        (rec,) = load_records(write(tmp_path, name, text))
        first = rec.authors[0].name
        assert first == f"{given} {SURNAME_JOINER.join(family.split())}", name
        assert str(first).replace(SURNAME_JOINER, " ") == f"{given} {family}"  # displays as printed
        assert block_key(first) == block, name
        assert parse_name(first).given == normalize(given.split()[0])
        assert block_key(rec.authors[1].name) == "a lee"


def test_particle_surname_needs_no_joiner(tmp_path: Path) -> None:
    """A surname the parser already reads whole ("van der Berg") is stored as the plain string."""
    p = write(tmp_path, "a.ris", "TY  - JOUR\nTI  - T\nAU  - van der Berg, J.\nER  - \n")
    (rec,) = load_records(p)
    assert rec.authors[0].name == "J. van der Berg"


def test_split_and_plain_printing_are_one_author_in_dedup(tmp_path: Path) -> None:
    """One source gives the split, another prints the whole name: one author on the merged work."""
    a = write(
        tmp_path,
        "a.ris",
        "TY  - JOUR\nTI  - One paper\nAU  - Chrifi Alaoui, Fatima Zahrae\nDO  - 10.1/x\nER  - \n",
    )
    b = write(
        tmp_path,
        "b.json",
        json.dumps(
            {
                "id": "https://openalex.org/W1",
                "doi": "https://doi.org/10.1/x",
                "title": "One paper",
                "authorships": [{"author": {"display_name": "Fatima Zahrae Chrifi Alaoui"}}],
            }
        ),
    )
    (work,) = dedup([*load_records(a), *load_records(b)])
    assert len(work.authors) == 1


# ------------------------------------------------------------------------------------------------
# OpenAlex: the older {"IndexLength", "InvertedIndex"} abstract


def test_openalex_abstract_index_length_form(tmp_path: Path) -> None:
    work = {
        "id": "https://openalex.org/W2",
        "title": "Old schema",
        "authorships": [{"author": {"display_name": "Ann Lee"}}],
        "abstract_inverted_index": {
            "IndexLength": 4,
            "InvertedIndex": {"We": [0], "study": [1], "old": [2], "things.": [3]},
        },
    }
    current = dict(work, id="https://openalex.org/W3", abstract_inverted_index={"We": [0], "study": [1]})
    p = write(tmp_path, "w.json", json.dumps({"results": [work, current]}))
    old, new = load_records(p)
    assert old.abstract == "We study old things."
    assert new.abstract == "We study"


def test_openalex_word_named_like_the_old_keys_is_a_word(tmp_path: Path) -> None:
    """A current-form index whose words include "IndexLength" is still read as words."""
    work = {
        "id": "https://openalex.org/W4",
        "title": "T",
        "abstract_inverted_index": {"IndexLength": [1], "The": [0]},
    }
    (rec,) = load_records(write(tmp_path, "w.json", json.dumps(work)))
    assert rec.abstract == "The IndexLength"


# ------------------------------------------------------------------------------------------------
# RIS: the "author list written twice" rule is conservative and says what it drops


def _ris(authors: list[str]) -> str:
    return (
        "TY  - JOUR\nTI  - Many authors\n" + "".join(f"AU  - {a}\n" for a in authors) + "PY  - 2020\nER  - \n"
    )


def test_ris_thousands_of_identical_authors_not_halved(tmp_path: Path) -> None:
    p = write(tmp_path, "big.ris", _ris(["Wang, X."] * 3000))
    with collect_problems() as problems:
        (rec,) = load_records(p)
    assert len(rec.authors) == 3000
    (warning,) = problems.warnings
    assert warning.line == 3 and "3000 times" in warning.message and "all kept" in warning.message


def test_ris_doubled_list_read_once_with_a_warning(tmp_path: Path) -> None:
    p = write(tmp_path, "d.ris", _ris(["Lee, Ann", "Lee, Ann", "Chen, Bo", "Chen, Bo"]))
    with collect_problems() as problems:
        (rec,) = load_records(p)
    assert [a.name for a in rec.authors] == ["Ann Lee", "Bo Chen"]
    (warning,) = problems.warnings
    assert "written twice" in warning.message and "Ann Lee; Bo Chen" in warning.message


def test_ris_one_name_twice_is_the_ieee_single_author_export(tmp_path: Path) -> None:
    with collect_problems() as problems:
        (rec,) = load_records(write(tmp_path, "n.ris", _ris(["Kalbe, G.", "Kalbe, G."])))
    assert [a.name for a in rec.authors] == ["G. Kalbe"]
    (warning,) = problems.warnings
    assert "written twice" in warning.message and "G. Kalbe" in warning.message


def test_ris_namesakes_among_others_kept_without_warning(tmp_path: Path) -> None:
    with collect_problems() as problems:
        (rec,) = load_records(write(tmp_path, "n.ris", _ris(["Wang, Xin", "Wang, Xin", "Li, Yu"])))
    assert [a.name for a in rec.authors] == ["Xin Wang", "Xin Wang", "Yu Li"]
    assert not problems.items


# ------------------------------------------------------------------------------------------------
# BibTeX: crossref, undefined macros, subtitle, math


CROSSREF = r"""
@inproceedings{conf85,
  title = {Planning as search},
  author = {McDermott, Drew},
  crossref = {ijcai85},
  pages = {1--10}
}
@article{journal86,
  title = {Planning as search},
  author = {McDermott, Drew},
  journal = {Artificial Intelligence},
  year = 1986
}
@proceedings{ijcai85,
  title = {Proceedings of the Ninth IJCAI},
  year = 1985,
  publisher = {Morgan Kaufmann}
}
"""


def test_bibtex_crossref_followed_and_dedup_keeps_both(tmp_path: Path) -> None:
    p = write(tmp_path, "x.bib", CROSSREF)
    with collect_problems() as problems:
        recs = {r.extra["key"]: r for r in load_records(p)}
    assert not problems.items
    conf = recs["conf85"]
    assert conf.year == 1985 and conf.venue == "Proceedings of the Ninth IJCAI"
    assert conf.provenance_of("year").line == 16  # read from the parent entry's line
    works = dedup([recs["conf85"], recs["journal86"]])
    assert sorted(w.year for w in works) == [1985, 1986]


def test_bibtex_crossref_to_a_missing_entry_is_reported(tmp_path: Path) -> None:
    p = write(tmp_path, "x.bib", "@inproceedings{c, title={T}, author={A, B}, crossref={nowhere}}\n")
    with collect_problems() as problems:
        (rec,) = load_records(p)
    assert rec.title == "T"
    assert "crossref 'nowhere'" in problems.warnings[0].message


def test_bibtex_parent_before_child(tmp_path: Path) -> None:
    text = "@book{b, title={The Book}, year=2001}\n@incollection{c, title={A chapter}, author={Lee, Ann}, crossref={b}}\n"
    recs = list(load_records(write(tmp_path, "x.bib", text)))
    assert [(r.title, r.year, r.venue) for r in recs] == [
        ("The Book", 2001, None),
        ("A chapter", 2001, "The Book"),
    ]


def test_bibtex_undefined_macros_warned_never_authors(tmp_path: Path) -> None:
    text = (
        "@article{a, title={One}, author = MCDERMOTT, year=1990}\n"
        "@article{b, title={Two}, author = {William D. Harvey and} # GINSBERG, year=1991}\n"
    )
    with collect_problems() as problems:
        one, two = load_records(write(tmp_path, "m.bib", text))
    assert one.authors == []
    assert [a.name for a in two.authors] == ["William D. Harvey"]
    assert [(w.line, "MCDERMOTT" in w.message or "GINSBERG" in w.message) for w in problems.warnings] == [
        (1, True),
        (2, True),
    ]


def test_bibtex_defined_macros_still_resolved(tmp_path: Path) -> None:
    text = (
        '@string{mcd = "McDermott, Drew"}\n@article{a, title={One}, author = mcd, month = jan, year=1990}\n'
    )
    with collect_problems() as problems:
        (rec,) = load_records(write(tmp_path, "m.bib", text))
    assert [a.name for a in rec.authors] == ["Drew McDermott"] and not problems.items


@pytest.mark.parametrize(
    ("title", "want"),
    [("Title", "Title: Subtitle"), ("What now?", "What now? Subtitle"), (None, "Subtitle")],
)
def test_biblatex_subtitle(tmp_path: Path, title: str | None, want: str) -> None:
    t = f"title = {{{title}}}, " if title else ""
    p = write(tmp_path, "s.bib", f"@article{{a, {t}subtitle = {{Subtitle}}, author={{Lee, Ann}}}}\n")
    (rec,) = load_records(p)
    assert rec.title == want


def test_bibtex_math_braces_kept(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "w.bib",
        r"@article{a, title = {W$\frac{o}{a}$nder of {T}he $O(n^{2})$}, author={Lee, Ann}}" + "\n",
    )
    (rec,) = load_records(p)
    assert rec.title == r"W$\frac{o}{a}$nder of The $O(n^{2})$"


# ------------------------------------------------------------------------------------------------
# Scopus CSV: the older "Authors with affiliations" layout, rows one cell longer than the header


OLD_SCOPUS_HEADER = (
    "Authors,Title,Year,Source title,Authors with affiliations,Abstract,CODEN,PubMed ID,"
    "Language of Original Document,Document Type,Source,EID\n"
)


def test_scopus_old_affiliation_layout(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "old.csv",
        OLD_SCOPUS_HEADER + '"Beckman J.C., Roe R.","Paper",1998,"J. Things",'
        '"Beckman, J.C., Beckman Institute, University of Illinois, Urbana; Roe, R., Dept of X, Town",'
        '"Abs.",JTHGA,12345,English,Article,Scopus,2-s2.0-0031\n',
    )
    (rec,) = load_records(p)
    assert [a.affiliations for a in rec.authors] == [
        ("Beckman Institute, University of Illinois, Urbana",),
        ("Dept of X, Town",),
    ]
    assert rec.ids["pmid"] == "12345" and rec.ids["eid"] == "2-s2.0-0031"


def test_scopus_row_one_cell_longer_is_realigned(tmp_path: Path) -> None:
    """An unquoted comma in the title: the two halves are joined where every later column fits again."""
    p = write(
        tmp_path,
        "long.csv",
        OLD_SCOPUS_HEADER
        + 'Doe J.,Part one, part two,2001,Journal,"Doe, J., Univ A",Abs.,JTHGA,777,English,Article,Scopus,2-s2.0-9\n',
    )
    with collect_problems() as problems:
        (rec,) = load_records(p)
    assert rec.title == "Part one, part two"
    assert rec.year == 2001 and rec.ids == {"pmid": "777", "eid": "2-s2.0-9"}  # not the CODEN
    (warning,) = problems.warnings
    assert warning.line == 2 and "read as one 'Title' cell" in warning.message


def test_long_row_without_evidence_is_read_as_it_is(tmp_path: Path) -> None:
    p = write(tmp_path, "g.csv", "Title,Authors,Notes\nA title,Lee A.,note,another\n")
    with collect_problems() as problems:
        (rec,) = load_records(p)
    assert rec.title == "A title"
    assert "may be in the wrong columns" in problems.warnings[0].message


# ------------------------------------------------------------------------------------------------
# non-DOI source identifiers keep works apart, and join them


def test_four_volumes_with_differing_eids_stay_four_works(tmp_path: Path) -> None:
    rows = "".join(
        f'Doe J.,Proceedings of Things,2001,LNCS,"Doe, J., Univ A",Same abstract for all volumes.,,,English,'
        f"Conference Review,Scopus,2-s2.0-{v}\n"
        for v in (101, 102, 103, 104)
    )
    recs = list(load_records(write(tmp_path, "vols.csv", OLD_SCOPUS_HEADER + rows)))
    assert len(dedup(recs)) == 4


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [("pmid", "111", "222"), ("openalex", "W1", "W2"), ("s2", "abc", "def"), ("eid", "2-s2.0-1", "2-s2.0-2")],
)
def test_source_ids_split_and_join(kind: str, a: str, b: str) -> None:
    from byline.records import Author, Provenance, Record

    def rec(i: int, value: str, title: str = "A paper about things") -> Record:
        return Record(
            Provenance(f"f{i}"), "x", title=title, authors=[Author("Ann Lee")], year=2020, ids={kind: value}
        )

    assert len(dedup([rec(0, a), rec(1, b)])) == 2  # differing ids: two works
    (work,) = dedup([rec(0, a), rec(1, a, "A paper about things (extended)")])  # agreeing ids: one
    assert "same " + kind in work.records[1].extra["merged_because"]


# ------------------------------------------------------------------------------------------------
# format detection agrees with itself

EMPTY_PAGE = {
    "meta": {"count": 0, "db_response_time_ms": 12, "page": 1, "per_page": 25, "groups_count": None},
    "results": [],
    "group_by": [],
}


@pytest.mark.parametrize("fmt", ["auto", "openalex"])
def test_empty_openalex_page_accepted_by_auto_and_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    from _helpers import run_cli

    p = write(tmp_path, "empty.json", json.dumps(EMPTY_PAGE))
    code, out, err = run_cli(capsys, "ingest", p, "--format", fmt, "--db", tmp_path / "b.db")
    assert code == 0, err
    assert "read as openalex" in out and "empty.json: holds no OpenAlex work" in err


@pytest.mark.parametrize(
    "doc", [{"name": "x", "values": [1, 2]}, [{"a": 1}, {"b": 2}], {"results": [{"c": 3}]}]
)
def test_forced_openalex_on_other_json_is_an_error_and_stores_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: object
) -> None:
    from _helpers import run_cli

    good = write(tmp_path, "good.json", json.dumps({"id": "https://openalex.org/W1", "title": "T"}))
    p = write(tmp_path, "other.json", json.dumps(doc))
    db = tmp_path / "b.db"
    code, _, err = run_cli(capsys, "ingest", good, p, "--format", "openalex", "--db", db)
    assert code == 2
    assert "other.json: holds no OpenAlex work" in err
    code, out, _ = run_cli(capsys, "works", "--db", db, "--json")
    assert code != 0 or json.loads(out)["works"] == []


@settings(max_examples=30, deadline=None)
@given(order=st.permutations(range(4)))
def test_bibtex_crossref_whatever_the_entry_order(order: list[int]) -> None:
    """Children read their parent's fields wherever it stands in the file; every entry comes out once."""
    entries = [
        "@proceedings{p85, title = {Proc. Nine}, year = 1985, publisher = {MK}}\n",
        "@inproceedings{a, title = {Paper A}, author = {Lee, Ann}, crossref = {p85}}\n",
        "@inproceedings{b, title = {Paper B}, author = {Chen, Bo}, crossref = {p85}, year = 1984}\n",
        "@article{c, title = {Paper C}, author = {Park, C.}, journal = {J}, year = 1990}\n",
    ]
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "o.bib"
        p.write_text("".join(entries[i] for i in order), encoding="utf-8")
        with collect_problems() as problems:
            recs = {r.extra["key"]: r for r in load_records(p)}
    assert not problems.items
    assert {k: (r.year, r.venue) for k, r in recs.items()} == {
        "p85": (1985, "MK"),
        "a": (1985, "Proc. Nine"),
        "b": (1984, "Proc. Nine"),  # its own year wins
        "c": (1990, "J"),
    }
