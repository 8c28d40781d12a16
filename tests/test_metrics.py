"""B-cubed (as S2AND computes it) and per-block pairwise F1, on hand-worked examples."""

from __future__ import annotations

import pytest

from byline.evaluate import (
    b3_by_block_size,
    b3_precision_recall_fscore,
    block_size_bucket,
    cluster_precision_recall_fscore,
    f1_score,
    pairwise_f1_per_block,
)

_SHAPES = {
    "dark": [1, 2, 3, 4, 5],
    "light": [6, 7, 9, 12, 13, 14],
    "line": [8],
    "purple": [10],
    "spotted": [11],
}
_SIZES = {"dark": [1, 2, 3, 4, 5], "light": [6, 7], "line1": [8, 9], "line2": [10, 11], "line3": [12, 13]}


# Every B-cubed case of S2AND's own unit test (allenai/S2AND tests/test_eval.py, test_b3_precision_recall_score),
# with its expected (precision, recall, F1) to 3 decimals, as S2AND rounds them.
@pytest.mark.parametrize(
    ("true", "pred", "expected"),
    [
        pytest.param(
            _SHAPES,
            {"1": [1, 2, 3, 4], "2": [5, 6, 7], "3": [8, 9, 10, 11, 12, 13, 14]},
            (0.599, 0.695, 0.643),
            id="cluster_homogeneity_1",
        ),
        pytest.param(
            _SHAPES,
            {"1": [1, 2, 3, 4], "2": [5], "3": [6, 7], "4": [8, 9, 10, 11, 12, 13, 14]},
            (0.694, 0.695, 0.695),
            id="cluster_homogeneity_2",
        ),
        pytest.param(
            _SIZES,
            {
                "1": [1, 2, 3, 4, 5],
                "2": [6],
                "3": [7],
                "4": [8],
                "5": [9],
                "6": [10],
                "7": [11],
                "8": [12],
                "9": [13],
            },
            (1.0, 0.692, 0.818),
            id="size_v_quantity_1",
        ),
        pytest.param(
            _SIZES,
            {"1": [1, 2, 3, 4], "2": [5], "3": [6, 7], "4": [8, 9], "5": [10, 11], "6": [12, 13]},
            (1.0, 0.877, 0.934),
            id="size_v_quantity_2",
        ),
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
    p, r, f = b3_precision_recall_fscore(
        {"x": ["a", "b", "c"], "y": ["d"]}, {"1": ["a", "b"], "2": ["c", "d"]}
    )
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
    p, r, f = cluster_precision_recall_fscore(
        {"x": ["a", "b"], "y": ["c"]}, {"1": ["a"], "2": ["b"], "3": ["c"]}
    )
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


def test_block_size_bucket_edges():
    assert [block_size_bucket(n) for n in (1, 9, 10, 49, 50, 199, 200, 999, 1000, 5000)] == [
        "1-9",
        "1-9",
        "10-49",
        "10-49",
        "50-199",
        "50-199",
        "200-999",
        "200-999",
        ">=1000",
        ">=1000",
    ]


def test_b3_by_block_size_splits_the_overall_figures():
    # a small block of 3 (true {a,b} {c}, pred all together) and a block of 12 (one person, split 6 + 6)
    small = ["a", "b", "c"]
    big = [f"x{k}" for k in range(12)]
    true = {"a": "P", "b": "P", "c": "Q", **{x: "R" for x in big}}
    pred = {"a": "1", "b": "1", "c": "1", **{x: ("2" if k < 6 else "3") for k, x in enumerate(big)}}
    out = b3_by_block_size(true, pred, {"S": small, "B": big})
    assert list(out) == ["1-9", "10-49", "50-199", "200-999", ">=1000"]
    s, b = out["1-9"], out["10-49"]
    assert (s["blocks"], s["signatures"], b["blocks"], b["signatures"]) == (1, 3, 1, 12)
    # small: precision a,b 2/3, c 1/3 -> 5/9; recall 1 ; big: precision 1, recall 6/12 = 0.5
    assert s["b3_precision"] == pytest.approx(5 / 9) and s["b3_recall"] == 1.0
    assert b["b3_precision"] == 1.0 and b["b3_recall"] == pytest.approx(0.5)
    assert b["b3_f1"] == pytest.approx(f1_score(1.0, 0.5))
    assert out[">=1000"] == {
        "blocks": 0,
        "signatures": 0,
        "b3_precision": None,
        "b3_recall": None,
        "b3_f1": None,
    }
    # the signature-weighted mean of the buckets is the overall B3
    tc, pc = {}, {}
    for k, v in true.items():
        tc.setdefault(v, []).append(k)
    for k, v in pred.items():
        pc.setdefault(v, []).append(k)
    p, r, _ = b3_precision_recall_fscore(tc, pc)
    assert (3 * s["b3_recall"] + 12 * b["b3_recall"]) / 15 == pytest.approx(r)
    assert (3 * s["b3_precision"] + 12 * b["b3_precision"]) / 15 == pytest.approx(p)
