"""Pair features: one registry, vectorized values equal a slow per-pair reference."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from byline.features import FEATURE_NAMES, FEATURES, BlockData, cannot_link_mask, featurize, words
from byline.names import NameCounts, block_key, compatible, parse_name
from byline.records import Signature


def _block():
    return [
        Signature(
            id="a",
            name="Jae-Seong Lee",
            work_id="w1",
            coauthors=("Min Kim", "H. Park"),
            title="Deep learning for MRI",
            venue="MICCAI",
            year=2019,
            email="js@kaist.ac.kr",
            affiliations=("KAIST, Daejeon",),
            keywords=("MRI",),
        ),
        Signature(
            id="b",
            name="Lee, Jaeseong",
            work_id="w2",
            coauthors=("M. Kim", "Soo Choi"),
            title="MRI reconstruction with deep networks",
            venue="MICCAI",
            year=2021,
            email="js@kaist.ac.kr",
            affiliations=("KAIST",),
            abstract="We reconstruct MRI.",
        ),
        Signature(
            id="c",
            name="J. Lee",
            work_id="w3",
            coauthors=(),
            title="Soil chemistry of rice paddies",
            venue="Soil Sci",
            year=None,
        ),
        Signature(
            id="d",
            name="Jin Lee",
            work_id="w3",
            coauthors=("Q. Zhang",),
            title="Soil chemistry of rice paddies",
            venue=None,
            year=2005,
            orcid="0000-0002-1825-0097",
        ),
        Signature(
            id="e",
            name="Ji Lee",
            work_id="w5",
            coauthors=("Q. Zhang",),
            title="Soil nitrogen",
            year=2007,
            orcid="https://orcid.org/0000-0002-1825-0097",
        ),
    ]


def test_names_and_columns_come_from_one_registry():
    assert tuple(f.name for f in FEATURES) == FEATURE_NAMES
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    sigs = _block()
    i, j = np.triu_indices(len(sigs), 1)
    X = featurize(BlockData(sigs), i, j)
    assert X.shape == (len(i), len(FEATURE_NAMES))
    assert X.dtype == np.float32


def _ref_tfidf_cos(texts, a, b):
    docs = [words(t) for t in texts]
    if not docs[a] or not docs[b]:
        return float("nan")
    v = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, smooth_idf=True, norm="l2")
    M = v.fit_transform(docs)
    return float((M[a] @ M[b].T).toarray()[0, 0])


def test_vectorized_matches_slow_reference():
    sigs = _block()
    nc = NameCounts().fit(s.name for s in sigs)
    data = BlockData(sigs, nc)
    i, j = np.triu_indices(len(sigs), 1)
    X = featurize(data, i, j)
    col = {n: k for k, n in enumerate(FEATURE_NAMES)}
    for r, (a, b) in enumerate(zip(i.tolist(), j.tolist(), strict=True)):
        sa, sb = sigs[a], sigs[b]
        # coauthors by first initial + surname
        ca = {block_key(c) for c in sa.coauthors}
        cb = {block_key(c) for c in sb.coauthors}
        if ca and cb:
            assert X[r, col["coauthor_overlap"]] == len(ca & cb)
            assert X[r, col["coauthor_jaccard"]] == pytest.approx(len(ca & cb) / len(ca | cb))
        else:
            assert math.isnan(X[r, col["coauthor_overlap"]])
        if sa.year and sb.year:
            assert X[r, col["year_gap"]] == abs(sa.year - sb.year)
        else:
            assert math.isnan(X[r, col["year_gap"]])
        if sa.email and sb.email:
            assert X[r, col["email_equal"]] == float(sa.email == sb.email)
        else:
            assert math.isnan(X[r, col["email_equal"]])
        ref = _ref_tfidf_cos([s.title for s in sigs], a, b)
        got = X[r, col["title_cosine"]]
        assert (math.isnan(ref) and math.isnan(got)) or got == pytest.approx(ref, abs=1e-5)
        lvl = X[r, col["given_level"]]
        pa, pb = parse_name(sa.name), parse_name(sb.name)
        if lvl == -1:
            assert not compatible(pa, pb)
        elif lvl == 3:
            assert pa.given_joined == pb.given_joined
        assert X[r, col["same_work"]] == float(sa.work_id == sb.work_id)


def test_specific_values():
    sigs = _block()
    data = BlockData(sigs)
    col = {n: k for k, n in enumerate(FEATURE_NAMES)}
    X = featurize(data, np.array([0, 0, 2, 3]), np.array([1, 2, 3, 4]))
    assert X[0, col["given_level"]] == 3  # Jae-Seong / Jaeseong
    assert X[1, col["given_level"]] == 1  # initial only
    assert X[3, col["given_level"]] == 2  # Ji is a prefix of Jin
    assert X[3, col["orcid_equal"]] == 1.0  # same ORCID, URL form normalized
    assert X[0, col["venue_equal"]] == 1.0
    assert math.isnan(X[2, col["orcid_equal"]])


def test_cannot_link_mask():
    sigs = _block() + [Signature(id="f", name="Jun Lee")]
    data = BlockData(sigs)
    i = np.array([2, 3, 0])
    j = np.array([3, 5, 1])
    # c/d share paper w3; Jin vs Jun incompatible; a/b fine
    assert cannot_link_mask(data, i, j).tolist() == [True, True, False]


def test_batching_does_not_change_features():
    sigs = _block()
    other = [Signature(id=f"o{k}", name="Lei Wang", title=f"MRI deep {k}", year=2000 + k) for k in range(4)]
    i, j = np.triu_indices(len(sigs), 1)
    alone = featurize(BlockData(sigs), i, j)
    batch = BlockData(other + sigs, None, np.array([0] * 4 + [1] * 5))
    together = featurize(batch, i + 4, j + 4)
    np.testing.assert_array_equal(np.nan_to_num(alone, nan=-9), np.nan_to_num(together, nan=-9))


def test_swapped_name_order_feature():
    sigs = [
        Signature(id="a", name="Lei Wang"),
        Signature(id="b", name="WANG Lei"),
        Signature(id="c", name="Li Wang"),
    ]
    col = FEATURE_NAMES.index("name_tokens_equal")
    X = featurize(BlockData(sigs), np.array([0, 0]), np.array([1, 2]))
    assert X[:, col].tolist() == [1.0, 0.0]


def test_full_name_coauthors_tell_namesakes_of_one_block_key_apart():
    """'Seung-won Hwang' and 'Sungwon Hwang' share the key 's hwang' but are two people: only the
    block-key overlap counts them as one coauthor."""
    a = Signature(id="a", name="Jaeseong Lee", coauthors=("Seung-won Hwang", "Yeonjoon Jung"), work_id="w1")
    b = Signature(id="b", name="Jaeseong Lee", coauthors=("Sungwon Hwang", "Jaegul Choo"), work_id="w2")
    c = Signature(id="c", name="Jaeseong Lee", coauthors=("Seungwon Hwang",), work_id="w3")
    X = featurize(BlockData([a, b, c]), np.array([0, 0]), np.array([1, 2]))
    col = {n: k for k, n in enumerate(FEATURE_NAMES)}
    assert X[0, col["coauthor_overlap"]] == 1  # by first initial + surname
    assert X[0, col["coauthor_overlap_full"]] == 0  # by full name: different people
    assert X[1, col["coauthor_overlap_full"]] == 1  # "Seung-won" / "Seungwon": one spelling


def test_labeled_lines_read_their_coauthors_field(tmp_path):
    """The labeled datasets list the other authors in ``coauthors`` (no ``authors``): they must be read."""
    import gzip
    import json

    from byline.ingest.signatures import load_signatures

    p = tmp_path / "x.dev.jsonl.gz"
    line = {
        "dataset": "qian",
        "block": "Adam Marcus",
        "signature_id": "s0",
        "person_id": "p",
        "name": "Adam Marcus",
        "coauthors": ["michael s. bernstein", "david r. karger"],
        "title": "T",
    }
    with gzip.open(p, "wt") as fh:
        fh.write(json.dumps(line) + "\n")
    (s,) = load_signatures([p])
    assert s.coauthors == ("michael s. bernstein", "david r. karger")
