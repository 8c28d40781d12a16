"""The web app: a JSON API and server-rendered pages over the store (``byline serve``).

``create_app(store_path, token=None)`` builds a FastAPI app; importing this package starts nothing.
"""

from __future__ import annotations

from byline.server.app import create_app
from byline.server.backend import Backend, Moved, NotFound

__all__ = ["Backend", "Moved", "NotFound", "create_app"]
