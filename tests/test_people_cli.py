"""The curation and assign commands through the CLI (fake model via the library, real store)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _helpers import BIO, ML, TinyModel, model_dir, write_bib
from byline import people as P
from byline.cli import app
from byline.store import Store


def cli(*args: str, ok: bool = True):
    res = CliRunner().invoke(app, list(args))
    if ok:
        assert res.exit_code == 0, (args, res.output, res.exception)
    return res


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = tmp_path / "c.db"
    with Store(path) as s:
        s.ingest([write_bib(tmp_path / "a.bib", ML + BIO)])
        P.disambiguate(s, TinyModel())
    return str(path)


def jl_people(db: str) -> list[dict]:
    return json.loads(cli("people", "--name", "Jaeseong Lee", "--db", db, "--json").output)["people"]


def test_empty_store(tmp_path):
    db = str(tmp_path / "empty.db")
    Store(db).close()  # an existing, empty store (a missing --db is refused: test_cli_faces.py)
    assert "no people" in cli("people", "--db", db).output
    out = cli("disambiguate", "--db", db, "--model", str(model_dir(tmp_path))).output
    assert "0 signatures" in out


def test_curation_commands(db, tmp_path):
    people = jl_people(db)
    assert len(people) >= 2
    a, b = people[0]["id"], people[1]["id"]
    out = cli("merge", a, b, "--db", db, "--by", "ann", "--why", "same person").output
    assert f"{b} now redirects to {a}" in out
    assert b in cli("person", b, "--db", db).output  # followed: "(b was merged into a)"
    merged = next(p for p in jl_people(db) if p["id"] == a)
    assert "locked" in cli("lock", a, "--db", db).output
    refused = cli("split", a, "--works", merged["work_ids"][0], "--db", db, ok=False)
    assert f"split refused: person {a} is locked by event #2" in str(refused.exception)
    assert f"`unlock {a}`" in str(refused.exception)
    assert "unlocked" in cli("unlock", a, "--db", db).output
    cli("split", a, "--works", merged["work_ids"][0], "--db", db)  # a split after a merge: those works only
    kim = json.loads(cli("people", "--name", "Minho Kim", "--db", db, "--json").output)["people"][0]
    new = cli("split", kim["id"], "--works", kim["work_ids"][0], "--db", db, "--by", "bob").output.split()[-1]
    assert new.startswith("P") and new != kim["id"]
    assert "locked" in cli("lock", new, "--db", db).output
    hist = cli("history", a, "--db", db).output
    assert "merge" in hist and "ann" in hist
    events = json.loads(cli("history", new, "--db", db, "--json").output)["events"]
    assert [e["kind"] for e in events] == ["split", "lock"]


def test_assign_and_audit_by_person(db, tmp_path):
    model = str(model_dir(tmp_path))
    new = write_bib(
        tmp_path / "n.bib",
        [
            (
                "n1",
                "Rice paddy soil microbiome after flooding",
                ["Jaeseong Lee", "Hana Cho"],
                "Soil Biology",
                2024,
            )
        ],
    )
    out = json.loads(cli("assign", str(new), "--db", db, "--model", model, "--json").output)
    assert out["new_signatures"] == 2 and sorted(out["blocks"]) == ["h cho", "j lee"]
    pid = jl_people(db)[0]["id"]
    rep = json.loads(cli("audit", pid, "--db", db, "--model", model, "--json").output)
    assert rep["works"] and rep["owner"]
    missing = cli("audit", "nothing-like-this", "--db", db, "--model", model, ok=False)
    assert missing.exit_code != 0
