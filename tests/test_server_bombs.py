"""Upload bombs against a live server on loopback: each is refused (4xx) within seconds, memory stays
bounded, other requests keep being answered meanwhile, and the log stays small."""

from __future__ import annotations

import logging
import socket
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _helpers import TinyModel  # noqa: E402
from byline.server import create_app  # noqa: E402
from byline.server.store_backend import StoreBackend  # noqa: E402
from byline.server.uploads import MAX_UPLOAD_WORKS  # noqa: E402

pytestmark = pytest.mark.slow

MB = 1024 * 1024
ENTRY = b"@article{dup,\n  title = {A},\n  author = {Lee, J.},\n  year = {2020},\n}\n"


def _gzip(chunks: Iterator[bytes]) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join([*(c.compress(ch) for ch in chunks), c.flush()])


@pytest.fixture(scope="module")
def spaces_bomb() -> bytes:
    """About 0.5 MB of gzip that unpacks to 500 MB of spaces."""
    return _gzip(b" " * MB for _ in range(500))


@pytest.fixture(scope="module")
def bibtex_bomb() -> bytes:
    """About 0.5 MB of gzip that unpacks to 1.9 million copies of one BibTeX entry."""
    return _gzip(ENTRY * 10_000 for _ in range(190))


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    pytest.skip("no /proc/self/status: cannot measure memory here")
    return 0.0


