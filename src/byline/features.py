"""Pairwise features, vectorized, from one registry.

Per block, :class:`BlockData` precomputes per-signature arrays (name codes, counts, years) and sparse
row-normalized matrices (coauthor keys, TF-IDF of titles, abstracts, venues, affiliations); a pair
feature then *gathers* from them for whole index arrays ``(i, j)`` at once -- no Python loop per pair.
TF-IDF weights are fitted on the block at hand (smoothed idf), so the step is pure per block.

The registry :data:`FEATURES` is the one source of truth: each entry is a name and the function
computing that column, and :data:`FEATURE_NAMES` is derived from it, so names and columns cannot drift.
:func:`featurize` computes every registered column; a model records the names it uses and picks those
(:data:`DEFAULT_FEATURES` for new models), so older models keep loading. Text vectors come from the shipped
static encoder (:mod:`byline.encoder`).
Missing information gives ``NaN`` (LightGBM routes it as "missing").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import Any

import numpy as np
import scipy.sparse as sp
from unidecode import unidecode

from byline.names import NameCounts, ParsedName, block_key, given_compatible, parse_name, surname_key
from byline.records import Signature
from byline.tfidf import STOPWORDS, _stem, tfidf_matrix, words  # noqa: F401  (re-exported)

# blocks up to this size get their pair dot products from one sparse block-diagonal Gram matrix
_GRAM_MAX_N = 3000


def initials_key(p: ParsedName) -> str:
    sur = surname_key(p)
    return f"{p.initials} {sur}".strip() if sur else ""


def profile_tokens(s: Signature) -> list[str]:
    """Tokens describing a signature's context, for nearest-neighbour candidate search."""
    toks = [f"c:{block_key(c)}" for c in s.coauthors]
    toks += [f"v:{w}" for w in words(s.venue)]
    toks += words(s.title)
    for a in s.affiliations:
        toks += [f"a:{w}" for w in words(a)]
    return toks


def _codes(values: Sequence[str | None]) -> np.ndarray:
    """Integer codes per distinct non-empty value (first-seen order); -1 for missing."""
    table: dict[str, int] = {}
    out = np.full(len(values), -1, dtype=np.int64)
    for k, v in enumerate(values):
        if v:
            out[k] = table.setdefault(v, len(table))
    return out


