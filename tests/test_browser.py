"""End-to-end: the real server on 127.0.0.1, driven by Debian's Chromium through Playwright.

Skips (with the reason) when playwright or /usr/bin/chromium is missing. Screenshots go to
tests/screenshots/ (git-ignored); the README's are made by tests/test_browser_names.py.
"""

from __future__ import annotations

import importlib.util
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SHOTS = TESTS / "screenshots"
TOKEN = "browser-test-token-42"

sys.path.insert(0, str(TESTS))


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install 'byline[browser]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="byline-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1200, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving ``app`` on 127.0.0.1 in a thread of this process."""

    def __init__(self, app: object):
        import uvicorn

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _settled(page: object) -> None:
    """Wait until the page has loaded, its network is idle and its fonts are ready (before a screenshot)."""
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready.then(() => true)")


def _shot(page: object, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _watch(page: object) -> dict[str, list[str]]:
    """Record dialogs (curation confirmations accepted, anything else dismissed: a script ran), page errors
    and requests leaving 127.0.0.1."""
    seen: dict[str, list[str]] = {"dialogs": [], "confirms": [], "errors": [], "external": []}

    def on_dialog(d: object) -> None:
        if d.type == "confirm":
            seen["confirms"].append(d.message)
            d.accept()
            return
        seen["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(("http://127.0.0.1", "data:", "about:"))
            else seen["external"].append(r.url)
        ),
    )
    return seen


def test_hostile_text_renders_inert(browser: object) -> None:
    from _server_fakes import XSS_NAME, XSS_TITLE, FakeBackend
    from byline.server import create_app

    with LiveServer(create_app(backend=FakeBackend(), token=TOKEN)) as srv:
        page = browser.new_page()
        seen = _watch(page)
        for url in ["/people/P1", "/works/W2", "/review", "/?name=Eve", "/people/P3"]:
            page.goto(srv.url + url)
            page.wait_for_load_state("load")
            text = page.inner_text("main")
            if url in ("/people/P1", "/works/W2", "/review"):
                assert "<script>alert(1)</script>" in text  # shown as text...
                assert 'onerror="alert(2)"' in text
            if url in ("/people/P3", "/?name=Eve"):
                assert XSS_NAME in text
            assert page.locator("main img").count() == 0  # ...not turned into elements
            assert page.locator("main script").count() == 0
            assert page.evaluate("() => window.__pwned === undefined")
        page.goto(srv.url + "/works/W2")
        assert page.inner_text("#work-title") == XSS_TITLE
        assert "<script>alert(4)</script>" in page.inner_text("#abstract")
        _settled(page)
        _shot(page, "xss-work")
        page.close()
    assert seen["dialogs"] == [], "a script ran"
    assert seen["errors"] == []
    assert seen["external"] == []


def test_curation_form_needs_token(browser: object) -> None:
    from playwright.sync_api import expect

    from _server_fakes import FakeBackend
    from byline.server import create_app

    backend = FakeBackend()
    with LiveServer(create_app(backend=backend, token=TOKEN)) as srv:
        page = browser.new_page()
        seen = _watch(page)
        page.goto(srv.url + "/people/P1")
        page.fill("#token", "wrong-token-123")
        page.fill("#merge-other", "P2")
        page.click("#merge-form button")
        page.wait_for_selector("#curate-status.fail")
        assert "Not authorised" in page.inner_text("#curate-status")
        assert backend.events == []
        page.fill("#token", TOKEN)
        page.click("#merge-form button")
        page.wait_for_url("**/people/P1")
        page.wait_for_selector("#history li[data-kind=merge]")
        assert " merged " in page.inner_text("#history li[data-kind=merge]")
        assert [e["kind"] for e in backend.events] == ["merge"]
        assert seen["confirms"] and "Merge" in seen["confirms"][0]  # one click no longer merges unasked
        page.goto(srv.url + "/people/P2")  # the retired id redirects
        assert page.url.endswith("/people/P1")
        # split the checked works out, then lock (the token stays in the tab)
        page.check('#works input[value="W1"]')
        page.click("#split-form button")
        expect(page.locator("#history li")).to_have_count(2)
        page.click("#lock-form button")
        expect(page.locator("#history li")).to_have_count(3)
        assert [e["kind"] for e in backend.events] == ["merge", "split", "lock"]
        assert backend.events[1]["payload"]["works"] == ["W1"] and backend.people["P1"]["locked"] is True
        page.close()
    assert seen["dialogs"] == [] and seen["errors"] == []


def _model() -> object:
    """The shipped model when there is one, else a deterministic stand-in."""
    from byline._errors import ModelError

    try:
        from byline import _store_access as sa

        return sa.load_model(None)
    except (ModelError, ImportError, OSError):
        from _helpers import TinyModel

        return TinyModel()


