"""Curation events (merge, split, lock, claim, undo, unlock) and the constraints they replay as.

A curation event is stored with the *signature ids* it was about when the curator made it, so it
means the same thing on every later ``disambiguate`` or ``assign`` -- including a rebuild from
scratch, when person ids are recomputed.

The events are the truth, replayed in order; each one puts the signatures it names into *curated
groups*, and **a later event wins over an earlier one for the signatures it names**:

``merge P1 P2``         the signatures of P1 and P2 become one group.
``split P --works W``   P's signatures on W become one group and the rest of P another.
``claim P --works W``   (and ``move``) P's signatures plus the claimed ones become one group; what is left
                        of each person the works came from becomes a group of its own.
``lock P``              P's signatures become one group, *frozen*: no run moves a signature into or out
                        of it, and an event that would change it is refused until ``unlock P``.
``undo EVENT``          the event no longer counts (the log is append-only): replay without it.
``unlock P``            the lock events on P no longer count.

A signature an event takes out of a group leaves the rest of that group behind as a group. What an
event shows at once is what every run shows afterwards: each group is one person, and two different
groups are never joined by a run (two groups split out of one person included) -- only a curator's merge
or claim joins them. The model may add uncurated signatures to any person that is not locked.

ORCID iDs are *identity evidence*, below curation and above the model (:meth:`ConstraintSet.for_signatures`
with ``signatures``): the same iD on two signatures must-links them, different iDs cannot-link them,
unless curation decides the pair (or a lock freezes one side), or the engine's own rules forbid it.

:class:`ConstraintSet` replays the events that count, in order, and refuses an event that would change a
locked person with a one-line :class:`~byline.ConstraintError` naming the lock event and how to lift it.
Everything here is pure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from byline._errors import ConstraintError
from byline._unionfind import UnionFind
from byline.cluster import Constraints  # the one constraints type, shared with the clusterer
from byline.names import compatible
from byline.records import Signature

EVENT_KINDS = ("merge", "split", "lock", "claim", "undo", "unlock")
REVERTING_KINDS = (
    "undo",
    "unlock",
)  # events whose payload ``reverts`` lists the event ids that stop counting


@dataclass(frozen=True, slots=True)
class Event:
    """One curation event as stored: ``payload`` holds the signature ids it constrains."""

    id: int
    kind: str
    person: str
    payload: Mapping[str, Any]
    who: str = ""
    at: str = ""
    why: str = ""

    def describe(self, new: bool = False) -> str:
        """One line; ``new``: the event is being proposed, not stored ("this merge ..." instead of "event #n")."""
        return f"this {self.summary()}" if new else f"event #{self.id} ({self.summary()})"

    def summary(self) -> str:
        """What the event did, by whom and why, in a few words."""
        p = self.payload
        if self.kind == "merge":
            what = f"merge of {p.get('from')} into {p.get('into')}"
        elif self.kind == "split":
            what = f"split of works {', '.join(p.get('works', []))} out of {self.person} into {p.get('new_person')}"
        elif self.kind == "lock":
            what = f"lock of {self.person}"
        elif self.kind == "claim":
            what = f"claim of works {', '.join(p.get('works', []))} for {self.person}"
        elif self.kind in REVERTING_KINDS:
            ids = ", ".join(f"#{i}" for i in p.get("reverts", []))
            what = f"{self.kind} of {self.person}" if self.kind == "unlock" else f"undo of event {ids}"
            if self.kind == "unlock" and ids:
                what += f" (reverts {ids})"
        else:  # pragma: no cover - kinds are validated on the way in
            what = f"{self.kind} {self.person}"
        by = f" by {self.who}" if self.who else ""
        why = f": {self.why}" if self.why else ""
        return f"{what}{by}{why}"

    def reverts(self) -> list[int]:
        """The ids of the events this undo / unlock makes stop counting (empty for other kinds)."""
        return [int(i) for i in self.payload.get("reverts", [])] if self.kind in REVERTING_KINDS else []

    def to_dict(self) -> dict[str, Any]:
        """The event as CLI and API show it (one vocabulary: ``id``, ``kind``, ``person``, ``who``, ``at``,
        ``why``, ``description``, ``payload``)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "person": self.person,
            "who": self.who,
            "at": self.at,
            "why": self.why,
            "description": self.describe(),
            "payload": dict(self.payload),
        }

    def payload_json(self) -> str:
        return json.dumps(dict(self.payload), sort_keys=True)


