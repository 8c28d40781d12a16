"""List the public classes, functions and methods of src/byline that have no docstring.

    python3 scripts/docstrings.py            # one line each: module:line name
    python3 scripts/docstrings.py --count    # how many per module

Public: a name without a leading underscore, at module level or in a public class; dunder methods, property
setters and ``@overload`` stubs are left out.
"""

from __future__ import annotations

import argparse
import ast
from collections import Counter
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "byline"


def _module(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    return ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)


def _decorators(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    return {ast.unparse(d).split("(")[0].split(".")[-1] for d in node.decorator_list}


def _skip(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    decorators = _decorators(node)
    return "overload" in decorators or "setter" in decorators or "deleter" in decorators


def missing(path: Path) -> list[tuple[int, str]]:
    """(line, qualified name) of each public definition of ``path`` without a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[int, str]] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if not node.name.startswith("_") and not _skip(node) and ast.get_docstring(node) is None:
                out.append((node.lineno, node.name))
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            if ast.get_docstring(node) is None:
                out.append((node.lineno, node.name))
            for item in node.body:
                if (
                    isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                    and not item.name.startswith("_")
                    and not _skip(item)
                    and ast.get_docstring(item) is None
                ):
                    out.append((item.lineno, f"{node.name}.{item.name}"))
    return out


def report() -> dict[str, list[tuple[int, str]]]:
    """Module -> its undocumented public definitions (modules with none left out)."""
    found = {_module(p): missing(p) for p in sorted(SRC.rglob("*.py"))}
    return {m: v for m, v in found.items() if v}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", action="store_true", help="how many per module")
    args = ap.parse_args()
    found = report()
    if args.count:
        counts = Counter({m: len(v) for m, v in found.items()})
        for m, n in counts.most_common():
            print(f"{n:4d}  {m}")
        print(f"{sum(counts.values()):4d}  total")
        return
    for m, items in found.items():
        for line, name in items:
            print(f"{m}:{line} {name}")


if __name__ == "__main__":
    main()
