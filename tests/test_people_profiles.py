"""Person summaries and exports (pure)."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest

from byline import InputError
from byline.profiles import export, summarize, terms, to_openalex, topic_stop_words
from byline.records import Signature


def sig(i: int, name: str, year: int, aff: str, title: str, co: tuple[str, ...]) -> Signature:
    return Signature(
        id=f"W{i}#0",
        name=name,
        work_id=f"W{i}",
        year=year,
        affiliations=(aff,),
        title=title,
        coauthors=co,
        venue="NeurIPS",
    )


SIGS = [
    sig(1, "Jaeseong Lee", 2020, "KAIST", "Graph neural networks for molecules", ("Minho Kim",)),
    sig(
        2,
        "J. Lee",
        2021,
        "KAIST",
        "Message passing neural networks on molecular graphs",
        ("Minho Kim", "Sora Park"),
    ),
    sig(3, "Jaeseong Lee", 2023, "Google", "Molecular graph pretraining", ("Sora Park",)),
]


def test_topics_leave_out_urls_and_availability_boilerplate():
    abstract = (
        "Our code is available at https://github.com/jl/molgraph and www.example.com/x. "
        "Source code: gitlab.com/jl/molgraph; contact jl@kaist.ac.kr. The model is publicly released."
    )
    sigs = [
        Signature(
            id=f"W{i}#0",
            name="Jaeseong Lee",
            work_id=f"W{i}",
            title=f"Molecular graph study {i}",
            abstract=abstract,
        )
        for i in range(3)
    ]
    topics = dict(summarize("P1", sigs).topics)
    assert "molecular graph" in topics
    junk = {
        "github",
        "gitlab",
        "https",
        "http",
        "www",
        "com",
        "code",
        "available",
        "source",
        "molgraph",
        "kaist",
    }
    assert not junk & set(topics), topics
    assert {"github", "https", "com", "code", "available", "the", "paper"} <= topic_stop_words()
    assert terms("see https://github.com/a/b for code") == []


def test_summary_and_openalex_shape():
    p = summarize("P1", SIGS)
    assert p.name == "Jaeseong Lee" and p.work_ids == ["W3", "W2", "W1"]  # newest first
    assert dict(p.name_variants) == {"Jaeseong Lee": 2, "J. Lee": 1}
    assert dict(p.coauthors) == {"Minho Kim": 2, "Sora Park": 2}
    assert p.years == [(2020, 1), (2021, 1), (2023, 1)]
    assert {"molecular graph", "neural networks"} <= set(dict(p.topics))  # phrases, plurals merged
    oa = to_openalex(p, ["Pold"])
    assert oa["id"] == "P1" and oa["display_name_alternatives"] == ["J. Lee"] and oa["works_count"] == 3
    assert oa["counts_by_year"][0] == {"year": 2023, "works_count": 1}
    kaist = next(a for a in oa["affiliations"] if a["institution"]["display_name"] == "KAIST")
    assert kaist["years"] == [2021, 2020] and oa["x_byline"]["redirects_from"] == ["Pold"]


def test_exports(tmp_path):
    p = summarize("P1", SIGS)
    js = export(p, "json", tmp_path / "p.json")
    assert json.loads(js.read_text())["display_name"] == "Jaeseong Lee"
    rows = list(csv.DictReader(export(p, "csv", tmp_path / "p.csv").open()))
    assert [r["work_id"] for r in rows] == ["W3", "W2", "W1"]
    t = pq.read_table(export([p, summarize("P2", SIGS[:1])], "parquet", tmp_path / "p.parquet"))
    assert t.num_rows == 4 and t.column("year").to_pylist()[0] == 2023
    with pytest.raises(InputError, match="unknown export format"):
        export(p, "xlsx", tmp_path / "p.xlsx")
    assert not list(tmp_path.glob("*.tmp"))
