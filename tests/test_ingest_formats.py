"""Standard-format parsers on the third-party samples: detection, golden files, specific defects, bad input.

Golden files live in tests/golden/formats/; regenerate with ``BYLINE_UPDATE_GOLDEN=1 pytest tests/test_ingest_formats.py``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import json
import os
import re
from pathlib import Path

import pytest

from byline import InputError
from byline.ingest import FORMAT_MODULES, detect_format, format_module, load_records
from byline.ingest._problems import collect_problems
from byline.records import Record

UPDATE = os.environ.get("BYLINE_UPDATE_GOLDEN") == "1"

# Sample folder -> the format every file in it must be detected as (WoS is an override below).
EXPECTED_FORMAT = {
    "bibtex": "bibtex",
    "ris": "ris",
    "openalex_api": "openalex",
    "openalex_jsonl": "openalex",
    "semanticscholar": "s2",
    "arxiv_atom": "arxiv",
    "csl_json": "csl",
    "csv": "csv",
}
OVERRIDES = {"rispy__example_wos.ris": "wos"}


@pytest.mark.shared
def sample_files(samples_dir: Path) -> list[Path]:
    return sorted(p for p in samples_dir.glob("*/*") if p.is_file())


def _sample_ids() -> list[str]:
    from conftest import SHARED

    root = SHARED / "samples"
    if not root.is_dir():
        return []
    return [f"{p.parent.name}/{p.name}" for p in sample_files(root)]


SAMPLES = _sample_ids()


def record_json(rec: Record, root: Path) -> dict:
    d = dataclasses.asdict(rec)

    def rel(prov: dict) -> dict:
        with contextlib.suppress(ValueError):
            prov["file"] = Path(prov["file"]).relative_to(root).as_posix()
        return prov

    d["source"] = rel(d["source"])
    d["field_sources"] = {k: rel(v) for k, v in d["field_sources"].items()}
    d["authors"] = [{k: list(v) if isinstance(v, tuple) else v for k, v in a.items()} for a in d["authors"]]
    return d


def golden_name(rel: str) -> str:
    return re.sub(r"[^A-Za-z0-9._=-]+", "_", rel.replace("/", "__")) + ".json"


@pytest.mark.shared
def parse_sample(samples_dir: Path, rel: str) -> tuple[str, list[Record]]:
    return parse_sample_reporting(samples_dir, rel)[:2]


def parse_sample_reporting(samples_dir: Path, rel: str) -> tuple[str, list[Record], list[dict]]:
    """Format, records, and the entries reported as skipped or suspicious (file relative, line, message)."""
    path = samples_dir / rel
    fmt = detect_format(path)
    with collect_problems() as problems:
        records = list(load_records(path, fmt))
    reported = [{"line": p.line, "message": p.message, "skipped": p.skipped} for p in problems.items]
    return fmt, records, reported


# ------------------------------------------------------------------------------------------------
# detection and golden files


@pytest.mark.shared
@pytest.mark.parametrize("rel", SAMPLES)
def test_detect_format_on_every_sample(samples_dir: Path, rel: str) -> None:
    path = samples_dir / rel
    expected = OVERRIDES.get(path.name, EXPECTED_FORMAT[path.parent.name])
    assert detect_format(path) == expected


@pytest.mark.shared
def test_sniffers_are_distinct(samples_dir: Path) -> None:
    """Every sample has exactly one confident (>= 0.5) standard-format sniffer."""
    from byline.ingest import read_head

    names = [n for n in FORMAT_MODULES if n not in ("listing", "signatures")]
    for path in sample_files(samples_dir):
        head = read_head(path)
        confident = [n for n in names if format_module(n).sniff(head, path) >= 0.5]
        assert len(confident) == 1, (path.name, confident)


@pytest.mark.shared
def test_seed_listings_do_not_look_like_standard_formats(seeds_dir: Path) -> None:
    from byline.ingest import read_head

    names = [n for n in FORMAT_MODULES if n not in ("listing", "signatures")]
    for path in sorted(seeds_dir.glob("*.txt")):
        head = read_head(path)
        assert all(format_module(n).sniff(head, path) < 0.5 for n in names), path.name


@pytest.mark.shared
@pytest.mark.parametrize("rel", SAMPLES)
def test_golden(samples_dir: Path, golden_dir: Path, rel: str) -> None:
    fmt, records, reported = parse_sample_reporting(samples_dir, rel)
    assert records or reported, "every sample yields records, or says why not"
    got = {"format": fmt, "records": [record_json(r, samples_dir) for r in records]}
    if reported:  # only where something was left out or warned about
        got["reported"] = reported
    gold = golden_dir / "formats" / golden_name(rel)
    if UPDATE or not gold.exists():
        if not UPDATE:
            pytest.fail(f"golden file {gold.name} missing: run with BYLINE_UPDATE_GOLDEN=1")
        gold.parent.mkdir(parents=True, exist_ok=True)
        gold.write_text(
            json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    want = json.loads(gold.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(got, ensure_ascii=False, sort_keys=True)) == want


@pytest.mark.shared
@pytest.mark.parametrize("rel", SAMPLES)
def test_sample_invariants(samples_dir: Path, rel: str) -> None:
    """Whatever the format: repaired text, clean ids, plausible years, 1-based lines."""
    _, records = parse_sample(samples_dir, rel)
    for r in records:
        for text in [r.title, r.venue, r.abstract, *[a.name for a in r.authors], *r.keywords]:
            if text is not None:
                assert text == text.strip() and "  " not in text and "\n" not in text and "&amp;" not in text
        for a in r.authors:
            assert a.name and "{" not in a.name and "\\" not in a.name
        if "doi" in r.ids:
            assert r.ids["doi"].startswith("10.") and r.ids["doi"] == r.ids["doi"].lower()
        if "arxiv" in r.ids:
            assert not re.search(r"v\d+$", r.ids["arxiv"])
        assert r.year is None or 1400 <= r.year <= 2100
        assert r.source.line is None or r.source.line >= 1


# ------------------------------------------------------------------------------------------------
# specific checks from the samples README


def names(rec: Record) -> list[str]:
    return [a.name for a in rec.authors]


@pytest.mark.shared
def test_bibtex_specifics(samples_dir: Path) -> None:
    b = samples_dir / "bibtex"
    (gensim,) = load_records(b / "zotero-better-bibtex__Wrong ring-above import #1115.bib")
    assert names(gensim) == ["Radim Řehůřek", "Petr Sojka"]
    assert gensim.title == "Software Framework for Topic Modelling with Large Corpora"
    assert gensim.year == 2010 and gensim.source.line == 1
    kuhne, godel = load_records(b / "zotero-better-bibtex__Qiqqa.bib")
    assert names(kuhne) == ["Thomas Kühne"] and names(godel) == ["Kurt Gödel"]
    assert kuhne.source.line == 8 and kuhne.keywords == ["MLM", "ontological versus linguistic"]
    (gbk,) = load_records(b / "python-bibtexparser__gbk_test.bib")
    assert names(gbk) == ["凯撒"] and gbk.venue == "测试期刊" and gbk.source.record == "凯撒2013"
    (macro,) = load_records(b / "python-bibtexparser__features2.bib")
    assert macro.title == "Cool Stuff" and macro.venue == "My International Conference"
    assert names(macro) == ["John Doe"] and macro.year == 2014
    (paren,) = load_records(
        b / "zotero-better-bibtex__Issues with round instead of curly braces do not import correctly #871.bib"
    )
    assert names(paren) == ["Drew V. McDermott", "Gerald J. Sussman"]
    assert (
        paren.title == "The CONNIVER Reference Manual"
        and paren.venue == "MIT Artificial Intelligence Laboratory"
    )


@pytest.mark.shared
def test_ris_specifics(samples_dir: Path) -> None:
    r = samples_dir / "ris"
    rayyan = list(load_records(r / "asreview__ris_issue_992.txt"))
    assert len(rayyan) == 19
    assert rayyan[0].keywords[:3] == ["Health Facility Administration", "Joint Commission", "Standards"]
    assert len(rayyan[0].keywords) == 13 and rayyan[0].keywords[-1] == "Patient Education"
    ieee = list(load_records(r / "litstudy__example.ris"))
    assert len(ieee) == 25
    assert names(ieee[0]) == ["G. Kalbe"]  # the duplicated AU line is dropped
    assert "M. Bobák" in names(ieee[1])
    assert ieee[0].ids["doi"] == "10.1109/mcse.2018.2884139"
    (ru,) = load_records(r / "rispy__example_utf_chars.ris")
    assert names(ru)[0] == "Yu E. Dobrokhotova"
    assert ru.abstract.startswith("Состояние") and ru.abstract.endswith("late reproductive period")
    ovid = list(load_records(r / "asreview__ovid_zotero.ris"))
    assert len(ovid) == 6 and names(ovid[0])[0] == "Ines A Trindade"


@pytest.mark.shared
def test_wos_specifics(samples_dir: Path) -> None:
    path = samples_dir / "ris" / "rispy__example_wos.ris"
    assert detect_format(path) == "wos"
    recs = list(load_records(path))
    assert [r.format for r in recs] == ["wos", "wos"]
    assert names(recs[0])[:2] == ["P. S. Parkes-Loach", "A. P. Majeed"]
    assert recs[0].title.startswith(
        "Interactions stabilizing the structure of the core light-harvesting complex"
    )
    assert recs[0].ids["doi"] == "10.1021/bi049798f" and recs[0].venue == "BIOCHEMISTRY"
    # handed to the RIS parser explicitly, it is still read as WoS
    assert [r.ids["doi"] for r in load_records(path, "ris")] == [r.ids["doi"] for r in recs]


@pytest.mark.shared
def test_openalex_specifics(samples_dir: Path) -> None:
    (w,) = load_records(samples_dir / "openalex_api" / "openalex-python__W2741809807.json")
    assert len(w.authors) == 9 and "Vincent Larivière" in names(w) and "Juan Pablo Alperín" in names(w)
    assert w.ids["doi"] == "10.7717/peerj.4375" and w.ids["openalex"] == "W2741809807"
    assert w.abstract.startswith("Despite growing interest in Open Access")
    assert w.authors[0].orcid == "0000-0003-1613-5981" and w.venue == "PeerJ"
    (legacy,) = load_records(samples_dir / "openalex_api" / "openalex-python__W-api-response.json")
    assert legacy.venue == "Physical Review Letters" and names(legacy) == ["B. P. Abbott"]
    jl = samples_dir / "openalex_jsonl"
    plain = list(load_records(jl / "go-openalex__works_updated_date=2023-05-16_part_000.jsonl"))
    packed = list(load_records(jl / "go-openalex__works_updated_date=2023-05-16_part_000.gz"))
    assert len(plain) == len(packed) == 27
    assert [r.ids for r in plain] == [r.ids for r in packed]
    assert plain[0].authors == [] and [r.source.line for r in plain] == list(range(1, 28))


@pytest.mark.shared
def test_semanticscholar_specifics(samples_dir: Path) -> None:
    s = samples_dir / "semanticscholar"
    (cit,) = load_records(s / "semanticscholar__Citation.json")
    assert cit.title.startswith("Learning to Throw") and cit.ids["doi"] == "10.1109/lra.2022.3229266"
    (ref,) = load_records(s / "semanticscholar__Reference.json")
    assert ref.ids["arxiv"] == "1402.0030" and names(ref) == ["A. Mnih", "Karol Gregor"]
    (null,) = load_records(s / "semanticscholar__PaperWithNullValues.json")
    assert null.authors == [] and null.ids == {"s2": "2d5673caa9e6af3a7b82a43f19ee920992db07ad"}
    batch = list(load_records(s / "semanticscholar__test_get_papers_not_found_warning.yaml"))
    assert len(batch) == 3  # the null element (id not found) is skipped
    assert names(batch[0]) == ["Marianne Bertrand", "E. Duflo", "S. Mullainathan"]


@pytest.mark.shared
def test_arxiv_specifics(samples_dir: Path) -> None:
    a = samples_dir / "arxiv_atom"
    page = list(load_records(a / "arxiv__deep dream-0.atom"))
    assert len(page) == 10
    assert page[0].title == (
        "Hierarchical Neural Representation of Dreamed Objects Revealed by Brain "
        "Decoding with Deep Neural Network Features"
    )
    assert page[0].ids == {"arxiv": "1611.09520"} and page[0].source.line == 10
    assert page[1].ids["doi"] == "10.3847/0004-637x/820/2/107"
    (new,) = load_records(a / "arxiv.py__id_1707.08567_s0_m100_6a1afebfc6a3.json")
    assert new.ids["arxiv"] == "1707.08567" and "Dirk Wübben" in names(new) and len(new.authors) == 34


@pytest.mark.shared
def test_csl_specifics(samples_dir: Path) -> None:
    c = samples_dir / "csl_json"
    (joss,) = load_records(c / "manubot__arxiv-joss-csl_raw.json")
    assert joss.year == 2017 and names(joss)[0] == "Arfon M Smith" and joss.ids["arxiv"] == "1707.02264"
    (null,) = load_records(c / "manubot__null-date-parts-csl_raw.json")
    assert null.year is None and null.title is None and null.ids["doi"] == "10.22541/au.149693987.70506124"
    with collect_problems() as problems:  # one item with only an id (a citation key) and a date: no paper
        assert list(load_records(c / "manubot__excess-date-parts-csl_raw.json")) == []
    assert [(p.line, p.skipped) for p in problems.items] == [(None, True)]
    assert "no title, no identifier, no author and no abstract" in problems.items[0].message
    pandoc = list(load_records(c / "zotero-better-bibtex__Pandoc-LaTeX-SCHOMD Citation Export.csl.json"))
    assert pandoc[0].title == "The physical volcanology of the 1600 eruption of Huaynaputina, southern Peru"
    assert pandoc[0].year == 2014 and names(pandoc[0])[0] == "Nancy K Adams"
    sport = list(
        load_records(c / "zotero-better-bibtex__Deterministic ordering for CSL #1178 #1400.csl.json")
    )
    assert len(sport) == 26
    all_names = {n for r in sport for n in names(r)}
    assert {"IAAF", "TIME USA", "Court of Arbitration for Sport"} <= all_names
    assert sport[0].ids["doi"] == "10.1177/0193723504268729"  # shortDOI 10/fqd6hj resolved from URL


@pytest.mark.shared
def test_csv_specifics(samples_dir: Path) -> None:
    c = samples_dir / "csv"
    ieee = list(load_records(c / "litstudy__ieee.csv"))
    assert len(ieee) == 10 and names(ieee[0]) == ["P. Kogge", "J. Shalf"]
    assert ieee[0].authors[0].affiliations == ("University of Notre Dame",)
    assert (
        ieee[0].title
        == 'Exascale Computing Trends: Adjusting to the "New Normal"\' for Computer Architecture'
    )
    springer = list(load_records(c / "litstudy__springer.csv"))
    assert names(springer[0]) == ["Araz R. Aliev", "Nigar T. Ismayilova"]
    assert names(springer[2]) == ["Barnabás Bede", "Martine Ceberio", "Martine De Cock", "Vladik Kreinovich"]
    embase = list(load_records(c / "asreview__embase.csv"))
    assert names(embase[0]) == ["R. Liu", "D. G. Adler"]
    assert embase[0].year == 2014 and embase[0].venue == "Endoscopic Ultrasound"
    semi = list(load_records(c / "asreview__generic_semicolon.csv"))
    assert len(semi) == 2 and names(semi[0]) == ["Karl Marx", "Astrid Lindgren"] and semi[0].year == 2014


# ------------------------------------------------------------------------------------------------
# bad input

STANDARD = ["bibtex", "ris", "wos", "medline", "openalex", "s2", "arxiv", "csv", "csl"]


@pytest.mark.parametrize("fmt", STANDARD)
def test_empty_file(tmp_path: Path, fmt: str) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        list(load_records(p, fmt))
    p.write_bytes(b"  \n\n \r\n")
    with pytest.raises(InputError, match=r"empty\.txt"):
        list(load_records(p, fmt))


@pytest.mark.parametrize("fmt", STANDARD)
def test_binary_file(tmp_path: Path, fmt: str) -> None:
    p = tmp_path / "image.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match=r"image\.png"):
        list(load_records(p, fmt))


def test_binary_file_auto(tmp_path: Path) -> None:
    p = tmp_path / "blob.bin"
    p.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(InputError, match=r"blob\.bin.*binary"):
        detect_format(p)


@pytest.mark.parametrize(
    ("fmt", "text", "line"),
    [
        ("openalex", '{\n "id": "https://openalex.org/W1",\n "title": "x",\n "authorships": [\n', 5),
        ("s2", '{"paperId": "abc",\n "title": "Trunc', 2),
        ("csl", '[\n {"type": "article", "title": "A"},\n {"type": ', 3),
        (
            "openalex",
            '{"id": "https://openalex.org/W1", "title": "a"}\n{"id": "https://openalex.org/W2", "ti',
            2,
        ),
    ],
)
def test_truncated_json_names_file_and_line(tmp_path: Path, fmt: str, text: str, line: int) -> None:
    p = tmp_path / "cut.json"
    p.write_text(text, encoding="utf-8")
    with (
        pytest.raises(InputError) as info,
        collect_problems(strict=True),
    ):  # (a JSON-lines file skips a bad line)
        list(load_records(p, fmt))
    assert info.value.file == str(p) and info.value.line == line
    assert f"cut.json:{line}" in str(info.value)


def test_truncated_xml_names_line(tmp_path: Path) -> None:
    p = tmp_path / "cut.atom"
    p.write_text(
        '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n<title>A</ti',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"cut\.atom:\d"):
        list(load_records(p, "arxiv"))


@pytest.mark.shared
def test_truncated_gzip(tmp_path: Path, samples_dir: Path) -> None:
    raw = (
        samples_dir / "openalex_jsonl" / "go-openalex__works_updated_date=2023-05-16_part_000.gz"
    ).read_bytes()
    p = tmp_path / "cut.jsonl.gz"
    p.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(InputError, match=r"cut\.jsonl\.gz"):
        list(load_records(p, "openalex"))


def test_broken_bibtex_entry_names_line(tmp_path: Path) -> None:
    p = tmp_path / "broken.bib"
    p.write_text(
        "@article{a, title={Fine}}\n\n@article{b,\n  title = {never closed\n@misc{c, title={x}}\n",
        encoding="utf-8",
    )
    with collect_problems() as problems:  # the entries around the broken one are kept
        assert [r.title for r in load_records(p, "bibtex")] == ["Fine", "x"]
    assert [(p.line, p.skipped) for p in problems.items] == [(3, True)]
    with pytest.raises(InputError, match=r"broken\.bib:3"), collect_problems(strict=True):
        list(load_records(p, "bibtex"))


def test_wrong_encoding_is_recovered(tmp_path: Path) -> None:
    p = tmp_path / "latin1.bib"
    p.write_bytes(
        "@article{k, author={Jürgen Müller and Zoë Ståhl}, title={Über Straßen}, year=1999}\n".encode(
            "cp1252"
        )
    )
    (r,) = load_records(p)
    assert names(r) == ["Jürgen Müller", "Zoë Ståhl"] and r.title == "Über Straßen"
    p = tmp_path / "utf16.ris"
    p.write_bytes("TY  - JOUR\nAU  - Müller, Jürgen\nTI  - Ünïcödé\nER  - \n".encode("utf-16"))
    (r,) = load_records(p)
    assert names(r) == ["Jürgen Müller"] and r.title == "Ünïcödé"


def test_cp874_mojibake_in_a_file_is_repaired(tmp_path: Path) -> None:
    p = tmp_path / "moji.ris"
    p.write_text(
        "TY  - JOUR\nAU  - Bรผhler, Anna\nTI  - Thai title ภาษาไทย stays\nER  - \n", encoding="utf-8"
    )
    (r,) = load_records(p)
    assert names(r) == ["Anna Bühler"] and r.title == "Thai title ภาษาไทย stays"


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("openalex", '["not a work"]'),
        ("s2", "[1, 2]"),
        ("csl", '{"items": 5}'),
        ("csv", "foo,bar\n1,2\n"),
        ("ris", "just some text\nwithout tags\n"),
        ("wos", "hello world\n"),
        ("medline", "hello world\n"),
        ("s2", "interactions: 5\n"),
    ],
)
def test_wrong_shape_is_an_input_error(tmp_path: Path, fmt: str, text: str) -> None:
    p = tmp_path / "odd.txt"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"odd\.txt"):
        list(load_records(p, fmt))


def test_absurd_values(tmp_path: Path) -> None:
    p = tmp_path / "absurd.json"
    p.write_text(
        json.dumps(
            [
                {
                    "paperId": "x",
                    "year": 99999,
                    "title": "  A \u0000 b  ",
                    "authors": [None, {"name": ""}],
                    "externalIds": {"DOI": "not a doi"},
                }
            ]
        ),
        encoding="utf-8",
    )
    (r,) = load_records(p, "s2")
    assert r.year is None and r.title == "A b" and r.authors == [] and "doi" not in r.ids


def test_csv_mapping_override(tmp_path: Path) -> None:
    p = tmp_path / "mine.csv"
    p.write_text("Paper;Who;When;Where\nA study;Ann Lee; Bo Chen;2020;Nature\n", encoding="utf-8")
    from byline.ingest import csv as csv_fmt

    with pytest.raises(InputError, match="no title"):
        list(csv_fmt.parse(p))
    (r,) = csv_fmt.parse(p, mapping={"title": "Paper", "authors": "Who", "year": "When", "venue": "Where"})
    assert r.title == "A study" and names(r) == ["Ann Lee"] and r.year is None  # ';' is the delimiter
    with pytest.raises(InputError, match="not in the header"):
        list(csv_fmt.parse(p, mapping={"title": "Nope"}))
    with pytest.raises(InputError, match="unknown field"):
        list(csv_fmt.parse(p, mapping={"colour": "Paper"}))


# ------------------------------------------------------------------------------------------------
# streaming


@pytest.mark.parametrize("fmt", ["openalex", "s2", "csl", "ris", "csv"])
def test_large_files_stream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    """Above the whole-file limit, records come out before a defect near the end is even read."""
    from byline.ingest import _common

    monkeypatch.setattr(_common, "WHOLE_FILE_LIMIT", 4096)
    monkeypatch.setattr(_common, "HEAD_BYTES", 1024)
    n = 2000
    if fmt == "openalex":
        body = (
            "".join(
                json.dumps({"id": f"https://openalex.org/W{i}", "title": f"Paper {i}", "authorships": []})
                + "\n"
                for i in range(n)
            )
            + "{broken\n"
        )
    elif fmt == "s2":
        body = (
            "".join(
                json.dumps({"paperId": f"p{i}", "title": f"Paper {i}", "authors": None}) + "\n"
                for i in range(n)
            )
            + "{broken\n"
        )
    elif fmt == "csl":
        body = (
            "".join(
                json.dumps({"id": f"i{i}", "type": "article", "title": f"Paper {i}"}) + "\n" for i in range(n)
            )
            + "{broken\n"
        )
    elif fmt == "ris":
        body = "".join(f"TY  - JOUR\nTI  - Paper {i}\nAU  - Lee, Ann\nER  - \n\n" for i in range(n))
        body += "TY  - JOUR\nTI  - Último\nER  - \n"
    else:
        body = (
            "Title,Authors,Year\n" + "".join(f"Paper {i},Ann Lee,2020\n" for i in range(n)) + '"unclosed,x\n'
        )
    p = tmp_path / f"big.{fmt}"
    p.write_text(body, encoding="utf-8")
    it = load_records(p, fmt)
    first = next(it)
    assert first.title == "Paper 0"
    if fmt in ("openalex", "s2", "csl"):
        got = [first]
        with pytest.raises(InputError, match=rf"big\.{fmt}:{n + 1}"), collect_problems(strict=True):
            for r in it:
                got.append(r)
        assert len(got) == n
        with collect_problems() as problems:  # by default the broken last line is skipped, and said so
            assert len(list(load_records(p, fmt))) == n
        assert [(x.line, x.skipped) for x in problems.items] == [(n + 1, True)]
    else:
        rest = list(it)
        assert len(rest) >= n - 1


def test_gzip_jsonl_roundtrip_streams(tmp_path: Path) -> None:
    p = tmp_path / "works.jsonl.gz"
    with gzip.open(p, "wt", encoding="utf-8") as fh:
        for i in range(50):
            fh.write(
                json.dumps(
                    {
                        "id": f"https://openalex.org/W{i}",
                        "display_name": f"T{i}",
                        "publication_year": 2000 + i % 20,
                    }
                )
                + "\n"
            )
    assert detect_format(p) == "openalex"
    recs = list(load_records(p))
    assert [r.title for r in recs] == [f"T{i}" for i in range(50)] and recs[3].source.line == 4


def test_bibtex_streams_in_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces cut at '@' lines give the same records and lines as one pass; macros cross pieces."""
    from byline.ingest import bibtex

    body = '@string{jn = "Journal of Pieces"}\n\n' + "".join(
        f'@article{{k{i},\n  author = {{M{{\\"u}}ller, Ann and Lee, Bo}},\n  title = {{Paper {i}}},\n'
        f"  journal = jn,\n  year = {1990 + i % 30}\n}}\n\n"
        for i in range(300)
    )
    p = tmp_path / "many.bib"
    p.write_text(body, encoding="utf-8")
    whole = list(bibtex.parse(p))
    monkeypatch.setattr(bibtex, "CHUNK_LINES", 50)
    pieces = list(bibtex.parse(p))
    assert len(whole) == len(pieces) == 300
    assert [(r.source.line, r.title, r.venue) for r in whole] == [
        (r.source.line, r.title, r.venue) for r in pieces
    ]
    assert pieces[-1].venue == "Journal of Pieces" and names(pieces[-1]) == ["Ann Müller", "Bo Lee"]
    assert pieces[1].source.line == 10


