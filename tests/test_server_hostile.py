"""The web app under hostile requests: token guessing, Host headers, oversized and malformed bodies."""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

pytest.importorskip("fastapi")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fastapi.testclient import TestClient  # noqa: E402

from _server_fakes import FakeBackend  # noqa: E402
from byline.server import create_app  # noqa: E402
from byline.server.security import (  # noqa: E402
    FAILURE_WINDOW,
    MAX_BODY_BYTES,
    MAX_FAILURES,
    TOKEN_ENV,
    TOKEN_SETTING,
    FailureLimiter,
    digest,
)

TOKEN = "hostile-test-token-0123456789abcdefghij"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture()
def client(backend: FakeBackend) -> TestClient:
    return TestClient(create_app(backend=backend, token=TOKEN, announce=False))


def test_token_guessing_is_rate_limited(client: TestClient, backend: FakeBackend) -> None:
    clock = Clock()
    client.app.state.auth_limiter.clock = clock  # type: ignore[attr-defined]
    statuses = []
    for i in range(1000):
        r = client.post("/api/people/P1/lock", headers={"Authorization": f"Bearer guess-{i:06d}"})
        statuses.append(r.status_code)
    # only the first MAX_FAILURES guesses were checked at all; the rest were turned away unchecked
    assert statuses.count(401) == MAX_FAILURES
    assert statuses.count(429) == 1000 - MAX_FAILURES
    r = client.post("/api/people/P1/lock", headers={"Authorization": "Bearer guess-x"})
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= FAILURE_WINDOW
    assert "too many failed" in r.json()["error"]
    # while blocked even the right token is not checked (a guess that hits would not be told apart)
    assert client.post("/api/people/P1/lock", headers=AUTH).status_code == 429
    assert backend.events == []
    # reads are never limited
    assert client.get("/api/people/P1").status_code == 200
    # once the window has passed the curator gets in
    clock.now += FAILURE_WINDOW + 1
    assert client.post("/api/people/P1/lock", headers=AUTH).status_code == 200
    assert [e["kind"] for e in backend.events] == ["lock"]


def test_rate_limit_is_per_client(backend: FakeBackend) -> None:
    app = create_app(backend=backend, token=TOKEN, announce=False)
    attacker = TestClient(app, client=("203.0.113.9", 5000))
    curator = TestClient(app, client=("198.51.100.7", 5000))
    for _ in range(MAX_FAILURES + 5):
        attacker.post("/api/people/P1/lock", headers={"Authorization": "Bearer wrong"})
    assert attacker.post("/api/people/P1/lock", headers=AUTH).status_code == 429
    assert curator.post("/api/people/P1/lock", headers=AUTH).status_code == 200


def test_generated_token_has_32_random_bytes(monkeypatch: pytest.MonkeyPatch, backend: FakeBackend) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    tokens = set()
    for _ in range(3):
        fresh = FakeBackend()
        app = create_app(backend=fresh, announce=False)
        token = app.state.generated_token
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) >= 32
        assert fresh.settings[TOKEN_SETTING] == digest(token) and token not in fresh.settings.values()
        tokens.add(token)
        assert (
            TestClient(app)
            .post("/api/people/P1/lock", headers={"Authorization": f"Bearer {token}"})
            .is_success
        )
    assert len(tokens) == 3


