"""Compiled tree scoring (:mod:`byline.fastpredict`) gives the shipped model's scores, to rounding, and the
same clusters; without ``lleaves`` (or switched off) LightGBM scores exactly as before."""

from __future__ import annotations

import numpy as np
import pytest

from byline import fastpredict
from byline.block import group_blocks
from byline.features import BlockData, featurize
from byline.model import Disambiguator
from byline.pipeline import batches, disambiguate_blocks
from byline.scorer import Scorer


@pytest.fixture(scope="module")
def scored():
    from byline_synth import generate

    sigs = generate(1500, seed=5)
    model = Scorer.for_corpus(Disambiguator.load_default(), sigs).model
    blocks = {k: sorted(v, key=lambda s: s.id) for k, v in group_blocks(sigs).items()}
    rows = [s for v in blocks.values() for s in v]
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, len(rows), 5000), rng.integers(0, len(rows), 5000)
    return model, blocks, featurize(BlockData(rows), i, j)


def _reset(monkeypatch, tmp_path, on: bool) -> None:
    monkeypatch.setenv("BYLINE_CACHE", str(tmp_path))
    monkeypatch.setenv(fastpredict.ENV_SWITCH, "1" if on else "0")
    monkeypatch.setattr(fastpredict, "_COMPILED", {})
    monkeypatch.setattr(fastpredict, "_KEEP", {})


def test_switched_off_scores_are_lightgbms_exactly(scored, monkeypatch, tmp_path):
    model, _, X = scored
    _reset(monkeypatch, tmp_path, on=False)
    ref = model.booster_.predict(model.model_columns(X), num_threads=1)
    assert np.array_equal(model.raw_scores(X), ref)


def test_compiled_scores_equal_lightgbm_to_rounding_and_clusters_are_the_same(scored, monkeypatch, tmp_path):
    pytest.importorskip("lleaves")
    model, blocks, X = scored
    _reset(monkeypatch, tmp_path, on=True)
    ref = model.booster_.predict(model.model_columns(X), num_threads=1)
    got = model.raw_scores(X)
    assert fastpredict._COMPILED[id(model.booster_)] is not None  # the compiled path did score
    assert np.max(np.abs(got - ref)) <= 1e-12
    assert list(tmp_path.glob("compiled-trees/*.so"))  # cached for the next process
    fast = [r.clusters for b in batches(blocks, 500) for r in disambiguate_blocks(b, model)]
    _reset(monkeypatch, tmp_path, on=False)
    slow = [r.clusters for b in batches(blocks, 500) for r in disambiguate_blocks(b, model)]
    assert fast == slow
