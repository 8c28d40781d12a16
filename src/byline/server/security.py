"""Security plumbing of the web app: the curator token, request size limits, response headers.

The curator token is a bearer token. It comes from (first that applies) the ``token`` argument of
:func:`byline.server.create_app`, the ``BYLINE_TOKEN`` environment variable, or a token generated
at the first start and printed once. Only a SHA-256 digest of a generated token is kept (in the
store's settings), so a copied database does not leak it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException

from byline._errors import InputError

TOKEN_ENV = "BYLINE_TOKEN"
TOKEN_SETTING = "server.token_sha256"

# Request bodies: an uploaded listing may be a few MB; anything else is a small JSON document.
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_BODY_BYTES = 64 * 1024
UPLOAD_PATHS = ("/api/audit", "/audit")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenCheck:
    """Verifies bearer tokens against one SHA-256 digest in constant time."""

    def __init__(self, token_digest: str):
        self._digest = token_digest

    def __call__(self, authorization: str | None) -> bool:
        if not authorization:
            return False
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return False
        return hmac.compare_digest(digest(value.strip()), self._digest)


def resolve_token(
    token: str | None,
    get_setting: Callable[[str], str | None],
    set_setting: Callable[[str, str], None],
) -> tuple[TokenCheck, str | None]:
    """The token check to use, and the new token when one was generated now (to print once)."""
    if token is None:
        token = os.environ.get(TOKEN_ENV) or None
    if token is not None:
        if len(token) < 8:
            raise InputError(f"the curator token ({TOKEN_ENV}) must be at least 8 characters")
        return TokenCheck(digest(token)), None
    stored = get_setting(TOKEN_SETTING)
    if stored:
        return TokenCheck(stored), None
    new = secrets.token_urlsafe(24)
    set_setting(TOKEN_SETTING, digest(new))
    return TokenCheck(digest(new)), new


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    raw = json.dumps(body).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": raw})


class BodySizeLimit:
    """ASGI middleware: refuse request bodies above a limit with 413, by header or while streaming."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES, max_upload: int = MAX_UPLOAD_BYTES):
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.max_upload if path in UPLOAD_PATHS else self.max_body
        error = {"error": f"request body too large (limit {limit} bytes)", "status": 413}
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _send_json(send, 400, {"error": "bad Content-Length header", "status": 400})
                    return
                if declared > limit:
                    await _send_json(send, 413, error)
                    return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_json(send, 413, error)


class _TooLarge(HTTPException):
    """Raised from ``receive``; an HTTPException so the framework reports it as it is (413)."""

    def __init__(self, limit: int):
        super().__init__(413, f"request body too large (limit {limit} bytes)")


# Our own pages load nothing from elsewhere and run no inline script.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The API docs (Swagger UI, ReDoc: large third-party scripts, served from this app) get the same policy
# plus a sandbox: the page gets an opaque origin, so no script on it can read the curator token that
# the curation pages keep in this site's sessionStorage, nor send requests carrying the site's origin.
DOCS_PATHS = ("/docs", "/redoc")
DOCS_CSP = PAGE_CSP + "; sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox"


class SecurityHeaders:
    """ASGI middleware adding defensive headers: a strict CSP everywhere, sandboxed on the API docs."""

    def __init__(self, app: ASGIApp, sandboxed: tuple[str, ...] = DOCS_PATHS):
        self.app = app
        self.sandboxed = sandboxed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        csp = DOCS_CSP if path.startswith(self.sandboxed) else PAGE_CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                headers.append((b"x-frame-options", b"DENY"))
                headers.append((b"content-security-policy", csp.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
