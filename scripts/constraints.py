"""Print CI's constraints file: the installed version of every distribution byline and its extras need.

    python3 scripts/constraints.py > .ci/constraints.txt
    python3 scripts/constraints.py --extras dev,bench    # other extras than CI's

The set is pyproject's dependencies and those of the extras CI installs (dev, spark, browser, bench; not the
encoder build's, which pins torch and older tokenizers), with their requirements transitively (environment
markers other than ``extra`` are ignored, so a requirement for another Python is listed only if installed);
versions are those ``pip freeze`` reports here.
"""

from __future__ import annotations

import argparse
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


CI_EXTRAS = ("dev", "spark", "browser", "bench", "fast")


def needed(extras: tuple[str, ...] = CI_EXTRAS) -> set[str]:
    """Distribution names (normalized) that byline and ``extras`` install."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    todo = [_dist(r) for r in project["dependencies"]]
    todo += [_dist(r) for e in extras for r in project["optional-dependencies"][e]]
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
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--extras", default=",".join(CI_EXTRAS), help="comma-separated (default: CI's)")
    names = needed(tuple(e for e in ap.parse_args().extras.split(",") if e))
    freeze = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    pins = sorted((line for line in freeze if "==" in line and _dist(line) in names), key=str.lower)
    print(
        "# Exact versions for CI: python3 -m pip install -c .ci/constraints.txt -e '.[dev,spark,browser,bench,fast]'"
    )
    print(
        "# byline's dependencies and those of CI's extras, transitively, as installed where the suite passed."
    )
    print("# Regenerate: python3 scripts/constraints.py > .ci/constraints.txt")
    print("\n".join(pins))


if __name__ == "__main__":
    main()
