"""The text-only head: pairs whose only evidence besides the name is text (bare abstracts)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from byline import ModelError
from byline.block import candidate_pairs, group_blocks
from byline.features import FEATURE_NAMES, BlockData, featurize
from byline.model import Disambiguator
from byline.model_io import META_FILE
from byline.records import Signature
from byline.textonly import CONTEXT_COLUMNS, text_only_mask
from byline_synth import generate


@pytest.fixture(scope="module")
def corpus():
    return generate(700, seed=11, dataset="synth"), generate(300, seed=12, dataset="synth")


@pytest.fixture(scope="module")
def models(corpus):
    train, dev = corpus
    plain = Disambiguator(n_estimators=15, random_state=0).fit(train, dev=dev)
    head = Disambiguator(n_estimators=15, random_state=0, text_only=True).fit(train, dev=dev)
    return plain, head


def _dev_pairs(model, sigs):
    Xs = []
    for _k, block in sorted(group_blocks(sigs).items()):
        block = sorted(block, key=lambda s: s.id)
        i, j = candidate_pairs(block)
        if len(i):
            Xs.append(featurize(BlockData(block, model.name_counts_), i, j))
    return np.vstack(Xs)


ABSTRACT_A = (
    "We propose a face swapping model that keeps identity and expression with masked autoencoders "
    "and avatar heads rendered from gaussian surfels."
)
ABSTRACT_B = (
    "Mixture of experts layers reduce inference cost; we prune experts by their routing statistics "
    "with little loss of accuracy in language models."
)


def _bare(sid: str, abstract: str) -> Signature:
    return Signature(id=sid, name="Jaeseong Lee", work_id=f"w{sid}", position=0, abstract=abstract)


def test_pairs_with_other_evidence_score_exactly_as_without_the_head(models, corpus):
    plain, head = models
    assert head.booster_.model_to_string() == plain.booster_.model_to_string()
    X = _dev_pairs(plain, corpus[1])
    mask = text_only_mask(X, FEATURE_NAMES)
    assert (~mask).sum() > 100
    np.testing.assert_array_equal(
        head.predict_proba_features(X)[~mask], plain.predict_proba_features(X)[~mask]
    )


def test_text_only_pairs_are_scored_by_the_head(models):
    _, head = models
    sigs = [_bare("1", ABSTRACT_A), _bare("2", ABSTRACT_A + " Heads and faces."), _bare("3", ABSTRACT_B)]
    p = head.score_pairs(sigs, [(0, 1), (0, 2)])
    X = featurize(BlockData(sigs, head.name_counts_), np.array([0, 0]), np.array([1, 2]))
    assert text_only_mask(X, FEATURE_NAMES).all()
    np.testing.assert_allclose(p, head.text_only_head_.predict(X, FEATURE_NAMES))


def test_a_shared_year_takes_the_pair_back_to_the_main_classifier(models):
    plain, head = models
    sigs = [replace(_bare("1", ABSTRACT_A), year=2020), replace(_bare("2", ABSTRACT_B), year=2021)]
    assert head.score_pairs(sigs, [(0, 1)]) == pytest.approx(plain.score_pairs(sigs, [(0, 1)]))


def test_the_head_is_saved_and_loaded_with_the_model(models, corpus, tmp_path):
    _, head = models
    head.save(tmp_path / "m")
    back = Disambiguator.load(tmp_path / "m")
    X = _dev_pairs(head, corpus[1])
    np.testing.assert_array_equal(back.predict_proba_features(X), head.predict_proba_features(X))
    np.testing.assert_array_equal(back.raw_scores(X), head.raw_scores(X))
    assert back.text_only_head_ is not None and back.text_only_head_.n_pairs > 0


def test_a_model_without_a_head_loads_without_one(models, tmp_path):
    plain, _ = models
    plain.save(tmp_path / "p")
    assert "text_only_head" not in json.loads((tmp_path / "p" / META_FILE).read_text())
    assert Disambiguator.load(tmp_path / "p").text_only_head_ is None


def test_a_corrupt_head_is_a_model_error_naming_the_file(models, tmp_path):
    _, head = models
    d = head.save(tmp_path / "bad")
    meta = json.loads((d / META_FILE).read_text())
    meta["text_only_head"]["terms"] = ["something else"]
    (d / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=META_FILE):
        Disambiguator.load(d)


def test_text_only_mask_is_any_context_column_present():
    names = list(CONTEXT_COLUMNS) + ["text_cosine"]
    X = np.full((len(CONTEXT_COLUMNS) + 1, len(names)), np.nan)
    for k in range(len(CONTEXT_COLUMNS)):
        X[k, k] = 0.0  # one kind of evidence printed on both sides, even if it disagrees
    X[:, -1] = 0.5
    assert text_only_mask(X, names).tolist() == [False] * len(CONTEXT_COLUMNS) + [True]


def test_bad_text_only_params_are_rejected_at_fit(corpus):
    with pytest.raises(ValueError, match="text_only_shift"):
        Disambiguator(text_only=True, text_only_shift=float("nan")).fit(corpus[0])
    with pytest.raises(ValueError, match="text_only must be a bool"):
        Disambiguator(text_only="yes").fit(corpus[0])  # type: ignore[arg-type]
