"""``byline serve``: the web app (API + pages) over a store, with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from byline._errors import InputError
from byline.cli._common import DEFAULT_DB, DbOption


def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=0, max=65535)] = 8000,
) -> None:
    """Serve the web pages and the JSON API (OpenAPI at /docs).

    Curator writes need a bearer token: set BYLINE_TOKEN, or use the one printed at the first start.
    """
    import uvicorn

    from byline.server import create_app

    if not db.exists():
        raise InputError(f"no store at {db}: run `byline ingest ... --db {db}` first", file=db)
    app = create_app(db)
    typer.echo(f"byline: serving {db} on http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
