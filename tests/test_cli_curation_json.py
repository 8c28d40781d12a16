"""The CLI as a curator scripts it: `person` shows the signature ids `explain` takes, every curation command
prints the event it made with `--json`, locking twice changes nothing, and a store on a read-only file system
can be read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from typer.testing import CliRunner

from _helpers import BIO, ML, TinyModel, model_dir, write_bib
from byline import people as P
from byline._errors import InputError
from byline.cli import app
from byline.people.curate import lock_event
from byline.store import Store


def cli(*args: str, ok: bool = True):
    res = CliRunner().invoke(app, list(args))
    if ok:
        assert res.exit_code == 0, (args, res.output, res.exception)
    return res


def js(*args: str) -> dict:
    return json.loads(cli(*args, "--json").output)


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = tmp_path / "c.db"
    with Store(path) as s:
        s.ingest([write_bib(tmp_path / "a.bib", ML + BIO)])
        P.disambiguate(s, TinyModel())
    return str(path)


def namesakes(db: str) -> list[dict]:
    return js("people", "--name", "Jaeseong Lee", "--db", db)["people"]


def test_person_shows_the_signature_ids_explain_takes(db, tmp_path):
    person = namesakes(db)[0]
    out = cli("person", person["id"], "--db", db).output
    sigs = [line.split()[0] for line in out.splitlines() if line.startswith("  ") and "#" in line.split()[0]]
    assert sorted(sigs) == sorted(person["signature_ids"])
    other = namesakes(db)[1]["signature_ids"][0]
    card = cli("explain", sigs[0], other, "--db", db, "--model", str(model_dir(tmp_path))).output
    assert "probab" in card.lower()


def test_every_curation_command_prints_its_event(db):
    a, b = (p["id"] for p in namesakes(db)[:2])
    merged = js("merge", a, b, "--db", db, "--by", "ann")
    assert merged["kind"] == "merge" and merged["people"][:2] == [a, b] and merged["who"] == "ann"
    assert merged["works"]  # the works of both people
    survivor = next(p for p in namesakes(db) if p["id"] == a)
    work = survivor["work_ids"][0]
    split = js("split", a, "--works", work, "--db", db)
    assert split["kind"] == "split" and split["works"] == [work] and split["id"] == merged["id"] + 1
    new = split["people"][1]
    assert new != a and any(p["id"] == new for p in namesakes(db))
    claimed = js("claim", a, "--works", work, "--db", db)
    assert claimed["kind"] == "claim" and claimed["works"] == [work] and claimed["people"][0] == a
    undone = js("undo", str(claimed["id"]), "--db", db)
    assert undone["kind"] == "undo" and undone["id"] == claimed["id"] + 1
    locked = js("lock", a, "--db", db)
    assert locked["kind"] == "lock" and locked["people"] == [a]
    unlocked = js("unlock", a, "--db", db)
    assert unlocked["kind"] == "unlock" and unlocked["id"] == locked["id"] + 1
    kinds = [e["kind"] for e in js("history", a, "--db", db)["events"]]
    assert kinds.count("lock") == 1 and kinds.count("unlock") == 1


def test_locking_twice_changes_nothing(db):
    a = namesakes(db)[0]["id"]
    first = js("lock", a, "--db", db)
    again = js("lock", a, "--db", db)
    assert again == first  # the lock that holds it; no second event
    assert "locked" in cli("lock", a, "--db", db).output
    events = js("history", a, "--db", db)["events"]
    assert [e["kind"] for e in events] == ["lock"]


def _readonly_mount_works() -> bool:
    if not shutil.which("unshare") or sys.platform != "linux":
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _readonly_mount_works(), reason="needs `unshare -rm` (user + mount namespaces)")
def test_a_store_on_a_read_only_file_system_can_be_read(db, tmp_path):
    """The store's folder is bind-mounted read-only inside a user + mount namespace (``unshare -rm``), so
    the files really cannot be written, even by root (chmod would not stop root). SQLite in WAL mode wants
    to create ``-wal`` / ``-shm`` beside the store; without a read-only (``immutable``) connection the
    read commands fail with "not a byline store (unable to open database file)"."""
    src = Path(db).parent
    MAIN = "from byline.cli import main; main()"  # noqa: N806
    ro = tmp_path / "ro"
    ro.mkdir()
    people = namesakes(db)
    script = (
        f"mount --bind -o ro {src} {ro} && touch {ro}/probe 2>/dev/null && echo WRITABLE; "
        f"PYTHONPATH={os.pathsep.join(sys.path)} {sys.executable} -c '{MAIN}' people --db {ro}/c.db --json; "
        f"echo ---; PYTHONPATH={os.pathsep.join(sys.path)} "
        f"{sys.executable} -c '{MAIN}' lock {people[0]['id']} --db {ro}/c.db"
    )
    run = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=120)
    read, _, write = run.stdout.partition("---")
    assert "WRITABLE" not in read, "the bind mount is not read-only"
    listed = json.loads(read)["people"]
    assert {p["id"] for p in listed} >= {p["id"] for p in people}
    assert "read-only" in run.stderr and "locked" not in write  # a write is refused in words


class LockUnlockMachine(RuleBasedStateMachine):
    """Any sequence of locks and unlocks: a lock of a locked person adds no event and a person is locked
    exactly when its last lock event counts; an unlock of an unlocked person is refused, changing nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp())
        self.store = Store(self.tmp / "m.db")
        self.store.ingest([write_bib(self.tmp / "a.bib", ML + BIO)])
        P.disambiguate(self.store, TinyModel())
        self.ids = sorted(p.id for p in P.list_people(self.store, None))[:3]
        self.locked: set[str] = set()

    def n_events(self) -> int:
        return len(P.history(self.store, self.ids[0])) + sum(
            len(P.history(self.store, p)) for p in self.ids[1:]
        )

    @rule(i=st.integers(0, 2))
    def lock(self, i: int) -> None:
        pid = self.ids[i]
        before = self.n_events()
        P.lock(self.store, pid, who="m")
        assert self.n_events() == before + (0 if pid in self.locked else 1)
        self.locked.add(pid)

    @rule(i=st.integers(0, 2))
    def unlock(self, i: int) -> None:
        pid = self.ids[i]
        before = self.n_events()
        if pid in self.locked:
            P.unlock(self.store, pid, who="m")
            self.locked.discard(pid)
            assert self.n_events() == before + 1
        else:
            with pytest.raises(InputError, match="is not locked"):
                P.unlock(self.store, pid, who="m")
            assert self.n_events() == before

    @invariant()
    def locked_flags_agree(self) -> None:
        flags = {p.id: p.locked for p in P.list_people(self.store, None) if p.id in self.ids}
        assert {p for p, on in flags.items() if on} == self.locked
        for pid in self.ids:
            assert (lock_event(self.store, pid) is not None) == (pid in self.locked)

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def test_lock_unlock_sequences() -> None:
    run_state_machine_as_test(
        LockUnlockMachine, settings=settings(max_examples=15, stateful_step_count=8, deadline=None)
    )
