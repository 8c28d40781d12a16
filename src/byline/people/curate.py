"""Curation: merge, split, lock, unlock, claim, undo, and the history of a person.

Each command is one transaction: the event is checked against every event that counts
(:class:`byline.curation.ConstraintSet`), appended to the log, and applied to the stored people at once;
``disambiguate`` replays it ever after (a rebuild from scratch included). A refusal is one line naming
the event to undo, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from byline._errors import ConstraintError, InputError, StoreError
from byline._person_ids import follow, new_person_id
from byline.curation import ConstraintSet, Event
from byline.names import compatible
from byline.owners import implicit_signature_id, is_implicit, owner_position
from byline.people import repo
from byline.people.corpus import Corpus, load_corpus
from byline.people.runs import person_name
from byline.store import Store, utc_now

__all__ = ["merge", "split", "lock", "unlock", "claim", "move", "undo", "history"]

Conn = repo.Conn


def _work(sid: str) -> str:
    return sid.split("#", 1)[0]


def _record(
    conn: Conn, cs: ConstraintSet, kind: str, person: str, payload: dict[str, object], who: str, why: str
) -> Event:
    """Check the event against the ones that count (ConstraintError: nothing written), then append it."""
    ev = Event(repo.next_event_id(conn), kind, person, payload, who, utc_now(), why)
    cs.add(ev)
    return repo.insert_event(conn, ev)


def _refresh(conn: Conn, pids: Iterable[str], corpus: Corpus, cs: ConstraintSet) -> None:
    """Names and lock flags of ``pids`` from their members; people left empty are deleted."""
    pids = list(dict.fromkeys(pids))
    mem = repo.members_of(conn, pids)
    repo.delete_people(conn, [p for p in pids if not mem.get(p)])
    comps = cs.locked_components()
    locked: set[str] = set().union(*comps) if comps else set()
    repo.update_people(
        conn, [(p, person_name(m, corpus), any(s in locked for s in m)) for p, m in mem.items() if m]
    )


def _check_name_rules(corpus: Corpus, a: Iterable[str], b: Iterable[str], what: str) -> None:
    """Refuse to force together signatures the engine always keeps apart (one paper, incompatible names)."""
    sa_ = [corpus.signatures[x] for x in a if x in corpus.signatures]
    sb_ = [corpus.signatures[x] for x in b if x in corpus.signatures]
    works_a = {s.work_id: s for s in sa_}
    for s in sb_:
        if s.work_id in works_a and works_a[s.work_id].id != s.id:
            raise ConstraintError(
                f"{what} refused: work {s.work_id} would have two authors in one person "
                f"({works_a[s.work_id].name!r} and {s.name!r})"
            )
    names_a = {x.name for x in sa_}
    for nb in sorted({x.name for x in sb_}):
        for na in sorted(names_a):
            if not compatible(na, nb):
                raise ConstraintError(
                    f"{what} refused: the names {na!r} and {nb!r} are incompatible (different given names), "
                    "so the engine always keeps them apart"
                )


def _state(store: Store) -> tuple[Conn, list[Event], ConstraintSet, Corpus]:
    conn = store.connection
    events = repo.events(conn)
    return conn, events, ConstraintSet.replay(events), load_corpus(store, events)


# -- merge, split, lock, unlock, claim ----------------------------------------------------------------


def merge(store: Store, p1: str, p2: str, who: str = "", why: str = "") -> str:
    """Merge person ``p2`` into ``p1``; ``p2`` then redirects to ``p1``. Returns the survivor's id."""
    with store.transaction():
        conn, _, cs, corpus = _state(store)
        a, b = repo.resolve(conn, p1), repo.resolve(conn, p2)
        if a == b:
            raise InputError(f"{p1} and {p2} are already the same person ({a})")
        mem = repo.members_of(conn, [a, b])
        _check_name_rules(corpus, mem[a], mem[b], "merge")
        ev = _record(conn, cs, "merge", a, {"into": a, "from": b, "a": mem[a], "b": mem[b]}, who, why)
        repo.move_person(conn, b, a)
        repo.add_redirects(conn, [(b, a)], None, f"merge (event #{ev.id})")
        _refresh(conn, [a, b], corpus, cs)
    return a


