"""Audit (IND): rank a listing's works by the probability that they are NOT the owner's (pure given a scorer).

Each work is scored against the other works of the same listing; see :func:`audit_works`. The store-level
command (a stored listing, a person, or a file) is :func:`byline.people.audit`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from byline.names import normalize
from byline.owners import owner_signature
from byline.profiles import snippet
from byline.records import Signature, Work
from byline.scorer import PairModel, Scorer

__all__ = [
    "AuditItem",
    "AuditReport",
    "audit_works",
    "fit_features",
    "CLOSEST_SHARE",
    "ELSEWHERE_BONUS",
    "FLAG_THRESHOLD",
    "TEXT_WEIGHT",
    "UNCERTAIN_THRESHOLD",
]


@dataclass
class AuditItem:
    work_id: str
    title: str | None
    score: float
    evidence: list[str]
    signature_id: str | None = None
    abstract_start: str | None = None  # names a work without a title

    @property
    def label(self) -> str:
        """The title, else the abstract's first words (quoted), else "(no title or abstract)"."""
        if self.title:
            return self.title
        return f"“{self.abstract_start}”" if self.abstract_start else "(no title or abstract)"

    @property
    def flagged(self) -> bool:
        """Shown as "possibly not theirs": the score reaches :data:`FLAG_THRESHOLD`."""
        return self.score >= FLAG_THRESHOLD

    @property
    def verdict(self) -> str:
        """ "possibly not theirs" (>= :data:`FLAG_THRESHOLD`), "uncertain" (>= :data:`UNCERTAIN_THRESHOLD`:
        the evidence points both ways), else "consistent"."""
        if self.flagged:
            return "possibly not theirs"
        return "uncertain" if self.score >= UNCERTAIN_THRESHOLD else "consistent"

    def to_dict(self) -> dict[str, Any]:
        return {
            "work_id": self.work_id,
            "title": self.title,
            "score": round(self.score, 4),
            "flagged": self.flagged,
            "verdict": self.verdict,
            "evidence": self.evidence,
            "abstract_start": self.abstract_start,
        }


@dataclass
class AuditReport:
    owner: str
    works: list[AuditItem]
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"owner": self.owner, "works": [w.to_dict() for w in self.works]}


def _text_signal(s: Signature) -> int:
    return sum(bool(x) for x in (s.title, s.abstract, s.venue, s.coauthors, s.affiliations, s.keywords))


ELSEWHERE_BONUS = 0.1  # added when disambiguation put the work in another person than the listing's main one
# A work whose audit score reaches this is flagged "possibly not theirs" (person page, `byline audit`, the
# API). The rule, on benchmarks/ind_rnd.py (dev files, 10-30% injected foreign works per person, 3 draws,
# profile setting): the lowest threshold (0.01 grid) whose pooled precision is >= 0.90. The unlearned score
# (a model folder without audit-fit.json) gives 0.64 there, precision 0.906, recall 0.448; the learned profile
# fit (byline.audit_fit) maps its own dev-chosen thresholds onto these two constants: at 0.64 precision 0.901,
# recall 0.625 (`python3 benchmarks/ind_rnd.py --write-docs`, 2026-12-08: docs/benchmarks.md "IND / RND on
# dev", docs/ind_rnd.json); the script prints the rule's value on every run.
FLAG_THRESHOLD = 0.64
# From this score up to FLAG_THRESHOLD a work is shown as "uncertain": on the same benchmark, the lowest
# threshold whose pooled precision is >= 0.5 (a work there is at least as likely another person's as the
# owner's; unlearned score: precision 0.509, recall 0.976 there); benchmarks/ind_rnd.py prints the rule's value.
UNCERTAIN_THRESHOLD = 0.15
# the unlearned score (no audit-fit.json for the pair model) is 1 - the mean of a work's same-person
# probabilities to the closest fifth of the other listed works. IND benchmark on dev (benchmarks/ind_rnd.py, development model, 2026-11-30), weighted AUC pooled over
# aminer/qian/pubmed, one draw: 0.950 for the mean log-odds over all of them, 0.968 for the closest fifth
# (closest 15%-30% all within 0.006). Weighting each neighbour by its own first-pass score added 0.004 AUC
# but cut the flag's recall at precision 0.9 from 0.46 to 0.38, so it is not used.
CLOSEST_SHARE = 0.2
TEXT_WEIGHT = 0.3  # share of the audit score given to text outlierness in abstract-only listings


