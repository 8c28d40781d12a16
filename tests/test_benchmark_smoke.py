"""Smoke test of the byline-vs-S2AND benchmark harness (benchmarks/compare.py, benchmarks/s2and/).

Always: the converter (hand-made records and one small synthetic dev block) and the byline side (train +
evaluate through the CLI, as compare.py runs it). The S2AND side runs only when its venv
(benchmarks/.venv-s2and, built by benchmarks/s2and/setup_env.sh) already exists: the default suite never
builds it. The real benchmark is a command (``python benchmarks/compare.py``), not a test.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"
VENV_PY = BENCH / ".venv-s2and" / "bin" / "python"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def convert():
    return _load("convert", BENCH / "s2and" / "convert.py")


@pytest.fixture(scope="module")
def compare(convert):
    return _load("byline_bench_compare", BENCH / "compare.py")


def _line(sig, person, block, name, pos, paper, authors, **paper_kw):
    return {
        "dataset": "tiny",
        "block": block,
        "signature_id": sig,
        "person_id": person,
        "author": {"name": name, "position": pos, "affiliations": ["Univ A"], "email": None, "orcid": None},
        "paper": {
            "paper_id": paper,
            "title": "Graph neural networks",
            "abstract": None,
            "venue": "ACL",
            "year": 2020,
            "authors": authors,
            "keywords": ["graphs"],
            **paper_kw,
        },
    }


def _write(path: Path, lines: list[dict]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for obj in lines:
            fh.write(json.dumps(obj) + "\n")
    return path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Lei Wang", ("Lei", "", "Wang", "")),
        ("Lee HY", ("H", "Y", "Lee", "")),
        ("Hye-Young Lee", ("Hye-Young", "", "Lee", "")),
        ("lee, jaeseong", ("jaeseong", "", "lee", "")),
        ("J.C. Ye", ("J.", "C.", "Ye", "")),
        ("J. C. Ye", ("J.", "C.", "Ye", "")),
        ("Ludwig van Beethoven", ("Ludwig", "", "van Beethoven", "")),
        ("Martin Luther King Jr.", ("Martin", "Luther", "King", "Jr.")),
        ("Plato", ("", "", "Plato", "")),
    ],
)
def test_split_name(convert, name, expected):
    assert convert.split_name(name) == expected


def test_convert_hand_made(convert, tmp_path):
    train = _write(
        tmp_path / "tiny.train.jsonl.gz",
        [
            _line("a1", "p1", "l wang", "Lei Wang", 0, "w1", ["Lei Wang", "Ann Li"]),
            _line("a2", "p1", "l wang", "L. Wang", 1, "w2", ["Bo Chen", "L. Wang"]),
            _line("a3", "p2", "l wang", "Lin Wang", 0, "w3", ["Lin Wang"]),
        ],
    )
    dev = _write(
        tmp_path / "tiny.dev.jsonl.gz",
        [
            # the same original ids as in train: S2AND ids must still be unique across splits
            _line("a1", "q1", "j lee", "Lee HY", 0, "w9", ["Lee HY", "Bo Chen"]),
            _line("a2", "q1", "j lee", "Hye-Young Lee", 0, "w10", []),
        ],
    )
    assert convert.discover(tmp_path) == {"tiny": {"dev": [dev], "train": [train]}}
    manifest = convert.convert_all(tmp_path, tmp_path / "out")
    assert manifest["tiny"]["train"] == {"signatures": 3, "papers": 3, "clusters": 2, "blocks": 1}
    out = tmp_path / "out" / "tiny"
    tr_sigs = json.loads((out / "train" / "signatures.json").read_text())
    dv_sigs = json.loads((out / "dev" / "signatures.json").read_text())
    assert not set(tr_sigs) & set(dv_sigs)
    sig = tr_sigs["1"]
    assert sig["author_info"] | {} == {
        "position": 1,
        "block": "l wang",
        "given_block": "l wang",
        "first": "L.",
        "middle": None,
        "last": "Wang",
        "suffix": None,
        "email": None,
        "affiliations": ["Univ A"],
    }
    papers = json.loads((out / "dev" / "papers.json").read_text())
    p = papers[
        str(
            dv_sigs[
                next(k for k, v in json.loads((out / "dev" / "id_map.json").read_text()).items() if v == "a2")
            ]["paper_id"]
        )
    ]
    assert p["authors"] == [{"position": 0, "author_name": "Hye-Young Lee"}]  # rebuilt from the signature
    clusters = json.loads((out / "dev" / "clusters.json").read_text())
    assert [sorted(c["signature_ids"]) for c in clusters.values()] == [sorted(dv_sigs)]


def test_convert_bad_line_names_file_and_line(convert, tmp_path):
    bad = tmp_path / "bad.train.jsonl"
    bad.write_text(json.dumps(_line("a1", "p1", "b", "A B", 0, "w", ["A B"])) + "\n{not json\n")
    with pytest.raises(convert.ConvertError, match=r"bad\.train\.jsonl:2"):
        convert.convert_dataset({"train": [bad]})


@pytest.fixture
def bench_extra() -> None:
    """The harness measures memory with psutil and draws with matplotlib: the ``bench`` extra."""
    for module in ("psutil", "matplotlib"):
        pytest.importorskip(
            module, reason=f"{module} is absent: install the bench extra (pip install -e '.[bench]')"
        )


def test_measure_reports_time_and_memory(compare, bench_extra, tmp_path):
    m = compare.measure(
        [sys.executable, "-c", "b = bytearray(60 * 2**20); print('{\"ok\": 1}')"], log_to=tmp_path / "m"
    )
    assert m.check().json() == {"ok": 1}
    assert m.peak_rss_mb >= 60
    assert m.wall_seconds > 0


@pytest.fixture(scope="module")
def tiny_synthetic(compare, tmp_path_factory):
    """One synthetic dataset with a single small dev block (and a few train blocks)."""
    work = tmp_path_factory.mktemp("bench")
    src = compare.make_synthetic(work / "synth", 1500, 3, presets=("synth-s2",))
    files = compare.convert.discover(src)
    small = compare.subset_blocks(files, work / "subset", max_blocks=6)
    # keep exactly one small dev block (taken from the full dev file)
    dev = small["synth-s2"]["dev"][0]
    lines = [obj for _, obj in compare.convert.iter_lines(files["synth-s2"]["dev"][0])]
    people: dict[str, list[str]] = {}
    for obj in lines:
        people.setdefault(obj["block"], []).append(obj["person_id"])

    def usable(ps: list[str]) -> bool:  # S2AND scores AUC on dev pairs: it needs both classes
        return len(set(ps)) >= 2 and len(set(ps)) < len(ps)

    candidates = [b for b, ps in people.items() if usable(ps)] or [
        b for b, ps in people.items() if len(ps) >= 2
    ]
    assert candidates, "the synthetic dev file has no block with two signatures"
    block = min(candidates, key=lambda b: len(people[b]))
    _write(dev, [obj for obj in lines if obj["block"] == block])
    return work, small


def test_byline_side_smoke(compare, bench_extra, tiny_synthetic):
    work, files = tiny_synthetic
    cfg = compare.Config(
        datasets=None,
        synthetic=True,
        smoke=True,
        signatures=600,
        seed=3,
        venv=BENCH / ".venv-s2and",
        work=work / "run",
        docs=work / "docs",
        n_jobs=1,
        speed_max_pairs=1000,
        skip_s2and=True,
    )
    data_root = cfg.work / "s2and_data"
    manifest = compare.convert.convert_all(files=files, out=data_root)
    assert manifest["synth-s2"]["dev"]["blocks"] == 1
    results, train = compare.run_byline(cfg, files)
    r = results["synth-s2"]
    assert 0.0 <= r["b3_f1"] <= 1.0 and 0.0 <= r["pairwise_f1"] <= 1.0
    assert r["disambiguate_seconds"] > 0 and r["peak_rss_mb"] > 0
    speed: dict = {}
    compare.run_speed(cfg, files, data_root, "byline", speed)
    assert speed["synth-s2"]["byline"]["pairs"] > 0
    report = {
        "machine": compare.machine_string(),
        "versions": compare.versions(cfg.venv),
        "systems": {"byline": results},
        "data": {"kind": "SYNTHETIC", "source": "none", "smoke": True},
        "totals": {},
        "speed": speed,
        "run": {"started": "now", "n_jobs": 1, "command": "test", "total_seconds": 1.0},
    }
    compare.write_reports(cfg, report, "test")
    md = (cfg.docs / "benchmarks.md").read_text()
    assert "SYNTHETIC DATA" in md and md.count(compare.SECTION_BEGIN) == 1
    compare.write_reports(cfg, report, "test")  # replaces its own section, does not append a second one
    assert (cfg.docs / "benchmarks.md").read_text().count(compare.SECTION_BEGIN) == 1
    data = json.loads((cfg.docs / "benchmarks.json").read_text())
    assert set(data["systems"]["byline"]["synth-s2"]) >= {
        "b3_f1",
        "pairwise_f1",
        "disambiguate_seconds",
        "peak_rss_mb",
    }
    assert (cfg.docs / "b3_f1.png").stat().st_size > 1000


@pytest.mark.slow
def test_s2and_side_smoke(compare, tiny_synthetic):
    if not VENV_PY.exists() or not (BENCH / ".venv-s2and" / ".complete").exists():
        pytest.skip(
            f"S2AND venv absent ({VENV_PY.parent.parent}); build it with: bash benchmarks/s2and/setup_env.sh"
        )
    work, files = tiny_synthetic
    cfg = compare.Config(
        datasets=None,
        synthetic=True,
        smoke=True,
        signatures=600,
        seed=3,
        venv=BENCH / ".venv-s2and",
        work=work / "run_s2and",
        docs=work / "docs_s2and",
        n_jobs=1,
        speed_max_pairs=1000,
        skip_byline=True,
    )
    data_root = cfg.work / "s2and_data"
    compare.convert.convert_all(files=files, out=data_root)
    results = compare.run_s2and(cfg, files, data_root)
    r = results["synth-s2"]
    assert 0.0 <= r["b3_f1"] <= 1.0
    # the shared metric code agrees with S2AND's own eval.py (which rounds to 3 decimals)
    assert abs(r["b3_f1"] - r["s2and_own_eval"]["b3_f1"]) <= 0.0006
    assert abs(r["pairwise_f1"] - r["s2and_own_eval"]["pairwise_f1"]) <= 0.0006
