"""What a reviewer relies on: the review queue shows the probability the explain card shows for the same
pair; locked people leave the queue; an audit puts the one foreign work of a listing on top."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web app needs the server extra")

from fastapi.testclient import TestClient  # noqa: E402

from _helpers import BIO, ML, TinyModel, model_dir, write_bib  # noqa: E402
from byline import people as P  # noqa: E402
from byline.server import create_app  # noqa: E402
from byline.server.store_backend import StoreBackend  # noqa: E402
from byline.store import Store  # noqa: E402

TOKEN = "review-token-123456"


def _model(kind: str, tmp: Path):
    if kind == "tiny":
        return TinyModel()
    from byline.model import Disambiguator

    return Disambiguator.load(model_dir(tmp))


@pytest.mark.parametrize("kind", ["tiny", "shipped"])
def test_review_queue_and_explain_agree(tmp_path: Path, kind: str) -> None:
    model = _model(kind, tmp_path)
    db = tmp_path / "r.db"
    with Store(db) as s:
        # one listing claims a mixed set, so the queue has doubtful members; the rest is background
        s.ingest([write_bib(tmp_path / "mixed.bib", ML[:3] + BIO[:1])], owner="Jaeseong Lee")
        s.ingest([write_bib(tmp_path / "rest.bib", ML[3:] + BIO[1:])])
        P.disambiguate(s, TinyModel())  # people from the stand-in model: every person is scored the same way
        P.merge(s, *[p.id for p in P.list_people(s, "Jaeseong Lee")][:2], who="test")  # a mixed profile
    client = TestClient(create_app(backend=StoreBackend(db, model=model), token=TOKEN))
    items = client.get("/api/review").json()["items"]
    assert items, "nothing to review"
    assert [it["probability"] for it in items] == sorted(it["probability"] for it in items)
    for it in items:
        card = client.get("/api/explain", params={"a": it["explain_a"], "b": it["explain_b"]}).json()
        assert card["probability"] == pytest.approx(it["probability"], abs=1e-4), it
    # a locked person leaves the queue
    pid = items[0]["person_id"]
    r = client.post(f"/api/people/{pid}/lock", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert all(it["person_id"] != pid for it in client.get("/api/review").json()["items"])


FOREIGN = (
    "river1",
    "Sediment transport in braided rivers under extreme floods",
    ["Jaeseong Lee", "Olaf Berg"],
    "Water Resources Research",
    2021,
)
ML_MORE = [
    (
        "ml5",
        "Self-supervised learning of molecular graph representations",
        ["Jaeseong Lee", "Minho Kim"],
        "ICLR",
        2022,
    ),
    (
        "ml6",
        "Graph transformers for drug discovery",
        ["Sora Park", "Jaeseong Lee", "Minho Kim"],
        "NeurIPS",
        2023,
    ),
]


@pytest.mark.parametrize("position", [0, 3, 6])
def test_audit_ranks_the_injected_foreign_work_first(tmp_path: Path, position: int) -> None:
    model = _model("shipped", tmp_path)
    entries = ML + ML_MORE
    entries = entries[:position] + [FOREIGN] + entries[position:]
    listing = write_bib(tmp_path / "listing.bib", entries)
    with Store(tmp_path / "a.db") as s:
        report = P.audit(s, listing, model, owner="Jaeseong Lee")
        top = report.works[0]
        assert top.title == FOREIGN[1], [(w.title, round(w.score, 3)) for w in report.works]
        assert top.score > max(w.score for w in report.works[1:])
        # an audit is a read: the file was audited beside the store, not stored in it
        assert s.listings() == [] and s.count("works") == 0


def test_review_command_and_api_show_the_same_queue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`byline review` and /api/review come from the same people-layer functions: same items, same order."""
    from _helpers import run_cli
    from byline.model import Disambiguator

    db = tmp_path / "r.db"
    with Store(db) as s:
        s.ingest([write_bib(tmp_path / "mixed.bib", ML[:3] + BIO[:1])], owner="Jaeseong Lee")
        s.ingest([write_bib(tmp_path / "rest.bib", ML[3:] + BIO[1:])])
        P.disambiguate(s, TinyModel())
        P.merge(s, *[p.id for p in P.list_people(s, "Jaeseong Lee")][:2], who="test")
    folder = model_dir(tmp_path)
    code, out, err = run_cli(capsys, "review", "--db", db, "--model", folder, "--json", "--limit", 500)
    assert code == 0, err
    cli_items = json.loads(out)["items"]
    client = TestClient(create_app(backend=StoreBackend(db, model=Disambiguator.load(folder)), token=TOKEN))
    api_items = client.get("/api/review", params={"limit": 500}).json()["items"]
    assert cli_items and cli_items == api_items
    # `fit` (the work among the person's works) and `probability` (one pair) are different numbers
    assert all(set(it) >= {"fit", "probability"} for it in cli_items)
    assert any(it["fit"] != it["probability"] for it in cli_items)
    code, out, _ = run_cli(capsys, "review", "--db", db, "--model", folder, "--limit", 1)
    assert (
        code == 0 and cli_items[0]["work_id"] in out and f"byline explain {cli_items[0]['explain_a']}" in out
    )