def test_csv_scopus_layout(tmp_path: Path) -> None:
    p = tmp_path / "scopus.csv"
    p.write_bytes(
        '\ufeff"Authors","Author full names","Author(s) ID","Title","Year","Source title","DOI",'
        '"Affiliations","Authors with affiliations","Abstract","Author Keywords","EID"\n'
        '"Doe J.; Roe R.-K.","Doe, Jane (111); Roe, Ri-Kyu (222)","111; 222","A title","2023","Some Journal",'
        '"10.1000/ABC","Univ A; Univ B; Univ C","Doe J., Univ A, Town; Roe R.-K., Univ B","An abstract.",'
        '"one; two","2-s2.0-1"\n'.encode()
    )
    assert detect_format(p) == "csv"
    (r,) = load_records(p)
    assert names(r) == ["Jane Doe", "Ri-Kyu Roe"]
    assert [a.affiliations for a in r.authors] == [("Univ A, Town",), ("Univ B",)]
    assert r.year == 2023 and r.venue == "Some Journal" and r.ids == {"doi": "10.1000/abc", "eid": "2-s2.0-1"}
    assert r.keywords == ["one", "two"] and r.source.record == "2-s2.0-1"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_large_file_encodings_stream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str) -> None:
    from byline.ingest import _common

    monkeypatch.setattr(_common, "WHOLE_FILE_LIMIT", 1024)
    p = tmp_path / "big.ris"
    p.write_bytes(
        "".join(f"TY  - JOUR\nTI  - Größe {i}\nAU  - Müller, Jürgen\nER  - \n\n" for i in range(500)).encode(
            encoding
        )
    )
    recs = list(load_records(p))
    assert len(recs) == 500 and recs[0].title == "Größe 0" and names(recs[-1]) == ["Jürgen Müller"]


