"""Public classes, functions and methods say what they do (``scripts/docstrings.py`` lists the ones that don't)."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "docstrings.py"

# Modules whose every public definition has a docstring; add a module once it does.
DOCUMENTED = [
    "byline._errors",
    "byline._codec",
    "byline.records",
    "byline.block",
    "byline.pipeline",
    "byline.evaluate",
    "byline.owners",
    "byline.people.corpus",
    "byline.cli._common",
    "byline.cli.engine",
    "byline.cli.ingest",
    "byline.cli.serve",
]


@functools.cache
def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docstrings_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def _report() -> dict[str, list[tuple[int, str]]]:
    return _script().report()  # type: ignore[no-any-return]


@pytest.mark.parametrize("module", DOCUMENTED)
def test_documented_modules_stay_documented(module: str) -> None:
    found = _report()
    assert found.get(module, []) == [], f"{module}: public definitions without a docstring (line, name)"


def test_the_lister_finds_what_has_no_docstring(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(
        "def a():\n    '''Doc.'''\n"
        "def b(): pass\n"
        "def _c(): pass\n"
        "class K:\n    '''Doc.'''\n    def m(self): pass\n    def __init__(self): pass\n"
        "    @property\n    def p(self):\n        '''Doc.'''\n    @p.setter\n    def p(self, v): pass\n"
        "class L:\n    pass\n"
        "class _P:\n    def m(self): pass\n",
        encoding="utf-8",
    )
    assert _script().missing(path) == [(3, "b"), (7, "K.m"), (14, "L")]
