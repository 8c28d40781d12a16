"""The commands the README and docs/ give exist, with the options they show.

Code in README.md and docs/*.md (fenced blocks and inline spans) is scanned for ``byline SUBCOMMAND ...``,
``python[3] -m MODULE ...`` and ``python[3] PATH.py [SUBCOMMAND] ...``: the subcommand, module or file must exist,
and every ``--option`` written after it must be one the command accepts (its ``--help``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
# a command ends at a shell separator, a comment or the end of the code
_END = re.compile(r"\s(?:#|\||&&|;|>)|`")
_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def _code(text: str) -> list[str]:
    """Lines of fenced code blocks and inline code spans."""
    out: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            out.append(line)
        else:
            out += re.findall(r"`([^`]+)`", line)
    return out


def _commands() -> list[tuple[str, str, str, str]]:
    """(doc, kind, target, rest of the command) for each command in the docs."""
    found = []
    for doc in DOCS:
        for code in _code(doc.read_text(encoding="utf-8")):
            code = re.sub(r"^\s*(?:\$\s+)?(?:[A-Z_]+=\S+\s+)*", "", code).replace("\\|", "|")
            for m in re.finditer(
                r"(?:^|(?<=;\s)|(?<=&&\s)|(?<=do\s)|(?<=-v\s))(byline|python3?)\s+(.*)", code
            ):
                prog, rest = m.group(1), m.group(2)
                end = _END.search(" " + rest)
                rest = rest[: end.start() - 1] if end else rest
                if prog == "byline":
                    sub = re.match(r"([a-z][a-z-]*)\b", rest)
                    if sub:
                        found.append((doc.name, "byline", sub.group(1), rest[sub.end() :]))
                elif rest.startswith("-m "):
                    mod, _, args = rest[3:].partition(" ")
                    found.append((doc.name, "module", mod, args))
                else:
                    path, _, args = rest.partition(" ")
                    if path.endswith(".py"):
                        found.append((doc.name, "script", path, args))
    return found


COMMANDS = _commands()


def test_the_docs_give_commands() -> None:
    kinds = {k for _, k, _, _ in COMMANDS}
    assert {"byline", "module", "script"} <= kinds and len(COMMANDS) > 30


@cache
def _byline_options() -> dict[str, set[str]]:
    import typer.main

    from byline.cli import app

    group = typer.main.get_command(app)
    return {
        name: {o for p in cmd.params for o in (*p.opts, *p.secondary_opts) if o.startswith("--")} | {"--help"}
        for name, cmd in group.commands.items()  # type: ignore[attr-defined]
    }


@pytest.mark.parametrize(
    "doc,sub,args", sorted({(d, t, a) for d, k, t, a in COMMANDS if k == "byline"}), ids=lambda x: str(x)[:40]
)
def test_byline_subcommands_and_options_exist(doc: str, sub: str, args: str) -> None:
    options = _byline_options()
    assert sub in options, f"{doc}: `byline {sub}` is not a command ({sorted(options)})"
    unknown = set(_OPTION.findall(args)) - options[sub]
    assert not unknown, f"{doc}: `byline {sub}` has no {sorted(unknown)}"


def _module_file(module: str) -> Path | None:
    for root in (REPO / "src", REPO / "benchmarks"):
        base = root.joinpath(*module.split("."))
        for candidate in (base.with_suffix(".py"), base / "__main__.py"):
            if candidate.is_file():
                return candidate
    return None


@cache
def _help(argv: tuple[str, ...]) -> str:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO / "benchmarks")]))
    proc = subprocess.run(
        [sys.executable, *argv, "--help"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, f"{' '.join(argv)} --help failed:\n{proc.stderr[-2000:]}"
    return proc.stdout


PYTHON = sorted({(d, k, t, a) for d, k, t, a in COMMANDS if k != "byline"})


@pytest.mark.slow
@pytest.mark.parametrize("doc,kind,target,args", PYTHON, ids=lambda x: str(x)[:40])
def test_python_commands_exist_with_their_options(doc: str, kind: str, target: str, args: str) -> None:
    if kind == "module":
        assert _module_file(target), f"{doc}: `python -m {target}`: no such module in src/ or benchmarks/"
        argv: tuple[str, ...] = ("-m", target)
    else:
        assert (REPO / target).is_file(), f"{doc}: `python {target}`: no such file"
        argv = (target,)
    options = set(_OPTION.findall(args))
    if not options:
        return
    sub = re.match(r"([a-z][a-z-]*)(?:\s|$)", args)  # argparse subcommand (scale.py run ...)
    if sub:
        argv = (*argv, sub.group(1))
    text = _help(argv)
    unknown = {o for o in options if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text)}
    assert not unknown, f"{doc}: `{' '.join(argv)}` has no {sorted(unknown)}"


def test_make_targets_exist() -> None:
    targets = set(re.findall(r"^([a-z][a-z-]*):", (REPO / "Makefile").read_text(encoding="utf-8"), re.M))
    named = {
        (doc.name, t)
        for doc in DOCS
        for code in _code(doc.read_text(encoding="utf-8"))
        for t in re.findall(r"(?:^|\s)make ([a-z][a-z-]*)", code)
    }
    assert named, "the docs name no make target"
    assert {(d, t) for d, t in named if t not in targets} == set()
