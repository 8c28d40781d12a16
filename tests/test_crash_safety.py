"""kill -9 at random moments of `byline disambiguate` leaves the store consistent; a re-run finishes the job."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from _helpers import model_dir, synth_bib
from byline.store import Store


def check_consistent(db: Path, all_or_nothing: bool = True) -> int:
    """Integrity + people invariants; returns how many signatures have a person (0 or all)."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = con.execute(
            "SELECT COUNT(*) FROM person_signatures ps LEFT JOIN people p ON p.id = ps.person_id "
            "WHERE p.id IS NULL"
        ).fetchone()[0]
        empty = con.execute(
            "SELECT COUNT(*) FROM people p WHERE NOT EXISTS "
            "(SELECT 1 FROM person_signatures ps WHERE ps.person_id = p.id)"
        ).fetchone()[0]
        unfinished = con.execute("SELECT COUNT(*) FROM runs WHERE finished_at IS NULL").fetchone()[0]
        placed = con.execute("SELECT COUNT(*) FROM person_signatures").fetchone()[0]
        total = con.execute("SELECT COUNT(*) FROM signatures").fetchone()[0]
    finally:
        con.close()
    assert orphans == 0 and empty == 0 and unfinished == 0
    if all_or_nothing:
        assert placed in (0, total), f"half-written: {placed} of {total} signatures placed"
    return placed


def byline_cmd(*args: str) -> list[str]:
    return [sys.executable, "-c", "from byline.cli import main; main()", *args]


def disambiguate_cmd(db: Path, model: Path) -> list[str]:
    return byline_cmd("disambiguate", "--db", str(db), "--model", str(model))


def run_and_kill(cmd: list[str], rng: random.Random, lo: float, hi: float) -> bool:
    """Start ``cmd``, SIGKILL it after a random ``lo``..``hi`` seconds unless it is done; True when killed."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(lo, hi))
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    return killed


@pytest.mark.slow
def test_sigkill_during_disambiguate_leaves_store_consistent(tmp_path):
    model = model_dir(tmp_path)
    db = tmp_path / "crash.db"
    with Store(db) as s:
        s.ingest([synth_bib(tmp_path / "corpus.bib", n_signatures=700, seed=5)])
    rng = random.Random(7)
    killed = 0
    for _ in range(4):
        killed += run_and_kill(disambiguate_cmd(db, model), rng, 0.3, 3.0)
        check_consistent(db)
    assert killed >= 2, "the runs finished before the kills: make the corpus bigger"
    done = subprocess.run(disambiguate_cmd(db, model), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert check_consistent(db) > 0
    con = sqlite3.connect(db)
    before = con.execute("SELECT signature_id, person_id FROM person_signatures ORDER BY 1").fetchall()
    con.close()
    again = subprocess.run(disambiguate_cmd(db, model), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    con = sqlite3.connect(db)
    assert (
        con.execute("SELECT signature_id, person_id FROM person_signatures ORDER BY 1").fetchall() == before
    )
    con.close()


@pytest.mark.slow
def test_sigkill_during_assign_then_rerun_finishes(tmp_path):
    model = model_dir(tmp_path)
    db = tmp_path / "assign.db"
    with Store(db) as s:
        s.ingest([synth_bib(tmp_path / "old.bib", n_signatures=500, seed=8)])
    assert subprocess.run(disambiguate_cmd(db, model), capture_output=True).returncode == 0
    placed_before = check_consistent(db)
    new = synth_bib(tmp_path / "new.bib", n_signatures=400, seed=9)
    cmd = byline_cmd("assign", str(new), "--db", str(db), "--model", str(model))
    rng = random.Random(3)
    killed = 0
    for _ in range(4):
        killed += run_and_kill(cmd, rng, 0.3, 2.5)
        # ingest and assign are separate transactions: new works may be stored but not yet placed
        assert check_consistent(db, all_or_nothing=False) >= placed_before
        if killed >= 2:
            break
    assert killed >= 1, "every assign finished before its kill: make the new file bigger"
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    con = sqlite3.connect(db)
    total = con.execute("SELECT COUNT(*) FROM signatures").fetchone()[0]
    con.close()
    assert check_consistent(db, all_or_nothing=False) == total
