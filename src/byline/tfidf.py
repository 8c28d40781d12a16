"""Word tokens and per-block TF-IDF matrices, the text machinery of :mod:`byline.features`."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from unidecode import unidecode

_WORD_RE = re.compile(r"[a-z][a-z0-9]+")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "to",
        "was",
        "were",
        "with",
        "we",
        "our",
        "this",
        "these",
        "those",
        "which",
        "using",
        "based",
        "via",
        "into",
        "their",
        "than",
        "then",
        "also",
        "can",
        "not",
        "new",
        "study",
        "analysis",
        "between",
        "under",
        "over",
        "toward",
        "towards",
    ]
)


def words(text: str | None) -> list[str]:
    """Lower-case ASCII word tokens (>= 2 chars), stop words removed."""
    if not text:
        return []
    if not text.isascii():
        text = unidecode(text)
    return [w for w in _WORD_RE.findall(text.lower()) if w not in STOPWORDS]


def _stem(w: str) -> str:
    """A light suffix strip, so "networks"/"network" and "learning"/"learned" share a token."""
    for suf in ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def tfidf_matrix(
    docs: Sequence[Sequence[str]], binary: bool = False, block_ids: np.ndarray | None = None
) -> sp.csr_matrix:
    """L2-normalized TF-IDF (smoothed idf, sublinear tf) of token lists.

    IDF is fitted per block: with ``block_ids`` (one int per doc, docs of a block contiguous), the
    document frequencies of each row come from its own block only, and each block gets its own
    columns, so ``X @ X.T`` is block-diagonal and a row's vector depends on its block alone --
    whatever other blocks share the batch. ``binary=True`` gives un-normalized 0/1 rows.
    """
    n = len(docs)
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=n)
    vocab: dict[str, int] = {}
    flat = np.fromiter(
        (vocab.setdefault(t, len(vocab)) for d in docs for t in d), dtype=np.int64, count=int(lengths.sum())
    )
    if flat.size == 0:
        return sp.csr_matrix((n, 1), dtype=np.float64)
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    bid = np.zeros(n, np.int64) if block_ids is None else np.asarray(block_ids, np.int64)
    V = len(vocab)
    # one entry per (row, term) with its count; columns are (block, term) pairs
    entry, tf = np.unique(rows * V + flat, return_counts=True)
    e_rows = entry // V
    e_term = entry % V
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
