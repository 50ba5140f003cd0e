"""The Bot API as the fake knows it: its limits, the names it accepts, and the machine-readable
description every request is checked against."""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from typing import Any

DEFAULT_TOKEN = "123456789:AAF-fake_token_for_antq_tests_0123456"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024
MAX_UPLOAD_SIZE = 50 * 1024 * 1024

INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
KEYBOARD_BUTTON_REQUESTS = (
    "request_users",
    "request_chat",
    "request_managed_bot",
    "request_contact",
    "request_location",
    "request_poll",
    "web_app",
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "tg-time",
        "code",
        "pre",
        "blockquote",
    }
)
MDV2_RESERVED = frozenset("#+-={}.!")
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
DEEP_LINK_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
DEFAULT_ALLOWED_UPDATES_EXCLUDED = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


def spec_candidates() -> list[Path]:
    """Places where the Bot API description may live, most specific first."""
    here = Path(__file__).resolve()
    candidates: list[Path] = []
    env = os.environ.get("ANTQ_TELEGRAM_SPEC")
    if env:
        candidates.append(Path(env))
    # A copy of the published description is kept beside this module so that a fresh clone
    # (CI) needs nothing outside the repository.
    candidates.append(here.parent / "telegram-bot-api.json")
    return candidates


@functools.cache
def load_spec(path: str | None = None) -> dict[str, Any]:
    """Load (once) the Bot API description: ``{"methods": {...}, "types": {...}}``."""
    paths = [Path(path)] if path else spec_candidates()
    for candidate in paths:
        if candidate.is_file():
            with candidate.open(encoding="utf-8") as fh:
                return json.load(fh)
    raise FileNotFoundError(
        "telegram-bot-api.json not found; set ANTQ_TELEGRAM_SPEC. Tried: "
        + ", ".join(str(p) for p in paths)
    )
