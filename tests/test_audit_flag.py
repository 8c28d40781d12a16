"""The flag threshold of the person page and `byline audit` (``byline.audit.FLAG_THRESHOLD``, chosen on the
IND benchmark of benchmarks/ind_rnd.py): a foreign work slipped into a coherent listing reaches it, the
owner's own works stay below it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from _helpers import FOREIGN, OWN, TinyModel, model_dir, write_bib
from byline import people as P
from byline.audit import FLAG_THRESHOLD
from byline.store import Store


def _model(kind: str, tmp: Path) -> Any:
    if kind == "tiny":
        return TinyModel()
    from byline.model import Disambiguator

    path = model_dir(tmp)
    meta = json.loads((path / "byline-model.json").read_text(encoding="utf-8"))
    if str(meta.get("training", {}).get("source", "")).startswith("synthetic"):
        pytest.skip(
            "the model at hand was trained on synthetic data; FLAG_THRESHOLD is chosen for a model "
            "trained on the labeled data (benchmarks/ind_rnd.py)"
        )
    return Disambiguator.load(path)


@pytest.mark.parametrize("kind", ["tiny", "shipped"])
@pytest.mark.parametrize("position", [0, 4])
def test_injected_foreign_work_is_flagged_and_own_works_are_not(
    tmp_path: Path, kind: str, position: int
) -> None:
    model = _model(kind, tmp_path)
    entries = OWN[:position] + [FOREIGN] + OWN[position:]
    listing = write_bib(tmp_path / "listing.bib", entries)
    with Store(tmp_path / "a.db") as s:
        report = P.audit(s, listing, model, owner="Jaeseong Lee")
    scores = {w.title: round(w.score, 3) for w in report.works}
    foreign = [w for w in report.works if w.title == FOREIGN[1]]
    own = [w for w in report.works if w.title != FOREIGN[1]]
    assert len(foreign) == 1 and len(own) == len(OWN), scores
    assert foreign[0].score >= FLAG_THRESHOLD and foreign[0].flagged, scores
    assert all(w.score < FLAG_THRESHOLD and not w.flagged for w in own), scores
    # the JSON output (CLI --json, /api/audit) carries the same flag
    flagged = [w["title"] for w in report.to_dict()["works"] if w["flagged"]]
    assert flagged == [FOREIGN[1]]


def test_verdicts_follow_the_two_thresholds():
    """Above the flag threshold a work is "possibly not theirs"; between the two thresholds the evidence points
    both ways and the audit says "uncertain" rather than pretend; below, "consistent"."""
    from byline.audit import FLAG_THRESHOLD, UNCERTAIN_THRESHOLD, AuditItem

    assert 0 < UNCERTAIN_THRESHOLD < FLAG_THRESHOLD < 1

    def verdict(score: float) -> str:
        return AuditItem("W", None, score, []).verdict

    assert verdict(FLAG_THRESHOLD) == "possibly not theirs"
    assert verdict((UNCERTAIN_THRESHOLD + FLAG_THRESHOLD) / 2) == "uncertain"
    assert verdict(UNCERTAIN_THRESHOLD / 2) == "consistent"
    assert AuditItem("W", None, 0.9, []).to_dict()["verdict"] == "possibly not theirs"
