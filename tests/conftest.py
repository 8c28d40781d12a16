"""Shared fixtures. Paths are resolved from this file, never from the working directory."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden"

# Shared test helpers (``from _helpers import ...``) import from this folder under every --import-mode
# and from any working directory.
_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
# The synthetic corpus generator is test and benchmark tooling, not product: ``benchmarks/byline_synth``.
_BENCH = str(REPO / "benchmarks")
if _BENCH not in sys.path:
    sys.path.append(_BENCH)


def _shared_subdir(name: str) -> Path:
    path = SHARED / name
    if not path.is_dir():
        pytest.skip(f"{path} is absent: this test reads the shared {name!r} folder beside the checkout")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return _shared_subdir("seeds")


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return _shared_subdir("samples")


@pytest.fixture(scope="session")
def datasets_dir() -> Path:
    return _shared_subdir("datasets")


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def golden_dir() -> Path:
    return GOLDEN


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One headless Chromium per browser test module (skipped with the reason when it cannot start)."""
    from test_browser import CHROMIUM, CHROMIUM_ARGS, _missing

    reason = _missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def _hypothesis_profile() -> None:
    """In CI (``CI`` set) property tests run derandomized, so a landing never depends on a lucky draw;
    locally they explore new examples every run."""
    import os

    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("ci")


_hypothesis_profile()
