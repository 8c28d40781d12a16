"""The seed pages end to end, asserting only what a careful reader of the pages concludes.

Pages 000 and 004 are both claimed by "Jaeseong Lee" but mix researchers whose evidence never meets:
the face-swapping and head-avatar papers (all with Jaegul Choo) are one person's; the NPU architecture
search paper S3NAS (with Soonhoi Ha), the neuro-symbolic rule extraction paper (with Gopal Gupta, at
another university) and the speech-recognition paper (with Seung-won Hwang, another field) share no
coauthor, institution or topic with them. A reader cannot say from the pages whether those three are one
person or three, so the test does not either. The shipped model never saw these pages (trained on the
labeled datasets' train split, settings chosen on dev).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _helpers import SEED_OWNERS
from byline.cli import app

pytestmark = pytest.mark.shared

CHOO = ("SelfSwapper", "RobustSwap", "SurFhead")  # one person's (all with Jaegul Choo)
OTHERS = ("S3NAS", "Neuro-Symbolic Rule Extraction", "Speech Noise Injection")  # not that person's


def run(*args: str) -> str:
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, (args, res.output, res.exception)
    return res.output


@pytest.fixture(scope="module")
def store(seeds_dir: Path, tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("seed-pages") / "byline.db")
    for f in sorted(seeds_dir.glob("0*.txt")):
        run("ingest", str(f), "--owner", SEED_OWNERS[f.name[:3]], "--db", db)
    run("disambiguate", "--db", db)  # the shipped model
    return db


def _person_of_title(db: str) -> dict[str, str]:
    """Title fragment -> the person holding the Jaeseong Lee signature of that work."""
    out: dict[str, str] = {}
    for p in json.loads(run("people", "--name", "Jaeseong Lee", "--db", db, "--json"))["people"]:
        prof = json.loads(run("person", p["id"], "--db", db, "--json"))
        for w in prof["works"]:
            for frag in CHOO + OTHERS:
                if frag.lower() in (w.get("title") or "").lower():
                    out[frag] = p["id"]
    return out


def test_one_name_splits_along_the_evidence(store):
    person = _person_of_title(store)
    assert set(person) == set(CHOO + OTHERS), person
    assert len({person[t] for t in CHOO}) == 1, "the three Choo papers are one person's"
    for t in OTHERS:
        assert person[t] != person[CHOO[0]], f"{t} is not the face-swapping researcher's"


@pytest.mark.parametrize("page", ["000", "004"])
def test_audit_ranks_other_researchers_first(store, seeds_dir, page):
    f = next(seeds_dir.glob(f"{page}_*.txt"))
    works = json.loads(run("audit", str(f), "--owner", "Jaeseong Lee", "--db", store, "--json"))["works"]

    def rank(frag: str) -> int | None:
        return next((k for k, w in enumerate(works) if frag.lower() in (w.get("title") or "").lower()), None)

    foreign = [r for t in OTHERS if (r := rank(t)) is not None]
    own = [r for t in CHOO if (r := rank(t)) is not None]
    assert foreign and own
    assert max(foreign) < min(own), [(w["score"], w.get("title")) for w in works]


# page 004's bare abstracts (no title, no coauthors), by how each begins
FACE_ABSTRACTS = (  # the face/avatar person's (KAIST: PixelHuman, 3DGS needles, head reenactment, faces)
    "In this paper, we propose PixelHuman",
    "3D reconstruction from multi-view",
    "Despite the remarkable advancements in head reenactment",
    "Despite remarkable success in deep learning-based face-related",
)
FOREIGN_ABSTRACTS = ("Mixture-of-experts", "We propose a video compression")  # other Jaeseong Lees'


def _abstract_works(db: str) -> dict[str, tuple[str, str]]:
    """Abstract's opening -> (person, work id) of page 004's bare abstracts."""
    out: dict[str, tuple[str, str]] = {}
    for p in json.loads(run("people", "--name", "Jaeseong Lee", "--db", db, "--json"))["people"]:
        prof = json.loads(run("person", p["id"], "--db", db, "--json"))
        for w in prof["works"]:
            for frag in FACE_ABSTRACTS + FOREIGN_ABSTRACTS:
                if not w.get("title") and (w.get("abstract") or "").startswith(frag):
                    out[frag] = (p["id"], w["work_id"])
    return out


def _person_of_abstract(db: str) -> dict[str, str]:
    return {frag: person for frag, (person, _) in _abstract_works(db).items()}


def test_bare_abstracts_of_other_researchers_stay_out_of_the_face_swapping_person(store):
    person, titled = _person_of_abstract(store), _person_of_title(store)
    assert set(person) == set(FACE_ABSTRACTS + FOREIGN_ABSTRACTS), person
    for frag in FOREIGN_ABSTRACTS:
        assert person[frag] != titled[CHOO[0]], f"the {frag} abstract is not the face-swapping researcher's"


def test_audit_of_the_abstract_page_calls_the_foreign_abstracts_uncertain_with_evidence(store, seeds_dir):
    f = next(seeds_dir.glob("004_*.txt"))
    audit = json.loads(run("audit", str(f), "--owner", "Jaeseong Lee", "--db", store, "--json"))["works"]
    by_work = {w["work_id"]: w for w in audit}
    works = _abstract_works(store)
    for frag in FOREIGN_ABSTRACTS:
        w = by_work[works[frag][1]]
        assert w["verdict"] in ("uncertain", "possibly not theirs"), (frag, w)
        assert any("only an abstract" in e for e in w["evidence"]), w["evidence"]


def test_face_avatar_abstracts_join_the_titled_face_swapping_person(store):
    person, titled = _person_of_abstract(store), _person_of_title(store)
    assert all(person[frag] == titled[CHOO[0]] for frag in FACE_ABSTRACTS), person
    assert all(person[frag] != titled[CHOO[0]] for frag in FOREIGN_ABSTRACTS), person
