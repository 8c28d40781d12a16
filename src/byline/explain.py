"""The evidence card for two signatures: why they are (or are not) one person.

The card shows each pair feature's value and its contribution to the model's score (LightGBM SHAP
values from ``predict(..., pred_contrib=True)``, in log-odds; they add up with the bias to the raw
score), the calibrated probability, the threshold, the people the two signatures sit in now, and any
curator constraint or name rule that decides the pair regardless of the score.

Pure: :func:`explain_pair` and :func:`explain_in` build cards from what they are given; loading a card
for two stored signatures is :func:`byline.people.views.explain` (the people layer reads the store).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from byline._errors import StoreError
from byline.curation import ConstraintSet, identity_decision
from byline.profiles import snippet
from byline.records import Signature
from byline.scorer import PairModel, Scorer

if TYPE_CHECKING:  # pragma: no cover
    from byline.people.corpus import Corpus

_DOCS: dict[str, str] | None = None


def _feature_docs() -> dict[str, str]:
    global _DOCS
    if _DOCS is None:
        from byline.features import FEATURES

        _DOCS = {f.name: f.doc for f in FEATURES}
    return _DOCS


@dataclass
class FeatureRow:
    name: str
    value: float | None
    contribution: float | None
    doc: str = ""


@dataclass
class EvidenceCard:
    a: dict[str, Any]
    b: dict[str, Any]
    probability: float
    threshold: float
    features: list[FeatureRow]
    bias: float | None = None
    same_block: bool = True
    constraint: str | None = None  # what decides the pair regardless of the score
    person_a: str | None = None
    person_b: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def decision(self) -> str:
        if self.constraint:
            return "same person" if self.constraint.startswith("must-link") else "different people"
        return "same person" if self.probability >= self.threshold else "different people"

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "probability": round(self.probability, 4),
            "threshold": round(self.threshold, 4),
            "decision": self.decision,
            "constraint": self.constraint,
            "same_block": self.same_block,
            "person_a": self.person_a,
            "person_b": self.person_b,
            "same_person_now": self.person_a is not None and self.person_a == self.person_b,
            "bias": None if self.bias is None else round(self.bias, 4),
            "features": [
                {
                    "name": f.name,
                    "value": f.value,
                    "contribution": None if f.contribution is None else round(f.contribution, 4),
                    "doc": f.doc,
                }
                for f in self.features
            ],
            "notes": self.notes,
        }

    def render(self) -> str:
        def side(tag: str, d: dict[str, Any], person: str | None) -> str:
            start = d.get("abstract_start")
            title = d.get("title") or (f"“{start}”" if start else "(no title or abstract)")
            return f"{tag} {d['id']}  {d['name']!r}  {d.get('year') or '----'}  {title[:70]}" + (
                f"\n    in person {person}" if person else "\n    (not placed in a person yet)"
            )

        lines = [side("A", self.a, self.person_a), side("B", self.b, self.person_b), ""]
        lines.append(
            f"probability same person: {self.probability:.3f} (threshold {self.threshold:.2f}) "
            f"-> {self.decision}"
        )
        if self.constraint:
            lines.append(f"decided by: {self.constraint}")
        lines.append(
            "currently: "
            + ("the same person" if self.person_a and self.person_a == self.person_b else "different people")
        )
        lines.append("")
        from byline.explain_words import reasons

        rows = [{"name": f.name, "value": f.value, "contribution": f.contribution} for f in self.features]
        shown, weighed = reasons(rows, self.a, self.b)
        lines.append("evidence:")
        for r in shown:
            lines.append(f"  {r.text}" + (f"  ({r.weight}, {r.contribution:+.2f})" if r.weight else ""))
        if weighed:
            lines.append("the model also weighs fields that are missing (not evidence about these two):")
            for r in weighed:
                lines.append(f"  {r.text}  ({r.weight}, {r.contribution:+.2f})")
        for n in self.notes:
            lines.append(f"note: {n}")
        return "\n".join(lines)


def _sig_dict(s: Signature) -> dict[str, Any]:
    return {
        "id": s.id,
        "name": s.name,
        "work_id": s.work_id,
        "title": s.title,
        "abstract_start": snippet(s.abstract),
        "year": s.year,
        "venue": s.venue,
        "coauthors": list(s.coauthors),
        "affiliations": list(s.affiliations),
    }


def explain_pair(
    a: Signature, b: Signature, scorer: Scorer | PairModel, context: Sequence[Signature] | None = None
) -> EvidenceCard:
    """The card for two signatures (pure given the scorer); ``context``: their block-mates, for TF-IDF/counts.

    The probability is :meth:`Scorer.pair_scores` of the pair with that context: the number the review queue
    shows for the same pair.
    """
    from byline.block import block_of
    from byline.features import FEATURE_NAMES

    scorer = scorer if isinstance(scorer, Scorer) else Scorer(scorer)
    uniq: dict[str, Signature] = {a.id: a, b.id: b}
    for s in context or ():
        uniq.setdefault(s.id, s)
    sigs = [uniq[k] for k in sorted(uniq)]
    pos = {s.id: k for k, s in enumerate(sigs)}
    data = scorer.data(sigs)
    i, j = np.array([pos[a.id]]), np.array([pos[b.id]])
    X = scorer.features(data, i, j)
    cannot = scorer.cannot(data, i, j)
    prob = float(scorer.score_matrix(X, cannot).probability[0])
    names: tuple[str, ...] = FEATURE_NAMES
    values: np.ndarray = X[0]
    contrib: np.ndarray | None = None
    bias: float | None = None
    parts = scorer.contributions(X)
    if parts is not None:  # the model's own columns, with their SHAP values
        names, values, contrib, bias = (
            parts.names,
            parts.values[0],
            parts.contributions[0],
            float(parts.bias[0]),
        )
    docs = _feature_docs()
    rows = []
    for k, name in enumerate(names):
        v = float(values[k])
        rows.append(
            FeatureRow(
                name,
                None if math.isnan(v) else round(v, 4),
                None if contrib is None else float(contrib[k]),
                docs.get(name, ""),
            )
        )
    card = EvidenceCard(
        _sig_dict(a),
        _sig_dict(b),
        prob,
        scorer.threshold,
        rows,
        bias=bias,
        same_block=block_of(a) == block_of(b),
    )
    if bool(cannot[0]):
        card.constraint = (
            "cannot-link (name rule): both names on one paper"
            if a.work_id == b.work_id
            else f"cannot-link (name rule): {a.name!r} and {b.name!r} have incompatible given names"
        )
    head = getattr(scorer.model, "text_only_head_", None)
    if head is not None and X.shape[1] == len(FEATURE_NAMES):
        from byline.textonly import text_only_mask

        if bool(text_only_mask(X, FEATURE_NAMES)[0]):
            card.notes.append(
                "judged on the name and text alone (no coauthors, venue, year, affiliation, e-mail or ORCID "
                "on both sides): the probability is the text-only decision's (name agreement and text "
                "similarity), an uncertain call; the contributions listed are the main classifier's"
            )
    if not card.same_block:
        card.notes.append(
            f"different blocks ({block_of(a)!r} vs {block_of(b)!r}): the pipeline never compares "
            "them; the score is what it would be if they were"
        )
    return card


def explain_in(
    corpus: Corpus, scorer: Scorer, cs: ConstraintSet, placed: Mapping[str, str], sig_a: str, sig_b: str
) -> EvidenceCard:
    """The card for two signatures of a loaded corpus, with curation and the people they sit in."""
    from byline.block import block_of

    missing = [s for s in (sig_a, sig_b) if s not in corpus.signatures]
    if missing:
        raise StoreError(
            f"unknown signature id(s): {', '.join(missing)} (a signature id is "
            "<work id>#<author position>, e.g. from `byline person ID --json`)"
        )
    a, b = corpus.signatures[sig_a], corpus.signatures[sig_b]
    card = explain_pair(a, b, scorer, corpus.block_context({block_of(a), block_of(b)}))
    decided = cs.decided_by(sig_a, sig_b)
    identity = identity_decision(a, b)  # ORCID iDs: below curation, above the model
    if decided is not None:
        kind, ev = decided
        card.constraint = f"{kind} by curation: {ev.describe()}" if ev else f"{kind} by curation"
        if identity is not None and identity[0] != kind:
            card.notes.append(f"curation wins over ORCID: {identity[1]} would make it a {identity[0]}")
    elif identity is not None and card.constraint is None:  # (a name rule of the engine wins over an iD)
        card.constraint = f"{identity[0]} by ORCID: {identity[1]}"
    card.person_a, card.person_b = placed.get(sig_a), placed.get(sig_b)
    return card
