"""The package's shape as DESIGN.md draws it: no import cycles, and arrows that only point down."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "byline"


def _name_of(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_name_of(p) for p in SRC.rglob("*.py")}
_module_name = _name_of


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, module: str, *, lazy: bool) -> set[str]:
    """byline modules imported by ``path``: at module level (``lazy``: also inside functions); never the
    ``if TYPE_CHECKING:`` ones."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def visit(nodes: list[ast.stmt], top: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node):
                visit(node.orelse, top)
                continue
            if isinstance(node, ast.Import):
                out.update(a.name for a in node.names if a.name.startswith("byline"))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(
                        package.split(".")[: len(package.split(".")) - node.level + 1]
                        + ([base] if base else [])
                    )
                if base.startswith("byline"):
                    subs = {f"{base}.{a.name}" for a in node.names} & MODULES
                    out.update(subs)
                    if len(subs) < len(node.names):
                        out.add(base)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                if lazy or isinstance(node, ast.ClassDef):
                    visit(node.body, False)
            elif hasattr(node, "body") and not isinstance(node, ast.If):
                for field in ("body", "orelse", "finalbody", "handlers"):
                    sub = getattr(node, field, None)
                    if isinstance(sub, list):
                        visit([s for s in sub if isinstance(s, ast.stmt)], top)
                for h in getattr(node, "handlers", []) or []:
                    visit(h.body, top)
            elif isinstance(node, ast.If):
                visit(node.body, top)
                visit(node.orelse, top)

    visit(tree.body, True)
    return out


def _graph(lazy: bool) -> dict[str, set[str]]:
    mods = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph = {}
    for name, path in mods.items():
        graph[name] = {m for m in _imports(path, name, lazy=lazy) if m in mods and m != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m) :] + [m]
            if state.get(m) is None:
                found = dfs(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if state.get(n) is None:
            found = dfs(n)
            if found:
                return found
    return None


def test_no_import_cycles_at_module_level() -> None:
    cycle = _cycle(_graph(lazy=False))
    assert cycle is None, " -> ".join(cycle or [])


PURE_CORE = [
    "byline.scorer",
    "byline.pipeline",
    "byline.audit",
    "byline.place",
    "byline.owners",
    "byline.curation",
    "byline.block",
    "byline.features",
    "byline.cluster",
    "byline.names",
    "byline.records",
    "byline.evaluate",
]


@pytest.mark.parametrize("module", PURE_CORE)
def test_the_pure_core_never_reaches_the_store_or_the_shells(module: str) -> None:
    graph = _graph(lazy=True)
    reached, todo = set(), [module]
    while todo:
        m = todo.pop()
        for n in graph.get(m, ()):
            if n not in reached:
                reached.add(n)
                todo.append(n)
    bad = sorted(
        m for m in reached if m.startswith(("byline.store", "byline.people", "byline.server", "byline.cli"))
    )
    assert not bad, f"{module} imports {bad}"


def test_people_layer_is_below_the_shells_and_holds_all_people_sql() -> None:
    graph = _graph(lazy=True)
    for m, deps in graph.items():
        if m.startswith("byline.people"):
            assert not [d for d in deps if d.startswith(("byline.server", "byline.cli"))], m
    # SQL about people, curation, runs and server settings lives in byline.people.repo (and its
    # block-scoped twin byline.people.repo_blocks) only (their DDL in
    # byline.schema, the one list of every table's migrations, which imports nothing of the people layer)
    sql = re.compile(
        r"\b(?:FROM|INTO|UPDATE|JOIN|TABLE(?: IF NOT EXISTS)?)\s+(?:people|person_signatures|"
        r"person_redirects|curation_events|runs)\b"
    )
    offenders = [
        _module_name(p)
        for p in SRC.rglob("*.py")
        if not _module_name(p).startswith(("byline.people.repo", "byline.schema"))
        and sql.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    for m in ("byline.schema", "byline.store"):
        assert not [d for d in graph.get(m, ()) if d.startswith("byline.people")], m


def test_ingest_is_below_the_store() -> None:
    """File parsing and format detection live in ``byline.ingest`` (pure); the store only writes."""
    graph = _graph(lazy=True)
    for m, deps in graph.items():
        if m.startswith("byline.ingest"):
            bad = [
                d
                for d in deps
                if d.startswith(("byline.store", "byline.people", "byline.server", "byline.cli"))
            ]
            assert not bad, f"{m} imports {bad}"
    store_src = (SRC / "store.py").read_text(encoding="utf-8")
    assert "def parse_file" not in store_src and "detect_format" not in store_src
