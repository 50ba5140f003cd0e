"""Replies as plain text, for the platforms that show text only (the console, Zalo, the OA) and
for Telegram's text pieces: numbered option lists, and texts cut to a platform's limit.

A platform module keeps only its limit (and, for Telegram, how it counts length) and how it
shows a file; the cutting and the numbering are done here, one way.
"""

from __future__ import annotations

from collections.abc import Callable

from conversations.replies import AskLocation, Choices, Media, Reply, Text

FILE_MARK = "📎 "  # before the line that stands for a file that cannot be shown
REPLY_SEPARATOR = "\n\n"  # between replies joined into one message
PARAGRAPH = "\n\n"

# How a platform counts a text's length (Telegram counts UTF-16 code units).
Length = Callable[[str], int]
# How a platform shows a file it cannot send: one line of text.
FileLine = Callable[[Media], str]
# Whether a platform can send this file as a message of its own.
Shows = Callable[[Media], bool]


def file_line(media: Media) -> str:
    """A forwarded file as the line that says where to see it."""
    return FILE_MARK + media.elsewhere


def as_text(reply: Reply, show_file: FileLine = file_line) -> str:
    """A reply as plain text with numbered options; a file as the line ``show_file`` gives."""
    if isinstance(reply, Text):
        return reply.text
    if isinstance(reply, Media):
        return show_file(reply)
    lines = [reply.text]
    if isinstance(reply, Choices | AskLocation):
        first = reply.numbered_from if isinstance(reply, Choices) else 1
        numbered = enumerate(reply.options, first)
        lines += [f"  {number}. {option.label}" for number, option in numbered]
    return "\n".join(lines)


def text_parts(
    replies: tuple[Reply, ...],
    *,
    shows: Shows,
    show_file: FileLine = file_line,
    limit: int | None = None,
) -> list[str | Media]:
    """The messages that show ``replies`` on a text-only platform: texts joined into one (cut
    to ``limit`` when one is given), each file the platform ``shows`` a message of its own in
    its place, any other file a line of the text."""
    parts: list[str | Media] = []
    lines: list[str] = []

    def close_text() -> None:
        text = REPLY_SEPARATOR.join(lines)
        if limit is not None:
            parts.extend(split_text(text, limit))
        elif text.strip():
            parts.append(text)
        lines.clear()

    for reply in replies:
        if isinstance(reply, Media) and shows(reply):
            close_text()
            parts.append(reply)
        else:
            lines.append(as_text(reply, show_file))
    close_text()
    return parts


def split_text(text: str, limit: int, *, length: Length = len) -> list[str]:
    """``text`` in pieces of at most ``limit`` (as ``length`` counts), cut between paragraphs,
    else between lines, else at a space, else anywhere.

    A piece ends at a paragraph break when there is one in its second half, so that a question
    stays with its numbered options. Blank pieces are dropped: platforms refuse empty texts.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    if length(text) <= limit:
        return [text] if text.strip() else []
    pieces: list[str] = []
    current: str | None = None  # the piece being filled; None before its first line
    for line in text.split("\n"):
        candidate = line if current is None else f"{current}\n{line}"
        if length(candidate) <= limit:
            current = candidate
            continue
        if current is not None:
            done, rest = _at_paragraph(current, limit, length)
            pieces.append(done)
            if rest is not None:
                if length(joined := f"{rest}\n{line}") <= limit:
                    current = joined
                    continue
                pieces.append(rest)
        *whole, current = _cut_line(line, limit, length)
        pieces.extend(whole)
    if current is not None:
        pieces.append(current)
    return [piece for piece in pieces if piece.strip()]


def _at_paragraph(piece: str, limit: int, length: Length) -> tuple[str, str | None]:
    """``piece`` up to its last paragraph break when that keeps over half of it, and the rest
    to carry on with (None when it goes whole). Blank lines at the cut go: they would only
    trail the message."""
    piece = piece.rstrip("\n")
    cut = piece.rfind(PARAGRAPH)
    if cut <= 0 or length(piece[:cut]) <= limit // 2:
        return piece, None
    return piece[:cut], piece[cut + len(PARAGRAPH) :] or None


def _cut_line(line: str, limit: int, length: Length) -> list[str]:
    """One line in pieces that fit: at the last space past half the limit, else at the
    limit."""
    pieces: list[str] = []
    while length(line) > limit:
        cut = limit
        while length(line[:cut]) > limit:
            cut -= 1
        space = line.rfind(" ", 0, cut + 1)
        if space > cut // 2:
            cut = space
        pieces.append(line[:cut].rstrip(" "))
        line = line[cut:].lstrip(" ")
    pieces.append(line)
    return pieces
