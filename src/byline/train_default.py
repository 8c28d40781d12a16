"""Rebuild the shipped default model, deterministically: ``python -m byline.train_default`` (``make model``).

Data, in order of preference:

the labeled benchmark splits in ``../shared/datasets/`` beside the checkout (or ``--datasets DIR`` /
``$BYLINE_DATASETS``): trained on ``*.train*`` files only, threshold chosen on ``*.dev*`` files and their
hard copies (:func:`byline.augment.hard`). Without them it stops with a :class:`~byline.ModelError` (the synthetic generator is benchmark tooling now:
``benchmarks/byline_synth``, not part of the package).

The metadata (``byline-model.json`` -> ``training``) records which source was used, the files or the
synthetic recipe, and the seed. See docs/model.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

SEED = 0
# the shipped model scores pairs whose only evidence besides the name is text with a text-only head
# (byline.textonly; chosen on dev's bare-abstract copies, docs/model.md "Pairs with text alone")
TEXT_ONLY = True
TEXT_ONLY_SHIFT = 0.5  # log-odds added to the head: the best of -1 ... +1 on dev's bare-abstract copies
# synthetic recipe: (preset, train signatures, dev signatures, focus block or None). The focus-block part is
# one big ambiguous block ("Wang, L"), so the model also sees the crowded blocks of large corpora.
SYNTH_RECIPE = (
    ("synth-aminer", 8000, 3000, None),
    ("synth-pubmed", 8000, 3000, None),
    ("synth-s2", 8000, 3000, None),
    ("synth", 8000, 3000, None),
    ("synth-aminer", 3000, 1500, "Wang, L"),
)


def default_model_dir() -> Path:
    """The shipped model folder inside the installed package (no I/O)."""
    from byline.model_io import default_model_dir as _dir

    return _dir()


def load_default_model():
    """The shipped default model: :meth:`byline.model.Disambiguator.load_default` (kept for callers)."""
    from byline.model import Disambiguator

    return Disambiguator.load_default()


def shared_datasets_dir() -> Path | None:
    env = os.environ.get("BYLINE_DATASETS")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    d = repo.parent / "shared" / "datasets"
    return d if d.is_dir() else None


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _split_files(d: Path) -> tuple[list[Path], list[Path]]:
    files = sorted(p for p in d.iterdir() if p.is_file() and ".jsonl" in p.name)
    train = [p for p in files if ".train" in p.name]
    dev = [p for p in files if ".dev" in p.name]
    return train, dev


def build(out: Path, datasets: Path | None = None, seed: int = SEED, quiet: bool = False):
    """Train the default model and save it to ``out``; returns the fitted model."""
    from byline.model import Disambiguator

    t0 = time.perf_counter()
    datasets = datasets or shared_datasets_dir()
    if datasets is not None and datasets.is_dir() and _split_files(datasets)[0]:
        from byline.ingest.signatures import load_signatures

        train_files, dev_files = _split_files(datasets)
        train = load_signatures(train_files)
        dev = load_signatures(dev_files) if dev_files else None
        if dev:  # the threshold is chosen on intact dev and its hard copy together (docs/model.md)
            from byline.augment import derive

            dev = dev + derive(dev, "hard")
        info = {
            "source": "shared datasets",
            "train_files": [p.name for p in train_files],
            "dev_files": [p.name for p in dev_files],
            "sha256": {p.name: _sha256(p) for p in (*train_files, *dev_files)},
            "seed": seed,
        }
    else:
        from byline._errors import ModelError

        raise ModelError(
            f"no labeled datasets to train on ({datasets or '../shared/datasets'} has no *.train* "
            "JSONL files): pass --datasets DIR or set BYLINE_DATASETS"
        )
    model = Disambiguator(random_state=seed, text_only=TEXT_ONLY, text_only_shift=TEXT_ONLY_SHIFT)
    model.training_info_ = info
    model.fit(train, dev=dev)
    model.save(out)
    if not quiet:
        print(
            f"default model: {info['source']}; {len(train)} train signatures, {model.n_train_pairs_} pairs; "
            f"threshold {model.threshold_:.3f} (on {model.threshold_source_}); "
            f"wrote {out} in {time.perf_counter() - t0:.1f}s",
            file=sys.stderr,
        )
    return model


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m byline.train_default", description=__doc__.splitlines()[0])
    ap.add_argument(
        "--out", type=Path, default=None, help="model folder (default: the package's models/default)"
    )
    ap.add_argument(
        "--datasets", type=Path, default=None, help="folder of *.train / *.dev labeled JSONL files"
    )
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    out = args.out or default_model_dir()
    build(out, args.datasets, args.seed)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
