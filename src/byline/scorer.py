"""The one typed scorer: a pairwise model + the name counts it scores with + the name-rule cannot-link mask.

Every caller that turns signature pairs into same-person probabilities goes through :class:`Scorer`:
the pipeline (clustering), explain (evidence cards), assign (:mod:`byline.place`), audit
(:mod:`byline.audit`) and the web review queue. So a pair gets the same probability wherever it is
shown, as long as the scorer was made for the same corpus (:meth:`Scorer.for_corpus`) and the pair is
featurized with the same context (:meth:`Scorer.pair_scores`).

:class:`PairModel` is the part of :class:`byline.model.Disambiguator` the scorer relies on, as a
:class:`~typing.Protocol`, so test fakes are checked against it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from byline.records import Signature

if TYPE_CHECKING:  # pragma: no cover
    from byline.features import BlockData
    from byline.names import NameCounts

__all__ = [
    "ClusterModel",
    "Contributions",
    "PairModel",
    "Scorer",
    "PairScores",
    "COMMON_NAME_LOG_COUNT",
    "DEFAULT_THRESHOLD",
]

DEFAULT_THRESHOLD = 0.5
COMMON_NAME_LOG_COUNT = float(np.log1p(3))  # "a name a few people share" (chosen on synthetic seed 12)


@runtime_checkable
class PairModel(Protocol):
    """What scoring needs from a fitted pairwise model (:class:`byline.model.Disambiguator` has it all)."""

    @property
    def name_counts_(self) -> NameCounts | None:
        """Name frequencies the rarity features are computed with (None: unknown)."""
        ...

    @property
    def threshold_(self) -> float | None:
        """The same-person threshold chosen on dev data."""
        ...

    @property
    def name_constraints(self) -> bool:
        """Whether name rules (one paper, incompatible given names) are cannot-links."""
        ...

    def predict_proba_features(self, X: np.ndarray) -> np.ndarray:
        """Calibrated same-person probabilities of a feature matrix (one row per pair)."""
        ...


@runtime_checkable
class ClusterModel(PairModel, Protocol):
    """A :class:`PairModel` the pipeline can cluster with: candidate-pair settings and a fitted check."""

    @property
    def max_block_full(self) -> int:
        """Blocks up to this size are scored on all pairs; bigger ones on bounded candidates."""
        ...

    @property
    def knn(self) -> int:
        """Candidate neighbours per signature in big blocks."""
        ...

    def _check_fitted(self) -> None:
        """Raise :class:`~byline.NotFittedError` when the model was never fitted."""
        ...


@dataclass(frozen=True)
class PairScores:
    """Scores of pairs ``(i[k], j[k])``: calibrated probability, the model's uncalibrated probability,
    and whether a name rule forbids the pair (its probabilities are then 0 when masked)."""

    probability: np.ndarray
    raw: np.ndarray
    cannot: np.ndarray


class Scorer:
    """Scores signature pairs with ``model``; see the module docstring.

    ``mask``: set the probability of name-rule cannot-link pairs (two names on one paper, incompatible
    given names) to 0 when the model uses name constraints. The pipeline keeps them unmasked and hands
    the mask to the clusterer as cannot-links instead (same decisions).
    """

    def __init__(self, model: PairModel, vectors: Mapping[bytes, np.ndarray] | None = None) -> None:
        """``vectors``: text vectors already known, by text hash (the store's, :mod:`byline.text_vectors`);
        the same scores as encoding every text."""
        self.model = model
        self.vectors = vectors

    @classmethod
    def for_corpus(cls, model: PairModel, signatures: Iterable[Signature]) -> Scorer:
        """The scorer as :func:`byline.pipeline.run` sees ``signatures``: the model's name counts combined
        with theirs (``model.for_data``). Models without ``for_data`` (test fakes) are used unchanged."""
        for_data = getattr(model, "for_data", None)
        return cls(model if for_data is None else for_data(list(signatures)))

    # -- properties ------------------------------------------------------------------------------
    @property
    def threshold(self) -> float:
        t = getattr(self.model, "threshold_", None)
        return DEFAULT_THRESHOLD if t is None else float(t)

    @property
    def name_constraints(self) -> bool:
        return bool(getattr(self.model, "name_constraints", False))

    @property
    def name_counts(self) -> NameCounts | None:
        return getattr(self.model, "name_counts_", None)

    # -- scoring ---------------------------------------------------------------------------------
    def data(self, sigs: Sequence[Signature], block_ids: np.ndarray | None = None) -> BlockData:
        """The featurization context of ``sigs`` (TF-IDF, local name counts) with this scorer's name counts."""
        from byline.features import BlockData

        sigs = list(sigs)
        emb = None
        if self.vectors is not None:
            from byline.text_vectors import embeddings_for

            emb = embeddings_for(sigs, self.vectors)
        return BlockData(sigs, self.name_counts, block_ids, embeddings=emb)

    def features(
        self, data: BlockData, i: np.ndarray, j: np.ndarray, *, neutral_name_counts: bool = False
    ) -> np.ndarray:
        """The feature matrix of pairs ``(i[k], j[k])`` of ``data``.

        ``neutral_name_counts``: score every pair as if the full name were moderately common
        (:data:`COMMON_NAME_LOG_COUNT`). In an audit every work carries the owner's name, so its rarity
        cannot tell the works apart, but a rare name pushes every probability to ~1 and hides the rest.
        """
        from byline.features import FEATURE_NAMES, featurize

        X = featurize(data, i, j)
        if neutral_name_counts:
            for k, name in enumerate(FEATURE_NAMES):
                if name.startswith("name_count_full") or name == "local_full_count_max":
                    X[:, k] = COMMON_NAME_LOG_COUNT
        return X

    def cannot(self, data: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The pairs a name rule forbids (all False when the model does not use name constraints)."""
        if not self.name_constraints or len(i) == 0:
            return np.zeros(len(i), dtype=bool)
        from byline.features import cannot_link_mask

        return np.asarray(cannot_link_mask(data, i, j), dtype=bool)

    def score_matrix(self, X: np.ndarray, cannot: np.ndarray, *, mask: bool = True) -> PairScores:
        """Scores of an already built feature matrix (``cannot`` from :meth:`cannot`)."""
        if len(X) == 0:
            empty = np.zeros(0, dtype=np.float64)
            return PairScores(empty, empty, np.zeros(0, dtype=bool))
        # uncalibrated scores (Disambiguator); fakes: calibrated
        raw_scores = getattr(self.model, "raw_scores", None)
        calibrate = getattr(self.model, "calibrate", None)
        if raw_scores is not None and calibrate is not None:  # one prediction, calibrated after
            raw = np.asarray(raw_scores(X), dtype=np.float64)
            cal = np.asarray(calibrate(raw, X), dtype=np.float64)
        else:
            cal = np.asarray(self.model.predict_proba_features(X), dtype=np.float64)
            raw = cal if raw_scores is None else np.asarray(raw_scores(X), dtype=np.float64)
        if mask and cannot.any():
            cal, raw = np.where(cannot, 0.0, cal), np.where(cannot, 0.0, raw)
        return PairScores(cal, raw, cannot)

    def score(
        self,
        data: BlockData,
        i: Sequence[int] | np.ndarray,
        j: Sequence[int] | np.ndarray,
        *,
        mask: bool = True,
        neutral_name_counts: bool = False,
    ) -> PairScores:
        """Scores of index pairs ``(i[k], j[k])`` of one :class:`~byline.features.BlockData`."""
        ii = np.asarray(i, dtype=np.int64)
        jj = np.asarray(j, dtype=np.int64)
        if len(ii) == 0:
            return self.score_matrix(np.zeros((0, 0)), np.zeros(0, dtype=bool))
        X = self.features(data, ii, jj, neutral_name_counts=neutral_name_counts)
        return self.score_matrix(X, self.cannot(data, ii, jj), mask=mask)

    def proba(
        self, data: BlockData, i: Sequence[int] | np.ndarray, j: Sequence[int] | np.ndarray
    ) -> np.ndarray:
        """Calibrated probabilities (name-rule pairs 0) of index pairs of one ``data``."""
        return self.score(data, i, j).probability

    def pair_scores(
        self,
        a: Sequence[Signature],
        b: Sequence[Signature],
        context: Iterable[Signature] = (),
        *,
        neutral_name_counts: bool = False,
    ) -> PairScores:
        """Scores of the pairs ``(a[k], b[k])``, featurized together with ``context`` (their block-mates:
        TF-IDF and local name counts are fitted on all of them). The signatures are ordered by id, so the
        same set of signatures always gives the same numbers whoever asks."""
        uniq: dict[str, Signature] = {}
        for s in [*a, *b, *context]:
            uniq.setdefault(s.id, s)
        sigs = [uniq[k] for k in sorted(uniq)]
        pos = {s.id: k for k, s in enumerate(sigs)}
        data = self.data(sigs)
        return self.score(
            data, [pos[s.id] for s in a], [pos[s.id] for s in b], neutral_name_counts=neutral_name_counts
        )

    def contributions(self, X: np.ndarray) -> Contributions | None:
        """Per-feature contributions to the model's raw score (LightGBM SHAP values, in log-odds) over the
        model's own columns, or None for a model that cannot say (test fakes)."""
        contributions = getattr(self.model, "contributions", None)
        if contributions is None:
            return None
        names, values, contrib, bias = contributions(X)
        return Contributions(tuple(names), np.asarray(values), np.asarray(contrib), np.asarray(bias))


@dataclass(frozen=True)
class Contributions:
    """What :meth:`Scorer.contributions` gives: the model's feature names, their values, each one's
    contribution per row, and the bias per row (contributions + bias = the raw score)."""

    names: tuple[str, ...]
    values: np.ndarray
    contributions: np.ndarray
    bias: np.ndarray
