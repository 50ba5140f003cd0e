"""The one thing a sender needs from a platform: send this text to that chat.

Each platform channel has its adapter (``bot.channels.telegram.transport``,
``bot.channels.zalo_bot.transport``) that turns the platform's errors into the
``bot.delivery.errors`` tree, and the console chat is its own transport (a
``ChatBoundTransport``: it prints its user's messages between the prompts); the wiring
(``bot.app``) hands them to ``start_delivery``, and tests and benchmarks pass their own
transports.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, runtime_checkable

# Closes a transport's connections once its sender has stopped.
Close = Callable[[], Awaitable[object]]


class Transport(Protocol):
    """Sends one text message to one chat, splitting it when the platform needs that.

    Raises ``RecipientBlocked``, ``RateLimited``, ``TemporaryFailure`` or ``PermanentFailure``.
    """

    async def send_text(self, chat_id: str, text: str) -> None: ...


@runtime_checkable
class PhotoTransport(Protocol):
    """A transport that can also send a photo (by the platform's file id) with a text."""

    async def send_text(self, chat_id: str, text: str) -> None: ...

    async def send_photo(self, chat_id: str, file_id: str, text: str) -> None: ...


@runtime_checkable
class ButtonTransport(Protocol):
    """A transport that can show buttons under a text: each (label, command) sends the command
    when tapped (``conversations.commands.COMMAND_TAP``). Others send the text alone, which
    names the commands itself."""

    async def send_text(self, chat_id: str, text: str) -> None: ...

    async def send_buttons(
        self, chat_id: str, text: str, buttons: list[tuple[str, str]]
    ) -> None: ...


@runtime_checkable
class ChatBoundTransport(Protocol):
    """A transport that reaches only ``chat_ids`` (a terminal chat reaches its own user): its
    sender claims only their messages, and sealed ones, which it must open to see whose."""

    @property
    def chat_ids(self) -> frozenset[str]: ...

    async def send_text(self, chat_id: str, text: str) -> None: ...


# Connects a transport with a pool of that many connections; gives it and its ``Close``.
OpenTransport = Callable[[int], Awaitable[tuple[Transport, Close]]]
