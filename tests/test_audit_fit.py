"""The audit's learned profile fit (``models/default/audit-fit.json``, :mod:`byline.audit_fit`): a foreign work
slipped into a profile ranks first and is flagged, with the learned score and without it (a model folder
that lacks the file, or whose file belongs to another pair model, falls back to the unlearned score); a
broken file is named in the error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from _helpers import FOREIGN, OWN, model_dir, write_bib
from byline import people as P
from byline._errors import ModelError
from byline.audit import FLAG_THRESHOLD, audit_works
from byline.audit_fit import AUDIT_FIT_FILE, AuditFit
from byline.model import Disambiguator
from byline.records import Author, Work
from byline.store import Store


def _shipped_with_fit(tmp: Path) -> Path:
    path = model_dir(tmp)
    if not (path / AUDIT_FIT_FILE).is_file():
        pytest.skip("the model at hand has no audit-fit.json (make audit-fit trains it on the labeled data)")
    return path


def _copy_without_fit(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for name in ("model.txt", "byline-model.json"):
        shutil.copy(src / name, dst / name)
    return dst


def _audit(tmp: Path, model: Disambiguator, position: int) -> list[str]:
    entries = OWN[:position] + [FOREIGN] + OWN[position:]
    listing = write_bib(tmp / f"listing{position}.bib", entries)
    with Store(tmp / f"a{position}.db") as s:
        report = P.audit(s, listing, model, owner="Jaeseong Lee")
    assert [w.flagged for w in report.works] == [True] + [False] * len(OWN), [
        (w.title, round(w.score, 3)) for w in report.works
    ]
    return [w.title or "" for w in report.works]


@pytest.mark.parametrize("position", [0, 3, 7])
def test_foreign_work_ranks_first_with_the_learned_fit(tmp_path: Path, position: int) -> None:
    model = Disambiguator.load(_shipped_with_fit(tmp_path))
    assert model.audit_fit_ is not None, (
        "models/default/audit-fit.json was trained on another pair model: rerun `make audit-fit`"
    )
    assert _audit(tmp_path, model, position)[0] == FOREIGN[1]


def test_model_folder_without_the_fit_still_loads_and_audits(tmp_path: Path) -> None:
    src = _shipped_with_fit(tmp_path)
    model = Disambiguator.load(_copy_without_fit(src, tmp_path / "bare"))
    assert model.audit_fit_ is None
    assert _audit(tmp_path, model, 2)[0] == FOREIGN[1]


@pytest.mark.parametrize("field", ["pair_model_sha256", "features"])
def test_fit_of_another_pair_model_or_version_is_ignored(tmp_path: Path, field: str) -> None:
    src = _shipped_with_fit(tmp_path)
    dst = _copy_without_fit(src, tmp_path / "other")
    d = json.loads((src / AUDIT_FIT_FILE).read_text(encoding="utf-8"))
    d[field] = (
        "0" * 64 if field == "pair_model_sha256" else [*d["features"][:-1], "a_feature_of_another_version"]
    )
    (dst / AUDIT_FIT_FILE).write_text(json.dumps(d), encoding="utf-8")
    model = Disambiguator.load(dst)
    assert model.audit_fit_ is None
    assert _audit(tmp_path, model, 1)[0] == FOREIGN[1]  # the unlearned score still finds it


@pytest.mark.parametrize(
    "text",
    ["{not json", json.dumps({"format": 1, "features": ["x"], "coef": [], "intercept": 0, "knots": {}})],
)
def test_broken_fit_file_is_named_in_the_error(tmp_path: Path, text: str) -> None:
    dst = _copy_without_fit(_shipped_with_fit(tmp_path), tmp_path / "broken")
    (dst / AUDIT_FIT_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(ModelError, match=AUDIT_FIT_FILE):
        Disambiguator.load(dst)


def test_saved_fit_reads_back_and_scores_the_same(tmp_path: Path) -> None:
    src = _shipped_with_fit(tmp_path)
    model = Disambiguator.load(src)
    fit = model.audit_fit_
    assert fit is not None
    out = tmp_path / "copy"
    out.mkdir()
    fit.save(out)
    again = AuditFit.from_dict(json.loads((out / AUDIT_FIT_FILE).read_text(encoding="utf-8")))
    works = [
        Work(id=e[0], title=e[1], authors=[Author(a) for a in e[2]], venue=e[3], year=e[4])
        for e in [*OWN, FOREIGN]
    ]
    model.audit_fit_ = again
    first = {w.work_id: w.score for w in audit_works(works, "Jaeseong Lee", model).works}
    model.audit_fit_ = fit
    second = {w.work_id: w.score for w in audit_works(works, "Jaeseong Lee", model).works}
    assert first == pytest.approx(second)
    assert max(first, key=lambda k: first[k]) == FOREIGN[0] and first[FOREIGN[0]] >= FLAG_THRESHOLD
