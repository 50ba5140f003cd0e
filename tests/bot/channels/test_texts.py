"""Replies as plain text for the text-only platforms: numbered options, texts cut to a limit."""

from __future__ import annotations

import pytest

from bot.channels.texts import as_text, split_text, text_parts
from conversations.replies import AskLocation, Choices, Media, Option, Text


def _photo(channel: str) -> Media:
    return Media("photo", f"https://{channel}.example/p.jpg", channel, "Ảnh", "Xem trên web", "Mất")


def test_a_short_text_is_one_piece_and_a_blank_one_none() -> None:
    assert split_text("a" * 2000, 2000) == ["a" * 2000]
    assert split_text("   ", 2000) == []


def test_a_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        split_text("abc", 0)


def test_an_overlong_line_is_cut_at_a_space_or_hard() -> None:
    words = split_text("từ " * 1000, 100)
    assert all(len(part) <= 100 for part in words)
    assert " ".join(words).split() == ["từ"] * 1000
    assert split_text("x" * 250, 100) == ["x" * 100, "x" * 100, "x" * 50]


def test_a_long_text_is_cut_between_lines_and_loses_nothing() -> None:
    lines = [f"Dòng {n}: " + "nội dung " * 8 for n in range(100)]
    parts = split_text("\n".join(lines), 500)
    assert len(parts) > 2
    assert all(len(part) <= 500 for part in parts)
    assert "\n".join(parts) == "\n".join(lines)


def test_a_question_stays_with_its_options_when_a_paragraph_ends_late_enough() -> None:
    intro = "Đã nhận tin báo của bạn, cảm ơn."
    asked = "Bạn muốn làm gì tiếp?"
    question = f"{asked}\n  1. Gửi thêm\n  2. Xong"
    # Room for the intro and the question's first line, not for its options.
    parts = split_text(f"{intro}\n\n{question}", len(f"{intro}\n\n{asked}") + 3)
    assert parts == [intro, question]


def test_length_is_counted_as_the_platform_counts() -> None:
    def utf16(text: str) -> int:
        return len(text.encode("utf-16-le")) // 2

    pieces = split_text("🛡" * 30, 20, length=utf16)
    assert [len(piece) for piece in pieces] == [10, 10, 10]


def test_options_are_numbered_from_where_the_question_says() -> None:
    options = (Option("a", "Có"), Option("b", "Không"))
    assert as_text(Choices("Tiếp tục?", options, "r")) == "Tiếp tục?\n  1. Có\n  2. Không"
    assert as_text(Choices("Menu", options, "r", numbered_from=0)).endswith("  1. Không")
    assert as_text(AskLocation("Ở đâu?", options)) == "Ở đâu?\n  1. Có\n  2. Không"


def test_replies_join_into_one_text_and_a_shown_file_goes_apart() -> None:
    shown, other = _photo("zalo"), _photo("telegram")
    parts = text_parts(
        (Text("Một"), other, Text("Hai"), shown, Text("Ba")),
        shows=lambda media: media.channel == "zalo",
    )
    assert parts == ["Một\n\n📎 Xem trên web\n\nHai", shown, "Ba"]


def test_replies_are_cut_to_the_limit_when_one_is_given() -> None:
    parts = text_parts((Text("a" * 30), Text("b" * 30)), shows=lambda media: False, limit=40)
    assert parts == ["a" * 30, "b" * 30]
