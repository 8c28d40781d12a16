"""The web app's faces without a browser: /docs from local assets in a sandbox, identifier links,
downloads, and source paths as visitors may see them."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web app needs the server extra")

from fastapi.testclient import TestClient  # noqa: E402

from _server_fakes import XSS_TITLE, FakeBackend  # noqa: E402
from byline.server import create_app  # noqa: E402
from byline.server.app import id_url, shown_path  # noqa: E402
from byline.server.charts import timeline  # noqa: E402
from byline.server.exports import to_bibtex, to_csv  # noqa: E402

HTML = {"accept": "text/html"}


@pytest.fixture()
def backend() -> FakeBackend:
    b = FakeBackend()
    b.works["W1"]["ids"] = {"doi": "10.1234/x<y>", "arxiv": "2101.00001"}
    b.works["W1"]["sources"] = [
        {"file": "/home/someone/private/listing.bib", "line": 4, "record": "k2", "format": "bibtex"},
        {"file": "rel/a.ris", "line": None, "record": None, "format": "ris"},
    ]
    b.people["P1"]["orcids"] = ["https://orcid.org/0000-0002-1825-0097"]
    return b


@pytest.fixture()
def client(backend: FakeBackend) -> TestClient:
    return TestClient(create_app(backend=backend, token="test-token-123"))


def test_docs_are_served_from_the_app_in_a_sandbox(client: TestClient) -> None:
    r = client.get("/docs", headers=HTML)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "sandbox allow-scripts" in csp and "allow-same-origin" not in csp
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', r.text)
    assert scripts == ["/docs/assets/swagger-ui-bundle.js", "/static/docs.js"]
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", r.text)  # nothing from a CDN
    for url in scripts + ["/docs/assets/swagger-ui.css", "/static/docs.css"]:
        assert client.get(url).status_code == 200, url
    spec = re.search(r'<script type="application/json" id="openapi-spec">(.*?)</script>', r.text, re.S).group(
        1
    )
    assert "</" not in spec and json.loads(spec)["paths"]["/api/people"]
    assert client.get("/redoc", follow_redirects=False).headers["location"] == "/docs"
    # the site's own pages stay un-sandboxed (their curator form needs the tab's storage)
    assert "sandbox" not in client.get("/people/P1", headers=HTML).headers["content-security-policy"]


def test_identifier_links_are_fixed_hosts_with_encoded_values() -> None:
    assert id_url("doi", "10.1234/abc(1)") == "https://doi.org/10.1234/abc(1)"
    assert id_url("doi", "https://doi.org/10.1/x") == "https://doi.org/10.1/x"
    assert id_url("arxiv", "arXiv:2101.00001") == "https://arxiv.org/abs/2101.00001"
    assert id_url("orcid", "0000-0002-1825-0097") == "https://orcid.org/0000-0002-1825-0097"
    assert id_url("doi", 'javascript:alert(1)"><b>') == "https://doi.org/javascript:alert(1)%22%3E%3Cb%3E"
    assert id_url("isbn", "123") is None and id_url("doi", "") is None


def test_person_and_work_pages_link_identifiers(client: TestClient) -> None:
    person = client.get("/people/P1", headers=HTML).text
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in person
    assert (
        'href="https://doi.org/10.1234/x%3Cy%3E"' in person
        and 'href="https://arxiv.org/abs/2101.00001"' in person
    )
    assert 'href="/api/people/P1/export.bib"' in person and 'id="h-works">2<' in person
    work = client.get("/works/W1", headers=HTML).text
    assert 'class="ext doi" href="https://doi.org/10.1234/x%3Cy%3E"' in work and "&lt;y&gt;" in work


def test_source_paths_shown_as_given_or_by_name_never_absolute(client: TestClient, tmp_path: Path) -> None:
    files = [s["file"] for s in client.get("/api/works/W1").json()["sources"]]
    assert files == ["listing.bib", "rel/a.ris"]
    page = client.get("/works/W1", headers=HTML).text
    assert "/home/someone" not in page and "listing.bib:4" in page
    assert shown_path(str(tmp_path / "in" / "x.bib"), tmp_path) == "in/x.bib"  # under the store's folder
    assert shown_path("../shared/seeds/000.txt", tmp_path) == "../shared/seeds/000.txt"  # as the user gave it
    assert shown_path("C:\\Users\\me\\x.bib", None) == "x.bib"


def test_exports_download_every_work(client: TestClient) -> None:
    r = client.get("/api/people/P1/export.bib")
    assert r.status_code == 200 and r.headers["content-disposition"] == 'attachment; filename="P1.bib"'
    assert (
        r.text.count("@misc{") == 2 and "doi = {10.1234/x<y>}" in r.text and "eprint = {2101.00001}" in r.text
    )
    rows = list(csv.DictReader(io.StringIO(client.get("/api/people/P1/export.csv").text)))
    assert [row["work_id"] for row in rows] == ["W1", "W2"] and rows[0]["doi"] == "10.1234/x<y>"
    doc = client.get("/api/people/P1/export.json").json()
    assert doc["id"] == "P1" and len(doc["works"]) == 2
    assert "/home/someone" not in json.dumps(doc)
    assert client.get("/api/people/P1/export.exe").status_code == 422
    assert client.get("/api/people/NOPE/export.csv").status_code == 404


def test_bibtex_and_csv_escape_what_would_break_them() -> None:
    person = {"id": "P9", "name": "A", "works": [{"work_id": "W9", "title": XSS_TITLE, "year": 2020}]}
    works = {
        "W9": {
            "title": "50% of {braces} & $x_1$",
            "authors": [{"name": "=HYPERLINK(1)"}],
            "abstract": "only an abstract",
        }
    }
    bib = to_bibtex(person, works)
    assert r"title = {50\% of \{braces\} \& \$x\_1\$}" in bib and "abstract = {only an abstract}" in bib
    row = next(csv.DictReader(io.StringIO(to_csv(person, works))))
    assert row["authors"] == "'=HYPERLINK(1)" and row["abstract"] == "only an abstract"


def test_the_narrow_chart_labels_fewer_years() -> None:
    years = {y: 1 for y in range(2000, 2025)}
    assert sum(b.label_every for b in timeline(years, width=360, max_labels=6).bars) <= 7
    assert sum(b.label_every for b in timeline(years).bars) <= 13


def test_explain_of_a_signature_with_itself_says_so(client: TestClient) -> None:
    r = client.get("/api/explain?a=W1%230&b=W1%230")
    assert r.status_code == 400 and "with itself" in r.json()["error"]
    page = client.get("/explain?a=W1%230&b=W1%230", headers=HTML)
    assert page.status_code == 400 and "with itself" in page.text
