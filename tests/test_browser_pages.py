"""The pages a new user reads, in Debian's Chromium via Playwright at 1280x900 and 390x844: people with one
name told apart wherever they are listed, the review queue readable on a phone, explain in a curator's
words, the person page header.

Skips (with the reason) when playwright or /usr/bin/chromium is missing. :func:`test_docs_screenshots`
writes docs/search-results*.png, docs/review-queue*.png and docs/explain*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from _helpers import BIO, ML, write_bib
from test_browser import REPO, TOKEN, LiveServer, _missing, _model
from test_browser_faces import VIEWPORTS, _context, _overflow, _shot
from test_browser_names import _openalex

pytestmark = pytest.mark.browser

DOCS = REPO / "docs"
UNIQUE = [
    (
        "u1",
        "Tidal energy harvesting with flexible membranes",
        ["Odile Marchetti", "Hana Cho"],
        "Ocean Eng",
        2011,
    )
]

# Every word of every text cell sits on one line (a word split mid-word has rects on two lines).
BROKEN_WORDS = """sel => {
  const broken = [];
  for (const cell of document.querySelectorAll(sel)) {
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      const re = /\\S+/g; let m;
      while ((m = re.exec(node.textContent))) {
        const r = document.createRange(); r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
        const tops = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""

NARROW_CELLS = """sel => [...document.querySelectorAll(sel)]
  .filter(c => c.innerText.trim() && getComputedStyle(c).display !== 'none')
  .map(c => [c.innerText.trim().slice(0, 30), c.getBoundingClientRect().width])
  .filter(([_, w]) => w < 80)"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if _missing():
        pytest.skip(_missing())
    from _helpers import TinyModel
    from byline import people
    from byline.server import create_app
    from byline.server.store_backend import StoreBackend
    from byline.store import Store

    tmp = tmp_path_factory.mktemp("pages")
    db = tmp / "pages.db"
    with Store(db) as s:
        s.ingest([write_bib(tmp / "a.bib", ML + BIO + UNIQUE), _openalex(tmp / "oa.json")])
        people.disambiguate(s, TinyModel())  # keeps the two Jaeseong Lees apart
    with LiveServer(create_app(backend=StoreBackend(db, model=_model()), token=TOKEN, announce=False)) as srv:
        yield srv


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_namesakes_differ_in_visible_text(chromium: object, server: LiveServer, viewport: str) -> None:
    ctx = _context(chromium, viewport, server)
    page = ctx.new_page()
    page.goto(server.url + "/?name=Jaeseong%20Lee")
    rows = page.locator("#results tbody tr:not(.similar)")
    assert rows.count() == 2
    ids = rows.locator("span.id").all_inner_texts()
    # what a reader sees, the hash ids left out, differs; the line that sets them apart is visible
    seen = [t for t in rows.all_inner_texts()]
    for k, pid in enumerate(ids):
        seen[k] = seen[k].replace(pid, "")
    assert seen[0] != seen[1]
    lines = rows.locator(".apart")
    assert lines.count() == 2 and all(lines.nth(k).is_visible() for k in range(2))
    text = " | ".join(lines.all_inner_texts())
    assert "2019–2022" in text and "2015–2018" in text and "with Minho Kim" in text
    assert "with Hana Cho" in text or "with Tom Baker" in text  # two papers with each
    assert rows.locator("a.namesakes").count() == 2  # the name is shared
    assert _overflow(page) <= 0
    # a name only one person has: no namesakes link
    page.goto(server.url + "/?name=Odile%20Marchetti")
    assert page.locator("#results tbody tr").count() == 1 and page.locator("a.namesakes").count() == 0
    # one search box on the search page, and its placeholder fits
    assert page.locator("input[type=search]:visible").count() == 1
    fits = page.evaluate(
        """() => { const i = document.querySelector('#name'); const c = document.createElement('canvas')
        .getContext('2d'); const s = getComputedStyle(i); c.font = s.font;
        return c.measureText(i.placeholder).width <= i.clientWidth - parseFloat(s.paddingLeft) -
        parseFloat(s.paddingRight) + 1; }"""
    )
    assert fits
    # the name page: each column and each option of the move dropdown says who they are
    page.goto(server.url + "/names?name=Jaeseong%20Lee")
    page.wait_for_selector("#namesakes")
    apart = page.locator("section.namesake .apart")
    assert apart.count() == 2 and apart.nth(0).inner_text() != apart.nth(1).inner_text()
    options = page.locator("details.move select option").evaluate_all("os => os.map(o => o.textContent)")
    assert options and all(" — " in o and "(P" not in o for o in options)
    assert len({o for o in options}) == 2
    if viewport == "phone":
        assert "each column" not in page.inner_text("#name-count").lower()
    _shot(page, f"pages-names-{viewport}")
    ctx.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_review_queue_is_readable(chromium: object, server: LiveServer, viewport: str) -> None:
    ctx = _context(chromium, viewport, server)
    page = ctx.new_page()
    page.goto(server.url + "/review")
    page.wait_for_selector("#review tbody tr td")
    n = page.locator("#review tbody tr").count()
    assert n >= 3
    assert page.evaluate(BROKEN_WORDS, "#review td") == []
    why = page.locator("#review td.why a").first
    assert why.evaluate("a => a.getClientRects().length") == 1  # "why?" on one line
    if viewport == "phone":
        assert page.evaluate(NARROW_CELLS, "#review td") == []
        height = page.evaluate("() => document.documentElement.scrollHeight")
        assert height < 400 + 220 * n, height  # cards, not a column of one-word lines
    assert _overflow(page) <= 0
    _shot(page, f"pages-review-{viewport}")
    ctx.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_explain_speaks_curator_words(chromium: object, server: LiveServer, viewport: str) -> None:
    from byline.features import FEATURE_NAMES

    ctx = _context(chromium, viewport, server)
    page = ctx.new_page()
    item = page.request.get(server.url + "/api/review").json()["items"][0]
    page.goto(server.url + f"/explain?a={quote(item['explain_a'])}&b={quote(item['explain_b'])}")
    page.wait_for_selector("#explain-card")
    text = page.inner_text("main")
    raw = [name for name in FEATURE_NAMES if name in text]
    assert raw == [], raw
    assert page.locator("#features tbody tr").count() >= 3
    assert "same person" in page.inner_text("#features") and "coauthor" in text
    assert _overflow(page) <= 0
    ctx.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_person_page_header_sort_filter_and_merge_choice(
    chromium: object, server: LiveServer, viewport: str
) -> None:
    ctx = _context(chromium, viewport, server)
    page = ctx.new_page()
    confirms: list[str] = []

    def refuse(d: object) -> None:
        confirms.append(d.message)
        d.dismiss()

    page.on("dialog", refuse)
    page.goto(server.url + "/?name=Jaeseong%20Lee")
    row = page.locator("#results tbody tr", has_text="2019–2022")
    row.locator("a.person-link").click()
    page.wait_for_selector("#person-header")
    pid = page.inner_text("#person-id")
    api = page.request.get(server.url + f"/api/people/{pid}").json()
    assert page.inner_text("#h-institution") == "KAIST"
    assert page.inner_text("#h-years") == "2019–2022"
    assert page.inner_text("#h-works") == str(len(api["works"]))
    assert page.inner_text("#citations").startswith("42") and page.inner_text("#h-index") == "1"
    assert page.locator("#person-summary").is_visible() and "KAIST" in page.inner_text("#person-summary")
    assert _overflow(page) <= 0
    # works sort by citations, and filter by a year or a coauthor
    page.select_option("#works-sort", "cites-desc")
    expect = __import__("playwright.sync_api", fromlist=["expect"]).expect
    expect(page.locator("#works tbody tr").first).to_have_attribute("data-cites", "42")
    page.select_option("#works-sort", "year-asc")
    years = [
        int(y) for y in page.locator("#works tbody tr").evaluate_all("rs => rs.map(r => r.dataset.year)") if y
    ]
    assert years == sorted(years)
    page.fill("#works-filter", "2020")
    expect(page.locator("#works tbody tr:visible")).to_have_count(
        sum(1 for w in api["works"] if w["year"] == 2020)
    )
    page.fill("#works-filter", "sora park")
    expect(page.locator("#works tbody tr:visible")).to_have_count(
        sum(1 for w in api["works"] if "Sora Park" in w["authors"])
    )
    assert "of" in page.inner_text("#works-shown")
    # a merge picks the other Jaeseong Lee from a list that says who they are
    options = page.locator("#merge-choice option").evaluate_all("os => os.map(o => o.textContent)")
    assert len(options) == 1 and "2015–2018" in options[0]
    # the token sits by the actions and the history's undo; an action without it says so and asks nothing
    assert page.locator("#curate #token").count() == 1 and page.locator("#curate #history").count() == 1
    page.click("#lock-form button")
    expect(page.locator("#curate-status")).to_contain_text("token first")
    assert confirms == []
    # a lock asks first; refused, nothing is recorded
    page.fill("#token", TOKEN)
    page.click("#lock-form button")
    expect(page.locator("#lock-form")).to_be_visible()
    assert confirms and confirms[0].startswith("Lock")
    assert page.request.get(server.url + f"/api/people/{pid}").json()["locked"] is False
    _shot(page, f"pages-person-{viewport}")
    ctx.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_history_reads_as_sentences(chromium: object, tmp_path: Path, viewport: str) -> None:
    from _helpers import TinyModel
    from byline import people
    from byline.server import create_app
    from byline.server.store_backend import StoreBackend
    from byline.store import Store

    db = tmp_path / "history.db"
    with Store(db) as s:
        s.ingest([write_bib(tmp_path / "a.bib", ML + BIO)])
        people.disambiguate(s, TinyModel())
    with LiveServer(
        create_app(backend=StoreBackend(db, model=TinyModel()), token=TOKEN, announce=False)
    ) as srv:
        ctx = _context(chromium, viewport, srv)
        page = ctx.new_page()
        found = page.request.get(srv.url + "/api/people?name=Jaeseong%20Lee").json()["items"]
        src, dst = (p["id"] for p in found if p["match"] == "name")
        work = page.request.get(srv.url + f"/api/people/{src}").json()["works"][0]["work_id"]
        moved = page.request.post(
            srv.url + f"/api/works/{work}/move",
            data={"source": src, "target": dst, "who": "ann", "why": "same lab"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert moved.ok, moved.text()
        page.goto(srv.url + f"/people/{dst}")
        item = page.locator("#history li").first
        text = item.inner_text()
        assert text.startswith("ann moved 1 work from Jaeseong Lee to Jaeseong Lee: “same lab”"), text
        assert item.locator(f'a[href="/people/{src}"]').count() == 1  # the other person is a link
        assert "#" not in text and "claim" not in text and "T" not in item.locator("time").inner_text()
        assert item.locator("time").get_attribute("title").endswith("UTC")  # shown in local time
        assert _overflow(page) <= 0
        ctx.close()


def test_error_pages_and_favicon(chromium: object, server: LiveServer) -> None:
    ctx = _context(chromium, "desktop", server)
    page = ctx.new_page()
    page.goto(server.url + "/people/%3Cscript%3E")
    msg = page.inner_text("#error-message")
    assert "not a valid id" in msg and "^[" not in msg
    icon = page.request.get(server.url + "/favicon.ico")
    assert icon.ok and icon.headers["content-type"].startswith("image/")
    ctx.close()


def _small_png(src: Path, dest: Path) -> None:
    from PIL import Image

    with Image.open(src) as img:
        img.convert("RGB").quantize(colors=64).save(dest, optimize=True)


def test_docs_screenshots(chromium: object, tmp_path: Path) -> None:
    """docs/search-results*.png, docs/review-queue*.png, docs/explain*.png from the shipped example."""
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
            page.goto(srv.url + "/?name=Lei%20Wang")
            page.wait_for_selector("#results")
            _small_png(_shot(page, f"search-results{suffix}"), DOCS / f"search-results{suffix}.png")
            page.goto(srv.url + "/review?limit=8")
            page.wait_for_selector("#review")
            _small_png(_shot(page, f"review-queue{suffix}"), DOCS / f"review-queue{suffix}.png")
            why = page.locator("#review td.why a")
            if why.count():
                why.first.click()
                page.wait_for_selector("#explain-card")
                _small_png(_shot(page, f"explain{suffix}"), DOCS / f"explain{suffix}.png")
            ctx.close()
    for name in ("search-results", "review-queue", "search-results-phone", "review-queue-phone"):
        assert (DOCS / f"{name}.png").stat().st_size < 400_000, name
