"""Print CI's constraints file: the installed version of every distribution byline and its extras need.

    python3 scripts/constraints.py > .ci/constraints.txt

The set is pyproject's dependencies and every extra's, with their requirements transitively (environment
markers other than ``extra`` are ignored, so a requirement for another Python is listed only if installed);
versions are those ``pip freeze`` reports here. Extras whose packages are not installed (the encoder build's
torch) are left out.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _dist(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def needed() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    todo = [_dist(r) for r in project["dependencies"]]
    todo += [_dist(r) for reqs in project["optional-dependencies"].values() for r in reqs]
    seen: set[str] = set()
    while todo:
        d = todo.pop()
        if d in seen:
            continue
        seen.add(d)
        with contextlib.suppress(metadata.PackageNotFoundError):
            todo += [_dist(r) for r in metadata.requires(d) or [] if "extra ==" not in r]
    return seen - {"byline"}


def main() -> None:
    names = needed()
    freeze = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    pins = sorted((line for line in freeze if "==" in line and _dist(line) in names), key=str.lower)
    print("# Exact versions for CI: python3 -m pip install -c .ci/constraints.txt -e '.[dev,...]'")
    print("# byline's dependencies and every extra's, transitively, as installed where the suite passed.")
    print("# Regenerate: python3 scripts/constraints.py > .ci/constraints.txt")
    print("\n".join(pins))


if __name__ == "__main__":
    main()
