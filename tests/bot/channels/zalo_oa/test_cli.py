"""`antq zalo-oa connect / status / authorize-url` against the fake OA token endpoint."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from typer.testing import CliRunner

from bot.channels.zalo_oa.cli import code_challenge
from bot.cli import cli
from tests.fakes.zalo_oa_server import APP_ID, APP_SECRET, OA_ID, OA_SECRET_KEY, FakeZaloOaServer


@pytest.fixture
def oa_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    database = tmp_path / "antq.sqlite3"
    monkeypatch.setenv("ANTQ_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.setenv("ANTQ_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ANTQ_ZALO_OA_APP_ID", APP_ID)
    monkeypatch.setenv("ANTQ_ZALO_OA_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("ANTQ_ZALO_OA_SECRET_KEY", OA_SECRET_KEY)
    monkeypatch.setenv("ANTQ_ZALO_OA_ID", OA_ID)
    return database


def database_bytes(path: Path) -> bytes:
    """The database file with its write-ahead log (WAL mode keeps new pages there)."""
    return b"".join(part.read_bytes() for part in path.parent.glob(path.name + "*"))


async def invoke(*args: str, input: str | None = None) -> tuple[int, str]:
    # The command runs its own event loop: in a thread, beside the fake's.
    result = await asyncio.to_thread(CliRunner().invoke, cli, list(args), input=input)
    return result.exit_code, result.output


async def test_a_pasted_refresh_token_connects_the_oa_and_is_stored_sealed(
    oa_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with FakeZaloOaServer() as server:
        monkeypatch.setenv("ANTQ_ZALO_OA_API_URL", server.base_url)
        monkeypatch.setenv("ANTQ_ZALO_OA_OAUTH_URL", server.base_url)
        status, output = await invoke("zalo-oa", "status")
        assert "not connected" in output
        pasted = server.issue_refresh_token()
        status, output = await invoke("zalo-oa", "connect", "--refresh-token", input=pasted + "\n")
        assert status == 0, output
        assert "connected" in output and pasted not in output
        assert server.refreshes == 1
        status, output = await invoke("zalo-oa", "status")
        assert "connected; access token until" in output
        # The database holds neither token readably.
        stored = await asyncio.to_thread(database_bytes, oa_env)
        assert pasted.encode() not in stored
        assert all(token.encode() not in stored for token in server._state.access_tokens)
        # The same refresh token a second time: Zalo refuses it (single use); said plainly.
        status, output = await invoke("zalo-oa", "connect", "--refresh-token", input=pasted + "\n")
        assert status != 0 and "refused" in output


async def test_an_authorization_code_connects_the_oa(
    oa_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with FakeZaloOaServer() as server:
        monkeypatch.setenv("ANTQ_ZALO_OA_API_URL", server.base_url)
        monkeypatch.setenv("ANTQ_ZALO_OA_OAUTH_URL", server.base_url)
        code = server.issue_code()
        status, output = await invoke(
            "zalo-oa", "connect", "--code-verifier", "v" * 43, input=code + "\n"
        )
        assert status == 0, output
        (grant,) = server.calls("/v4/oa/access_token")
        assert grant.body["grant_type"] == "authorization_code"
        assert grant.body["code_verifier"] == "v" * 43


async def test_the_consent_page_carries_the_app_and_a_pkce_challenge(oa_env: Path) -> None:
    status, output = await invoke(
        "zalo-oa", "authorize-url", "--redirect-uri", "https://bot.example.org/zalo-oa/callback"
    )
    assert status == 0, output
    url_line, verifier_line = output.strip().splitlines()
    url = urlparse(url_line.split(": ", 1)[1])
    query = parse_qs(url.query)
    assert url.netloc == "oauth.zaloapp.com" and url.path == "/v4/oa/permission"
    assert query["app_id"] == [APP_ID]
    verifier = verifier_line.split(": ", 1)[1]
    assert len(verifier) == 43  # the official SDKs' length
    assert query["code_challenge"] == [code_challenge(verifier)]
