"""Telegram's text formatting (HTML, MarkdownV2, Markdown) read as Telegram reads it: the plain
text a formatted message shows, or the error Telegram answers for a malformed one."""

from __future__ import annotations

import html
import re

from tests.fakes.telegram_server.records import bad_request
from tests.fakes.telegram_server.spec import (
    HTML_TAGS,
    MDV2_RESERVED,
)


def byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)\s*(/?)>")


def parse_html(text: str) -> str:
    """Validate Telegram HTML and return the plain text (tags removed, entities decoded)."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while True:
        lt = text.find("<", pos)
        if lt < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:lt])
        match = TAG_RE.match(text, lt)
        if match is None:
            raise bad_request(
                'can\'t parse entities: Unsupported start tag "" at byte offset '
                f"{byte_offset(text, lt)}"
            )
        closing, name, _attrs, _self_closing = match.groups()
        name = name.lower()
        if name not in HTML_TAGS:
            kind = "end" if closing else "start"
            raise bad_request(
                f'can\'t parse entities: Unsupported {kind} tag "{name}" at byte offset '
                f"{byte_offset(text, lt)}"
            )
        if closing:
            if not stack or stack[-1] != name:
                expected = f'"</{stack[-1]}>"' if stack else "nothing"
                raise bad_request(
                    f"can't parse entities: Unmatched end tag at byte offset "
                    f'{byte_offset(text, lt)}, expected {expected}, found "</{name}>"'
                )
            stack.pop()
        else:
            stack.append(name)
        pos = match.end()
    if stack:
        raise bad_request(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return html.unescape("".join(out))


def parse_markdown_v2(text: str) -> str:
    """Validate MarkdownV2 (reserved characters, balanced entities) and return plain text."""
    out: list[str] = []
    open_marks: dict[str, int] = {}
    i = 0
    n = len(text)
    line_start = True
    link_depth = 0
    while i < n:
        ch = text[i]
        if ch == "\\":
            if i + 1 < n:
                out.append(text[i + 1])
                i += 2
                line_start = False
                continue
            raise bad_request("can't parse entities: Character '\\' is reserved")
        if ch == "`":
            fence = "```" if text.startswith("```", i) else "`"
            end = text.find(fence, i + len(fence))
            while end > 0 and text[end - 1] == "\\":
                end = text.find(fence, end + 1)
            if end < 0:
                name = "Pre" if fence == "```" else "Code"
                raise bad_request(
                    f"can't parse entities: Can't find end of {name} entity at byte offset "
                    f"{byte_offset(text, i)}"
                )
            body = text[i + len(fence) : end]
            if fence == "```" and "\n" in body:
                first, rest = body.split("\n", 1)
                body = rest if first and " " not in first else body
            out.append(body.replace("\\`", "`").replace("\\\\", "\\"))
            i = end + len(fence)
            line_start = False
            continue
        if ch == "[":
            link_depth += 1
            i += 1
            continue
        if ch == "]":
            if link_depth == 0:
                raise bad_request(
                    "can't parse entities: Character ']' is reserved and must be escaped "
                    "with the preceding '\\'"
                )
            link_depth -= 1
            if i + 1 < n and text[i + 1] == "(":
                end = i + 2
                while end < n and text[end] != ")":
                    end += 2 if text[end] == "\\" else 1
                if end >= n:
                    raise bad_request("can't parse entities: Can't find end of a URL")
                i = end + 1
            else:
                i += 1
            continue
        if ch == ">" and line_start:
            i += 1
            continue
        if ch == "|" and text.startswith("||", i):
            toggle_mark(open_marks, "||", i)
            i += 2
            continue
        if ch == "_" and text.startswith("__", i):
            toggle_mark(open_marks, "__", i)
            i += 2
            continue
        if ch in "*_~":
            toggle_mark(open_marks, ch, i)
            i += 1
            continue
        if ch in MDV2_RESERVED or ch in "()>|":
            raise bad_request(
                f"can't parse entities: Character '{ch}' is reserved and must be escaped "
                "with the preceding '\\'"
            )
        out.append(ch)
        line_start = ch == "\n"
        i += 1
    if open_marks:
        mark, index = next(iter(open_marks.items()))
        names = {"*": "Bold", "_": "Italic", "__": "Underline", "~": "Strikethrough"}
        raise bad_request(
            f"can't parse entities: Can't find end of {names.get(mark, 'Spoiler')} entity at "
            f"byte offset {byte_offset(text, index)}"
        )
    return "".join(out)


def toggle_mark(open_marks: dict[str, int], mark: str, index: int) -> None:
    if mark in open_marks:
        del open_marks[mark]
    else:
        open_marks[mark] = index


def parse_markdown(text: str) -> str:
    """Validate legacy Markdown (balanced ``* _ ` ```) and return plain text."""
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in "*_`[":
            out.append(text[i + 1])
            i += 2
            continue
        if ch in "*_`":
            fence = "```" if text.startswith("```", i) else ch
            end = text.find(fence, i + len(fence))
            if end < 0:
                raise bad_request(
                    "can't parse entities: Can't find end of the entity starting at byte "
                    f"offset {byte_offset(text, i)}"
                )
            inner = text[i + len(fence) : end]
            out.append(inner if fence in ("`", "```") else parse_markdown(inner))
            i = end + len(fence)
            continue
        if ch == "[":
            close = text.find("](", i)
            end = text.find(")", close) if close >= 0 else -1
            if close >= 0 and end >= 0:
                out.append(text[i + 1 : close])
                i = end + 1
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def plain_text(text: str, parse_mode: str | None) -> str:
    """Apply ``parse_mode`` like Telegram and return the resulting plain text."""
    if not parse_mode:
        return text
    mode = parse_mode.lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown(text)
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")


# --------------------------------------------------------------------------------------------
