"""What a release promises: one version, a license expression, and every import declared where it is used."""

from __future__ import annotations

import ast
import contextlib
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

import byline

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src" / "byline"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]

# Modules that run only when an extra is installed: their module-level imports may come from that extra.
EXTRA_MODULES = {
    "byline.engines._spark_daemon": "spark",  # runs inside Spark's Python workers
    "byline.build_encoder": "encoder-build",  # `make encoder` only
    "byline.server": "server",  # the web app (its own extra once it has one; until then core)
}


def _dist(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_version_is_written_once_in_pyproject() -> None:
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^__version__\s*=\s*['\"]", text, re.M), f"{path}: a second version"
    try:
        dist = metadata.distribution("byline")
    except metadata.PackageNotFoundError:
        pytest.skip("byline is not installed (pip install -e .): no distribution metadata to read")
    assert byline.__version__ == dist.version
    if f"file://{REPO}" in (dist.read_text("direct_url.json") or ""):  # installed from this checkout
        assert dist.version == PROJECT["version"]


def test_version_falls_back_when_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    monkeypatch.delitem(byline.__dict__, "__version__", raising=False)
    assert byline._version() == "0+unknown"


def test_license_is_an_spdx_expression_and_the_build_backend_understands_it() -> None:
    assert PROJECT["license"] == "Apache-2.0"
    setuptools = [r for r in PYPROJECT["build-system"]["requires"] if _dist(r) == "setuptools"]
    assert setuptools and re.search(r">=\s*(\d+)", setuptools[0])
    assert int(re.search(r">=\s*(\d+)", setuptools[0]).group(1)) >= 77  # PEP 639 support


def test_no_prerelease_pins() -> None:
    deps = PROJECT["dependencies"] + [d for ds in PROJECT["optional-dependencies"].values() for d in ds]
    assert not [d for d in deps if re.search(r"\d(a|b|rc)\d", d)]


def _third_party_imports(path: Path) -> tuple[set[str], set[str]]:
    """Top-level names of non-stdlib, non-byline imports: (module level, inside functions). Imports under
    ``if TYPE_CHECKING:`` never run and are left out."""
    top: set[str] = set()
    lazy: set[str] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child, in_function)
            return
        in_function = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            first = name.split(".")[0]
            if first not in sys.stdlib_module_names and first != "byline":
                (lazy if in_function else top).add(first)
        for child in ast.iter_child_nodes(node):
            visit(child, in_function)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return top, lazy


def _closure(requirements: list[str]) -> set[str]:
    """The distributions installing ``requirements`` brings in (their own requirements, transitively)."""
    todo = [_dist(r) for r in requirements if ";" not in r or "extra" not in r.split(";", 1)[1]]
    seen: set[str] = set()
    while todo:
        d = todo.pop()
        if d in seen:
            continue
        seen.add(d)
        with contextlib.suppress(metadata.PackageNotFoundError):
            todo += [_dist(r) for r in metadata.requires(d) or [] if "extra ==" not in r]
    return seen


def test_every_third_party_import_is_declared() -> None:
    """A module-level import needs a core dependency (or, in an extra's module, that extra); an import inside
    a function may come from an extra too (the function then says what to install). Dependencies of a
    declared dependency count as declared."""
    providers = {k: [_dist(d) for d in v] for k, v in metadata.packages_distributions().items()}
    core = _closure(PROJECT["dependencies"])
    extras = {name: _closure(reqs) for name, reqs in PROJECT["optional-dependencies"].items()}
    anywhere = core.union(*extras.values())
    missing = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        module = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        extra = next((e for m, e in EXTRA_MODULES.items() if module == m or module.startswith(m + ".")), None)
        allowed_top = core | extras.get(extra or "", set())
        top, lazy = _third_party_imports(path)
        for name, allowed in [(n, allowed_top) for n in top] + [(n, anywhere) for n in lazy]:
            dists = providers.get(name)
            if dists is None:
                continue  # not installed here (an optional build tool): nothing to check it against
            if not set(dists) & allowed:
                missing.append(f"{module}: {name} ({', '.join(dists)})")
    assert missing == []


def test_bibtexparser_is_the_stable_2x_line() -> None:
    spec = next(d for d in PROJECT["dependencies"] if _dist(d) == "bibtexparser")
    assert ">=2.0" in spec and "<3" in spec