def split(store: Store, pid: str, works: Sequence[str], who: str = "", why: str = "") -> str:
    """Move ``pid``'s signatures on ``works`` to a new person (returned). The moved works stay together and
    apart from ``pid``; later splits of ``pid`` are free to join them."""
    if not works:
        raise InputError("split needs at least one work id (--works)")
    with store.transaction():
        conn, _, cs, corpus = _state(store)
        p = repo.resolve(conn, pid)
        mine = repo.members(conn, p)
        wanted = set(works)
        moved = [s for s in mine if _work(s) in wanted]
        missing = sorted(wanted - {_work(s) for s in moved})
        if missing:
            raise InputError(f"person {p} has no signature on work(s) {', '.join(missing)}")
        kept = [s for s in mine if s not in set(moved)]
        if not kept:
            raise InputError(f"split would move every work of {p}; nothing would be left")
        new = new_person_id(min(moved), repo.taken_ids(conn))
        _record(
            conn,
            cs,
            "split",
            p,
            {"works": sorted(wanted), "moved": moved, "kept": kept, "new_person": new},
            who,
            why,
        )
        rec = repo.person(conn, p)
        repo.insert_person(conn, new, "", rec.block if rec else "")
        repo.move_signatures(conn, moved, new)
        _refresh(conn, [p, new], corpus, cs)
    return new


def lock(store: Store, pid: str, who: str = "", why: str = "") -> str:
    """Freeze ``pid``'s membership: later runs keep exactly these signatures together and apart from others."""
    with store.transaction():
        conn, _, cs, corpus = _state(store)
        p = repo.resolve(conn, pid)
        _record(conn, cs, "lock", p, {"members": repo.members(conn, p)}, who, why)
        _refresh(conn, [p], corpus, cs)
    return p


def unlock(store: Store, pid: str, who: str = "", why: str = "") -> str:
    """Lift every lock on ``pid`` (the lock events stay in the history, reverted by this one)."""
    with store.transaction():
        conn, _, cs, corpus = _state(store)
        p = repo.resolve(conn, pid)
        mine = set(repo.members(conn, p))
        locks = [e.id for e in cs.events if e.kind == "lock" and mine & set(e.payload.get("members", []))]
        if not locks:
            raise InputError(f"person {p} is not locked")
        _record(conn, cs, "unlock", p, {"reverts": locks}, who, why)
        _refresh(conn, [p], corpus, cs)
    return p


def _anchor(members: Sequence[str], cs: ConstraintSet) -> str:
    """The signature a claim ties the claimed works to: a curated member when there is one (it stays in the
    person on every rebuild), else the smallest."""
    curated = [s for s in members if cs.constrained(s)]
    return min(curated or members)


def claim(store: Store, pid: str, works: Sequence[str], who: str = "", why: str = "") -> str:
    """Attach the works' signatures that match ``pid``'s name to ``pid`` (author-less works: implicitly)."""
    if not works:
        raise InputError("claim needs at least one work id (--works)")
    with store.transaction():
        conn, _, cs, corpus = _state(store)
        p = repo.resolve(conn, pid)
        rec = repo.person(conn, p)
        pname, pblock = (rec.name, rec.block) if rec else ("", "")
        sigs: list[str] = []
        implicit: list[list[str]] = []
        for wid in works:
            w = corpus.works.get(wid)
            if w is None:
                raise InputError(f"unknown work id {wid!r} (see `byline works`)")
            pos = owner_position(w, pname) if w.authors else None
            if pos is None and (not w.authors or w.authors_truncated):  # the person may be among cut authors
                implicit.append([wid, pname])
                sigs.append(implicit_signature_id(wid, pname))
                continue
            if pos is None:
                raise InputError(
                    f"work {wid} has no author whose name is compatible with {pname!r}: "
                    + "; ".join(a.name for a in w.authors)
                )
            sigs.append(f"{wid}#{pos}")
        _claim(conn, cs, corpus, p, pblock, list(works), sigs, implicit, who, why)
    return p


