"""The seed session end to end through the CLI: ingest the five seeds, disambiguate, people, audit, explain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _helpers import SEED_OWNERS, model_dir
from byline.cli import app


def run(*args: str) -> str:
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, (args, res.output, res.exception)
    return res.output


@pytest.fixture(scope="module")
def session(seeds_dir: Path, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("seeds")
    db = str(tmp / "byline.db")
    model = str(model_dir(tmp))
    files = sorted(seeds_dir.glob("0*.txt"))
    for f in files:
        run("ingest", str(f), "--owner", SEED_OWNERS[f.name[:3]], "--db", db)
    out = run("disambiguate", "--db", db, "--model", model)
    print(out)
    assert "people" in out
    return {"db": db, "model": model, "files": files}


def test_people_by_name(session):
    db = session["db"]
    people = json.loads(run("people", "--name", "Jaeseong Lee", "--db", db, "--json"))["people"]
    assert people and all({"id", "name", "work_ids"} <= set(p) for p in people)
    works = json.loads(run("works", "--db", db, "--json"))["works"]
    ids = {w["id"] for w in works}
    main = people[0]
    assert set(main["work_ids"]) <= ids
    assert "Lee" in main["name"]
    # the three papers 000 and 004 share are one work each, held by Jaeseong Lee's profile
    text = run("person", main["id"], "--db", db)
    print(text)
    assert main["id"] in text and "works" in text
    prof = json.loads(run("person", main["id"], "--db", db, "--json"))
    assert prof["openalex"]["display_name"] and prof["openalex"]["works_count"] == len(prof["works"])


@pytest.mark.parametrize("prefix", sorted(SEED_OWNERS))
def test_audit_each_seed(session, prefix):
    f = next(p for p in session["files"] if p.name.startswith(prefix))
    out = json.loads(
        run(
            "audit",
            str(f),
            "--owner",
            SEED_OWNERS[prefix],
            "--db",
            session["db"],
            "--model",
            session["model"],
            "--json",
        )
    )
    assert out["owner"] == SEED_OWNERS[prefix]
    works = out["works"]
    assert works, "every seed listing has works"
    scores = [w["score"] for w in works]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert all(w["evidence"] and all(isinstance(e, str) for e in w["evidence"]) for w in works)
    if prefix in ("002",):  # abstracts only: the owner is the implicit author of every work
        assert all(w["title"] is None for w in works)
        assert all(any("implicit author" in e for e in w["evidence"]) for w in works)
    print(
        run(
            "audit",
            str(f),
            "--owner",
            SEED_OWNERS[prefix],
            "--db",
            session["db"],
            "--model",
            session["model"],
        )
    )


def test_explain_two_signatures(session):
    db = session["db"]
    people = json.loads(run("people", "--name", "Jaeseong Lee", "--db", db, "--json"))["people"]
    sigs = people[0]["signature_ids"]
    assert len(sigs) >= 2
    out = run("explain", sigs[0], sigs[1], "--db", db, "--model", session["model"])
    print(out)
    assert "probability same person" in out and "coauthor" in out and "coauthor_overlap" not in out
    card = json.loads(run("explain", sigs[0], sigs[1], "--db", db, "--model", session["model"], "--json"))
    assert 0.0 <= card["probability"] <= 1.0 and card["same_person_now"] is True
    assert any(f["contribution"] is not None for f in card["features"])


def test_exports(session, tmp_path):
    db = session["db"]
    pid = json.loads(run("people", "--name", "Jaeseong Lee", "--db", db, "--json"))["people"][0]["id"]
    for fmt in ("json", "csv", "parquet"):
        out = tmp_path / f"p.{fmt}"
        run("person", pid, "--db", db, "--export", fmt, "--out", str(out))
        assert out.stat().st_size > 0
    import pyarrow.parquet as pq

    assert (
        pq.read_table(tmp_path / "p.parquet").num_rows
        == json.loads((tmp_path / "p.json").read_text())["works_count"]
    )
