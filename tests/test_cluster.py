"""Constrained average-linkage clustering."""

from __future__ import annotations

import numpy as np
import pytest

from byline import ConstraintError
from byline.cluster import Constraints, _average_sparse, cluster_block


def _pairs(n, probs):
    i, j, p = [], [], []
    for (a, b), v in probs.items():
        i.append(a)
        j.append(b)
        p.append(v)
    return np.array(i), np.array(j), np.array(p, float)


def test_average_linkage_basic():
    # 0-1-2 strongly linked, 3-4 linked, weak 2-3
    i, j, p = _pairs(5, {(0, 1): 0.95, (0, 2): 0.9, (1, 2): 0.9, (3, 4): 0.8, (2, 3): 0.6})
    lab = cluster_block(5, i, j, p, threshold=0.5)
    assert lab[0] == lab[1] == lab[2]
    assert lab[3] == lab[4]
    assert lab[0] != lab[3]  # average over the 6 cross pairs is far below 0.5


def test_threshold_controls_merging():
    i, j, p = _pairs(2, {(0, 1): 0.6})
    assert cluster_block(2, i, j, p, threshold=0.5).tolist() == [0, 0]
    assert cluster_block(2, i, j, p, threshold=0.7).tolist() == [0, 1]


def test_cannot_link_is_never_merged():
    i, j, p = _pairs(3, {(0, 1): 0.99, (1, 2): 0.99, (0, 2): 0.99})
    lab = cluster_block(3, i, j, p, threshold=0.5, cannot_link=[(0, 2)])
    assert lab[0] != lab[2]
    assert lab[1] in (lab[0], lab[2])


def test_must_link_is_merged():
    i, j, p = _pairs(3, {(0, 1): 0.01, (1, 2): 0.9})
    lab = cluster_block(3, i, j, p, threshold=0.5, must_link=[(0, 1)])
    assert lab[0] == lab[1]


def test_contradiction_raises():
    with pytest.raises(ConstraintError):
        cluster_block(
            2, np.array([0]), np.array([1]), np.array([0.5]), 0.5, must_link=[(0, 1)], cannot_link=[(1, 0)]
        )


def test_deterministic_and_labels_by_first_member():
    rng = np.random.default_rng(0)
    n = 40
    i, j = np.triu_indices(n, 1)
    p = rng.random(len(i))
    a = cluster_block(n, i, j, p, 0.5)
    b = cluster_block(n, i, j, p, 0.5)
    assert a.tolist() == b.tolist()
    assert a[0] == 0
    firsts = [int(np.flatnonzero(a == k)[0]) for k in range(a.max() + 1)]
    assert firsts == sorted(firsts)


def test_sparse_matches_dense_on_small_graph():
    rng = np.random.default_rng(1)
    n = 30
    i, j = np.triu_indices(n, 1)
    keep = rng.random(len(i)) < 0.3
    i, j = i[keep], j[keep]
    p = rng.random(len(i)) ** 0.3
    dense = cluster_block(n, i, j, p, 0.6)
    sparse = _average_sparse(n, i, j, 1 - p, 0.4, [], [])

    # same partition (labels may be numbered differently)
    def part(lab):
        return sorted(tuple(np.flatnonzero(lab == k)) for k in np.unique(lab))

    assert part(dense) == part(sparse)


def test_constraints_coerce():
    c = Constraints.coerce({"must_link": [["a", "b"]], "cannot_link": [("c", "d")]})
    assert c.must_link == (("a", "b"),) and c.cannot_link == (("c", "d"),)
    assert Constraints.coerce(None) == Constraints()


def test_cut_linkage_matches_cluster_block():
    from byline.cluster import block_linkage, cut_linkage

    rng = np.random.default_rng(3)
    n = 25
    i, j = np.triu_indices(n, 1)
    p = rng.random(len(i)) ** 2
    cl = [(0, 1), (2, 7)]
    Z = block_linkage(n, i, j, p, cl)
    for t in (0.2, 0.4, 0.5, 0.7):
        assert cut_linkage(Z, n, t).tolist() == cluster_block(n, i, j, p, t, cannot_link=cl).tolist()


