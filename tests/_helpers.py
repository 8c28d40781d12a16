"""Helpers shared by the tests: the seed listings' owners, a CLI runner, a tiny deterministic stand-in
for the trained model, small corpora (BibTeX writers, a synthetic corpus) and a model folder.

Imported as ``from _helpers import ...``: pytest puts this folder on ``sys.path`` (rootdir-based
"prepend" import: ``tests/`` has no ``__init__.py``), so it never depends on the working directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from byline.features import FEATURE_NAMES

# seed listing file prefix (``000_….txt``) -> the owner of that listing
SEED_OWNERS = {
    "000": "Jaeseong Lee",
    "001": "Beomsu Kim",
    "002": "YoungJoon Yoo",
    "003": "Nojun Kwak",
    "004": "Jaeseong Lee",
}


def seed_files(seeds_dir: Path) -> list[tuple[Path, str]]:
    """The seed listings, in order, each with its owner."""
    return [(p, SEED_OWNERS[p.name[:3]]) for p in sorted(seeds_dir.glob("0*.txt"))]


def run_cli(capsys: pytest.CaptureFixture[str], *args: Any) -> tuple[int, str, str]:
    """``byline ARGS`` through the real entry point: (exit code, stdout, stderr)."""
    from byline.cli import main

    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


class TinyModel:
    """A deterministic stand-in for the trained model (the parts of :class:`byline.model.Disambiguator`
    the pipeline uses), reading feature columns by name so it survives features being added or renamed:
    p(same) from coauthor overlap and text/venue similarity; incompatible given names and two names on
    one paper are 0. Lets the people layer and the server be tested apart from what the shipped model
    learned."""

    name_counts_ = None
    max_block_full = 2500
    knn = 20
    name_constraints = True
    threshold_ = 0.5
    path_ = "tiny-test-model"

    def _check_fitted(self) -> None:
        return None

    def predict_proba_features(self, X: np.ndarray) -> np.ndarray:
        cols = {n: k for k, n in enumerate(FEATURE_NAMES)}
        zero = np.zeros(len(X))

        def f(*names: str) -> np.ndarray:  # a feature the engine does not compute (any more) counts as 0
            vals = [np.nan_to_num(X[:, cols[n]], nan=0.0) for n in names if n in cols]
            return np.max(vals, axis=0) if vals else zero

        text = f("text_cosine", "title_cosine", "abstract_cosine", "keyword_cosine")
        z = -2.0 + 3.0 * np.minimum(f("coauthor_overlap"), 1) + 4.0 * text + 1.0 * f("venue_equal")
        p = 1.0 / (1.0 + np.exp(-z))
        p[f("given_level") < 0] = 0.0
        p[f("same_work") > 0] = 0.0
        return p


def bib_entry(key: str, title: str, authors: list[str], venue: str, year: int) -> str:
    names = " and ".join(f"{a.split()[-1]}, {' '.join(a.split()[:-1])}" for a in authors)
    return f"@article{{{key},\n  title = {{{title}}},\n  author = {{{names}}},\n  journal = {{{venue}}},\n  year = {{{year}}}\n}}\n"


# fmt: off
ML = [
    ("ml1", "Graph neural networks for molecular property prediction", ["Jaeseong Lee", "Minho Kim"], "NeurIPS", 2019),
    ("ml2", "Message passing neural networks on molecular graphs", ["Jaeseong Lee", "Minho Kim", "Sora Park"], "NeurIPS", 2020),
    ("ml3", "Equivariant graph neural networks for molecules", ["Minho Kim", "Jaeseong Lee"], "ICML", 2021),
    ("ml4", "Pretraining graph neural networks on molecular graphs", ["Jaeseong Lee", "Sora Park"], "ICML", 2022),
]
BIO = [
    ("bio1", "Soil microbiome diversity in rice paddies", ["Jaeseong Lee", "Hana Cho", "Tom Baker"], "Soil Biology", 2015),
    ("bio2", "Rice paddy soil microbiome under drought", ["Hana Cho", "Jaeseong Lee"], "Soil Biology", 2016),
    ("bio3", "Nitrogen cycling microbes in paddy soil", ["Jaeseong Lee", "Tom Baker"], "Soil Biology", 2018),
]
# fmt: on


def write_bib(path: Path, entries) -> Path:
    path.write_text("\n".join(bib_entry(*e) for e in entries), encoding="utf-8")
    return path


_MODEL_CACHE: dict[str, Path] = {}


def model_dir(tmp_root: Path) -> Path:
    """The shipped default model when present, else a small model trained on a synthetic corpus (seeded)."""
    from importlib import resources

    shipped = Path(str(resources.files("byline") / "models" / "default"))
    if (shipped / "model.txt").is_file() and (shipped / "byline-model.json").is_file():
        return shipped
    if "synth" not in _MODEL_CACHE:
        from byline.model import Disambiguator
        from byline_synth import generate

        out = tmp_root / "synth-model"
        Disambiguator(n_estimators=60, random_state=0).fit(generate(2500, seed=1)).save(out)
        _MODEL_CACHE["synth"] = out
    return _MODEL_CACHE["synth"]


def synth_bib(path: Path, n_signatures: int = 1500, seed: int = 3) -> Path:
    """A BibTeX file of the papers of a synthetic labeled corpus (for store-level tests and benchmarks)."""
    from byline_synth import generate

    papers: dict[str, tuple] = {}
    for s in generate(n_signatures, seed=seed):
        if s.work_id not in papers:
            names = [s.name] + list(s.coauthors)
            names[0], names = s.name, [*s.coauthors[: s.position], s.name, *s.coauthors[s.position :]]
            papers[s.work_id] = (
                s.work_id.replace("/", "_"),
                (s.title or "untitled").replace("{", "").replace("}", ""),
                names,
                s.venue or "Journal",
                s.year or 2000,
            )
    return write_bib(path, list(papers.values()))


def people_store(tmp_path: Path) -> Iterator[Any]:
    """A store holding :data:`ML` + :data:`BIO` (two people named Jaeseong Lee); a fixture body."""
    from byline.store import Store

    s = Store(tmp_path / "t.db")
    s.ingest([write_bib(tmp_path / "a.bib", ML + BIO)])
    yield s
    s.close()


# a claimed profile of ML papers and one foreign work (the audit tests)
OWN = ML + [
    (
        "ml5",
        "Self-supervised learning of molecular graph representations",
        ["Jaeseong Lee", "Minho Kim"],
        "ICLR",
        2022,
    ),
    (
        "ml6",
        "Graph transformers for drug discovery",
        ["Sora Park", "Jaeseong Lee", "Minho Kim"],
        "NeurIPS",
        2023,
    ),
    (
        "ml7",
        "Contrastive pretraining of molecular graph encoders",
        ["Jaeseong Lee", "Sora Park"],
        "ICML",
        2023,
    ),
]
FOREIGN = (
    "river1",
    "Sediment transport in braided rivers under extreme floods",
    ["Jaeseong Lee", "Olaf Berg", "Ingrid Dahl"],
    "Water Resources Research",
    2021,
)
