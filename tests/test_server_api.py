"""The web app over an in-memory backend: routes, auth, errors, limits, escaping."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fastapi.testclient import TestClient  # noqa: E402

from _server_fakes import XSS_NAME, XSS_TITLE, FakeBackend  # noqa: E402
from byline.server import create_app  # noqa: E402
from byline.server.security import TOKEN_ENV, TOKEN_SETTING, digest  # noqa: E402

TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HTML = {"accept": "text/html"}


@pytest.fixture()
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture()
def client(backend: FakeBackend) -> TestClient:
    return TestClient(create_app(backend=backend, token=TOKEN))


def test_import_has_no_side_effects_and_needs_a_source() -> None:
    from byline._errors import InputError

    with pytest.raises(InputError):
        create_app()


def test_search_and_person(client: TestClient) -> None:
    r = client.get("/api/people", params={"name": "lee"})
    assert r.status_code == 200
    ids = [p["id"] for p in r.json()["items"]]
    assert ids == ["P1", "P2"]
    assert client.get("/api/people").json()["items"][2]["id"] == "P3"
    p = client.get("/api/people/P1").json()
    assert p["name"] == "Jaeseong Lee" and len(p["works"]) == 2
    assert client.get("/api/works/W1").json()["title"] == "Graph nets"
    # explain tells apart two works of one person from works of two people
    same = client.get("/api/explain", params={"a": "W1#0", "b": "W2#0"}).json()
    apart = client.get("/api/explain", params={"a": "W1#0", "b": "W3#0"}).json()
    assert same["decision"] == "same person" and apart["decision"] == "different people"
    assert same["probability"] > apart["probability"]
    # the review queue shows, for each item, the probability that the explain card of its pair shows
    items = client.get("/api/review").json()["items"]
    assert [it["signature_id"] for it in items] == ["W2#0"]
    card = client.get("/api/explain", params={"a": items[0]["explain_a"], "b": items[0]["explain_b"]}).json()
    assert items[0]["probability"] == card["probability"] and 0 <= items[0]["fit"] <= 1


def test_errors_are_json(client: TestClient) -> None:
    r = client.get("/api/people/NOPE")
    assert r.status_code == 404 and r.json()["error"] == "no person with id 'NOPE'"
    r = client.get("/api/works/NOPE")
    assert r.status_code == 404 and "error" in r.json()
    r = client.get("/api/people/bad%20id")
    assert r.status_code == 422 and r.json()["error"].startswith("invalid request")
    r = client.get("/api/people", params={"limit": 0})
    assert r.status_code == 422 and "limit" in r.json()["error"]
    r = client.get("/api/explain", params={"a": "x"})
    assert r.status_code == 422 and "b" in r.json()["error"]
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and r.json()["error"]
    r = client.post("/api/people/P1/merge", headers=AUTH, content=b"{not json", params={})
    assert r.status_code == 422 and "error" in r.json()


def test_html_error_page_is_escaped(client: TestClient) -> None:
    r = client.get("/people/NOPE<script>", headers=HTML)
    assert r.status_code == 422
    assert "<script>" not in r.text
    r = client.get("/works/W404", headers=HTML)
    assert r.status_code == 404 and "no work with id" in r.text


def test_redirect_for_merged_person(client: TestClient, backend: FakeBackend) -> None:
    r = client.post("/api/people/P1/merge", json={"other": "P2", "why": "same orcid"}, headers=AUTH)
    assert r.status_code == 200 and r.json()["person"] == "P1"
    r = client.get("/api/people/P2", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/api/people/P1"
    assert client.get("/api/people/P2").json()["id"] == "P1"
    r = client.get("/people/P2", headers=HTML, follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/people/P1"
    assert backend.events[0]["why"] == "same orcid"


@pytest.mark.parametrize(
    ("action", "body"),
    [("merge", {"other": "P2"}), ("split", {"works": ["W1"]}), ("lock", {}), ("claim", {"works": ["W3"]})],
)
@pytest.mark.parametrize("auth", [None, "Bearer wrong-token-xyz", "Basic dGVzdA==", "Bearer ", TOKEN])
def test_curator_writes_need_the_token(
    client: TestClient, backend: FakeBackend, action: str, body: dict, auth: str | None
) -> None:
    before = (repr(backend.people), list(backend.events))
    headers = {"Authorization": auth} if auth else {}
    r = client.post(f"/api/people/P1/{action}", json=body, headers=headers)
    assert r.status_code == 401
    assert r.json()["error"] == "a curator bearer token is required"
    assert r.headers["www-authenticate"] == "Bearer"
    assert (repr(backend.people), backend.events) == before


def test_curator_writes_with_token(client: TestClient, backend: FakeBackend) -> None:
    for action, body in [("split", {"works": ["W1"]}), ("lock", None), ("claim", {"works": ["W3"]})]:
        r = client.post(f"/api/people/P1/{action}", json=body, headers=AUTH)
        assert r.status_code == 200, r.text
    assert [e["kind"] for e in backend.events] == ["split", "lock", "claim"]
    assert backend.events[0]["payload"]["works"] == ["W1"]
    # missing arguments and contradictions are clear 4xx
    r = client.post("/api/people/P1/merge", json={}, headers=AUTH)
    assert r.status_code == 422 and "other" in r.json()["error"]
    r = client.post("/api/people/P1/split", json={"works": []}, headers=AUTH)
    assert r.status_code == 422
    r = client.post("/api/people/P1/merge", json={"other": "P1"}, headers=AUTH)
    assert r.status_code == 409 and "itself" in r.json()["error"]
    r = client.post("/api/people/P404/lock", headers=AUTH)
    assert r.status_code == 404
    r = client.post("/api/people/P1/merge", json={"other": "../etc/passwd"}, headers=AUTH)
    assert r.status_code == 422


def test_token_from_env_and_generated_once(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv(TOKEN_ENV, "env-token-123456")
    b = FakeBackend()
    c = TestClient(create_app(backend=b))
    assert (
        c.post("/api/people/P1/lock", headers={"Authorization": "Bearer env-token-123456"}).status_code == 200
    )
    assert TOKEN_SETTING not in b.settings
    monkeypatch.delenv(TOKEN_ENV)
    b = FakeBackend()
    app = create_app(backend=b)
    generated = app.state.generated_token
    assert generated and generated in capsys.readouterr().err
    assert b.settings[TOKEN_SETTING] == digest(generated) and generated not in b.settings.values()
    c = TestClient(app)
    assert c.post("/api/people/P1/lock", headers={"Authorization": f"Bearer {generated}"}).status_code == 200
    again = create_app(backend=b)  # second start: same token, nothing printed
    assert again.state.generated_token is None and capsys.readouterr().err == ""
    c = TestClient(again)
    assert c.post("/api/people/P1/lock", headers={"Authorization": f"Bearer {generated}"}).status_code == 200
    with pytest.raises(ValueError):
        create_app(backend=b, token="short")


def test_audit_upload_and_body(client: TestClient) -> None:
    r = client.post(
        "/api/audit", params={"owner": "Jaeseong Lee", "filename": "mine.bib"}, content=b"one\ntwo\n"
    )
    assert r.status_code == 200
    # the fake names the suffix it was given in its evidence: only an allow-listed extension gets through
    assert r.json()["owner"] == "Jaeseong Lee" and len(r.json()["works"]) == 2
    assert r.json()["works"][0]["evidence"] == ["read from a .bib upload"]
    r = client.post("/api/audit", files={"file": ("../../etc/x.RIS", b"a\n")}, data={"owner": "Nojun Kwak"})
    assert r.status_code == 200 and r.json()["works"][0]["evidence"] == ["read from a .ris upload"]
    assert r.json()["owner"] == "Nojun Kwak"
    r = client.post("/api/audit", files={"file": ("evil.sh", b"a\n")})
    assert r.json()["works"][0]["evidence"] == ["read from a .txt upload"]
    r = client.post("/api/audit", content=b"  \n")
    assert r.status_code == 422 and r.json()["error"] == "the listing is empty"
    r = client.post("/api/audit", data={"owner": "x"}, files={"other": ("a.txt", b"x")})
    assert r.status_code == 422


def test_request_size_limits(client: TestClient, backend: FakeBackend) -> None:
    r = client.post("/api/audit", content=b"x" * (9 * 1024 * 1024))
    assert r.status_code == 413 and "too large" in r.json()["error"]
    big = {"other": "P2", "why": "x" * (100 * 1024)}
    r = client.post("/api/people/P1/merge", json=big, headers=AUTH)
    assert r.status_code == 413 and backend.events == []

    def chunks():  # no Content-Length: the limit applies while streaming
        for _ in range(100):
            yield b"x" * 1024

    r = client.post("/api/people/P1/lock", content=chunks(), headers=AUTH)
    assert r.status_code == 413 and backend.events == []


def test_pages_render(client: TestClient) -> None:
    for url in [
        "/",
        "/?name=Lee",
        "/people/P1",
        "/works/W1",
        "/explain",
        "/explain?a=W1%230&b=W2%230",
        "/review",
        "/audit",
    ]:
        r = client.get(url, headers=HTML)
        assert r.status_code == 200, url
        assert r.headers["content-type"].startswith("text/html")
        assert "content-security-policy" in r.headers
        assert "script-src 'self'" in r.headers["content-security-policy"]
        # our pages reference nothing outside this server
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", r.text), url
    person = client.get("/people/P1", headers=HTML).text
    assert 'id="timeline"' in person and "<rect" in person and "Possibly not theirs" in person
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/../app.py").status_code == 404


def test_audit_page_post(client: TestClient) -> None:
    r = client.post("/audit", files={"file": ("x.txt", b"<script>alert(1)</script>\n")}, data={"owner": "Me"})
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


@pytest.mark.parametrize(
    "url", ["/people/P1", "/works/W2", "/review", "/?name=Eve", "/people/P3", "/explain?a=W1%230&b=W2%230"]
)
def test_user_text_is_inert(client: TestClient, url: str) -> None:
    html = client.get(url, headers=HTML).text
    assert "<script>alert" not in html
    assert "<img src=x" not in html and "onerror=" not in html.replace("onerror=&#34;", "")
    assert "<b onmouseover" not in html
    for hostile in (XSS_TITLE, XSS_NAME):
        assert hostile not in html
    # the only scripts are our own static file
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in [
        "/api/people",
        "/api/people/{person_id}",
        "/api/works/{work_id}",
        "/api/audit",
        "/api/explain",
        "/api/people/{person_id}/merge",
        "/api/people/{person_id}/split",
        "/api/people/{person_id}/lock",
        "/api/people/{person_id}/claim",
    ]:
        assert path in spec["paths"], path
    assert client.get("/docs").status_code == 200


def test_serve_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from byline.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--port" in result.output and "--db" in result.output
    missing = tmp_path / "nope.db"
    result = runner.invoke(app, ["serve", "--db", str(missing)])
    assert result.exit_code != 0 and not missing.exists()
    calls = []
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    from byline.store import Store

    Store(tmp_path / "s.db").close()
    monkeypatch.setenv(TOKEN_ENV, "cli-token-12345")
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "s.db"), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert calls == [
        {
            "host": "127.0.0.1",
            "port": 8123,
            "log_level": "warning",
            "access_log": False,
            "timeout_keep_alive": 30,
        }
    ]


def test_any_text_is_escaped_property() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from markupsafe import escape

    backend = FakeBackend()
    client = TestClient(create_app(backend=backend, token=TOKEN))
    pieces = st.sampled_from(
        [
            "<script>",
            "</script>",
            "<img src=x onerror=alert(1)>",
            "\"'",
            "&amp;",
            "$\\x$",
            "</td></tr></table>",
            "{{ 7*7 }}",
            "{% raw %}",
            "<!--",
            "]]>",
            "\u202e",
            "é",
        ]
    )
    texts = st.lists(st.one_of(pieces, st.text(max_size=8)), min_size=1, max_size=6).map("".join)

    skeleton = client.get("/people/P1", headers=HTML).text

    @settings(max_examples=40, deadline=None)
    @given(title=texts, name=texts)
    def check(title: str, name: str) -> None:
        backend.people["P1"]["works"][0]["title"] = title
        backend.people["P1"]["name"] = name
        html = client.get("/people/P1", headers=HTML).text
        assert str(escape(title)) in html and str(escape(name)) in html
        if "<" in title and title not in skeleton:  # (e.g. "</script>" is in our own markup)
            assert title not in html
        assert "<script>" not in html.replace('<script src="/static/app.js" defer>', "")

    check()
