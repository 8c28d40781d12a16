"""Read views of the stored people: the name search and one person's profile."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from unidecode import unidecode

from byline._person_ids import follow
from byline.names import compatible, normalize, parse_name, surname_key
from byline.people import repo
from byline.people.corpus import load_signatures
from byline.profiles import Profile, summarize
from byline.store import Store

__all__ = ["PersonRow", "list_people", "name_matcher", "profile"]


@dataclass
class PersonRow:
    id: str
    name: str
    block: str
    locked: bool
    signature_ids: list[str]

    @property
    def work_ids(self) -> list[str]:
        return sorted({s.split("#", 1)[0] for s in self.signature_ids})


def _compact(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unidecode(s).lower())


def _needles(query: str) -> list[str]:
    """What a printed name must contain (folded, letters and digits only) to possibly match ``query``:
    the last word of its surname, or -- for a two-part query read the other way round -- its given name."""
    target = parse_name(query)
    last = (
        surname_key(target) and target.surname.split()[-1]
    )  # particles may be printed elsewhere ("Berg, J. van")
    return sorted(n for n in {_compact(last or ""), _compact(target.given_joined)} if n)


def name_matcher(query: str) -> Callable[[str], bool]:
    """Does a printed name match the query? Compatible (:func:`byline.names.compatible`), and the same given
    name when both are written in full. Answers are memoized; names that cannot contain the query's surname
    (nor, for a two-part query, its given name: "Wang Lei" for "Lei Wang") are rejected without parsing."""
    target = parse_name(query)
    key = normalize(query)
    needles = _needles(query)
    memo: dict[str, bool] = {}

    def slow(printed: str) -> bool:
        if not compatible(printed, target):
            return False
        a = parse_name(printed)
        if target.given_is_initial or a.given_is_initial:
            return True
        return a.given_joined == target.given_joined or normalize(printed) == key

    def match(printed: str) -> bool:
        hit = memo.get(printed)
        if hit is None:
            flat = _compact(printed)
            hit = memo[printed] = (not needles or not flat or any(n in flat for n in needles)) and slow(
                printed
            )
        return hit

    return match


def list_people(store: Store, name: str | None = None) -> list[PersonRow]:
    """Stored people, biggest first; with ``name``, those whose name or a printed variant matches it
    (:func:`name_matcher`). A fixed number of statements, whatever the size of the store."""
    conn = store.connection
    if name:
        match, needles = name_matcher(name), _needles(name)
        hits = {pid for pid, printed in repo.person_variants(conn, needles) if match(printed)}
        hits.update(pid for pid, pname in repo.person_names_like(conn, needles) if match(pname))
        rows = repo.people_by_id(conn, sorted(hits))
        mem = repo.members_of(conn, sorted(hits))
    else:
        rows = repo.people(conn)
        mem = {pid: [] for pid in rows}
        for pid, sids in repo.all_members(conn).items():
            mem[pid] = sids
    out = [
        PersonRow(pid, rows[pid].name, rows[pid].block, rows[pid].locked, sorted(sids))
        for pid, sids in mem.items()
        if pid in rows
    ]
    out.sort(key=lambda p: (-len(p.signature_ids), p.name, p.id))
    return out


def profile(store: Store, pid: str) -> tuple[Profile, list[str]]:
    """The profile of person ``pid`` and the retired ids that redirect to it."""
    conn = store.connection
    p = repo.resolve(conn, pid)
    sids = repo.members(conn, p)
    rec = repo.person(conn, p)
    redirects = repo.redirects(conn)
    found, implicit = load_signatures(store, sids)
    sigs = [found[s] for s in sids if s in found]
    prof = summarize(p, sigs, implicit=implicit, locked=bool(rec and rec.locked))
    return prof, sorted(a for a in redirects if follow(redirects, a) == p)
