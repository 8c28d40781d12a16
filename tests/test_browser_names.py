"""The name page and name search in Debian's Chromium via Playwright, at 1280x900 and 390x844: the people
sharing a name side by side, search by any printed form (word order, given name, initials, a typo,
Hangul) with pages of results, moving a work between namesakes with a confirmation and an undo, and no
page scrolling sideways.

Skips (with the reason) when playwright or /usr/bin/chromium is missing. The docs' screenshots (the name
page and a person page at both widths, the shipped example's two "Lei Wang"s) are written by
:func:`test_docs_screenshots`, palette-compressed to stay small.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from _helpers import BIO, ML, TinyModel, write_bib
from test_browser import REPO, TOKEN, LiveServer, _missing, _model
from test_browser_faces import VIEWPORTS, _context, _overflow, _shot

pytestmark = pytest.mark.browser

HANGUL = [
    ("v1", "Graph transformers for molecular property prediction", ["이재성", "Minho Kim"], "NeurIPS", 2023),
]
SYLLABLES = ["min", "jun", "seo", "ha", "ji", "woo", "hyun", "soo"]
KIMS = [  # 56 different people named Kim: more than one page of results
    (f"k{a}{b}", f"Study {a}{b} of things", [f"{a.capitalize()}{b} Kim"], "Journal", 2010)
    for a in SYLLABLES
    for b in SYLLABLES
    if a != b
]


def _openalex(path: Path) -> Path:
    work = {
        "id": "https://openalex.org/W100",
        "title": "Graph neural networks for molecular property prediction",
        "publication_year": 2019,
        "cited_by_count": 42,
        "authorships": [
            {"author": {"display_name": "Jaeseong Lee"}, "institutions": [{"display_name": "KAIST"}]},
            {"author": {"display_name": "Minho Kim"}, "institutions": []},
        ],
    }
    other = {
        "id": "https://openalex.org/W101",
        "title": "Message passing neural networks for molecular graphs at scale",
        "publication_year": 2022,
        "authorships": [
            {"author": {"display_name": "Jaeseong Lee"}, "institutions": [{"display_name": "KAIST"}]},
            {"author": {"display_name": "Minho Kim"}, "institutions": [{"display_name": "KAIST"}]},
            {"author": {"display_name": "Sora Park"}, "institutions": []},
        ],
    }
    path.write_text(json.dumps({"results": [work, other]}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if _missing():
        pytest.skip(_missing())
    from byline import people
    from byline.server import create_app
    from byline.server.store_backend import StoreBackend
    from byline.store import Store

    tmp = tmp_path_factory.mktemp("names")
    db = tmp / "names.db"
    with Store(db) as s:
        s.ingest([write_bib(tmp / "a.bib", ML + BIO + HANGUL + KIMS), _openalex(tmp / "oa.json")])
        people.disambiguate(s, TinyModel())
    with LiveServer(
        create_app(backend=StoreBackend(db, model=TinyModel()), token=TOKEN, announce=False)
    ) as srv:
        yield srv


def _jaeseong_ids(page: object, srv: LiveServer) -> list[str]:
    found = page.request.get(srv.url + "/api/people?name=Jaeseong%20Lee").json()
    return [p["id"] for p in found["items"] if p["match"] == "name"]


def _watch(page: object) -> dict[str, list[str]]:
    """Record page errors and dialogs: confirmations are accepted unless ``seen["refuse"]`` is set."""
    seen: dict[str, list[str]] = {"confirms": [], "errors": [], "dialogs": [], "refuse": []}

    def on_dialog(d: object) -> None:
        if d.type == "confirm":
            seen["confirms"].append(d.message)
            d.dismiss() if seen["refuse"] else d.accept()
        else:
            seen["dialogs"].append(d.message)
            d.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    return seen


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_name_page_shows_namesakes_side_by_side(chromium: object, server: LiveServer, viewport: str) -> None:
    ctx = _context(chromium, viewport, server)
    page = ctx.new_page()
    seen = _watch(page)
    ids = _jaeseong_ids(page, server)
    assert len(ids) == 2
    page.goto(server.url + "/?name=Jaeseong%20Lee")
    page.click("#name-page-link a")
    page.wait_for_selector("#namesakes")
    cols = page.locator("section.namesake")
    assert cols.count() == 2
    assert sorted(cols.evaluate_all("els => els.map(e => e.dataset.personId)")) == sorted(ids)
    a, b = (cols.nth(k).bounding_box() for k in range(2))
    if viewport == "desktop":  # side by side
        assert abs(a["y"] - b["y"]) < 2 and b["x"] > a["x"] + a["width"] - 1
    else:  # stacked, each the width of the screen
        assert b["y"] >= a["y"] + a["height"] - 1 and a["x"] + a["width"] <= VIEWPORTS["phone"][0]
    text = page.inner_text("#namesakes")
    for expected in ("2019–2022", "2015–2018", "5 works", "Minho Kim", "Hana Cho", "42 citations", "KAIST"):
        assert expected in text, expected
    assert "soil" in cols.nth(1).inner_text() or "soil" in cols.nth(0).inner_text()
    kim = page.locator("section.namesake .coauthors a", has_text="Minho Kim").first
    assert kim.get_attribute("href").startswith("/people/P")
    assert _overflow(page) <= 0
    page.locator("details.move summary").first.click()  # the curator's controls keep to the screen too
    assert _overflow(page) <= 0
    _shot(page, f"names-{viewport}")
    # the person page links back to everyone with the name, and its coauthors to their people
    cols.first.locator("h2 a").click()
    page.wait_for_selector("#person-name")
    assert page.locator("#coauthors a", has_text="Minho Kim").count() == 1
    page.click("#namesakes-link")
    page.wait_for_selector("#namesakes")
    assert _overflow(page) <= 0 and seen["errors"] == [] and seen["dialogs"] == [] and ctx.blocked == []
    ctx.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_search_by_any_printed_form_and_pages(chromium: object, server: LiveServer, viewport: str) -> None:
    ctx = _context(chromium, viewport, server)
    page = ctx.new_page()
    seen = _watch(page)
    ids = set(_jaeseong_ids(page, server))
    page.goto(server.url + "/")
    for query in ("Lee Jaeseong", "Jaeseong", "J. Lee", "Jaesong Lee"):
        page.fill("#name", query)
        with page.expect_navigation():
            page.press("#name", "Enter")
        found = page.locator("#results a.person-link")
        hrefs = found.evaluate_all("els => els.map(e => e.getAttribute('href').split('/').pop())")
        assert ids <= set(hrefs), (query, hrefs)
        if query == "Jaesong Lee":  # a typo: found, marked as a similar name
            assert page.locator("#results tr.similar").count() >= 2
            assert "similar name" in page.inner_text("#result-count")
        else:
            assert "named" in page.inner_text("#name-page-link")
        assert _overflow(page) <= 0, query
    page.fill("#name", "이재성")  # the data prints one author in Hangul
    with page.expect_navigation():
        page.press("#name", "Enter")
    assert page.locator("#results a.person-link", has_text="이재성").count() == 1
    # more matches than one page: next and previous pages
    total = page.request.get(server.url + "/api/people?name=Kim&limit=1").json()["total"]
    assert 50 < total < 100
    page.goto(server.url + "/?name=Kim")
    assert page.locator("#results tbody tr").count() == 50
    assert page.inner_text("#result-count").startswith(f"{total} people")
    page.click("#next-page")
    page.wait_for_selector("#prev-page")
    assert page.locator("#results tbody tr").count() == total - 50
    assert f"showing 51–{total}" in page.inner_text("#result-count")
    assert page.locator("#next-page").count() == 0 and _overflow(page) <= 0
    page.click("#prev-page")
    page.wait_for_selector("#next-page")
    assert page.locator("#results tbody tr").count() == 50
    assert seen["errors"] == [] and ctx.blocked == []
    ctx.close()


def _column_works(page: object, pid: str) -> set[str]:
    return set(
        page.locator(f'section.namesake[data-person-id="{pid}"] li.work').evaluate_all(
            "els => els.map(e => e.dataset.work)"
        )
    )


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_move_a_work_with_confirmation_and_undo(chromium: object, server: LiveServer, viewport: str) -> None:
    ctx = _context(chromium, viewport, server)
    page = ctx.new_page()
    seen = _watch(page)
    page.goto(server.url + "/names?name=Jaeseong%20Lee")
    page.wait_for_selector("#namesakes")
    src, dst = page.locator("section.namesake").evaluate_all("els => els.map(e => e.dataset.personId)")
    before = {src: _column_works(page, src), dst: _column_works(page, dst)}
    page.fill("#token", TOKEN)
    page.fill("#who", "browser-curator")
    work = page.locator(f'section.namesake[data-person-id="{src}"] li.work').first
    wid = work.get_attribute("data-work")
    work.locator("details.move summary").click()
    work.locator("select").select_option(dst)
    seen["refuse"].append("yes")  # the curator says no at the confirmation: nothing moves
    with page.expect_event("dialog"):
        work.locator("button", has_text="Move").click()
    page.wait_for_load_state("networkidle")  # a move the refusal failed to stop would be a request
    assert len(seen["confirms"]) == 1 and page.inner_text("#curate-status") == ""
    assert set(page.request.get(server.url + f"/api/people/{src}").json()["work_ids"]) == before[src]
    seen["refuse"].clear()
    with page.expect_navigation(timeout=20_000):
        work.locator("button", has_text="Move").click()
    page.wait_for_selector("#undo-banner:not([hidden])")
    assert seen["confirms"] and src in seen["confirms"][-1] and dst in seen["confirms"][-1]
    assert wid in _column_works(page, dst) and wid not in _column_works(page, src)
    assert "Moved" in page.inner_text("#undo-message")
    assert _overflow(page) <= 0
    _shot(page, f"names-moved-{viewport}")
    with page.expect_navigation(timeout=20_000):
        page.click("#undo-move")
    page.wait_for_selector("#undo-banner:not([hidden])")
    assert "Undone" in page.inner_text("#undo-message") and "Undo event" in seen["confirms"][-1]
    assert {src: _column_works(page, src), dst: _column_works(page, dst)} == before
    assert page.locator("#undo-move").count() == 0
    assert seen["errors"] == [] and seen["dialogs"] == [] and ctx.blocked == []
    ctx.close()


def test_a_move_without_the_token_is_refused(chromium: object, server: LiveServer) -> None:
    ctx = _context(chromium, "desktop", server)
    page = ctx.new_page()
    seen = _watch(page)
    page.goto(server.url + "/names?name=Jaeseong%20Lee")
    src, dst = page.locator("section.namesake").evaluate_all("els => els.map(e => e.dataset.personId)")
    before = _column_works(page, src)
    page.fill("#token", "not-the-token")
    work = page.locator(f'section.namesake[data-person-id="{src}"] li.work').first
    work.locator("details.move summary").click()
    work.locator("button", has_text="Move").click()
    page.wait_for_selector("#curate-status.fail")
    assert "Not authorised" in page.inner_text("#curate-status") and len(seen["confirms"]) == 1
    page.reload()
    assert _column_works(page, src) == before
    ctx.close()


DOCS = REPO / "docs"


def _small_png(src: Path, dest: Path) -> None:
    """A palette PNG (a few tens of kB) of a screenshot."""
    from PIL import Image

    with Image.open(src) as img:
        img.convert("RGB").quantize(colors=64).save(dest, optimize=True)


def test_docs_screenshots(chromium: object, tmp_path: Path) -> None:
    """docs/name-page*.png and docs/person-page*.png: the shipped example's two "Lei Wang"s, as the shipped
    model (when there is one) tells them apart, at 1280 and 390 px."""
    from byline import people
    from byline.server import create_app
    from byline.server.store_backend import StoreBackend
    from byline.store import Store

    model = _model()
    db = tmp_path / "example.db"
    with Store(db) as s:
        s.ingest([REPO / "examples" / "wang_lei_profile.txt"], owner="Lei Wang")
        s.ingest([REPO / "examples" / "more_papers.bib"])
        people.disambiguate(s, model)
    with LiveServer(create_app(backend=StoreBackend(db, model=model), token=TOKEN, announce=False)) as srv:
        for viewport, suffix in (("desktop", ""), ("phone", "-phone")):
            ctx = _context(chromium, viewport, srv)
            page = ctx.new_page()
            page.goto(srv.url + "/names?name=Lei%20Wang")
            page.wait_for_selector("#namesakes")
            assert page.locator("section.namesake").count() >= 1 and _overflow(page) <= 0
            _small_png(_shot(page, f"name-page{suffix}"), DOCS / f"name-page{suffix}.png")
            page.locator("section.namesake h2 a").first.click()
            page.wait_for_selector("#person-name")
            assert _overflow(page) <= 0
            _small_png(_shot(page, f"person-page{suffix}"), DOCS / f"person-page{suffix}.png")
            ctx.close()
    for name in ("name-page", "name-page-phone", "person-page", "person-page-phone"):
        assert (DOCS / f"{name}.png").stat().st_size < 400_000, name
