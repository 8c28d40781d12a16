"""The curator's story, end to end, through the library, the CLI and the HTTP API:

a mixed profile (one "Jaeseong Lee" made of two ML papers, a soil paper and a river paper) is cleaned by
splitting the soil paper out, then the river paper (the two stay apart: the model never joins them); the
two new people are merged by the curator (a later event wins); a third paper, another person's, is
claimed into them; undoing the merge is refused while the claim has the last word on those works, so the
claim is undone, then the merge; the person is locked and unlocked. After every step the people survive
``disambiguate`` -- incremental (same ids) and from scratch (same groups).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _helpers import TinyModel, write_bib
from byline import ConstraintError
from byline import people as P
from byline.cli import app
from byline.store import Store

STORY = [
    (
        "k1",
        "Graph neural networks for molecules",
        ["Jaeseong Lee", "Minho Kim", "Sora Park"],
        "NeurIPS",
        2019,
    ),
    (
        "k2",
        "Message passing networks for molecules",
        ["Jaeseong Lee", "Minho Kim", "Sora Park"],
        "NeurIPS",
        2020,
    ),
    ("g1", "Soil microbiome in rice paddies", ["Jaeseong Lee", "Minho Kim"], "NeurIPS", 2018),
    ("g2", "River sediment transport under floods", ["Jaeseong Lee", "Sora Park"], "NeurIPS", 2017),
    ("t3", "Soil nitrogen cycling in paddy fields", ["Jaeseong Lee", "Hana Cho"], "Soil Biology", 2016),
]
TOKEN = "story-token-123456"


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "story.db")
    s.ingest([write_bib(tmp_path / "story.bib", STORY)])
    P.disambiguate(s, TinyModel())
    yield s
    s.close()


def work_ids(s: Store) -> dict[str, str]:
    """Paper key (k1, g1, ...) -> work id."""
    by_title = {w.title: w.id for w in s.works(with_records=False)}
    return {key: by_title[title] for key, title, *_ in STORY}


def groups(s: Store) -> set[frozenset[str]]:
    """The people named Jaeseong Lee, as sets of paper keys."""
    key_of = {wid: key for key, wid in work_ids(s).items()}
    return {frozenset(key_of[w] for w in p.work_ids) for p in P.list_people(s, "Jaeseong Lee")}


def person_of(s: Store, key: str) -> str:
    wid = work_ids(s)[key]
    return next(p.id for p in P.list_people(s, "Jaeseong Lee") if wid in p.work_ids)


def survives(s: Store) -> set[frozenset[str]]:
    """The current groups; asserts an incremental run keeps them and their ids, and a rebuild the groups."""
    before = groups(s)
    ids = {p.id: p.work_ids for p in P.list_people(s, "Jaeseong Lee")}
    P.disambiguate(s, TinyModel())
    assert groups(s) == before
    assert {p.id: p.work_ids for p in P.list_people(s, "Jaeseong Lee")} == ids
    copy = s.path.with_name(s.path.stem + "-rebuild.db")
    copy.unlink(missing_ok=True)
    src, dst = sqlite3.connect(s.path), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    with Store(copy) as r:  # a rebuild from scratch: forget every person, keep the curation events
        with r.transaction() as con:
            for t in ("person_signatures", "people", "person_redirects"):
                con.execute(f"DELETE FROM {t}")  # noqa: S608
        P.disambiguate(r, TinyModel())
        assert groups(r) == before
    return before


def G(*keys: str) -> frozenset[str]:
    return frozenset(keys)


# -- the three shells, each a set of curation verbs over the same store ------------------------------------


class Library:
    def __init__(self, s: Store, tmp: Path) -> None:
        self.s = s

    def split(self, pid: str, works: list[str]) -> str:
        return P.split(self.s, pid, works, who="ann", why="not theirs")

    def merge(self, a: str, b: str) -> str:
        return P.merge(self.s, a, b, who="ann")

    def claim(self, pid: str, works: list[str]) -> str:
        return P.claim(self.s, pid, works, who="ann")

    def lock(self, pid: str) -> None:
        P.lock(self.s, pid, who="ann")

    def unlock(self, pid: str) -> None:
        P.unlock(self.s, pid, who="ann")

    def undo(self, event_id: int) -> None:
        P.undo(self.s, event_id, who="ann")

    def history(self, pid: str) -> list[dict]:
        from byline.curation import event_log

        return event_log(P.history(self.s, pid))


class Cli:
    def __init__(self, s: Store, tmp: Path) -> None:
        self.db = str(s.path)

    def run(self, *args: str, ok: bool = True) -> str:
        res = CliRunner().invoke(app, [*args, "--db", self.db])
        if ok:
            assert res.exit_code == 0, (args, res.output, res.exception)
            return res.output
        assert res.exit_code != 0
        return str(res.exception)

    def split(self, pid: str, works: list[str]) -> str:
        return self.run("split", pid, "--works", ",".join(works), "--by", "ann").split()[-1]

    def merge(self, a: str, b: str) -> str:
        self.run("merge", a, b, "--by", "ann")
        return a

    def claim(self, pid: str, works: list[str]) -> str:
        self.run("claim", pid, "--works", ",".join(works), "--by", "ann")
        return pid

    def lock(self, pid: str) -> None:
        assert "locked" in self.run("lock", pid)

    def unlock(self, pid: str) -> None:
        assert "unlocked" in self.run("unlock", pid)

    def undo(self, event_id: int) -> None:
        assert f"undid event #{event_id}" in self.run("undo", str(event_id), "--by", "ann")

    def history(self, pid: str) -> list[dict]:
        return json.loads(self.run("history", pid, "--json"))["events"]


class Api:
    def __init__(self, s: Store, tmp: Path) -> None:
        from fastapi.testclient import TestClient

        from byline.server import create_app
        from byline.server.store_backend import StoreBackend

        self.client = TestClient(create_app(backend=StoreBackend(s.path, model=TinyModel()), token=TOKEN))
        self.auth = {"Authorization": f"Bearer {TOKEN}"}

    def post(self, url: str, body: dict | None = None) -> dict:
        r = self.client.post(url, json=body or {}, headers=self.auth)
        assert r.status_code == 200, r.text
        return r.json()

    def split(self, pid: str, works: list[str]) -> str:
        return self.post(f"/api/people/{pid}/split", {"works": works, "who": "ann"})["new_person"]

    def merge(self, a: str, b: str) -> str:
        return self.post(f"/api/people/{a}/merge", {"other": b, "who": "ann"})["person"]

    def claim(self, pid: str, works: list[str]) -> str:
        return self.post(f"/api/people/{pid}/claim", {"works": works, "who": "ann"})["person"]

    def lock(self, pid: str) -> None:
        assert self.post(f"/api/people/{pid}/lock")["event"]["kind"] == "lock"

    def unlock(self, pid: str) -> None:
        assert self.post(f"/api/people/{pid}/unlock")["event"]["kind"] == "unlock"

    def undo(self, event_id: int) -> None:
        assert self.post(f"/api/events/{event_id}/undo", {"who": "ann"})["event"]["payload"]["reverts"] == [
            event_id
        ]

    def history(self, pid: str) -> list[dict]:
        r = self.client.get(f"/api/people/{pid}/history", params={"limit": 500})
        assert r.status_code == 200, r.text
        return r.json()["items"]


@pytest.mark.parametrize("shell", [Library, Cli, Api], ids=["library", "cli", "api"])
def test_split_merge_claim_undo_unlock_story(store: Store, tmp_path: Path, shell: Callable) -> None:
    do = shell(store, tmp_path)
    w = work_ids(store)
    assert groups(store) == {G("k1", "k2", "g1", "g2"), G("t3")}  # the model's mixed profile
    mixed = person_of(store, "k1")

    g1 = do.split(mixed, [w["g1"]])
    assert survives(store) == {G("k1", "k2", "g2"), G("g1"), G("t3")}
    g2 = do.split(mixed, [w["g2"]])
    assert survives(store) == {G("k1", "k2"), G("g1"), G("g2"), G("t3")}

    # the curator's later merge joins the two split-out groups
    merged = do.merge(g1, g2)
    assert survives(store) == {G("k1", "k2"), G("g1", "g2"), G("t3")}

    # a third paper, another person's, claimed into them
    assert do.claim(person_of(store, "g1"), [w["t3"]]) == merged
    assert survives(store) == {G("k1", "k2"), G("g1", "g2", "t3")}

    events = do.history(person_of(store, "g1"))
    assert [e["kind"] for e in events] == ["split", "split", "merge", "claim"]
    assert all(isinstance(e["id"], int) and e["at"].endswith("Z") for e in events)
    merge_id = next(e["id"] for e in events if e["kind"] == "merge")
    claim_id = next(e["id"] for e in events if e["kind"] == "claim")

    # the claim came later and named the merged person: it has the last word until it is undone
    with pytest.raises(
        ConstraintError, match=rf"^undo refused: event #{claim_id} \(claim .*undo event #{claim_id} first$"
    ):
        P.undo(store, merge_id)
    do.undo(claim_id)
    assert survives(store) == {G("k1", "k2"), G("g1", "g2"), G("t3")}
    do.undo(merge_id)  # the groups come apart again
    after = survives(store)
    assert after == {G("k1", "k2"), G("g1"), G("g2"), G("t3")}
    assert person_of(store, "g1") != person_of(store, "g2")
    hist = do.history(person_of(store, "g1"))
    undo_of_merge = next(
        e["id"] for e in hist if e["kind"] == "undo" and e["payload"]["reverts"] == [merge_id]
    )
    assert (
        next(e for e in hist if e["id"] == merge_id)["undone_by"] == undo_of_merge
    )  # the log is append-only

    locked = person_of(store, "g1")
    do.lock(locked)
    assert P.profile(store, locked)[0].locked
    assert survives(store) == after
    do.unlock(locked)
    assert not P.profile(store, person_of(store, "g1"))[0].locked
    assert survives(store) == after
    assert not any(p.locked for p in P.list_people(store, "Jaeseong Lee"))


def test_refusals_are_one_line_and_name_the_event(store: Store) -> None:
    w = work_ids(store)
    mixed = person_of(store, "k1")
    g1 = P.split(store, mixed, [w["g1"]], who="ann")
    P.lock(store, mixed, who="ann")  # event #2
    for attempt in (
        lambda: P.merge(store, g1, mixed),
        lambda: P.claim(store, g1, [w["k1"]]),
        lambda: P.split(store, mixed, [w["k2"]]),
        lambda: P.move(store, w["k1"], mixed, g1),
    ):
        with pytest.raises(ConstraintError) as err:
            attempt()
        msg = str(err.value)
        assert "\n" not in msg and "refused" in msg and f"person {mixed} is locked by event #2" in msg
        assert msg.endswith(f"lift it with `unlock {mixed}`")
        assert "signature" not in msg  # no internal trace of signature ids
    P.unlock(store, mixed, who="ann")
    # an undo that a later event depends on is refused, naming that event: undoing the second split would put
    # the river paper back in the person the soil paper was split from, and the merge (#5) joined the two
    g2 = P.split(store, mixed, [w["g2"]], who="ann")
    P.merge(store, g1, g2, who="ann")
    with pytest.raises(ConstraintError, match=r"^undo refused: event #5 \(merge .*undo event #5 first$"):
        P.undo(store, 4)
    from byline import InputError

    with pytest.raises(InputError, match="no curation event #99"):
        P.undo(store, 99)


def test_undo_twice_and_undo_of_an_undo_are_refused(store: Store) -> None:
    w = work_ids(store)
    P.split(store, person_of(store, "k1"), [w["g1"]], who="ann")
    undo = P.undo(store, 1, who="ann")
    assert groups(store) == {G("k1", "k2", "g1", "g2"), G("t3")}  # the split is gone at once
    assert survives(store) == {G("k1", "k2", "g1", "g2"), G("t3")}
    with pytest.raises(ConstraintError, match="already undone"):
        P.undo(store, 1)
    with pytest.raises(ConstraintError, match="itself an undo"):
        P.undo(store, undo.id)
    con = sqlite3.connect(store.path)
    assert [r[0] for r in con.execute("SELECT kind FROM curation_events ORDER BY id")] == ["split", "undo"]
    con.close()


def test_unlock_of_an_unlocked_person_is_refused(store: Store) -> None:
    from byline import InputError

    with pytest.raises(InputError, match="not locked"):
        P.unlock(store, person_of(store, "k1"))


def test_undo_of_a_claim_gives_the_work_back_to_its_person(store: Store) -> None:
    w = work_ids(store)
    mixed, other = person_of(store, "k1"), person_of(store, "t3")
    P.claim(store, mixed, [w["t3"]], who="ann")
    assert groups(store) == {G("k1", "k2", "g1", "g2", "t3")}
    assert P.profile(store, other)[0].id == mixed  # the emptied person redirects to the claimer
    ev = P.undo(store, 1, who="ann")
    assert person_of(store, "t3") == other  # its id is back
    assert groups(store) == {G("k1", "k2", "g1", "g2"), G("t3")}
    assert survives(store) == {G("k1", "k2", "g1", "g2"), G("t3")}
    assert [e.kind for e in P.history(store, other)][-1] == "undo" and ev.reverts() == [1]
