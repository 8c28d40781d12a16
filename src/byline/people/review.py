"""How well each work fits its person, the works flagged "possibly not theirs", and the review queue.

Two different numbers, named apart everywhere (CLI, API, pages):

* ``fit`` -- how well a work fits the person it is placed in: 1 - the audit score of the work among the
  person's works (:func:`byline.audit.audit_works` over the profile as a listing);
* ``probability`` -- the model's same-person probability of one *pair* of signatures: the work's and
  the person's most typical one (what the explain card of that pair shows).

:func:`person_fit` scores one person; :func:`review_items` turns fits into review items (pair
probabilities scored in one batch per block pair); :func:`review_queue` does it all for a store (the
``byline review`` command), and the web app calls the same functions with its caches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from byline.audit import FLAG_THRESHOLD, audit_works
from byline.people import repo
from byline.profiles import Profile, snippet, summarize
from byline.records import Work

if TYPE_CHECKING:  # pragma: no cover
    from byline.people.corpus import Corpus
    from byline.people.views import PersonRow
    from byline.scorer import Scorer
    from byline.store import Store

__all__ = [
    "MAX_FIT_WORKS",
    "MAX_REVIEW_PEOPLE",
    "FlaggedWork",
    "PersonFit",
    "ReviewItem",
    "WorkFit",
    "flagged_works",
    "person_fit",
    "review_candidates",
    "review_items",
    "review_queue",
    "snippet",
]

MAX_FIT_WORKS = 300  # bigger people are not scored pairwise on a page view (use `byline audit`)
MAX_REVIEW_PEOPLE = 500  # the review queue scores at most this many people (the biggest)


@dataclass(frozen=True)
class WorkFit:
    """One work of a person: ``score`` is the audit's probability that it is NOT the person's."""

    work_id: str
    signature_id: str | None
    score: float
    evidence: list[str]

    @property
    def fit(self) -> float:
        """How well the work fits its person: 1 - :attr:`score`."""
        return round(1.0 - self.score, 4)

    @property
    def flagged(self) -> bool:
        return self.score >= FLAG_THRESHOLD


@dataclass(frozen=True)
class PersonFit:
    """Every scored work of a person, its most typical signature (the best-fitting one placed in the
    person), and ``note`` saying why nothing was scored when nothing was."""

    works: dict[str, WorkFit]
    typical: str | None
    note: str | None


def person_fit(
    pid: str,
    name: str,
    works: Sequence[Work],
    scorer: Scorer | None,
    placed: Mapping[str, str],
    names: Mapping[str, str],
    scorer_error: str | None = None,
) -> PersonFit:
    """Each work's fit to person ``pid`` (the audit of its works as a listing of ``name``)."""
    if len(works) < 2:
        return PersonFit({}, None, "a single work: nothing to compare it with")
    if len(works) > MAX_FIT_WORKS:
        return PersonFit({}, None, f"more than {MAX_FIT_WORKS} works: not scored here (use `byline audit`)")
    if scorer is None:
        return PersonFit({}, None, f"no model, works not scored: {scorer_error or 'none loaded'}")
    report = audit_works(works, name, scorer, placed=placed, person_names=names, source=pid)
    items = {
        it.work_id: WorkFit(it.work_id, it.signature_id, round(it.score, 4), list(it.evidence))
        for it in report.works
    }
    mine = [it for it in report.works if it.signature_id and placed.get(it.signature_id) == pid]
    typical = min(mine, key=lambda it: (it.score, it.work_id)).signature_id if mine else None
    return PersonFit(items, typical, None)


@dataclass(frozen=True)
class FlaggedWork:
    """A work shown as "possibly not theirs", with its evidence and the pair to explain it by; ``fit`` as
    every work row has it (1 - the audit's probability that it is not the person's)."""

    work_id: str
    title: str | None
    fit: float
    abstract_start: str | None
    evidence: list[str]
    signature_id: str
    explain_a: str | None
    explain_b: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def flagged_works(prof: Profile, fit: PersonFit) -> list[FlaggedWork]:
    """The works of ``prof`` whose score reaches :data:`FLAG_THRESHOLD`, the least likely first."""
    out = []
    typical = fit.typical
    for ref in prof.works:
        item = fit.works.get(ref.work_id)
        if item is None or not item.flagged:
            continue
        other = typical if typical and typical != ref.signature_id else None
        out.append(
            FlaggedWork(
                ref.work_id,
                ref.title,
                item.fit,
                snippet(ref.abstract),
                list(item.evidence),
                ref.signature_id,
                ref.signature_id if other else None,
                other,
            )
        )
    return sorted(out, key=lambda f: (f.fit, f.work_id))


