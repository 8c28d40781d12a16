"""The :class:`Disambiguator`: a LightGBM pairwise classifier + constrained clustering, sklearn style.

``fit`` samples candidate pairs inside labeled training blocks, trains LightGBM on part of the blocks,
calibrates its scores with isotonic regression on the held-out blocks, and picks the clustering
threshold that maximizes B3 F1 on ``dev`` (or, without dev, on the held-out training blocks).

Model folder (``save``/``load``): ``model.txt`` (LightGBM's own text format) and ``byline-model.json``
(format version, feature names, threshold, calibration arrays, name counts, parameters, training data
description). Nothing is pickled.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from byline._errors import InputError, ModelError, NotFittedError
from byline.block import MAX_FULL
from byline.merge import original_block_key
from byline.model_io import META_FILE, _lightgbm

if TYPE_CHECKING:  # pragma: no cover
    from byline.textonly import TextOnlyHead
from byline.names import NameCounts
from byline.records import Signature

if TYPE_CHECKING:  # pragma: no cover
    from byline.audit_fit import AuditFit

THRESHOLD_GRID = tuple(round(x, 3) for x in np.arange(0.05, 0.951, 0.025))


def _block_hash(key: str) -> int:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16)


class Disambiguator:
    """Author name disambiguation model.

    Parameters (stored as given; validated in :meth:`_validate_params` at ``fit``):
        threshold: same-person probability above which clusters merge; ``None`` = choose on dev.
        random_state: seed of pair sampling and LightGBM.
        n_estimators, learning_rate, num_leaves, min_child_samples: LightGBM settings.
        max_pairs_per_block: training pairs sampled per block.
        balanced_sampling: sample a capped block's pairs half positive / half negative (else uniformly,
            keeping the block's own class ratio).
        augment: derived copies of the training signatures to learn from too (:mod:`byline.augment`):
            "initials" (given names cut to initials), "sparse" (no abstract, keywords, affiliation,
            e-mail), "abstract-only" (bare abstracts), "some-abstract-only" (half of them bare abstracts),
            "hard" (all at once: initials, stemmed titles, sparse), "initials-undated" / "sparse-undated"
            (those copies with the year also dropped from half the signatures of either class, so a
            missing year says nothing about the pair).
        text_only: also fit a :class:`byline.textonly.TextOnlyHead` that scores the pairs whose only
            evidence besides the name is text (bare abstracts), on a training copy with half the signatures
            reduced to bare abstracts; ``text_only_shift`` (log-odds) is added to its score.
        calibration_folds: the calibration (isotonic) is fitted on out-of-fold scores: training blocks are
            split into this many folds, a model per fold scores the fold it did not see; the shipped
            classifier itself is trained on every block.
        max_block_full, knn: candidate-pair bounds for large blocks (see :mod:`byline.block`).
        name_constraints: incompatible given names and same-paper pairs are cannot-links.
        n_jobs: LightGBM threads (1: engines run one process per core; OpenMP oversubscription is slow).
        second_stage: also train the cluster-merge second stage (:mod:`byline.merge`) on out-of-fold
            first-stage clusters of the training blocks; its threshold is chosen on dev with the clustering
            threshold.
    """

    # learned state (set by fit or load)
    calibration_: tuple[np.ndarray, np.ndarray] | None
    text_only_head_: TextOnlyHead | None
    training_info_: dict[str, Any]
    audit_fit_: AuditFit | None = None  # the audit's learned profile fit (byline.audit_fit), set by load

    def __init__(
        self,
        threshold: float | None = None,
        random_state: int = 0,
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_child_samples: int = 50,
        max_pairs_per_block: int = 20_000,
        calibration_folds: int = 4,
        max_block_full: int = MAX_FULL,
        knn: int = 20,
        name_constraints: bool = True,
        balanced_sampling: bool = True,
        augment: tuple[str, ...] = ("initials", "sparse"),
        n_jobs: int = 1,
        second_stage: bool = True,
        text_only: bool = False,
        text_only_shift: float = 0.0,
    ):
        self.threshold = threshold
        self.random_state = random_state
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.max_pairs_per_block = max_pairs_per_block
        self.calibration_folds = calibration_folds
        self.max_block_full = max_block_full
        self.knn = knn
        self.name_constraints = name_constraints
        self.balanced_sampling = balanced_sampling
        self.augment = augment
        self.n_jobs = n_jobs
        self.second_stage = second_stage
        self.text_only = text_only
        self.text_only_shift = text_only_shift

    # --- sklearn-style plumbing -----------------------------------------------------------------------
    _PARAMS = (
        "threshold",
        "random_state",
        "n_estimators",
        "learning_rate",
        "num_leaves",
        "min_child_samples",
        "max_pairs_per_block",
        "calibration_folds",
        "max_block_full",
        "knn",
        "name_constraints",
        "balanced_sampling",
        "augment",
        "n_jobs",
        "second_stage",
        "text_only",
        "text_only_shift",
    )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self._PARAMS}

    def set_params(self, **params: Any) -> Disambiguator:
        for k, v in params.items():
            if k not in self._PARAMS:
                raise ValueError(f"unknown parameter {k!r}")
            setattr(self, k, v)
        return self

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.get_params().items() if v != type(self)().get_params()[k]}
        return f"Disambiguator({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    def _validate_params(self) -> None:
        def check(ok: bool, msg: str) -> None:
            if not ok:
                raise ValueError(f"Disambiguator: {msg}")

        t = self.threshold
        check(
            t is None or (isinstance(t, int | float) and 0.0 < t < 1.0),
            f"threshold must be in (0, 1), got {t!r}",
        )
        check(isinstance(self.random_state, int), "random_state must be an int")
        for name in (
            "n_estimators",
            "num_leaves",
            "min_child_samples",
            "max_pairs_per_block",
            "max_block_full",
            "n_jobs",
        ):
            v = getattr(self, name)
            check(
                isinstance(v, int) and not isinstance(v, bool) and v >= 1,
                f"{name} must be a positive int, got {v!r}",
            )
        check(isinstance(self.knn, int) and self.knn >= 0, "knn must be an int >= 0")
        check(isinstance(self.text_only, bool), f"text_only must be a bool, got {self.text_only!r}")
        check(
            isinstance(self.text_only_shift, int | float) and np.isfinite(self.text_only_shift),
            f"text_only_shift must be a finite number, got {self.text_only_shift!r}",
        )
        check(0.0 < float(self.learning_rate) <= 1.0, "learning_rate must be in (0, 1]")
        from byline.augment import KINDS

        aug = self.augment
        check(
            isinstance(aug, tuple | list) and all(a in KINDS for a in aug),
            f"augment must be a tuple of {', '.join(KINDS)}, got {aug!r}",
        )
        c = self.calibration_folds
        check(
            isinstance(c, int) and not isinstance(c, bool) and c >= 2,
            f"calibration_folds must be an int >= 2, got {c!r}",
        )

    def _check_fitted(self) -> None:
        if not hasattr(self, "booster_"):
            raise NotFittedError(
                "this Disambiguator is not fitted yet: call fit() or Disambiguator.load() first"
            )

    # --- training -------------------------------------------------------------------------------------
    def _columns(self) -> np.ndarray:
        """Indices of this model's features among every computed column (:data:`FEATURE_NAMES`)."""
        from byline.features import FEATURE_NAMES

        index = {n: k for k, n in enumerate(FEATURE_NAMES)}
        return np.array([index[n] for n in self.feature_names_], np.int64)

    def _training_pairs(
        self, blocks: dict[str, list[Signature]], rng: np.random.Generator, all_columns: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Features (this model's columns, or every computed one), labels and block hashes of sampled
        candidate pairs of labeled blocks (batched)."""
        from byline.block import candidate_pairs
        from byline.features import BlockData, featurize
        from byline.pipeline import batches

        Xs, ys, gs = [], [], []
        labeled_blocks = {}
        for key, sigs in blocks.items():
            labeled = [s for s in sigs if s.person is not None]
            if len(labeled) >= 2:
                labeled_blocks[key] = labeled
        # one run per dataset, as at prediction: name counts combined with that dataset's (for_data)
        by_ds: dict[str, dict[str, list[Signature]]] = {}
        for key, labeled in labeled_blocks.items():
            by_ds.setdefault(labeled[0].dataset or "data", {})[key] = labeled
        runs = [
            (ds_name, self._counts_for(sorted(s.name for v in part.values() for s in v)), batch)
            for ds_name, part in sorted(by_ds.items())
            for batch in batches(part)
        ]
        for _ds, counts, batch in runs:
            rows: list[Signature] = []
            bids, gi, gj = [], [], []
            for k, (key, labeled) in enumerate(batch):
                i, j = candidate_pairs(labeled, max_full=self.max_block_full, k=self.knn)
                person = np.array([hash_label(s.person or "") for s in labeled])
                y = (person[i] == person[j]).astype(np.int8)
                cap = self.max_pairs_per_block
                if len(i) > cap and not self.balanced_sampling:
                    sel = np.sort(rng.choice(len(i), cap, replace=False))
                    i, j, y = i[sel], j[sel], y[sel]
                elif len(i) > cap:
                    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
                    half = cap // 2
                    take_pos = pos if len(pos) <= half else rng.choice(pos, half, replace=False)
                    n_neg = cap - len(take_pos)
                    take_neg = neg if len(neg) <= n_neg else rng.choice(neg, n_neg, replace=False)
                    sel = np.sort(np.concatenate([take_pos, take_neg]))
                    i, j, y = i[sel], j[sel], y[sel]
                off = len(rows)
                rows.extend(labeled)
                bids.append(np.full(len(labeled), k, np.int64))
                gi.append(i.astype(np.int64) + off)
                gj.append(j.astype(np.int64) + off)
                ys.append(y)
                gs.append(np.full(len(y), _block_hash(original_block_key(key)), np.int64))
            data = BlockData(rows, counts, np.concatenate(bids))
            Xs.append(featurize(data, np.concatenate(gi), np.concatenate(gj)))
        if not Xs or sum(len(y) for y in ys) == 0:
            raise InputError("no labeled pairs to train on: need blocks with at least two labeled signatures")
        X = np.vstack(Xs) if all_columns else np.vstack(Xs)[:, self._columns()]
        return X, np.concatenate(ys), np.concatenate(gs)

    def fit(self, signatures: Sequence[Signature], dev: Sequence[Signature] | None = None) -> Disambiguator:
        """Train on labeled signatures (every block); choose the clustering threshold on ``dev``."""
        from byline.block import group_blocks
        from byline.features import DEFAULT_FEATURES
        from byline.names import NameCounts

        self._validate_params()
        signatures = list(signatures)
        if not signatures:
            raise InputError("fit needs at least one signature")
        rng = np.random.default_rng(self.random_state)
        originals = signatures
        self.name_counts_ = NameCounts().fit(s.name for s in signatures)
        if self.augment:  # derived copies: initials-only names, sparse records (byline.augment)
            from byline.augment import augmented

            signatures = augmented(signatures, tuple(self.augment))
        blocks = group_blocks(signatures)
        self.feature_names_ = tuple(DEFAULT_FEATURES)
        X, y, groups = self._training_pairs(blocks, rng)
        if y.min() == y.max():
            raise InputError(
                "training pairs are all of one class: need both same-person and different-person pairs"
            )
        self.booster_ = self._train_booster(X, y)
        # isotonic calibration on out-of-fold scores: each fold scored by a model that never saw its blocks
        # (a block and its derived copies share a fold: original_block_key)
        folds = int(self.calibration_folds)
        fold = groups % folds
        oof = np.empty(len(y), np.float64)
        fold_boosters: list[Any] = []
        for f in range(folds):
            held = fold == f
            if not held.any() or held.all() or y[~held].min() == y[~held].max():
                fold_boosters.append(self.booster_)
                oof[held] = self._raw(X[held])
                continue
            fold_boosters.append(self._train_booster(X[~held], y[~held]))
            oof[held] = self._raw(X[held], fold_boosters[-1])
        self.calibration_ = _fit_isotonic(oof, y)
        self.merge_booster_: Any = None
        self.merge_threshold_: float | None = None
        self.merge_scores_: dict[str, float] = {}
        if self.second_stage:
            from byline.tuning import fit_merge

            self.merge_booster_ = fit_merge(
                self, originals, fold_boosters, lambda k: _block_hash(original_block_key(k)) % folds
            )
        del fold_boosters
        self.text_only_head_ = self._fit_text_only(originals, rng) if self.text_only else None
        self.n_train_pairs_ = int(len(y))
        self.n_train_signatures_ = len(signatures)
        self.train_datasets_ = sorted({s.dataset or "data" for s in signatures})
        # threshold
        if self.threshold is not None:
            self.threshold_ = float(self.threshold)
            self.threshold_source_ = "param"
            self.threshold_scores_: dict[float, float] = {}
        else:
            tune = list(dev) if dev else []
            self.threshold_source_ = "dev"
            if not tune:
                self.threshold_, self.threshold_scores_ = 0.5, {}
                self.threshold_source_ = "default"
            else:
                self.threshold_, self.threshold_scores_ = choose_threshold(self, tune)
        if self.merge_booster_ is not None and self.threshold is None and self.threshold_source_ == "dev":
            from byline.tuning import choose_merge

            self.threshold_, self.merge_threshold_, self.merge_scores_ = choose_merge(self, list(dev or []))
        elif self.merge_booster_ is not None:
            from byline.merge import MERGE_GRID

            self.merge_threshold_ = MERGE_GRID[1]  # no dev to choose on: a middle value
        return self

    def _fit_text_only(self, originals: Sequence[Signature], rng: np.random.Generator) -> TextOnlyHead:
        """The text-only head (:mod:`byline.textonly`), fitted on the text-only pairs of a copy of the
        training signatures with half of them reduced to bare abstracts, each block's class ratio kept."""
        import copy

        from byline.augment import derive
        from byline.block import group_blocks
        from byline.features import FEATURE_NAMES
        from byline.textonly import TextOnlyHead

        sampler = copy.copy(self)
        sampler.balanced_sampling = False
        blocks = group_blocks(derive(originals, "some-abstract-only"))
        X, y, _ = sampler._training_pairs(blocks, rng, all_columns=True)
        return TextOnlyHead.fit(X, y, FEATURE_NAMES, shift=float(self.text_only_shift))

    def _with_text_only(self, X: np.ndarray | None, p: np.ndarray) -> np.ndarray:
        """``p`` with the text-only pairs' scores from the text-only head (when the model has one).

        ``X`` has every computed column (then the head reads the columns it needs that the classifier
        leaves out) or exactly this model's columns (then those read as missing)."""
        head = getattr(self, "text_only_head_", None)
        if head is None or X is None:
            return p
        from byline.features import FEATURE_NAMES
        from byline.textonly import text_only_mask

        names = FEATURE_NAMES if X.shape[1] == len(FEATURE_NAMES) else self.feature_names_
        m = text_only_mask(X, names)
        if m.any():
            p = np.array(p, dtype=np.float64)
            p[m] = head.predict(X[m], names)
        return p

    def _train_booster(self, X: np.ndarray, y: np.ndarray) -> Any:
        lgb = _lightgbm()

        params = {
            "objective": "binary",
            "learning_rate": float(self.learning_rate),
            "num_leaves": int(self.num_leaves),
            "min_data_in_leaf": int(self.min_child_samples),
            "feature_fraction": 0.9,
            "bagging_fraction": 0.8,
            "bagging_freq": 1,
            "lambda_l2": 1.0,
            "seed": int(self.random_state),
            "deterministic": True,
            "force_col_wise": True,
            "num_threads": int(self.n_jobs),
            "verbose": -1,
        }
        ds = lgb.Dataset(X, label=y, feature_name=list(self.feature_names_), free_raw_data=True)
        return lgb.train(params, ds, num_boost_round=int(self.n_estimators))

    # --- scoring --------------------------------------------------------------------------------------
    def _raw(self, X: np.ndarray, booster: Any = None) -> np.ndarray:
        b = self.booster_ if booster is None else booster
        return np.asarray(b.predict(X, num_threads=int(self.n_jobs)), dtype=np.float64)

    def predict_proba_features(self, X: np.ndarray) -> np.ndarray:
        """Calibrated same-person probabilities for a feature matrix.

        ``X`` has every computed column (:data:`byline.features.FEATURE_NAMES`, as :func:`featurize`
        gives it) or exactly this model's columns (``feature_names_``).
        """
        return self.calibrate(self._raw(self.model_columns(X)), X)

    def calibrate(self, raw: np.ndarray, X: np.ndarray | None = None) -> np.ndarray:
        """Calibrated probabilities of the classifier's raw scores (:meth:`raw_scores`): the isotonic
        map, identity without calibration; what :meth:`predict_proba_features` gives, without predicting
        again. With the pairs' feature matrix ``X``, text-only pairs take the text-only head's score."""
        raw = np.asarray(raw, dtype=np.float64)
        if self.calibration_ is None:
            return self._with_text_only(X, raw)
        xs, ys = self.calibration_
        cal = np.interp(raw, xs, ys)
        # keep a sliver of the raw order so isotonic plateaus do not create ties
        return self._with_text_only(X, np.asarray(0.999 * cal + 0.001 * raw))

    def model_columns(self, X: np.ndarray) -> np.ndarray:
        """This model's columns of a :func:`~byline.features.featurize` matrix (which has every column)."""
        from byline.features import FEATURE_NAMES

        self._check_fitted()
        if X.shape[1] == len(FEATURE_NAMES) and tuple(self.feature_names_) != FEATURE_NAMES:
            return X[:, self._columns()]
        return X

    def raw_scores(self, X: np.ndarray) -> np.ndarray:
        """The classifier's uncalibrated scores for a :func:`~byline.features.featurize` matrix (the booster
        compiled by :mod:`byline.fastpredict` when ``lleaves`` is installed: equal to rounding); text-only
        pairs take the text-only head's score."""
        from byline.fastpredict import predict

        return self._with_text_only(X, predict(self.booster_, self.model_columns(X), int(self.n_jobs)))

    def contributions(self, X: np.ndarray) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray]:
        """Per pair: this model's feature names, their values, their contributions (SHAP, log-odds) and
        the bias (the last column LightGBM gives)."""
        Xm = self.model_columns(X)
        contrib = np.asarray(self.booster_.predict(Xm, pred_contrib=True, num_threads=int(self.n_jobs)))
        return tuple(self.feature_names_), Xm, contrib[:, :-1], contrib[:, -1]

    def score_pairs(self, signatures: Sequence[Signature], pairs: Sequence[tuple[int, int]]) -> np.ndarray:
        """Probabilities for index pairs of ``signatures`` (treated as one block)."""
        from byline.features import BlockData, featurize

        self._check_fitted()
        data = BlockData(signatures, self.name_counts_)
        arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        return self.predict_proba_features(featurize(data, arr[:, 0], arr[:, 1]))

    def _counts_for(self, names: Sequence[str]) -> NameCounts:
        from byline.names import NameCounts

        return self.name_counts_.combined(NameCounts().fit(names))

    def for_data(self, signatures: Sequence[Signature]) -> Disambiguator:
        """A shallow copy whose name counts also reflect the signatures at hand (:meth:`NameCounts.combined`).

        :func:`byline.pipeline.run` and the threshold choice call it once per run / dataset, so a name is
        judged by the larger of its training and its local frequency; scores stay independent of batching.
        A model that uses no name-count column (every model trained by this release) is returned as is.
        """
        import copy

        self._check_fitted()
        if not any(n.startswith("name_count") for n in self.feature_names_):
            return self
        out = copy.copy(self)
        out.name_counts_ = self._counts_for([s.name for s in signatures])
        return out

    def predict(self, signatures: Sequence[Signature], constraints: Any = None) -> dict[str, str]:
        """Cluster key per signature id (see :func:`byline.pipeline.run`)."""
        from byline.pipeline import run

        self._check_fitted()
        return run(signatures, self, constraints=constraints).clusters

    # --- persistence (byline.model_io) ---------------------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        """The ``byline-model.json`` content (see :mod:`byline.model_io`)."""
        from byline.model_io import metadata

        return metadata(self)

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write ``model.txt`` + ``byline-model.json`` into ``directory`` (atomically per file)."""
        from byline.model_io import save

        return save(self, directory)

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> Disambiguator:
        """Read a model folder written by :meth:`save`; a bad folder raises :class:`ModelError`."""
        from byline.model_io import load

        return load(cls, directory)

    @classmethod
    def load_default(cls) -> Disambiguator:
        """The shipped default model (``src/byline/models/default``, rebuilt by ``make model``).

        The one loader of the shipped model: the CLI, the server, the store access layer and the
        benchmarks all call it. A missing folder raises :class:`ModelError` naming it.
        """
        from byline.model_io import default_model_dir, load

        d = default_model_dir()
        if not (d / META_FILE).is_file():
            raise ModelError(f"the shipped default model is missing at {d}; rebuild it with `make model`")
        return load(cls, d)


def hash_label(x: str) -> int:
    return int(hashlib.blake2b(str(x).encode("utf-8"), digest_size=8).hexdigest(), 16) >> 1


def _fit_isotonic(raw: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, y)
    xs = np.asarray(iso.X_thresholds_, float)
    ys = np.asarray(iso.y_thresholds_, float)
    if len(xs) > 400:  # keep the metadata small: subsample the breakpoints (still monotone)
        idx = np.unique(np.linspace(0, len(xs) - 1, 400).round().astype(int))
        xs, ys = xs[idx], ys[idx]
    return xs, ys


def choose_threshold(
    model: Disambiguator, signatures: Sequence[Signature]
) -> tuple[float, dict[float, float]]:
    """The grid threshold with the best mean (over datasets) B3 F1 on labeled ``signatures``."""
    from byline.evaluate import b3_precision_recall_fscore, labels_to_clusters
    from byline.pipeline import _cluster_keys
    from byline.tuning import score_labeled

    scored, by_ds = score_labeled(model, signatures)
    from byline.cluster import block_linkage, labels_at, unscored_weight

    # a block not scored in full (above max_block_full) is clustered per threshold, as the pipeline does
    weights = [unscored_weight(len(res.ids), len(res.pair_i)) for res, _, _ in scored]
    trees = [
        block_linkage(len(res.ids), res.pair_i, res.pair_j, res.prob, cl) if w == 1.0 else None
        for (res, cl, _), w in zip(scored, weights, strict=True)
    ]
    scores: dict[float, float] = {}
    for t in THRESHOLD_GRID:
        pred: dict[str, str] = {}
        for (res, cl, _), Z, w in zip(scored, trees, weights, strict=True):
            labels = labels_at(Z, len(res.ids), res.pair_i, res.pair_j, res.prob, t, cl, w)
            pred.update(zip(res.ids, _cluster_keys(res.block, res.ids, labels), strict=True))
        f1s = []
        for _ds, true in by_ds.items():
            ids = {x for v in true.values() for x in v}
            sub = {k: v for k, v in pred.items() if k in ids}
            f1s.append(b3_precision_recall_fscore(true, labels_to_clusters(sub))[2])
        scores[t] = round(float(np.mean(f1s)), 9)
    best = max(scores.values())
    # among ties pick the median threshold of the best ones (stable)
    best_ts = [t for t, v in scores.items() if v >= best - 1e-9]
    return float(best_ts[len(best_ts) // 2]), scores
