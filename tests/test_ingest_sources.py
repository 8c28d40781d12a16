"""ORCID (API v3.0 JSON and public-data XML), dblp (person page and dump) and Crossref (REST works) readers.

Inputs are written here after the official schemas (ORCID message schema v3.0, dblp.dtd, the Crossref
REST API's work and work-list messages).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from byline import InputError
from byline.ingest import detect_format, load_listing, load_records
from byline.ingest._problems import collect_problems
from byline.names import SURNAME_JOINER, block_key

OWNER = "0000-0002-1825-0097"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------------------------------------------
# ORCID


def ext_ids(*pairs: tuple[str, str], relationship: str = "self") -> dict:
    return {
        "external-id": [
            {
                "external-id-type": kind,
                "external-id-value": value,
                "external-id-normalized": {"value": value.lower(), "transient": True},
                "external-id-url": None,
                "external-id-relationship": relationship,
            }
            for kind, value in pairs
        ]
    }


def work_summary(
    put_code: int, title: str, year: str | None, *ids: tuple[str, str], journal: str | None = None
) -> dict:
    return {
        "put-code": put_code,
        "created-date": {"value": 1487783278000},
        "last-modified-date": {"value": 1487783278000},
        "source": {
            "source-orcid": {"uri": f"https://orcid.org/{OWNER}", "path": OWNER, "host": "orcid.org"},
            "source-client-id": None,
            "assertion-origin-orcid": None,
            "source-name": {"value": "Josiah Carberry"},
        },
        "title": {"title": {"value": title}, "subtitle": None, "translated-title": None},
        "external-ids": ext_ids(*ids),
        "url": None,
        "type": "journal-article",
        "publication-date": {"year": {"value": year}, "month": {"value": "04"}, "day": None}
        if year
        else None,
        "journal-title": {"value": journal} if journal else None,
        "visibility": "public",
        "path": f"/{OWNER}/work/{put_code}",
        "display-index": "1",
    }


def works_group(*summaries: dict) -> dict:
    return {
        "last-modified-date": {"value": 1487783278000},
        "external-ids": summaries[0]["external-ids"],
        "work-summary": list(summaries),
    }


WORKS = {
    "last-modified-date": {"value": 1487783278000},
    "group": [
        works_group(
            work_summary(
                101,
                "Developing Thin Clients Using Amphibious Epistemologies",
                "2012",
                ("doi", "10.5555/12345678"),
                journal="Journal of Psychoceramics",
            ),
            dict(
                work_summary(102, "Developing thin clients", "2012", ("doi", "10.5555/12345678")),
                source={"source-name": {"value": "Crossref"}},
            ),
        ),
        works_group(
            work_summary(103, "The Cracked Pot", None, ("pmid", "1234567"), ("eid", "2-s2.0-85012345678"))
        ),
    ],
    "path": f"/{OWNER}/works",
}

RECORD = {
    "orcid-identifier": {"uri": f"https://orcid.org/{OWNER}", "path": OWNER, "host": "orcid.org"},
    "preferences": {"locale": "en"},
    "history": None,
    "person": {
        "last-modified-date": None,
        "name": {
            "created-date": {"value": 1460757617078},
            "given-names": {"value": "Josiah Stinkney"},
            "family-name": {"value": "Carberry Pot"},
            "credit-name": {"value": "J. S. Carberry"},
            "source": None,
            "visibility": "public",
            "path": OWNER,
        },
        "other-names": {"other-name": [], "path": f"/{OWNER}/other-names"},
        "path": f"/{OWNER}/person",
    },
    "activities-summary": {"works": WORKS, "path": f"/{OWNER}/activities"},
    "path": f"/{OWNER}",
}


def test_orcid_record_json(tmp_path: Path) -> None:
    p = write(tmp_path, "record.json", json.dumps(RECORD))
    assert detect_format(p) == "orcid"
    recs = list(load_records(p))
    assert [r.title for r in recs] == [
        "Developing Thin Clients Using Amphibious Epistemologies",
        "The Cracked Pot",
    ]
    first, second = recs
    assert (
        first.ids == {"doi": "10.5555/12345678"}
        and first.year == 2012
        and first.venue == "Journal of Psychoceramics"
    )
    assert second.ids == {"pmid": "1234567", "eid": "2-s2.0-85012345678"} and second.year is None
    for r in recs:  # the owner, with the record's iD and ORCID's family/given split, on every work
        (a,) = r.authors
        assert a.orcid == OWNER
        assert a.name == f"Josiah Stinkney Carberry{SURNAME_JOINER}Pot"
        assert block_key(a.name) == "j carberrypot"
    assert first.source.record == "101"


def test_orcid_record_is_a_claimed_profile(tmp_path: Path) -> None:
    p = write(tmp_path, "record.json", json.dumps(RECORD))
    listing = load_listing(p)
    assert listing.owner == f"Josiah Stinkney Carberry{SURNAME_JOINER}Pot" and len(listing.records) == 2


def test_orcid_works_file_names_owner_from_self_asserted_source(tmp_path: Path) -> None:
    p = write(tmp_path, "works.json", json.dumps(WORKS))
    assert detect_format(p) == "orcid"
    recs = list(load_records(p))
    assert [[(a.name, a.orcid) for a in r.authors] for r in recs] == [[("Josiah Carberry", OWNER)]] * 2


def test_orcid_full_work_keeps_contributors_and_marks_owner(tmp_path: Path) -> None:
    work = {
        "put-code": 7,
        "path": f"/{OWNER}/work/7",
        "title": {"title": {"value": "With co-authors"}, "subtitle": {"value": "a study"}},
        "short-description": "An abstract.",
        "type": "conference-paper",
        "publication-date": {"year": {"value": "2019"}},
        "external-ids": ext_ids(("doi", "10.1/with"), ("doi", "10.1/part-of"), relationship="self"),
        "contributors": {
            "contributor": [
                {
                    "contributor-orcid": None,
                    "credit-name": {"value": "Ann Lee"},
                    "contributor-attributes": {"contributor-sequence": "first", "contributor-role": "author"},
                },
                {
                    "contributor-orcid": None,
                    "credit-name": {"value": "Josiah S. Carberry"},
                    "contributor-attributes": {
                        "contributor-sequence": "additional",
                        "contributor-role": "author",
                    },
                },
                {
                    "contributor-orcid": None,
                    "credit-name": {"value": "Ed Itor"},
                    "contributor-attributes": {
                        "contributor-sequence": "additional",
                        "contributor-role": "editor",
                    },
                },
            ]
        },
    }
    bulk = {"bulk": [{"work": work}], "name": RECORD["person"]["name"], "path": f"/{OWNER}/works/7"}
    doc = dict(RECORD, **{"activities-summary": {"works": bulk}})
    (rec,) = load_records(write(tmp_path, "bulk.json", json.dumps(doc)))
    assert rec.title == "With co-authors: a study" and rec.abstract == "An abstract." and rec.year == 2019
    assert [(a.name, a.orcid) for a in rec.authors] == [("Ann Lee", None), ("Josiah S. Carberry", OWNER)]


RECORD_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<record:record path="/{OWNER}" xmlns:internal="http://www.orcid.org/ns/internal" xmlns:address="http://www.orcid.org/ns/address"
 xmlns:email="http://www.orcid.org/ns/email" xmlns:history="http://www.orcid.org/ns/history"
 xmlns:employment="http://www.orcid.org/ns/employment" xmlns:person="http://www.orcid.org/ns/person"
 xmlns:work="http://www.orcid.org/ns/work" xmlns:personal-details="http://www.orcid.org/ns/personal-details"
 xmlns:record="http://www.orcid.org/ns/record" xmlns:common="http://www.orcid.org/ns/common"
 xmlns:activities="http://www.orcid.org/ns/activities">
  <common:orcid-identifier>
    <common:uri>https://orcid.org/{OWNER}</common:uri>
    <common:path>{OWNER}</common:path>
    <common:host>orcid.org</common:host>
  </common:orcid-identifier>
  <person:person path="/{OWNER}/person">
    <person:name visibility="public" path="{OWNER}">
      <personal-details:given-names>Fatima Zahrae</personal-details:given-names>
      <personal-details:family-name>Chrifi Alaoui</personal-details:family-name>
    </person:name>
  </person:person>
  <activities:activities-summary path="/{OWNER}/activities">
    <activities:works path="/{OWNER}/works">
      <activities:group>
        <common:external-ids>
          <common:external-id>
            <common:external-id-type>doi</common:external-id-type>
            <common:external-id-value>10.1016/J.X.2020.1</common:external-id-value>
            <common:external-id-relationship>self</common:external-id-relationship>
          </common:external-id>
        </common:external-ids>
        <work:work-summary put-code="55" path="/{OWNER}/work/55" visibility="public" display-index="0">
          <common:source><common:source-name>Crossref</common:source-name></common:source>
          <work:title><common:title>Caf&#233; growth &amp; trade</common:title></work:title>
          <common:external-ids>
            <common:external-id>
              <common:external-id-type>doi</common:external-id-type>
              <common:external-id-value>10.1016/J.X.2020.1</common:external-id-value>
              <common:external-id-relationship>self</common:external-id-relationship>
            </common:external-id>
          </common:external-ids>
          <work:type>journal-article</work:type>
          <common:publication-date><common:year>2020</common:year><common:month>05</common:month></common:publication-date>
          <work:journal-title>Journal of X</work:journal-title>
        </work:work-summary>
      </activities:group>
    </activities:works>
  </activities:activities-summary>
</record:record>
"""


