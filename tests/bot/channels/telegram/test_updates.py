"""Telegram messages read as the engine's Inbound: text, deep links, locations, files, stickers."""

from __future__ import annotations

from typing import Any

from telegram import Message, User

from bot.channels.telegram.updates import message_inbound, telegram_locale
from conversations.replies import Location, MediaItem

USER_ID = 7391846205


def message(**content: Any) -> Message:
    data = {
        "message_id": 5,
        "date": 1_760_000_000,
        "chat": {"id": USER_ID, "type": "private", "first_name": "Báo"},
        "from": {"id": USER_ID, "is_bot": False, "first_name": "Báo", "last_name": "Nguyễn"},
        **content,
    }
    return Message.de_json(data, None)


def test_text_and_deep_link_payload_reach_the_engine_as_typed() -> None:
    inbound = message_inbound(message(text="/start inv_K7Q2M9XD"), "101")
    assert inbound is not None
    assert (inbound.channel, inbound.chat_id, inbound.user_id) == (
        "telegram",
        "7391846205",
        "7391846205",
    )
    assert (inbound.text, inbound.update_key, inbound.display_name) == (
        "/start inv_K7Q2M9XD",
        "101",
        "Báo Nguyễn",
    )


def test_a_shared_location_or_venue_is_a_location() -> None:
    point = {"latitude": 21.0245, "longitude": 105.8412}
    shared = message_inbound(message(location=point), "1")
    venue = {"location": point, "title": "Chợ", "address": "Kim Liên"}
    picked = message_inbound(message(venue=venue, location=point), "2")
    assert shared is not None and picked is not None
    assert shared.location == picked.location == Location(21.0245, 105.8412)


def test_the_largest_photo_size_is_kept() -> None:
    sizes = [
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 67, "file_size": 900},
        {
            "file_id": "big",
            "file_unique_id": "b",
            "width": 1280,
            "height": 960,
            "file_size": 99_000,
        },
        {"file_id": "mid", "file_unique_id": "m", "width": 320, "height": 240, "file_size": 9_000},
    ]
    inbound = message_inbound(message(photo=sizes, caption="ảnh"), "1")
    assert inbound is not None
    assert inbound.media == MediaItem(
        "photo",
        "big",
        file_unique_id="b",
        mime_type="image/jpeg",
        size_bytes=99_000,
        caption="ảnh",
    )
    assert inbound.text is None  # a caption is never read as a command or an answer


def test_video_voice_and_document_keep_their_metadata() -> None:
    video = {
        "file_id": "v",
        "file_unique_id": "vu",
        "width": 640,
        "height": 360,
        "duration": 12,
        "mime_type": "video/mp4",
        "file_size": 30_000_000,
    }
    voice = {"file_id": "a", "file_unique_id": "au", "duration": 7, "mime_type": "audio/ogg"}
    document = {
        "file_id": "d",
        "file_unique_id": "du",
        "file_name": "bien_ban.pdf",
        "mime_type": "application/pdf",
        "file_size": 50_000,
    }
    media = [
        message_inbound(message(**item), "1")
        for item in ({"video": video}, {"voice": voice}, {"document": document})
    ]
    assert [inbound.media for inbound in media if inbound is not None] == [
        MediaItem("video", "v", "vu", "video/mp4", 30_000_000, None, 12),
        MediaItem("voice", "a", "au", "audio/ogg", None, None, 7),
        MediaItem("document", "d", "du", "application/pdf", 50_000, "bien_ban.pdf", None),
    ]


def test_stickers_gifs_and_polls_are_unsupported_by_kind() -> None:
    sticker = {
        "file_id": "s",
        "file_unique_id": "su",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    gif = {"file_id": "g", "file_unique_id": "gu", "width": 1, "height": 1, "duration": 1}
    gif_document = {"file_id": "g", "file_unique_id": "gu", "mime_type": "video/mp4"}
    dice = {"emoji": "🎲", "value": 3}
    kinds = [
        message_inbound(message(**content), "1")
        for content in (
            {"sticker": sticker},
            {"animation": gif, "document": gif_document},
            {"dice": dice},
        )
    ]
    assert [(i.unsupported, i.media, i.text) for i in kinds if i is not None] == [
        ("sticker", None, None),
        ("animation", None, None),
        ("dice", None, None),
    ]


def test_a_service_message_is_nobodys_answer() -> None:
    assert message_inbound(message(new_chat_title="Nhóm"), "1") is None


def test_channel_level_messages_follow_the_app_language() -> None:
    assert telegram_locale(User(1, "A", False, language_code="en-GB")) == "en"
    assert telegram_locale(User(1, "A", False, language_code="vi")) == "vi"
    assert telegram_locale(User(1, "A", False)) == "vi"
    assert telegram_locale(None) == "vi"
