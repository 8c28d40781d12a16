"""Word tokens and per-block TF-IDF matrices, the text machinery of :mod:`byline.features`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain

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

    Rows that are the same list object (a work's text, shared by its authors' signatures) are mapped
    to term ids once. Term ids are given in first-seen order over the docs, so the result is the same
    bit for bit whether or not docs are shared.
    """
    n = len(docs)
    slot: dict[int, int] = {}
    uniq: list[Sequence[str]] = []
    which = np.empty(n, np.int64)
    for k, d in enumerate(docs):
        s = slot.get(id(d))
        if s is None:
            s = slot[id(d)] = len(uniq)
            uniq.append(d)
        which[k] = s
    ulen = np.fromiter(map(len, uniq), dtype=np.int64, count=len(uniq))
    tokens = list(chain.from_iterable(uniq))
    if not tokens:
        return sp.csr_matrix((n, 1), dtype=np.float64)
    vocab = dict(zip(dict.fromkeys(tokens), range(len(tokens)), strict=False))  # first-seen order
    uflat = np.fromiter(map(vocab.__getitem__, tokens), dtype=np.int64, count=len(tokens))
    lengths = ulen[which]
    if len(uniq) == n:
        flat = uflat
    else:  # gather each row's run of term ids from its distinct doc
        ustart = np.cumsum(ulen) - ulen
        rstart = np.cumsum(lengths) - lengths
        flat = uflat[
            np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(ustart[which] - rstart, lengths)
        ]
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