def test_orcid_public_data_xml(tmp_path: Path) -> None:
    p = write(tmp_path, f"{OWNER}.xml", RECORD_XML)
    assert detect_format(p) == "orcid"
    (rec,) = load_records(p)
    assert rec.title == "Café growth & trade" and rec.year == 2020 and rec.venue == "Journal of X"
    assert rec.ids == {"doi": "10.1016/j.x.2020.1"}
    (a,) = rec.authors
    assert (a.orcid, block_key(a.name)) == (OWNER, "f chrifialaoui")
    assert load_listing(p).owner == a.name


def test_orcid_activity_work_xml(tmp_path: Path) -> None:
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<work:work put-code="9" path="/{OWNER}/work/9" xmlns:common="http://www.orcid.org/ns/common" xmlns:work="http://www.orcid.org/ns/work">
  <work:title><common:title>Two authors</common:title></work:title>
  <work:type>journal-article</work:type>
  <common:publication-date><common:year>2018</common:year></common:publication-date>
  <work:contributors>
    <work:contributor><common:contributor-orcid><common:path>{OWNER}</common:path></common:contributor-orcid>
      <work:credit-name>J. Carberry</work:credit-name></work:contributor>
    <work:contributor><work:credit-name>Bo Chen</work:credit-name></work:contributor>
  </work:contributors>
