"""The web pages at desktop (1280x900) and phone (390x844) widths, in Debian's Chromium via Playwright:
no page scrolls sideways, the chart stays legible, /docs works with the network blocked and cannot read
the curator token, identifiers are links, the export buttons download the person's works, and no
server path is shown.

Skips (with the reason) when playwright or /usr/bin/chromium is missing; the seed-store tests also
skip when ../shared/seeds is absent. Screenshots go to tests/screenshots/ (git-ignored); the README's
are made by tests/test_browser_names.py.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from test_browser import SHOTS, TOKEN, LiveServer, _missing, _model, _seed_db

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
ORCID = "0000-0002-1825-0097"


def _context(chromium: object, viewport: str, server: LiveServer, offline: bool = True) -> object:
    """A fresh browser context at ``viewport``; with ``offline`` every request off the test server fails."""
    width, height = VIEWPORTS[viewport]
    ctx = chromium.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    blocked: list[str] = []
    ctx.blocked = blocked
    if offline:

        def route(r: object) -> None:
            if r.request.url.startswith(server.url):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        ctx.route("**/*", route)
    return ctx


def _watch(page: object) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def _overflow(page: object) -> int:
    """How many CSS pixels the page is wider than the window (0: nothing scrolls sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def _shot(page: object, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class _LinkedBackend:
    """The in-memory backend with identifiers and an ORCID, as a store with DOIs would serve them."""

    def __new__(cls) -> object:
        from _server_fakes import FakeBackend

        backend = FakeBackend()
        backend.people["P1"]["orcids"] = [ORCID]
        backend.people["P1"]["affiliations"] = [{"name": "Seoul National University", "count": 2}]
        backend.works["W1"]["ids"] = {"doi": "10.1234/graph-nets", "arxiv": "2101.00001"}
        backend.works["W1"]["venue"] = "NeurIPS"
        backend.works["W1"]["sources"] = [{"file": "/srv/secret/uploads/listing.bib", "line": 7}]
        return backend


@pytest.fixture(scope="module")
def fake_server() -> Iterator[LiveServer]:
    if _missing():
        pytest.skip(_missing())
    from byline.server import create_app

    with LiveServer(create_app(backend=_LinkedBackend(), token=TOKEN)) as srv:
        yield srv


@pytest.fixture(scope="module")
def seed_server(seeds_dir: Path) -> Iterator[tuple[LiveServer, Path]]:
    if _missing():
        pytest.skip(_missing())
    from _helpers import TinyModel
    from byline.server import create_app
    from byline.server.store_backend import StoreBackend

    model = TinyModel()
    with tempfile.TemporaryDirectory(prefix="byline-faces-") as tmp:
        db = _seed_db(seeds_dir, Path(tmp), model)
        with LiveServer(
            create_app(backend=StoreBackend(db, model=model), token=TOKEN, announce=False)
        ) as srv:
            yield srv, seeds_dir


def _seed_urls(page: object, srv: LiveServer) -> list[str]:
    people = page.request.get(srv.url + "/api/people?limit=500").json()["items"]
    biggest = people[0]
    work = biggest["work_ids"][0]
    review = page.request.get(srv.url + "/api/review?limit=1").json()["items"]
    urls = [
        "/",
        "/?name=Jaeseong%20Lee",
        f"/people/{biggest['id']}",
        f"/works/{work}",
        "/review",
        "/explain",
        "/audit",
        "/docs",
    ]
    if review and review[0].get("explain_a") and review[0].get("explain_b"):
        urls.append(
            f"/explain?a={review[0]['explain_a'].replace('#', '%23')}&b={review[0]['explain_b'].replace('#', '%23')}"
        )
    else:
        urls.append(f"/explain?a={work}%230&b={people[1]['work_ids'][0]}%230")
    return urls


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_page_scrolls_sideways(
    chromium: object, seed_server: tuple[LiveServer, Path], viewport: str
) -> None:
    srv, _ = seed_server
    ctx = _context(chromium, viewport, srv)
    page = ctx.new_page()
    errors = _watch(page)
    wide = {}
    for url in _seed_urls(page, srv):
        page.goto(srv.url + url)
        page.wait_for_load_state("load")
        if url == "/docs":
            page.wait_for_selector(".opblock")
        wide[url] = _overflow(page)
    assert all(v <= 0 for v in wide.values()), wide
    assert errors == [] and ctx.blocked == []
    ctx.close()


def test_fake_pages_with_hostile_text_do_not_scroll_sideways_on_a_phone(
    chromium: object, fake_server: LiveServer
) -> None:
    ctx = _context(chromium, "phone", fake_server)
    page = ctx.new_page()
    for url in [
        "/",
        "/people/P1",
        "/people/P3",
        "/works/W1",
        "/works/W2",
        "/review",
        "/explain?a=W1%230&b=W2%230",
    ]:
        page.goto(fake_server.url + url)
        assert _overflow(page) <= 0, url
    ctx.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_papers_per_year_chart_stays_legible(
    chromium: object, seed_server: tuple[LiveServer, Path], viewport: str
) -> None:
    srv, _ = seed_server
    ctx = _context(chromium, viewport, srv)
    page = ctx.new_page()
    page.goto(srv.url + "/")
    page.locator("#results a.person-link").first.click()
    page.wait_for_selector("#person-name")
    page.wait_for_load_state("load")  # the stylesheet decides which of the two charts shows
    charts = page.locator("svg.timeline:visible")
    assert charts.count() == 1
    box = charts.first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS[viewport][0]
    heights = [t.bounding_box()["height"] for t in charts.first.locator("text.tick").all()]
    assert heights and min(heights) >= 9, heights  # year labels drawn at a readable size
    labels = charts.first.locator("text.tick").all()
    boxes = sorted((b["x"], b["x"] + b["width"]) for b in (t.bounding_box() for t in labels[1:]))
    assert all(a[1] <= b[0] for a, b in zip(boxes, boxes[1:], strict=False)), "year labels overlap"
    _shot(page, f"person-{viewport}")
    ctx.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_docs_work_offline_and_cannot_read_the_curator_token(
    chromium: object, fake_server: LiveServer, viewport: str
) -> None:
    ctx = _context(chromium, viewport, fake_server)
    page = ctx.new_page()
    errors = _watch(page)
    page.goto(fake_server.url + "/people/P1")
    page.fill("#token", TOKEN)
    page.dispatch_event("#token", "change")  # the curation page keeps it in this tab
    assert page.evaluate("() => sessionStorage.getItem('byline-token')") == TOKEN
    page.goto(fake_server.url + "/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() >= 8  # every documented endpoint rendered
    assert "/api/people/{person_id}/merge" in page.inner_text("#swagger-ui")
    seen = page.evaluate(
        "() => { try { return String(sessionStorage.getItem('byline-token')) + String(document.cookie) }"
        " catch (e) { return 'refused: ' + e.name } }"
    )
    assert TOKEN not in seen
    assert _overflow(page) <= 0
    assert ctx.blocked == [] and errors == []
    _shot(page, f"docs-{viewport}")
    ctx.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_person_page_links_and_export_buttons(
    chromium: object, fake_server: LiveServer, viewport: str
) -> None:
    ctx = _context(chromium, viewport, fake_server)
    page = ctx.new_page()
    page.goto(fake_server.url + "/people/P1")
    assert page.get_attribute("#orcids a", "href") == f"https://orcid.org/{ORCID}"
    assert page.get_attribute("#works a.doi", "href") == "https://doi.org/10.1234/graph-nets"
    assert page.get_attribute("#works a.arxiv", "href") == "https://arxiv.org/abs/2101.00001"
    assert "Seoul National University" in page.inner_text("#affiliations")
    got = {}
    for label in ("BibTeX", "CSV", "JSON"):
        with page.expect_download() as info:
            page.click(f"#exports a:text('{label}')")
        download = info.value
        got[label] = (download.suggested_filename, Path(download.path()).read_text(encoding="utf-8"))
    name, bib = got["BibTeX"]
    assert name == "P1.bib" and "@article{W1," in bib and "doi = {10.1234/graph-nets}" in bib
    assert "title = {Graph nets}" in bib and "journal = {NeurIPS}" in bib
    name, text = got["CSV"]
    from byline.profiles import EXPORT_COLUMNS  # the one exporter's columns, as `byline person --export csv`

    assert name == "P1.csv" and text.splitlines()[0] == ",".join(EXPORT_COLUMNS)
    assert "10.1234/graph-nets" in text
    name, text = got["JSON"]
    doc = json.loads(text)
    assert name == "P1.json" and doc["id"] == "P1" and doc["orcid"] == ORCID  # OpenAlex-shaped, as the CLI
    assert {w["id"] for w in doc["works"]} == {"W1", "W2"}
    assert "/srv/secret" not in text
    ctx.close()


def test_work_page_never_shows_a_server_path(
    chromium: object, fake_server: LiveServer, seed_server: tuple[LiveServer, Path]
) -> None:
    ctx = _context(chromium, "phone", fake_server)
    page = ctx.new_page()
    page.goto(fake_server.url + "/works/W1")
    assert page.inner_text("#sources").startswith("listing.bib:7")
    assert page.get_attribute("a.doi", "href") == "https://doi.org/10.1234/graph-nets"
    ctx.close()
    srv, seeds = seed_server
    ctx = _context(chromium, "phone", srv)
    page = ctx.new_page()
    people = page.request.get(srv.url + "/api/people?limit=5").json()["items"]
    page.goto(srv.url + f"/works/{people[0]['work_ids'][0]}")
    shown = page.inner_text("#sources")
    assert str(seeds.parent) not in shown and not shown.startswith("/")
    assert shown.split(":")[0] in {p.name for p in seeds.iterdir()}
    ctx.close()


def test_phone_screenshot_of_a_person_page(chromium: object, seeds_dir: Path, tmp_path: Path) -> None:
    """The phone view of the biggest seed profile as the shipped model (if any) builds it."""
    from byline.server import create_app
    from byline.server.store_backend import StoreBackend

    model = _model()
    db = _seed_db(seeds_dir, tmp_path, model)
    with LiveServer(create_app(backend=StoreBackend(db, model=model), token=TOKEN, announce=False)) as srv:
        ctx = _context(chromium, "phone", srv)
        page = ctx.new_page()
        page.goto(srv.url + "/")
        page.locator("#results a.person-link").first.click()
        page.wait_for_selector("#person-name")
        assert _overflow(page) <= 0
        _shot(page, "person-page-phone")  # docs/person-page-phone.png: tests/test_browser_names.py
        ctx.close()
