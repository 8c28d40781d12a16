"""``byline serve``: the web app (API + pages) over a store, with uvicorn."""

from __future__ import annotations

import importlib.util
from typing import Annotated, Any

import typer

from byline._errors import InputError
from byline.cli._common import DEFAULT_DB, DbOption


def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=0, max=65535)] = 8000,
    new_token: Annotated[
        bool, typer.Option("--new-token", help="Forget the stored curator token and print a new one.")
    ] = False,
) -> None:
    """Serve the web pages and the JSON API (OpenAPI at /docs).

    Curator writes need a bearer token: set BYLINE_TOKEN, or use the one printed at the first start.
    """
    uvicorn, create_app = _server_stack()
    if not db.exists():
        raise InputError(f"no store at {db}: run `byline ingest ... --db {db}` first", file=db)
    if new_token:
        from byline.server.security import TOKEN_SETTING
        from byline.server.store_backend import StoreBackend

        StoreBackend(db).delete_setting(TOKEN_SETTING)
    app = create_app(db)
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(
            f"byline: warning: listening on {host}: over plain HTTP the curator token travels in "
            "clear; put a TLS proxy in front",
            err=True,
        )
    from byline.server import logs

    logs.install()  # warnings on stderr, repeated ones summarized
    typer.echo(f"byline: serving {db} on http://{host}:{port}/ (API docs at /docs)", err=True)
    # keep-alive longer than uvicorn's 5 s: a busy client reusing a connection the server just closed
    # sees a reset, not a slow answer
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, timeout_keep_alive=30)


SERVER_MODULES = ("fastapi", "uvicorn", "jinja2", "multipart")


def _server_stack() -> tuple[Any, Any]:
    """uvicorn and :func:`byline.server.create_app`, or an error saying how to install the server extra."""
    missing = [m for m in SERVER_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError(
            f"`byline serve` needs the server extra ({', '.join(missing)} missing): "
            "pip install 'byline[server]'  (from a clone: pip install -e '.[server]')"
        )
    import uvicorn

    from byline.server import create_app

    return uvicorn, create_app


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``byline`` command."""
    app.command("serve")(serve)