</work:work>"""
    (rec,) = load_records(write(tmp_path, "work.xml", xml))
    assert [(a.name, a.orcid) for a in rec.authors] == [("J. Carberry", OWNER), ("Bo Chen", None)]


@pytest.mark.parametrize(
    "doc", ['{"group": []}', "<record:record xmlns:record='http://www.orcid.org/ns/record'/>"]
)
def test_orcid_without_works_or_owner_is_an_error(tmp_path: Path, doc: str) -> None:
    with pytest.raises(InputError, match="holds no ORCID record or work"):
        list(load_records(write(tmp_path, "x.json", doc), format="orcid"))


# ------------------------------------------------------------------------------------------------
# dblp

PERSON_PAGE = """<?xml version="1.0" encoding="US-ASCII"?>
<dblpperson name="Jaeseong Lee 0002" pid="215/1234" n="2">
<person key="homepages/215/1234" mdate="2023-01-10">
<author pid="215/1234">Jaeseong Lee 0002</author>
<note type="affiliation">University of Texas at Dallas, USA</note>
<url>https://orcid.org/0000-0003-1234-5678</url>
</person>
<homonyms n="1"><h f="l/Lee_0001:Jaeseong"><person key="homepages/11/2" mdate="2020-01-01"><author pid="11/2">Jaeseong Lee 0001</author></person></h></homonyms>
<r><inproceedings key="conf/aaai/PadalkarLWG24" mdate="2024-03-25">
<author pid="330/2425">Parth Padalkar</author>
<author pid="215/1234">Jaeseong Lee 0002</author>
<author pid="99/1">Gopal Gupta</author>
<title>Improving Interpretability with <i>Sparse</i> Filters.</title>
<pages>1-10</pages>
<year>2024</year>
<booktitle>AAAI</booktitle>
<ee>https://doi.org/10.1609/AAAI.V38I1.1</ee>
<ee type="oa">https://arxiv.org/abs/2401.00001</ee>
<crossref>conf/aaai/2024</crossref>
<url>db/conf/aaai/aaai2024.html#PadalkarLWG24</url>
</inproceedings>
</r>
<r><article key="journals/corr/abs-2401-00002" mdate="2024-01-05">
<author pid="215/1234">Jaeseong Lee 0002</author>
<title>A Second Paper.</title>
<journal>CoRR</journal>
<volume>abs/2401.00002</volume>
<year>2024</year>
<ee type="oa">https://arxiv.org/abs/2401.00002</ee>
</article>
</r>
<coauthors n="2" nc="1"><co c="0"><na f="p/Padalkar:Parth" pid="330/2425">Parth Padalkar</na></co></coauthors>
</dblpperson>
"""

DUMP = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE dblp SYSTEM "dblp.dtd">
<dblp>
<article mdate="2017-05-28" key="journals/acta/Saxena96" publtype="informal">
<author>Sanjeev Saxena</author>
<author orcid="0000-0001-2345-6789">J&uuml;rgen M&uuml;ller 0003</author>
<title>Parallel Integer Sorting and Simulation Amongst CRCW Models.</title>
<pages>607-619</pages>
<year>1996</year>
<volume>33</volume>
<journal>Acta Inf.</journal>
<number>7</number>
<url>db/journals/acta/acta33.html#Saxena96</url>
<ee>https://doi.org/10.1007/BF03036466</ee>
</article>
<www mdate="2020-01-01" key="homepages/01/1">
<author>J&uuml;rgen M&uuml;ller 0003</author>
<title>Home Page</title>
</www>
<proceedings mdate="2017-05-16" key="conf/vldb/1990">
<editor>Dennis McLeod</editor>
<title>16th International Conference on Very Large Data Bases, August 13-16, 1990, Brisbane, Queensland, Australia, Proceedings</title>
<booktitle>VLDB</booktitle>
<publisher>Morgan Kaufmann</publisher>
<year>1990</year>
<isbn>1-55860-149-X</isbn>
</proceedings>
</dblp>
"""


