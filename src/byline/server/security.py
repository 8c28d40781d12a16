"""Security plumbing of the web app: the curator token, request size limits, response headers.

The curator token is a bearer token. It comes from (first that applies) the ``token`` argument of
:func:`byline.server.create_app`, the ``BYLINE_TOKEN`` environment variable, or a token generated
at the first start (:data:`TOKEN_BYTES` random bytes) and printed once. Only a SHA-256 digest of a
generated token is kept (in the store's settings), so a copied database does not leak it.

Failed authentications are rate-limited per client (:class:`FailureLimiter`): after
:data:`MAX_FAILURES` failures within :data:`FAILURE_WINDOW` seconds a client gets 429 without its
token being checked until the window has passed. Every curator write (a non-GET request under
``/api/`` except the audit upload) is checked by :class:`AuthGuard` before its body is read, so a
write without a token is a 401 whatever its body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from fastapi import HTTPException

from byline._errors import InputError

TOKEN_ENV = "BYLINE_TOKEN"
TOKEN_SETTING = "server.token_sha256"

# Request bodies: an uploaded listing may be a few MB; anything else is a small JSON document.
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_BODY_BYTES = 64 * 1024
UPLOAD_PATHS = ("/api/audit", "/audit")

TOKEN_BYTES = 32  # random bytes of a generated token (43 URL-safe characters)
MIN_TOKEN_CHARS = 8  # a shorter BYLINE_TOKEN is refused
WEAK_TOKEN_CHARS = 32  # a shorter BYLINE_TOKEN is accepted with a warning
MAX_FAILURES = 10  # failed authentications a client may make per window ...
FAILURE_WINDOW = 60.0  # ... of this many seconds; then 429 until the window has passed
MAX_CLIENTS_TRACKED = 10_000  # clients whose failures are remembered (the oldest are forgotten first)

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


def new_token() -> str:
    """A fresh curator token: :data:`TOKEN_BYTES` bytes from the OS's CSPRNG, URL-safe base64."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_warning(token: str) -> str | None:
    """Why a chosen token is weak (None when it is not): shorter than :data:`WEAK_TOKEN_CHARS`."""
    if len(token) < WEAK_TOKEN_CHARS:
        return (
            f"the curator token ({TOKEN_ENV}) has {len(token)} characters; use at least "
            f"{WEAK_TOKEN_CHARS} random ones (python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return None


def resolve_token(
    token: str | None,
    get_setting: Callable[[str], str | None],
    set_setting: Callable[[str, str], None],
) -> tuple[TokenCheck, str | None, str | None]:
    """The token check to use, the new token when one was generated now (to print once), and a warning
    when the chosen token is short (:func:`token_warning`)."""
    if token is None:
        token = os.environ.get(TOKEN_ENV) or None
    if token is not None:
        if len(token) < MIN_TOKEN_CHARS:
            raise InputError(f"the curator token ({TOKEN_ENV}) must be at least {MIN_TOKEN_CHARS} characters")
        return TokenCheck(digest(token)), None, token_warning(token)
    stored = get_setting(TOKEN_SETTING)
    if stored:
        return TokenCheck(stored), None, None
    new = new_token()
    set_setting(TOKEN_SETTING, digest(new))
    return TokenCheck(digest(new)), new, None


class FailureLimiter:
    """Failed authentications per client: at most ``max_failures`` within ``window`` seconds.

    :meth:`retry_after` says how long a client must wait (0: it may try now); :meth:`failed` records a
    failure. Memory is bounded (:data:`MAX_CLIENTS_TRACKED` clients, ``max_failures`` times each).
    """

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window: float = FAILURE_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.max_failures = max_failures
        self.window = window
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, client: str, now: float) -> deque[float]:
        seen = self._failures.get(client)
        if seen is None:
            return deque()
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if not seen:
            del self._failures[client]
        return seen

    def retry_after(self, client: str) -> float:
        now = self.clock()
        seen = self._recent(client, now)
        if len(seen) < self.max_failures:
            return 0.0
        return max(0.0, seen[0] + self.window - now)

    def failed(self, client: str) -> None:
        now = self.clock()
        seen = self._recent(client, now)
        if not seen:
            seen = self._failures[client] = deque(maxlen=self.max_failures)
        seen.append(now)
        self._failures.move_to_end(client)
        while len(self._failures) > MAX_CLIENTS_TRACKED:
            self._failures.popitem(last=False)


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def is_curator_write(method: str, path: str) -> bool:
    """A request that needs the curator token: any write under ``/api/`` but the audit upload."""
    return method not in ("GET", "HEAD", "OPTIONS") and path.startswith("/api/") and path not in UPLOAD_PATHS


class AuthGuard:
    """ASGI middleware: a curator write (:func:`is_curator_write`) is checked before anything reads its
    body: 429 while its client is over the failure limit, 401 without the right bearer token."""

    def __init__(self, app: ASGIApp, check: TokenCheck, limiter: FailureLimiter):
        self.app = app
        self.check = check
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_curator_write(scope.get("method", ""), scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        client = _client(scope)
        wait = self.limiter.retry_after(client)
        if wait > 0:
            seconds = str(max(1, int(wait + 0.999)))
            await _send_json(
                send,
                429,
                {"error": f"too many failed authentications: retry in {seconds} s", "status": 429},
                [(b"retry-after", seconds.encode())],
            )
            return
        if not self.check(_header(scope, b"authorization")):
            self.limiter.failed(client)
            await _send_json(
                send,
                401,
                {"error": "a curator bearer token is required", "status": 401},
                [(b"www-authenticate", b"Bearer")],
            )
            return
        await self.app(scope, receive, send)


async def _send_json(
    send: Send, status: int, body: dict[str, Any], extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    raw = json.dumps(body).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(raw)).encode()),
                *(extra or []),
            ],
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


def relative_location(location: str) -> str:
    """A redirect target without scheme and host (``http://evil.example.com/people/P1`` -> ``/people/P1``):
    the app only ever redirects to itself, so the client's ``Host`` header is never echoed back."""
    parts = urlsplit(location)
    if not parts.scheme and not parts.netloc:
        return location
    return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


class SecurityHeaders:
    """ASGI middleware adding defensive headers (a strict CSP everywhere, sandboxed on the API docs) to
    every response, its own middlewares' errors included, and making redirects relative
    (:func:`relative_location`)."""

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
                headers = [
                    (k, relative_location(v.decode("latin-1")).encode("latin-1"))
                    if k == b"location"
                    else (k, v)
                    for k, v in message.get("headers", [])
                ]
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                headers.append((b"x-frame-options", b"DENY"))
                headers.append((b"content-security-policy", csp.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
