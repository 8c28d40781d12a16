"""Every paged API endpoint answers one shape and every error one way, for the test fake and for the real
:class:`StoreBackend` over a small store: a client walks each listing page by page with ``next_offset``
and must see exactly what one big page shows; unknown ids are 404; an empty name is one error however it
is spelled; a second lock changes nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fastapi.testclient import TestClient  # noqa: E402

from _helpers import BIO, ML, TinyModel, write_bib  # noqa: E402
from _server_fakes import FakeBackend  # noqa: E402
from byline.server import create_app  # noqa: E402

TOKEN = "api-shapes-token-0123456789abcdefghij"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PAGE_KEYS = {"items", "total", "limit", "offset", "next_offset"}


@pytest.fixture(params=["fake", "store"])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> TestClient:
    if request.param == "fake":
        backend = FakeBackend()
    else:
        from byline import people
        from byline.server.store_backend import StoreBackend
        from byline.store import Store

        db = tmp_path / "api.db"
        with Store(db) as store:
            store.ingest([write_bib(tmp_path / "a.bib", ML + BIO)])
            people.disambiguate(store, TinyModel())
        backend = StoreBackend(db, model=TinyModel())
    return TestClient(create_app(backend=backend, token=TOKEN))


def _someone(client: TestClient) -> dict:
    """A person with at least two works (so a review item, a history and a claim can name them)."""
    everyone = client.get("/api/people", params={"limit": 500}).json()["items"]
    return max(everyone, key=lambda p: (p["n_works"], p["id"]))


def _walk(client: TestClient, url: str, params: dict) -> tuple[list, int]:
    """Every item of a listing fetched one per page by following ``next_offset``."""
    seen: list = []
    offset: int | None = 0
    total = None
    while offset is not None:
        r = client.get(url, params={**params, "limit": 1, "offset": offset})
        assert r.status_code == 200, r.text
        page = r.json()
        assert set(page) >= PAGE_KEYS, page.keys()
        assert page["limit"] == 1 and page["offset"] == offset and len(page["items"]) <= 1
        assert total is None or page["total"] == total  # the total does not move while paging
        total = page["total"]
        seen += page["items"]
        nxt = page["next_offset"]
        assert nxt is None or nxt == offset + 1
        offset = nxt
        assert len(seen) <= total
    return seen, int(total or 0)


def _drop(items: list, key: str) -> list:
    return [{k: v for k, v in it.items() if k != key} if isinstance(it, dict) else it for it in items]


LISTINGS = [
    ("/api/people", {}),
    ("/api/people", {"name": "Jaeseong Lee"}),
    ("/api/names", {"name": "Jaeseong Lee"}),
    ("/api/review", {}),
    ("/api/people/{pid}/history", {}),
]


@pytest.mark.parametrize(("route", "params"), LISTINGS)
def test_every_listing_pages_one_way(client: TestClient, route: str, params: dict) -> None:
    person = _someone(client)
    if "{pid}" in route:  # a history to page through
        client.post(f"/api/people/{person['id']}/lock", headers=AUTH)
        client.post(f"/api/people/{person['id']}/unlock", headers=AUTH)
    url = route.format(pid=person["id"])
    whole = client.get(url, params={**params, "limit": 500}).json()
    assert set(whole) >= PAGE_KEYS and whole["next_offset"] is None
    assert whole["total"] == len(whole["items"])
    walked, total = _walk(client, url, params)
    # shared_name says whether someone else *on the same page* has the name: a per-page hint, left out
    assert _drop(walked, "shared_name") == _drop(whole["items"], "shared_name") and total == whole["total"]
    if route.startswith("/api/people/{pid}") or route == "/api/names" or params.get("name") is None:
        assert total >= 1  # each listing here has something to page through
    past = client.get(url, params={**params, "offset": total + 5}).json()
    assert past["items"] == [] and past["next_offset"] is None and past["total"] == total
    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}):
        r = client.get(url, params={**params, **bad})
        assert r.status_code == 422 and next(iter(bad)) in r.json()["error"]


def test_unknown_ids_are_404(client: TestClient) -> None:
    person = _someone(client)["id"]
    other = next(p["id"] for p in client.get("/api/people").json()["items"] if p["id"] != person)
    answers = {
        "work": client.get("/api/works/Wnope0000"),
        "person": client.get("/api/people/Pnope0000"),
        "history": client.get("/api/people/Pnope0000/history"),
        "undo": client.post("/api/events/9999/undo", headers=AUTH),
        "move": client.post(
            "/api/works/Wnope0000/move", json={"source": person, "target": other}, headers=AUTH
        ),
        "claim": client.post(f"/api/people/{person}/claim", json={"works": ["Wnope0000"]}, headers=AUTH),
        "split": client.post(f"/api/people/{person}/split", json={"works": ["Wnope0000"]}, headers=AUTH),
    }
    for what, r in answers.items():
        assert r.status_code == 404, (what, r.text)
        body = r.json()
        assert body["status"] == 404 and ("nope0000" in body["error"] or "9999" in body["error"]), what


def test_an_empty_name_is_one_error(client: TestClient) -> None:
    answers = [client.get("/api/names", params=p) for p in ({"name": ""}, {"name": " "}, {"name": "\t "}, {})]
    assert {r.status_code for r in answers} == {400}
    assert len({r.json()["error"] for r in answers}) == 1
    everyone = client.get("/api/people").json()
    assert client.get("/api/people", params={"name": ""}).json() == everyone
    assert client.get("/api/people", params={"name": " "}).json() == everyone


def test_locking_twice_makes_one_event(client: TestClient) -> None:
    pid = _someone(client)["id"]
    first = client.post(f"/api/people/{pid}/lock", headers=AUTH)
    again = client.post(f"/api/people/{pid}/lock", headers=AUTH)
    assert first.status_code == again.status_code == 200
    assert again.json()["event"]["id"] == first.json()["event"]["id"]
    kinds = [e["kind"] for e in client.get(f"/api/people/{pid}/history").json()["items"]]
    assert kinds.count("lock") == 1 and client.get(f"/api/people/{pid}").json()["locked"] is True


def _keys(doc: object, path: str = "") -> list[tuple[str, str]]:
    """Every (path, key) of a JSON document."""
    out: list[tuple[str, str]] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.append((path, k))
            out += _keys(v, f"{path}.{k}")
    elif isinstance(doc, list):
        for v in doc:
            out += _keys(v, f"{path}[]")
    return out


def test_one_vocabulary_across_endpoints(client: TestClient) -> None:
    """A work is ``work_id`` wherever it is listed; a work's fit is ``fit`` and a pair's same-person
    probability ``probability``; no ``score`` or ``confidence`` beside them."""
    person = _someone(client)
    view = client.get(f"/api/people/{person['id']}").json()
    answers = {
        "search": client.get("/api/people").json(),
        "names": client.get("/api/names", params={"name": person["name"]}).json(),
        "review": client.get("/api/review").json(),
        "person": view,
        "work": client.get(f"/api/works/{view['works'][0]['work_id']}").json(),
        "history": client.get(f"/api/people/{person['id']}/history").json(),
    }
    for what, doc in answers.items():
        keys = _keys(doc)
        assert not [k for _, k in keys if k in ("score", "confidence")], what
        assert not [p for p, k in keys if k == "id" and p.endswith(("works[]", "flagged[]"))], what
    assert all("work_id" in w and "fit" in w for w in view["works"])
    assert answers["work"]["work_id"] == view["works"][0]["work_id"]
    assert all({"fit", "probability", "work_id"} <= set(it) for it in answers["review"]["items"])
    assert all("work_id" in w for p in answers["names"]["items"] for w in p["works"])