def _seed_db(seeds_dir: Path, folder: Path, model: object) -> Path:
    from _helpers import seed_files
    from byline import people
    from byline.store import Store

    db = folder / "seeds.db"
    with Store(db) as store:
        for path, owner in seed_files(seeds_dir):
            store.ingest([path], owner=owner)
        people.disambiguate(store, model)
    return db


@pytest.fixture(scope="module")
def seed_store(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The seeds disambiguated by the deterministic stand-in model (it leaves namesakes apart, so the
    test has profiles to merge whatever the shipped model learned)."""
    if _missing():
        pytest.skip(_missing())
    from _helpers import TinyModel

    model = TinyModel()
    return _seed_db(seeds_dir, tmp_path_factory.mktemp("browser"), model), model


def test_seeds_search_person_evidence_merge(browser: object, seed_store: tuple[Path, object]) -> None:
    from playwright.sync_api import expect

    from byline import people
    from byline.server import create_app
    from byline.server.store_backend import StoreBackend
    from byline.store import Store

    db, model = seed_store
    with LiveServer(create_app(backend=StoreBackend(db, model=model), token=TOKEN, announce=False)) as srv:
        page = browser.new_page()
        seen = _watch(page)
        # 1. search
        page.goto(srv.url + "/")
        page.fill("#name", "Jaeseong Lee")
        page.press("#name", "Enter")
        page.wait_for_selector("#results")
        _shot(page, "search-jaeseong-lee")
        links = page.locator("#results a.person-link")
        assert links.count() >= 1
        assert all("Lee" in t for t in links.all_inner_texts())
        ids = [
            h.rsplit("/", 1)[-1] for h in links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
        ]
        # 2. open the first (biggest) person
        links.first.click()
        page.wait_for_selector("#person-name")
        first = page.locator("#person-id").inner_text()
        assert first == ids[0]
        assert "Lee" in page.inner_text("#person-name")
        assert page.locator("#works tbody tr").count() >= 1
        _shot(page, "person-before-merge")
        # 3. merge the next Jaeseong Lee into it, with the token, through the page's form
        # candidates: namesakes first, then the biggest other profiles; never one sharing a work with
        # this person (that merge is refused: one paper cannot have two authors who are one person)
        everyone = page.request.get(srv.url + "/api/people?limit=500").json()["items"]
        mine = set(page.request.get(srv.url + f"/api/people/{first}").json()["work_ids"])
        by_id = {p["id"]: p for p in everyone}
        order = [i for i in ids[1:] if i in by_id] + [p["id"] for p in everyone if p["id"] not in ids]
        others = []
        for pid in order:
            if not mine & set(by_id[pid]["work_ids"]):
                others.append(pid)
                mine |= set(by_id[pid]["work_ids"])
        assert others, "no other profile to merge"
        other = others[0]
        n_before = page.locator("#works tbody tr").count()
        page.fill("#token", TOKEN)
        page.fill("#who", "browser-test")
        page.fill("#why", "same person (test)")
        page.fill("#merge-other", other)
        page.click("#merge-form button")
        page.wait_for_selector("#history li[data-kind=merge]")
        assert " merged " in page.inner_text("#history li[data-kind=merge]")
        assert page.locator("#works tbody tr").count() > n_before
        # it persisted: the retired id redirects, and a fresh connection sees the merge
        page.goto(srv.url + f"/people/{other}")
        assert page.url.endswith(f"/people/{first}")
        with Store(db) as store:
            assert people.resolve(store.connection, other) == first
        # 4. flagged works with their evidence (merge more namesakes in until something looks foreign)
        k = 1
        while page.locator("#flagged li.flag").count() == 0 and k < min(len(others), 4):
            page.fill("#merge-other", others[k])
            page.click("#merge-form button")
            k += 1
            expect(page.locator("#history li")).to_have_count(k)
        assert page.locator("#flagged li.flag").count() >= 1, "no flagged work on a merged profile"
        flag = page.locator("#flagged li.flag").first
        flag.locator("summary").click()
        evidence = flag.locator("details.evidence ul li")
        assert evidence.count() >= 1 and evidence.first.is_visible()
        _shot(page, "person-merged")
        # 5. the explain view for the flagged work against the profile's most typical work
        link = flag.locator("a.explain-link")
        if link.count():
            link.click()
            page.wait_for_selector("#explain-card")
            assert page.locator("#features tbody tr").count() >= 1
            _shot(page, "explain")
        # 6. the review queue lists low-confidence assignments
        page.goto(srv.url + "/review")
        assert page.locator("#review tbody tr").count() >= 1
        _shot(page, "review")
        page.close()
    assert seen["dialogs"] == [] and seen["errors"] == [] and seen["external"] == []


def test_person_page_screenshot(browser: object, seeds_dir: Path, tmp_path: Path) -> None:
    """The README's screenshot: the biggest seed profile as the shipped model (if any) builds it."""
    from playwright.sync_api import expect

    from byline.server import create_app
    from byline.server.store_backend import StoreBackend

    model = _model()
    db = _seed_db(seeds_dir, tmp_path, model)
    with LiveServer(create_app(backend=StoreBackend(db, model=model), token=TOKEN, announce=False)) as srv:
        page = browser.new_page()
        seen = _watch(page)
        page.goto(srv.url + "/")
        page.locator("#results a.person-link").first.click()
        page.wait_for_selector("#person-name")
        assert page.locator("#works tbody tr").count() >= 2
        if page.locator("#flagged li.flag").count():
            page.locator("#flagged li.flag summary").first.click()
            expect(page.locator("#flagged li.flag details").first).to_have_attribute("open", "")
        _settled(page)
        _shot(page, "person-page")  # docs/person-page.png: tests/test_browser_names.py (palette PNG)
        page.close()
    assert seen["dialogs"] == [] and seen["errors"] == [] and seen["external"] == []


def test_curation_story_in_the_browser(browser: object, tmp_path: Path) -> None:
    """Split two works out one at a time, merge the two new people, claim a third work into them, undo the
    claim and the merge, lock and unlock -- all through the person page; each step survives a rebuild from scratch."""
    from _helpers import TinyModel, write_bib
    from byline import people
    from byline.server import create_app
    from byline.server.store_backend import StoreBackend
    from byline.store import Store
    from test_curation_story import STORY, groups, person_of, survives, work_ids

    db = tmp_path / "story.db"
    with Store(db) as s:
        s.ingest([write_bib(tmp_path / "story.bib", STORY)])
        people.disambiguate(s, TinyModel())
        w = work_ids(s)
        mixed = person_of(s, "k1")
    with LiveServer(
        create_app(backend=StoreBackend(db, model=TinyModel()), token=TOKEN, announce=False)
    ) as srv:
        page = browser.new_page()
        seen = _watch(page)

        def open_person(pid: str) -> None:
            page.goto(srv.url + f"/people/{pid}")
            page.wait_for_selector("#person-name")
            page.fill("#token", TOKEN)
            page.fill("#who", "browser-curator")

        def submit(form: str) -> None:
            with page.expect_navigation(timeout=20_000):  # the page reloads once the event is recorded
                page.click(f"{form} button")
            page.wait_for_selector("#person-name")

        def state() -> set[frozenset[str]]:
            with Store(db) as s:
                return survives(s)

        def split(pid: str, key: str) -> None:
            open_person(pid)
            page.check(f'#works input[value="{w[key]}"]')
            submit("#split-form")

        split(mixed, "g1")
        assert state() == {frozenset({"k1", "k2", "g2"}), frozenset({"g1"}), frozenset({"t3"})}
        split(mixed, "g2")
        assert state() == {frozenset({"k1", "k2"}), frozenset({"g1"}), frozenset({"g2"}), frozenset({"t3"})}
        with Store(db) as s:
            g1, g2, t3 = person_of(s, "g1"), person_of(s, "g2"), person_of(s, "t3")
        open_person(g1)
        page.fill("#merge-other", g2)
        submit("#merge-form")
        assert state() == {frozenset({"k1", "k2"}), frozenset({"g1", "g2"}), frozenset({"t3"})}
        open_person(g1)
        page.fill('#claim-form input[name="claim_works"]', w["t3"])
        submit("#claim-form")
        assert state() == {frozenset({"k1", "k2"}), frozenset({"g1", "g2", "t3"})}
        # undo the claim, then the merge, from the history list (the claim has the last word until undone)
        for kind in ("claim", "merge"):
            open_person(g1)
            eid = page.locator(f"#history li[data-kind={kind}]").first.get_attribute("id").split("-")[1]
            submit(f'form[data-event="{eid}"]')
        after = state()
        assert after == {frozenset({"k1", "k2"}), frozenset({"g1"}), frozenset({"g2"}), frozenset({"t3"})}
        with Store(db) as s:
            holder = person_of(s, "g1")
            assert holder != person_of(s, "g2")
        open_person(holder)
        submit("#lock-form")
        assert page.locator("#locked-badge").count() == 1
        submit("#unlock-form")
        assert page.locator("#locked-badge").count() == 0
        assert state() == after
        _shot(page, "curation-story")
        page.close()
    assert len(seen["confirms"]) >= 4  # split, split, merge, undo asked first
    assert seen["dialogs"] == [] and seen["errors"] == [] and seen["external"] == []
    with Store(db) as s:
        assert len(groups(s)) == 4 and t3
