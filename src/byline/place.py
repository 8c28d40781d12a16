"""Placement (RND): attach new signatures of one block to the people already there (pure given a scorer).

Used by :func:`byline.people.assign`, which touches only the blocks that received new signatures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

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
    person. The new signatures are clustered together with the existing people by the average linkage
    clustering uses, with every person kept whole (its members must-linked) and never merged with another
    (cannot-linked): a new signature, or a group of new signatures that belong together, joins the person
    whose members' mean same-person probability reaches ``threshold``, unless a ``cannot`` pair or a name
    rule forbids it. Deciding the new signatures jointly rather than one by one lets two new papers of one
    person that each resemble the person only weakly join it together (RND benchmark on dev, 2026-11-30:
    B3 F1 after assign +0.006 to +0.009 against placing each by its mean probability alone).
    ``forced`` (curation) attaches first. ``max_members`` is kept for callers; every member is scored.
    Returns (new signature -> person, the new signatures left unplaced, to be clustered among themselves).
    """
    del max_members  # every member is scored: averages over a sample would count the rest as p = 0
    from byline.cluster import cluster_block

    cannot = cannot or set()
    forced = dict(forced or {})
    scorer = scorer if isinstance(scorer, Scorer) else Scorer(scorer)
    threshold = scorer.threshold if threshold is None else threshold
    by_id = {s.id: s for s in sorted(block_sigs, key=lambda s: s.id)}
    ids = list(by_id)
    pos = {sid: k for k, sid in enumerate(ids)}
    people: dict[str, list[int]] = defaultdict(list)
    for sid, pid in person_of.items():
        if sid in pos:
            people[pid].append(pos[sid])
    attach = {s: forced[s] for s in new if s in forced}
    todo = sorted(s for s in new if s not in forced and s in pos)
    missing = [s for s in new if s not in forced and s not in pos]
    if not todo:
        return attach, missing
    # the forced ones count as members of their person
    for s, pid in attach.items():
        if s in pos:
            people[pid].append(pos[s])
    person_at: dict[int, str] = {k: pid for pid, mem in people.items() for k in mem}
    mine = np.array([pos[s] for s in todo], dtype=np.int64)
    others = np.arange(len(ids), dtype=np.int64)
    ii = np.repeat(mine, len(others))
    jj = np.tile(others, len(mine))
    keep = (ii != jj) & ~(np.isin(jj, mine) & (jj < ii))  # each new-new pair once
    ii, jj = ii[keep], jj[keep]
    data = scorer.data(list(by_id.values()))
    scores = scorer.score(data, ii, jj, mask=False)
    ml: list[tuple[int, int]] = []
    cl: list[tuple[int, int]] = list(zip(ii[scores.cannot].tolist(), jj[scores.cannot].tolist(), strict=True))
    heads = []
    for pid in sorted(people):
        mem = sorted(people[pid])
        heads.append(mem[0])
        ml.extend((mem[0], m) for m in mem[1:])
    cl.extend((a, b) for x, a in enumerate(heads) for b in heads[x + 1 :])
    new_at = set(mine.tolist())
    for pair in cannot:  # curation: only the ones involving a new signature can matter here
        if len(pair) != 2:
            continue
        a, b = sorted(pair)
        if a in pos and b in pos and (pos[a] in new_at or pos[b] in new_at):
            cl.append((pos[a], pos[b]))
    labels = cluster_block(len(ids), ii, jj, scores.probability, threshold, must_link=ml, cannot_link=cl)
    owner_of_label: dict[int, str] = {}
    for k, pid in person_at.items():
        owner_of_label[int(labels[k])] = pid
    rest = list(missing)
    for s in todo:
        found = owner_of_label.get(int(labels[pos[s]]))
        if found is None:
            rest.append(s)
        else:
            attach[s] = found
    return attach, rest
