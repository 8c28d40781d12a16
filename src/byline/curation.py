"""Curation events (merge, split, lock, claim, undo, unlock) and the constraints they replay as.

A curation event is stored with the *signature ids* it was about when the curator made it, so it
means the same thing on every later ``disambiguate`` or ``assign`` -- including a rebuild from
scratch, when person ids are recomputed.  Each event becomes must-link / cannot-link constraints:

``merge P1 P2``         every signature of P1 and P2 must-link (one person).
``split P --works W``   the signatures of P on W form a *group*: they must-link to each other and
                        cannot-link the person they left (P's other signatures, minus whatever a
                        later split moves out of P: split-out groups are not kept apart from each other).
``lock P``              P's signatures must-link to each other and cannot-link every other signature
                        of their blocks (the model can no longer change P; curators still can).
``claim P --works W``   the owner's signatures on W must-link to P (to one anchor signature of P).
``undo EVENT``          the event no longer counts (events stay: the log is append-only).
``unlock P``            the lock events on P no longer count.

:class:`ConstraintSet` replays the events that count, in order, and refuses one that re-joins what a
curator separated (or separates what a curator joined) with a one-line :class:`~byline.ConstraintError`
naming the event to undo.  Everything here is pure.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from byline._errors import ConstraintError
from byline.cluster import Constraints  # the one constraints type, shared with the clusterer

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


@dataclass
class ConstraintSet:
    """Must-link components (union-find), cannot-link edges between groups, and locks.

    Each constraint remembers the event that made it so a contradiction names its cause.
    """

    _parent: dict[str, str] = field(default_factory=dict)
    _cannot: list[tuple[frozenset[str], frozenset[str], Event]] = field(default_factory=list)
    _locks: list[tuple[frozenset[str], Event]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)  # the events that count, in order
    log: list[Event] = field(default_factory=list)  # every event seen, undone ones and undos included

    # -- union-find -------------------------------------------------------------------------------
    def find(self, x: str) -> str:
        parent = self._parent
        if x not in parent:
            return x
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def _union(self, a: str, b: str) -> None:
        self._parent.setdefault(a, a)
        self._parent.setdefault(b, b)
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))  # deterministic root
            self._parent[hi] = lo

    def component(self, x: str) -> set[str]:
        root = self.find(x)
        return {s for s in self._parent if self.find(s) == root} | {x}

    def constrained(self, x: str) -> bool:
        """Whether any counting event must-links ``x`` to something."""
        return x in self._parent

    def linked(self, a: str, b: str) -> bool:
        return a == b or self.find(a) == self.find(b)

    # -- events -----------------------------------------------------------------------------------
    def add(self, event: Event) -> None:
        """Add one event's constraints, or raise :class:`ConstraintError` (and change nothing).

        An undo / unlock replays every earlier event except the ones it reverts; it is refused when a
        later event only holds because of a reverted one (naming that event).
        """
        if event.kind in REVERTING_KINDS:
            self._add_revert(event)
            return
        must, cannot, lock = _event_constraints(event)
        trial = self.copy()
        if event.kind == "split":  # the moved group leaves its person: earlier splits no longer keep it apart
            moved = frozenset(event.payload["moved"])
            trial._cannot = [
                (a, b - moved, why) if why.kind == "split" else (a, b, why) for a, b, why in trial._cannot
            ]
        for group in must:
            items = sorted(group)
            for s in items[1:]:
                trial._union(items[0], s)
        for a, b in cannot:
            trial._cannot.append((frozenset(a), frozenset(b), event))
        if lock:
            trial._locks.append((frozenset(lock), event))
        trial._check(event)
        self._parent, self._cannot, self._locks = trial._parent, trial._cannot, trial._locks
        self.events.append(event)
        self.log.append(event)

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
                raise ConstraintError(f"{event.kind} refused: event #{i} was already undone")
        try:
            fresh = ConstraintSet.replay([*self.log, event])
        except ConstraintError as exc:
            blocker = getattr(exc, "event", None)
            what = (
                f"{blocker.describe()} depends on it; undo event #{blocker.id} first" if blocker else str(exc)
            )
            raise ConstraintError(f"{event.kind} refused: {what}") from None
        self._parent, self._cannot, self._locks = fresh._parent, fresh._cannot, fresh._locks
        self.events, self.log = fresh.events, fresh.log

    def reverted(self) -> set[int]:
        """Ids of the events an undo / unlock made stop counting."""
        return {i for e in self.log for i in e.reverts()}

    @classmethod
    def replay(cls, events: Iterable[Event]) -> ConstraintSet:
        """The constraints of the events that count (not undone), in order; the log keeps them all."""
        events = list(events)
        reverted = {i for e in events for i in e.reverts()}
        out = cls()
        for e in events:
            if e.kind not in REVERTING_KINDS and e.id not in reverted:
                try:
                    out.add(e)
                except ConstraintError as exc:
                    exc.event = e  # type: ignore[attr-defined]
                    raise
            else:
                out.log.append(e)
        return out

    def extend(self, events: Iterable[Event]) -> ConstraintSet:
        events = list(events)
        if not self.log and any(e.kind in REVERTING_KINDS for e in events):
            fresh = ConstraintSet.replay(events)
            self._parent, self._cannot, self._locks = fresh._parent, fresh._cannot, fresh._locks
            self.events, self.log = fresh.events, fresh.log
            return self
        for e in events:
            self.add(e)
        return self

    def copy(self) -> ConstraintSet:
        return ConstraintSet(
            dict(self._parent), list(self._cannot), list(self._locks), list(self.events), list(self.log)
        )

    def _check(self, event: Event) -> None:
        verb = event.kind
        for a, b, why in self._cannot:
            roots_a = {self.find(s) for s in a}
            clash = sorted(s for s in b if self.find(s) in roots_a)
            if clash:
                work = _work(clash[0])
                if why is event:  # the new event separates what earlier events joined
                    other = self._blame(clash[0], exclude=event)
                    raise ConstraintError(
                        f"{verb} refused: it would separate work {work} from the person "
                        + (
                            f"that {other.describe()} joined it to; undo event #{other.id} first"
                            if other
                            else "it is linked to"
                        )
                    )
                root = self.find(clash[0])
                other_side = min((x for x in a if self.find(x) == root), default=clash[0])
                raise ConstraintError(
                    f"{verb} refused: it would put work {_work(other_side)} back with work {work}, which "
                    f"{why.describe()} separated; undo event #{why.id} first"
                )
        for members, why in self._locks:
            roots = {self.find(s) for s in members}
            if len(roots) != 1:  # cannot happen through must-links; kept for safety
                raise ConstraintError(f"{verb} refused: {why.describe()} is broken")
            for a, b, cwhy in self._cannot:
                if any(self.find(s) in roots for s in a) and any(self.find(s) in roots for s in b):
                    if cwhy is event:
                        raise ConstraintError(
                            f"{verb} refused: {why.describe()} froze that person; unlock {why.person} first"
                        )
                    raise ConstraintError(
                        f"{verb} refused: {cwhy.describe()} separates signatures that {why.describe()} froze; "
                        f"undo event #{cwhy.id} first"
                    )

    def _blame(self, sig: str, exclude: Event | None) -> Event | None:
        for e in reversed(self.events):
            if e is not exclude and e.kind in ("merge", "claim", "lock") and sig in _event_sigs(e):
                return e
        return None

    # -- output -----------------------------------------------------------------------------------
    def for_signatures(
        self, sig_ids: Iterable[str], block_of: Mapping[str, str] | None = None
    ) -> Constraints:
        """The pairwise constraints among ``sig_ids`` (ids not in the set are dropped).

        Must-links become a chain per component (enough for any transitive clusterer); cannot-links
        are expanded pairwise, and a lock cannot-links its component to every other signature of the
        same block (``block_of`` maps signature id to block; without it, to every other signature).
        """
        present = set(sig_ids)
        comps: dict[str, list[str]] = {}
        for s in present:
            if s in self._parent:
                comps.setdefault(self.find(s), []).append(s)
        must: list[tuple[str, str]] = []
        for members in comps.values():
            members.sort()
            must.extend((members[0], m) for m in members[1:])
        cannot: set[tuple[str, str]] = set()

        def comp_of(group: Iterable[str]) -> set[str]:
            roots = {self.find(s) for s in group}
            out = {s for r in roots for s in comps.get(r, [])}
            return out | {s for s in group if s in present}

        for a, b, _ in self._cannot:
            ca, cb = comp_of(a), comp_of(b)
            for x in ca:
                for y in cb:
                    if x != y:
                        cannot.add((min(x, y), max(x, y)))
        for locked, _ in self._locks:
            inside = comp_of(locked)
            if not inside:
                continue
            blocks = None if block_of is None else {block_of.get(s) for s in inside}
            for y in present - inside:
                if block_of is not None and blocks is not None and block_of.get(y) not in blocks:
                    continue
                for x in inside:
                    cannot.add((min(x, y), max(x, y)))
        return Constraints(tuple(sorted(must)), tuple(sorted(cannot)))

    def locked_components(self) -> list[frozenset[str]]:
        """Each lock's current component (its members plus anything curators linked to them since)."""
        out = []
        for members, _ in self._locks:
            roots = {self.find(s) for s in members}
            out.append(frozenset(s for s in self._parent if self.find(s) in roots) | members)
        return out

    def decided_by(self, a: str, b: str) -> tuple[str, Event] | None:
        """``("must-link" | "cannot-link", event)`` when curation decides the pair ``a``, ``b``."""
        if a != b and self.linked(a, b):
            return "must-link", self._blame(a, exclude=None) or self._blame(b, exclude=None)  # type: ignore[return-value]
        ra, rb = self.find(a), self.find(b)
        for ga, gb, why in self._cannot:
            roots_a = {self.find(s) for s in ga}
            roots_b = {self.find(s) for s in gb}
            if (ra in roots_a and rb in roots_b) or (ra in roots_b and rb in roots_a):
                return "cannot-link", why
        for members, why in self._locks:
            roots = {self.find(s) for s in members}
            if (ra in roots) != (rb in roots):
                return "cannot-link", why
        return None


