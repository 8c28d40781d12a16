"""The seed listing shapes: golden files for every seed, the acceptance details, and fuzzing.

Regenerate the golden files after an intended change with ``BYLINE_UPDATE_GOLDEN=1 pytest tests/test_listing.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from byline._errors import InputError
from byline.ingest import detect_format
from byline.ingest.listing import (
    detect_shape,
    is_person_name,
    parse,
    parse_listing,
    parse_pair_line,
    split_byline,
)
from byline.records import Listing

SEEDS = {
    "000_197f605d59620965": ("Jaeseong Lee", "profile", 6),
    "001_b01ce36d20cf986e": ("Beomsu Kim", "feed", 26),
    "002_8d4a6e81199c5ac4": ("YoungJoon Yoo", "abstracts", 10),
    "003_f3f2e4098cc4bdf5": ("Nojun Kwak", "arxiv", 10),
    "004_7708ce01b97304fb": ("Jaeseong Lee", "abstracts", 9),
}


def _listing_json(listing: Listing, seeds_dir: Path) -> dict:
    def rel(p):
        return {"line": p.line} if p.file == listing.source else {"file": p.file, "line": p.line}

    return {
        "owner": listing.owner,
        "records": [
            {
                "line": r.source.line,
                "title": r.title,
                "authors": [a.name for a in r.authors],
                "authors_truncated": r.authors_truncated,
                "year": r.year,
                "ids": r.ids,
                "abstract": r.abstract,
                "field_lines": {k: rel(v)["line"] for k, v in sorted(r.field_sources.items())},
                "extra": r.extra,
            }
            for r in listing.records
        ],
    }


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_golden(seed: str, seeds_dir: Path, golden_dir: Path) -> None:
    owner, shape, n = SEEDS[seed]
    path = seeds_dir / f"{seed}.txt"
    listing = parse_listing(path, owner)
    assert listing.owner == owner
    assert len(listing.records) == n
    assert {r.extra["shape"] for r in listing.records} == {shape}
    got = _listing_json(listing, seeds_dir)
    golden = golden_dir / "listing" / f"{seed}.json"
    if os.environ.get("BYLINE_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run with BYLINE_UPDATE_GOLDEN=1 to write it"
    assert got == json.loads(golden.read_text(encoding="utf-8"))


def test_seeds_are_detected_as_listings(seeds_dir: Path) -> None:
    for seed in SEEDS:
        assert detect_format(seeds_dir / f"{seed}.txt") == "listing"


def test_profile_page(seeds_dir: Path) -> None:
    listing = parse_listing(seeds_dir / "000_197f605d59620965.txt")
    assert listing.owner == "Jaeseong Lee"  # read from the page's "Lee, Jaeseong" first line
    first = listing.records[0]
    assert [a.name for a in first.authors] == ["Parth Padalkar", "Jaeseong Lee", "Shiyi Wei", "Gopal Gupta"]
    assert first.source.line == 2 and first.provenance_of("authors").line == 3
    assert first.provenance_of("abstract").line == 4
    names = [a.name for r in listing.records for a in r.authors]
    assert "Marcel C. Bühler" in names and not any("ร" in n for n in names)
    # the owner argument overrides the page
    assert parse_listing(seeds_dir / "000_197f605d59620965.txt", "Someone Else").owner == "Someone Else"


def test_feed_page(seeds_dir: Path) -> None:
    recs = list(parse(seeds_dir / "001_b01ce36d20cf986e.txt"))
    by_title = {r.title: r for r in recs}
    r = by_title["Minimizing Trajectory Curvature of ODE-based Generative Models"]
    assert [a.name for a in r.authors] == ["Sangyun Lee", "Beomsu Kim", "Jong Chul Ye"]
    assert not r.authors_truncated and r.year == 2023
    assert r.extra["category"] == "LG" and r.extra["date"] == "2023-01-27" and r.extra["code"] is True
    r = by_title[
        "Meet Your Favorite Character: Open-domain Chatbot Mimicking Fictional Characters with only a Few Utterances"
    ]
    assert r.authors_truncated and r.extra["affiliations"] == ["stanford"]
    assert [a.name for a in r.authors] == ["Seungju Han", "Beomsu Kim", "Jin Yong Yoo"]
    r = by_title["Filter Style Transfer between Photos"]
    assert [a.name for a in r.authors] == ["Jonghwa Yim", "Jisung Yoo", "Won-joon Do"]
    assert by_title["(Deep) Generative Geodesics"].authors[0].name == "Beomsu Kim"
    assert "Unpaired Image-to-Image Translation via Neural Schrödinger Bridge" in by_title
    # every entry has a title and at least one author; no title keeps a glued name
    for rec in recs:
        assert rec.title and rec.authors
        last = rec.title.split()[-1]
        assert not any(a.isupper() for a in last[1:]) or last in ("MCMC", "Photos"), rec.title


def test_arxiv_page_ids_belong_to_previous_entry(seeds_dir: Path) -> None:
    recs = list(parse(seeds_dir / "003_f3f2e4098cc4bdf5.txt"))
    lfi = next(r for r in recs if r.abstract.startswith("Class Activation Mapping"))
    assert lfi.ids == {"arxiv": "2105.00937"} and lfi.provenance_of("ids").line == 2
    pruning = next(r for r in recs if "personalized" in r.abstract and "pruning" in r.abstract)
    assert pruning.ids == {"arxiv": "2103.15564"}
    assert pruning.extra["comments"] == "4 pages, ICASSP '21 accepted"
    assert pruning.source.line == 2 and pruning.provenance_of("comments").line == 3
    assert not pruning.abstract.startswith("arXiv")
    assert recs[-1].ids == {"arxiv": "2009.08043"} and recs[-1].abstract.startswith(
        "Video Question Answering"
    )
    assert all("arxiv" in r.ids for r in recs) and all(r.year in (2020, 2021) for r in recs)


def test_abstract_pages(seeds_dir: Path) -> None:
    for seed in ("002_8d4a6e81199c5ac4", "004_7708ce01b97304fb"):
        listing = parse_listing(seeds_dir / f"{seed}.txt")
        assert listing.owner is None  # the page does not say it
        assert all(r.title is None and not r.authors and r.abstract for r in listing.records)
        assert not any(r.abstract.startswith("Abstract") for r in listing.records)
        assert [r.source.line for r in listing.records] == list(range(1, len(listing.records) + 1))
    # no final newline: the last abstract is complete
    last = parse_listing(seeds_dir / "004_7708ce01b97304fb.txt").records[-1]
    assert last.abstract.endswith("H.264 or HEVC.")


# ------------------------------------------------------------------------------------------------
# building blocks


@pytest.mark.parametrize(
    ("line", "title", "authors", "truncated"),
    [
        (
            "Minimizing Trajectory Curvature of ODE-based Generative ModelsSangyun Lee, Beomsu Kim, Jong Chul Ye",
            "Minimizing Trajectory Curvature of ODE-based Generative Models",
            ["Sangyun Lee", "Beomsu Kim", "Jong Chul Ye"],
            False,
        ),
        ("Cats, Dogs and MiceJohn Smith", "Cats, Dogs and Mice", ["John Smith"], False),
        (
            "Deep Learning with PyTorchJohn Smith, Jane Doe et al.",
            "Deep Learning with PyTorch",
            ["John Smith", "Jane Doe"],
            True,
        ),
        ("GPT-4Ann van der Berg", "GPT-4", ["Ann van der Berg"], False),
        ("Some Title Here John Smith, Jane Doe", "Some Title Here", ["John Smith", "Jane Doe"], False),
        ("no authors at all here", "no authors at all here", [], False),
    ],
)
def test_split_byline(line, title, authors, truncated) -> None:
    bl = split_byline(line)
    assert (bl.title, bl.authors, bl.truncated) == (title, authors, truncated)


def test_split_byline_known_names_and_affiliations() -> None:
    bl = split_byline("A Study of NLPJohn Smith · MIT · KAIST")
    assert (
        bl.title == "A Study of NLP" and bl.authors == ["John Smith"] and bl.affiliations == ["MIT", "KAIST"]
    )
    # a camel-cased given name resolves when the page already showed it
    bl = split_byline("Why Maps Are NoisySeungHyun Jeon, Beomsu Kim", known=["SeungHyun Jeon"])
    assert bl.authors[0] == "SeungHyun Jeon" and bl.title == "Why Maps Are Noisy"


def test_pair_lines_and_names() -> None:
    assert parse_pair_line("Padalkar, Parth, Lee, Jaeseong") == ["Parth Padalkar", "Jaeseong Lee"]
    assert parse_pair_line("van der Berg, Anna, Smith, Jr., John") == ["Anna van der Berg", "John Smith Jr."]
    assert parse_pair_line("Less is More, Really") is None
    assert parse_pair_line("One, Two, Three") is None
    assert is_person_name("Won-joon Do") and is_person_name("Jong Chul Ye")
    assert not is_person_name("Generative Models for data")


def test_detect_shape() -> None:
    assert detect_shape("")[0] is None
    assert detect_shape("@article{x, title={y}}")[0] is None
    assert detect_shape("Abstract: one\nAbstract: two")[0] == "abstracts"
    assert detect_shape("CVJun 16, 2023Code\nTitleJohn Smith\nabstract")[0] == "feed"


# ------------------------------------------------------------------------------------------------
# bad input


def test_empty_and_binary_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        parse_listing(empty)
    blank = tmp_path / "blank.txt"
    blank.write_text("\n\n   \n")
    with pytest.raises(InputError, match="empty"):
        list(parse(blank))
    binary = tmp_path / "x.bin"
    binary.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(InputError, match=r"x\.bin"):
        list(parse(binary))
    prose = tmp_path / "prose.txt"
    prose.write_text("Just some notes.\nNothing like a listing here.\n")
    with pytest.raises(InputError, match="not a listing"):
        list(parse(prose))


def test_unknown_shape(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("Abstract: x\n")
    with pytest.raises(InputError, match="shape"):
        list(parse(f, shape="nope"))


def test_feed_cut_off_at_top(tmp_path: Path) -> None:
    f = tmp_path / "feed.txt"
    f.write_text(
        "the end of an abstract whose header and title were cut off when the page was copied from the web.\n"
        "CVJun 16, 2023Code\nA Good TitleAnn Lee, Bo Kim\nAn abstract.\n"
    )
    recs = list(parse(f))
    assert len(recs) == 2 and recs[0].extra.get("cut_off") and recs[0].title is None
    assert recs[1].title == "A Good Title" and recs[1].source.line == 2


def test_windows_newlines_and_cp874(tmp_path: Path) -> None:
    f = tmp_path / "p.txt"
    f.write_bytes("Lee, Jaeseong\r\nA Title\r\nBรผhler, Marcel C., Lee, Jaeseong\r\nAbstract text.".encode())
    listing = parse_listing(f)
    assert [a.name for a in listing.records[0].authors] == ["Marcel C. Bühler", "Jaeseong Lee"]


_LINES = st.sampled_from(
    [
        "CVJun 16, 2023Code",
        "LGJan 1, 2020",
        "Abstract:",
        "Abstract: text here.",
        "arXiv:2105.00937",
        "arXiv:2105.00937Nowadays, things.",
        "4 pages",
        "Lee, Jaeseong",
        "Padalkar, Parth, Lee, Jaeseong",
        "TitleAnn Lee, Bo Kim et al. · mit",
        "",
        "Bรผhler",
        "·",
        ",,,",
        "et al.",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_LINES, st.text(max_size=80)), max_size=25))
def test_fuzz_text_never_crashes(tmp_path: Path, lines: list[str]) -> None:
    f = tmp_path / "fuzz.txt"
    f.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    try:
        listing = parse_listing(f, "Some Owner")
    except InputError:
        return
    for r in listing.records:
        assert r.source.line is not None and r.source.line >= 1
        assert r.title or r.abstract or r.authors or r.ids


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_fuzz_bytes_never_crash(tmp_path: Path, raw: bytes) -> None:
    f = tmp_path / "fuzz.bin"
    f.write_bytes(raw)
    with contextlib.suppress(InputError):
        list(parse(f))


# ------------------------------------------------------------------------------------------------
# big input


def _write_feed(path: Path, entries: int, abstract_words: int = 120) -> None:
    words = [
        "diffusion",
        "models",
        "learn",
        "a",
        "generative",
        "process",
        "by",
        "reversing",
        "a",
        "fixed",
        "forward",
        "noising",
        "process",
    ]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(entries):
            abstract = " ".join(words[(i + j) % len(words)] for j in range(abstract_words))
            fh.write(f"LGJan {i % 28 + 1}, {2000 + i % 25}\n")
            fh.write(f"Paper Number {i} on ModelsAnn Lee{i % 7 and 'x' or ''}, Bo Kim, Chen Wu et al.\n")
            fh.write(f"{abstract} ({i}).\n")


def test_big_listing_is_parsed_completely(tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    _write_feed(f, 3000)
    n = 0
    for r in parse(f):
        assert r.title.startswith("Paper Number") and r.authors_truncated
        n += 1
    assert n == 3000


@pytest.mark.slow
def test_big_listing_streams(tmp_path: Path) -> None:
    """A listing larger than the whole-file decoding limit is read as a stream, not loaded whole."""
    f = tmp_path / "huge.txt"
    _write_feed(f, 11000, abstract_words=130)  # ~10 MB
    size = f.stat().st_size
    assert size > 9 * 1024 * 1024
    tracemalloc.start()
    try:
        it = parse(f)
        for _ in range(200):
            next(it)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < size / 2


def test_standard_format_samples_are_not_listings(samples_dir: Path) -> None:
    from byline.ingest import read_head
    from byline.ingest.listing import sniff

    files = [p for p in sorted(samples_dir.rglob("*")) if p.is_file() and p.name != "README.md"]
    assert files
    for p in files:
        try:
            head = read_head(p)
        except InputError:
            continue
        assert sniff(head, p) < 0.5, p.name


@pytest.mark.parametrize(
    ("text", "shape", "n"),
    [
        ("Jaeseong Lee\nA Paper Title\nLee, Jaeseong, Kim, Bo\nThe abstract of it.\n", "profile", 1),
        ("Jaeseong Lee\nAbstract: one abstract.\nAbstract: two.\n", "abstracts", 2),
        (
            "Jaeseong Lee\nAn abstract that is long enough to be one, about things.\narXiv:2101.00001\n",
            "arxiv",
            1,
        ),
        ("Jaeseong Lee\nLGJan 1, 2020\nA TitleAnn Lee, Jaeseong Lee\nabstract\n", "feed", 1),
    ],
)
def test_page_heading_names_the_owner(tmp_path: Path, text: str, shape: str, n: int) -> None:
    f = tmp_path / "page.txt"
    f.write_text(text)
    listing = parse_listing(f)
    assert listing.owner == "Jaeseong Lee"
    assert len(listing.records) == n and {r.extra["shape"] for r in listing.records} == {shape}
    assert parse_listing(f, "Other Person").owner == "Other Person"


def test_absurd_year_is_dropped(tmp_path: Path) -> None:
    f = tmp_path / "feed.txt"
    f.write_text("CVJan 1, 9999\nA Good TitleAnn Lee, Bo Kim\nAn abstract.\n")
    (r,) = parse(f)
    assert r.year is None and r.extra["date"] == "9999-01-01" and r.title == "A Good Title"
