"""``POST /telegram``: updates pushed by Telegram, accepted only with the agreed secret.

setWebhook registers a ``secret_token``; Telegram sends it back in the
``X-Telegram-Bot-Api-Secret-Token`` header of every delivery, so a request without it is not
from Telegram. An update is processed before the request is answered, and its replies stored
with it; they are sent after the answer (``bot.reply_path``). If the process dies before the
commit, Telegram delivers the update again; after it, the stored replies go out on restart and
a redelivery finds them instead of running the flow twice.
"""

from __future__ import annotations

import hmac
import json
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_route(application: Application, secret: str, path: str = WEBHOOK_PATH) -> Route:  # type: ignore[type-arg]
    """The Starlette route that feeds pushed updates to ``application``."""
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("refused a telegram webhook request without the right secret")
            return Response(status_code=403)
        try:
            update = Update.de_json(json.loads(await request.body()), application.bot)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning("refused a malformed telegram update: %s", type(error).__name__)
            return Response(status_code=400)
        await application.process_update(update)
        return Response(status_code=200)

    return Route(path, receive, methods=["POST"])
