"""The learned profile-fit score of the audit (IND): a small logistic model over per-work aggregates.

For each work of a listing (a claimed profile, or a person's works), :func:`listing_features` summarises how
the work relates to the rest of the listing: its same-person probabilities to the other works (closest fifth,
the closest fifth weighted by how much each neighbour itself belongs, the maximum, the mean, the share above
one half), the same relative to the listing's own median (profiles differ in cohesion), its text and
embedding similarity to the rest (absolute and relative to the listing's median), how much evidence it
carries, how many of the other works share a coauthor or its venue, how far its year lies from the
listing's, and the share of the listing that resembles little of the rest (how mixed the listing looks). :class:`AuditFit` turns them into a score with a logistic regression trained on profiles built
from the ``*.train`` files with 0-40% foreign works injected (``python3 -m byline.train_audit_fit``), then maps the
probability piecewise-linearly so that the flag and uncertain thresholds chosen on dev land on
:data:`byline.audit.FLAG_THRESHOLD` and :data:`byline.audit.UNCERTAIN_THRESHOLD` (one pair of constants
whatever scores a listing).

The model lives in ``audit-fit.json`` beside the pair model (plain JSON, no pickle). It is used only with the
pair model it was trained on (its ``model.txt`` sha256); without the file, or with another pair model, the
audit falls back to its unlearned score.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from byline._errors import ModelError
from byline.names import normalize
from byline.records import Signature

__all__ = ["AUDIT_FIT_FILE", "FEATURES", "AuditFit", "closest_mean", "listing_features", "load_audit_fit"]

AUDIT_FIT_FILE = "audit-fit.json"
FORMAT = 1
CLOSEST_SHARE = 0.2  # the closest fifth of the other works (see byline.audit.CLOSEST_SHARE)
FEATURES = (
    "closest_logit",
    "closest_weighted_logit",
    "max_logit",
    "mean_logit",
    "share_above_half",
    "closest_vs_listing_median",
    "listing_median_closest",
    "text_similarity",
    "text_vs_listing_median",
    "evidence_fields",
    "log_listing_size",
    "log_coauthors",
    "share_coauthor_shared",
    "log_max_coauthor_repeats",
    "share_same_venue",
    "year_distance",
    "embedding_similarity",
    "embedding_vs_listing_median",
    "listing_share_closest_below_half",
    "listing_share_closest_below_quarter",
)


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-4, 1 - 1e-4)
    return np.asarray(np.log(q / (1 - q)), dtype=np.float64)


def closest_mean(
    R: np.ndarray, weights: np.ndarray | None = None, share: float = CLOSEST_SHARE
) -> np.ndarray:
    """Per row of the pair matrix ``R`` (NaN = no pair), the mean of its ``share`` highest entries (at least
    one); with ``weights``, the closest by weighted probability, averaged with those weights. 0.5 for a row
    without any pair."""
    n = len(R)
    out = np.full(n, 0.5)
    for i in range(n):
        m = ~np.isnan(R[i])
        r = R[i][m]
        if not len(r):
            continue
        k = max(1, int(math.ceil(share * len(r))))
        if weights is None:
            out[i] = float(np.mean(np.sort(r)[::-1][:k]))
        else:
            w = weights[m]
            top = np.argsort(-(r * w), kind="stable")[:k]
            out[i] = float((r[top] * w[top]).sum() / max(float(w[top].sum()), 1e-9))
    return out


def listing_features(
    R: np.ndarray,
    sigs: Sequence[Signature],
    text: Sequence[float | None],
    embeddings: np.ndarray | None,
) -> np.ndarray:
    """The :data:`FEATURES` of each of ``sigs`` (the owner's signatures on the listed works, in order).

    ``R``: the model's uncalibrated same-person probabilities between them (NaN on the diagonal); ``text``:
    each one's TF-IDF similarity to the others (None without text); ``embeddings``: one text vector per row.
    """
    n = len(sigs)
    close = closest_mean(R)
    weighted = closest_mean(R, weights=close)
    finite = np.isfinite(R)
    has = finite.any(axis=1)
    Rz = np.where(finite, R, 0.0)
    cnt = np.maximum(finite.sum(axis=1), 1)
    mx = np.where(has, np.where(finite, R, -np.inf).max(axis=1), 0.5)
    mean = np.where(has, Rz.sum(axis=1) / cnt, 0.5)
    above = np.where(has, (finite & (Rz > 0.5)).sum(axis=1) / cnt, 0.5)
    med_close = float(np.median(_logit(close)))
    t = np.array([np.nan if x is None else float(x) for x in text], dtype=np.float64)
    t_med = float(np.nanmedian(t)) if np.isfinite(t).any() else 0.0
    t = np.where(np.isfinite(t), t, t_med)
    signal = np.array(
        [
            sum(bool(x) for x in (s.title, s.abstract, s.venue, s.coauthors, s.affiliations, s.keywords))
            for s in sigs
        ],
        dtype=np.float64,
    )
    co = [{normalize(c) for c in s.coauthors} - {""} for s in sigs]
    repeats: dict[str, int] = {}
    for c in co:
        for x in c:
            repeats[x] = repeats.get(x, 0) + 1
    share_co = np.array(
        [sum(bool(co[i] & co[j]) for j in range(n) if j != i) / max(n - 1, 1) for i in range(n)],
        dtype=np.float64,
    )
    max_rep = np.array([max((repeats[x] - 1 for x in c), default=0) for c in co], dtype=np.float64)
    venues = [normalize(s.venue) if s.venue else "" for s in sigs]
    vcount: dict[str, int] = {}
    for v in venues:
        if v:
            vcount[v] = vcount.get(v, 0) + 1
    same_venue = np.array([(vcount[v] - 1) / max(n - 1, 1) if v else 0.0 for v in venues], dtype=np.float64)
    years = np.array([np.nan if s.year is None else float(s.year) for s in sigs], dtype=np.float64)
    if np.isfinite(years).any():
        spread = float(np.nanpercentile(years, 75) - np.nanpercentile(years, 25))
        ydist = np.nan_to_num(np.abs(years - float(np.nanmedian(years))) / (spread + 2.0), nan=0.0)
    else:
        ydist = np.zeros(n)
    if embeddings is not None and len(embeddings) == n and n >= 2:
        E = np.asarray(embeddings, dtype=np.float64)
        E = E / (np.linalg.norm(E, axis=1, keepdims=True) + 1e-9)
        rest = E.sum(axis=0)[None, :] - E
        emb = (E * rest).sum(axis=1) / (np.linalg.norm(rest, axis=1) + 1e-9)
    else:
        emb = np.zeros(n)
    return np.column_stack(
        [
            _logit(close),
            _logit(weighted),
            _logit(mx),
            _logit(mean),
            above,
            _logit(close) - med_close,
            np.full(n, med_close),
            t,
            t - t_med,
            signal,
            np.full(n, math.log(max(n, 1))),
            np.log1p([len(s.coauthors) for s in sigs]),
            share_co,
            np.log1p(max_rep),
            same_venue,
            ydist,
            emb,
            emb - float(np.median(emb)),
            np.full(n, float(np.mean(close < 0.5))),
            np.full(n, float(np.mean(_logit(close) < -1.0))),
        ]
    )


@dataclass(frozen=True)
class AuditFit:
    """Logistic regression over :data:`FEATURES` plus the monotone map of its probability onto the audit's
    score scale (``knots_x`` -> ``knots_y``, increasing)."""

    coef: tuple[float, ...]
    intercept: float
    knots_x: tuple[float, ...]
    knots_y: tuple[float, ...]
    pair_model_sha256: str | None
    info: dict[str, Any]
    features: tuple[str, ...] = FEATURES

    def probability(self, X: np.ndarray) -> np.ndarray:
        """The logistic model's probability that each row's work is not the listing owner's."""
        z = np.asarray(X, dtype=np.float64) @ np.asarray(self.coef) + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)

    def score(self, X: np.ndarray) -> np.ndarray:
        """The audit score: :meth:`probability` mapped through the knots (thresholds chosen on dev)."""
        return np.asarray(np.interp(self.probability(X), self.knots_x, self.knots_y), dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "kind": "logistic-regression",
            "features": list(self.features),
            "coef": [round(c, 10) for c in self.coef],
            "intercept": round(self.intercept, 10),
            "knots": {"x": [round(x, 10) for x in self.knots_x], "y": list(self.knots_y)},
            "pair_model_sha256": self.pair_model_sha256,
            "info": self.info,
        }

    def save(self, directory: str | Path) -> Path:
        path = Path(directory) / AUDIT_FIT_FILE
        tmp = path.with_name("." + path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def from_dict(cls, d: Any, where: str = AUDIT_FIT_FILE) -> AuditFit:
        try:
            fmt, names = d["format"], list(d["features"])
            coef = tuple(float(c) for c in d["coef"])
            kx = tuple(float(x) for x in d["knots"]["x"])
            ky = tuple(float(y) for y in d["knots"]["y"])
            intercept, sha, info = float(d["intercept"]), d.get("pair_model_sha256"), dict(d.get("info", {}))
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{where}: malformed audit-fit model ({exc!r})") from None
        if fmt != FORMAT:
            raise ModelError(
                f"{where}: audit-fit format {fmt!r} is not supported (this byline reads {FORMAT})"
            )
        if len(coef) != len(names) or len(kx) != len(ky) or len(kx) < 2 or list(kx) != sorted(kx):
            raise ModelError(f"{where}: malformed audit-fit model (coefficients or knots)")
        return cls(coef, intercept, kx, ky, sha, info, tuple(names))


def load_audit_fit(directory: str | Path, pair_model_sha256: str | None) -> AuditFit | None:
    """The audit-fit model of a model folder, if it has one trained on this pair model with this byline's
    features (else None: the audit then uses its unlearned score). A file that is present but unreadable raises :class:`ModelError`."""
    path = Path(directory) / AUDIT_FIT_FILE
    if not path.is_file():
        return None
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: corrupt audit-fit model ({exc})") from None
    fit = AuditFit.from_dict(d, str(path))
    if pair_model_sha256 is None or fit.pair_model_sha256 != pair_model_sha256 or fit.features != FEATURES:
        return None  # another pair model, or features of another byline version: the unlearned score
    return fit