def test_medline(tmp_path: Path) -> None:
    p = tmp_path / "pubmed-export.txt"
    p.write_text(
        "PMID- 123\nOWN - NLM\nDP  - 2020 Feb\nTI  - A long title that wraps\n      onto a second line.\n"
        "LID - S0000 [pii]\nLID - 10.1000/XYZ [doi]\nAB  - Abstract text.\n"
        "FAU - O'Connor, Rebecca E\nAU  - O'Connor RE\nAUID- ORCID: 0000-0002-1825-0097\n"
        "AD  - School of Biosciences, University of Kent,\n      Canterbury, UK.\n"
        "FAU - Pérez-de la Fuente, Ricardo\nAU  - Pérez-de la Fuente R\nJT  - Some Journal\nOT  - Dinosaur\n\n"
        "PMID- 456\nTI  - Second.\nAU  - Zhu Q\n",
        encoding="utf-8",
    )
    assert detect_format(p) == "medline"
    first, second = load_records(p)
    assert first.title == "A long title that wraps onto a second line." and first.year == 2020
    # the source's surname "Pérez-de la Fuente" stays one surname (joined by a no-break space)
    assert names(first) == ["Rebecca E O'Connor", "Ricardo Pérez-de\u00a0la\u00a0Fuente"]
    assert first.authors[0].orcid == "0000-0002-1825-0097"
    assert first.authors[0].affiliations == ("School of Biosciences, University of Kent, Canterbury, UK.",)
    assert first.ids == {"pmid": "123", "doi": "10.1000/xyz"} and first.venue == "Some Journal"
    assert second.source.line == 19 and names(second) == ["Q. Zhu"]
    assert [r.ids["pmid"] for r in load_records(p, "ris")] == ["123", "456"]  # handed to RIS: read as MEDLINE


