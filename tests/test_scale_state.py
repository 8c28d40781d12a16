"""Over any sequence of ingests, curator merges and re-runs, disambiguating in small batches of blocks keeps
exactly the people (ids included) of disambiguating the whole store at once."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from _helpers import model_dir, synth_bib
from byline._errors import BylineError
from byline._store_access import load_model
from byline.people import disambiguate, merge
from byline.store import Store

_DIR = Path(tempfile.mkdtemp(prefix="byline-scale-state-"))
_PARTS = [synth_bib(_DIR / f"part{k}.bib", n_signatures=300, seed=20 + k) for k in range(3)]
_MODEL = load_model(model_dir(_DIR))


def _placements(store: Store) -> dict[str, str]:
    return dict(store.connection.execute("SELECT signature_id, person_id FROM person_signatures").fetchall())


class BatchedEqualsWhole(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(dir=_DIR))
        self.batched = Store(self.dir / "batched.db")
        self.whole = Store(self.dir / "whole.db")
        self.ingested: set[int] = set()
        self.runs = 0

    def teardown(self) -> None:
        self.batched.close()
        self.whole.close()

    @rule(part=st.integers(0, len(_PARTS) - 1))
    def ingest(self, part: int) -> None:
        for s in (self.batched, self.whole):
            s.ingest([_PARTS[part]])
        self.ingested.add(part)

    @precondition(lambda self: self.ingested)
    @rule(batch=st.sampled_from([20, 60, 250]))
    def disambiguate(self, batch: int) -> None:
        a = disambiguate(self.batched, _MODEL, batch_signatures=batch)
        b = disambiguate(self.whole, _MODEL, batch_signatures=10**9)
        assert (a.signatures, a.people, a.new) == (b.signatures, b.people, b.new)
        assert _placements(self.batched) == _placements(self.whole)
        self.runs += 1

    @precondition(lambda self: self.runs)
    @rule(pick=st.integers(0, 10**6))
    def merge_two_people_of_a_block(self, pick: int) -> None:
        rows = self.whole.connection.execute("SELECT block, id FROM people ORDER BY block, id").fetchall()
        by_block: dict[str, list[str]] = {}
        for block, pid in rows:
            by_block.setdefault(block, []).append(pid)
        pairs = [ps[:2] for ps in by_block.values() if len(ps) > 1]
        if not pairs:
            return
        a, b = pairs[pick % len(pairs)]
        outcome = []
        for s in (self.batched, self.whole):
            try:
                outcome.append(merge(s, a, b, who="t", why="same person"))
            except BylineError as exc:  # a name rule refuses it: in both stores alike
                outcome.append(type(exc).__name__)
        assert outcome[0] == outcome[1]

    @invariant()
    def consistent(self) -> None:
        con = sqlite3.connect(self.dir / "batched.db")
        try:
            empty = con.execute(
                "SELECT COUNT(*) FROM people p WHERE NOT EXISTS "
                "(SELECT 1 FROM person_signatures ps WHERE ps.person_id = p.id)"
            ).fetchone()[0]
            orphans = con.execute(
                "SELECT COUNT(*) FROM person_signatures ps LEFT JOIN people p ON p.id = ps.person_id "
                "WHERE p.id IS NULL"
            ).fetchone()[0]
        finally:
            con.close()
        assert empty == 0 and orphans == 0


TestBatchedEqualsWhole = pytest.mark.slow(BatchedEqualsWhole.TestCase)
BatchedEqualsWhole.TestCase.settings = settings(
    max_examples=4, stateful_step_count=6, deadline=None, suppress_health_check=list(HealthCheck)
)
