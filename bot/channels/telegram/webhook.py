"""``POST /telegram``: updates pushed by Telegram, accepted only with the agreed secret.

setWebhook registers a ``secret_token``; Telegram sends it back in the
``X-Telegram-Bot-Api-Secret-Token`` header of every delivery, so a request without it is not
from Telegram. An update is stored in the inbox (``bot.inbox``) before the request is
answered, and applied after it, in the user's order, by whichever process holds the user's
turn: Telegram waits for nobody's work but the one insert. If the process dies before the
insert commits, Telegram delivers the update again; after it, the update is applied on restart,
and a redelivery of an applied one finds its claim instead of running the flow twice.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update

from bot.inbox import Delivery

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Receive = Callable[[Delivery], Awaitable[None]]


def delivery_of(update: Update, payload: str) -> Delivery:
    """The inbox's entry for ``update``: its sender's turn (the chat's for an update nobody
    sent), its id as key and place (Telegram numbers a bot's updates in order)."""
    user = update.effective_user
    chat = update.effective_chat
    user_key = str(user.id) if user is not None else f"chat:{chat.id}" if chat else ""
    return Delivery(user_key, str(update.update_id), update.update_id, payload)


def webhook_route(receive: Receive, secret: str, bot: Any, path: str = WEBHOOK_PATH) -> Route:
    """The Starlette route that stores pushed updates with ``receive``."""
    expected = secret.encode()

    async def on_post(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("refused a telegram webhook request without the right secret")
            return Response(status_code=403)
        body = await request.body()
        try:
            update = Update.de_json(json.loads(body), bot)
            delivery = delivery_of(update, body.decode())
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning("refused a malformed telegram update: %s", type(error).__name__)
            return Response(status_code=400)
        await receive(delivery)
        return Response(status_code=200)

    return Route(path, on_post, methods=["POST"])
