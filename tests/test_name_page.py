"""The name page (everyone sharing a name, side by side), moving a work between namesakes with undo,
paged search over the API, and citation counts kept from OpenAlex and Semantic Scholar."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from _helpers import BIO, ML, TinyModel, write_bib
from byline import people as P
from byline._errors import ConstraintError, InputError
from byline.ingest import load_listing
from byline.store import Store

TOKEN = "names-test-token-1"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "t.db")
    s.ingest([write_bib(tmp_path / "a.bib", ML + BIO)])
    P.disambiguate(s, TinyModel())
    yield s
    s.close()


def _groups(s: Store) -> set[frozenset[str]]:
    return {frozenset(p.work_ids) for p in P.list_people(s, "Jaeseong Lee")}


def _ids(s: Store) -> tuple[str, str]:
    """(the graph-networks Jaeseong Lee, the soil-science one)."""
    page = P.name_page(s, "Jaeseong Lee")
    ml = next(c for c in page.columns if any("graph" in (w.title or "").lower() for w in c.profile.works))
    bio = next(c for c in page.columns if c is not ml)
    return ml.person.id, bio.person.id


def test_name_page_shows_each_namesake_at_a_glance(store: Store) -> None:
    page = P.name_page(store, "Jaeseong Lee")
    assert page.total == 2 and len(page.columns) == 2
    ml, bio = (next(c for c in page.columns if c.person.id == pid) for pid in _ids(store))
    assert (ml.first_year, ml.last_year, len(ml.profile.works)) == (2019, 2022, 4)
    assert (bio.first_year, bio.last_year, len(bio.profile.works)) == (2015, 2018, 3)
    assert ml.profile.coauthors[0] == ("Minho Kim", 3)
    assert {n for n, _ in bio.profile.coauthors} == {"Hana Cho", "Tom Baker"}
    # coauthors link to the people they are
    kim = P.list_people(store, "Minho Kim")[0].id
    assert ml.coauthor_ids["Minho Kim"] == kim
    assert any("graph" in t for t, _ in ml.profile.topics) and any("soil" in t for t, _ in bio.profile.topics)
    # any printed form of the name gives the same page
    assert {c.person.id for c in P.name_page(store, "Lee, J.").columns} >= {ml.person.id, bio.person.id}
    assert P.name_page(store, "Nobody Here").columns == []


def test_move_a_work_between_namesakes_survives_reruns_and_undo_restores_it(store: Store) -> None:
    ml, bio = _ids(store)
    before = _groups(store)
    w = sorted(P.name_page(store, "Jaeseong Lee").columns[0].profile.work_ids)[0]
    src = next(p for p in P.list_people(store, "Jaeseong Lee") if w in p.work_ids).id
    dst = bio if src == ml else ml
    ev = P.move(store, w, src, dst, who="curator", why="a namesake's paper")
    assert ev.kind == "claim" and set(ev.payload["previous"].values()) == {src}
    moved = _groups(store)
    assert moved != before and any(w in g for g in moved if g != frozenset([w]))
    assert w in set(next(p for p in P.list_people(store, "Jaeseong Lee") if p.id == dst).work_ids)
    dst_works = set(next(g for g in moved if w in g)) - {w}
    src_works = set().union(*before) - dst_works - {w}
    P.disambiguate(store, TinyModel())  # curation is replayed on every run: the work stays moved
    home = next(g for g in _groups(store) if w in g)
    assert dst_works <= home and not src_works & home
    P.undo(store, ev.id, who="curator")
    assert _groups(store) == before
    P.disambiguate(store, TinyModel())
    assert _groups(store) == before
    assert [e.kind for e in P.history(store, dst)][-2:] == ["claim", "undo"]


def test_move_refusals_change_nothing(store: Store) -> None:
    ml, bio = _ids(store)
    ml_works = next(p for p in P.list_people(store, "Jaeseong Lee") if p.id == ml).work_ids
    bio_works = next(p for p in P.list_people(store, "Jaeseong Lee") if p.id == bio).work_ids
    before = _groups(store)
    with pytest.raises(InputError, match="same person"):
        P.move(store, ml_works[0], ml, ml)
    with pytest.raises(InputError, match="no signature on work"):
        P.move(store, bio_works[0], ml, bio)
    # a locked person is frozen: a move out of it is refused, naming the lock and how to lift it
    new = P.split(store, bio, [bio_works[0]], who="c")
    P.lock(store, bio, who="c")
    with pytest.raises(ConstraintError, match=rf"locked by event #2 .*`unlock {bio}`$"):
        P.move(store, bio_works[1], bio, new)
    assert len(P.history(store, bio)) == 2 and len(_groups(store)) == len(before) + 1


def _openalex(path: Path) -> Path:
    work = {
        "id": "https://openalex.org/W100",
        "doi": "https://doi.org/10.1/graph",
        "title": "Graph neural networks for molecular property prediction",
        "publication_year": 2019,
        "cited_by_count": 42,
        "type": "article",
        "authorships": [
            {"author": {"display_name": "Jaeseong Lee"}, "institutions": [{"display_name": "KAIST"}]},
            {"author": {"display_name": "Minho Kim"}, "institutions": []},
        ],
    }
    path.write_text(json.dumps({"results": [work]}), encoding="utf-8")
    return path


def _s2(path: Path) -> Path:
    paper = {
        "paperId": "abc123",
        "title": "Nitrogen cycling microbes in paddy soil",
        "year": 2018,
        "citationCount": 7,
        "authors": [{"authorId": "1", "name": "Jaeseong Lee"}, {"authorId": "2", "name": "Tom Baker"}],
    }
    path.write_text(json.dumps({"data": [paper]}), encoding="utf-8")
    return path


def test_citation_counts_are_kept_from_openalex_and_semantic_scholar(tmp_path: Path) -> None:
    oa = load_listing(_openalex(tmp_path / "oa.json"), None).records
    s2 = load_listing(_s2(tmp_path / "s2.json"), None).records
    assert [r.extra.get("cited_by_count") for r in oa] == [42]
    assert [r.extra.get("cited_by_count") for r in s2] == [7]
    assert oa[0].extra.get("type") == "article"  # what the record kept before stays


@pytest.fixture
def client(tmp_path: Path) -> Iterator[object]:
    from fastapi.testclient import TestClient

    from byline.server import create_app
    from byline.server.store_backend import StoreBackend

    db = tmp_path / "srv.db"
    with Store(db) as s:
        s.ingest([write_bib(tmp_path / "a.bib", ML + BIO)])
        s.ingest([_openalex(tmp_path / "oa.json"), _s2(tmp_path / "s2.json")])
        P.disambiguate(s, TinyModel())
    app = create_app(backend=StoreBackend(db, model=TinyModel()), token=TOKEN, announce=False)
    with TestClient(app) as c:
        yield c


def test_api_search_is_paged_and_finds_printed_forms(client: object) -> None:
    got = client.get("/api/people", params={"name": "Lee Jaeseong", "limit": 1}).json()
    assert (got["total"], got["n_exact"], got["offset"], got["next_offset"]) == (2, 2, 0, 1)
    second = client.get("/api/people", params={"name": "Lee Jaeseong", "limit": 1, "offset": 1}).json()
    assert second["next_offset"] is None and second["items"][0]["id"] != got["items"][0]["id"]
    typo = client.get("/api/people", params={"name": "Jaesong Lee"}).json()
    assert typo["n_exact"] == 0 and {p["match"] for p in typo["items"]} == {"similar"}
    assert {p["id"] for p in typo["items"]} == {got["items"][0]["id"], second["items"][0]["id"]}
    page = client.get("/", params={"name": "Jaesong Lee", "offset": 0}, headers={"accept": "text/html"})
    assert "similar name" in page.text
    assert client.get("/api/people", params={"offset": -1}).status_code == 422


def test_api_name_page_move_needs_the_token_and_undo_restores(client: object) -> None:
    shared = client.get("/api/names", params={"name": "Jaeseong Lee"}).json()
    assert shared["total"] == 2
    a, b = shared["items"]
    assert all(p["coauthors"] and p["topics"] and p["works"] for p in (a, b))
    assert any(p["person_id"] for p in a["coauthors"])
    cited = {w["title"]: w["cited_by"] for p in (a, b) for w in p["works"]}
    assert cited["Graph neural networks for molecular property prediction"] == 42
    assert cited["Nitrogen cycling microbes in paddy soil"] == 7
    w = a["works"][0]["work_id"]
    body = {"source": a["id"], "target": b["id"], "who": "t", "why": "namesake"}
    assert client.post(f"/api/works/{w}/move", json=body).status_code == 401
    assert client.get("/api/names", params={"name": "Jaeseong Lee"}).json() == shared
    moved = client.post(f"/api/works/{w}/move", json=body, headers=AUTH)
    assert moved.status_code == 200 and moved.json()["person"] == b["id"]
    after = {p["id"]: p for p in client.get("/api/names", params={"name": "Jaeseong Lee"}).json()["items"]}
    assert (
        w in {x["work_id"] for x in after[b["id"]]["works"]} and after[a["id"]]["n_works"] == a["n_works"] - 1
    )
    undo = client.post(f"/api/events/{moved.json()['event']['id']}/undo", json={"who": "t"}, headers=AUTH)
    assert undo.status_code == 200
    assert client.get("/api/names", params={"name": "Jaeseong Lee"}).json() == shared
    refused = client.post(f"/api/works/{w}/move", json={**body, "target": a["id"]}, headers=AUTH)
    assert refused.status_code == 400 and "same person" in refused.json()["error"]


def test_person_page_has_citations_namesakes_link_and_flag_threshold(client: object) -> None:
    from byline.people.views import FLAG_THRESHOLD

    pid = client.get("/api/people", params={"name": "Jaeseong Lee"}).json()["items"][0]["id"]
    person = client.get(f"/api/people/{pid}").json()
    assert person["flag_threshold"] == FLAG_THRESHOLD
    assert person["cited_by"] in (42, 7)
    assert {w["cited_by_source"] for w in person["works"] if w["cited_by"]} <= {"openalex", "s2"}
    html = client.get(f"/people/{pid}", headers={"accept": "text/html"}).text
    assert 'href="/names?name=Jaeseong%20Lee"' in html and 'id="citations"' in html
    names = client.get("/names", params={"name": "Jaeseong Lee"}, headers={"accept": "text/html"}).text
    assert names.count('class="namesake"') == 2 and "move-form" in names and "<script>" not in names


def test_name_page_escapes_hostile_names() -> None:
    from fastapi.testclient import TestClient

    from _server_fakes import XSS_NAME, FakeBackend
    from byline.server import create_app

    c = TestClient(create_app(backend=FakeBackend(), token=TOKEN))
    html = c.get("/names", params={"name": "Eve"}, headers={"accept": "text/html"}).text
    assert XSS_NAME not in html and "&lt;b onmouseover=alert(3)&gt;" in html
    assert c.get("/api/names", params={"name": " "}).status_code == 400
