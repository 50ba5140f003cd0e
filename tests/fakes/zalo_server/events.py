"""The user's side of the fake Zalo Bot API: events as Zalo shapes them, handed to the bot by
the next getUpdates or POSTed to its webhook."""

from __future__ import annotations

import collections
from typing import Any, Literal

from tests.fakes.zalo_server.records import WebhookDelivery, new_id, now_ms


class ZaloUsers:
    """What users do (``user_sends_text`` ...), for :class:`FakeZaloServer`,
    which provides ``_enqueue_webhook``, ``_deliver`` and ``_notify``."""

    events: list[dict[str, Any]]
    _known_chats: set[str]
    _webhook_url: str
    _pending: collections.deque[dict[str, Any]]

    def event(
        self,
        event_name: str,
        user_id: str,
        *,
        display_name: str | None = None,
        chat_id: str | None = None,
        chat_type: Literal["PRIVATE", "GROUP"] = "PRIVATE",
        message_id: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """An update as Zalo shapes it (``fields`` are added to the message)."""
        message: dict[str, Any] = {
            "message_id": message_id or new_id(),
            "date": now_ms(),
            "chat": {"id": chat_id or user_id, "chat_type": chat_type},
            "from": {
                "id": user_id,
                "display_name": display_name or f"Người dùng {user_id[-4:]}",
                "is_bot": False,
            },
            **{name: value for name, value in fields.items() if value is not None},
        }
        return {"event_name": event_name, "message": message}

    def text_event(self, user_id: str, text: str, **options: Any) -> dict[str, Any]:
        return self.event("message.text.received", user_id, text=text, **options)

    def image_event(
        self, user_id: str, photo: str | None = None, caption: str | None = None, **options: Any
    ) -> dict[str, Any]:
        photo = photo or f"https://photo-stal-9.zdn.vn/fake/{new_id()}.jpg"
        return self.event(
            "message.image.received",
            user_id,
            photo_url=photo,
            message_type="CHAT_PHOTO",
            caption=caption,
            **options,
        )

    def voice_event(self, user_id: str, voice: str | None = None, **options: Any) -> dict[str, Any]:
        voice = voice or f"https://voice-stal.zdn.vn/fake/{new_id()}.aac"
        return self.event("message.voice.received", user_id, voice_url=voice, **options)

    def sticker_event(self, user_id: str, **options: Any) -> dict[str, Any]:
        return self.event("message.sticker.received", user_id, sticker=new_id(), **options)

    def unsupported_event(self, user_id: str, **options: Any) -> dict[str, Any]:
        return self.event("message.unsupported.received", user_id, **options)

    def queue_event(self, event: dict[str, Any]) -> str:
        """Hand ``event`` to the bot (next getUpdates, or the webhook); return its message id."""
        self.events.append(event)
        self._known_chats.add(event["message"]["chat"]["id"])
        if self._webhook_url:
            self._enqueue_webhook(event)
        else:
            self._pending.append(event)
            self._notify()
        return str(event["message"]["message_id"])

    def user_sends_text(self, user_id: str, text: str, **options: Any) -> str:
        return self.queue_event(self.text_event(user_id, text, **options))

    def user_sends_image(
        self, user_id: str, photo: str | None = None, caption: str | None = None, **options: Any
    ) -> str:
        return self.queue_event(self.image_event(user_id, photo, caption, **options))

    def user_sends_voice(self, user_id: str, voice: str | None = None, **options: Any) -> str:
        return self.queue_event(self.voice_event(user_id, voice, **options))

    def user_sends_sticker(self, user_id: str, **options: Any) -> str:
        return self.queue_event(self.sticker_event(user_id, **options))

    def user_sends_unsupported(self, user_id: str, **options: Any) -> str:
        return self.queue_event(self.unsupported_event(user_id, **options))

    async def post_to_webhook(
        self, event: dict[str, Any], *, secret: str | None = None
    ) -> WebhookDelivery:
        """POST ``event`` to the registered webhook now and wait for its answer (with retries).

        ``secret`` overrides the header value (to test that a wrong one is refused).
        """
        if not self._webhook_url:
            raise RuntimeError("no webhook is registered")
        self.events.append(event)
        self._known_chats.add(event["message"]["chat"]["id"])
        return await self._deliver(event, secret=secret)
