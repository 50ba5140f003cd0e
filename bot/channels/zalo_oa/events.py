"""Webhook events of an OA turned into the engine's ``Inbound`` messages (ZALO_OA.md §2).

A user's message is ``{"app_id", "event_name": "user_send_*", "timestamp", "sender": {"id"},
"recipient": {"id": <oa_id>}, "message": {"msg_id", "text"?, "attachments"?: [{"type",
"payload"}]}}``; ids and the timestamp are strings (they can exceed 2^53). ``follow`` and
``unfollow`` name the user as ``follower.id``. Receipts are not messages to answer.

Events the OA sends itself (``oa_send_*``) name the OA as the sender and the user as the
recipient; one carries ``sender.admin_id`` when an officer wrote it in the OA's own manager
(oa.zalo.me), not the bot through the API: the channel then leaves that user to the officer
for a while. A user who writes without following or sharing their id (``anonymous_send_*``)
is named by an anonymous id the customer-service API cannot answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from conversations.replies import Inbound, Location, MediaItem, MediaKind

CHANNEL = "zalo_oa"

FOLLOW = "follow"
UNFOLLOW = "unfollow"
SUBMIT_INFO = "user_submit_info"
USER_SENT = "user_send_"
OA_SENT = "oa_send_"
ANONYMOUS_SENT = "anonymous_send_"
# Attachments kept with a tip, by the event that carries them, and what they are to us.
MEDIA_EVENTS: dict[str, MediaKind] = {
    "user_send_image": "photo",
    "user_send_file": "document",
    "user_send_audio": "voice",
    "user_send_video": "video",
}
# Messages we cannot use as an answer: the user is asked politely to type instead.
UNSUPPORTED_EVENTS = {
    "user_send_sticker": "sticker",
    "user_send_gif": "gif",
    "user_send_business_card": "contact",
}


@dataclass(frozen=True)
class OaEvent:
    """What one webhook delivery is about, in the parts we use."""

    event_name: str
    user_id: str | None  # the user it is from (or about, for follow / unfollow)
    msg_id: str | None
    body: dict[str, Any]

    @property
    def from_user(self) -> bool:
        return self.event_name.startswith(USER_SENT) or self.event_name == SUBMIT_INFO

    @property
    def anonymous(self) -> bool:
        """A message from somebody who writes to the OA without following it."""
        return self.event_name.startswith(ANONYMOUS_SENT)

    @property
    def from_oa(self) -> bool:
        return self.event_name.startswith(OA_SENT)

    @property
    def officer_wrote(self) -> bool:
        """A message an officer sent from the OA's own manager (it names the admin); the
        bot's own messages through the API name none."""
        sender = self.body.get("sender")
        return self.from_oa and isinstance(sender, dict) and bool(sender.get("admin_id"))

    @property
    def to_handle(self) -> bool:
        """Worth keeping and applying in the user's order: what a user did, and an officer's
        message; the echo of the bot's own reply and receipts are not."""
        return (
            self.from_user
            or self.anonymous
            or self.officer_wrote
            or self.event_name in (FOLLOW, UNFOLLOW)
        )


def parse_event(payload: Any) -> OaEvent | None:
    """The event in a webhook body, or None when the body is not one."""
    if not isinstance(payload, dict) or not isinstance(payload.get("event_name"), str):
        return None
    if not payload["event_name"].strip():
        return None
    name = payload["event_name"]
    message = payload.get("message") if isinstance(payload.get("message"), dict) else {}
    msg_id = message.get("msg_id") if isinstance(message, dict) else None
    user: Any = None
    if name in (FOLLOW, UNFOLLOW):
        follower = payload.get("follower")
        user = follower.get("id") if isinstance(follower, dict) else None
    elif name.startswith(OA_SENT):  # the OA wrote: the user is the recipient
        recipient = payload.get("recipient")
        user = recipient.get("id") if isinstance(recipient, dict) else None
    else:
        sender = payload.get("sender")
        user = sender.get("id") if isinstance(sender, dict) else None
    return OaEvent(
        name,
        str(user) if user not in (None, "") else None,
        str(msg_id) if msg_id not in (None, "") else None,
        payload,
    )


def update_key(event: OaEvent) -> str | None:
    """The delivery's key against duplicates: Zalo delivers at least once, keyed by msg_id
    (ZALO_OA.md §2); an event without one (submit_info) by its name and timestamp."""
    if event.msg_id is not None:
        return event.msg_id
    stamp = event.body.get("timestamp")
    return f"{event.event_name}:{event.user_id}:{stamp}" if stamp else None


def to_inbounds(event: OaEvent) -> tuple[Inbound, ...]:
    """What the user said, in the order they said it: one message, or each file of an album
    (several photos sent at once) as a message of its own, the caption with the first; none
    for an event that is nobody's answer."""
    if not event.from_user or event.user_id is None:
        return ()
    user = event.user_id
    key = update_key(event)
    base = Inbound(CHANNEL, chat_id=user, user_id=user, update_key=key)
    message = event.body.get("message")
    message = message if isinstance(message, dict) else {}
    text = message.get("text")
    text = str(text) if isinstance(text, str) and text.strip() else None
    payloads = _payloads(message)
    payload = payloads[0] if payloads else {}
    name = event.event_name
    if name == "user_send_text":
        return (replace(base, text=text or ""),)
    if name == SUBMIT_INFO:
        return (_shared_info(base, event.body.get("info")),)
    if name == "user_send_location":
        point = _location(payload)
        return (replace(base, location=point) if point else replace(base, unsupported="location"),)
    if name == "user_send_link":
        url = payload.get("url")
        return (replace(base, text=str(url)) if url else replace(base, unsupported="link"),)
    kind = MEDIA_EVENTS.get(name)
    files = [item for item in payloads if item.get("url")] if kind is not None else []
    if kind is None or not files:
        return (replace(base, unsupported=UNSUPPORTED_EVENTS.get(name, "unsupported")),)
    # The caption is the user's words about the files: kept with the first, never read as a
    # command or an answer of its own. Each further file has a key of its own against
    # duplicates.
    return tuple(
        replace(
            base,
            media=MediaItem(
                kind,
                str(item["url"]),
                size_bytes=_int(item.get("size")),
                file_name=str(item["name"]) if item.get("name") else None,
                caption=text if number == 0 else None,
            ),
            update_key=key if number == 0 or key is None else f"{key}:{number}",
        )
        for number, item in enumerate(files)
    )


def _payloads(message: dict[str, Any]) -> list[dict[str, Any]]:
    attachments = message.get("attachments")
    if not isinstance(attachments, list):
        return []
    return [
        item["payload"]
        for item in attachments
        if isinstance(item, dict) and isinstance(item.get("payload"), dict)
    ]


def _location(payload: dict[str, Any]) -> Location | None:
    """Coordinates come as strings ("10.7642473")."""
    coordinates = payload.get("coordinates")
    if not isinstance(coordinates, dict):
        return None
    try:
        latitude = float(coordinates["latitude"])
        longitude = float(coordinates["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return Location(latitude, longitude)


def _shared_info(base: Inbound, info: Any) -> Inbound:
    """The reply to a request for the user's details: the phone they chose to share, read
    as if typed (the phone step parses it)."""
    phone = info.get("phone") if isinstance(info, dict) else None
    if isinstance(phone, str | int) and str(phone).strip():
        return replace(base, text=str(phone).strip())
    return replace(base, unsupported="contact")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
