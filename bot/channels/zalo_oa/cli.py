"""``antq zalo-oa``: connect the bot to an Official Account, and see that it is connected.

``authorize-url`` prints the consent page an OA admin opens (with a PKCE challenge, and the
verifier to keep for the next step); ``connect`` takes the authorization code the consent
returned (or a refresh token copied from API Explorer, with ``--refresh-token``), spends it
for the first token pair and stores the pair sealed with the server key; ``status`` says
whether a pair is stored and until when its access token runs. Codes and tokens are read
from a hidden prompt (or standard input), never from the command line, and never printed.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlencode

import typer

from bot.channels.zalo_oa.client import ZaloOaClient
from bot.channels.zalo_oa.errors import ZaloOaError
from bot.channels.zalo_oa.tokens import REFRESH_TOKEN_LIFETIME, TokenKeeper
from bot.sealing import load_sealer
from bot.settings import Settings, ZaloOaSettings
from conversations.localtime import shown, utcnow
from storage import migrate
from storage.database import Database
from storage.zalo_oa_tokens import read_tokens

zalo_oa_cli = typer.Typer(help="The Zalo Official Account channel.", no_args_is_help=True)

CONSENT_PAGE = "/v4/oa/permission"


def _oa_settings(settings: Settings) -> ZaloOaSettings:
    oa = settings.zalo_oa
    if oa is None:
        raise SystemExit(
            "antq zalo-oa: set ANTQ_ZALO_OA_APP_ID, ANTQ_ZALO_OA_APP_SECRET, "
            "ANTQ_ZALO_OA_SECRET_KEY and ANTQ_ZALO_OA_ID first"
        )
    return oa


# 32 random bytes: a verifier of 43 characters, as the official SDKs make it.
VERIFIER_BYTES = 32


def code_challenge(verifier: str) -> str:
    """PKCE S256: base64url of the verifier's SHA-256, without padding."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@zalo_oa_cli.command("authorize-url")
def authorize_url(
    redirect_uri: Annotated[
        str, typer.Option(help="the callback URL saved in the app's settings on Zalo")
    ],
) -> None:
    """Print the page where an OA admin lets the app act for the OA, and the code verifier
    to give `antq zalo-oa connect --code-verifier` with the code that comes back."""
    oa = _oa_settings(Settings())
    verifier = secrets.token_urlsafe(VERIFIER_BYTES)
    query = urlencode(
        {
            "app_id": oa.app_id,
            "redirect_uri": redirect_uri,
            "code_challenge": code_challenge(verifier),
            "state": secrets.token_urlsafe(12),
        }
    )
    typer.echo(f"open as the OA's admin: {oa.oauth_url.rstrip('/')}{CONSENT_PAGE}?{query}")
    typer.echo(f"code verifier (for connect): {verifier}")


@zalo_oa_cli.command("connect")
def connect(
    refresh_token: Annotated[
        bool,
        typer.Option(
            "--refresh-token",
            help="paste a refresh token (from API Explorer) instead of an authorization code",
        ),
    ] = False,
    code_verifier: Annotated[
        str | None, typer.Option(help="the verifier printed by authorize-url")
    ] = None,
) -> None:
    """Store the OA's first token pair, from an authorization code or a refresh token."""
    settings = Settings()
    oa = _oa_settings(settings)
    secret = typer.prompt(
        "refresh token" if refresh_token else "authorization code", hide_input=True
    ).strip()
    migrate.upgrade(settings.database_url)

    async def store() -> None:
        database = Database(settings.database_url)
        sealer = load_sealer(
            settings.secret_key.get_secret_value() if settings.secret_key else None,
            data_dir=settings.data_dir,
            allow_local_key=database.is_sqlite,
        )
        try:
            async with ZaloOaClient(api_url=oa.api_url, oauth_url=oa.oauth_url) as client:
                keeper = TokenKeeper(
                    database,
                    sealer,
                    client,
                    app_id=oa.app_id,
                    app_secret=oa.app_secret,
                    oa_id=oa.oa_id,
                )
                if refresh_token:
                    await keeper.connect(refresh_token=secret)
                else:
                    await keeper.connect(code=secret, code_verifier=code_verifier)
        finally:
            await database.dispose()

    try:
        asyncio.run(store())
    except ZaloOaError as error:
        raise SystemExit(
            f"antq zalo-oa connect: Zalo refused it ({error}); a code lasts 10 minutes and "
            "a refresh token works once: get a new one"
        ) from None
    typer.echo(f"connected: the tokens of OA {oa.oa_id} are stored (sealed)")


@zalo_oa_cli.command("status")
def status() -> None:
    """Whether the OA's token pair is stored, and until when its access token runs."""
    settings = Settings()
    oa = _oa_settings(settings)
    if migrate.current(settings.database_url) != migrate.head():
        typer.echo(f"OA {oa.oa_id}: not connected (the database is not migrated yet)")
        return

    async def read() -> str:
        database = Database(settings.database_url)
        try:
            async with database.transaction() as session:
                stored = await read_tokens(session, oa.oa_id)
        finally:
            await database.dispose()
        if stored is None:
            return f"OA {oa.oa_id}: not connected (antq zalo-oa connect)"
        lapses_at = stored.refreshed_at + REFRESH_TOKEN_LIFETIME
        line = (
            f"OA {oa.oa_id}: connected; access token until {shown(stored.access_expires_at)}, "
            f"refreshed {stored.generation} time(s), last at {shown(stored.refreshed_at)}; "
            f"refresh token lapses about {shown(lapses_at)}"
        )
        warn_before = timedelta(days=settings.zalo_oa_refresh_token_warn_days)
        if utcnow() >= lapses_at - warn_before:
            line += (
                "\nWARNING: the refresh token lapses soon and no refresh succeeded lately: "
                "is the bot running? Else run antq zalo-oa connect"
            )
        return line

    typer.echo(asyncio.run(read()))