def audit_works(
    works: Sequence[Work],
    owner: str,
    scorer: Scorer | PairModel,
    *,
    placed: Mapping[str, str] | None = None,
    person_names: Mapping[str, str] | None = None,
    source: str = "",
) -> AuditReport:
    """Score each work against the other works of the same listing (pure given the model).

    When the pair model carries a learned profile fit (``audit-fit.json``, :mod:`byline.audit_fit`), a work's
    score is that model's (aggregates of its probabilities to the rest of the listing, text, coauthors,
    venue, year, how mixed the listing looks), mapped so that :data:`FLAG_THRESHOLD` and
    :data:`UNCERTAIN_THRESHOLD` keep their meaning; + :data:`ELSEWHERE_BONUS` and the 0.97 below as for the
    unlearned score. Without it: score = 1 - the mean of the model's uncalibrated pairwise probabilities between the owner's signature
    on the work and on its closest :data:`CLOSEST_SHARE` of the other listed works (a foreign work
    resembles none of the owner's works; an own work resembles some), scored as if the owner's name were
    moderately common (its rarity is the same for every work; see :meth:`byline.scorer.Scorer.features`).
    Then: pulled toward 0.5 when the work carries little evidence; in listings without any coauthor
    (abstract-only pages) blended (:data:`TEXT_WEIGHT`) with how far the work's TF-IDF similarity to the
    rest falls below the listing's median (elsewhere text is left to the model: blending it in everywhere
    cost 0.035 AUC on the synthetic IND benchmark); + :data:`ELSEWHERE_BONUS` when disambiguation put it
    in another person than most of the listing (``placed``); 0.97 when the owner's name is not among a
    complete author list. Each work's evidence strings say what drove its score.
    """
    scorer = scorer if isinstance(scorer, Scorer) else Scorer(scorer)
    placed = placed or {}
    person_names = person_names or {}
    owner_sigs, valid, P, R = _pair_matrices(works, owner, scorer)
    tfidf = _text_sims([s for _, s in valid])
    text_sim: dict[int, float | None] = {}
    for k, (i, _) in enumerate(valid):
        text_sim[i] = tfidf[k]
    learned = _learned_scores(scorer, valid, R, tfidf)
    # abstracts only (no coauthors anywhere): the model sees little but text, so text also ranks
    flat = len(valid) >= 3 and not any(s.coauthors for _, s in valid)
    sims = [v for v in text_sim.values() if v is not None]
    median_sim = float(np.median(sims)) if len(sims) >= 3 else None
    majority = Counter(placed.get(s.id) for _, s in valid if placed.get(s.id)).most_common(1)
    main_person = majority[0][0] if majority else None
    items = []
    for i, (w, s, how) in enumerate(owner_sigs):
        ev: list[str] = []
        title = w.title
        if s is None:
            printed = ", ".join(a.name for a in w.authors[:8]) + (" ..." if len(w.authors) > 8 else "")
            ev.append(f"the owner {owner!r} is not among the {len(w.authors)} listed authors ({printed})")
            items.append(AuditItem(w.id, title, 0.97, ev, abstract_start=snippet(w.abstract)))
            continue
        if how == "implicit":
            ev.append("no author list" if not w.authors else "author list truncated (et al.)")
            ev[-1] += f": {owner!r} taken as the implicit author"
        elif normalize(s.name) != normalize(owner):
            ev.append(f"printed as {s.name!r} (compatible with {owner!r})")
        row = P[i]
        others = row[~np.isnan(row)]
        if len(others) == 0:
            score = 0.5
            ev.append("no other work in the listing to compare with: moderate score")
        else:
            mean_p = float(np.mean(others))
            top = int(np.nanargmax(row))
            ev.append(
                f"same-person probability vs the other {len(others)} works: mean {mean_p:.2f}, "
                f"max {float(np.nanmax(row)):.2f} (closest: {_label(works[top])})"
            )
            # how close the work is to its nearest neighbours in the listing, not to all of it: a
            # person's own work resembles some of their others (one line of work among several),
            # a foreign one none of them
            score = 1.0 - _closest_mean(R[i][~np.isnan(R[i])])
            signal = _text_signal(s)
            if signal <= 1:
                only = "a title" if s.title else "an abstract" if s.abstract else "a name"
                if i in learned:
                    ev.append(
                        f"little evidence on this work (only {only}): weighed by the learned profile fit"
                    )
                else:
                    score = 0.5 + (score - 0.5) * 0.75
                    ev.append(f"little evidence on this work (only {only}): score pulled toward 0.5")
            if i in learned:  # the learned profile fit weighs evidence and text itself
                score = learned[i]
        sim_i = text_sim.get(i)
        if sim_i is not None:
            sim = float(sim_i)
            if median_sim is not None and median_sim > 0:
                # relative text outlierness: 0 at or above the listing's median similarity, 1 at zero
                outlier = min(max((median_sim - sim) / median_sim, 0.0), 1.0)
                if (
                    flat and not learned
                ):  # abstract-only listing: the model sees little but text, so text ranks too
                    score = (1 - TEXT_WEIGHT) * score + TEXT_WEIGHT * outlier
                ev.append(
                    f"text similarity to the rest of the listing: {sim:.2f} (listing median "
                    f"{median_sim:.2f})" + (": an outlier" if outlier > 0.5 else "")
                )
            else:
                ev.append(f"text similarity to the rest of the listing: {sim:.2f}")
        co = _shared_coauthors(s, [x for j, (_, x, _) in enumerate(owner_sigs) if j != i and x is not None])
        if co:
            ev.append("shares coauthors with other listed works: " + ", ".join(co[:5]))
        elif s.coauthors:
            ev.append("no coauthor in common with the other listed works")
        pid = placed.get(s.id)
        if pid and main_person:
            if pid == main_person:
                ev.append(f"disambiguation placed it with the listing's main person {main_person}")
            else:
                ev.append(
                    f"disambiguation placed it in another person: {pid} "
                    f"({person_names.get(pid, '?')}), not {main_person}"
                )
                score = min(1.0, score + ELSEWHERE_BONUS)
        items.append(AuditItem(w.id, title, float(min(max(score, 0.0), 1.0)), ev, s.id, snippet(w.abstract)))
    items.sort(key=lambda it: (-it.score, it.work_id))
    return AuditReport(owner, items, source)


