"""The cluster-merge second stage (byline.merge): candidates, cannot-links, order, persistence."""

from __future__ import annotations

import json

import numpy as np
import pytest

from byline.merge import MERGE_FEATURES, cluster_pair_features, merge_labels, original_block_key
from byline.records import Signature


def _sig(
    k: int, coauthors: tuple[str, ...] = (), venue: str | None = None, year: int | None = None
) -> Signature:
    return Signature(
        id=f"s{k}", name="J. Lee", work_id=f"w{k}", coauthors=coauthors, venue=venue, year=year, dataset="t"
    )


def test_most_probable_pairs_join_first_and_a_cannot_link_holds_through_earlier_joins():
    labels = np.array([0, 1, 2, 3])
    pairs = [(0, 1), (1, 2), (2, 3)]
    prob = np.array([0.95, 0.9, 0.7])
    # items 0 and 2 may never be together: after 0+1 joined, 1+2 would bring them together
    out = merge_labels(labels, pairs, prob, 0.6, cannot=[(0, 2)])
    assert out[0] == out[1]
    assert out[2] != out[0]
    assert out[2] == out[3]


def test_pairs_below_the_merge_threshold_stay_apart():
    labels = np.array([0, 0, 1, 2])
    out = merge_labels(labels, [(0, 1), (1, 2)], np.array([0.85, 0.4]), 0.8)
    assert out.tolist() == [0, 0, 0, 1]


def test_candidates_count_shared_coauthors_and_skip_cannot_linked_clusters():
    sigs = [
        _sig(0, ("A. Kim", "B. Park"), "cvpr", 2019),
        _sig(1, ("A. Kim",), "cvpr", 2020),
        _sig(2, ("C. Choi",), "nature", 2001),
    ]
    i, j = np.array([0, 0, 1]), np.array([1, 2, 2])
    p = np.array([0.3, 0.2, 0.15])
    labels = np.array([0, 1, 2])
    X, pairs = cluster_pair_features(sigs, i, j, p, labels)
    assert X.shape == (3, len(MERGE_FEATURES))
    row = dict(zip(MERGE_FEATURES, X[pairs.index((0, 1))], strict=True))
    assert row["shared_coauthors"] == 1 and row["shared_venues"] == 1 and row["year_gap"] == 1
    far = dict(zip(MERGE_FEATURES, X[pairs.index((1, 2))], strict=True))
    assert far["shared_coauthors"] == 0 and far["year_gap"] == 2020 - 2001
    _, pairs = cluster_pair_features(sigs, i, j, p, labels, cannot=[(0, 2)])
    assert (0, 2) not in pairs and (0, 1) in pairs


def test_a_block_and_its_derived_copies_share_a_fold_key():
    assert original_block_key("aminer~hard/j lee") == "aminer/j lee"
    assert original_block_key("aminer/j lee") == "aminer/j lee"
    assert original_block_key("j lee") == "j lee"


@pytest.fixture(scope="module")
def corpus(datasets_dir):
    """Whole blocks of the labeled qian data (train for training, dev for choosing): synthetic data is too
    easy to leave first-stage clusters for a second stage to join."""
    from byline.block import group_blocks
    from byline.ingest.signatures import load_signatures

    def blocks(name: str, limit: int) -> list[Signature]:
        out: list[Signature] = []
        for sigs in group_blocks(load_signatures([datasets_dir / name])).values():
            if len(out) + len(sigs) <= limit:
                out += sigs
        return out

    return blocks("qian.train.jsonl.gz", 700), blocks("qian.dev.jsonl.gz", 300)


def test_second_stage_is_trained_saved_and_loaded(corpus, tmp_path):
    from byline.model import Disambiguator

    train, dev = corpus
    m = Disambiguator(n_estimators=80, random_state=0).fit(train, dev=dev)
    assert m.merge_booster_ is not None
    m.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "byline-model.json").read_text())
    assert meta["merge"]["threshold"] == m.merge_threshold_
    back = Disambiguator.load(tmp_path / "m")
    assert back.merge_threshold_ == m.merge_threshold_
    assert back.predict(dev) == m.predict(dev)


def test_second_stage_can_be_left_out(corpus, tmp_path):
    from byline.model import Disambiguator

    train, dev = corpus
    m = Disambiguator(n_estimators=10, random_state=0, second_stage=False).fit(train, dev=dev)
    assert m.merge_booster_ is None and m.merge_threshold_ is None
    m.save(tmp_path / "m")
    assert "merge" not in json.loads((tmp_path / "m" / "byline-model.json").read_text())
    assert Disambiguator.load(tmp_path / "m").merge_booster_ is None
