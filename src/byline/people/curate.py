"""Curation: merge, split, lock, unlock, claim, undo, and the history of a person.

Each command is one transaction: the event is checked against every event that counts
(:class:`byline.curation.ConstraintSet`), appended to the log, and applied to the stored people at once;
``disambiguate`` replays it ever after (a rebuild from scratch included), and shows exactly what the
command showed: a later event wins over an earlier one for the works it names, and a locked person is
frozen. A refusal is one line naming the event in the way and how to lift it, and changes nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from byline._errors import ConstraintError, InputError, StoreError
from byline._person_ids import follow, new_person_id
from byline.curation import ConstraintSet, Event, lift_lock
from byline.names import compatible
from byline.owners import implicit_signature_id, is_implicit, owner_position
from byline.people import repo
from byline.people.corpus import Corpus, load_corpus
from byline.people.runs import person_name
from byline.store import Store, utc_now

__all__ = ["merge", "split", "lock", "lock_event", "unlock", "claim", "move", "undo", "history"]

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
    """Freeze ``pid``'s membership: later runs keep exactly these signatures together and apart from others.

    Idempotent: a person already locked as it is now is left alone (no second event); :func:`lock_event`
    gives the lock that holds it."""
    with store.transaction():
        conn, _, cs, corpus = _state(store)
        p = repo.resolve(conn, pid)
        mine = repo.members(conn, p)
        held = cs.lock_of(mine[0]) if mine else None
        if held is not None and cs.component(mine[0]) == set(mine):
            return p
        _record(conn, cs, "lock", p, {"members": mine}, who, why)
        _refresh(conn, [p], corpus, cs)
    return p


def lock_event(store: Store, pid: str) -> Event | None:
    """The lock event that holds person ``pid`` as it is now (None when it is not locked)."""
    conn = store.connection
    p = repo.resolve(conn, pid)
    mine = repo.members(conn, p)
    cs = ConstraintSet.replay(repo.events(conn))
    held = cs.lock_of(mine[0]) if mine else None
    return held if held is not None and cs.component(mine[0]) == set(mine) else None


def unlock(store: Store, pid: str, who: str = "", why: str = "") -> str:
    """Lift every lock on ``pid`` (the lock events stay in the history, reverted by this one)."""
    with store.transaction():
        conn, _, cs, corpus = _state(store)
        p = repo.resolve(conn, pid)
        mine = set(repo.members(conn, p))
        locks = sorted({ev.id for s in mine if (ev := cs.lock_of(s)) is not None})
        if not locks:
            raise InputError(f"person {p} is not locked")
        _record(conn, cs, "unlock", p, {"reverts": locks}, who, why)
        _refresh(conn, [p], corpus, cs)
    return p


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
) -> Event:
    """Record a claim of ``sigs`` for ``p`` and apply it (people it empties redirect to ``p``). The event
    names every member of ``p`` (``anchor``) and what is left of each person the signatures came from
    (``rest``), so later runs show both as the curator saw them."""
    mine = repo.members(conn, p)
    _check_name_rules(corpus, mine, [x for x in sigs if not is_implicit(x)], "claim")
    placed = repo.placements(conn, sigs)
    previous = {s: placed[s] for s in sigs if s in placed and placed[s] != p}
    taken = set(sigs)
    left = repo.members_of(conn, sorted(set(previous.values())))
    rest = [sorted(x for x in left.get(q, []) if x not in taken) for q in sorted(left)]
    ev = _record(
        conn,
        cs,
        "claim",
        p,
        {
            "works": works,
            "signatures": sigs,
            "anchor": sorted(mine),
            "rest": [r for r in rest if r],
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
    ``target`` that ties the work to every current member of ``target`` and keeps the rest of ``source``
    together (later runs show both as they are now), and records where the signature was, so
    :func:`undo` puts it back. Returns the event.

    Refused (nothing written) when the two are one person, when ``source`` has no signature on the
    work, when the names forbid it, or when either person is locked (the refusal names the lock)."""
    with store.transaction():
        conn, _, cs, corpus = _state(store)
        src, dst = repo.resolve(conn, source), repo.resolve(conn, target)
        if src == dst:
            raise InputError(f"{source} and {target} are the same person ({src})")
        sigs = [s for s in repo.members(conn, src) if _work(s) == work_id]
        if not sigs:
            raise InputError(f"person {src} has no signature on work {work_id}")
        rec = repo.person(conn, dst)
        return _claim(conn, cs, corpus, dst, rec.block if rec else "", [work_id], sigs, [], who, why)


# -- undo ---------------------------------------------------------------------------------------------


