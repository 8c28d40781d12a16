"""Blocks (signatures that could be one person by name) and candidate pairs inside a block.

A signature's block is the dataset's ``block`` when given, else :func:`byline.names.block_key`
(first initial + surname). Inside a block every pair is a candidate while the block has at most
``max_full`` signatures (default 1,000: at most ~0.5M pairs). Larger blocks are bounded:

* **sub-blocks**: signatures are grouped by their joined given name (initial-only forms by their first
  initial); all pairs inside a sub-block of at most ``sub_full`` signatures (default 400) are candidates;
* **nearest neighbours**: each signature also gets its ``k`` (default 20) most similar block-mates by a
  TF-IDF profile (coauthors, venue, title words, affiliation), found by chunked sparse products.

So a block of ``n`` signatures yields at most ``n * (sub_full / 2 + k)`` candidate pairs
(``n * 220`` by default: ~11M for a 50,000-signature block instead of 1.25 billion), linear in ``n``.
Pairs are returned as ``i < j`` index arrays, sorted and de-duplicated (deterministic).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from byline.names import block_key, parse_name
from byline.records import Signature

if TYPE_CHECKING:
    import scipy.sparse as sp

MAX_FULL = 1000
SUB_FULL = 400
KNN = 20


def block_of(sig: Signature) -> str:
    """The block a signature belongs to: the dataset's block, else first initial + surname."""
    if sig.block:
        return sig.block
    return block_key(sig.name) or f"?{sig.name.strip().lower()}"


def group_blocks(signatures: Iterable[Signature]) -> dict[str, list[Signature]]:
    """Signatures grouped by block; blocks in sorted key order, signatures in input order.

    Labeled data from several datasets may reuse block names, so the key is prefixed with the
    dataset (``"<dataset>/<block>"``) when the signature has one.
    """
    groups: dict[str, list[Signature]] = defaultdict(list)
    for s in signatures:
        key = block_of(s)
        if s.dataset:
            key = f"{s.dataset}/{key}"
        groups[key].append(s)
    return {k: groups[k] for k in sorted(groups)}


def all_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Every ``i < j`` pair of ``range(n)``, row-major."""
    i, j = np.triu_indices(n, k=1)
    return i.astype(np.int32), j.astype(np.int32)


def _sub_block_keys(sigs: Sequence[Signature]) -> list[str]:
    keys = []
    for s in sigs:
        p = parse_name(s.name)
        keys.append(p.given_joined if not p.given_is_initial else f"{p.first_initial}.")
    return keys


def _profile_matrix(sigs: Sequence[Signature]) -> sp.csr_matrix:
    """Row-normalized TF-IDF over coauthor keys, venue, title words and affiliation words."""
    from byline.features import profile_tokens
    from byline.tfidf import tfidf_matrix

    docs = [profile_tokens(s) for s in sigs]
    return tfidf_matrix(docs)


def knn_pairs(sigs: Sequence[Signature], k: int = KNN, chunk: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """Each signature's ``k`` most similar block-mates (by profile cosine), as ``i < j`` pairs."""
    n = len(sigs)
    if n < 2 or k <= 0:
        return np.empty(0, np.int32), np.empty(0, np.int32)
    X = _profile_matrix(sigs)
    XT = X.T.tocsr()
    kk = min(k, n - 1)
    rows, cols = [], []
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        sims = (X[start:stop] @ XT).toarray()
        sims[np.arange(stop - start), np.arange(start, stop)] = -1.0  # not itself
        # ties broken by index for determinism: add a tiny index-dependent epsilon
        sims -= np.arange(n)[None, :] * 1e-12
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        rows.append(np.repeat(np.arange(start, stop), kk))
        cols.append(top.ravel())
    i = np.concatenate(rows)
    j = np.concatenate(cols)
    return _canonical(i, j, n)


def _canonical(i: np.ndarray, j: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    a = np.minimum(i, j).astype(np.int64)
    b = np.maximum(i, j).astype(np.int64)
    keep = a != b
    code = np.unique(a[keep] * n + b[keep])
    return (code // n).astype(np.int32), (code % n).astype(np.int32)


def candidate_pairs(
    sigs: Sequence[Signature], max_full: int = MAX_FULL, sub_full: int = SUB_FULL, k: int = KNN
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs ``(i, j)``, ``i < j``, of one block; bounded by ``n * (sub_full / 2 + k)``."""
    n = len(sigs)
    if n <= max_full:
        return all_pairs(n)
    keys = _sub_block_keys(sigs)
    groups: dict[str, list[int]] = defaultdict(list)
    for idx, key in enumerate(keys):
        groups[key].append(idx)
    parts_i, parts_j = [], []
    for key in sorted(groups):
        members = np.asarray(groups[key], dtype=np.int32)
        if 2 <= len(members) <= sub_full:
            a, b = all_pairs(len(members))
            parts_i.append(members[a])
            parts_j.append(members[b])
    ki, kj = knn_pairs(sigs, k=k)
    parts_i.append(ki)
    parts_j.append(kj)
    return _canonical(np.concatenate(parts_i), np.concatenate(parts_j), n)
