"""The ``byline`` command: a thin typer shell over the library.

Each command group lives in its own module and registers itself on :data:`app` through
``register(app)``; errors of the :class:`byline.BylineError` tree become a one-line message and
exit code 2 (no traceback), anything else is a bug and keeps its traceback.

Two things are done here once for every command: the help shows what to type (``--db FILE``,
``--json`` as a plain flag, ``PATHS...``), never Python types; and :func:`_preflight` refuses, before
anything is opened or written, the argument mistakes that would otherwise leave files behind.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from byline import __version__
from byline._errors import BylineError, InputError
from byline.cli._common import ProgressBar, wants_progress

try:  # typer 0.2x carries its own copy of click; older releases use click itself
    from typer import _click as click  # type: ignore[attr-defined,unused-ignore]
except ImportError:  # pragma: no cover - depends on the installed typer
    import click  # type: ignore[no-redef,unused-ignore]

# Commands that may create the store named by --db; every other command needs an existing one.
CREATES_STORE = frozenset({"ingest"})
# Long commands whose library call reports no progress yet: a spinner with the elapsed time on a terminal.
# (disambiguate and evaluate draw a bar through their engine, ingest and train their own.)
SPINNERS = {"assign": "assign", "audit": "audit"}


# Metavars by option name where the name alone would not say what to type.
_METAVARS = {
    "by": "NAME",
    "owner": "NAME",
    "why": "TEXT",
    "spark_master": "URL",
    "csv_map": "MAP",
    "works": "ID[,ID...]",
    "export": "json|csv|parquet",
    "engine": "local|spark",
    "dev": "FILE",
}


def _metavar(param: TyperOption) -> str:
    """What a user types for ``param``: FILE, DIR, N, a choice list, or the option's name in capitals."""
    if param.name in _METAVARS:
        return _METAVARS[param.name]
    desc = param.type_descriptor
    if desc.is_choice:
        return "|".join(str(c) for c in desc.choices or ())
    if desc.is_path:
        return {"file": "FILE", "dir": "DIR", "directory": "DIR"}.get(str(desc.path_type), "PATH")
    annotation = desc.annotation
    args = getattr(annotation, "__args__", ())
    base = args[0] if getattr(annotation, "__origin__", None) is list and args else annotation
    if base is int:
        return "N"
    if base is float:
        return "X"
    if base is Path:
        return "PATH"
    return (param.name or "value").upper()


class _Argument(TyperArgument):
    """An argument shown by its metavar alone: ``PATHS...`` in the usage and the help, no Python type."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return ""

    def _rich_display_name(self) -> str:
        return self.display_name_raw + ("..." if self.nargs != 1 else "")

    def _usage_display_name(self) -> str:
        name = self._rich_display_name()
        return name if self.required else f"[{name}]"


def _tidy_params(params: list[Any]) -> list[Any]:
    """Give every parameter a metavar meant for people: flags show nothing after their name, list
    options say they repeat. Idempotent: click may ask for the parameters more than once."""
    for param in params:
        if isinstance(param, TyperOption):
            if param.is_flag:
                param.metavar = ""
            elif param.metavar is None:
                param.metavar = _metavar(param)
            if param.multiple and "repeat" not in (param.help or "").lower():
                param.help = (param.help or "").rstrip() + " Repeatable."
        elif type(param) is TyperArgument:
            param.metavar = param.metavar or (param.name or "arg").upper()
            param.__class__ = _Argument
    return params


class BylineCommand(TyperCommand):
    """A command whose help shows metavars, and whose arguments are checked before it runs."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The command's parameters, with metavars the help can show (:func:`_tidy_params`)."""
        return _tidy_params(super().get_params(ctx))

    def invoke(self, ctx: Any) -> Any:
        """Run the command after :func:`_preflight`; a spinner on a terminal for the long ones."""
        _preflight(self.name or "", ctx.params)
        label = SPINNERS.get(self.name or "")
        if label is None or ctx.params.get("json_") or not wants_progress():
            return super().invoke(ctx)
        with ProgressBar(label, eta=False) as bar:
            bar(0, 0)  # unknown length: a spinner and the elapsed time, gone when the command ends
            return super().invoke(ctx)


