"""The web app over a real store (seed listings + a hostile BibTeX file), with a tiny stand-in model."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

pytest.importorskip("fastapi")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fastapi.testclient import TestClient  # noqa: E402

from _helpers import TinyModel, seed_files  # noqa: E402
from byline.server import create_app  # noqa: E402
from byline.server.security import TOKEN_SETTING  # noqa: E402
from byline.server.store_backend import StoreBackend  # noqa: E402

TOKEN = "store-test-token-123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HTML = {"accept": "text/html"}
HOSTILE_BIB = r"""@article{x1,
  title = {Deep <script>alert(1)</script> nets <img src=x onerror="alert(2)"> $\alpha$-stable </td>},
  author = {Lee, Jaeseong and Evil, Mallory <b onmouseover=alert(3)>},
  journal = {J. <i>Tests</i>},
  year = {2021},
  abstract = {We show <script>alert(4)</script> and \emph{LaTeX} $x^2$ & broken <div},
}
@article{x2,
  title = {Graph nets for molecules},
  author = {Lee, Jaeseong and Kim, Minho},
  journal = {NeurIPS},
  year = {2020},
}
"""


def _dump(db: Path) -> list[str]:
    """Every row of every people/curation table (to prove a refused write changed nothing)."""
    con = sqlite3.connect(db)
    try:
        out = []
        for table in (
            "people",
            "person_signatures",
            "person_redirects",
            "curation_events",
            "works",
            "listings",
        ):
            out += [f"{table}:{r}" for r in con.execute(f"SELECT * FROM {table} ORDER BY 1")]  # noqa: S608
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def built(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from byline import people
    from byline.store import Store

    folder = tmp_path_factory.mktemp("server_store")
    bib = folder / "hostile.bib"
    bib.write_text(HOSTILE_BIB, encoding="utf-8")
    db = folder / "seeds.db"
    with Store(db) as store:
        for path, owner in seed_files(seeds_dir):
            store.ingest([path], owner=owner)
        store.ingest([bib])
        people.disambiguate(store, TinyModel())
    return db


@pytest.fixture()
def db(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built store per test (curation tests change it)."""
    copy = tmp_path / "store.db"
    src = sqlite3.connect(built)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    return copy


@pytest.fixture()
def client(db: Path) -> TestClient:
    return TestClient(create_app(backend=StoreBackend(db, model=TinyModel()), token=TOKEN))


def _people(client: TestClient, name: str | None = None) -> list[dict]:
    r = client.get("/api/people", params={"name": name} if name else {})
    assert r.status_code == 200
    return r.json()["items"]


def test_search_person_work(client: TestClient) -> None:
    found = _people(client, "Jaeseong Lee")
    assert found and all("Lee" in p["name"] for p in found)
    assert [p["n_works"] for p in found] == sorted((p["n_works"] for p in found), reverse=True)
    p = client.get(f"/api/people/{found[0]['id']}").json()
    assert p["id"] == found[0]["id"] and p["works"] and p["variants"]
    for key in ("coauthors", "affiliations", "topics", "years", "flagged", "history", "name_variants"):
        assert key in p
    w = client.get(f"/api/works/{p['works'][0]['work_id']}").json()
    assert (
        w["work_id"] == p["works"][0]["work_id"] and w["sources"] and w["sources"][0]["file"].endswith(".txt")
    )
    assert any(a.get("person_id") == p["id"] for a in w["authors"])
    beomsu = _people(client, "Beomsu Kim")
    assert beomsu and beomsu[0]["name"] == "Beomsu Kim"
    assert len(_people(client)) > len(found)


def test_unknown_ids_are_404_json(client: TestClient) -> None:
    for url in ("/api/people/P000000000000", "/api/works/W000000000000"):
        r = client.get(url)
        assert r.status_code == 404 and r.json()["error"].startswith("no ")
    r = client.get("/api/explain", params={"a": "W000000000000#0", "b": "W000000000000#1"})
    assert r.status_code == 404 and "signature" in r.json()["error"]


