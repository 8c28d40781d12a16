"""What a newcomer meets on the command line: help, version, refusals that leave nothing behind,
piped output, and progress that never leaks into pipes."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _helpers import BIO, ML, TinyModel, model_dir, run_cli, write_bib
from byline import __version__
from byline import people as P
from byline.cli import app
from byline.cli._common import ProgressEngine, plural
from byline.store import Store

# What must never show in help: Python types (typer's "<bool>", "<str>", "list[str]", "Path", ...).
TYPE_LEAK = re.compile(
    r"<(?:bool|str|int|float|file|dir|directory|path|Path|list\[[^\]]*\])>"
    r"|\blist\[\w+\]|\b(?:NoneType|PosixPath|Optional)\b|\s(?:bool|str|int|float)\s"
)


def _commands() -> list[str]:
    import typer.main

    return sorted(typer.main.get_command(app).commands)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    with Store(path) as s:
        s.ingest([write_bib(tmp_path / "a.bib", ML + BIO)])
        P.disambiguate(s, TinyModel())
    return path


def test_every_command_help_shows_what_to_type_never_python_types(capsys):
    commands = _commands()
    assert {"ingest", "people", "person", "evaluate", "serve", "explain"} <= set(commands)
    for command in [None, *commands]:
        args = ([command] if command else []) + ["--help"]
        code, out, err = run_cli(capsys, *args)
        assert code == 0, (args, err)
        leaks = TYPE_LEAK.findall(out)
        assert not leaks, (args, leaks, out)
        assert "--help" in out
    _, out, _ = run_cli(capsys, "people", "--help")
    assert re.search(r"--json\s+Print JSON", out)  # a flag: nothing between the name and its help
    assert re.search(r"--db\s+FILE", out)
    _, out, _ = run_cli(capsys, "split", "--help")
    assert "repeatable" in out.lower() and "PERSON_ID" in out


def test_version(capsys):
    code, out, _ = run_cli(capsys, "--version")
    assert code == 0 and out.strip() == f"byline {__version__}"


@pytest.mark.parametrize(
    "args",
    [
        ["people"],
        ["works"],
        ["listings"],
        ["person", "P1"],
        ["history", "P1"],
        ["explain", "W1#0", "W2#0"],
        ["disambiguate"],
    ],
)
def test_a_mistyped_db_is_refused_and_never_created(capsys, tmp_path, args):
    typo = tmp_path / "byline.dbb"
    code, out, err = run_cli(capsys, *args, "--db", typo)
    assert code == 2 and err.startswith("byline: error: no store at")
    assert list(tmp_path.iterdir()) == []


def test_audit_of_a_file_on_a_new_store_path_leaves_nothing_behind(capsys, tmp_path):
    listing = write_bib(tmp_path / "mine.bib", ML)
    before = sorted(tmp_path.iterdir())
    code, _, err = run_cli(capsys, "audit", listing, "--owner", "Jaeseong Lee", "--db", tmp_path / "new.db")
    assert code == 2 and "byline: error:" in err
    assert sorted(tmp_path.iterdir()) == before


def test_export_mistakes_are_one_error_line(capsys, db, tmp_path):
    pid = json.loads(CliRunner().invoke(app, ["people", "--db", str(db), "--json"]).output)["people"][0]["id"]
    code, _, err = run_cli(
        capsys, "person", pid, "--db", db, "--export", "csv", "--out", tmp_path / "no" / "x.csv"
    )
    assert code == 2 and err.startswith("byline: error:") and "does not exist" in err
    assert "Traceback" not in err and not (tmp_path / "no").exists()
    code, _, err = run_cli(capsys, "person", pid, "--db", db, "--out", tmp_path / "x.csv")
    assert code == 2 and "--out needs --export" in err and not (tmp_path / "x.csv").exists()
    code, out, _ = run_cli(capsys, "person", pid, "--db", db, "--export", "csv", "--out", tmp_path / "x.csv")
    assert code == 0 and list(csv.DictReader((tmp_path / "x.csv").open(encoding="utf-8")))


def test_explain_of_a_signature_with_itself_says_so(capsys, db):
    code, _, err = run_cli(capsys, "explain", "Wx#0", "Wx#0", "--db", db)
    assert code == 2 and "with itself" in err


def test_piped_tables_are_not_cut_to_80_columns(capsys, db):
    code, out, _ = run_cli(capsys, "works", "--db", db)
    assert code == 0
    longest = max(len(line) for line in out.splitlines())
    assert longest > 80 and "…" not in out.split("\n", 3)[2]  # the header row is whole
    assert "id" in out and "authors" in out and "sources" in out


def test_counts_agree_with_their_noun():
    assert plural(1, "work") == "1 work" and plural(2, "work") == "2 works"
    assert plural(0, "person", "people") == "0 people" and plural(1, "person", "people") == "1 person"


def test_people_lines_say_1_work_not_1_works(capsys, db):
    _, out, _ = run_cli(capsys, "people", "--db", db)
    assert " 1 works" not in out and re.search(r"\b\d+ works?\b", out)


def test_progress_never_reaches_a_pipe(capsys, db, tmp_path):
    code, out, err = run_cli(capsys, "disambiguate", "--db", db, "--model", model_dir(tmp_path))
    assert code == 0 and out.startswith("run ")
    assert err == ""  # no bar, spinner or ETA in captured (non-terminal) output


def test_the_progress_engine_changes_nothing_but_reports_every_signature(tmp_path):
    from byline.pipeline import run
    from byline_synth import generate

    sigs = generate(300, seed=3, dataset="synth")
    calls: list[tuple[int, int]] = []
    plain = run(sigs, TinyModel())
    wrapped = run(
        sigs, TinyModel(), engine=ProgressEngine(None, lambda d, t: calls.append((d, t)), batch_signatures=40)
    )
    assert wrapped.clusters == plain.clusters
    assert calls[0] == (0, len(sigs)) and calls[-1] == (len(sigs), len(sigs))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and len(calls) > 3


def test_abstract_only_works_export_their_abstract(capsys, tmp_path):
    bib = tmp_path / "abs.bib"
    bib.write_text(
        "@article{a1,\n  author = {Lee, Jaeseong and Cho, Hana},\n  year = {2021},\n"
        "  abstract = {We study soil moisture retrieval from passive microwave observations.}\n}\n"
        "@article{a2,\n  author = {Lee, Jaeseong},\n  title = {Graph networks for proteins},\n  year = {2022}\n}\n",
        encoding="utf-8",
    )
    db = tmp_path / "abs.db"
    with Store(db) as s:
        s.ingest([bib])
        P.disambiguate(s, TinyModel())
    people = json.loads(
        CliRunner().invoke(app, ["people", "--name", "Jaeseong Lee", "--db", str(db), "--json"]).output
    )
    rows, works = [], []
    for k, person in enumerate(people["people"]):
        csv_out, json_out = tmp_path / f"p{k}.csv", tmp_path / f"p{k}.json"
        for fmt, out in (("csv", csv_out), ("json", json_out)):
            code, _, err = run_cli(capsys, "person", person["id"], "--db", db, "--export", fmt, "--out", out)
            assert code == 0, err
        rows += list(csv.DictReader(csv_out.open(encoding="utf-8")))
        works += json.loads(json_out.read_text(encoding="utf-8"))["works"]
    untitled = [r for r in rows if not r["title"]]
    assert untitled and all(r["abstract"].startswith("We study soil moisture") for r in untitled)
    assert any((w.get("abstract") or "").startswith("We study soil moisture") for w in works)


def test_disambiguate_with_its_progress_bar_gives_the_same_people(capsys, tmp_path, monkeypatch):
    import shutil

    import byline.cli.engine as cli_engine

    calls: list[tuple[int, int]] = []

    class Recorder:
        def __init__(self, *args, **kwargs) -> None:
            pass

        def __call__(self, done: int, total: int) -> None:
            calls.append((done, total))

        def close(self) -> None:
            calls.append((-1, -1))

    def people(db: Path) -> list[dict]:
        code, out, err = run_cli(capsys, "disambiguate", "--db", db, "--model", model_dir(tmp_path))
        assert code == 0, err
        return json.loads(CliRunner().invoke(app, ["people", "--db", str(db), "--json"]).output)["people"]

    with Store(tmp_path / "a.db") as s:
        s.ingest([write_bib(tmp_path / "a.bib", ML + BIO)])
    shutil.copy(tmp_path / "a.db", tmp_path / "b.db")
    plain = people(tmp_path / "a.db")
    monkeypatch.setattr(cli_engine, "wants_progress", lambda: True)
    monkeypatch.setattr(cli_engine, "ProgressBar", Recorder)
    shown = people(tmp_path / "b.db")
    assert shown == plain
    n = calls[-2][1]
    assert n > 0 and calls[-2] == (n, n) and calls[-1] == (-1, -1)  # reached the end, then the bar went away


def test_piped_evaluate_table_keeps_its_headers_whole(capsys, tmp_path):
    from byline_synth import generate, write_jsonl

    data = tmp_path / "toy.dev.jsonl"
    write_jsonl(generate(120, seed=7, dataset="synth"), data)
    code, out, err = run_cli(capsys, "evaluate", data, "--model", model_dir(tmp_path))
    assert code == 0, err
    header = next(line for line in out.splitlines() if "dataset" in line)
    for col in (
        "dataset",
        "B3 P",
        "B3 R",
        "B3 F1",
        "pairwise F1",
        "blocks",
        "signatures",
        "pairs",
        "seconds",
    ):
        assert col in header
    assert "…" not in out