def test_ris_with_extraneous_text(tmp_path: Path) -> None:
    p = tmp_path / "export.ris"
    p.write_text(
        "Record #1 of 2\nProvider: X\n1.\nTY  - JOUR\nT1  - First\nA1  - Marx, Karl\nY1  - 2014//\n"
        "ER  -\n\nRecord #2 of 2\n2.\nTY  - JOUR\nT1  - Second\nER  -\n",
        encoding="utf-8",
    )
    assert detect_format(p) == "ris"
    a, b = load_records(p)
    assert (a.title, names(a), a.year, a.source.line) == ("First", ["Karl Marx"], 2014, 4)
    assert b.title == "Second"


def test_ris_from_web_of_science_and_tsv(tmp_path: Path) -> None:
    p = tmp_path / "wos_as_ris.txt"
    p.write_text(
        "TY  - JOUR\nAU  - Alceste, F\nAU  - Luke, TJ\nAU  - Dobrokhotova, Yu E.\nTI  - Holding\nPY  - 2018\n"
        "AN  - WOS:000444108200009\nN1  - Times Cited:  5\nTotal Times Cited:  7\nER  -\n",
        encoding="utf-8",
    )
    (r,) = load_records(p)
    assert (
        names(r) == ["F. Alceste", "T. J. Luke", "Yu E. Dobrokhotova"]
        and r.source.record == "WOS:000444108200009"
    )
    t = tmp_path / "generic.tsv"
    t.write_text(
        "abstract\tfirst_authors\ttitle\tpublication_year\nAbc, def.\t['Marx, Karl', 'Lindgren, Astrid']\t"
        "Title of reference\t2014//\n",
        encoding="utf-8",
    )
    assert detect_format(t) == "csv"
    (r,) = load_records(t)
    assert names(r) == ["Karl Marx", "Astrid Lindgren"] and r.year == 2014 and r.abstract == "Abc, def."


