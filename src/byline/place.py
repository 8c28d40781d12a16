"""Placement (RND): attach new signatures of one block to the people already there (pure given a scorer).

Used by :func:`byline.people.assign`, which touches only the blocks that received new signatures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

from byline.records import Signature
from byline.scorer import PairModel, Scorer

__all__ = ["place_in_block", "people_of"]


def people_of(people: Mapping[str, Sequence[str]]) -> Iterator[tuple[str, str]]:
    """(signature id, person id) pairs of a person -> members mapping."""
    for pid, mem in people.items():
        for sid in mem:
            yield sid, pid


def place_in_block(
    block_sigs: Sequence[Signature],
    person_of: Mapping[str, str],
    new: Sequence[str],
    scorer: Scorer | PairModel,
    *,
    cannot: set[frozenset[str]] | None = None,
    forced: Mapping[str, str] | None = None,
    max_members: int = 50,
    threshold: float | None = None,
) -> tuple[dict[str, str], list[str]]:
    """Attach new signatures of one block to existing people (pure given the scorer).

    ``block_sigs``: every signature of the block (existing and new); ``person_of``: existing signature ->
    person. A new signature joins the person with the highest mean probability over (at most
    ``max_members`` of) its members when that mean reaches ``threshold`` and no ``cannot`` pair forbids it.
    Returns (new signature -> person, the new signatures left unplaced, to be clustered among themselves).
    """
    cannot = cannot or set()
    forced = dict(forced or {})
    scorer = scorer if isinstance(scorer, Scorer) else Scorer(scorer)
    threshold = scorer.threshold if threshold is None else threshold
    by_id = {s.id: s for s in block_sigs}
    pos = {sid: k for k, sid in enumerate(by_id)}
    people: dict[str, list[str]] = defaultdict(list)
    for sid, pid in person_of.items():
        if sid in pos:
            people[pid].append(sid)
    samples = {pid: _sample_members(sorted(mem), by_id, max_members) for pid, mem in people.items()}
    todo = [s for s in new if s not in forced]
    ii: list[int] = []
    jj: list[int] = []
    owner: list[tuple[str, str]] = []
    for s in todo:
        for pid in sorted(samples):
            mem = samples[pid]
            if any(frozenset((s, m)) in cannot for m in people[pid]):
                continue
            ii.extend([pos[s]] * len(mem))
            jj.extend(pos[m] for m in mem)
            owner.extend([(s, pid)] * len(mem))
    attach = dict(forced)
    rest = []
    if ii:
        data = scorer.data(list(by_id.values()))
        probs = scorer.proba(data, ii, jj)
        sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
        for key, p in zip(owner, probs.tolist(), strict=True):
            acc = sums[key]
            acc[0] += p
            acc[1] += 1
        best: dict[str, tuple[float, str]] = {}
        for (s, pid), (tot, n) in sums.items():
            mean = tot / n
            if s not in best or mean > best[s][0] or (mean == best[s][0] and pid < best[s][1]):
                best[s] = (mean, pid)
    else:
        best = {}
    for s in todo:
        if s in best and best[s][0] >= threshold:
            attach[s] = best[s][1]
        else:
            rest.append(s)
    return attach, rest


def _sample_members(mem: Sequence[str], by_id: Mapping[str, Signature], k: int) -> list[str]:
    """At most ``k`` members, the most recent first (deterministic)."""
    if len(mem) <= k:
        return list(mem)
    return sorted(mem, key=lambda s: (-(by_id[s].year or 0), s))[:k]
