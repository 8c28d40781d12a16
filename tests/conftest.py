"""Shared fixtures. Paths are resolved from this file, never from the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden"


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
