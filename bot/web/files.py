"""A tip's files in the browser, never stored by the console.

Telegram keeps the files people send; the console asks Telegram for the file's path with the
bot's token and streams it through, so the token never reaches the browser and nothing is
written to disk. Zalo gives files as addresses on its own servers: the page links to them.
Console files are paths on the machine that ran the chat and are not served.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import httpx
from starlette.responses import RedirectResponse, Response, StreamingResponse

from bot.web.rendering import secured

if TYPE_CHECKING:
    from bot.web.kit import ConsoleOptions

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(20.0, connect=5.0)
# Telegram sends every photo as a JPEG, shown in the page; any other file is a download, so
# that nothing a sender chose is rendered by the browser as a page of the console.
INLINE = {"photo": "image/jpeg"}


def viewable(channel: str, file_id: str) -> bool:
    """Can the console show this file: a Telegram file, or a file at an HTTPS address (Zalo)?"""
    return channel == "telegram" or file_id.startswith("https://")


async def stream_attachment(
    options: ConsoleOptions, channel: str, file_id: str, kind: str
) -> Response:
    if channel != "telegram" and file_id.startswith("https://"):
        # Zalo keeps a sender's files at addresses of its own; the browser fetches it there
        # (no referrer is sent, so Zalo does not learn which tip it belongs to).
        return secured(RedirectResponse(file_id, status_code=303))
    if channel != "telegram" or not options.telegram_token:
        return secured(Response(status_code=404))
    base = options.telegram_base_url.rstrip("/")
    client = httpx.AsyncClient(timeout=TIMEOUT)
    try:
        answer = await client.get(
            f"{base}{options.telegram_token}/getFile", params={"file_id": file_id}
        )
        path = answer.json().get("result", {}).get("file_path") if answer.is_success else None
        if not path:
            await client.aclose()
            return secured(Response(status_code=404))
        file_base = base[: -len("/bot")] if base.endswith("/bot") else base
        request = client.build_request(
            "GET", f"{file_base}/file/bot{options.telegram_token}/{path}"
        )
        upstream = await client.send(request, stream=True)
    except httpx.HTTPError as error:
        await client.aclose()
        # The URL holds the token: log the kind of failure only.
        log.warning("fetching a tip's file from Telegram failed: %s", type(error).__name__)
        return secured(Response(status_code=502))
    if not upstream.is_success:
        await upstream.aclose()
        await client.aclose()
        return secured(Response(status_code=404))

    async def body() -> AsyncIterator[bytes]:
        try:
            async for chunk in upstream.aiter_bytes():
                yield chunk
        finally:
            await upstream.aclose()
            await client.aclose()

    response = StreamingResponse(body(), media_type=INLINE.get(kind, "application/octet-stream"))
    if kind not in INLINE:
        response.headers["Content-Disposition"] = f'attachment; filename="{kind}"'
    return secured(response)