def test_dblp_person_page(tmp_path: Path) -> None:
    p = write(tmp_path, "215-1234.xml", PERSON_PAGE)
    assert detect_format(p) == "dblp"
    first, second = load_records(p)
    assert first.title == "Improving Interpretability with Sparse Filters"
    assert [a.name for a in first.authors] == ["Parth Padalkar", "Jaeseong Lee", "Gopal Gupta"]
    assert first.authors[1].identity == "dblp:Jaeseong Lee 0002"
    assert first.ids == {
        "dblp": "conf/aaai/PadalkarLWG24",
        "doi": "10.1609/aaai.v38i1.1",
        "arxiv": "2401.00001",
    }
    assert (first.year, first.venue, first.source.line) == (2024, "AAAI", 9)
    assert second.venue == "CoRR" and second.ids["arxiv"] == "2401.00002"
    listing = load_listing(p)
    assert listing.owner == "Jaeseong Lee"
    # the page's ORCID iD goes to the owner's author on every work
    assert [
        [a.orcid for a in r.authors if a.identity == "dblp:Jaeseong Lee 0002"] for r in listing.records
    ] == [["0000-0003-1234-5678"]] * 2


@pytest.mark.parametrize("gz", [False, True])
def test_dblp_dump_with_dtd_entities(tmp_path: Path, gz: bool) -> None:
    p = tmp_path / ("dblp.xml.gz" if gz else "dblp.xml")
    data = DUMP.encode("latin-1")
    p.write_bytes(gzip.compress(data) if gz else data)
    assert detect_format(p) == "dblp"
    article, proc = load_records(p)
    assert [a.name for a in article.authors] == ["Sanjeev Saxena", "Jürgen Müller"]
    assert article.authors[1].identity == "dblp:Jürgen Müller 0003"
    assert article.authors[1].orcid == "0000-0001-2345-6789"
    assert article.ids == {"dblp": "journals/acta/Saxena96", "doi": "10.1007/bf03036466"}
    assert article.extra["volume"] == "33" and article.year == 1996
    assert proc.extra["type"] == "proceedings" and [a.name for a in proc.authors] == ["Dennis McLeod"]


