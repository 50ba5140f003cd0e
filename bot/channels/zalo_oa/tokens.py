"""The OA's token pair, kept fresh: stored sealed in the database, one refresh at a time.

The access token lives 25 h, the refresh token 3 months and only once: every refresh spends it
and hands out a new pair, which is stored *before* the new access token is used (ZALO_OA.md
§1). So a refresh must never run twice at once, not even in two processes:

- on PostgreSQL the refresher holds the row ``FOR UPDATE`` from reading the old pair until the
  new one is committed; a second process waits on the row, then reads the new pair and finds
  nothing left to do (the access token it was told is stale is no longer the stored one);
- on SQLite one process writes, and the refresher reads and writes in two short transactions
  around the HTTP call, so that the database is not held while Zalo answers.

In one process an ``asyncio.Lock`` keeps the refreshes of concurrent sends to one. Tokens are
refreshed ahead of expiry (after 20 of the 25 hours) and whenever the API says the one used
is no longer good (-216, -220, -124). Tokens are never logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.zalo_oa.client import TokenPair, ZaloOaClient
from bot.channels.zalo_oa.errors import ZaloOaApiError, ZaloOaNotConnected, ZaloOaTokenExpired
from bot.sealing import Sealer
from conversations.localtime import utcnow
from storage.database import Database
from storage.zalo_oa_tokens import StoredTokens, read_tokens, store_tokens

log = logging.getLogger(__name__)

PURPOSE = "zalo_oa.token_pair"
# Refresh once the access token is this close to its end (25 h tokens: after about 20 h).
REFRESH_AHEAD = timedelta(hours=5)
# What an answer without ``expires_in`` is taken to mean: the documented lifetime.
DEFAULT_LIFETIME = timedelta(hours=25)
# A refresh token lapses about 3 months after it was handed out (each refresh hands out a
# new one); Zalo no longer says when, so it is counted from the last refresh.
REFRESH_TOKEN_LIFETIME = timedelta(days=90)

Clock = Callable[[], datetime]
T = TypeVar("T")


@dataclass(frozen=True)
class _Pair:
    access_token: str
    refresh_token: str
    expires_at: datetime


class TokenKeeper:
    """Hands out a good access token for one OA; refreshes it when due or refused."""

    def __init__(
        self,
        database: Database,
        sealer: Sealer,
        client: ZaloOaClient,
        *,
        app_id: str,
        app_secret: str,
        oa_id: str,
        refresh_ahead: timedelta = REFRESH_AHEAD,
        clock: Clock = utcnow,
    ) -> None:
        self.database = database
        self.sealer = sealer
        self.client = client
        self.app_id = app_id
        self._app_secret = app_secret
        self.oa_id = oa_id
        self.refresh_ahead = refresh_ahead
        self.clock = clock
        self.refreshes = 0  # refreshes this process made (for tests and the benchmark)
        # Set when the stored pair is missing or its refresh token was refused: only an admin
        # can mend that (antq zalo-oa connect); /healthz says so.
        self.problem: str | None = None
        self._cached: _Pair | None = None
        self._lock = asyncio.Lock()
        # When the refresh token in use was handed out (the last refresh or connect).
        self.refresh_token_since: datetime | None = None

    # -- handing out -------------------------------------------------------------------------

    async def access_token(self) -> str:
        """A good access token (refreshed first when it is due); raises ZaloOaNotConnected
        or ZaloOaUnavailable (the token endpoint did not answer)."""
        cached = self._cached
        if cached is not None and not self._due(cached):
            return cached.access_token
        return await self._renew(stale=None)

    async def renew(self, stale: str) -> str:
        """A new access token after the API refused ``stale``; when another send (or another
        process) already replaced it, the replacement, without a second refresh."""
        return await self._renew(stale=stale)

    def next_refresh_in(self) -> timedelta:
        """How long until the access token in use is due for a refresh (zero when unknown)."""
        cached = self._cached
        if cached is None:
            return timedelta(0)
        return max(timedelta(0), cached.expires_at - self.refresh_ahead - self.clock())

    def lapse_warning(self, warn_before: timedelta) -> str | None:
        """For /healthz: the refresh token lapses within ``warn_before`` (refreshes failed
        for that long, or the bot did not run); then only an admin's consent mends it."""
        since = self.refresh_token_since
        if since is None:
            return None
        lapses_at = since + REFRESH_TOKEN_LIFETIME
        if self.clock() < lapses_at - warn_before:
            return None
        return (
            f"zalo_oa: the refresh token lapses about {lapses_at:%Y-%m-%d} unless a refresh "
            "succeeds first; check the token endpoint, or run antq zalo-oa connect"
        )

    def _due(self, pair: _Pair) -> bool:
        return self.clock() >= pair.expires_at - self.refresh_ahead

    def _needs_refresh(self, pair: _Pair, stale: str | None) -> bool:
        return pair.access_token == stale or self._due(pair)

    async def _renew(self, stale: str | None) -> str:
        async with self._lock:
            cached = self._cached
            if cached is not None and not self._needs_refresh(cached, stale):
                return cached.access_token  # renewed while this call waited for the lock
            if self.database.is_sqlite:
                async with self.database.transaction() as session:
                    stored = await read_tokens(session, self.oa_id)
                pair = self._opened(stored)
                if self._needs_refresh(pair, stale):
                    fresh = await self._refresh(pair)
                    async with self.database.transaction() as session:
                        await self._store(session, fresh)
                    pair = fresh
                    self.refresh_token_since = self.clock()
            else:
                async with self.database.transaction() as session:
                    # Held until commit: another process's refresh waits here.
                    stored = await read_tokens(session, self.oa_id, lock=True)
                    pair = self._opened(stored)
                    if self._needs_refresh(pair, stale):
                        pair = await self._refresh(pair)
                        await self._store(session, pair)
                        self.refresh_token_since = self.clock()
            self._cached = pair
            self.problem = None
            return pair.access_token

    def _opened(self, stored: StoredTokens | None) -> _Pair:
        if stored is None:
            self.problem = "zalo_oa: not connected; run antq zalo-oa connect"
            raise ZaloOaNotConnected("no token pair is stored for this OA")
        try:
            plain = json.loads(self.sealer.open_secret(PURPOSE, stored.sealed_pair))
        except Exception as error:  # the server key changed since the pair was stored
            self.problem = (
                "zalo_oa: the stored tokens do not open with this server key; "
                "run antq zalo-oa connect"
            )
            log.error("zalo oa: the stored token pair cannot be opened (%s)", type(error).__name__)
            raise ZaloOaNotConnected("the stored pair cannot be opened") from None
        self.refresh_token_since = stored.refreshed_at
        return _Pair(plain["access_token"], plain["refresh_token"], stored.access_expires_at)

    async def _refresh(self, pair: _Pair) -> _Pair:
        try:
            fresh = await self.client.refresh(self.app_id, self._app_secret, pair.refresh_token)
        except ZaloOaApiError as error:
            self.problem = "zalo_oa: the refresh token was refused; run antq zalo-oa connect"
            log.error("zalo oa: the token refresh was refused (%s); an admin must reconnect", error)
            raise ZaloOaNotConnected("the refresh token was refused") from error
        self.refreshes += 1
        log.info("zalo oa: access token refreshed")
        return self._pair(fresh)

    def _pair(self, tokens: TokenPair) -> _Pair:
        lifetime = tokens.expires_in if tokens.expires_in > timedelta(0) else DEFAULT_LIFETIME
        return _Pair(tokens.access_token, tokens.refresh_token, self.clock() + lifetime)

    async def _store(self, session: AsyncSession, pair: _Pair) -> None:
        sealed = self.sealer.seal_secret(
            PURPOSE,
            json.dumps({"access_token": pair.access_token, "refresh_token": pair.refresh_token}),
        )
        await store_tokens(
            session,
            self.oa_id,
            sealed_pair=sealed,
            access_expires_at=pair.expires_at,
            now=self.clock(),
        )

    # -- connecting --------------------------------------------------------------------------

    async def connect(
        self,
        *,
        code: str | None = None,
        code_verifier: str | None = None,
        refresh_token: str | None = None,
    ) -> None:
        """Store the first pair: from an authorization code (the admin's consent) or from a
        refresh token the operator pasted (API Explorer). Either is spent by this call."""
        if (code is None) == (refresh_token is None):
            raise ValueError("give an authorization code or a refresh token")
        if code is not None:
            tokens = await self.client.exchange_code(
                self.app_id, self._app_secret, code, code_verifier
            )
        else:
            assert refresh_token is not None
            tokens = await self.client.refresh(self.app_id, self._app_secret, refresh_token)
        pair = self._pair(tokens)
        async with self._lock:
            async with self.database.transaction() as session:
                await self._store(session, pair)
            self._cached = pair
            self.problem = None
            self.refresh_token_since = self.clock()


async def with_fresh_token(keeper: TokenKeeper, call: Callable[[str], Awaitable[T]]) -> T:
    """``call(access_token)``; when the API says the token expired (which proves the call did
    nothing), once more with the renewed one."""
    token = await keeper.access_token()
    try:
        return await call(token)
    except ZaloOaTokenExpired:
        return await call(await keeper.renew(token))