def _pair_matrices(
    works: Sequence[Work], owner: str, scorer: Scorer
) -> tuple[list[tuple[Work, Signature | None, str]], list[tuple[int, Signature]], np.ndarray, np.ndarray]:
    """The owner's signature on each work (None when absent, and how it was found), the works that have
    one, and the calibrated (shown) and uncalibrated (ranking) same-person probabilities between them."""
    owner_sigs: list[tuple[Work, Signature | None, str]] = [(w, *owner_signature(w, owner)) for w in works]
    valid = [(i, s) for i, (_, s, _) in enumerate(owner_sigs) if s is not None]
    n = len(valid)
    P = np.full((len(works), len(works)), np.nan)  # calibrated: shown in the evidence
    R = np.full((len(works), len(works)), np.nan)  # uncalibrated: ranks (no isotonic plateaus)
    if n >= 2:
        ii, jj = np.triu_indices(n, k=1)
        scores = scorer.pair_scores(
            [valid[a][1] for a in ii], [valid[b][1] for b in jj], neutral_name_counts=True
        )
        rows = np.array([i for i, _ in valid])
        P[rows[ii], rows[jj]] = P[rows[jj], rows[ii]] = scores.probability
        R[rows[ii], rows[jj]] = R[rows[jj], rows[ii]] = scores.raw
    return owner_sigs, valid, P, R


def fit_features(
    works: Sequence[Work], owner: str, scorer: Scorer | PairModel
) -> tuple[list[int], np.ndarray]:
    """The learned profile fit's features (:func:`byline.audit_fit.listing_features`) of the works of a
    listing that carry the owner's name: (their positions in ``works``, one feature row each). For training."""
    from byline.audit_fit import listing_features

    scorer = scorer if isinstance(scorer, Scorer) else Scorer(scorer)
    _, valid, _, R = _pair_matrices(works, owner, scorer)
    rows = [i for i, _ in valid]
    sigs = [s for _, s in valid]
    X = listing_features(R[np.ix_(rows, rows)], sigs, _text_sims(sigs), scorer.data(sigs).embeddings)
    return rows, X


def _learned_scores(
    scorer: Scorer, valid: Sequence[tuple[int, Signature]], R: np.ndarray, tfidf: Sequence[float | None]
) -> dict[int, float]:
    """Each valid work's score by the learned profile fit (:mod:`byline.audit_fit`), when the model has one
    (else empty: the unlearned score is used)."""
    fit = getattr(scorer.model, "audit_fit_", None)
    if fit is None or len(valid) < 2:
        return {}
    from byline.audit_fit import listing_features

    rows = [i for i, _ in valid]
    sigs = [s for _, s in valid]
    sub = R[np.ix_(rows, rows)]
    scores = fit.score(listing_features(sub, sigs, tfidf, scorer.data(sigs).embeddings))
    return {i: float(x) for i, x in zip(rows, scores.tolist(), strict=True)}


def _closest_mean(probs: np.ndarray) -> float:
    """Mean of the :data:`CLOSEST_SHARE` highest probabilities (at least one)."""
    k = max(1, int(np.ceil(CLOSEST_SHARE * len(probs))))
    return float(np.mean(np.sort(probs)[::-1][:k]))


def _label(w: Work) -> str:
    if w.title:
        return repr(w.title[:60] + ("..." if len(w.title) > 60 else ""))
    if w.abstract:
        return f"{w.id} ({w.abstract[:40]}...)"
    return w.id


def _shared_coauthors(s: Signature, others: Sequence[Signature]) -> list[str]:
    mine = {normalize(c): c for c in s.coauthors}
    seen = Counter(normalize(c) for o in others for c in set(o.coauthors))
    return [mine[k] for k in sorted(mine) if seen.get(k)]


def _text_sims(sigs: Sequence[Signature]) -> list[float | None]:
    """Each signature's TF-IDF cosine to the centroid of the others (title + abstract + keywords)."""
    docs = [" ".join(filter(None, [s.title, s.abstract, " ".join(s.keywords)])) for s in sigs]
    if len(sigs) < 2 or sum(bool(d.strip()) for d in docs) < 2:
        return [None] * len(sigs)
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        X = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(docs)
    except ValueError:  # empty vocabulary
        return [None] * len(sigs)
    total = np.asarray(X.sum(axis=0)).ravel()
    out: list[float | None] = []
    for k in range(len(sigs)):
        if not docs[k].strip():
            out.append(None)
            continue
        row = X[k].toarray().ravel()
        rest = total - row
        denom = np.linalg.norm(row) * np.linalg.norm(rest)
        out.append(float(row @ rest / denom) if denom else 0.0)
    return out
