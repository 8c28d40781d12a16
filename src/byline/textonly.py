"""The text-only decision: pairs whose only evidence besides the name is text.

A pair of signatures where neither coauthors, venue, year, affiliation, e-mail nor ORCID are printed on both
sides (a bare abstract against anything: pages of abstracts) is judged by the name and the text alone. The
labeled training sets hold almost no such pair, so the main classifier routes them through "missing"
branches it never learned (a missing year read as -2.1 log-odds, whatever the text). :class:`TextOnlyHead` is
a small logistic regression on the name and text columns, fitted on the text-only pairs of a derived copy of
the training data (half its signatures reduced to bare abstracts, :func:`byline.augment.some_abstract_only`),
sampled with each block's own class ratio; :meth:`byline.model.Disambiguator.predict_proba_features` uses it
for those pairs when the model has one (``Disambiguator(text_only=True)``). Pairs with any other evidence
are scored by the main classifier as before.

``shift`` (log-odds added to the head's score) says how strong a text signal such a pair needs; it is chosen
on the bare-abstract copies of dev (``benchmarks/text_only.py``), never on the training data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

# a pair with any of these columns present (not NaN) has evidence besides the name and the text
CONTEXT_COLUMNS = (
    "coauthor_overlap",
    "venue_equal",
    "year_gap",
    "affiliation_cosine",
    "email_equal",
    "orcid_equal",
)
# what the head reads
HEAD_COLUMNS = (
    "given_level",
    "middle_level",
    "full_name_equal",
    "text_cosine",
    "embedding_cosine",
    "abstract_cosine",
)
TERMS = (
    "given_full_same",
    "given_initial_only",
    "middle_agree",
    "middle_differ",
    "text",
    "text_sqrt",
    "text_missing",
    "embedding",
    "embedding_sq",
    "embedding_missing",
    "abstract",
    "abstract_missing",
)


def _col(X: np.ndarray, names: Sequence[str], name: str) -> np.ndarray:
    return np.asarray(X[:, list(names).index(name)], dtype=np.float64)


def text_only_mask(X: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Rows of ``X`` (columns ``names``) whose only evidence besides the name is text."""
    present = [c for c in CONTEXT_COLUMNS if c in names]
    if not present or len(X) == 0:
        return np.zeros(len(X), dtype=bool)
    return np.asarray(np.all(np.isnan(X[:, [list(names).index(c) for c in present]]), axis=1))