def test_short_chosen_token_warns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], backend: FakeBackend
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "short-token-1")
    create_app(backend=backend)
    err = capsys.readouterr().err
    assert "warning" in err and TOKEN_ENV in err and "13 characters" in err
    assert "short-token-1" not in err  # the warning never prints the token itself
    monkeypatch.setenv(TOKEN_ENV, "x" * 40)
    create_app(backend=FakeBackend())
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize("path", ["/static", "/api/people/", "/people/P1/", "/docs/assets", "/redoc"])
def test_redirects_never_echo_the_host_header(client: TestClient, path: str) -> None:
    r = client.get(path, headers={"Host": "evil.example.com"}, follow_redirects=False)
    assert r.is_redirect, (path, r.status_code)
    location = r.headers["location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location


def test_merged_person_redirect_is_relative(client: TestClient) -> None:
    assert client.post("/api/people/P1/merge", json={"other": "P2"}, headers=AUTH).status_code == 200
    r = client.get("/api/people/P2?x=1", headers={"Host": "evil.example.com"}, follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/api/people/P1?x=1"


def test_too_large_bodies_carry_the_security_headers(client: TestClient) -> None:
    big = b"{" + b" " * (MAX_BODY_BYTES + 10) + b"}"
    # declared by Content-Length
    r = client.post("/api/people/P1/merge", content=big, headers={**AUTH, "content-type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["error"]
    assert all(h in r.headers for h in SECURITY_HEADERS)

    # streamed without a length (chunked)
    def chunks():  # noqa: ANN202
        for _ in range(8):
            yield b" " * (MAX_BODY_BYTES // 4)

    r = client.post(
        "/api/people/P1/merge", content=chunks(), headers={**AUTH, "content-type": "application/json"}
    )
    assert r.status_code == 413
    assert all(h in r.headers for h in SECURITY_HEADERS)
    r = client.post("/api/people/P1/merge", content=b"{}", headers={**AUTH, "content-length": "nope"})
    assert r.status_code == 400 and all(h in r.headers for h in SECURITY_HEADERS)


@pytest.mark.parametrize("body", [b"{not json", b'{"works": 5}', b"[]", b"\xff\xfe"])
@pytest.mark.parametrize("auth", [None, "Bearer wrong-token"])
def test_write_without_token_is_401_whatever_the_body(
    client: TestClient, backend: FakeBackend, body: bytes, auth: str | None
) -> None:
    headers = {"content-type": "application/json", **({"Authorization": auth} if auth else {})}
    for path in ("/api/people/P1/split", "/api/works/W1/move", "/api/events/1/undo"):
        r = client.post(path, content=body, headers=headers)
        assert r.status_code == 401, (path, r.text)
        assert r.json() == {"error": "a curator bearer token is required", "status": 401}
        assert "detail" not in r.text
    assert backend.events == []
    # with the token, the same bad body is a validation error that says what is wrong
    r = client.post(
        "/api/people/P1/split", content=b'{"works": 5}', headers={**AUTH, "content-type": "application/json"}
    )
    assert r.status_code == 422 and "works" in r.json()["error"]


class LimiterModel(RuleBasedStateMachine):
    """Failures of a few clients as time passes: the limiter agrees with a plain list of timestamps."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock()
        self.limiter = FailureLimiter(max_failures=3, window=10.0, clock=self.clock)
        self.seen: dict[str, list[float]] = {}

    def _recent(self, client: str) -> list[float]:
        return [t for t in self.seen.get(client, []) if t > self.clock.now - 10.0]

    @rule(client=st.sampled_from(["a", "b", "c"]))
    def fail(self, client: str) -> None:
        if self.limiter.retry_after(client) == 0:  # a blocked client's tries are never checked
            self.limiter.failed(client)
            self.seen.setdefault(client, []).append(self.clock.now)

    @rule(dt=st.floats(0.0, 12.0))
    def wait(self, dt: float) -> None:
        self.clock.now += dt

    @invariant()
    def blocked_exactly_when_three_recent_failures(self) -> None:
        for client in ("a", "b", "c"):
            recent = self._recent(client)
            wait = self.limiter.retry_after(client)
            if len(recent) >= 3:
                assert wait == pytest.approx(recent[-3] + 10.0 - self.clock.now)
            else:
                assert wait == 0


TestLimiterModel = LimiterModel.TestCase
TestLimiterModel.settings = settings(max_examples=50, stateful_step_count=30, deadline=None)