def test_explain_and_review(client: TestClient) -> None:
    p = _people(client, "Jaeseong Lee")[0]
    view = client.get(f"/api/people/{p['id']}").json()
    other = _people(client, "Jaegul Choo")[0]
    other_view = client.get(f"/api/people/{other['id']}").json()
    a, b = view["works"][0]["signature_id"], other_view["works"][0]["signature_id"]
    card = client.get("/api/explain", params={"a": a, "b": b}).json()
    assert card["a"]["id"] == a and card["b"]["id"] == b
    assert 0.0 <= card["probability"] <= 1.0 and card["features"]
    assert card["decision"] == "different people"
    html = client.get("/explain", params={"a": a, "b": b}, headers=HTML).text
    assert 'id="explain-card"' in html and "Different people" in html
    items = client.get("/api/review", params={"limit": 5}).json()["items"]
    assert 1 <= len(items) <= 5
    assert [i["probability"] for i in items] == sorted(i["probability"] for i in items)
    assert client.get("/review", headers=HTML).status_code == 200


def test_writes_without_token_change_nothing(client: TestClient, db: Path) -> None:
    a, b = [p["id"] for p in _people(client, "Jaeseong Lee")[:2]]
    wid = client.get(f"/api/people/{a}").json()["works"][0]["work_id"]
    before = _dump(db)
    for action, body in [
        ("merge", {"other": b}),
        ("split", {"works": [wid]}),
        ("lock", {}),
        ("claim", {"works": [wid]}),
    ]:
        for headers in ({}, {"Authorization": "Bearer not-the-token"}):
            r = client.post(f"/api/people/{a}/{action}", json=body, headers=headers)
            assert r.status_code == 401 and r.json()["error"]
    assert _dump(db) == before