class BylineGroup(TyperGroup):
    """The ``byline`` command group: its help shows metavars like its commands'."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The group's parameters, tidied as :meth:`BylineCommand.get_params` does."""
        return _tidy_params(super().get_params(ctx))


def _preflight(command: str, params: dict[str, Any]) -> None:
    """Refuse mistakes before the command opens or writes anything (raises :class:`InputError`)."""
    db = params.get("db")
    if isinstance(db, Path) and command not in CREATES_STORE and not db.exists():
        # a mistyped --db must never leave an empty store behind
        raise InputError(f"no store at {db}: run `byline ingest ... --db {db}` first (or check --db)")
    out = params.get("out")
    if "export" in params and out is not None and params.get("export") is None:
        raise InputError("--out needs --export json|csv|parquet (nothing would be written)")
    if isinstance(out, Path) and params.get("export") is not None:
        folder = out.parent
        if not folder.is_dir():
            raise InputError(f"cannot write {out}: folder {folder} does not exist")
    if command == "explain" and params.get("sig_a") and params.get("sig_a") == params.get("sig_b"):
        raise InputError(f"{params['sig_a']} is compared with itself: give two different signatures")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"byline {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="byline",
    help="Author name disambiguation: ingest listings, disambiguate, audit and curate author profiles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=BylineGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", callback=_version, is_eager=True),
    ] = False,
) -> None:
    """Author name disambiguation: ingest listings, disambiguate, audit and curate author profiles."""


# Command modules, in data-flow order. Each defines ``register(app: typer.Typer) -> None``.
_COMMAND_MODULES = (
    "byline.cli.ingest",  # ingest, works, listings
    "byline.cli.engine",  # train, evaluate
    "byline.cli.people",  # disambiguate, people, person, audit, assign, explain, merge, split, lock, claim, history
    "byline.cli.review",  # review
    "byline.cli.serve",  # serve
)


def _register_all() -> None:
    for name in _COMMAND_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that command group is not written yet
                continue
            raise
        module.register(app)
    for info in app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = BylineCommand


_register_all()


def _usage_error(exc: click.exceptions.UsageError) -> str:
    """A click usage error as one ``byline: error:`` line, with where to look for help."""
    ctx = exc.ctx
    where = ctx.command_path if ctx is not None else "byline"
    return f"byline: error: {exc.format_message()} (see `{where} -h`)"


def _quiet_broken_pipe() -> None:
    """The reader of our output went away (``byline audit ... | head -1``): a normal end, not an error.
    Point stdout at /dev/null so the interpreter's final flush cannot fail a second time."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script.

    Library errors and usage mistakes print one ``byline: error: ...`` line and exit 2; Ctrl-C prints
    that nothing was changed (every command writes in one transaction) and exits 130; a closed output
    pipe ends quietly with exit 0."""
    try:
        app(args=argv, prog_name="byline", standalone_mode=False)
    except BylineError as exc:
        typer.echo(f"byline: error: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.UsageError as exc:
        typer.echo(_usage_error(exc), err=True)
        sys.exit(2)
    except typer.Exit as exc:  # --help, --version, typer.Exit(code)
        sys.exit(exc.exit_code)
    except typer.Abort:  # click turns Ctrl-C at a prompt into Abort
        typer.echo("\ninterrupted; nothing was changed", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        typer.echo("\ninterrupted; nothing was changed", err=True)
        sys.exit(130)
    except BrokenPipeError:
        _quiet_broken_pipe()
        sys.exit(0)
    except SystemExit as exc:  # rich ends a broken pipe with SystemExit(1) raised from BrokenPipeError
        if isinstance(exc.__context__, BrokenPipeError):
            sys.exit(0)
        raise
    except click.exceptions.ClickException as exc:  # other click errors (bad file arguments and the like)
        typer.echo(f"byline: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