class _LogBytes(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.bytes = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.bytes += len(self.format(record)) + 1


@pytest.fixture(scope="module")
def server(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from byline import people
    from byline.store import Store

    db = tmp_path_factory.mktemp("bombs") / "store.db"
    with Store(db) as store:
        store.ingest([examples_dir / "wang_lei_profile.txt"], owner="Lei Wang")
        store.ingest([examples_dir / "more_papers.bib"])
        people.disambiguate(store, TinyModel())
    app = create_app(backend=StoreBackend(db, model=TinyModel()), token="b" * 40, announce=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/people?limit=1", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        pytest.fail("the test server did not start")
    yield url
    srv.should_exit = True
    thread.join(timeout=10)


def _attack(url: str, body: bytes, filename: str) -> dict[str, float]:
    """Send ``body`` to /api/audit while a reader and a memory sampler run; what they saw."""
    for _ in range(3):  # warm: the reads the reader makes are cached, as they would be in use
        httpx.get(url + "/api/people", timeout=10)
    handler = _LogBytes()
    root = logging.getLogger()
    root.addHandler(handler)
    base = _rss_mb()
    peak = [base]
    slowest = [0.0]
    reads = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss_mb())
            time.sleep(0.02)

    def read() -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            while not done.is_set():
                t = time.perf_counter()
                assert client.get("/api/people", params={"name": "Lei Wang"}).status_code == 200
                slowest[0] = max(slowest[0], time.perf_counter() - t)
                reads[0] += 1
                time.sleep(0.05)

    threads = [threading.Thread(target=sample), threading.Thread(target=read)]
    for t in threads:
        t.start()
    try:
        t0 = time.perf_counter()
        r = httpx.post(
            url + "/api/audit",
            params={"owner": "Lei Wang", "filename": filename},
            content=body,
            headers={"content-type": "application/octet-stream"},
            timeout=60,
        )
        elapsed = time.perf_counter() - t0
        time.sleep(0.3)  # the reader gets a few more answers after the refusal
    finally:
        done.set()
        for t in threads:
            t.join(timeout=30)
        root.removeHandler(handler)
    return {
        "status": r.status_code,
        "error": r.json().get("error", ""),
        "elapsed": elapsed,
        "rss_growth": peak[0] - base,
        "slowest_read": slowest[0],
        "reads": reads[0],
        "log_bytes": handler.bytes,
    }


@pytest.mark.parametrize("bomb", ["spaces_bomb", "bibtex_bomb"])
@pytest.mark.parametrize("filename", ["listing.txt.gz", "listing.bib"])
def test_upload_bombs_are_refused_quickly(
    server: str, bomb: str, filename: str, request: pytest.FixtureRequest
) -> None:
    seen = _attack(server, request.getfixturevalue(bomb), filename)
    assert 400 <= seen["status"] < 500, seen
    assert "unpacks to more than" in seen["error"]
    assert seen["elapsed"] < 10, seen
    assert seen["rss_growth"] <= 300, seen
    assert seen["reads"] >= 1 and seen["slowest_read"] < 1.5, seen
    assert seen["log_bytes"] < 5 * MB, seen


def test_many_entries_stop_at_the_cap_while_streaming(server: str) -> None:
    """Fewer entry starts than the flood guard refuses, but more works than the web audit takes: parsing
    stops at the cap (each entry is its own run, between blank lines)."""
    one_line = b"@article{k, title = {A}, author = {Lee, J.}, year = {2020}}\n\n"
    seen = _attack(server, one_line * 2_400, "listing.bib")
    assert seen["status"] == 400 and f"more than {MAX_UPLOAD_WORKS} entries" in seen["error"], seen
    assert seen["elapsed"] < 10 and seen["slowest_read"] < 1.5 and seen["log_bytes"] < 5 * MB, seen


def test_a_bibtex_flood_is_refused_before_parsing(server: str) -> None:
    """Uncompressed, within the size limit, 60,000 entries in one run (BibTeX parses a run at once)."""
    one_line = b"@article{k, title = {A}, author = {Lee, J.}, year = {2020}}\n"
    seen = _attack(server, one_line * 60_000, "listing.bib")
    assert seen["status"] == 400 and "60000 BibTeX entries" in seen["error"], seen
    assert seen["elapsed"] < 10 and seen["slowest_read"] < 1.5 and seen["log_bytes"] < 5 * MB, seen


def test_nothing_but_bad_entries_stops_early(server: str) -> None:
    seen = _attack(server, b"@misc{x,}\n\n" * 2_400, "listing.bib")
    assert seen["status"] == 400 and "skipped or suspicious" in seen["error"], seen
    assert seen["elapsed"] < 10 and seen["slowest_read"] < 1.5 and seen["log_bytes"] < 5 * MB, seen


def test_too_many_lines_is_413(server: str) -> None:
    seen = _attack(server, b"x\n" * 1_000_000, "listing.txt")
    assert seen["status"] == 413 and "lines" in seen["error"] and seen["elapsed"] < 10, seen


def test_a_real_listing_still_audits_with_its_problems_summarized(server: str, examples_dir: Path) -> None:
    body = (examples_dir / "more_papers.bib").read_bytes()
    dup = body + body  # every key twice: warnings, summarized as one line with a count
    r = httpx.post(
        server + "/api/audit",
        params={"owner": "Lei Wang", "filename": "x.bib.gz"},
        content=_gzip(iter([dup])),
        timeout=60,
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["works"] and out["n_problems"] >= 2
    assert len(out["problems"]) < out["n_problems"] and " x duplicate citation key" in out["problems"][0]


def test_repeated_warnings_are_summarized() -> None:
    import io

    from byline.server import logs

    out = io.StringIO()
    handler = logs.install(out)
    try:
        log = logging.getLogger("byline.ingest")
        for i in range(100_000):
            log.warning("upload:%d: duplicate citation key 'k%d' (first used on line 1); both kept", i + 2, i)
        log.warning("something else entirely")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = out.getvalue().splitlines()
    assert len(lines) == logs.FIRST + (100_000 - logs.FIRST) // logs.EVERY + 1  # the first few, one per EVERY
    assert "counted, not logged" in lines[logs.FIRST - 1]
    assert "10000 more like this were not logged" in lines[logs.FIRST]
    assert lines[-1].endswith("something else entirely")
    assert len(out.getvalue()) < 10_000