def test_csv_multiline_cells_keep_start_lines(tmp_path: Path) -> None:
    p = tmp_path / "ieee.csv"
    p.write_text(
        '"Document Title",Authors,"Publication Year","Abstract"\r\n'
        '"First ""quoted"" title","P. Kogge; J. Shalf","2013","Line one\r\nline two\r\n\r\nline four"\r\n'
        '"Second",Ann Lee,2014,short\r\n',
        encoding="utf-8",
    )
    a, b = load_records(p)
    assert a.title == 'First "quoted" title' and a.abstract == "Line one line two line four"
    assert (a.source.line, b.source.line) == (2, 6) and names(b) == ["Ann Lee"]


def test_s2_bulk_dataset_lines(tmp_path: Path) -> None:
    p = tmp_path / "papers-part0.jsonl"
    line = {
        "corpusid": 42,
        "externalids": {"DOI": "10.1000/ABC", "ArXiv": "2101.00001", "CorpusId": "42"},
        "title": "Bulk paper",
        "authors": [{"authorId": "1", "name": "Ann Lee"}],
        "venue": "Venue",
        "year": 2021,
        "publicationvenueid": None,
    }
    p.write_text(json.dumps(line) + "\n" + json.dumps({**line, "corpusid": 43}) + "\n", encoding="utf-8")
    assert detect_format(p) == "s2"
    a, b = load_records(p)
    assert a.ids == {"doi": "10.1000/abc", "arxiv": "2101.00001", "corpus_id": "42"} and a.source.line == 1
    assert names(a) == ["Ann Lee"] and b.source.record == "CorpusId:43"