def test_merge_redirects_and_persists(client: TestClient, db: Path) -> None:
    a, b = [p["id"] for p in _people(client, "Jaeseong Lee")[:2]]
    n = client.get(f"/api/people/{a}").json()["n_works"] + client.get(f"/api/people/{b}").json()["n_works"]
    r = client.post(
        f"/api/people/{a}/merge", json={"other": b, "who": "tester", "why": "same person"}, headers=AUTH
    )
    assert r.status_code == 200, r.text
    assert r.json()["person"] == a and r.json()["event"]["kind"] == "merge"
    r = client.get(f"/api/people/{b}", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == f"/api/people/{a}"
    merged = client.get(f"/api/people/{b}").json()
    assert merged["id"] == a and merged["n_works"] == n and b in merged["merged_from"]
    assert merged["history"][-1]["who"] == "tester" and merged["history"][-1]["why"] == "same person"
    r = client.get(f"/people/{b}", headers=HTML, follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == f"/people/{a}"
    # a brand-new app on the same file sees it (persisted, not cached)
    fresh = TestClient(create_app(backend=StoreBackend(db, model=TinyModel()), token=TOKEN))
    assert fresh.get(f"/api/people/{b}").json()["id"] == a
    # merging again is a clear 4xx, and the same curation the CLI records
    r = client.post(f"/api/people/{a}/merge", json={"other": b}, headers=AUTH)
    assert r.status_code == 400 and "same person" in r.json()["error"]
    from byline import people
    from byline.store import Store

    with Store(db) as store:
        events = people.history(store, a)
    assert [e.kind for e in events] == ["merge"] and events[0].who == "tester"


def test_split_lock_claim(client: TestClient) -> None:
    biggest = _people(client)[0]
    view = client.get(f"/api/people/{biggest['id']}").json()
    assert view["n_works"] >= 2
    wid = view["works"][-1]["work_id"]
    r = client.post(f"/api/people/{biggest['id']}/split", json={"works": [wid]}, headers=AUTH)
    assert r.status_code == 200, r.text
    new = r.json()["new_person"]
    assert client.get(f"/api/people/{new}").json()["work_ids"] == [wid]
    assert wid not in client.get(f"/api/people/{biggest['id']}").json()["work_ids"]
    r = client.post(f"/api/people/{new}/lock", headers=AUTH)
    assert r.status_code == 200 and client.get(f"/api/people/{new}").json()["locked"] is True
    # the split-off person is locked: claiming its work back is refused, naming the lock (409)
    r = client.post(f"/api/people/{biggest['id']}/claim", json={"works": [wid]}, headers=AUTH)
    assert r.status_code == 409 and "refused" in r.json()["error"] and f"`unlock {new}`" in r.json()["error"]
    r = client.post(f"/api/people/{biggest['id']}/split", json={"works": ["W000000000000"]}, headers=AUTH)
    assert r.status_code == 404 and "W000000000000" in r.json()["error"]  # no such work
    r = client.post("/api/people/P000000000000/lock", headers=AUTH)
    assert r.status_code == 404


def test_audit_upload_does_not_store(client: TestClient, db: Path, seeds_dir: Path) -> None:
    before = _dump(db)
    seed = next(seeds_dir.glob("003_*.txt"))
    r = client.post(
        "/api/audit", params={"owner": "Nojun Kwak", "filename": seed.name}, content=seed.read_bytes()
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["owner"] == "Nojun Kwak" and len(out["works"]) >= 5
    assert [w["score"] for w in out["works"]] == sorted((w["score"] for w in out["works"]), reverse=True)
    assert all(w["evidence"] for w in out["works"])
    con = sqlite3.connect(db)
    stored = {wid for (wid,) in con.execute("SELECT id FROM works")}
    con.close()
    assert {w["work_id"] for w in out["works"]} <= stored  # matched to the stored works' ids
    r = client.post(
        "/api/audit", files={"file": ("listing.txt", seed.read_bytes())}, data={"owner": "Nojun Kwak"}
    )
    assert r.status_code == 200 and r.json()["works"] == out["works"]
    assert _dump(db) == before
    r = client.post("/api/audit", params={"filename": "x.json"}, content=b'{"truncated": [1, 2')
    assert r.status_code == 400 and "upload" in r.json()["error"] and "/tmp" not in r.json()["error"]
    page = client.post("/audit", files={"file": ("l.txt", seed.read_bytes())}, data={"owner": "Nojun Kwak"})
    assert page.status_code == 200 and 'id="audit"' in page.text


def test_hostile_text_is_inert(client: TestClient) -> None:
    everyone = client.get("/api/people", params={"limit": 500}).json()["items"]
    evil = [p for p in everyone if "onmouseover" in p["name"]]
    assert evil, "the hostile BibTeX author should be a person"
    pages = [f"/people/{evil[0]['id']}", "/?name=Jaeseong+Lee", "/", "/review?limit=500"]
    view = client.get(f"/api/people/{evil[0]['id']}").json()
    pages.append(f"/works/{view['works'][0]['work_id']}")
    assert "<script>" in view["works"][0]["title"]  # stored as the source printed it...
    for url in pages:
        html = client.get(url, headers=HTML).text
        assert "<script>alert" not in html, url  # ...and rendered as text
        assert "<img src=x" not in html and "<b onmouseover" not in html and "<i>Tests" not in html, url
        if url.startswith(("/people/", "/works/")):
            assert (
                "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b onmouseover=alert(3)&gt;" in html
            ), url


def test_generated_token_is_stored_hashed(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BYLINE_TOKEN", raising=False)
    app = create_app(db)
    token = app.state.generated_token
    assert token and token in capsys.readouterr().err
    con = sqlite3.connect(db)
    (stored,) = con.execute("SELECT value FROM server_settings WHERE key = ?", (TOKEN_SETTING,)).fetchone()
    con.close()
    assert token not in stored and len(stored) == 64
    again = create_app(db)
    assert again.state.generated_token is None and capsys.readouterr().err == ""


def test_profiles_read_only_their_works_but_match_the_whole_corpus(db: Path) -> None:
    """A profile loads just its own works; it is the same profile the whole corpus gives (implicit owner
    signatures of abstract-only listings included)."""
    from byline import people
    from byline.people.corpus import load_corpus
    from byline.profiles import summarize
    from byline.store import Store

    with Store(db) as store:
        corpus = load_corpus(store)
        assert corpus.implicit, "the seeds have abstract-only listings"
        implicit_seen = 0
        for p in people.list_people(store):
            prof, _ = people.profile(store, p.id)
            sigs = [corpus.signatures[s] for s in p.signature_ids if s in corpus.signatures]
            ref = summarize(p.id, sigs, implicit=corpus.implicit & set(p.signature_ids), locked=p.locked)
            assert prof == ref, p.id
            implicit_seen += sum(w.implicit for w in prof.works)
        assert implicit_seen


def test_undo_and_history_endpoints(client: TestClient, db: Path) -> None:
    assert client.post("/api/events/1/undo").status_code == 401  # a curator write
    r = client.post("/api/events/99/undo", headers=AUTH)
    assert r.status_code == 404 and "no curation event with id '99'" in r.json()["error"]
    assert client.get("/api/people/Pnope/history").status_code == 404
    a, b = (p["id"] for p in _people(client, "Jaeseong Lee")[:2])
    before = _membership(db)
    ev = client.post(f"/api/people/{a}/merge", json={"other": b}, headers=AUTH).json()["event"]
    hist = client.get(f"/api/people/{a}/history").json()["items"]
    assert [(e["id"], e["kind"], e["undone_by"]) for e in hist] == [(ev["id"], "merge", None)]
    undo = client.post(f"/api/events/{ev['id']}/undo", headers=AUTH).json()
    assert undo["event"]["kind"] == "undo" and undo["event"]["payload"]["reverts"] == [ev["id"]]
    assert client.get(f"/api/people/{b}").status_code == 200  # the merged-away person is back
    hist = client.get(f"/api/people/{a}/history").json()["items"]
    assert [(e["kind"], e["undone_by"]) for e in hist] == [("merge", undo["event"]["id"]), ("undo", None)]
    assert _membership(db) == before  # people, their signatures and redirects as before the merge


def _membership(db: Path) -> tuple[list, list, list]:
    con = sqlite3.connect(db)
    try:
        return (
            con.execute("SELECT id, name, block, locked FROM people ORDER BY 1").fetchall(),
            con.execute("SELECT signature_id, person_id FROM person_signatures ORDER BY 1").fetchall(),
            con.execute("SELECT old_id, new_id FROM person_redirects ORDER BY 1").fetchall(),
        )
    finally:
        con.close()


@pytest.mark.parametrize("query", ["%", "_", "*", "' OR 1=1 --", "%%", "\\", "--", "1=1", "%' --"])
def test_search_for_wildcards_and_sql_finds_nobody(client: TestClient, query: str) -> None:
    r = client.get("/api/people", params={"name": query})
    assert r.status_code == 200
    page = r.json()
    assert page["total"] == 0 and page["n_exact"] == 0 and page["items"] == []


def test_exact_only_for_the_name_itself(client: TestClient) -> None:
    exact = [p for p in _people(client, "Jaeseong Lee") if p["match"] == "name"]
    assert exact and all(p["name"].endswith("Lee") or "Lee" in p["variants"][0] for p in exact)
    # a wildcard inside a name is a character, not "anything": nobody is called "Lee%Kim"
    assert _people(client, "Lee%Kim") == [] and _people(client, "K_m") == []


def test_like_wildcards_in_needles_are_literal(db: Path) -> None:
    from byline.people import repo

    con = sqlite3.connect(db)
    try:
        every = repo.person_names_like(con)
        assert every  # no needle: every person
        assert repo.person_names_like(con, ["%"]) == [p for p in every if "%" in p[1] or not p[1].isascii()]
        assert repo.person_names_like(con, ["_"]) == [p for p in every if "_" in p[1] or not p[1].isascii()]
    finally:
        con.close()


def _warm(backend: StoreBackend, pids: list[str]) -> None:
    for pid in pids:
        backend.person(pid)
    backend.search_page("Jaegul Choo")
    backend.search_page("Jaeseong Lee")
    backend.review_queue()


def test_a_write_drops_only_the_views_it_touched(db: Path) -> None:
    backend = StoreBackend(db, model=TinyModel())
    client = TestClient(create_app(backend=backend, token=TOKEN, announce=False))
    lees = [p["id"] for p in _people(client, "Jaeseong Lee")]
    choo = _people(client, "Jaegul Choo")[0]["id"]
    others = [p["id"] for p in _people(client) if p["id"] not in lees and p["id"] != choo]
    _warm(backend, [lees[0], choo, *others[:5]])
    from byline.server.backend import MISS

    assert backend.peek("person", lees[0]) is not MISS
    r = client.post(f"/api/people/{lees[0]}/lock", headers=AUTH)
    assert r.status_code == 200
    # the locked person and the search that shows them are recomputed ...
    assert backend.peek("person", lees[0]) is MISS
    assert backend.peek("search_page", "Jaeseong Lee", 0, 50) is MISS
    assert client.get(f"/api/people/{lees[0]}").json()["locked"] is True
    assert next(p for p in _people(client, "Jaeseong Lee") if p["id"] == lees[0])["locked"] is True
    # ... people and searches it did not touch are still served from the cache
    unrelated = [o for o in others[:5] if backend.peek("person", o) is not MISS]
    assert unrelated, "every person view was dropped by a lock of one person"
    assert backend.peek("search_page", "Jaegul Choo", 0, 50) is not MISS


class CachedViewsStayTrue(RuleBasedStateMachine):
    """Random curator writes through the API, reads in between: whatever the cache answers is what a
    fresh backend (no cache) computes from the store."""

    db: Path

    def __init__(self) -> None:
        super().__init__()
        self.backend = StoreBackend(self.db, model=TinyModel())
        self.client = TestClient(create_app(backend=self.backend, token=TOKEN, announce=False))
        self.events: list[int] = []

    def _ids(self) -> list[str]:
        return [p["id"] for p in self.backend.search_page(None, 0, 500)["people"]]

    @rule(i=st.integers(0, 50), action=st.sampled_from(["lock", "unlock"]))
    def lock_or_unlock(self, i: int, action: str) -> None:
        ids = self._ids()
        r = self.client.post(f"/api/people/{ids[i % len(ids)]}/{action}", headers=AUTH)
        if r.status_code == 200 and r.json().get("event"):
            self.events.append(r.json()["event"]["id"])

    @rule(i=st.integers(0, 50), j=st.integers(0, 50), k=st.integers(0, 50))
    def move(self, i: int, j: int, k: int) -> None:
        ids = self._ids()
        src, dst = ids[i % len(ids)], ids[j % len(ids)]
        works = self.backend.person(src)["works"]
        if src == dst or not works:
            return
        wid = works[k % len(works)]["work_id"]
        r = self.client.post(f"/api/works/{wid}/move", json={"source": src, "target": dst}, headers=AUTH)
        if r.status_code == 200:
            self.events.append(r.json()["event"]["id"])

    @rule(i=st.integers(0, 50), j=st.integers(0, 50))
    def merge(self, i: int, j: int) -> None:
        ids = self._ids()
        a, b = ids[i % len(ids)], ids[j % len(ids)]
        if a != b:
            r = self.client.post(f"/api/people/{a}/merge", json={"other": b}, headers=AUTH)
            if r.status_code == 200 and r.json().get("event"):
                self.events.append(r.json()["event"]["id"])

    @rule(i=st.integers(0, 50))
    def undo(self, i: int) -> None:
        if self.events:
            self.client.post(f"/api/events/{self.events[i % len(self.events)]}/undo", headers=AUTH)

    @rule(i=st.integers(0, 50))
    def read(self, i: int) -> None:
        ids = self._ids()
        self.backend.person(ids[i % len(ids)])
        self.backend.search_page("Jaeseong Lee")
        self.backend.name_page("Jaeseong Lee")

    @invariant()
    def cache_agrees_with_the_store(self) -> None:
        fresh = StoreBackend(self.db, model=TinyModel())
        for query in (None, "Jaeseong Lee", "Jaegul Choo", "Lee"):
            assert self.backend.search_page(query, 0, 500) == fresh.search_page(query, 0, 500)
        assert self.backend.name_page("Jaeseong Lee") == fresh.name_page("Jaeseong Lee")
        for pid in self._ids()[:12]:
            assert self.backend.person(pid) == fresh.person(pid), pid
        assert self.backend.review_queue(500) == fresh.review_queue(500)


def test_cached_views_stay_true(db: Path) -> None:
    CachedViewsStayTrue.db = db
    run_state_machine_as_test(
        CachedViewsStayTrue,
        settings=settings(max_examples=6, stateful_step_count=6, deadline=None, database=None),
    )


@pytest.mark.parametrize("fmt", ["csv", "json", "bib"])
def test_cli_and_web_export_alike(
    client: TestClient, db: Path, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One exporter: `byline person ID --export FMT` and the person page's download give the same file
    (but for each work's fit, which only the web app scores)."""
    import csv
    import io
    import json

    from _helpers import run_cli

    pid = max(_people(client, "Jaeseong Lee"), key=lambda p: p["n_works"])["id"]
    web = client.get(f"/api/people/{pid}/export.{fmt}").text
    code, _, err = run_cli(capsys, "person", pid, "--db", db, "--export", fmt, "--out", tmp_path / f"p.{fmt}")
    assert code == 0, err
    cli = (tmp_path / f"p.{fmt}").read_text(encoding="utf-8")
    if fmt == "csv":
        web_rows = list(csv.DictReader(io.StringIO(web)))
        cli_rows = list(csv.DictReader(io.StringIO(cli)))
        assert web_rows and list(web_rows[0]) == list(cli_rows[0])
        assert [{k: v for k, v in r.items() if k != "fit"} for r in web_rows] == [
            {k: v for k, v in r.items() if k != "fit"} for r in cli_rows
        ]
    elif fmt == "json":
        web_doc, cli_doc = json.loads(web), json.loads(cli)
        assert set(web_doc) == set(cli_doc) and web_doc["id"] == cli_doc["id"] == pid
        strip = [{k: v for k, v in w.items() if k != "fit"} for w in web_doc["works"]]
        assert strip == [{k: v for k, v in w.items() if k != "fit"} for w in cli_doc["works"]]
    else:
        assert web == cli and web.count("\n@") + web.startswith("@") >= 1
