"""``byline ingest`` / ``works`` / ``listings`` end to end (in-process, through the real entry point)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _helpers import run_cli as run
from _helpers import seed_files


@pytest.fixture()
def seeded_db(tmp_path: Path, seeds_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "byline.db"
    for path, owner in seed_files(seeds_dir):
        code, out, err = run(capsys, "ingest", path, "--owner", owner, "--db", db)
        assert code == 0, err
        assert out.startswith("ingested 1 file(s)")
    return db


def _works(capsys, db: Path) -> list[dict]:
    code, out, err = run(capsys, "works", "--db", db, "--json")
    assert code == 0, err
    return json.loads(out)["works"]


def test_seed_acceptance(seeded_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    works = _works(capsys, seeded_db)
    assert len(works) == 58
    assert sum(len(w["sources"]) for w in works) == 61
    code, out, _ = run(capsys, "listings", "--db", seeded_db, "--json")
    listings = json.loads(out)["listings"]
    assert code == 0 and sum(x["entries"] for x in listings) == 61 and len(listings) == 5

    shared = [w for w in works if len(w["sources"]) > 1]
    assert len(shared) == 3
    for w in shared:
        assert sorted(Path(s["file"]).name[:3] for s in w["sources"]) == ["000", "004"]
        assert all(isinstance(s["line"], int) for s in w["sources"])

    def by_title(t: str) -> dict:
        (hit,) = [w for w in works if w.get("title") == t]
        return hit

    w = by_title("Minimizing Trajectory Curvature of ODE-based Generative Models")
    assert [a["name"] for a in w["authors"]] == ["Sangyun Lee", "Beomsu Kim", "Jong Chul Ye"]
    assert w["year"] == 2023
    w = by_title(
        "Improving Interpretability and Accuracy in Neuro-Symbolic Rule Extraction Using Class-Specific Sparse Filters"
    )
    assert [a["name"] for a in w["authors"]] == ["Parth Padalkar", "Jaeseong Lee", "Shiyi Wei", "Gopal Gupta"]
    assert w["sources"][0]["line"] == 2 and "year" not in w
    names = {a["name"] for w in works for a in w["authors"]}
    assert "Marcel C. Bühler" in names and not any("ร" in n for n in names)

    lfi = [w for w in works if w.get("abstract", "").startswith("Class Activation Mapping")]
    assert len(lfi) == 1 and lfi[0]["ids"]["arxiv"] == "2105.00937" and "title" not in lfi[0]
    pruning = [
        w for w in works if "personalized" in w.get("abstract", "") and "pruning" in w.get("abstract", "")
    ]
    assert len(pruning) == 1 and pruning[0]["ids"]["arxiv"] == "2103.15564"
    for w in works:
        assert set(w) >= {"id", "authors", "ids", "sources"}
        assert w.get("title") or w.get("abstract")


def test_reingest_changes_nothing(
    seeded_db: Path, seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _works(capsys, seeded_db)
    code, out, _ = run(
        capsys,
        "ingest",
        *(seeds_dir / f"{s}.txt" for s in ("000_197f605d59620965", "004_7708ce01b97304fb")),
        "--owner",
        "Jaeseong Lee",
        "--db",
        seeded_db,
    )
    assert code == 0 and "(0 new)" in out
    assert _works(capsys, seeded_db) == before


def test_tables_without_json(seeded_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "works", "--db", seeded_db)
    assert code == 0 and "58 works" in out
    code, out, _ = run(capsys, "listings", "--db", seeded_db)
    assert code == 0 and "5 listings" in out and "Nojun Kwak" in out


def test_bad_input_exits_2_and_leaves_store(
    tmp_path: Path, seeded_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _works(capsys, seeded_db)
    binary = tmp_path / "bin.dat"
    binary.write_bytes(b"\x00\x01\x02\x03" * 50)
    code, out, err = run(capsys, "ingest", binary, "--db", seeded_db)
    assert code == 2 and err.startswith("byline: error: ") and "bin.dat" in err and "Traceback" not in err
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, _, err = run(capsys, "ingest", empty, "--db", seeded_db)
    assert code == 2 and "empty.txt" in err and "empty" in err
    code, _, err = run(capsys, "ingest", tmp_path / "missing.txt", "--db", seeded_db)
    assert code == 2 and "missing.txt" in err
    code, _, err = run(capsys, "ingest", empty, "--format", "nope", "--db", seeded_db)
    assert code == 2 and "unknown format" in err
    assert _works(capsys, seeded_db) == before


def test_bad_line_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("byline.ingest.openalex")
    bad = tmp_path / "works.jsonl"
    bad.write_text('{"id": "W1", "title": "x"}\n{"id": "W2", "title": \n')
    db = tmp_path / "x.db"
    code, _, err = run(capsys, "ingest", bad, "--strict", "--format", "openalex", "--db", db)
    assert code == 2 and err.startswith("byline: error: ") and f"{bad}:2: invalid JSON line" in err
    assert not db.exists()  # a failed first ingest leaves no store behind
    code, out, err = run(
        capsys, "ingest", bad, "--format", "openalex", "--db", db
    )  # default: skip, and say so
    assert code == 0 and f"byline: skipped: {bad}:2: invalid JSON line" in err and "1 record(s)" in out


def test_no_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "works", "--db", tmp_path / "none.db")
    assert code == 2 and "no store" in err
    assert not (tmp_path / "none.db").exists()


def test_default_db_is_in_working_directory(tmp_path: Path, seeds_dir: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "ingest", seeds_dir / "002_8d4a6e81199c5ac4.txt", "--owner", "YoungJoon Yoo")
    assert code == 0, err
    assert (tmp_path / "byline.db").exists()
    code, out, _ = run(capsys, "listings", "--json")
    (listing,) = json.loads(out)["listings"]
    assert listing["owner"] == "YoungJoon Yoo" and listing["entries"] == 10


CUSTOM_CSV = "Document Name,Writers,When\nGraph neural networks for molecules,Ann Lee; Bo Kim,2020\n"


def test_ingest_csv_with_column_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "export.csv"
    src.write_text(CUSTOM_CSV, encoding="utf-8")
    db = tmp_path / "b.db"
    code, _, err = run(capsys, "ingest", src, "--db", db)  # header not recognised: no format, nothing stored
    assert code == 2 and "format" in err and not db.exists()
    code, out, err = run(
        capsys, "ingest", src, "--db", db, "--csv-map", "title=Document Name,authors=Writers,year=When"
    )
    assert code == 0, err
    (w,) = _works(capsys, db)
    assert w["title"] == "Graph neural networks for molecules" and w["year"] == 2020
    assert [a["name"] for a in w["authors"]] == ["Ann Lee", "Bo Kim"]

    mapping = tmp_path / "map.json"  # the same through a JSON file, with --format csv
    mapping.write_text(json.dumps({"title": "Document Name", "authors": "Writers"}), encoding="utf-8")
    db2 = tmp_path / "c.db"
    code, _, err = run(capsys, "ingest", src, "--db", db2, "--format", "csv", "--csv-map", mapping)
    assert code == 0, err
    assert _works(capsys, db2)[0]["authors"] == [{"name": "Ann Lee"}, {"name": "Bo Kim"}]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("title=Document Name,colour=Writers", "unknown field 'colour'"),
        ("title=Document Name,Writers", "not FIELD=COLUMN"),
        ("title=Nope", "column 'Nope' (mapped to title) is not in the header"),
        ("missing.json", "neither FIELD=COLUMN pairs nor an existing JSON file"),
    ],
)
def test_ingest_csv_mapping_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spec: str, message: str
) -> None:
    src = tmp_path / "export.csv"
    src.write_text(CUSTOM_CSV, encoding="utf-8")
    db = tmp_path / "b.db"
    code, _, err = run(capsys, "ingest", src, "--db", db, "--csv-map", spec)
    assert code == 2 and message in err, err
    assert not db.exists()
