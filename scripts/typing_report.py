"""Print the ``mypy --strict`` error count per package of src/byline, as the table of docs/typing.md.

    python3 scripts/typing_report.py            # the table (runs mypy --strict, ~1 min)
    python3 scripts/typing_report.py --clean    # the modules with no strict error, one per line

The project's own mypy run (``make lint``) is not strict; modules listed under ``strict = true`` in
pyproject.toml's ``[[tool.mypy.overrides]]`` are checked strictly by it.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src" / "byline"

# DESIGN.md's layers, as today's modules map onto them
PACKAGES = {
    "records, errors": ["records", "_errors", "_codec"],
    "text, names": ["text", "names"],
    "ingest/": ["ingest"],
    "dedup": ["dedup"],
    "core": [
        "block",
        "features",
        "model",
        "scorer",
        "cluster",
        "pipeline",
        "audit",
        "place",
        "owners",
        "curation",
        "evaluate",
        "encoder",
        "augment",
    ],
    "engines/": ["engines"],
    "store": ["store", "_store_access", "_person_ids"],
    "people/": ["people", "profiles", "explain"],
    "cli/": ["cli"],
    "server/": ["server"],
    "build tooling": ["train_default", "build_encoder"],
    "package root": ["__init__"],
}


def _package(module: str) -> str:
    first = module.split(".")[1] if "." in module else "__init__"
    for name, members in PACKAGES.items():
        if first in members:
            return name
    return "other"


def _module(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _path(module: str) -> Path:
    base = SRC.parent.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clean", action="store_true", help="list the modules with no strict error")
    args = ap.parse_args()
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(SRC)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    errors: Counter[str] = Counter()
    for line in proc.stdout.splitlines():
        m = re.match(r"(src/byline/\S+\.py):\d+: error:", line)
        if m:
            errors[_module(REPO / m.group(1))] += 1
    modules = sorted(_module(p) for p in SRC.rglob("*.py"))
    if args.clean:
        print("\n".join(m for m in modules if not errors[m]))
        return
    anys = {m: len(re.findall(r"\bAny\b", _path(m).read_text(encoding="utf-8"))) for m in modules}
    print(
        "| package | modules | strict-clean | strict errors | `Any` in the source | modules with errors (count) |"
    )
    print("|---|---:|---:|---:|---:|---|")
    total: Counter[str] = Counter()
    for name in [*PACKAGES, "other"]:
        members = [m for m in modules if _package(m) == name]
        if not members:
            continue
        bad = sorted((m for m in members if errors[m]), key=lambda m: (-errors[m], m))
        row = (
            len(members),
            len(members) - len(bad),
            sum(errors[m] for m in members),
            sum(anys[m] for m in members),
        )
        total.update(dict(zip(("n", "clean", "err", "any"), row, strict=True)))
        listed = ", ".join(f"{m.removeprefix('byline.')} ({errors[m]})" for m in bad) or "–"
        print(f"| {name} | {row[0]} | {row[1]} | {row[2]} | {row[3]} | {listed} |")
    print(f"| **all** | {total['n']} | {total['clean']} | {total['err']} | {total['any']} | |")


if __name__ == "__main__":
    main()