def test_s2_author_with_papers_and_recommendations(tmp_path: Path) -> None:
    p = tmp_path / "author.json"
    p.write_text(
        json.dumps(
            {
                "authorId": "1",
                "name": "Ann Lee",
                "papers": [
                    {"paperId": "a", "title": "One", "authors": [{"authorId": "1", "name": "Ann Lee"}]},
                    {"paperId": "b", "title": "Two", "authors": []},
                ],
            }
        ),
        encoding="utf-8",
    )
    assert [r.title for r in load_records(p, "s2")] == ["One", "Two"]
    p.write_text(json.dumps({"recommendedPapers": [{"paperId": "c", "title": "Three"}]}), encoding="utf-8")
    assert [r.title for r in load_records(p, "s2")] == ["Three"]


def test_csv_mapping_through_load_records_and_load_listing(tmp_path: Path) -> None:
    from byline.ingest import load_listing
    from byline.ingest.csv import read_mapping

    p = tmp_path / "mine.csv"
    p.write_text("Paper,Who\nA study of graphs,Ann Lee\n", encoding="utf-8")
    mapping = read_mapping("title=Paper, authors = Who")
    assert mapping == {"title": "Paper", "authors": "Who"}
    (r,) = load_records(p, csv_mapping=mapping)  # auto: the unrecognised .csv header is read with the mapping
    assert r.title == "A study of graphs" and [a.name for a in r.authors] == ["Ann Lee"]
    lst = load_listing(p, owner="Ann Lee", format="csv", csv_mapping=mapping)
    assert lst.owner == "Ann Lee" and [x.title for x in lst.records] == ["A study of graphs"]
    with pytest.raises(InputError, match="unknown field 'colour'"):
        read_mapping({"colour": "Paper"})
    with pytest.raises(InputError, match="one JSON object"):
        j = tmp_path / "m.json"
        j.write_text("[1]", encoding="utf-8")
        read_mapping(j)
