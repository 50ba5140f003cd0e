"""Replies as OA messages: texts joined and cut at 2,000 characters between lines, choices as
numbered lines, pictures by URL.

ZALO_OA.md §7.6: whether v3 ``/cs`` takes buttons on a plain text (or the ``list`` template)
could not be confirmed, so no quick buttons are sent: the numbered list works everywhere and
the number (or the words) answers it, as on the Bot Platform and the console.
"""

from __future__ import annotations

from bot.channels.texts import text_parts
from bot.channels.zalo_bot.inbound import CHANNEL as ZALO_BOT_CHANNEL
from bot.channels.zalo_oa.client import MAX_TEXT_LENGTH
from bot.channels.zalo_oa.events import CHANNEL
from conversations.replies import Media, Reply

# Both Zalo products hold a photo as an https URL any sender can hand to the OA.
URL_PHOTO_CHANNELS = frozenset({CHANNEL, ZALO_BOT_CHANNEL})


def oa_parts(replies: tuple[Reply, ...]) -> list[str | Media]:
    """The messages that show ``replies`` on the OA: texts of at most 2,000 characters and
    pictures apart."""
    return text_parts(replies, shows=shows_on_oa, limit=MAX_TEXT_LENGTH)


def shows_on_oa(media: Media) -> bool:
    return media.kind == "photo" and media.channel in URL_PHOTO_CHANNELS and _is_url(media.file_id)


def _is_url(value: str) -> bool:
    return value.startswith(("https://", "http://"))