def event_log(events: Sequence[Event]) -> list[dict[str, Any]]:
    """Events as CLI (``history --json``) and API show them: :meth:`Event.to_dict` plus ``undone_by``, the id
    of the undo / unlock event that reverted it (None while it counts)."""
    undone = {i: e.id for e in events for i in e.reverts()}
    return [{**e.to_dict(), "undone_by": undone.get(e.id)} for e in events]


def lift_lock(lock: Event) -> str:
    """What a refusal says about a lock: the event and how to lift it."""
    return f"person {lock.person} is locked by {lock.describe()}; lift it with `unlock {lock.person}`"


@dataclass
class ConstraintSet:
    """The curated groups of the events that count, which of them are locked, and the event behind each.

    ``ignored`` lists the stored events a lenient replay skipped (with the reason): events an older
    version accepted that the rules now refuse, such as a claim out of a locked person.
    """

    _group: dict[str, int] = field(default_factory=dict)  # signature -> group number
    _members: dict[int, frozenset[str]] = field(default_factory=dict)
    _made: dict[int, Event] = field(default_factory=dict)  # group -> the event that formed it
    _locks: dict[int, Event] = field(default_factory=dict)  # locked group -> its lock event
    _next: int = 0
    events: list[Event] = field(default_factory=list)  # the events that count, in order
    log: list[Event] = field(default_factory=list)  # every event seen, undone ones and undos included
    ignored: list[tuple[Event, str]] = field(default_factory=list)

    # -- queries ----------------------------------------------------------------------------------
    def constrained(self, x: str) -> bool:
        """Whether a counting event put ``x`` in a curated group."""
        return x in self._group

    def linked(self, a: str, b: str) -> bool:
        """Whether curation keeps ``a`` and ``b`` in one person."""
        return a == b or (a in self._group and self._group.get(a) == self._group.get(b))

    def component(self, x: str) -> set[str]:
        """``x``'s curated group (just ``{x}`` when uncurated)."""
        g = self._group.get(x)
        return {x} if g is None else set(self._members[g])

    def groups(self) -> list[frozenset[str]]:
        """Every curated group, in the order they were formed."""
        return [self._members[g] for g in sorted(self._members)]

    def locked_components(self) -> list[frozenset[str]]:
        """The locked groups (each exactly the members it was locked with)."""
        return [self._members[g] for g in sorted(self._locks)]

    def lock_of(self, x: str) -> Event | None:
        """The lock event freezing ``x``'s person, if any."""
        g = self._group.get(x)
        return None if g is None else self._locks.get(g)

    def group_key(self, x: str) -> int | None:
        """A number naming ``x``'s curated group in this replay (None when uncurated)."""
        return self._group.get(x)

    def made_by(self, x: str) -> Event | None:
        """The event that formed ``x``'s curated group (the last word on ``x``)."""
        g = self._group.get(x)
        return None if g is None else self._made[g]

    def decided_by(self, a: str, b: str) -> tuple[str, Event] | None:
        """``("must-link" | "cannot-link", event)`` when curation decides the pair ``a``, ``b``."""
        ga, gb = self._group.get(a), self._group.get(b)
        if a != b and ga is not None and ga == gb:
            return "must-link", self._made[ga]
        for g in (ga, gb):
            if g is not None and g in self._locks:
                return "cannot-link", self._locks[g]
        if (
            ga is not None and gb is not None
        ):  # two curated groups: the later of the two events keeps them apart
            return "cannot-link", max(self._made[ga], self._made[gb], key=lambda e: e.id)
        return None

    # -- events -----------------------------------------------------------------------------------
    def add(self, event: Event) -> None:
        """Add one event, or raise :class:`ConstraintError` (and change nothing).

        An undo / unlock replays every earlier event except the ones it reverts; it is refused when a
        later event would then be refused (naming that event).
        """
        if event.kind in REVERTING_KINDS:
            self._add_revert(event)
            return
        self._apply(event)
        self.events.append(event)
        self.log.append(event)

    def _regroups(self, event: Event) -> list[frozenset[str]]:
        """The groups an event forms (each replaces whatever groups its members were in), as it names them."""
        p = event.payload
        if event.kind not in EVENT_KINDS:
            raise ConstraintError(f"unknown curation event kind {event.kind!r} in event #{event.id}")
        if event.kind == "merge":
            return [frozenset(p["a"]) | frozenset(p["b"])]
        if event.kind == "split":
            return [frozenset(g) for g in (p["moved"], p["kept"]) if g]
        if event.kind == "lock":
            return [frozenset(p["members"])]
        if event.kind == "claim":
            claimed = frozenset(p["signatures"])
            home = frozenset(p["anchor"]) | claimed
            rests = [frozenset(r) for r in p.get("rest", [])]
            if "rest" not in p:  # stored before claims named whole persons: one anchor stands for its group,
                home |= {m for s in p["anchor"] if s in self._group for m in self._members[self._group[s]]}
                rests = [
                    self._members[self._group[c]] for c in claimed if c in self._group
                ]  # and what is left
            rest = {r - home for r in rests}
            return [home, *sorted((r for r in rest if r), key=min)]
        return []

    def _with_groupmates(self, sets: list[frozenset[str]], kind: str) -> list[frozenset[str]]:
        """Each named set plus the members of the curated groups it touches that the event does not name,
        when all the named members of that group go to this one set (their earlier word still holds: they
        follow) -- refused when that set also takes members of another group, whose earlier word keeps them
        apart. An event names whole persons, so this matters only on a replay without an undone event."""
        named: frozenset[str] = frozenset().union(*sets) if sets else frozenset()
        out = [set(x) for x in sets]
        sources: dict[int, set[int]] = {}  # named set -> the curated groups its named members come from
        followers: dict[int, set[int]] = {}  # named set -> the groups whose unnamed members follow into it
        for g in sorted({self._group[s] for s in named if s in self._group}):
            members = self._members[g]
            targets = [k for k, x in enumerate(sets) if x & members]
            for k in targets:
                sources.setdefault(k, set()).add(g)
            if len(targets) == 1 and members - named:
                out[targets[0]] |= members - named
                followers.setdefault(targets[0], set()).add(g)
        for k in followers:
            if len(sources[k]) > 1:  # the followers would join works an earlier event kept apart from them
                raise ConstraintError(f"{kind} refused: it would join works that earlier events keep apart")
        return [frozenset(x) for x in out]

    def _apply(self, event: Event) -> None:
        new = self._with_groupmates(self._regroups(event), event.kind)
        for g, lock in self._locks.items():  # a locked person is frozen
            members = self._members[g]
            for s in new:
                if s & members and s != members:
                    raise ConstraintError(f"{event.kind} refused: {lift_lock(lock)}")
        for s in new:
            g = self._regroup(s, event)
            if event.kind == "lock":
                self._locks[g] = event

    def _regroup(self, sigs: frozenset[str], event: Event) -> int:
        olds = {self._group[s] for s in sigs if s in self._group}
        if len(olds) == 1:
            (g,) = olds
            if (
                self._members[g] == sigs
            ):  # exactly an existing group: it stays (its first event stays the cause)
                return g
        g = self._next
        self._next += 1
        for o in olds:
            left = self._members[o] - sigs
            if left:
                self._members[o] = left
            else:
                del self._members[o], self._made[o]
                self._locks.pop(o, None)
        for s in sigs:
            self._group[s] = g
        self._members[g] = sigs
        self._made[g] = event
        return g

    def _add_revert(self, event: Event) -> None:
        known = {e.id: e for e in self.log}
        reverted = self.reverted()
        for i in event.reverts():
            target = known.get(i)
            if target is None:
                raise ConstraintError(f"{event.kind} refused: there is no curation event #{i}")
            if target.kind in REVERTING_KINDS:
                raise ConstraintError(
                    f"{event.kind} refused: event #{i} is itself an {target.kind}; "
                    "record the original change again instead"
                )
            if i in reverted:
                by = next(e.id for e in self.log if i in e.reverts())
                raise ConstraintError(
                    f"{event.kind} refused: event #{i} was already undone by event #{by}; "
                    "record the change again to redo it"
                )
        try:
            fresh = ConstraintSet.replay([*self.log, event], strict=True)
        except ConstraintError as exc:
            blocker = getattr(exc, "event", None)
            reason = str(exc).split(" refused: ", 1)[-1]
            what = (
                f"{blocker.describe()} came later and could not stand without it ({reason}); "
                f"undo event #{blocker.id} first"
                if blocker
                else str(exc)
            )
            raise ConstraintError(f"{event.kind} refused: {what}") from None
        self._assign(fresh)

    def _assign(self, other: ConstraintSet) -> None:
        for name in ("_group", "_members", "_made", "_locks", "_next", "events", "log", "ignored"):
            setattr(self, name, getattr(other, name))

    def reverted(self) -> set[int]:
        """Ids of the events an undo / unlock made stop counting."""
        return {i for e in self.log for i in e.reverts()}

    @classmethod
    def replay(cls, events: Iterable[Event], strict: bool = False) -> ConstraintSet:
        """The groups of the events that count (not undone), in order; the log keeps them all.

        ``strict``: an event the rules refuse raises (its ``event`` attribute names it); otherwise it is
        skipped and listed in ``ignored`` (a log written before a rule existed still replays).
        """
        events = list(events)
        reverted = {i for e in events for i in e.reverts()}
        out = cls()
        for e in events:
            if e.kind in REVERTING_KINDS or e.id in reverted:
                out.log.append(e)
                continue
            try:
                out.add(e)
            except ConstraintError as exc:
                if strict:
                    exc.event = e  # type: ignore[attr-defined]
                    raise
                out.ignored.append((e, str(exc)))
                out.log.append(e)
        return out

    def extend(self, events: Iterable[Event]) -> ConstraintSet:
        """Add events one by one (refusals raise)."""
        for e in events:
            self.add(e)
        return self

    def copy(self) -> ConstraintSet:
        return ConstraintSet(
            dict(self._group),
            dict(self._members),
            dict(self._made),
            dict(self._locks),
            self._next,
            list(self.events),
            list(self.log),
            list(self.ignored),
        )

    # -- output -----------------------------------------------------------------------------------
    def for_signatures(
        self,
        sig_ids: Iterable[str],
        block_of: Mapping[str, str] | None = None,
        signatures: Mapping[str, Signature] | None = None,
    ) -> Constraints:
        """The pairwise constraints among ``sig_ids`` (ids not in the set are dropped).

        * each curated group must-links (a chain per block, and the blocks' first members to each other);
        * two curated groups of one block cannot-link (one pair of representatives is enough: the
          clusterer joins must-linked signatures first, and one cannot-linked pair keeps two clusters apart);
        * a locked group cannot-links every other signature of its blocks;
        * with ``signatures`` (id -> :class:`~byline.records.Signature`), ORCID iDs join and separate what
          curation left undecided (see :func:`identity_links`).

        ``block_of`` maps signature id to block; without it every signature counts as one block.
        """
        present = set(sig_ids)
        blk: Callable[[str], str] = (lambda s: "") if block_of is None else (lambda s: block_of.get(s, ""))
        # group -> block -> present members (sorted)
        parts: dict[int, dict[str, list[str]]] = {}
        for s in sorted(present):
            g = self._group.get(s)
            if g is not None:
                parts.setdefault(g, {}).setdefault(blk(s), []).append(s)
        must: set[tuple[str, str]] = set()
        cannot: set[tuple[str, str]] = set()
        reps: dict[str, list[tuple[int, str]]] = {}  # block -> (group, representative)
        for g, by_block in parts.items():
            firsts = []
            for b, members in sorted(by_block.items()):
                must.update((members[0], m) for m in members[1:])
                firsts.append(members[0])
                reps.setdefault(b, []).append((g, members[0]))
            must.update((firsts[0], f) for f in firsts[1:])
        for items in reps.values():
            for k, (_, x) in enumerate(items):
                for _, y in items[k + 1 :]:
                    cannot.add((min(x, y), max(x, y)))
        locked_reps = {b: [(g, r) for g, r in items if g in self._locks] for b, items in reps.items()}
        locked_reps = {b: items for b, items in locked_reps.items() if items}
        if locked_reps:
            for y in present:
                for g, r in locked_reps.get(blk(y), ()):
                    if self._group.get(y) != g:
                        cannot.add((min(r, y), max(r, y)))
        if signatures is not None:
            m2, c2 = identity_links(self, [s for s in sorted(present) if s in signatures], signatures, blk)
            must.update(m2)
            cannot.update(c2)
        return Constraints(tuple(sorted(must)), tuple(sorted(cannot)))


