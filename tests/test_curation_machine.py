"""Curation that sticks, as a stateful property: random sequences of ingest, disambiguate, merge, split, move,
claim, lock, unlock and undo over a small corpus with several people per name (the tiny stand-in model);
the papers ingested along the way carry ORCID iDs, which must never override a curator's word.

After every step:

* the last word on each work holds: for every pair of signatures, the last counting event that named both
  decides whether they share a person (an independent pairwise replay of the events, not the library's);
* every locked person holds exactly what it was locked with, under the id it had;
* no person id is lost: every id ever shown resolves (retired ids redirect);
* a refused command changes nothing and says why in one line;

after each run: locked people are unchanged, and a second run in a row changes nothing; after each undo: the
pairs the undone event named (and no later event did) are back as they were before it.

``BYLINE_MACHINE_EXAMPLES`` sets the number of examples (200 by default, as in CI; more for a benchmark run).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from itertools import combinations
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from _helpers import BIO, ML, TinyModel, write_bib
from byline import BylineError, ConstraintError
from byline import people as P
from byline.curation import REVERTING_KINDS, Event
from byline.people import repo
from byline.store import Store

# fmt: off
SPEECH = [
    ("sp1", "Streaming speech recognition with transducers", ["Jaeseong Lee", "Yuna Seo"], "Interspeech", 2021),
    ("sp2", "Low latency transducers for speech recognition", ["Yuna Seo", "Jaeseong Lee"], "Interspeech", 2022),
]
LATER = [  # ingested during a sequence, from OpenAlex with ORCID iDs: ml5 and bio4 share one, sp3 has another
    ("ml5", "Graph transformers for molecular property prediction", ["Jaeseong Lee", "Minho Kim"], "NeurIPS", 2023),
    ("bio4", "Paddy soil microbiome and methane emission", ["Jaeseong Lee", "Hana Cho"], "Soil Biology", 2019),
    ("sp3", "Speech recognition for low resource languages", ["Jaeseong Lee", "Yuna Seo"], "Interspeech", 2023),
]
LATER_ORCID = {"ml5": "0000-0002-1825-0097", "bio4": "0000-0002-1825-0097", "sp3": "0000-0001-5109-3700"}
# fmt: on

_TEMPLATE: dict[str, Path] = {}


def template() -> Path:
    """One store with the first corpus ingested and disambiguated, copied for each example."""
    if "db" not in _TEMPLATE:
        root = Path(tempfile.mkdtemp(prefix="byline-machine-"))
        with Store(root / "template.db") as s:
            s.ingest([write_bib(root / "a.bib", ML + BIO + SPEECH)])
            P.disambiguate(s, TinyModel())
        _TEMPLATE["db"] = root / "template.db"
        _TEMPLATE["later"] = openalex(root / "later.json", LATER, LATER_ORCID)
    return _TEMPLATE["db"]


def openalex(path: Path, entries: list[tuple[Any, ...]], orcid: dict[str, str]) -> Path:
    """An OpenAlex results page of ``entries``; their Jaeseong Lee carries ``orcid[key]``."""
    works = [
        {
            "id": f"https://openalex.org/W{9000 + k}",
            "title": title,
            "publication_year": year,
            "primary_location": {"source": {"display_name": venue}},
            "authorships": [
                {"author": {"display_name": a, "orcid": orcid.get(key) if a == "Jaeseong Lee" else None}}
                for a in authors
            ],
        }
        for k, (key, title, authors, venue, year) in enumerate(entries)
    ]
    path.write_text(json.dumps({"results": works}), encoding="utf-8")
    return path


NAMED = ("a", "b", "moved", "kept", "members", "signatures", "anchor")


def named_sets(e: Event) -> list[tuple[set[str], set[str]]]:
    """(together, apart-from) set pairs an event names: every pair inside ``together`` is one person, and
    each of them is apart from every signature in ``apart-from``."""
    p = e.payload
    if e.kind == "merge":
        return [(set(p["a"]) | set(p["b"]), set())]
    if e.kind == "split":
        return [(set(p["moved"]), set(p["kept"])), (set(p["kept"]), set(p["moved"]))]
    if e.kind == "lock":
        return [(set(p["members"]), set())]
    if e.kind == "claim":
        home = set(p["signatures"]) | set(p["anchor"])
        rests = [set(r) for r in p.get("rest", [])]
        return [(home, set().union(*rests) if rests else set())] + [(r, home) for r in rests]
    return []


def named(e: Event) -> set[str]:
    return {s for together, apart in named_sets(e) for s in together | apart}


def last_word(events: list[Event]) -> dict[frozenset[str], tuple[bool, int]]:
    """Pair -> (together?, event id) by the last counting event that named both (the test's own replay)."""
    reverted = {i for e in events for i in e.reverts()}
    out: dict[frozenset[str], tuple[bool, int]] = {}
    for e in events:
        if e.kind in REVERTING_KINDS or e.id in reverted:
            continue
        for together, apart in named_sets(e):
            for x, y in combinations(sorted(together), 2):
                out[frozenset((x, y))] = (True, e.id)
            for x in together:
                for y in apart:
                    out[frozenset((x, y))] = (False, e.id)
    return out


class CurationMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="byline-example-"))
        shutil.copy(template(), self.dir / "s.db")
        self.store = Store(self.dir / "s.db")
        self.model = TinyModel()
        self.ingested = False
        self.seen: set[str] = set(self.placed().values())
        self.before: dict[int, dict[str, str]] = {}  # event id -> placements just before it

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- reading the store ----------------------------------------------------------------------------
    def placed(self) -> dict[str, str]:
        return repo.assignments(self.store.connection)

    def events(self) -> list[Event]:
        return repo.events(self.store.connection)

    def people(self) -> list[str]:
        """The people named Jaeseong Lee (the name shared by several people), then everyone else."""
        jl = self.jl()
        return jl + sorted(set(self.placed().values()) - set(jl))

    def jl(self) -> list[str]:
        return sorted(p.id for p in P.list_people(self.store, "Jaeseong Lee"))

    def snapshot(self) -> tuple[Any, ...]:
        con = self.store.connection
        return tuple(
            tuple(tuple(r) for r in con.execute(f"SELECT * FROM {t} ORDER BY 1, 2"))  # noqa: S608
            for t in ("person_signatures", "people", "person_redirects", "curation_events")
        )

    def members(self, pid: str) -> dict[str, str]:
        return {s: p for s, p in self.placed().items() if p == pid}

    def pick(self, items: list[str], k: int) -> str | None:
        return items[k % len(items)] if items else None

    def curate(self, action: Any, idempotent: bool = False) -> Any:
        """Run a curation command; a refusal must change nothing and be one line. ``idempotent``: the
        command may find its work already done (a second lock), and then must change nothing."""
        before = self.snapshot()
        placed = self.placed()
        n = len(self.events())
        try:
            out = action()
        except BylineError as exc:
            assert "\n" not in str(exc) and str(exc), exc
            assert self.snapshot() == before, f"refused ({exc}) but the store changed"
            if isinstance(exc, ConstraintError) and "is locked by event #" in str(exc):
                assert "`unlock P" in str(exc)
            return None
        new = self.events()[n:]
        if idempotent and not new:
            assert self.snapshot() == before, "a command that made no event changed the store"
            return out
        assert len(new) == 1, "one command, one event"
        self.before[new[0].id] = placed
        self.seen |= set(self.placed().values())
        return out

    # -- rules ------------------------------------------------------------------------------------------
    @precondition(lambda self: not self.ingested)
    @rule()
    def ingest(self) -> None:
        self.store.ingest([_TEMPLATE["later"]], format="openalex")
        self.ingested = True

    @rule()
    def disambiguate(self) -> None:
        locked = self.locked_people()
        P.disambiguate(self.store, self.model)
        placed = self.placed()
        for pid, members in locked.items():  # a run never changes a locked person
            assert {s for s, p in placed.items() if p == pid} == members
        first = self.snapshot()
        report = P.disambiguate(self.store, self.model)
        assert report.new == 0 and not report.redirected and not report.dropped
        assert self.snapshot()[:3] == first[:3], "a second run in a row changed something"
        self.seen |= set(placed.values())

    @rule(i=st.integers(0, 5), j=st.integers(0, 5))
    def merge(self, i: int, j: int) -> None:
        a, b = self.pick(self.people(), i), self.pick(self.people(), j)
        if a and b:
            self.curate(lambda: P.merge(self.store, a, b, who="machine"))

    @rule(i=st.integers(0, 5), k=st.integers(0, 20))
    def split(self, i: int, k: int) -> None:
        pid = self.pick(self.jl(), i)
        if pid:
            works = sorted({s.split("#")[0] for s in self.members(pid)})
            self.curate(lambda: P.split(self.store, pid, [works[k % len(works)]], who="machine"))

    @rule(k=st.integers(0, 40), j=st.integers(0, 5))
    def move(self, k: int, j: int) -> None:
        placed = self.placed()
        jl = self.jl()
        sig = self.pick(sorted(s for s, p in placed.items() if p in jl), k)
        target = self.pick(jl, j)
        if sig and target:
            self.curate(lambda: P.move(self.store, sig.split("#")[0], placed[sig], target, who="machine"))

    @rule(k=st.integers(0, 40), j=st.integers(0, 5))
    def claim(self, k: int, j: int) -> None:
        jl = self.jl()
        works = sorted({s.split("#")[0] for s, p in self.placed().items() if p in jl})
        w, target = self.pick(works, k), self.pick(jl, j)
        if w and target:
            self.curate(lambda: P.claim(self.store, target, [w], who="machine"))

    @rule(i=st.integers(0, 5))
    def lock(self, i: int) -> None:
        pid = self.pick(self.jl(), i)
        if pid:
            self.curate(
                lambda: P.lock(self.store, pid, who="machine"), idempotent=pid in self.locked_people()
            )

    @rule(i=st.integers(0, 20))
    def unlock(self, i: int) -> None:
        pid = self.pick(sorted(self.locked_people()) or self.people(), i)
        if pid:
            self.curate(lambda: P.unlock(self.store, pid, who="machine"))

    @rule(k=st.integers(0, 20))
    def undo(self, k: int) -> None:
        events = self.events()
        reverted = {i for e in events for i in e.reverts()}
        counting = [e for e in events if e.kind not in REVERTING_KINDS and e.id not in reverted]
        if not counting:
            return
        target = counting[k % len(counting)]
        if self.curate(lambda: P.undo(self.store, target.id, who="machine")) is None:
            return
        # what the event changed is back: the pairs it named, unless a later counting event has the last word
        # on one of the two (it named that work, and so placed it with what it named)
        later = {s for e in counting if e.id > target.id for s in named(e)}
        pre, now = self.before[target.id], self.placed()
        for x, y in combinations(sorted(named(target)), 2):
            if x in later or y in later or not {x, y} <= pre.keys() & now.keys():
                continue
            assert (pre[x] == pre[y]) == (now[x] == now[y]), (
                f"undo of #{target.id} left {x} / {y} as it made them"
            )

    # -- invariants -------------------------------------------------------------------------------------
    def locked_people(self) -> dict[str, set[str]]:
        """Person id -> members, for every lock that counts (the person must hold exactly its members)."""
        events = self.events()
        reverted = {i for e in events for i in e.reverts()}
        placed = self.placed()
        out: dict[str, set[str]] = {}
        for e in events:
            if e.kind == "lock" and e.id not in reverted:
                members = set(e.payload["members"])
                holders = {placed.get(s) for s in members}
                assert holders == {e.person}, f"lock #{e.id} of {e.person}: its works now sit in {holders}"
                out[e.person] = members
        return out

    @invariant()
    def locked_people_are_frozen(self) -> None:
        placed = self.placed()
        for pid, members in self.locked_people().items():
            assert {s for s, p in placed.items() if p == pid} == members

    @invariant()
    def the_last_word_on_each_work_holds(self) -> None:
        placed = self.placed()
        for pair, (together, eid) in last_word(self.events()).items():
            x, y = sorted(pair)
            if x in placed and y in placed:
                assert (placed[x] == placed[y]) == together, (
                    f"event #{eid} put {x} and {y} {'together' if together else 'apart'}; now they are not"
                )

    @invariant()
    def no_person_id_is_lost(self) -> None:
        con = self.store.connection
        for pid in self.seen:
            assert repo.person(con, repo.resolve(con, pid)) is not None


CurationMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("BYLINE_MACHINE_EXAMPLES", "200")),
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestCurationMachine = CurationMachine.TestCase
