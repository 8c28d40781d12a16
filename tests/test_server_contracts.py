"""The typed contracts: the real backend and the test fake answer the same types, the OpenAPI schema
documents them, and `byline serve` says how to get the server extra when it is missing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web app needs the server extra")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fastapi.testclient import TestClient  # noqa: E402
from pydantic import TypeAdapter, ValidationError  # noqa: E402

from _helpers import TinyModel, run_cli  # noqa: E402
from _server_fakes import FakeBackend  # noqa: E402
from byline.server import contracts as C  # noqa: E402
from byline.server import create_app  # noqa: E402
from byline.server.store_backend import StoreBackend  # noqa: E402


@pytest.fixture(scope="module")
def store_backend(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> StoreBackend:
    from byline import people
    from byline.store import Store

    db = tmp_path_factory.mktemp("contracts") / "store.db"
    with Store(db) as store:
        store.ingest([examples_dir / "wang_lei_profile.txt"], owner="Lei Wang")
        store.ingest([examples_dir / "more_papers.bib"])
        people.disambiguate(store, TinyModel())
    return StoreBackend(db, model=TinyModel())


def _answers(backend: Any) -> list[tuple[Any, Any]]:
    """(contract, answer) for every read of the Backend protocol, on the backend's own ids."""
    page = backend.search_page(None)
    pid = page["people"][0]["id"]
    person = backend.person(pid)
    wid = person["works"][0]["work_id"]
    name = person["name"]
    sigs = [w["signature_id"] for p in page["people"][:2] for w in backend.person(p["id"])["works"][:1]]
    return [
        (C.SearchPage, page),
        (list[C.SearchHit], backend.search_people(name)),
        (C.NamePage, backend.name_page(name)),
        (C.PersonView, person),
        (C.WorkView, backend.work(wid)),
        (C.ExplainCard, backend.explain(*sigs)),
        (list[C.ReviewItem], backend.review_queue(50)),
        (list[C.HistoryEvent], backend.history(pid)),
        (C.CurationResult, backend.curate("lock", pid, who="test")),
        (list[C.HistoryEvent], backend.history(pid)),
    ]


@pytest.mark.parametrize("kind", ["fake", "store"])
def test_both_backends_answer_the_same_contracts(kind: str, store_backend: StoreBackend) -> None:
    backend = FakeBackend() if kind == "fake" else store_backend
    for contract, answer in _answers(backend):
        TypeAdapter(contract).validate_python(answer)
    history = backend.history(backend.search_page(None)["people"][0]["id"])
    assert history and history[-1]["kind"] == "lock"


def test_a_drifting_answer_is_refused() -> None:
    backend = FakeBackend()
    backend.people["P1"]["works"][0]["confidence"] = 0.5  # type: ignore[typeddict-unknown-key]
    with pytest.raises(ValidationError):
        TypeAdapter(C.PersonView).validate_python(backend.person("P1"))
    client = TestClient(create_app(backend=backend, token="c" * 40), raise_server_exceptions=False)
    assert client.get("/api/people/P1").status_code == 500  # never served off-contract
    assert client.get("/api/people/P2").status_code == 200


def test_openapi_documents_the_answers() -> None:
    spec = TestClient(create_app(backend=FakeBackend(), token="c" * 40)).get("/openapi.json").json()
    schemas = spec["components"]["schemas"]

    def answer(path: str, method: str = "get") -> str:
        body = spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
        return body["$ref"].rsplit("/", 1)[-1]

    assert answer("/api/people") == "SearchResults"
    assert answer("/api/people/{person_id}") == "PersonView"
    assert answer("/api/review") == "ReviewPage"
    assert answer("/api/audit", "post") == "AuditResult"
    assert answer("/api/people/{person_id}/merge", "post") == "CurationResult"
    # fit (a work in its person) and probability (a pair) are two documented, distinct fields
    assert "fit" in schemas["WorkRow"]["properties"] and "confidence" not in schemas["WorkRow"]["properties"]
    assert {"fit", "probability"} <= set(schemas["ReviewItem"]["properties"])
    assert set(schemas["SearchHit"]["properties"]["match"]["enum"]) == {"name", "similar"}
    assert "401" in spec["paths"]["/api/people/{person_id}/lock"]["post"]["responses"]


def test_serve_without_the_server_extra_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "uvicorn" else real(name, *a)
    )
    from byline.store import Store

    with Store(tmp_path / "s.db"):
        pass
    code, _, err = run_cli(capsys, "serve", "--db", tmp_path / "s.db")
    assert code == 2 and "server extra" in err and "uvicorn" in err and "pip install" in err
