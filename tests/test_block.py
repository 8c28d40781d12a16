"""Blocks and bounded candidate pairs."""

from __future__ import annotations

import numpy as np

from byline.block import all_pairs, block_of, candidate_pairs, group_blocks, knn_pairs
from byline.records import Signature


def _sig(k, name, block=None, dataset=None, coauthors=(), title=None):
    return Signature(
        id=f"s{k}", name=name, block=block, dataset=dataset, coauthors=tuple(coauthors), title=title
    )


def test_block_uses_dataset_block_else_key():
    assert block_of(_sig(1, "Lei Wang", block="wang_l")) == "wang_l"
    assert block_of(_sig(2, "Lei Wang")) == "l wang"
    assert block_of(_sig(3, "Wang, L.")) == "l wang"


def test_group_blocks_sorted_and_prefixed_by_dataset():
    sigs = [_sig(1, "Lei Wang", dataset="b"), _sig(2, "L. Wang", dataset="a"), _sig(3, "Jing Li")]
    g = group_blocks(sigs)
    assert list(g) == sorted(g)
    assert set(g) == {"b/l wang", "a/l wang", "j li"}


def test_all_pairs_small_block():
    i, j = all_pairs(4)
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    sigs = [_sig(k, "Lei Wang") for k in range(5)]
    i, j = candidate_pairs(sigs)
    assert len(i) == 10


def test_large_block_is_bounded_and_deterministic():
    rng = np.random.default_rng(0)
    givens = ["Lei", "Li", "Liang", "L.", "Lin", "Lu"]
    sigs = [
        _sig(
            k,
            f"{givens[k % len(givens)]} Wang",
            coauthors=[f"Co{rng.integers(50)} Person"],
            title=f"topic{k % 7} study",
        )
        for k in range(600)
    ]
    i, j = candidate_pairs(sigs, max_full=100, sub_full=50, k=5)
    n = len(sigs)
    assert len(i) <= n * (50 / 2 + 5)
    assert np.all(i < j)
    pairs = set(zip(i.tolist(), j.tolist(), strict=True))
    assert len(pairs) == len(i)  # no duplicates
    i2, j2 = candidate_pairs(sigs, max_full=100, sub_full=50, k=5)
    assert np.array_equal(i, i2) and np.array_equal(j, j2)


def test_knn_finds_similar_neighbours():
    sigs = [_sig(0, "A Wang", coauthors=["X Li", "Y Chen"]), _sig(1, "A Wang", coauthors=["X Li", "Y Chen"])]
    sigs += [_sig(k, "A Wang", coauthors=[f"Z{k} Qian"]) for k in range(2, 30)]
    i, j = knn_pairs(sigs, k=1)
    assert (0, 1) in set(zip(i.tolist(), j.tolist(), strict=True))
