"""A loopback fake of the Zalo Bot Platform API for end-to-end tests and benchmarks, in parts:
``server`` (state, HTTP, webhook delivery), ``events`` (what users do), ``methods`` (the API),
``records`` (what it records and hands out).

Our real :class:`bot.channels.zalo_bot.client.ZaloClient` talks to :class:`FakeZaloServer` over
HTTP, exactly as it would talk to ``https://bot-api.zaloplatforms.com``::

    async with FakeZaloServer() as server:
        client = ZaloClient(server.token, base_url=server.base_url)
        server.user_sends_text("u1", "xin chào")
        update = await client.get_updates(wait=1)

What it enforces, as documented (../shared/PLATFORMS.md, "checked against the platform's own
documentation"): every method is ``/bot<TOKEN>/<method>``, by POST or GET, with a JSON object
body (or query parameters); a wrong token is refused with 401, as is an unknown method, a
missing or mistyped parameter, a text outside 1–2,000 characters, a webhook secret outside
8–256 characters, and getUpdates while a webhook is set. Refused requests are kept in
:attr:`FakeZaloServer.rejected` so a test can assert that the bot made none.

Events built by ``user_sends_*`` are handed out by getUpdates one per call (a long poll waits
for one), or, once a webhook is registered, POSTed to it in the ``{"ok": true, "result": ...}``
envelope with the ``X-Bot-Api-Secret-Token`` header, in order per chat, retried when the
webhook does not answer 2xx. An image event carries ``photo_url`` (``message_type:
"CHAT_PHOTO"``) and its caption; a voice event ``voice_url``. :meth:`fail_next` makes the next
calls of a method fail (``ok: false`` codes such as 401, 403 "Internal server error", 408 or
429, 5xx pages, slow answers, or a send that is accepted but answered too late). Zalo
documents no "user blocked the bot" answer, so the fake has none.
"""

from tests.fakes.zalo_server.records import (
    DEFAULT_TOKEN,
    MAX_TEXT_LENGTH,
    SECRET_HEADER,
    RecordedCall,
    WebhookDelivery,
)
from tests.fakes.zalo_server.server import FakeZaloServer

__all__ = [
    "DEFAULT_TOKEN",
    "MAX_TEXT_LENGTH",
    "SECRET_HEADER",
    "FakeZaloServer",
    "RecordedCall",
    "WebhookDelivery",
]
