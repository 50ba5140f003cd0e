"""The user's side of the fake Zalo OA: events as Zalo shapes them, signed and POSTed to the
bot's webhook."""

from __future__ import annotations

import json
import secrets
from typing import Any

from tests.fakes.zalo_oa_server.records import SIGNATURE_HEADER, OaDelivery, State, new_id, sign


class OaUsers:
    """What users do (``user_sends_text``, ``post`` of any event), for :class:`FakeZaloOaServer`,
    which provides the webhook and the fake's clock."""

    app_id: str
    oa_id: str
    oa_secret_key: str
    webhook_url: str
    deliveries: list[OaDelivery]
    webhook_max_tries: int
    webhook_timeout: float
    webhook_retry_delay: float
    _state: State

    def event(self, event_name: str, user_id: str, **message: Any) -> dict[str, Any]:
        """A user→OA event as Zalo shapes it (``message`` fields added to ``message``)."""
        return {
            "app_id": self.app_id,
            "user_id_by_app": new_id(),
            "event_name": event_name,
            "timestamp": str(int(self.now() * 1000)),
            "sender": {"id": user_id},
            "recipient": {"id": self.oa_id},
            "message": {"msg_id": secrets.token_hex(16), **message},
        }

    def text_event(self, user_id: str, text: str) -> dict[str, Any]:
        return self.event("user_send_text", user_id, text=text)

    def image_event(self, user_id: str, url: str, caption: str = "") -> dict[str, Any]:
        attachment = {"type": "image", "payload": {"thumbnail": url, "url": url}}
        return self.event("user_send_image", user_id, text=caption, attachments=[attachment])

    def location_event(self, user_id: str, latitude: str, longitude: str) -> dict[str, Any]:
        payload = {"coordinates": {"latitude": latitude, "longitude": longitude}}
        attachment = {"type": "location", "payload": payload}
        return self.event("user_send_location", user_id, attachments=[attachment])

    def file_event(self, user_id: str, url: str, name: str, size: int) -> dict[str, Any]:
        payload = {"url": url, "size": str(size), "name": name, "checksum": "x", "type": "pdf"}
        return self.event(
            "user_send_file", user_id, attachments=[{"type": "file", "payload": payload}]
        )

    def sticker_event(self, user_id: str) -> dict[str, Any]:
        payload = {"id": "bfe458bf64fa8da4d4eb", "url": "https://zalo-api.zadn.vn/sticker"}
        return self.event(
            "user_send_sticker", user_id, attachments=[{"type": "sticker", "payload": payload}]
        )

    def follow_event(self, user_id: str, *, follow: bool = True) -> dict[str, Any]:
        return {
            "oa_id": self.oa_id,
            "follower": {"id": user_id},
            "user_id_by_app": new_id(),
            "event_name": "follow" if follow else "unfollow",
            "source": "oa_profile",
            "app_id": self.app_id,
            "timestamp": str(int(self.now() * 1000)),
        }

    def echo_event(self, user_id: str, text: str) -> dict[str, Any]:
        """What Zalo posts after the OA itself sent a message (sender and recipient swapped)."""
        event = self.event("oa_send_text", user_id, text=text)
        event["sender"], event["recipient"] = {"id": self.oa_id}, {"id": user_id}
        return event

    async def post(
        self,
        event: dict[str, Any],
        *,
        signature: str | None = None,
        body: bytes | None = None,
    ) -> OaDelivery:
        """POST ``event`` to the webhook, signed (or with ``signature`` as given: forged,
        empty for none) and wait for the answer, retrying as Zalo does. A user's event counts
        as their interaction with the OA (the 7-day window starts again)."""
        if not self.webhook_url:
            raise RuntimeError("no webhook_url")
        raw = body if body is not None else json.dumps(event, ensure_ascii=False).encode()
        if signature is None:
            signature = sign(self.app_id, raw, str(event.get("timestamp", "")), self.oa_secret_key)
        user = (event.get("sender") or event.get("follower") or {}).get("id")
        if event["event_name"].startswith(("user_", "follow")) and user:
            self._state.last_interaction[str(user)] = self.now()
        headers = {"Content-Type": "application/json"}
        if signature:
            headers[SIGNATURE_HEADER] = signature
        posted = await self.post_with_retries(
            self.webhook_url,
            raw,
            headers,
            tries=self.webhook_max_tries,
            timeout=self.webhook_timeout,
            pause=self.webhook_retry_delay,
            # A 403 refuses a wrong signature: retrying will not help.
            accepted=lambda status: 200 <= status < 300 or status == 403,
        )
        delivery = OaDelivery(event["event_name"], posted.status, posted.attempts, posted.seconds)
        self.deliveries.append(delivery)
        self._changed.set()
        return delivery

    async def user_sends_text(self, user_id: str, text: str) -> OaDelivery:
        return await self.post(self.text_event(user_id, text))
