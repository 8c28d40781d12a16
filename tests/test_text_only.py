"""The text-only head: pairs whose only evidence besides the name is text (bare abstracts)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# --- bare records never join two people the other records keep apart ---------------------------------
def _labels_with_rule(n, i, j, p, t, bare, ml=(), cl=()):
    from byline.cluster import cluster_block
    from byline.textonly import evidence_cannot_links

    whole, apart = evidence_cannot_links(n, i, j, p, t, bare, list(ml), list(cl))
    return cluster_block(n, i, j, p, t, must_link=list(ml) + whole, cannot_link=list(cl) + apart)


def test_a_bare_abstract_joins_one_person_not_both():
    # 0,1: one researcher (shared coauthors); 2,3: another; 4: a bare abstract that resembles both a bit
    i = np.array([0, 0, 0, 1, 1, 2, 0, 1, 2, 3])
    j = np.array([1, 2, 3, 2, 3, 3, 4, 4, 4, 4])
    p = np.array([0.95, 0.05, 0.05, 0.05, 0.05, 0.95, 0.9, 0.9, 0.8, 0.8])
    bare = np.array([False, False, False, False, True])
    from byline.cluster import cluster_block

    assert len(set(cluster_block(5, i, j, p, 0.3).tolist())) == 1  # without the rule the abstract chains them
    labels = _labels_with_rule(5, i, j, p, 0.3, bare)
    assert labels[0] == labels[1] == labels[4] and labels[2] == labels[3] != labels[0]


def test_no_bare_record_no_change():
    from byline.textonly import evidence_cannot_links

    i, j, p = np.array([0, 0, 1]), np.array([1, 2, 2]), np.array([0.9, 0.1, 0.2])
    assert evidence_cannot_links(3, i, j, p, 0.3, np.zeros(3, bool)) == ([], [])
    assert evidence_cannot_links(3, i, j, p, 0.3, np.ones(3, bool)) == ([], [])


def test_the_pipeline_applies_the_rule_when_the_model_has_a_head(models):
    from byline.pipeline import disambiguate_block

    _, head = models
    a = Signature(
        id="a", name="Jaeseong Lee", work_id="wa", position=0, coauthors=("Jaegul Choo",), title="Face swap"
    )
    b = Signature(
        id="b", name="Jaeseong Lee", work_id="wb", position=0, coauthors=("Soonhoi Ha",), title="NPU search"
    )
    sigs = [a, b, *(_bare(f"x{k}", ABSTRACT_A + " " + ABSTRACT_B) for k in range(3))]
    bare = np.array([False, False, True, True, True])
    for t in (0.05, 0.3, 0.6):
        res = disambiguate_block("j lee", sigs, head, threshold=t)
        want = _labels_with_rule(len(sigs), res.pair_i, res.pair_j, res.prob, t, bare)
        got = {k: res.clusters[res.ids.index(s.id)] for k, s in enumerate(sigs)}
        assert all((want[x] == want[y]) == (got[x] == got[y]) for x in range(5) for y in range(5))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_rich_records_apart_without_the_bare_ones_stay_apart(data):
    from byline.cluster import cluster_block

    n = data.draw(st.integers(3, 9))
    i, j = np.triu_indices(n, 1)
    p = np.array(data.draw(st.lists(st.floats(0, 1), min_size=len(i), max_size=len(i))))
    bare = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    t = data.draw(st.sampled_from([0.2, 0.5, 0.8]))
    labels = _labels_with_rule(n, i, j, p, t, bare)
    rich = np.flatnonzero(~bare)
    if len(rich) and bare.any():
        keep = ~bare[i] & ~bare[j]
        pos = {int(r): k for k, r in enumerate(rich)}
        alone = cluster_block(
            len(rich),
            np.array([pos[x] for x in i[keep]], np.int64),
            np.array([pos[x] for x in j[keep]], np.int64),
            p[keep],
            t,
        )
        for a in range(len(rich)):
            for b in range(a + 1, len(rich)):
                assert (alone[a] == alone[b]) == (labels[rich[a]] == labels[rich[b]])


def test_explain_says_when_a_pair_is_judged_on_text_alone(models):
    from byline.explain import explain_pair

    plain, head = models
    a, b = _bare("1", ABSTRACT_A), _bare("2", ABSTRACT_B)
    card = explain_pair(a, b, head)
    assert any("text alone" in n for n in card.notes), card.notes
    assert card.probability == pytest.approx(float(head.score_pairs([a, b], [(0, 1)])[0]))
    assert not any("text alone" in n for n in explain_pair(a, b, plain).notes)
    dated = explain_pair(replace(a, year=2020), replace(b, year=2020), head)
    assert not any("text alone" in n for n in dated.notes)
