"""Joining by an invitation code where the platform sends no app language (the console, Zalo):
a code typed at the language question, or sent as the very first message, is kept and
redeemed in Vietnamese, never refused as a wrong language."""

from __future__ import annotations

from pathlib import Path

from conversations.people.invitations import INVITE_TTL, format_invite_code, new_invite_code
from storage._sql import member_roles
from storage.areas import area_by_code
from storage.database import Database
from storage.people.invitations import create_invitation
from tests.bot.channels.harness import ConsoleUser, ZaloUser, console_app, console_chat, running_bot
from tests.bot.harness import rows
from tests.conversations.harness import START, t

WELCOME = t("join.welcome", role=t("role.leader"), place="Thôn Đông, Xã Đô Lương")


async def leader_invitation(database: Database) -> str:
    async with database.transaction() as session:
        area = await area_by_code(session, "17662-001")
        assert area is not None
        code = new_invite_code()
        await create_invitation(
            session,
            code=code,
            role="leader",
            area_id=area.id,
            created_by=None,
            expires_at=START + INVITE_TTL,
            now=START,
        )
    return code


async def leaders(database: Database) -> int:
    return sum(1 for role in await rows(database, member_roles) if role["role"] == "leader")


async def test_a_code_typed_at_the_console_s_language_question_joins(
    tree: Database, tmp_path: Path
) -> None:
    code = await leader_invitation(tree)
    user = ConsoleUser("42")
    async with console_chat(console_app(tree, tmp_path), user):
        await user.reads(t("language.prompt"))
        shown = await user.answers(format_invite_code(code), t("privacy.ask"))
        assert t("language.default_for_code") in shown
        assert t("input.choose_option", count=2) not in shown
        shown = await user.answers("1", t("menu.prompt"))
    assert WELCOME in shown
    assert t("language.prompt") not in shown  # not asked again
    assert await leaders(tree) == 1


async def test_a_code_typed_at_zalo_s_language_question_joins(tree: Database) -> None:
    code = await leader_invitation(tree)
    async with running_bot(tree, "polling") as bot:
        user = ZaloUser(bot.server)
        await user.say("Xin chào", expect=t("language.prompt"))
        await user.say(code.lower(), expect=t("privacy.ask"))
        assert t("language.default_for_code") in user.text
        await user.say("1", expect=t("menu.prompt"))
        assert WELCOME in user.text
    assert await leaders(tree) == 1


async def test_a_code_sent_as_the_first_zalo_message_joins(tree: Database) -> None:
    code = await leader_invitation(tree)
    async with running_bot(tree, "polling") as bot:
        user = ZaloUser(bot.server)
        await user.say(format_invite_code(code), expect=t("privacy.ask"))
        await user.say("1", expect=t("menu.prompt"))
        assert WELCOME in user.text
    assert await leaders(tree) == 1
