"""Replies as Telegram messages: text within limits, keyboards, callback data within 64 bytes."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.channels.telegram.buttons import MAX_CALLBACK_DATA_BYTES, STALE_TAP, ButtonCodec, Tap
from bot.channels.telegram.rendering import MAX_TEXT_LENGTH, render, split_text, telegram_length
from conversations.replies import AskLocation, Choices, Media, Option, Text

SHARE = "📍 Gửi vị trí hiện tại"


def test_a_short_text_is_one_message() -> None:
    assert split_text("Xin chào\nBước 1/7") == ["Xin chào\nBước 1/7"]


def test_a_long_text_is_cut_at_line_ends() -> None:
    lines = [f"{n:04d} " + "tin báo " * 40 for n in range(60)]
    pieces = split_text("\n".join(lines))
    assert len(pieces) > 1
    assert all(telegram_length(piece) <= MAX_TEXT_LENGTH for piece in pieces)
    assert [line for piece in pieces for line in piece.split("\n")] == lines


def test_a_single_overlong_line_is_cut_at_spaces() -> None:
    line = " ".join(["ngõ"] * 3000)
    pieces = split_text(line)
    assert all(telegram_length(piece) <= MAX_TEXT_LENGTH for piece in pieces)
    assert all(word == "ngõ" for piece in pieces for word in piece.split(" "))
    assert sum(len(piece.split(" ")) for piece in pieces) == 3000


def test_length_is_counted_as_telegram_does_for_emoji() -> None:
    text = "🛡" * 3000  # 6000 UTF-16 code units though 3000 characters
    pieces = split_text(text)
    assert len(pieces) == 2
    assert "".join(pieces) == text
    assert all(telegram_length(piece) <= MAX_TEXT_LENGTH for piece in pieces)


def test_callback_data_round_trips() -> None:
    codec = ButtonCodec()
    data = codec.encode("category", "drugs")
    assert data == "1|category|drugs"
    assert codec.decode(data) == Tap("category", "drugs")


def test_callback_data_stays_within_64_bytes_whatever_the_ids() -> None:
    codec = ButtonCodec()
    ref, option = "bước_hỏi_" * 5, "lựa_chọn_rất_dài_" * 4
    data = codec.encode(ref, option)
    assert len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
    assert codec.decode(data) == Tap(ref, option)
    assert codec.decode(codec.encode("a|b", "c")) == Tap("a|b", "c")


def test_unreadable_or_forgotten_callback_data_is_a_stale_tap() -> None:
    long_option = "x" * 80
    data = ButtonCodec().encode("ref", long_option)
    assert ButtonCodec().decode(data) == STALE_TAP  # another process, or after a restart
    assert ButtonCodec().decode("garbage") == STALE_TAP
    assert ButtonCodec().decode(None) == STALE_TAP


def test_choices_become_an_inline_keyboard() -> None:
    options = (Option("vi", "Tiếng Việt"), Option("en", "English (Tiếng Anh)"))
    (message,) = render(Choices("Ngôn ngữ?", options, "locale"), ButtonCodec(), SHARE)
    assert isinstance(message.markup, InlineKeyboardMarkup)
    buttons = [button for row in message.markup.inline_keyboard for button in row]
    assert [(b.text, b.callback_data) for b in buttons] == [
        ("Tiếng Việt", "1|locale|vi"),
        ("English (Tiếng Anh)", "1|locale|en"),
    ]


def test_long_labels_get_a_row_each_and_short_ones_share() -> None:
    long = tuple(Option(str(n), f"Lựa chọn khá dài số {n}") for n in range(4))
    short = tuple(Option(str(n), f"Mục {n}") for n in range(4))
    (with_long,) = render(Choices("?", long, "r"), ButtonCodec(), SHARE)
    (with_short,) = render(Choices("?", short, "r"), ButtonCodec(), SHARE)
    assert isinstance(with_long.markup, InlineKeyboardMarkup)
    assert isinstance(with_short.markup, InlineKeyboardMarkup)
    assert [len(row) for row in with_long.markup.inline_keyboard] == [1, 1, 1, 1]
    assert [len(row) for row in with_short.markup.inline_keyboard] == [2, 2]


def test_a_location_question_offers_the_share_button_and_its_options() -> None:
    reply = AskLocation("Ở đâu?", (Option("unknown", "Không nhớ rõ"),), "place")
    (message,) = render(reply, ButtonCodec(), SHARE)
    assert isinstance(message.markup, ReplyKeyboardMarkup)
    (share,), (unknown,) = message.markup.keyboard
    assert (share.text, share.request_location) == (SHARE, True)
    assert unknown.text == "Không nhớ rõ"
    assert message.markup.one_time_keyboard


def test_the_keyboard_goes_under_the_last_piece_of_a_long_question() -> None:
    question = "\n".join(["Một dòng khá dài của câu hỏi " * 10] * 40)
    messages = render(Choices(question, (Option("a", "A"),), "r"), ButtonCodec(), SHARE)
    assert len(messages) > 1
    assert all(message.markup is None for message in messages[:-1])
    assert isinstance(messages[-1].markup, InlineKeyboardMarkup)


def test_plain_text_has_no_keyboard() -> None:
    assert [m.markup for m in render(Text("Cảm ơn bạn."), ButtonCodec(), SHARE)] == [None]
    assert render(Text(""), ButtonCodec(), SHARE) == []


def _media(kind: str, channel: str, caption: str = "Tin báo K7Q2-M9XD — tệp 1/1 (ảnh)") -> Media:
    return Media(kind, "file-or-url", channel, caption, "Mở trên Zalo để xem", "Không còn")  # type: ignore[arg-type]


def test_files_go_by_id_or_url_where_telegram_can_send_them() -> None:
    codec = ButtonCodec()
    for kind in ("photo", "video", "voice", "document"):
        (sent,) = render(_media(kind, "telegram"), codec, SHARE)
        assert sent.media is not None and sent.text == "Tin báo K7Q2-M9XD — tệp 1/1 (ảnh)"
    (zalo_photo,) = render(_media("photo", "zalo"), codec, SHARE)  # a URL Telegram fetches
    assert zalo_photo.media is not None
    (zalo_voice,) = render(_media("voice", "zalo"), codec, SHARE)
    assert (zalo_voice.media, zalo_voice.text) == (None, "📎 Mở trên Zalo để xem")
    (long,) = render(_media("photo", "telegram", "dài " * 400), codec, SHARE)
    assert telegram_length(long.text) <= 1024


def test_plain_texts_travel_with_the_message_after_them() -> None:
    from bot.channels.telegram.rendering import MAX_TEXT_LENGTH, Outgoing, merge_texts

    keyboard = object()
    merged = merge_texts([Outgoing("Đã nhận."), Outgoing("Bước 2/8\nMô tả?", keyboard)])  # type: ignore[arg-type]
    assert merged == [Outgoing("Đã nhận.\n\nBước 2/8\nMô tả?", keyboard)]  # type: ignore[arg-type]
    # A question's keyboard stays on its own message; what follows it is a new message.
    after_keyboard = [Outgoing("Chọn?", keyboard), Outgoing("Gợi ý")]  # type: ignore[arg-type]
    assert merge_texts(after_keyboard) == after_keyboard
    # Never past Telegram's length.
    long = [Outgoing("a" * (MAX_TEXT_LENGTH - 1)), Outgoing("b")]
    assert merge_texts(long) == long
