"""The ``byline`` command: a thin typer shell over the library.

Each command group lives in its own module and registers itself on :data:`app` through
``register(app)``; errors of the :class:`byline.BylineError` tree become a one-line message and
exit code 2 (no traceback), anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
from importlib import import_module

import typer

from byline._errors import BylineError

app = typer.Typer(
    name="byline",
    help="Author name disambiguation: ingest listings, disambiguate, audit and curate author profiles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Command modules, in data-flow order. Each defines ``register(app: typer.Typer) -> None``.
_COMMAND_MODULES = (
    "byline.cli.ingest",  # ingest, works, listings
    "byline.cli.engine",  # train, evaluate
    "byline.cli.people",  # disambiguate, people, person, audit, assign, explain, merge, split, lock, claim, history
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


_register_all()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    try:
        app(args=argv, standalone_mode=True)
    except BylineError as exc:
        typer.echo(f"byline: error: {exc}", err=True)
        sys.exit(2)