def design(X: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """The head's design matrix (:data:`TERMS`) of rows of ``X``."""
    g = _col(X, names, "given_level")
    mid = _col(X, names, "middle_level")
    text = _col(X, names, "text_cosine")
    emb = _col(X, names, "embedding_cosine")
    ab = _col(X, names, "abstract_cosine")
    cols = [
        g == 3,
        g == 1,
        mid >= 0.5,
        mid == 0,
        np.nan_to_num(text),
        np.sqrt(np.clip(np.nan_to_num(text), 0, None)),
        np.isnan(text),
        np.nan_to_num(emb),
        np.nan_to_num(emb) ** 2,
        np.isnan(emb),
        np.nan_to_num(ab),
        np.isnan(ab),
    ]
    return np.column_stack([np.asarray(c, dtype=np.float64) for c in cols])


class TextOnlyHead:
    """Logistic regression of same-person on :func:`design` of text-only pairs; ``shift`` in log-odds."""

    def __init__(self, coef: Sequence[float], intercept: float, shift: float = 0.0, n_pairs: int = 0):
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = float(intercept)
        self.shift = float(shift)
        self.n_pairs = int(n_pairs)

    @classmethod
    def fit(cls, X: np.ndarray, y: np.ndarray, names: Sequence[str], shift: float = 0.0) -> TextOnlyHead:
        """Fitted on the text-only rows of ``X`` (every row when the mask keeps none is an error)."""
        from sklearn.linear_model import LogisticRegression

        from byline._errors import InputError

        keep = text_only_mask(X, names)
        if not keep.any() or y[keep].min() == y[keep].max():
            raise InputError("text-only head: the training copy gave no text-only pairs of both classes")
        lr = LogisticRegression(C=1.0, max_iter=1000).fit(design(X[keep], names), y[keep])
        return cls(lr.coef_[0].round(6).tolist(), round(float(lr.intercept_[0]), 6), shift, int(keep.sum()))

    def logit(self, X: np.ndarray, names: Sequence[str]) -> np.ndarray:
        return np.asarray(design(X, names) @ self.coef + self.intercept + self.shift)

    def predict(self, X: np.ndarray, names: Sequence[str]) -> np.ndarray:
        """Same-person probabilities of rows of ``X`` (columns ``names``)."""
        return np.asarray(1.0 / (1.0 + np.exp(-self.logit(X, names))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "logistic",
            "terms": list(TERMS),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "shift": self.shift,
            "pairs": self.n_pairs,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TextOnlyHead:
        if d.get("kind") != "logistic" or list(d.get("terms", [])) != list(TERMS):
            raise ValueError(f"unknown text-only head {d.get('kind')!r} with terms {d.get('terms')!r}")
        return cls(d["coef"], d["intercept"], d.get("shift", 0.0), d.get("pairs", 0))


def is_bare(s: Any) -> bool:
    """A signature with nothing but a name and text: no coauthors, venue, year, affiliation, e-mail, ORCID."""
    return not (s.coauthors or s.venue or s.year is not None or s.affiliations or s.email or s.orcid)


def evidence_cannot_links(
    n: int,
    i: np.ndarray,
    j: np.ndarray,
    p: np.ndarray,
    threshold: float,
    bare: np.ndarray,
    must_link: Sequence[tuple[int, int]] = (),
    cannot_link: Sequence[tuple[int, int]] = (),
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Bare records may join a person but never join two people the other records keep apart.

    The block's signatures that carry evidence besides text (``~bare``) are clustered alone first, as if the
    bare ones were absent (same pairs, probabilities, threshold and constraints). Returned: must-links that
    keep each of those clusters whole and cannot-links between a representative of every two of them.
    Clustering the whole block with them added, a bare abstract joins the person whose works it resembles
    most, or stays apart, but a chain of bare abstracts scored on text alone can neither merge two researchers
    their coauthors tell apart nor split one. Both empty when the block has no bare signature or only bare
    ones."""
    from byline._unionfind import UnionFind
    from byline.cluster import cluster_block

    bare = np.asarray(bare, dtype=bool)
    if n < 3 or not bare.any() or bare.all():
        return [], []
    rich = np.flatnonzero(~bare)
    pos = np.full(n, -1, np.int64)
    pos[rich] = np.arange(len(rich))
    keep = ~bare[i] & ~bare[j]
    # curator must-links, closed over bare members: two rich signatures linked through a bare one stay linked
    uf: UnionFind[int] = UnionFind(range(n))
    for a, b in must_link:
        uf.union(int(a), int(b))
    first: dict[int, int] = {}
    ml = []
    for r in rich.tolist():
        root = uf.find(r)
        if root in first:
            ml.append((int(pos[first[root]]), int(pos[r])))
        else:
            first[root] = r
    cl = [(int(pos[a]), int(pos[b])) for a, b in cannot_link if pos[a] >= 0 and pos[b] >= 0]
    labels = cluster_block(len(rich), pos[i[keep]], pos[j[keep]], p[keep], threshold, ml, cl)
    reps: dict[int, int] = {}
    keep_whole = []
    for k, lab in enumerate(labels.tolist()):
        rep = reps.setdefault(lab, int(rich[k]))
        if rep != int(rich[k]):
            keep_whole.append((rep, int(rich[k])))
    # only clusters that one component of close pairs (p >= threshold, must-links) joins can ever merge
    # (average linkage never merges across a cut), so cannot-links are needed between those only
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    close = np.asarray(p) >= threshold
    ei = np.concatenate([i[close], np.array([a for a, _ in must_link], np.int64)]).astype(np.int64)
    ej = np.concatenate([j[close], np.array([b for _, b in must_link], np.int64)]).astype(np.int64)
    graph = coo_matrix((np.ones(len(ei)), (ei, ej)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    by_comp: dict[int, list[int]] = {}
    for rep in sorted(reps.values()):
        by_comp.setdefault(int(comp[rep]), []).append(rep)
    apart = [(g[a], g[b]) for g in by_comp.values() for a in range(len(g)) for b in range(a + 1, len(g))]
    return keep_whole, apart
