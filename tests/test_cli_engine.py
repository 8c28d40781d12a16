"""`byline train` / `byline evaluate` and the labeled signature reader."""

from __future__ import annotations

import gzip
import json

import pytest
from typer.testing import CliRunner

from byline import InputError
from byline.cli import app
from byline.ingest.signatures import load_signatures, parse, sniff
from byline_synth import generate, write_jsonl

runner = CliRunner()

JSON_KEYS = {
    "b3_precision",
    "b3_recall",
    "b3_f1",
    "pairwise_f1",
    "blocks",
    "signatures",
    "seconds",
    "largest_block",
    "b3_by_block_size",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("data")
    train, dev = d / "toy.train.jsonl.gz", d / "toy.dev.jsonl"
    write_jsonl(generate(500, seed=21, dataset="synth"), train)
    write_jsonl(generate(200, seed=22, dataset="synth"), dev)
    return train, dev


def test_train_then_evaluate_json(files, tmp_path):
    train, dev = files
    out = tmp_path / "model"
    r = runner.invoke(app, ["train", str(train), "--dev", str(dev), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert (out / "byline-model.json").is_file()
    r = runner.invoke(app, ["evaluate", str(dev), "--model", str(out), "--json"])
    assert r.exit_code == 0, r.output
    obj = json.loads(r.stdout)
    assert list(obj) == ["datasets"]
    ((name, m),) = obj["datasets"].items()
    assert name == "synth"
    assert set(m) == JSON_KEYS
    assert m["signatures"] == 200 and m["blocks"] >= 1
    assert 0 < m["b3_f1"] <= 1
    buckets = m["b3_by_block_size"]
    assert list(buckets) == ["1-9", "10-49", "50-199", "200-999", ">=1000"]
    assert sum(b["signatures"] for b in buckets.values()) == 200
    assert sum(b["blocks"] for b in buckets.values()) == m["blocks"]
    assert 1 <= m["largest_block"] <= 200
    r = runner.invoke(app, ["evaluate", str(dev), "--model", str(out)])
    assert r.exit_code == 0 and "B3 F1" in r.stdout


def test_evaluate_bad_model_dir(files, tmp_path):
    from byline.cli import main

    with pytest.raises(SystemExit) as e:
        main(["evaluate", str(files[1]), "--model", str(tmp_path)])
    assert e.value.code == 2


# --- the reader ----------------------------------------------------------------------------------------
CANON = {
    "dataset": "toy",
    "block": "l wang",
    "signature_id": "s1",
    "person_id": "p1",
    "author": {"name": "Lei Wang", "position": 1, "affiliations": ["Tsinghua"], "email": None, "orcid": None},
    "paper": {
        "paper_id": "w1",
        "title": "T",
        "abstract": None,
        "venue": "V",
        "year": 2020,
        "authors": ["A Li", "Lei Wang", "B Chen"],
        "keywords": ["k"],
    },
}


def _write(path, lines):
    path.write_text("".join((ln if isinstance(ln, str) else json.dumps(ln)) + "\n" for ln in lines))
    return path


def test_reader_canonical_and_gzip(tmp_path):
    p = tmp_path / "a.jsonl.gz"
    with gzip.open(p, "wt") as fh:
        fh.write(json.dumps(CANON) + "\n\n")
    (s,) = load_signatures([p])
    assert (s.id, s.name, s.person, s.block, s.dataset, s.year) == (
        "s1",
        "Lei Wang",
        "p1",
        "l wang",
        "toy",
        2020,
    )
    assert s.coauthors == ("A Li", "B Chen")
    assert s.affiliations == ("Tsinghua",)
    assert sniff(json.dumps(CANON), p) > 0.9
    (rec,) = list(parse(p))
    assert [a.name for a in rec.authors] == ["A Li", "Lei Wang", "B Chen"]


def test_reader_s2and_aliases_and_flat(tmp_path):
    s2 = {
        "signature_id": "x",
        "cluster_id": "c9",
        "author_info_given_block": "j lee",
        "author_info": {
            "author_info_first": "Jae-Seong",
            "author_info_last": "Lee",
            "author_info_position": 0,
            "author_info_affiliations": ["KAIST"],
            "author_info_email": "a@b",
        },
        "paper": {
            "paper_id": 5,
            "title": "X",
            "journal_name": "J",
            "year": "2001",
            "authors": [
                {"author_name": "Jae-Seong Lee", "position": 0},
                {"author_name": "M Kim", "position": 1},
            ],
            "fields_of_study": ["Medicine"],
        },
    }
    flat = {"signature_id": "y", "name": "M Kim", "title": "Y", "year": 1999, "authors": ["M Kim", "Z Q"]}
    (a, b) = load_signatures(_write(tmp_path / "qian.dev.jsonl", [s2, flat]))
    assert (a.name, a.person, a.block, a.venue, a.year, a.email) == (
        "Jae-Seong Lee",
        "c9",
        "j lee",
        "J",
        2001,
        "a@b",
    )
    assert a.coauthors == ("M Kim",) and a.keywords == ("Medicine",) and a.dataset == "qian"
    assert (b.name, b.coauthors, b.person, b.dataset) == ("M Kim", ("Z Q",), None, "qian")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "malformed JSON"),
        (json.dumps({"author": {"name": "A"}}), "missing required field 'signature_id'"),
        (
            json.dumps({"signature_id": "s", "author": {"position": 0}, "paper": {}}),
            "missing required field 'author.name'",
        ),
        (json.dumps({"signature_id": "s", "author": {"name": "A"}, "paper": {"year": "soon"}}), "not a year"),
        ("[1, 2]", "JSON object"),
    ],
)
def test_reader_errors_name_file_and_line(tmp_path, line, message):
    p = _write(tmp_path / "bad.jsonl", [CANON, line])
    with pytest.raises(InputError, match=message) as e:
        load_signatures([p])
    assert e.value.line == 2 and e.value.file == str(p)
    assert f"{p}:2" in str(e.value)


def test_reader_duplicate_ids(tmp_path):
    p = _write(tmp_path / "dup.jsonl", [CANON, CANON])
    with pytest.raises(InputError, match="duplicate"):
        load_signatures(p)


def test_reader_s2and_signature_shape(tmp_path):
    line = {
        "signature_id": "123___0",
        "paper_id": 123,
        "cluster_id": "7",
        "author_info": {
            "position": 0,
            "block": "s smith",
            "given_block": "s smith",
            "first": "Sam",
            "middle": "J.",
            "last": "Smith",
            "suffix": "Jr.",
            "affiliations": [],
            "email": None,
        },
        "title": "On things",
        "year": 2011,
        "authors": [
            {"position": 0, "author_name": "Sam J. Smith"},
            {"position": 1, "author_name": "Ann Lee"},
        ],
    }
    (s,) = load_signatures(_write(tmp_path / "pubmed.dev.jsonl", [line]))
    assert (s.name, s.block, s.person, s.title, s.year, s.work_id) == (
        "Sam J. Smith Jr.",
        "s smith",
        "7",
        "On things",
        2011,
        "123",
    )
    assert s.coauthors == ("Ann Lee",)