def test_dblp_dump_is_not_a_listing(tmp_path: Path) -> None:
    from byline.ingest.files import parse_file

    p = write(tmp_path, "dblp.xml", DUMP.replace('encoding="ISO-8859-1"', 'encoding="UTF-8"'))
    parsed = parse_file(p)
    assert parsed.format == "dblp" and not parsed.is_listing and len(parsed.records) == 2
    page = parse_file(write(tmp_path, "page.xml", PERSON_PAGE))
    assert page.is_listing and page.owner == "Jaeseong Lee"


def test_dblp_broken_xml_names_the_line(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "bad.xml",
        '<?xml version="1.0"?>\n<dblp>\n<article key="a">\n<title>T</titel>\n</article></dblp>\n',
    )
    with pytest.raises(InputError, match=r"bad\.xml:4: invalid XML"):
        list(load_records(p, format="dblp"))


# ------------------------------------------------------------------------------------------------
# Crossref


def crossref_work(doi: str, title: str, *, subtitle: str | None = None, year: int | None = 2020) -> dict:
    return {
        "indexed": {"date-parts": [[2024, 1, 1]], "date-time": "2024-01-01T00:00:00Z", "timestamp": 1},
        "reference-count": 12,
        "publisher": "Elsevier BV",
        "content-domain": {"domain": [], "crossmark-restriction": False},
        "short-container-title": ["J. X"],
        "abstract": "<jats:p>We <jats:italic>study</jats:italic> things.</jats:p>",
        "DOI": doi,
        "type": "journal-article",
        "created": {"date-parts": [[2019, 12, 1]], "date-time": "2019-12-01T00:00:00Z", "timestamp": 1},
        "source": "Crossref",
        "is-referenced-by-count": 3,
        "title": [title],
        "subtitle": [subtitle] if subtitle else [],
        "prefix": "10.1016",
        "volume": "12",
        "author": [
            {
                "ORCID": "http://orcid.org/0000-0002-1825-0097",
                "authenticated-orcid": True,
                "given": "Fatima Zahrae",
                "family": "Chrifi Alaoui",
                "sequence": "first",
                "affiliation": [{"name": "Univ A"}],
            },
            {"given": "Bo", "family": "Chen", "sequence": "additional", "affiliation": []},
            {"name": "The Consortium", "sequence": "additional", "affiliation": []},
        ],
        "member": "78",
        "container-title": ["Journal of X"],
        "issued": {"date-parts": [[year, 5]]} if year else {"date-parts": [[None]]},
        "subject": ["General Medicine"],
    }


def test_crossref_single_message(tmp_path: Path) -> None:
    doc = {
        "status": "ok",
        "message-type": "work",
        "message-version": "1.0.0",
        "message": crossref_work("10.1016/J.X.2020.1", "Title", subtitle="A Subtitle"),
    }
    p = write(tmp_path, "work.json", json.dumps(doc))
    assert detect_format(p) == "crossref"
    (rec,) = load_records(p)
    assert rec.title == "Title: A Subtitle" and rec.year == 2020 and rec.venue == "Journal of X"
    assert rec.abstract == "We study things." and rec.ids == {"doi": "10.1016/j.x.2020.1"}
    assert [a.name for a in rec.authors] == [
        f"Fatima Zahrae Chrifi{SURNAME_JOINER}Alaoui",
        "Bo Chen",
        "The Consortium",
    ]
    assert rec.authors[0].orcid == "0000-0002-1825-0097" and rec.authors[0].affiliations == ("Univ A",)
    assert rec.keywords == ["General Medicine"] and rec.extra["volume"] == "12"