@dataclass(frozen=True)
class ReviewItem:
    """One assignment to review: a work's signature in a person, with its ``fit`` to the person and the
    same-person ``probability`` of the pair (its signature, the person's most typical one)."""

    signature_id: str
    name: str
    work_id: str
    title: str | None
    abstract_start: str | None
    person_id: str
    person_name: str
    fit: float
    probability: float
    explain_a: str
    explain_b: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def review_candidates(store: Store) -> list[PersonRow]:
    """The people the queue reviews: unlocked, 2..:data:`MAX_FIT_WORKS` works, the biggest
    :data:`MAX_REVIEW_PEOPLE` of them."""
    from byline.people.views import list_people

    rows = [p for p in list_people(store) if not p.locked and 2 <= len(p.work_ids) <= MAX_FIT_WORKS]
    return rows[:MAX_REVIEW_PEOPLE]


def review_items(
    corpus: Corpus, scorer: Scorer, people: Sequence[tuple[Profile, PersonFit]]
) -> dict[str, list[ReviewItem]]:
    """Each person's review items: every scored work but the typical one, with the pair probability
    (one batched scoring call per pair of blocks). People without a typical signature have none."""
    from byline.block import block_of

    pending: list[tuple[Profile, Any, float, str]] = []
    for prof, fit in people:
        if not fit.typical:
            continue
        for ref in prof.works:
            item = fit.works.get(ref.work_id)
            if item is None or ref.signature_id == fit.typical:
                continue
            pending.append((prof, ref, item.fit, fit.typical))
    groups: dict[frozenset[str], list[int]] = defaultdict(list)
    for i, (_, ref, _, typical) in enumerate(pending):
        a, b = corpus.signatures.get(ref.signature_id), corpus.signatures.get(typical)
        if a is not None and b is not None:
            groups[frozenset((block_of(a), block_of(b)))].append(i)
    probability: dict[int, float] = {}
    for blocks, idx in groups.items():
        scores = scorer.pair_scores(
            [corpus.signatures[pending[i][1].signature_id] for i in idx],
            [corpus.signatures[pending[i][3]] for i in idx],
            corpus.block_context(blocks),
        ).probability
        probability.update((i, round(float(p), 4)) for i, p in zip(idx, scores.tolist(), strict=True))
    out: dict[str, list[ReviewItem]] = {prof.id: [] for prof, _ in people}
    for i, (prof, ref, work_fit, typical) in enumerate(pending):
        if i not in probability:
            continue
        out[prof.id].append(
            ReviewItem(
                ref.signature_id,
                ref.printed_name,
                ref.work_id,
                ref.title,
                snippet(ref.abstract),
                prof.id,
                prof.name,
                work_fit,
                probability[i],
                ref.signature_id,
                typical,
            )
        )
    return out


def sort_queue(items: Sequence[ReviewItem]) -> list[ReviewItem]:
    """The least probable pairs first."""
    return sorted(items, key=lambda x: (x.probability, x.person_id, x.work_id))


def review_queue(store: Store, model: Any, limit: int | None = 50) -> list[ReviewItem]:
    """The review queue of a store: the least probable assignments over :func:`review_candidates`, the
    least probable first, scored by ``model`` (a fitted Disambiguator, or a :class:`~byline.scorer.Scorer`)
    with the store's own name counts, as ``audit``, ``explain`` and the web app score. A fixed number of
    statements whatever the number of people."""
    from byline.people.corpus import load_corpus, load_signatures
    from byline.scorer import Scorer

    conn = store.connection
    corpus = load_corpus(store)
    scorer = model if isinstance(model, Scorer) else Scorer.for_corpus(model, corpus.signatures.values())
    rows = review_candidates(store)
    found, implicit = load_signatures(store, [s for r in rows for s in r.signature_ids])
    profiles = [
        summarize(r.id, [found[s] for s in r.signature_ids if s in found], implicit=implicit) for r in rows
    ]
    works = store.works_by_id(sorted({w for p in profiles for w in p.work_ids}))
    placed, names = repo.assignments(conn), repo.person_names(conn)
    fits = [
        (p, person_fit(p.id, p.name, [works[w] for w in p.work_ids if w in works], scorer, placed, names))
        for p in profiles
    ]
    queue = sort_queue([it for items in review_items(corpus, scorer, fits).values() for it in items])
    return queue if limit is None else queue[:limit]
