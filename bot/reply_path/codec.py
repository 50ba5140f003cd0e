"""Replies as JSON, for storing them until they are sent (``storage.reply_path.replies``).

Every reply type of ``conversations.replies`` round-trips exactly; a file made for the user (an
export, at most ``bot.exports.handlers.MAX_CHAT_BYTES``) travels as base64 beside its caption
and is deleted with the batch once it went out.
"""

from __future__ import annotations

import base64
from typing import Any

from conversations.replies import AskLocation, Choices, Document, Media, Option, Reply, Text


def _options(options: tuple[Option, ...]) -> list[list[str]]:
    return [[option.id, option.label] for option in options]


def _read_options(items: list[list[str]]) -> tuple[Option, ...]:
    return tuple(Option(option_id, label) for option_id, label in items)


def encode_reply(reply: Reply) -> dict[str, Any]:
    if isinstance(reply, Text):
        return {"t": "text", "text": reply.text}
    if isinstance(reply, Choices):
        encoded: dict[str, Any] = {
            "t": "choices",
            "text": reply.text,
            "options": _options(reply.options),
            "ref": reply.ref,
        }
        if reply.allow_text:
            encoded["allow_text"] = True
        if reply.numbered_from != 1:
            encoded["numbered_from"] = reply.numbered_from
        return encoded
    if isinstance(reply, AskLocation):
        return {
            "t": "location",
            "text": reply.text,
            "options": _options(reply.options),
            "ref": reply.ref,
        }
    if isinstance(reply, Document):
        return {
            "t": "document",
            "text": reply.text,
            "filename": reply.filename,
            "data": base64.b64encode(reply.data).decode("ascii"),
        }
    return {
        "t": "media",
        "kind": reply.kind,
        "file_id": reply.file_id,
        "channel": reply.channel,
        "text": reply.text,
        "elsewhere": reply.elsewhere,
        "lost": reply.lost,
    }


def decode_reply(item: dict[str, Any]) -> Reply:
    kind = item["t"]
    if kind == "text":
        return Text(item["text"])
    if kind == "choices":
        return Choices(
            item["text"],
            _read_options(item["options"]),
            item["ref"],
            allow_text=bool(item.get("allow_text")),
            numbered_from=int(item.get("numbered_from", 1)),
        )
    if kind == "location":
        return AskLocation(item["text"], _read_options(item["options"]), item["ref"])
    if kind == "document":
        return Document(item["text"], item["filename"], base64.b64decode(item["data"]))
    if kind == "media":
        return Media(
            item["kind"],
            item["file_id"],
            item["channel"],
            item["text"],
            item["elsewhere"],
            item["lost"],
        )
    raise ValueError(f"unknown stored reply type {kind!r}")


def encode_replies(replies: list[Reply]) -> list[dict[str, Any]]:
    return [encode_reply(reply) for reply in replies]


def decode_replies(items: list[dict[str, Any]]) -> list[Reply]:
    return [decode_reply(item) for item in items]