def test_crossref_items_list_and_year_fallback(tmp_path: Path) -> None:
    doc = {
        "status": "ok",
        "message-type": "work-list",
        "message-version": "1.0.0",
        "message": {
            "facets": {},
            "total-results": 2,
            "items": [crossref_work("10.1000/a", "A"), crossref_work("10.1000/b", "B", year=None)],
            "items-per-page": 20,
            "query": {"start-index": 0, "search-terms": None},
        },
    }
    p = write(tmp_path, "list.json", json.dumps(doc))
    a, b = load_records(p)
    assert (a.ids["doi"], a.year, b.year) == ("10.1000/a", 2020, 2019)  # b: no issued year, so "created"


def test_crossref_public_data_items_file_gz(tmp_path: Path) -> None:
    p = tmp_path / "0.json.gz"
    p.write_bytes(gzip.compress(json.dumps({"items": [crossref_work("10.1000/a", "A")]}).encode()))
    assert detect_format(p) == "crossref"
    assert [r.title for r in load_records(p)] == ["A"]


def test_crossref_forced_on_other_json_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="holds no Crossref work"):
        list(load_records(write(tmp_path, "o.json", '{"message": {"items": [{"x": 1}]}}'), format="crossref"))
    with collect_problems() as problems, pytest.raises(InputError):
        list(load_records(write(tmp_path, "o2.json", '{"status": "ok"}'), format="crossref"))
    assert problems is not None


# ------------------------------------------------------------------------------------------------
# ORCID iDs from the other readers that print them


def test_orcid_ids_from_csl_wos_and_openalex(tmp_path: Path) -> None:
    csl = write(
        tmp_path,
        "a.csl.json",
        json.dumps(
            [
                {
                    "id": "x",
                    "type": "article-journal",
                    "title": "T",
                    "author": [{"family": "Lee", "given": "Ann", "ORCID": f"http://orcid.org/{OWNER}"}],
                }
            ]
        ),
    )
    wos = write(
        tmp_path,
        "savedrecs.txt",
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Lee, A\n"
        "AF Lee, Ann\nTI T\nOI Lee, Ann/" + OWNER + "\nPY 2020\nUT WOS:1\nER\nEF\n",
    )
    oa = write(
        tmp_path,
        "w.json",
        json.dumps(
            {
                "id": "https://openalex.org/W9",
                "title": "T",
                "authorships": [
                    {"author": {"display_name": "Ann Lee", "orcid": f"https://orcid.org/{OWNER}"}}
                ],
            }
        ),
    )
    for p in (csl, wos, oa):
        (rec,) = load_records(p)
        assert [(a.name, a.orcid) for a in rec.authors] == [("Ann Lee", OWNER)], p.name


def test_orcid_record_stored_as_a_listing_with_the_split_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from _helpers import run_cli

    p = write(tmp_path, f"{OWNER}.xml", RECORD_XML)
    db = tmp_path / "o.db"
    code, out, err = run_cli(capsys, "ingest", p, "--db", db)
    assert code == 0, err
    code, out, err = run_cli(capsys, "listings", "--db", db, "--json")
    (listing,) = json.loads(out)["listings"]
    assert listing["owner"] == f"Fatima Zahrae Chrifi{SURNAME_JOINER}Alaoui" and listing["entries"] == 1
    code, out, err = run_cli(capsys, "works", "--db", db, "--json")
    (work,) = json.loads(out)["works"]
    assert work["authors"] == [{"name": f"Fatima Zahrae Chrifi{SURNAME_JOINER}Alaoui", "orcid": OWNER}]