def normalize_orcid(value: str | None) -> str | None:
    """An ORCID iD in one form (16 characters, digits and a final X), or None when there is none."""
    if not value:
        return None
    core = re.sub(r"[^0-9X]", "", value.upper())[-16:]
    return core if len(core) == 16 else None


def identity_links(
    cs: ConstraintSet,
    sig_ids: Sequence[str],
    signatures: Mapping[str, Signature],
    block_of: Callable[[str], str],
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Must-link and cannot-link pairs from ORCID iDs, below curation: two signatures with one iD are
    joined unless curation keeps them apart (two curated groups, or a lock on one side) or the engine's
    own rules do (one paper, incompatible names); two with different iDs are kept apart unless curation
    joined them. Signatures without an iD are left to the model."""
    ids = {s: normalize_orcid(signatures[s].orcid) for s in sig_ids}
    with_id = sorted(s for s, i in ids.items() if i)
    if not with_id:
        return set(), set()
    uf: UnionFind[str] = UnionFind(with_id)
    curated: dict[str, int | None] = {s: cs._group.get(s) for s in with_id}  # root -> curated group
    works: dict[str, set[str]] = {s: {signatures[s].work_id} for s in with_id}
    names: dict[str, set[str]] = {s: {signatures[s].name} for s in with_id}
    first_of: dict[int, str] = {}
    for s in with_id:  # a curated group is one unit, whatever iDs its members carry
        g = curated[s]
        if g is not None:
            head = first_of.setdefault(g, s)
            if head != s:
                ra, rb = uf.find(head), uf.find(s)
                root = uf.union(ra, rb)
                other = rb if root == ra else ra
                works[root] |= works.pop(other)
                names[root] |= names.pop(other)
    by_id: dict[str, list[str]] = {}
    for s in with_id:
        by_id.setdefault(str(ids[s]), []).append(s)
    for same in by_id.values():
        for x in same[1:]:
            ra, rb = uf.find(same[0]), uf.find(x)
            if ra == rb:
                continue
            ga, gb = curated[ra], curated[rb]
            locked = any(g is not None and g in cs._locks for g in (ga, gb))
            if ga != gb and ((ga is not None and gb is not None) or locked):
                continue  # curation keeps them apart (two curated groups, or a frozen person)
            if works[ra] & works[rb] or not all(compatible(a, b) for a in names[ra] for b in names[rb]):
                continue  # the engine's own rules keep them apart
            root = uf.union(ra, rb)
            other = rb if root == ra else ra
            curated[root] = ga if ga is not None else gb
            works[root] |= works.pop(other)
            names[root] |= names.pop(other)
    must: set[tuple[str, str]] = set()
    comp_ids: dict[str, set[str]] = {}
    for root, members in uf.groups().items():
        members.sort()
        must.update((members[0], m) for m in members[1:])
        comp_ids[root] = {str(ids[m]) for m in members}
    cannot: set[tuple[str, str]] = set()
    per_block: dict[str, dict[str, str]] = {}  # block -> component root -> representative
    for s in with_id:
        per_block.setdefault(block_of(s), {}).setdefault(uf.find(s), s)
    for comps in per_block.values():
        items = sorted(comps.items())
        for k, (ra, x) in enumerate(items):
            for rb, y in items[k + 1 :]:
                if comp_ids[ra] & comp_ids[rb] or cs.linked(x, y):
                    continue
                cannot.add((min(x, y), max(x, y)))
    return must, cannot


def identity_decision(a: Signature, b: Signature) -> tuple[str, str] | None:
    """``("must-link" | "cannot-link", reason)`` when ORCID iDs decide the pair (before curation)."""
    ia, ib = normalize_orcid(a.orcid), normalize_orcid(b.orcid)
    if not ia or not ib:
        return None
    if ia == ib:
        return "must-link", f"both signatures carry ORCID iD {_dashed(ia)}"
    return "cannot-link", f"different ORCID iDs ({_dashed(ia)} vs {_dashed(ib)})"


def _dashed(orcid: str) -> str:
    return "-".join(orcid[k : k + 4] for k in range(0, 16, 4))


def _work(signature_id: str) -> str:
    return signature_id.split("#", 1)[0]


def _event_sigs(event: Event) -> set[str]:
    out: set[str] = set()
    for v in event.payload.values():
        if isinstance(v, list) and all(isinstance(x, str) for x in v):
            out.update(v)
    return out


def chain(groups: Sequence[Sequence[str]]) -> list[tuple[str, str]]:
    """Must-link pairs chaining each group's members (sorted) to its first member."""
    out: list[tuple[str, str]] = []
    for g in groups:
        items = sorted(set(g))
        out.extend((items[0], s) for s in items[1:])
    return out
