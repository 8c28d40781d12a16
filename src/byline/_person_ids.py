"""Stable person ids: match a new clustering to the people already stored (pure).

Rules, all deterministic:

* a new cluster continues the old person it shares the most signatures with; ties go to the smaller
  person id, then to the cluster with the smaller first signature id;
* each old person continues at most one cluster; a cluster continues at most one person;
* an old person that continues no cluster but whose signatures now sit in other clusters was merged:
  its id redirects to the person holding most of its signatures (ties: smaller id);
* an old person none of whose signatures exist any more is dropped (no redirect target);
* a cluster that continues nobody gets ``new_person_id(first signature id)``, salted if that id was
  ever used before (so a retired id is never reused).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from byline.records import stable_id


def new_person_id(first_signature: str, taken: Iterable[str] | set[str] = ()) -> str:
    """The id of a brand-new person, derived from its smallest signature id; never one in ``taken``."""
    taken = taken if isinstance(taken, set) else set(taken)
    pid = stable_id("P", first_signature)
    k = 0
    while pid in taken:
        k += 1
        pid = stable_id("P", first_signature, k)
    return pid


@dataclass
class IdMatch:
    """Result of :func:`match_people`."""

    ids: dict[str, str] = field(default_factory=dict)  # cluster key -> person id
    redirects: dict[str, str] = field(default_factory=dict)  # retired person id -> surviving person id
    dropped: list[str] = field(default_factory=list)  # old people with no signature left
    new: list[str] = field(default_factory=list)  # person ids created by this match

    def person_of(self, clusters: Mapping[str, str]) -> dict[str, str]:
        """Signature id -> person id, given the clustering that was matched."""
        return {sig: self.ids[c] for sig, c in clusters.items()}


def match_people(
    old: Mapping[str, str],
    clusters: Mapping[str, str],
    taken: Iterable[str] = (),
) -> IdMatch:
    """Give every cluster of ``clusters`` (signature -> cluster key) a person id.

    ``old`` maps signature -> person id as currently stored; ``taken`` lists every id ever used
    (current and retired) so new ids never collide with them.
    """
    members: dict[str, list[str]] = {}
    for sig, c in clusters.items():
        members.setdefault(c, []).append(sig)
    first = {c: min(sigs) for c, sigs in members.items()}
    overlap: Counter[tuple[str, str]] = Counter()
    for sig, c in clusters.items():
        p = old.get(sig)
        if p is not None:
            overlap[(c, p)] += 1
    ranked = sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0][1], first[kv[0][0]]))
    out = IdMatch()
    used_people: set[str] = set()
    for (c, p), _n in ranked:
        if c in out.ids or p in used_people:
            continue
        out.ids[c] = p
        used_people.add(p)
    taken_set = set(taken) | set(old.values())
    for c in sorted(members, key=lambda c: first[c]):
        if c not in out.ids:
            pid = new_person_id(first[c], taken_set)
            taken_set.add(pid)
            out.ids[c] = pid
            out.new.append(pid)
    # old people that continue nothing: merged (redirect) or gone (dropped)
    where: dict[str, Counter[str]] = {}
    for (c, p), n in overlap.items():
        where.setdefault(p, Counter())[out.ids[c]] += n
    for p in sorted(set(old.values()) - used_people):
        if p in where:
            target = sorted(where[p].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            out.redirects[p] = target
        else:
            out.dropped.append(p)
    return out


def follow(redirects: Mapping[str, str], pid: str, limit: int = 1000) -> str:
    """Follow a redirect chain to the current id (cycles are cut after ``limit`` hops)."""
    seen = 0
    while pid in redirects and seen < limit:
        pid = redirects[pid]
        seen += 1
    return pid
