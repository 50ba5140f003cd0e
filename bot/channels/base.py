"""What every platform channel offers the application."""

from __future__ import annotations

from typing import Protocol

from starlette.routing import BaseRoute


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
