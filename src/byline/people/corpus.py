"""The signatures of a store, as every people command sees them: works' author positions, implicit
owner signatures of listings, and the implicit signatures curators claimed -- always all three, so every
command scores with the same name counts as ``disambiguate``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from byline.block import block_of
from byline.curation import Event
from byline.names import normalize
from byline.owners import implicit_signature, implicit_signature_id, is_implicit, owner_position
from byline.people import repo
from byline.records import Signature, Work, signatures_of
from byline.store import Store

__all__ = ["Corpus", "load_corpus", "load_signatures", "claimed_implicit"]


@dataclass
class Corpus:
    """Everything disambiguation needs from the store, loaded once per command."""

    works: dict[str, Work]
    signatures: dict[str, Signature]
    implicit: set[str]
    listings: list[repo.ListingRow]
    events: list[Event] = field(default_factory=list)
    _blocks: dict[str, str] | None = None

    @property
    def blocks(self) -> dict[str, str]:
        """Signature id -> block key (computed once)."""
        if self._blocks is None or len(self._blocks) != len(self.signatures):
            self._blocks = {sid: block_of(s) for sid, s in self.signatures.items()}
        return self._blocks

    def block_context(self, blocks: Iterable[str]) -> list[Signature]:
        """Every signature of the given blocks (the context a pair of them is featurized with)."""
        wanted = set(blocks)
        return [self.signatures[s] for s, b in self.blocks.items() if b in wanted]


def claimed_implicit(events: Iterable[Event]) -> list[tuple[str, str]]:
    """(work id, name) of the implicit signatures curators claimed (claims since undone left out)."""
    events = list(events)
    reverted = {i for e in events for i in e.reverts()}
    return [
        (w, n)
        for e in events
        if e.kind == "claim" and e.id not in reverted
        for w, n in e.payload.get("implicit", [])
    ]


def load_corpus(store: Store, events: list[Event] | None = None) -> Corpus:
    """The store's works and signatures, with the implicit owner signatures of listings and of claims.

    ``events``: the curation events when the caller already read them (same transaction)."""
    conn = store.connection
    events = repo.events(conn) if events is None else events
    works = {w.id: w for w in store.works(with_records=False)}
    sigs: dict[str, Signature] = {}
    for w in works.values():
        for s in signatures_of(w):
            sigs[s.id] = s
    implicit: set[str] = set()
    listings = repo.listings(conn)
    extra = claimed_implicit(events)
    pairs = [(wid, lst.owner) for lst in listings if lst.owner for wid in lst.work_ids] + extra
    claimed = {(wid, normalize(n)) for wid, n in extra}
    for wid, owner in pairs:
        found = works.get(wid)
        if found is None:
            continue
        w = found
        cut_off = w.authors_truncated and owner_position(w, owner) is None  # "et al." may hide the owner
        if w.authors and not cut_off and (wid, normalize(owner)) not in claimed:
            continue
        s = implicit_signature(w, owner)
        sigs[s.id] = s
        implicit.add(s.id)
    return Corpus(works, sigs, implicit, listings, list(events))


def load_signatures(store: Store, sids: Iterable[str]) -> tuple[dict[str, Signature], set[str]]:
    """Some signatures of the store (e.g. one person's), as :func:`load_corpus` would give them, without
    loading the whole corpus: (signature id -> signature, the implicit ones). Unknown ids are left out."""
    conn = store.connection
    sids = list(sids)
    works = store.works_by_id(s.split("#", 1)[0] for s in sids)
    wanted_implicit = {s for s in sids if is_implicit(s)}
    owners: dict[str, str] = {}
    if wanted_implicit:
        names = [(wid, lst.owner) for lst in repo.listings(conn) if lst.owner for wid in lst.work_ids]
        names += claimed_implicit(repo.events(conn))
        for wid, name in names:
            sid = implicit_signature_id(wid, name)
            if sid in wanted_implicit:
                owners.setdefault(sid, name)
    out: dict[str, Signature] = {}
    for sid in sids:
        w = works.get(sid.split("#", 1)[0])
        if w is None:
            continue
        if sid in owners:
            out[sid] = implicit_signature(w, owners[sid])
            continue
        pos = sid.split("#", 1)[1]
        if pos.isdigit() and int(pos) < len(w.authors):
            out[sid] = signatures_of(w)[int(pos)]
    return out, set(owners) & set(out)
