"""A loopback fake of the Zalo Official Account Open API, and of Zalo's webhook sender, in
parts: ``server`` (state, tokens, failures, the envelope), ``events`` (what users do, signed
and POSTed), ``endpoints`` (the API), ``records`` (what it keeps).

Our real :class:`bot.channels.zalo_oa.client.ZaloOaClient` talks to :class:`FakeZaloOaServer`
over HTTP, as it would to ``openapi.zalo.me`` and ``oauth.zaloapp.com`` (one base URL serves
both here). As faithful as ../shared/ZALO_OA.md allows:

- ``POST /v4/oa/access_token``: form body, the app secret in the ``secret_key`` header;
  ``grant_type=authorization_code`` spends a code (single use), ``refresh_token`` spends the
  refresh token (single use: the old one is refused from then on) and answers the new pair
  flat, ``expires_in`` a string.
- ``POST /v3.0/oa/message/cs``: the ``access_token`` header (-216 when unknown or expired),
  a JSON body ``{"recipient": {"user_id"}, "message": {...}}`` (text of 1–2,000 characters or
  the ``media`` template with a URL), refused with -230 when the user has not interacted with
  the OA for 7 days; answered in the ``{"error", "message", "data"}`` envelope, errors with
  HTTP 200, ``X-RateLimit-*`` headers on every answer.
- ``GET /v3.0/oa/user/detail`` and ``GET /v2.0/oa/getoa`` with the ``data=<json>`` query.
- An unknown path answers HTTP 200 with ``{"error": 404, ...}``, as probed on the real API.

Webhook events (``user_sends_*``, ``user_follows`` ...) are POSTed to ``webhook_url`` signed
with ``X-ZEvent-Signature: mac=sha256(app_id + body + timestamp + OA secret key)``; an answer
that is not a 2xx within ``webhook_timeout`` (Zalo: 2 s) is retried. Switches:
:meth:`expire_access_tokens`, :meth:`fail_next` (any error code, e.g. -32 rate limiting, a 5xx
page for an outage, a delay), :meth:`user_last_interacted` (outside the window).
"""

from tests.fakes.zalo_oa_server.records import (
    APP_ID,
    APP_SECRET,
    OA_ID,
    OA_SECRET_KEY,
    SIGNATURE_HEADER,
    OaCall,
    OaDelivery,
    sign,
)
from tests.fakes.zalo_oa_server.server import FakeZaloOaServer

__all__ = [
    "APP_ID",
    "APP_SECRET",
    "OA_ID",
    "OA_SECRET_KEY",
    "SIGNATURE_HEADER",
    "FakeZaloOaServer",
    "OaCall",
    "OaDelivery",
    "sign",
]