def undo(store: Store, event_id: int, who: str = "", why: str = "") -> Event:
    """Append an event that reverts event ``event_id`` and apply it to the stored people at once.

    The constraints become a replay of the log without the event; the stored people follow: a merge's
    merged-away person gets its id and signatures back, a split's works go back, a claim's works go back
    to where they were, a lock unlocks. Refused, naming the event in the way, when a later event has the
    last word on those works (undo that one first) or putting them back would change a locked person.
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
        new_corpus = load_corpus(store, [*events, ev])
        placed = repo.assignments(conn)
        gone = [
            s for s in target.payload.get("signatures", []) if s in placed and s not in new_corpus.signatures
        ]
        moves = _undo_moves(conn, target, after, placed)
        _check_moves(after, placed, moves, set(gone))
        repo.unplace_signatures(conn, gone)  # implicit signatures only the undone claim made
        touched = _relocate(conn, moves, placed, f"undo of event #{target.id}")
        touched |= {placed[s] for s in gone}
        repo.delete_empty_people(conn, touched)
        ev = repo.insert_event(conn, ev)
        _refresh(conn, touched, new_corpus, after)
    return ev


def _current(conn: Conn, pid: str) -> str | None:
    cur = follow(repo.redirects(conn), pid)
    return cur if repo.person(conn, cur) is not None else None


def _undo_moves(conn: Conn, target: Event, cs: ConstraintSet, placed: dict[str, str]) -> dict[str, str]:
    """Signature -> the person it goes back to. When a signature's curated group (after the undo) holds one
    that would not end up in the same person, a later event has the last word on it: refused, naming it."""
    p = target.payload
    want: dict[str, str] = {}
    if target.kind == "merge":
        want = dict.fromkeys(p["b"], str(p["from"]))
    elif target.kind == "split":
        kept = Counter(placed[s] for s in p["kept"] if s in placed)
        home = kept.most_common(1)[0][0] if kept else _current(conn, target.person)
        if home is not None:
            want = dict.fromkeys(p["moved"], home)
    elif target.kind == "claim":
        want = {str(s): str(q) for s, q in p.get("previous", {}).items()}
    out: dict[str, str] = {}
    for s, dest in sorted(want.items()):
        if s not in placed or placed[s] == dest:
            continue
        if any(want.get(m, placed[m]) != dest for m in cs.component(s) if m in placed):
            later = cs.made_by(s)  # a later event has the last word on this work: undo that one first
            assert later is not None
            raise ConstraintError(
                f"undo refused: {later.describe()} came later and has the last word on work {_work(s)}; "
                f"undo event #{later.id} first"
            )
        out[s] = dest
    return out


def _check_moves(cs: ConstraintSet, placed: dict[str, str], moves: dict[str, str], gone: set[str]) -> None:
    """Refuse (naming the event in the way) moves that would change a locked person or put two curated
    groups in one person."""
    for s in [*moves, *gone]:
        lock = cs.lock_of(s)
        if lock is not None:
            raise ConstraintError(f"undo refused: {lift_lock(lock)}")
    dests = set(moves.values())
    before: dict[str, dict[int, Event]] = defaultdict(dict)  # person -> curated group -> its event
    arriving: dict[str, dict[int, Event]] = defaultdict(dict)
    for s, q in placed.items():
        if q in dests and s not in moves and s not in gone:
            lock = cs.lock_of(s)
            if lock is not None:  # a locked person would gain works
                raise ConstraintError(f"undo refused: {lift_lock(lock)}")
            g, made = cs.group_key(s), cs.made_by(s)
            if g is not None and made is not None:
                before[q][g] = made
    for s, q in moves.items():
        g, made = cs.group_key(s), cs.made_by(s)
        if g is not None and made is not None:
            arriving[q][g] = made
    for q in sorted(arriving):
        both = {**before[q], **arriving[q]}
        if len(both) > max(1, len(before[q])):
            later = max(both.values(), key=lambda e: e.id)
            raise ConstraintError(
                f"undo refused: {later.describe()} came later and keeps those works apart from person {q}; "
                f"undo event #{later.id} first"
            )


def _relocate(conn: Conn, moves: dict[str, str], placed: dict[str, str], reason: str) -> set[str]:
    """Apply ``moves`` (signature -> person): people that do not exist (retired ids) come back, people left
    empty are deleted and redirect to where most of their signatures went. Returns the people touched."""
    if not moves:
        return set()
    by_dest: dict[str, list[str]] = defaultdict(list)
    for s, dest in moves.items():
        by_dest[dest].append(s)
    for dest, sigs in sorted(by_dest.items()):
        if repo.person(conn, dest) is None:
            rec = repo.person(conn, placed[sigs[0]])
            repo.remove_redirects(conn, [dest])
            repo.insert_person(conn, dest, "", rec.block if rec else "")
        repo.move_signatures(conn, sigs, dest)
    sources = {placed[s] for s in moves}
    emptied = repo.delete_empty_people(conn, sorted(sources))
    went: dict[str, Counter[str]] = defaultdict(Counter)
    for s, dest in moves.items():
        went[placed[s]][dest] += 1
    redirects = [(q, sorted(went[q].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]) for q in emptied]
    repo.add_redirects(conn, redirects, None, reason)
    return sources | set(by_dest)


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
        named |= {str(q) for q in e.payload.get("previous", {}).values()}  # a claim or move took a work away
        sigs = {s for k in ("a", "b", "moved", "kept", "members", "signatures") for s in e.payload.get(k, [])}
        sigs |= {s for rest in e.payload.get("rest", []) for s in rest}
        if named & names or sigs & mine or set(e.reverts()) & ids:
            out.append(e)
            ids.add(e.id)
    if not out and repo.person(conn, p) is None:
        raise StoreError(f"unknown person id {pid!r} (see `byline people`)")
    return out
