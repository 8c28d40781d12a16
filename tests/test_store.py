"""The SQLite store: one transaction per ingest, idempotent re-ingest, migrations, accessors."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import byline.schema as schema_mod
from _helpers import SEED_OWNERS, seed_files
from byline._errors import InputError, StoreError
from byline.people.repo import migrate_people
from byline.schema import Migration
from byline.store import SCHEMA_VERSION, Store, execute_script, migrations, schema_version

ABSTRACT = (
    "We study the problem of disambiguating author names in large bibliographic databases where many "
    "people share a name and one person prints their name in many ways across venues and years."
)


def _profile(path: Path, owner: str = "Lee, Ann", n: int = 3, start: int = 0) -> Path:
    lines = [owner]
    for i in range(start, start + n):
        lines += [f"Paper Title Number {i}", f"Lee, Ann, Kim, Bo{'b' * (i % 3)}", f"{ABSTRACT} Variant {i}."]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _counts(s: Store) -> dict[str, int]:
    return {
        t: s.count(t)
        for t in (
            "files",
            "works",
            "records",
            "work_records",
            "work_keys",
            "signatures",
            "listings",
            "listing_entries",
        )
    }


def _ingest_seeds(s: Store, seeds_dir: Path) -> None:
    for path, owner in seed_files(seeds_dir):
        s.ingest([path], owner=owner)


def test_seed_acceptance(tmp_path: Path, seeds_dir: Path) -> None:
    with Store(tmp_path / "b.db") as s:
        _ingest_seeds(s, seeds_dir)
        assert s.count("listing_entries") == 61
        works = s.works()
        assert len(works) == 58
        shared = [w for w in works if len(w.records) > 1]
        assert len(shared) == 3
        for w in shared:
            files = sorted(Path(r.source.file).name[:3] for r in w.records)
            assert files == ["000", "004"]
        assert {ls.owner for ls in s.listings()} == set(SEED_OWNERS.values())
        assert sum(len(ls.records) for ls in s.listings()) == 61


def test_reingest_is_idempotent(tmp_path: Path, seeds_dir: Path) -> None:
    with Store(tmp_path / "b.db") as s:
        _ingest_seeds(s, seeds_dir)
        before = _counts(s)
        ids = [w.id for w in s.works()]
        sigs = [x.id for x in s.signatures()]
        res = s.ingest([seeds_dir / "000_197f605d59620965.txt"], owner="Jaeseong Lee")
        assert res.new_records == 0 and res.new_works == 0 and res.new_listings == 0
        _ingest_seeds(s, seeds_dir)
        assert _counts(s) == before
        assert [w.id for w in s.works()] == ids and [x.id for x in s.signatures()] == sigs


def test_ids_are_stable_across_stores(tmp_path: Path, seeds_dir: Path) -> None:
    with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
        _ingest_seeds(a, seeds_dir)
        _ingest_seeds(b, seeds_dir)
        assert [w.id for w in a.works()] == [w.id for w in b.works()]
        assert [x.id for x in a.listings()] == [x.id for x in b.listings()]


def test_new_records_merge_into_stored_works(tmp_path: Path, seeds_dir: Path) -> None:
    with Store(tmp_path / "b.db") as s:
        s.ingest([seeds_dir / "004_7708ce01b97304fb.txt"], owner="Jaeseong Lee")
        ids_before = {w.id for w in s.works()}
        res = s.ingest([seeds_dir / "000_197f605d59620965.txt"])
        assert res.updated_works == 3 and res.new_works == 3
        works = s.works()
        assert len(works) == 12 and ids_before <= {w.id for w in works}
        merged = [w for w in works if len(w.records) == 2]
        assert len(merged) == 3 and all(w.title and w.authors for w in merged)
        # signatures follow the merged author lists
        for w in merged:
            assert [x.id for x in s.signatures() if x.work_id == w.id] == [
                f"{w.id}#{i}" for i in range(len(w.authors))
            ]


def test_failing_file_leaves_store_untouched(tmp_path: Path) -> None:
    good = _profile(tmp_path / "good.txt")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02 binary")
    with Store(tmp_path / "b.db") as s:
        s.ingest([_profile(tmp_path / "first.txt", start=10)])
        before = _counts(s)
        with pytest.raises(InputError, match="bad.txt"):
            s.ingest([good, bad])
        assert _counts(s) == before
        with pytest.raises(InputError, match="no such file"):
            s.ingest([good, tmp_path / "missing.txt"])
        assert _counts(s) == before


def test_write_failure_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(tmp_path / "b.db") as s:
        s.ingest([_profile(tmp_path / "first.txt", start=10)])
        before = _counts(s)
        calls = {"n": 0}
        real = Store._put_work

        def flaky(self, con, w, *, new, now):
            calls["n"] += 1
            if calls["n"] == 2:
                raise sqlite3.OperationalError("disk I/O error (simulated)")
            return real(self, con, w, new=new, now=now)

        monkeypatch.setattr(Store, "_put_work", flaky)
        with pytest.raises(StoreError, match="nothing stored"):
            s.ingest([_profile(tmp_path / "second.txt", start=20)])
        assert calls["n"] == 2
        assert _counts(s) == before
    with Store(tmp_path / "b.db") as s:  # and still after reopening
        assert _counts(s) == before


def test_accessors_and_unknown_ids(tmp_path: Path) -> None:
    with Store(tmp_path / "b.db") as s:
        res = s.ingest([_profile(tmp_path / "p.txt")])
        (lid,) = res.listings
        listing = s.listing(lid)
        assert listing.owner == "Ann Lee" and listing.id == lid and len(listing.records) == 3
        wid = listing.records[0].extra["work_id"]
        assert s.work(wid).title == "Paper Title Number 0"
        assert s.listing_work_ids(lid) == [r.extra["work_id"] for r in listing.records]
        sigs = s.signatures(block="a lee")
        assert len(sigs) == 3 and all(x.name == "Ann Lee" and x.position == 0 for x in sigs)
        assert len(s.signatures()) == 6
        with pytest.raises(StoreError, match="no work"):
            s.work("Wnope")
        with pytest.raises(StoreError, match="no listing"):
            s.listing("Lnope")
        with pytest.raises(StoreError, match="no table"):
            s.count("nope")


def test_non_listing_file_without_owner_is_not_a_listing(tmp_path: Path) -> None:
    pytest.importorskip("byline.ingest.bibtex")
    bib = tmp_path / "x.bib"
    bib.write_text("@article{k1, title={A Paper About Names}, author={Lee, Ann and Kim, Bo}, year={2020}}\n")
    with Store(tmp_path / "b.db") as s:
        res = s.ingest([bib], format="bibtex")
        assert res.listings == [] and s.count("works") == 1
        res = s.ingest([bib], format="bibtex", owner="Ann Lee")
        assert len(res.listings) == 1 and s.count("works") == 1


def test_migrations_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "b.db"
    with Store(db) as s:
        assert s.version == schema_version() == SCHEMA_VERSION == len(migrations())
    assert [m.version for m in migrations()] == list(range(1, SCHEMA_VERSION + 1))
    assert migrations()[1].fn is migrate_people  # the people tables: listed in byline.schema, not registered

    def m_tables(con: sqlite3.Connection) -> None:
        execute_script(
            con,
            "CREATE TABLE mig_test_a (id TEXT PRIMARY KEY);\nCREATE TABLE mig_test_b (id INTEGER PRIMARY KEY);",
        )

    def m_broken(con: sqlite3.Connection) -> None:
        con.execute("CREATE TABLE extra_table (x INTEGER)")
        raise RuntimeError("broken migration")

    def m_fixed(con: sqlite3.Connection) -> None:
        con.execute("CREATE TABLE extra_table (x INTEGER)")

    base = schema_mod.MIGRATIONS
    gap = (*base, Migration(SCHEMA_VERSION + 2, m_tables))
    monkeypatch.setattr(schema_mod, "MIGRATIONS", gap)
    with pytest.raises(StoreError, match=f"expected version {SCHEMA_VERSION + 1}"):
        Store(db)  # a list with a gap: refused before anything runs
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION

    monkeypatch.setattr(
        schema_mod,
        "MIGRATIONS",
        (*base, Migration(SCHEMA_VERSION + 1, m_tables), Migration(SCHEMA_VERSION + 2, m_broken)),
    )
    with pytest.raises(RuntimeError, match="broken"):
        Store(db)
    with sqlite3.connect(db) as con:  # the first new migration committed, the broken one did not
        assert con.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert not con.execute("SELECT name FROM sqlite_master WHERE name = 'extra_table'").fetchall()

    monkeypatch.setattr(
        schema_mod,
        "MIGRATIONS",
        (*base, Migration(SCHEMA_VERSION + 1, m_tables), Migration(SCHEMA_VERSION + 2, m_fixed)),
    )
    with Store(db) as s:
        assert s.version == SCHEMA_VERSION + 2
        assert s.count("mig_test_a") == 0 and s.count("mig_test_b") == 0 and s.count("extra_table") == 0
    monkeypatch.setattr(schema_mod, "MIGRATIONS", base)
    with pytest.raises(StoreError, match="newer"):
        Store(db)  # the code went back to an older schema: refused, nothing touched


def test_store_does_not_import_the_people_layer() -> None:
    code = "import sys, byline.store; sys.exit(any(m.startswith('byline.people') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_a_version_1_store_migrates_to_the_current_schema(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    con.execute("INSERT INTO schema_version VALUES (1)")
    schema_mod.MIGRATIONS[0].fn(con)  # the store as version 1 wrote it
    con.commit()
    con.close()
    with Store(db) as s:
        assert s.version == SCHEMA_VERSION
        assert s.count("people") == 0 and s.count("server_settings") == 0 and s.count("works") == 0


def test_server_settings_migration_upgrades_a_v2_store(tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    Store(db).close()
    with sqlite3.connect(db) as con:  # a store written before v3; an old server may have made the table
        con.execute("UPDATE schema_version SET version = 2")
        con.execute("INSERT INTO server_settings (key, value) VALUES ('k', 'v')")
    with Store(db) as s:
        assert s.version == schema_version() >= 3
        assert s.connection.execute("SELECT value FROM server_settings WHERE key = 'k'").fetchone()[0] == "v"


def test_schema_newer_than_code_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    Store(db).close()
    with sqlite3.connect(db) as con:
        con.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(StoreError, match="newer"):
        Store(db)


def test_not_a_store(tmp_path: Path) -> None:
    f = tmp_path / "x.db"
    f.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a byline store"):
        Store(f)
    with pytest.raises(StoreError, match="directory"):
        Store(tmp_path)


def test_empty_input_list_and_bad_format(tmp_path: Path) -> None:
    with Store(tmp_path / "b.db") as s:
        with pytest.raises(InputError):
            s.ingest([])
        with pytest.raises(InputError, match="unknown format"):
            s.ingest([_profile(tmp_path / "p.txt")], format="nope")


def test_progress_callback(tmp_path: Path) -> None:
    seen = []
    with Store(tmp_path / "b.db") as s:
        s.ingest(
            [_profile(tmp_path / "a.txt"), _profile(tmp_path / "b.txt", start=5)],
            progress=lambda done, total, recs, cur: seen.append((done, total, recs)),
        )
    assert seen[-1] == (2, 2, 6)
    with Store(tmp_path / "b.db") as s:
        assert s.ingest(str(tmp_path / "a.txt")).files == 1  # one path given as a string


def test_same_content_twice_and_other_owner(tmp_path: Path) -> None:
    a = _profile(tmp_path / "a.txt")
    b = tmp_path / "copy.txt"
    b.write_bytes(a.read_bytes())
    with Store(tmp_path / "b.db") as s:
        res = s.ingest([a, b, a])
        assert res.new_records == 3 and len(res.listings) == 1 and s.count("listing_entries") == 3
        res = s.ingest([b], owner="Bo Kim")  # same page claimed by someone else: a second listing
        assert res.new_records == 0 and res.new_listings == 1
        assert sorted(x.owner for x in s.listings()) == ["Ann Lee", "Bo Kim"]
        assert s.count("works") == 3 and s.count("listing_entries") == 6


def test_files_are_parsed_whole_before_the_store(tmp_path: Path) -> None:
    import hashlib

    from byline.ingest.files import parse_file, parse_files

    bib = tmp_path / "x.bib"
    bib.write_text("@article{k1, title={A Paper About Names}, author={Lee, Ann and Kim, Bo}, year={2020}}\n")
    pf = parse_file(bib)
    assert pf.format == "bibtex" and pf.hash == hashlib.sha256(bib.read_bytes()).hexdigest()
    assert [r.title for r in pf.records] == ["A Paper About Names"] and not pf.is_listing
    seen: list[tuple[int, int, int, str]] = []
    (again,) = parse_files([bib], owner="Ann Lee", progress=lambda *a: seen.append(a), labels={str(bib): "-"})
    assert again.is_listing and again.owner == "Ann Lee" and again.records[0].source.file == "-"
    assert seen[0] == (0, 1, 0, str(bib)) and seen[-1] == (1, 1, 1, "")
    with pytest.raises(InputError, match="no input files"):
        parse_files([])
