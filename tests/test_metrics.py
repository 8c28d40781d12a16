"""B-cubed (as S2AND computes it) and per-block pairwise F1, on hand-worked examples."""

from __future__ import annotations

import pytest

from byline.evaluate import (
    b3_precision_recall_fscore,
    cluster_precision_recall_fscore,
    f1_score,
    pairwise_f1_per_block,
)

_SHAPES = {"dark": [1, 2, 3, 4, 5], "light": [6, 7, 9, 12, 13, 14], "line": [8], "purple": [10], "spotted": [11]}
_SIZES = {"dark": [1, 2, 3, 4, 5], "light": [6, 7], "line1": [8, 9], "line2": [10, 11], "line3": [12, 13]}


# Every B-cubed case of S2AND's own unit test (allenai/S2AND tests/test_eval.py, test_b3_precision_recall_score),
# with its expected (precision, recall, F1) to 3 decimals, as S2AND rounds them.
@pytest.mark.parametrize(
    ("true", "pred", "expected"),
    [
        pytest.param(_SHAPES, {"1": [1, 2, 3, 4], "2": [5, 6, 7], "3": [8, 9, 10, 11, 12, 13, 14]},
                     (0.599, 0.695, 0.643), id="cluster_homogeneity_1"),
        pytest.param(_SHAPES, {"1": [1, 2, 3, 4], "2": [5], "3": [6, 7], "4": [8, 9, 10, 11, 12, 13, 14]},
                     (0.694, 0.695, 0.695), id="cluster_homogeneity_2"),
        pytest.param(_SIZES, {"1": [1, 2, 3, 4, 5], "2": [6], "3": [7], "4": [8], "5": [9], "6": [10], "7": [11],
                              "8": [12], "9": [13]},
                     (1.0, 0.692, 0.818), id="size_v_quantity_1"),
        pytest.param(_SIZES, {"1": [1, 2, 3, 4], "2": [5], "3": [6, 7], "4": [8, 9], "5": [10, 11], "6": [12, 13]},
                     (1.0, 0.877, 0.934), id="size_v_quantity_2"),
    ],
)
def test_b3_s2and_reference_cases(true, pred, expected):
    assert b3_precision_recall_fscore(true, pred, round_to=3) == expected


def test_f1_score_edges_as_s2and():
    # S2AND tests/test_eval.py test_f1_score_edges
    assert f1_score(0, 1) == 0.0
    assert f1_score(1, 0) == 0.0
    assert f1_score(0.5, 0.5) == pytest.approx(0.5)


def test_b3_hand_worked():
    # true {a,b,c} {d}; pred {a,b} {c,d}
    # precision per item: a 2/2, b 2/2, c 1/2, d 1/2 -> 3/4 ; recall: a 2/3, b 2/3, c 1/3, d 1/1 -> 2/3
    p, r, f = b3_precision_recall_fscore({"x": ["a", "b", "c"], "y": ["d"]}, {"1": ["a", "b"], "2": ["c", "d"]})
    assert p == pytest.approx(0.75)
    assert r == pytest.approx(2 / 3)
    assert f == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3))


def test_b3_perfect_and_errors():
    true = {"x": ["a", "b"], "y": ["c"]}
    assert b3_precision_recall_fscore(true, {"p": ["a", "b"], "q": ["c"]}) == (1.0, 1.0, 1.0)
    # all in one cluster: precision per item a,b 2/3, c 1/3 -> 5/9; recall 1
    p, r, _ = b3_precision_recall_fscore(true, {"p": ["a", "b", "c"]})
    assert p == pytest.approx(5 / 9) and r == 1.0
    with pytest.raises(ValueError, match="cover"):
        b3_precision_recall_fscore(true, {"p": ["a", "b"]})


def test_pairwise_singletons_count_as_self_pairs():
    # true {a,b} {c}; pred {a} {b} {c}: gold pairs {ab, cc}, system {aa, bb, cc} -> overlap 1
    p, r, f = cluster_precision_recall_fscore({"x": ["a", "b"], "y": ["c"]}, {"1": ["a"], "2": ["b"], "3": ["c"]})
    assert (p, r) == pytest.approx((1 / 3, 1 / 2))
    assert f == pytest.approx(f1_score(1 / 3, 1 / 2))


def test_pairwise_f1_is_mean_over_blocks():
    true = {"a": "P", "b": "P", "c": "Q", "d": "R", "e": "R"}
    pred = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "3"}
    blocks = {"B1": ["a", "b", "c"], "B2": ["d", "e"]}
    # B1: gold {ab, cc}, sys {ab, ac, bc} -> P 1/3 R 1/2 F 0.4 ; B2: gold {de}, sys {dd, ee} -> 0
    p, r, f = pairwise_f1_per_block(true, pred, blocks)
    assert p == pytest.approx((1 / 3 + 0) / 2)
    assert r == pytest.approx((1 / 2 + 0) / 2)
    assert f == pytest.approx(0.4 / 2)


def test_f1_zero():
    assert f1_score(0.0, 1.0) == 0.0
