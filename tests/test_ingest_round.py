"""One person's records from ORCID, Crossref and dblp: ingested together, then disambiguated.

The acceptance round of the new sources: one person comes out, with the ORCID iD, the dblp identity, and
no work twice.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _helpers import model_dir
from _helpers import run_cli as run

ORCID = "0000-0002-7777-0002"
PAPERS = [  # (doi, title, year, venue, coauthors (given, family))
    (
        "10.1609/aaai.v38i1.101",
        "Neuro-Symbolic Rule Extraction with Sparse Filters",
        2024,
        "AAAI",
        [("Parth", "Padalkar"), ("Gopal", "Gupta")],
    ),
    (
        "10.1007/978-3-031-52038-9_2",
        "Explaining Convolutional Networks with Answer Set Programs",
        2023,
        "PADL",
        [("Parth", "Padalkar"), ("Huaduo", "Wang"), ("Gopal", "Gupta")],
    ),
    (
        "10.4204/eptcs.385.25",
        "Using Logic Programming to Explain Image Classifiers",
        2023,
        "ICLP",
        [("Parth", "Padalkar"), ("Gopal", "Gupta")],
    ),
]


def orcid_record() -> dict:
    def summary(i: int, doi: str, title: str, year: int, venue: str) -> dict:
        ids = {
            "external-id": [
                {"external-id-type": "doi", "external-id-value": doi, "external-id-relationship": "self"}
            ]
        }
        return {
            "put-code": 1000 + i,
            "source": {"source-name": {"value": "Crossref"}},
            "title": {"title": {"value": title}},
            "external-ids": ids,
            "type": "conference-paper",
            "publication-date": {"year": {"value": str(year)}},
            "journal-title": {"value": venue},
            "path": f"/{ORCID}/work/{1000 + i}",
        }

    groups = [
        {"external-ids": summary(i, d, t, y, v)["external-ids"], "work-summary": [summary(i, d, t, y, v)]}
        for i, (d, t, y, v, _) in enumerate(PAPERS)
    ]
    return {
        "orcid-identifier": {"uri": f"https://orcid.org/{ORCID}", "path": ORCID, "host": "orcid.org"},
        "person": {"name": {"given-names": {"value": "Jaeseong"}, "family-name": {"value": "Lee"}}},
        "activities-summary": {"works": {"group": groups}},
        "path": f"/{ORCID}",
    }


def crossref_items() -> dict:
    items = []
    for doi, title, year, venue, co in PAPERS:
        authors = [{"given": g, "family": f, "sequence": "additional", "affiliation": []} for g, f in co]
        authors.insert(
            1,
            {
                "given": "Jaeseong",
                "family": "Lee",
                "ORCID": f"http://orcid.org/{ORCID}",
                "authenticated-orcid": True,
                "sequence": "additional",
                "affiliation": [{"name": "The University of Texas at Dallas"}],
            },
        )
        items.append(
            {
                "DOI": doi.upper(),
                "title": [title],
                "author": authors,
                "issued": {"date-parts": [[year]]},
                "container-title": [venue],
                "type": "proceedings-article",
                "reference-count": 0,
                "is-referenced-by-count": 0,
            }
        )
    return {"status": "ok", "message-type": "work-list", "message": {"items": items}}


def dblp_page() -> str:
    recs = []
    for i, (doi, title, year, venue, co) in enumerate(PAPERS):
        names = [f"{g} {f}" for g, f in co]
        names.insert(1, "Jaeseong Lee 0002")
        authors = "".join(f"<author>{n}</author>\n" for n in names)
        recs.append(
            f'<r><inproceedings key="conf/x/P{i}" mdate="2024-01-01">\n{authors}<title>{title}.</title>\n'
            f"<year>{year}</year>\n<booktitle>{venue}</booktitle>\n<ee>https://doi.org/{doi}</ee>\n</inproceedings>\n</r>\n"
        )
    return (
        '<?xml version="1.0" encoding="US-ASCII"?>\n<dblpperson name="Jaeseong Lee 0002" pid="215/1234" n="3">\n'
        '<person key="homepages/215/1234" mdate="2023-01-10">\n<author pid="215/1234">Jaeseong Lee 0002</author>\n'
        f"<url>https://orcid.org/{ORCID}</url>\n</person>\n" + "".join(recs) + "</dblpperson>\n"
    )


def test_orcid_crossref_dblp_round(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    orcid = tmp_path / "orcid-record.json"
    orcid.write_text(json.dumps(orcid_record()), encoding="utf-8")
    crossref = tmp_path / "crossref-works.json"
    crossref.write_text(json.dumps(crossref_items()), encoding="utf-8")
    dblp = tmp_path / "215-1234.xml"
    dblp.write_text(dblp_page(), encoding="utf-8")
    db = tmp_path / "round.db"

    code, out, err = run(capsys, "ingest", orcid, crossref, dblp, "--db", db)
    assert code == 0, err
    for name, fmt in (
        ("orcid-record.json", "orcid"),
        ("crossref-works.json", "crossref"),
        ("215-1234.xml", "dblp"),
    ):
        assert f"{name}: read as {fmt} (detected)" in out

    # no duplicate works: one work per DOI, each holding the three sources
    code, out, err = run(capsys, "works", "--db", db, "--json")
    works = json.loads(out)["works"]
    assert sorted(w["ids"]["doi"] for w in works) == sorted(d for d, *_ in PAPERS)
    assert all(len(w["sources"]) == 3 for w in works)
    for w in works:
        (lee,) = [a for a in w["authors"] if a["name"] == "Jaeseong Lee"]
        assert lee["orcid"] == ORCID and lee["identity"] == "dblp:Jaeseong Lee 0002"
        assert len(w["authors"]) == 1 + len(next(co for d, *_, co in PAPERS if d == w["ids"]["doi"]))

    # the ORCID record and the dblp page are claimed profiles of their owner
    code, out, err = run(capsys, "listings", "--db", db, "--json")
    owners = sorted(x["owner"] for x in json.loads(out)["listings"])
    assert owners == ["Jaeseong Lee", "Jaeseong Lee"]

    code, out, err = run(capsys, "disambiguate", "--db", db, "--model", model_dir(tmp_path))
    assert code == 0, err
    code, out, err = run(capsys, "people", "--name", "Jaeseong Lee", "--db", db, "--json")
    people = json.loads(out)["people"]
    # One person holds all three signatures. The works share coauthors, venue family and topic, so the
    # model joins them by itself; the ORCID must-link constraint (branch i21) would make this hold even
    # where names and text alone would not.
    assert len(people) == 1, people
    pid = people[0]["id"]
    code, out, err = run(capsys, "person", pid, "--db", db, "--json")
    person = json.loads(out)
    assert person["orcids"] == [ORCID]
    assert sorted(person["work_ids"]) == sorted(w["id"] for w in works)  # each work once


def test_audit_works_on_an_orcid_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The ORCID record is a claimed profile: ``byline audit`` ranks its works, owner from the record."""
    orcid = tmp_path / "orcid-record.json"
    orcid.write_text(json.dumps(orcid_record()), encoding="utf-8")
    crossref = tmp_path / "crossref-works.json"
    crossref.write_text(json.dumps(crossref_items()), encoding="utf-8")
    db = tmp_path / "a.db"
    assert run(capsys, "ingest", crossref, "--db", db)[0] == 0
    code, out, err = run(capsys, "audit", orcid, "--db", db, "--model", model_dir(tmp_path), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["owner"] == "Jaeseong Lee", report
    assert len(report["works"]) == len(PAPERS)