def _eq(codes: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """1.0 where equal, 0.0 where different, NaN where either is missing."""
    a, b = codes[i], codes[j]
    out = (a == b).astype(np.float32)
    out[(a < 0) | (b < 0)] = np.nan
    return np.asarray(out)


def _shared(
    values: Iterable[Any], fn: Callable[[Any], list[str]], key: Callable[[Any], Any] | None = None
) -> list[list[str]]:
    """``[fn(v) for v in values]``, calling ``fn`` once per distinct value (or ``key(v)``): equal values get
    the same list object (do not mutate it)."""
    memo: dict[Any, list[str]] = {}
    out = []
    for v in values:
        k = v if key is None else key(v)
        r = memo.get(k)
        if r is None:
            r = memo[k] = fn(v)
        out.append(r)
    return out


class BlockData:
    """Per-signature arrays and matrices of one block, computed once and gathered per pair."""

    def __init__(
        self,
        sigs: Sequence[Signature],
        name_counts: NameCounts | None = None,
        block_ids: np.ndarray | None = None,
        embeddings: np.ndarray | None = None,
    ):
        """``embeddings``: the signatures' text vectors, one row each, when already known (the store keeps
        them per work: :mod:`byline.text_vectors`); else they are encoded on first use."""
        self.sigs = list(sigs)
        self.n = len(self.sigs)
        nc = name_counts or NameCounts()
        # several blocks may share one BlockData (batching); their rows are contiguous
        self.block_id = np.zeros(self.n, np.int64) if block_ids is None else np.asarray(block_ids, np.int64)
        if self.n and np.any(np.diff(self.block_id) < 0):
            raise ValueError("block_ids must be non-decreasing (rows of a block contiguous)")
        sizes = np.bincount(self.block_id) if self.n else np.zeros(1, np.int64)
        self.block_size = sizes[self.block_id] if self.n else np.zeros(0, np.int64)
        self.block_start = (
            np.concatenate([[0], np.cumsum(sizes)])[self.block_id] if self.n else np.zeros(0, np.int64)
        )
        self.parsed: list[ParsedName] = [parse_name(s.name) for s in self.sigs]
        P = self.parsed
        self.given_code = _codes([p.given_joined if not p.given_is_initial else "" for p in P])
        self.has_given = np.array([bool(p.given) for p in P])
        self.given_full = np.array([bool(p.given) and not p.given_is_initial for p in P])
        self.first_initial = _codes([p.first_initial for p in P])
        self.mid1 = _codes([p.middle_initials[:1] for p in P])
        self.mid_all = _codes([p.middle_initials for p in P])
        self.surname = _codes([surname_key(p) for p in P])
        self.full_name = _codes([p.full if not p.given_is_initial else "" for p in P])
        # order-free name key: "Lei Wang" == "Wang Lei" (East-Asian order printed either way)
        self.name_tokens = _codes(
            [" ".join(sorted((p.given_joined, surname_key(p)))) if not p.given_is_initial else "" for p in P]
        )
        # log1p name counts (rarity); an unseen name gets its group's prior, not 0 (NameCounts.estimate)
        est = np.array([nc.estimate(p) for p in P], np.float64).reshape(-1, 4)
        logs = np.log1p(est).astype(np.float32)
        self.log_full, self.log_given, self.log_surname, self.log_first_last = (logs[:, k] for k in range(4))
        fn = self.full_name
        local = np.zeros(self.n)
        if self.n:
            _, inv, cnt = np.unique(
                self.block_id * (int(fn.max()) + 2) + fn + 1, return_inverse=True, return_counts=True
            )
            local = cnt[inv].astype(np.float64)
        self.local_full = np.where(fn >= 0, np.log1p(local), np.nan).astype(np.float32)
        self.year = np.array([np.nan if s.year is None else float(s.year) for s in self.sigs], np.float32)
        self.email = _codes([(s.email or "").strip().lower() for s in self.sigs])
        self.orcid = _codes([re.sub(r"[^0-9X]", "", (s.orcid or "").upper())[-16:] for s in self.sigs])
        self.venue_code = _codes([" ".join(words(s.venue)) for s in self.sigs])
        self.work = _codes([s.work_id for s in self.sigs])
        self.n_coauthors = np.array([len(s.coauthors) for s in self.sigs], np.float32)
        self._gram_cache: dict[str, Any] = {}
        if embeddings is not None:
            if embeddings.ndim != 2 or len(embeddings) != self.n:
                raise ValueError(f"embeddings: need one row per signature ({self.n}), got {embeddings.shape}")
            self.embeddings = np.asarray(embeddings, np.float32)

    # --- sparse matrices, built lazily -------------------------------------------------------------
    # Text is tokenized once per distinct value (a work's title and abstract are shared by the
    # signatures of its authors), words are stemmed and cut into character 4-grams once per distinct
    # word, coauthor names parsed once per distinct name. Equal values share one token list, which
    # tfidf_matrix maps to term ids once; the matrices are the same as computing every row on its own.
    @cached_property
    def _coauthor_keys(self) -> dict[str, tuple[str, str, str]]:
        """Per distinct coauthor name: its block key, initials key and full-name key ("" if none)."""
        out = {}
        for c in set(chain.from_iterable(s.coauthors for s in self.sigs)):
            p = parse_name(c)
            full = f"{p.given_joined} {surname_key(p)}" if not p.given_is_initial and p.surname else ""
            out[c] = (block_key(c), initials_key(p), full)
        return out

    def _coauthor_docs(self, kind: int, own: Sequence[str]) -> list[list[str]]:
        keys = self._coauthor_keys
        return [sorted({keys[c][kind] for c in s.coauthors} - {own[k], ""}) for k, s in enumerate(self.sigs)]

    @cached_property
    def coauthors(self) -> sp.csr_matrix:
        own = [block_key(p) for p in self.parsed]
        docs = self._coauthor_docs(0, own)
        return tfidf_matrix(docs, binary=True, block_ids=self.block_id)  # 0/1: dot = overlap count

    @cached_property
    def embeddings(self) -> np.ndarray:
        """One L2-normalized text vector per signature (zero row: no text), from the shipped encoder (or as
        given to the constructor)."""
        from byline.encoder import default_encoder

        return default_encoder().encode_signatures(self.sigs)

    @cached_property
    def coauthors_initials(self) -> sp.csr_matrix:
        """Coauthors keyed by surname + all initials ("radhika ag"): finer than the block key."""
        own = [initials_key(p) for p in self.parsed]
        return tfidf_matrix(self._coauthor_docs(1, own), binary=True, block_ids=self.block_id)

    @cached_property
    def coauthors_full(self) -> sp.csr_matrix:
        """Coauthors printed with a full given name, keyed by that full name ("seungwon hwang")."""
        docs = self._coauthor_docs(2, [""] * self.n)
        return tfidf_matrix(docs, binary=True, block_ids=self.block_id)

    @cached_property
    def title_chars(self) -> sp.csr_matrix:
        tw = self._title_words
        grams = {}
        for w in set(chain.from_iterable(tw)):
            w2 = f" {w} "
            grams[w] = [w2[k : k + 4] for k in range(len(w2) - 3)]
        docs = _shared(tw, lambda ws: list(chain.from_iterable(map(grams.__getitem__, ws))), key=id)
        return tfidf_matrix(docs, block_ids=self.block_id)

    @cached_property
    def text_all(self) -> sp.csr_matrix:
        tw, aw, kw = self._title_words, self._abstract_words, self._keyword_tokens
        stem = {w: _stem(w) for w in set(chain.from_iterable(tw)).union(chain.from_iterable(aw))}
        docs = _shared(
            range(self.n),
            lambda k: [stem[w] for w in tw[k]] + [stem[w] for w in aw[k]] + [f"k:{x}" for x in kw[k]],
            key=lambda k: (id(tw[k]), id(aw[k]), id(kw[k])),
        )
        return tfidf_matrix(docs, block_ids=self.block_id)

    @cached_property
    def coauthor_counts(self) -> np.ndarray:
        return np.asarray(np.diff(self.coauthors.indptr).astype(np.float32))

    @cached_property
    def _title_words(self) -> list[list[str]]:
        return _shared([s.title for s in self.sigs], words)

    @cached_property
    def _abstract_words(self) -> list[list[str]]:
        return _shared([s.abstract for s in self.sigs], words)

    @cached_property
    def _keyword_tokens(self) -> list[list[str]]:
        norm = {k: unidecode(k).lower().strip() for s in self.sigs for k in s.keywords}
        return _shared([tuple(s.keywords) for s in self.sigs], lambda ks: [norm[k] for k in ks])

    @cached_property
    def title(self) -> sp.csr_matrix:
        return tfidf_matrix(self._title_words, block_ids=self.block_id)

    @cached_property
    def abstract(self) -> sp.csr_matrix:
        return tfidf_matrix(self._abstract_words, block_ids=self.block_id)

    @cached_property
    def venue(self) -> sp.csr_matrix:
        return tfidf_matrix(_shared([s.venue for s in self.sigs], words), block_ids=self.block_id)

    @cached_property
    def affiliation(self) -> sp.csr_matrix:
        docs = _shared(
            [tuple(s.affiliations) for s in self.sigs], lambda affs: [w for a in affs for w in words(a)]
        )
        return tfidf_matrix(docs, block_ids=self.block_id)

    @cached_property
    def keywords(self) -> sp.csr_matrix:
        return tfidf_matrix(self._keyword_tokens, block_ids=self.block_id)

    def present(self, name: str) -> np.ndarray:
        X: sp.csr_matrix = getattr(self, name)
        return np.asarray(np.diff(X.indptr) > 0)

    def dot(self, name: str, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Row dot products ``X[i] . X[j]`` of one matrix (cosine for the normalized ones).

        Pairs must lie inside one block. Columns are block-specific, so ``X @ X.T`` over the blocks
        of at most ``_GRAM_MAX_N`` rows is block-diagonal: it is computed once and gathered; pairs of
        bigger blocks (sparse candidate pairs) are multiplied row by row in chunks.
        """
        X: sp.csr_matrix = getattr(self, name)
        out = np.empty(len(i), np.float32)
        if len(i) == 0:
            return out
        small = self.block_size[i] <= _GRAM_MAX_N
        if small.any():
            G = self._gram_cache.get(name)
            if G is None:
                keep = (self.block_size <= _GRAM_MAX_N).astype(np.float64)
                Xs = sp.csr_matrix(sp.diags(keep) @ X) if not keep.all() else X
                G = (Xs @ Xs.T).tocsr()
                G.sort_indices()
                self._gram_cache[name] = G
            si = np.flatnonzero(small)
            out[si] = np.asarray(G[i[si], j[si]]).ravel()
        idx = np.flatnonzero(~small)
        step = 200_000
        for s0 in range(0, len(idx), step):
            sel = idx[s0 : s0 + step]
            out[sel] = np.asarray(X[i[sel]].multiply(X[j[sel]]).sum(axis=1)).ravel()
        return out

    def cosine(self, name: str, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        out = self.dot(name, i, j)
        has = self.present(name)
        out[~(has[i] & has[j])] = np.nan
        return out

    # --- name comparisons ---------------------------------------------------------------------------
    def given_level(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """3 same given name, 2 prefix ("alex"/"alexander"), 1 initial agrees, 0 initials differ,
        -1 incompatible full given names ("lei"/"li"), NaN when either has no given name."""
        out = np.full(len(i), np.nan, np.float32)
        both = self.has_given[i] & self.has_given[j]
        fi_same = self.first_initial[i] == self.first_initial[j]
        full_both = self.given_full[i] & self.given_full[j]
        out[both & ~fi_same] = 0
        out[both & fi_same & ~full_both] = 1
        same = full_both & (self.given_code[i] == self.given_code[j])
        out[same] = 3
        rest = np.flatnonzero(full_both & fi_same & ~same)
        if rest.size:
            ga, gb = self.given_code[i[rest]], self.given_code[j[rest]]
            combo = ga * (int(self.given_code.max()) + 1) + gb
            uniq, first_idx, inv = np.unique(combo, return_index=True, return_inverse=True)
            levels = np.empty(len(uniq), np.float32)
            for u, r in enumerate(first_idx):
                pa, pb = self.parsed[int(i[rest[r]])], self.parsed[int(j[rest[r]])]
                levels[u] = 2.0 if given_compatible(pa, pb) else -1.0
            out[rest] = levels[inv]
        return out

    def middle_conflict(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Both names print a full given name and a middle initial, the first initials agree and the middle
        ones differ: "Mark P. Jones" / "Mark T. Jones" (two people, whatever else they share). Initials-only
        names ("Jones MP" / "Jones MT", MEDLINE) are left out: their middle initials vary with data entry."""
        a, b = self.mid1[i], self.mid1[j]
        out = (a >= 0) & (b >= 0) & (a != b) & (self.first_initial[i] == self.first_initial[j])
        if MIDDLE_CONFLICT_FULL_ONLY:
            out &= self.given_full[i] & self.given_full[j]
        return np.asarray(out)

    def middle_level(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """1 same middle initials, 0.5 same first middle initial, 0 different, NaN if either has none."""
        a, b = self.mid_all[i], self.mid_all[j]
        out = np.where(a == b, 1.0, np.where(self.mid1[i] == self.mid1[j], 0.5, 0.0)).astype(np.float32)
        out[(a < 0) | (b < 0)] = np.nan
        return out


# --- the registry -----------------------------------------------------------------------------------
FeatureFn = Callable[[BlockData, np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Feature:
    name: str
    fn: FeatureFn
    doc: str = ""
    default: bool = True  # used by newly trained models (else kept only so older models still load)


FEATURES: list[Feature] = []


def feature(name: str, doc: str = "", default: bool = True) -> Callable[[FeatureFn], FeatureFn]:
    """Register a pair feature; columns appear in registration order."""

    def deco(fn: FeatureFn) -> FeatureFn:
        if any(f.name == name for f in FEATURES):
            raise ValueError(f"duplicate feature name {name!r}")
        FEATURES.append(Feature(name, fn, doc or (fn.__doc__ or "").strip(), default))
        return fn

    return deco


def _nan_if(x: np.ndarray, missing: np.ndarray) -> np.ndarray:
    x = x.astype(np.float32, copy=True)
    x[missing] = np.nan
    return x


@feature(
    "given_level",
    "given-name agreement: 3 same, 2 prefix, 1 initial only, 0 initials differ, -1 incompatible",
)
def _f_given(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return d.given_level(i, j)


@feature("middle_level", "middle initials: 1 same, 0.5 first agrees, 0 differ")
def _f_middle(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return d.middle_level(i, j)


@feature("surname_equal")
def _f_surname(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return _eq(d.surname, i, j)


@feature("full_name_equal")
def _f_full(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return _eq(d.full_name, i, j)


@feature("name_tokens_equal", "same full name in either order (given/surname swapped)")
def _f_tokens(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return _eq(d.name_tokens, i, j)


# --- legacy columns: computed so models of earlier releases still load and score the same; new models
# leave them out (on real labeled data, counts of training names and block sizes did not generalize:
# docs/model.md "Features")
@feature("name_count_full_min", "log1p count of the full name (rarer of the two)", default=False)
def _f_cfull_min(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(np.fmin(d.log_full[i], d.log_full[j]))


@feature("name_count_full_max", default=False)
def _f_cfull_max(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(np.fmax(d.log_full[i], d.log_full[j]))


@feature("name_count_given_min", default=False)
def _f_cgiven(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(np.fmin(d.log_given[i], d.log_given[j]))


@feature("name_count_surname", default=False)
def _f_csur(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(np.fmin(d.log_surname[i], d.log_surname[j]))


@feature(
    "name_count_first_last",
    "log1p count of first initial + surname (how crowded the block key is)",
    default=False,
)
def _f_cfl(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(np.fmin(d.log_first_last[i], d.log_first_last[j]))


@feature("block_size_log", default=False)
def _f_bsize(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(np.log1p(d.block_size[i]).astype(np.float32))


@feature("local_full_count_max", "log1p count of the full name inside this block", default=False)
def _f_local(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(np.fmax(d.local_full[i], d.local_full[j]))


@feature("coauthor_overlap")
def _f_co_n(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    c = d.coauthor_counts
    return _nan_if(d.dot("coauthors", i, j), (c[i] == 0) | (c[j] == 0))


@feature("coauthor_jaccard")
def _f_co_j(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    c = d.coauthor_counts
    inter = d.dot("coauthors", i, j)
    union = c[i] + c[j] - inter
    return _nan_if(inter / np.maximum(union, 1), (c[i] == 0) | (c[j] == 0))


@feature("coauthor_overlap_initials", "coauthors sharing surname and all initials")
def _f_co_init(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    c = d.coauthor_counts
    return _nan_if(d.dot("coauthors_initials", i, j), (c[i] == 0) | (c[j] == 0))


@feature("coauthor_overlap_full", "coauthors sharing a full printed name")
def _f_co_full(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    X = d.coauthors_full
    c = np.diff(X.indptr)
    return _nan_if(d.dot("coauthors_full", i, j), (c[i] == 0) | (c[j] == 0))


@feature("title_char_cosine", "character 4-gram TF-IDF of titles")
def _f_title_chars(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return d.cosine("title_chars", i, j)


@feature("text_cosine", "title + abstract + keywords, stemmed, one TF-IDF")
def _f_text(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return d.cosine("text_all", i, j)


@feature("embedding_cosine", "cosine of the signatures' text embeddings")
def _f_emb(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    E = d.embeddings
    out = np.einsum("ij,ij->i", E[i], E[j]).astype(np.float32)
    has = np.abs(E).sum(axis=1) > 0
    out[~(has[i] & has[j])] = np.nan
    return np.asarray(out)


@feature("n_authors_max", "largest author list of the two (big collaborations share coauthors by chance)")
def _f_nauth(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(np.maximum(d.n_coauthors[i], d.n_coauthors[j]) + 1)


@feature("venue_equal")
def _f_venue_eq(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return _eq(d.venue_code, i, j)


@feature("venue_cosine")
def _f_venue(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return d.cosine("venue", i, j)


@feature("year_gap")
def _f_year(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(np.abs(d.year[i] - d.year[j]))


@feature("affiliation_cosine")
def _f_aff(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return d.cosine("affiliation", i, j)


@feature("email_equal")
def _f_email(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return _eq(d.email, i, j)


@feature("orcid_equal")
def _f_orcid(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return _eq(d.orcid, i, j)


@feature("title_cosine")
def _f_title(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return d.cosine("title", i, j)


@feature("abstract_cosine")
def _f_abstract(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return d.cosine("abstract", i, j)


@feature("keyword_cosine")
def _f_kw(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return d.cosine("keywords", i, j)


@feature("same_work", "both signatures on one paper (then they are different people)")
def _f_same_work(d: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return _eq(d.work, i, j)


FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
# the columns a newly trained model uses; a model records its own list, and scoring picks those columns
DEFAULT_FEATURES: tuple[str, ...] = tuple(f.name for f in FEATURES if f.default)
# columns computed from the shipped text encoder (a model using them records the encoder's checksum)
ENCODER_FEATURES = frozenset({"embedding_cosine"})


def featurize(data: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The ``len(i) x len(FEATURES)`` float32 feature matrix of pairs ``(i[k], j[k])`` of one block."""
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    X = np.empty((len(i), len(FEATURES)), dtype=np.float32)
    for col, f in enumerate(FEATURES):
        X[:, col] = f.fn(data, i, j)
    return X


# conflicting middle initials ("Mark P. Jones" / "Mark T. Jones") are a cannot-link too
MIDDLE_CANNOT_LINK = True
# ... only between names that print a full given name (measured: with initials-only names too, pubmed dev B3
# 0.917 but the audit's flag precision on the IND benchmark fell 0.906 -> 0.893; see docs/model.md)
MIDDLE_CONFLICT_FULL_ONLY = True


def cannot_link_mask(data: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Pairs that can never be one person: incompatible full given names, or two positions on one paper."""
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    lvl = data.given_level(i, j)
    same_work = (data.work[i] == data.work[j]) & (data.work[i] >= 0)
    out = (lvl == -1) | same_work
    if MIDDLE_CANNOT_LINK:
        out |= data.middle_conflict(i, j)
    return np.asarray(out)
