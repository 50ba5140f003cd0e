"""What every platform channel offers the application."""

from __future__ import annotations

from typing import Protocol, TypeVar, runtime_checkable

from starlette.routing import BaseRoute

from bot.settings import Settings

TicketT = TypeVar("TicketT")


class TokenRefused(Exception):
    """The platform refused the bot's token at start. The message names the setting to check
    and never the token (PTB's own ``InvalidToken`` message quotes it whole)."""


class Channel(Protocol):
    """A running connection to one messaging platform.

    ``start`` begins receiving (a polling task, or registering the webhook), ``stop`` ends it
    cleanly; ``routes`` are the webhook endpoints it serves on the shared web app (none when
    polling).
    """

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def routes(self) -> list[BaseRoute]: ...


@runtime_checkable
class ChannelHealth(Protocol):
    """A channel that can be down for a reason only an operator can fix (a refused token):
    /healthz names it."""

    def health_problems(self) -> list[str]: ...


def health_problems(channels: list[Channel]) -> list[str]:
    """What the channels that can tell report, for /healthz."""
    return [
        problem
        for channel in channels
        if isinstance(channel, ChannelHealth)
        for problem in channel.health_problems()
    ]


@runtime_checkable
class ChannelWarnings(Protocol):
    """A channel that can see trouble coming (a token that lapses in weeks): /healthz lists
    it and stays 200."""

    def health_warnings(self) -> list[str]: ...


def health_warnings(channels: list[Channel]) -> list[str]:
    """What the channels that can tell see coming, for /healthz."""
    return [
        warning
        for channel in channels
        if isinstance(channel, ChannelWarnings)
        for warning in channel.health_warnings()
    ]


class SharedLimiter(Protocol[TicketT]):
    """The send budget a channel's replies share with the outbox sender of its platform.

    The wiring passes one in (``bot.app.Application.limiters``); a reply ``acquire``s with
    ``urgent=True`` so that it goes before any queued outbox message, and ``settle``s the
    ticket when the platform has answered.
    """

    async def acquire(self, chat_id: str, *, urgent: bool = False) -> TicketT: ...

    def settle(self, ticket: TicketT) -> None: ...


def webhook_address(settings: Settings, path: str) -> tuple[str, str] | None:
    """Where the platform is to push updates (our public base URL and ``path``) and the secret
    it sends back with each, in webhook mode; None when the channel polls."""
    if not settings.webhook_mode:
        return None
    assert settings.webhook_base_url is not None and settings.webhook_secret is not None
    url = settings.webhook_base_url.rstrip("/") + path
    return url, settings.webhook_secret.get_secret_value()