def _claim(
    conn: Conn,
    cs: ConstraintSet,
    corpus: Corpus,
    p: str,
    pblock: str,
    works: list[str],
    sigs: list[str],
    implicit: list[list[str]],
    who: str,
    why: str,
    whole: bool = False,
) -> Event:
    """Record a claim of ``sigs`` for ``p`` and apply it (people it empties redirect to ``p``). The claimed
    signatures are tied to one anchor of ``p`` -- or, with ``whole``, to every member of ``p``, so that
    later runs keep them with the person as the curator saw it."""
    mine = repo.members(conn, p)
    _check_name_rules(corpus, mine, [x for x in sigs if not is_implicit(x)], "claim")
    placed = repo.assignments(conn)
    previous = {s: placed[s] for s in sigs if s in placed and placed[s] != p}
    ev = _record(
        conn,
        cs,
        "claim",
        p,
        {
            "works": works,
            "signatures": sigs,
            "anchor": sorted(mine) if whole else [_anchor(mine, cs)],
            "implicit": implicit,
            "previous": previous,
        },
        who,
        why,
    )
    repo.place_signatures(conn, [(s, p, pblock, _work(s), is_implicit(s)) for s in sigs])
    emptied = repo.delete_empty_people(conn, previous.values())
    repo.add_redirects(conn, [(old, p) for old in emptied], None, f"claim (event #{ev.id})")
    _refresh(conn, [p, *previous.values()], corpus, cs)
    return ev


def move(store: Store, work_id: str, source: str, target: str, who: str = "", why: str = "") -> Event:
    """Move ``source``'s signature on ``work_id`` to ``target`` (a namesake, say): one claim event for
    ``target`` that ties the work to every current member of ``target`` (later runs keep them together)
    and records where the signature was, so :func:`undo` puts it back. Returns the event.

    Refused (nothing written) when the two are one person, when ``source`` has no signature on the
    work, or when the names or earlier curation forbid it (the refusal names the event to undo)."""
    with store.transaction():
        conn, _, cs, corpus = _state(store)
        src, dst = repo.resolve(conn, source), repo.resolve(conn, target)
        if src == dst:
            raise InputError(f"{source} and {target} are the same person ({src})")
        sigs = [s for s in repo.members(conn, src) if _work(s) == work_id]
        if not sigs:
            raise InputError(f"person {src} has no signature on work {work_id}")
        rec = repo.person(conn, dst)
        return _claim(
            conn, cs, corpus, dst, rec.block if rec else "", [work_id], sigs, [], who, why, whole=True
        )


# -- undo ---------------------------------------------------------------------------------------------


def _current(conn: Conn, pid: str) -> str | None:
    cur = follow(repo.redirects(conn), pid)
    return cur if repo.person(conn, cur) is not None else None


def _still_linked(cs: ConstraintSet, a: Sequence[str], b: Sequence[str], what: str) -> None:
    for x in a:
        for y in b:
            decided = cs.decided_by(x, y)
            if decided is not None and decided[0] == "must-link" and decided[1] is not None:
                ev = decided[1]
                raise ConstraintError(
                    f"{what} refused: {ev.describe()} also joins them; undo event #{ev.id} first"
                )


def undo(store: Store, event_id: int, who: str = "", why: str = "") -> Event:
    """Append an event that reverts event ``event_id`` and apply it to the stored people at once.

    Undoing a merge gives the merged-away person its id and signatures back; a split puts the moved works
    back; a lock unlocks; a claim puts the claimed signatures back where they were.
    """
    with store.transaction():
        conn, events, cs, corpus = _state(store)
        target = next((e for e in events if e.id == event_id), None)
        if target is None:
            raise InputError(f"there is no curation event #{event_id} (see `byline history PERSON`)")
        after = cs.copy()
        ev = Event(
            repo.next_event_id(conn), "undo", target.person, {"reverts": [event_id]}, who, utc_now(), why
        )
        after.add(ev)
        touched = _apply_undo(conn, target, after, load_corpus(store, [*events, ev]))
        ev = repo.insert_event(conn, ev)
        _refresh(conn, touched, corpus, after)
    return ev


