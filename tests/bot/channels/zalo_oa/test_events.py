"""OA webhook events read as a person meant them, and replies shaped to the OA's limits."""

from __future__ import annotations

import pytest

from bot.channels.zalo_oa.events import parse_event, to_inbounds
from bot.channels.zalo_oa.rendering import oa_parts
from bot.channels.zalo_oa.signature import is_signed, mac
from conversations.replies import Choices, Inbound, Location, Media, MediaItem, Option, Text
from tests.fakes.zalo_oa_server import APP_ID, OA_SECRET_KEY, FakeZaloOaServer

USER = "8046213479186053511"
FAKE = FakeZaloOaServer()


def inbound(event: dict[str, object]) -> Inbound | None:
    parsed = parse_event(event)
    assert parsed is not None
    messages = to_inbounds(parsed)
    assert len(messages) <= 1
    return messages[0] if messages else None


def test_text_keeps_the_big_ids_as_strings_and_the_msg_id_as_the_delivery_key() -> None:
    event = FAKE.text_event(USER, "Xin chào")
    message = inbound(event)
    assert message is not None
    assert (message.channel, message.chat_id, message.user_id) == ("zalo_oa", USER, USER)
    assert message.text == "Xin chào"
    assert message.update_key == event["message"]["msg_id"]  # type: ignore[index]


def test_a_photo_keeps_its_caption_and_a_location_its_string_coordinates() -> None:
    photo = inbound(FAKE.image_event(USER, "https://a.zdn.vn/p.jpg", caption="Xe lạ"))
    assert photo is not None
    assert photo.media == MediaItem("photo", "https://a.zdn.vn/p.jpg", caption="Xe lạ")
    assert photo.text is None  # the caption is never read as an answer or a command
    place = inbound(FAKE.location_event(USER, "10.7642473", "106.6564731"))
    assert place is not None and place.location == Location(10.7642473, 106.6564731)


def test_files_audio_and_video_are_attachments_and_a_sticker_is_not_an_answer() -> None:
    document = inbound(FAKE.file_event(USER, "https://f.zdn.vn/a.pdf", "bien-ban.pdf", 52311))
    assert document is not None and document.media is not None
    assert (document.media.kind, document.media.size_bytes) == ("document", 52311)
    assert document.media.file_name == "bien-ban.pdf"
    audio = FAKE.event(
        "user_send_audio", USER, attachments=[{"type": "audio", "payload": {"url": "https://v/a"}}]
    )
    voice = inbound(audio)
    assert voice is not None and voice.media == MediaItem("voice", "https://v/a")
    sticker = inbound(FAKE.sticker_event(USER))
    assert sticker is not None and sticker.unsupported == "sticker"


def test_a_shared_phone_is_read_as_typed_and_echoes_and_follows_are_no_messages() -> None:
    shared = FAKE.event("user_submit_info", USER)
    shared["info"] = {"name": "Lan", "phone": "0912345678", "user_dob": ""}
    message = inbound(shared)
    assert message is not None and message.text == "0912345678"
    assert inbound(FAKE.echo_event(USER, "Cảm ơn")) is None
    assert inbound(FAKE.follow_event(USER)) is None
    parsed = parse_event(FAKE.follow_event(USER, follow=False))
    assert parsed is not None and parsed.user_id == USER


@pytest.mark.parametrize("header_prefix", ["mac=", "MAC=", ""])
def test_the_signature_is_the_sha256_of_app_body_timestamp_and_oa_key(header_prefix: str) -> None:
    raw = b'{"event_name":"user_send_text","timestamp":"1609984527175"}'
    header = header_prefix + mac(APP_ID, raw, "1609984527175", OA_SECRET_KEY)
    payload = {"event_name": "user_send_text", "timestamp": "1609984527175"}
    header = header.replace("MAC=", "mac=")
    assert is_signed(header, raw, payload, app_id=APP_ID, secret_key=OA_SECRET_KEY)
    assert not is_signed(header, raw + b" ", payload, app_id=APP_ID, secret_key=OA_SECRET_KEY)
    assert not is_signed(None, raw, payload, app_id=APP_ID, secret_key=OA_SECRET_KEY)


def test_replies_become_texts_of_at_most_2000_characters_cut_between_lines() -> None:
    lines = [f"Dòng {n}: " + "chữ " * 30 for n in range(40)]
    question = Choices("Chọn loại tin", (Option("a", "Ma tuý"), Option("b", "Lừa đảo")), "kind")
    parts = oa_parts((Text("\n".join(lines)), question))
    assert len(parts) > 2 and all(isinstance(p, str) and len(p) <= 2000 for p in parts)
    assert "\n".join(str(p) for p in parts).count("Dòng ") == 40
    assert str(parts[-1]).endswith("  1. Ma tuý\n  2. Lừa đảo")


def test_a_zalo_photo_goes_as_a_picture_and_a_telegram_file_as_a_line() -> None:
    zalo = Media("photo", "https://a.zdn.vn/p.jpg", "zalo_oa", "Tệp 1", "xem trên Zalo", "hết hạn")
    telegram = Media(
        "photo", "AgACAgUAAxkBAAIBQ2", "telegram", "Tệp 2", "Tệp 2 gửi qua telegram", "hết hạn"
    )
    parts = oa_parts((Text("Tin báo ABCD"), zalo, telegram))
    assert parts[0] == "Tin báo ABCD" and parts[1] is zalo
    assert isinstance(parts[2], str) and "telegram" in parts[2]


def test_an_oa_photo_is_shown_to_officers_on_telegram_by_its_url() -> None:
    from bot.channels.telegram.rendering import sendable

    photo = Media("photo", "https://a.zdn.vn/p.jpg", "zalo_oa", "Tệp 1", "xem trên Zalo", "hết")
    assert sendable(photo)
