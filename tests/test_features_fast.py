"""The fast text path of :class:`byline.features.BlockData` (each distinct word stemmed once, each distinct text
tokenized once, shared token lists mapped to term ids once) gives exactly the matrices and feature values of
the straightforward per-signature computation, so the shipped model scores the same as before.

The reference below is that straightforward computation, as the features were first written."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from unidecode import unidecode

from byline.block import candidate_pairs, group_blocks
from byline.features import FEATURES, BlockData, featurize, initials_key
from byline.names import block_key, parse_name, surname_key
from byline.records import Signature
from byline.tfidf import _stem, tfidf_matrix, words


def _ref_tfidf(
    docs: Sequence[Sequence[str]], binary: bool = False, block_ids: np.ndarray | None = None
) -> sp.csr_matrix:
    n = len(docs)
    lengths = np.array([len(d) for d in docs], np.int64)
    vocab: dict[str, int] = {}
    flat = np.array([vocab.setdefault(t, len(vocab)) for d in docs for t in d], np.int64)
    if flat.size == 0:
        return sp.csr_matrix((n, 1), dtype=np.float64)
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    bid = np.zeros(n, np.int64) if block_ids is None else np.asarray(block_ids, np.int64)
    V = len(vocab)
    entry, tf = np.unique(rows * V + flat, return_counts=True)
    e_rows, e_term = entry // V, entry % V
    e_blk = bid[e_rows]
    cols, inv, df = np.unique(e_blk * V + e_term, return_inverse=True, return_counts=True)
    if binary:
        val = np.ones(len(entry), np.float64)
    else:
        nb = np.bincount(bid, minlength=int(bid.max()) + 1)[e_blk]
        val = (1.0 + np.log(tf)) * (np.log((1.0 + nb) / (1.0 + df[inv])) + 1.0)
        norms = np.sqrt(np.bincount(e_rows, weights=val * val, minlength=n))
        norms[norms == 0] = 1.0
        val /= norms[e_rows]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(e_rows, minlength=n))])
    return sp.csr_matrix((val, inv.astype(np.int32), indptr), shape=(n, len(cols)))


def _reference(d: BlockData) -> dict[str, sp.csr_matrix]:
    sigs, bid = d.sigs, d.block_id
    tw = [words(s.title) for s in sigs]
    aw = [words(s.abstract) for s in sigs]
    own = [block_key(p) for p in d.parsed]
    own_i = [initials_key(p) for p in d.parsed]
    full = []
    for s in sigs:
        keys = set()
        for c in s.coauthors:
            p = parse_name(c)
            if not p.given_is_initial and p.surname:
                keys.add(f"{p.given_joined} {surname_key(p)}")
        full.append(sorted(keys))
    chars = []
    for ws in tw:
        grams = []
        for w in ws:
            w = f" {w} "
            grams += [w[k : k + 4] for k in range(len(w) - 3)]
        chars.append(grams)
    return {
        "coauthors": _ref_tfidf(
            [sorted({block_key(c) for c in s.coauthors} - {own[k], ""}) for k, s in enumerate(sigs)],
            True,
            bid,
        ),
        "coauthors_initials": _ref_tfidf(
            [
                sorted({initials_key(parse_name(c)) for c in s.coauthors} - {own_i[k], ""})
                for k, s in enumerate(sigs)
            ],
            True,
            bid,
        ),
        "coauthors_full": _ref_tfidf(full, True, bid),
        "title_chars": _ref_tfidf(chars, block_ids=bid),
        "text_all": _ref_tfidf(
            [
                [_stem(w) for w in tw[k] + aw[k]] + [f"k:{unidecode(x).lower().strip()}" for x in s.keywords]
                for k, s in enumerate(sigs)
            ],
            block_ids=bid,
        ),
        "title": _ref_tfidf(tw, block_ids=bid),
        "abstract": _ref_tfidf(aw, block_ids=bid),
        "venue": _ref_tfidf([words(s.venue) for s in sigs], block_ids=bid),
        "affiliation": _ref_tfidf(
            [[w for a in s.affiliations for w in words(a)] for s in sigs], block_ids=bid
        ),
        "keywords": _ref_tfidf(
            [[unidecode(k).lower().strip() for k in s.keywords] for s in sigs], block_ids=bid
        ),
    }


def _assert_same(d: BlockData) -> None:
    for name, ref in _reference(d).items():
        got = getattr(d, name)
        assert got.shape == ref.shape, name
        # the same columns in the same order, and values equal to the last bit
        assert np.array_equal(got.indptr, ref.indptr) and np.array_equal(got.indices, ref.indices), name
        assert np.array_equal(got.data, ref.data), name


def _batch(sigs: Sequence[Signature]) -> tuple[list[Signature], np.ndarray]:
    rows: list[Signature] = []
    ids = []
    for k, (_, bs) in enumerate(sorted(group_blocks(sigs).items())):
        rows.extend(sorted(bs, key=lambda s: s.id))
        ids += [k] * len(bs)
    return rows, np.array(ids, np.int64)


def test_synthetic_batch_matrices_equal_the_per_signature_computation():
    """A 3,000-signature synthetic batch (many blocks, works shared by several authors in one batch)."""
    from byline_synth import generate

    rows, ids = _batch(generate(3000, seed=7))
    d = BlockData(rows, block_ids=ids)
    assert len({s.work_id for s in rows}) < len(rows)  # the sharing is exercised
    _assert_same(d)


def test_tfidf_of_shared_doc_objects_equals_separate_copies():
    """Docs given as one shared list object or as equal separate lists: the same matrix, bit for bit."""
    a, b = ["deep", "learning", "deep"], ["graph", "learning"]
    shared = [a, b, a, a, b, []]
    copies = [list(x) for x in shared]
    for binary in (False, True):
        for bid in (None, np.array([0, 0, 0, 1, 1, 1])):
            X, Y, R = (
                tfidf_matrix(shared, binary, bid),
                tfidf_matrix(copies, binary, bid),
                _ref_tfidf(copies, binary, bid),
            )
            for M in (X, Y):
                assert (M != R).nnz == 0 and np.array_equal(M.indices, R.indices)


_word = st.sampled_from(["deep", "learning", "networks", "network", "graphs", "mri", "élan", "the", "x1"])
_text = st.none() | st.lists(_word, max_size=6).map(" ".join)
_names = st.sampled_from(["Min Kim", "M. Kim", "Soo Choi", "Lee, Jae-Seong", "J. Lee", "", "Wang Lei"])


@st.composite
def _sigs(draw: st.DrawFn) -> list[Signature]:
    n = draw(st.integers(1, 12))
    titles = draw(st.lists(_text, min_size=1, max_size=4))  # few distinct texts: many shared
    out = []
    for k in range(n):
        out.append(
            Signature(
                id=f"s{k}",
                name=draw(st.sampled_from(["J. Lee", "Jae Lee", "Lee J", "M. Kim"])),
                work_id=f"w{draw(st.integers(0, 3))}",
                title=draw(st.sampled_from(titles)),
                abstract=draw(st.sampled_from(titles)),
                coauthors=tuple(draw(st.lists(_names, max_size=4))),
                keywords=tuple(draw(st.lists(st.sampled_from(["MRI", " Deep ", "Graphs"]), max_size=3))),
                venue=draw(st.sampled_from([None, "MICCAI", "Proc. MICCAI"])),
                affiliations=tuple(draw(st.lists(st.sampled_from(["KAIST", "Seoul Natl Univ"]), max_size=2))),
            )
        )
    return out


@settings(max_examples=60, deadline=None)
@given(_sigs())
def test_any_small_batch_matrices_equal_the_per_signature_computation(sigs):
    rows, ids = _batch(sigs)
    _assert_same(BlockData(rows, block_ids=ids))


@pytest.mark.shared
def test_dev_features_equal_the_per_signature_computation(datasets_dir):
    """Every dev block of a real labeled set: matrices equal, and so every text/coauthor feature column."""
    from byline.ingest.signatures import load_signatures

    path = datasets_dir / "aminer.dev.jsonl.gz"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    rows, ids = _batch(load_signatures([path])[:4000])
    d = BlockData(rows, block_ids=ids)
    _assert_same(d)
    # the feature columns, from the fast matrices and from the reference ones
    gi, gj = [], []
    for b in np.unique(ids):
        (idx,) = np.nonzero(ids == b)
        i, j = candidate_pairs([rows[k] for k in idx], max_full=300, k=10)
        gi.append(i.astype(np.int64) + idx[0])
        gj.append(j.astype(np.int64) + idx[0])
    i, j = np.concatenate(gi), np.concatenate(gj)
    cols = [k for k, f in enumerate(FEATURES) if f.name != "embedding_cosine"]
    X = featurize(d, i, j)[:, cols]
    ref = BlockData(rows, block_ids=ids)
    for name, M in _reference(ref).items():
        ref.__dict__[name] = M  # the cached properties, filled with the reference matrices
    R = featurize(ref, i, j)[:, cols]
    assert np.array_equal(np.isnan(X), np.isnan(R))
    assert np.nanmax(np.abs(X.astype(np.float64) - R)) <= 1e-12