def _apply_undo(conn: Conn, target: Event, cs: ConstraintSet, corpus: Corpus) -> list[str]:
    p = target.payload
    placed = repo.assignments(conn)
    taken = repo.taken_ids(conn)
    if target.kind == "merge":
        a, b = [s for s in p["a"] if s in placed], [s for s in p["b"] if s in placed]
        _still_linked(cs, a[:1], b, "undo")
        survivor = placed[a[0]] if a else _current(conn, str(p["into"]))
        if survivor is None:
            return []
        roots_b = {cs.find(s) for s in b}
        back = [s for s, q in placed.items() if q == survivor and cs.find(s) in roots_b]
        old = str(p["from"])
        pid = old if repo.person(conn, old) is None else new_person_id(min(back), taken)
        rec = repo.person(conn, survivor)
        repo.remove_redirects(conn, [old])
        repo.insert_person(conn, pid, "", rec.block if rec else "")
        repo.move_signatures(conn, back, pid)
        return [survivor, pid]
    if target.kind == "split":
        moved = [s for s in p["moved"] if s in placed]
        kept = [s for s in p["kept"] if s in placed]
        for x in moved[:1]:
            for y in kept:
                decided = cs.decided_by(x, y)
                if decided is not None and decided[0] == "cannot-link" and decided[1] is not None:
                    raise ConstraintError(
                        f"undo refused: {decided[1].describe()} also separates them; "
                        f"undo event #{decided[1].id} first"
                    )
        home = _current(conn, target.person) or (placed[kept[0]] if kept else None)
        if home is None or not moved:
            return []
        roots = {cs.find(s) for s in moved}
        src = {placed[s] for s in moved}
        back = [s for s, q in placed.items() if q in src and q != home and cs.find(s) in roots]
        repo.move_signatures(conn, back, home)
        emptied = repo.delete_empty_people(conn, src - {home})
        repo.add_redirects(conn, [(x, home) for x in emptied], None, f"undo of split (event #{target.id})")
        return [home, *src]
    if target.kind == "claim":
        prev: dict[str, str] = dict(p.get("previous", {}))
        touched = {placed[s] for s in p["signatures"] if s in placed}
        # implicit signatures only the claim made: gone with it
        repo.unplace_signatures(
            conn, [s for s in p["signatures"] if s in placed and s not in corpus.signatures]
        )
        for s, old in sorted(prev.items()):
            if s not in placed:
                continue
            if repo.person(conn, old) is None:  # emptied (and retired) by the claim: it comes back
                rec = repo.person(conn, placed[s])
                repo.remove_redirects(conn, [old])
                repo.insert_person(conn, old, "", rec.block if rec else "")
            repo.move_signatures(conn, [s], old)
            touched.add(old)
        return sorted(touched)
    if target.kind == "lock":
        return sorted({placed[s] for s in p["members"] if s in placed})
    return []


# -- history ------------------------------------------------------------------------------------------


def history(store: Store, pid: str) -> list[Event]:
    """Curation events about ``pid``: naming it (or an id that redirects to it), touching its signatures, or
    reverting such an event."""
    conn = store.connection
    redirects = repo.redirects(conn)
    p = follow(redirects, pid)
    names = {pid, p} | {a for a in redirects if follow(redirects, a) == p}
    mine = set(repo.members(conn, p))
    out: list[Event] = []
    ids: set[int] = set()
    for e in repo.events(conn):
        named = {e.person} | {
            str(e.payload.get(k)) for k in ("into", "from", "new_person") if e.payload.get(k)
        }
        sigs = {s for k in ("a", "b", "moved", "kept", "members", "signatures") for s in e.payload.get(k, [])}
        if named & names or sigs & mine or set(e.reverts()) & ids:
            out.append(e)
            ids.add(e.id)
    if not out and repo.person(conn, p) is None:
        raise StoreError(f"unknown person id {pid!r} (see `byline people`)")
    return out
