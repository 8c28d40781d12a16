"""How the command line ends when something goes wrong: usage mistakes, Ctrl-C and a closed pipe."""

from __future__ import annotations

import subprocess
import sys

import pytest

from _helpers import run_cli
from byline import cli

BOX = set("╭╰│─")  # the frame of typer's rich error boxes


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["frob"], "No such command 'frob'"),
        (["ingest"], "Missing argument 'PATHS'"),
        (["people", "--no-such-option"], "No such option: --no-such-option"),
    ],
)
def test_usage_mistakes_are_one_byline_error_line(capsys, args, says):
    code, out, err = run_cli(capsys, *args)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("byline: error: ") and says in lines[0]
    assert "-h`" in lines[0]  # says where to look for help
    assert not BOX & set(err)


def test_dash_h_is_help_for_the_program_and_every_command(capsys):
    code, out, _ = run_cli(capsys, "-h")
    assert code == 0 and "Usage: byline" in out
    code, out, _ = run_cli(capsys, "merge", "-h")
    assert code == 0 and "Usage: byline merge" in out


def test_ctrl_c_says_nothing_was_changed(capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "app", interrupted)
    code, out, err = run_cli(capsys, "people")
    assert code == 130
    assert err.strip() == "interrupted; nothing was changed"


@pytest.mark.parametrize("args", [["-h"], ["people", "-h"], ["--version"]])
def test_a_closed_pipe_ends_quietly_with_exit_0(args):
    """``byline ... | head -1``: the reader is gone before byline writes; that is not an error."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "from byline.cli import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `head` exiting before the first write
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert "Traceback" not in err
