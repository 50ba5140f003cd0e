"""The opinions tests' commune, its officers and a resident who writes to it."""

from __future__ import annotations

from typing import Any

from conversations.replies import MediaItem
from storage.database import Database
from tests.bot.harness import NAME, TREE, Phone, phone_at_menu, tree_with_roles
from tests.conversations.harness import Clock

RESIDENT = "7100001"
OFFICER = "6200001"
OTHER_OFFICER = "6200009"  # an officer of another commune: never sees it
ROLES = [(OFFICER, "officer", "17662"), (OTHER_OFFICER, "officer", "17641")]
WORDS = "Đèn đường ngõ 7 thôn Đông hỏng đã lâu, buổi tối rất tối, đề nghị sửa."
PHOTO_ID = "AgACAgUAAxkBAAIBopinion_photo"


async def commune(database: Database) -> Database:
    return await tree_with_roles(database, TREE, *ROLES)


def path(identity: str, *, words: str = WORDS) -> list[tuple[str, dict[str, Any]]]:
    """(prompt key, answer) of each step of an opinion about lighting with a photo."""
    return [
        ("opinions.ask.category", {"text": "3"}),
        ("opinions.ask.text", {"text": words}),
        ("opinions.ask.place", {"text": "Ngõ 7 thôn Đông"}),
        ("opinions.ask.commune", {"text": "do luong"}),
        ("opinions.ask.photo", {"media": MediaItem("photo", PHOTO_ID, size_bytes=2048)}),
        ("opinions.ask.identity", {"text": "1" if identity == "anonymous" else "2"}),
    ]


async def send_opinion(
    database: Database,
    clock: Clock,
    identity: str,
    *,
    user_id: str = RESIDENT,
    words: str = WORDS,
    name: str = NAME,
) -> Phone:
    """The resident's phone after sending an opinion (``identity``: anonymous or named)."""
    phone = await phone_at_menu(database, clock, user_id, name)
    await phone.send(text="/gopy")
    for key, answer in path(identity, words=words):
        assert phone.asked(key), (key, phone.text)
        await phone.send(**answer)
    await phone.send(text="1")  # confirm
    return phone
