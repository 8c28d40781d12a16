"""docs/walkthrough.md is what a fresh run of its commands prints (scripts/walkthrough.py --check)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "walkthrough.py"

pytestmark = [pytest.mark.shared, pytest.mark.slow]


def test_the_walkthrough_matches_a_fresh_run(seeds_dir: Path) -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=600,
                          check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "matches a fresh run" in proc.stdout
