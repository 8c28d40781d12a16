"""The evidence card: feature values, SHAP contributions, probability, and curation that decides a pair."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from _helpers import TinyModel, model_dir, people_store, write_bib
from byline import StoreError
from byline import people as P
from byline._store_access import load_model
from byline.features import FEATURE_NAMES
from byline.people.views import explain
from byline.store import Store


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    yield from people_store(tmp_path)


def jl_sig(s: Store, word: str) -> str:
    w = next(w for w in s.works(with_records=False) if word in w.title)
    return f"{w.id}#{[a.name for a in w.authors].index('Jaeseong Lee')}"


def test_card_with_real_model_has_contributions(store, tmp_path):
    model = load_model(model_dir(tmp_path))
    P.disambiguate(store, model)
    card = explain(store, jl_sig(store, "Message passing"), jl_sig(store, "Graph neural"), model)
    d = card.to_dict()
    # the model's own columns (a model may use a subset of the feature registry)
    assert [f["name"] for f in d["features"]] == list(getattr(model, "feature_names_", FEATURE_NAMES))
    contrib = [f["contribution"] for f in d["features"]]
    assert all(c is not None for c in contrib)
    # SHAP values + bias add up to the booster's raw score
    X = [[f["value"] if f["value"] is not None else float("nan") for f in d["features"]]]
    raw = float(model.booster_.predict(X, raw_score=True)[0])
    assert abs(sum(contrib) + d["bias"] - raw) < 1e-3
    text = card.render()
    assert "probability same person" in text and "coauthor" in text
    # curator words, never the model's column names
    assert not any(name in text for name in FEATURE_NAMES), text


def test_curation_decides_the_pair(store):
    m = TinyModel()
    P.disambiguate(store, m)
    a, b = jl_sig(store, "Soil microbiome"), jl_sig(store, "Message passing")
    pa = store.connection.execute(
        "SELECT person_id FROM person_signatures WHERE signature_id = ?", (a,)
    ).fetchone()[0]
    pb = store.connection.execute(
        "SELECT person_id FROM person_signatures WHERE signature_id = ?", (b,)
    ).fetchone()[0]
    assert explain(store, a, b, m).constraint is None
    P.merge(store, pa, pb, who="ann", why="same person, checked CV")
    card = explain(store, a, b, m)
    assert card.constraint.startswith("must-link by curation") and "ann" in card.constraint
    assert card.decision == "same person" and card.to_dict()["same_person_now"]
    with pytest.raises(StoreError, match="unknown signature"):
        explain(store, a, "Wnope#0", m)


def test_name_rule_is_reported(tmp_path):
    s = Store(tmp_path / "n.db")
    s.ingest(
        [
            write_bib(
                tmp_path / "n.bib",
                [
                    ("x1", "Graph networks", ["Jaeseong Lee", "Minho Kim"], "NeurIPS", 2020),
                    ("x2", "Graph networks two", ["Jinwoo Lee", "Minho Kim"], "NeurIPS", 2021),
                ],
            )
        ]
    )
    ids = [w.id for w in s.works(with_records=False)]
    card = explain(s, f"{ids[0]}#0", f"{ids[1]}#0", TinyModel())
    assert card.constraint and "incompatible given names" in card.constraint
    assert card.decision == "different people"
    s.close()


def test_features_read_in_curator_words():
    from byline.explain_words import phrase, reasons, weight

    a, b = {"year": 2003}, {"year": 2019}
    assert phrase("coauthor_overlap_full", 0.0, a, b) == "no coauthor in common by full name"
    assert phrase("middle_level", 0.0, a, b) == "different middle initial"
    assert phrase("year_gap", 16.0, a, b) == "papers from 2003 and 2019"
    assert phrase("year_gap", None, a, {}) == "year missing on one side or both"
    assert (
        weight(-1.8) == "strongly against the same person" and weight(0.1) == "a little for the same person"
    )
    rows = [
        {"name": "year_gap", "value": None, "contribution": -1.776},
        {"name": "given_level", "value": 3.0, "contribution": 2.0},
        {"name": "coauthor_overlap", "value": 0.0, "contribution": -0.5},
    ]
    shown, weighed = reasons(rows, a, {})
    # a missing field is never evidence; its weight in the model is listed apart
    assert [r.text for r in shown] == ["same given name", "no coauthor in common"]
    assert [r.text for r in weighed] == ["year missing on one side or both"]
    for name in FEATURE_NAMES:  # every feature has words
        assert name not in phrase(name, 1.0, a, b) and name not in phrase(name, None, a, b)
