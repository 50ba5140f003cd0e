"""Zalo's text limit: a message holds 1–2,000 characters, so longer texts go out in parts
(cut by ``bot.channels.texts.split_text``)."""

from __future__ import annotations

MAX_TEXT_LENGTH = 2000