def test_far_pairs_between_components_are_ignored():
    # 0-1 close, 2-3 close, 1-2 far: two components; the far pair must not leak into either
    i, j, p = _pairs(4, {(0, 1): 0.9, (2, 3): 0.9, (1, 2): 0.1, (0, 3): 0.05})
    lab = cluster_block(4, i, j, p, threshold=0.5)
    assert lab.tolist() == [0, 0, 1, 1]


def test_sparse_path_honours_constraints(monkeypatch):
    import byline.cluster as C

    rng = np.random.default_rng(7)
    n = 40
    i, j = np.triu_indices(n, 1)
    p = rng.random(len(i)) ** 0.2
    cl = [(0, 1), (5, 9), (3, 30)]
    ml = [(2, 17)]
    dense = cluster_block(n, i, j, p, 0.55, must_link=ml, cannot_link=cl)
    monkeypatch.setattr(C, "DENSE_MAX", 5)
    sparse = cluster_block(n, i, j, p, 0.55, must_link=ml, cannot_link=cl)
    for a, b in cl:
        assert sparse[a] != sparse[b]
    assert sparse[2] == sparse[17]
    assert sparse.tolist() == dense.tolist()


def _two_people_sparsely_scored(n_each: int = 80, seed: int = 0):
    """Two people of ``n_each`` signatures; each signature scored only against a few others (as in a block
    above MAX_FULL): 8 of its own person (high p), 4 of the other (low p)."""
    rng = np.random.default_rng(seed)
    n = 2 * n_each
    person = np.repeat([0, 1], n_each)
    pairs: dict[tuple[int, int], float] = {}
    for a in range(n):
        same = np.flatnonzero(person == person[a])
        other = np.flatnonzero(person != person[a])
        for b in rng.choice(same[same != a], 8, replace=False):
            pairs[(min(a, b), max(a, b))] = float(rng.uniform(0.8, 0.95))
        for b in rng.choice(other, 4, replace=False):
            pairs[(min(a, b), max(a, b))] = float(rng.uniform(0.05, 0.2))
    keys = sorted(pairs)
    i = np.array([k[0] for k in keys])
    j = np.array([k[1] for k in keys])
    return n, person, i, j, np.array([pairs[k] for k in keys])


def test_unscored_weight_is_one_for_fully_scored_blocks_and_small_for_sparse_ones():
    from byline.cluster import unscored_weight

    assert unscored_weight(100, 100 * 99 // 2) == 1.0
    assert unscored_weight(1, 0) == 1.0
    assert unscored_weight(1419, 1419 * 25) < 0.01  # a big block of which ~3% of the pairs were scored
    assert unscored_weight(100, 1000) < unscored_weight(100, 2000) < 1.0


def test_sparsely_scored_people_are_kept_whole_when_unscored_pairs_weigh_little():
    from byline.cluster import unscored_weight

    n, person, i, j, p = _two_people_sparsely_scored()
    plain = cluster_block(n, i, j, p, 0.5)
    assert plain.max() + 1 > 10  # unscored pairs at full weight: every person shattered
    w = unscored_weight(n, len(i))
    labels = cluster_block(n, i, j, p, 0.5, unscored_weight=w)
    assert labels.max() + 1 == 2
    assert all(len(set(labels[person == k].tolist())) == 1 for k in (0, 1))


def test_unscored_weight_keeps_cannot_links_and_must_links():
    from byline.cluster import unscored_weight

    n, person, i, j, p = _two_people_sparsely_scored(seed=1)
    w = unscored_weight(n, len(i))
    a, b = int(np.flatnonzero(person == 0)[0]), int(np.flatnonzero(person == 0)[1])
    labels = cluster_block(n, i, j, p, 0.5, cannot_link=[(a, b)], unscored_weight=w)
    assert labels[a] != labels[b]
    c = int(np.flatnonzero(person == 1)[0])
    labels = cluster_block(n, i, j, p, 0.5, must_link=[(a, c)], unscored_weight=w)
    assert labels[a] == labels[c]


def test_unscored_weight_out_of_range_is_refused():
    with pytest.raises(ValueError, match="unscored_weight"):
        cluster_block(3, np.array([0]), np.array([1]), np.array([0.9]), 0.5, unscored_weight=0.0)