def _work(signature_id: str) -> str:
    return signature_id.split("#", 1)[0]


def _event_sigs(event: Event) -> set[str]:
    out: set[str] = set()
    for v in event.payload.values():
        if isinstance(v, list) and all(isinstance(x, str) for x in v):
            out.update(v)
    return out


def _event_constraints(
    event: Event,
) -> tuple[list[set[str]], list[tuple[set[str], set[str]]], set[str] | None]:
    """(must-link groups, cannot-link group pairs, lock members) of one event."""
    p = event.payload
    if event.kind not in EVENT_KINDS:
        raise ConstraintError(f"unknown curation event kind {event.kind!r} in event #{event.id}")
    if event.kind == "merge":
        return [set(p["a"]) | set(p["b"])], [], None
    if event.kind == "split":
        moved, kept = set(p["moved"]), set(p["kept"])
        return [moved], ([(moved, kept)] if moved and kept else []), None
    if event.kind == "lock":
        members = set(p["members"])
        return [members], [], members
    if event.kind == "claim":
        return [set(p["signatures"]) | set(p["anchor"])], [], None
    return [], [], None  # undo / unlock: handled by replay


def chain(groups: Sequence[Sequence[str]]) -> list[tuple[str, str]]:
    """Must-link pairs chaining each group's members (sorted) to its first member."""
    out: list[tuple[str, str]] = []
    for g in groups:
        items = sorted(set(g))
        out.extend((items[0], s) for s in items[1:])
    return out
