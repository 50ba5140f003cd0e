"""Zalo's text limit: a message holds 1–2,000 characters, so longer texts go out in parts."""

from __future__ import annotations

MAX_TEXT_LENGTH = 2000


def split_text(text: str, limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """``text`` in parts of at most ``limit`` characters, cut between lines where possible.

    A line longer than ``limit`` on its own is cut at its last space before the limit (or, with
    no space, at the limit). Parts that would be blank are dropped: the API refuses them.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    if len(text) <= limit:
        return [text] if text.strip() else []
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        for piece in _cut_long_line(line, limit):
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                parts.append(current)
                current = piece
    parts.append(current)
    return [part for part in parts if part.strip()]


def _cut_long_line(line: str, limit: int) -> list[str]:
    pieces: list[str] = []
    while len(line) > limit:
        cut = line.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    pieces.append(line)
    return pieces
