"""A photo's caption is part of the tip: kept with the photo, shown to the officer who opens
the tip, never read as a command."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from conversations.fields import format_tip_code
from conversations.tips import MAX_THREAD_FILES
from storage.database import Database
from storage.tips import list_tips
from tests.bot.channels.harness import (
    OFFICER,
    PHOTO_FILE_ID,
    TelegramUser,
    an_officer_of_do_luong,
    at_category,
    at_menu,
    polling_bot,
    send_a_whole_anonymous_tip,
)
from tests.conversations.harness import DESCRIPTION, t
from tests.fakes.telegram_server import FakeTelegramServer

# Looks like the command that drops a draft: as a caption it is the user's words.
CAPTION = "/huy Biển số 37A-123.45, chụp lúc 21h"


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as fake:
        yield fake
        assert fake.rejected == [], [(c.method, c.description) for c in fake.rejected]


async def at_attachments(user: TelegramUser) -> None:
    category = await at_category(user)
    user.taps(category, "tip.category.drugs")
    await user.reads("tip.ask.description")
    user.says(DESCRIPTION)
    await user.reads("tip.ask.place")
    user.shares_location(21.0245, 105.8412)
    await user.reads("tip.ask.commune", buttons=True)
    user.says("do luong")
    await user.reads("tip.ask.time", buttons=True)
    user.says("21h hôm qua")
    await user.reads("tip.ask.attachments", buttons=True)


async def test_a_captioned_photo_keeps_its_caption_and_the_officer_reads_it(
    database: Database, server: FakeTelegramServer
) -> None:
    await an_officer_of_do_luong(database)
    tipster, officer = TelegramUser(server), TelegramUser(server, OFFICER)
    async with polling_bot(database, server):
        await at_attachments(tipster)
        tipster.sends_photo(file_id=PHOTO_FILE_ID, caption=CAPTION)
        # The photo is taken: the caption ran no command and cancelled nothing.
        received = await tipster.reads(
            "input.attachment_received", buttons=True, count=1, maximum=5
        )
        tipster.taps(received, "common.done")
        identity = await tipster.reads("tip.ask.identity", buttons=True)
        tipster.taps(identity, "tip.identity.anonymous")
        summary = await tipster.reads("summary.question", buttons=True)
        tipster.taps(summary, "summary.confirm")
        await tipster.reads("menu.prompt", buttons=True)
        async with database.transaction() as session:
            (tip,) = await list_tips(session)
        assert [(a.file_id, a.caption) for a in tip.attachments] == [(PHOTO_FILE_ID, CAPTION)]

        code = format_tip_code(tip.code)
        await at_menu(officer)
        officer.says(f"/xemtin {code}")
        await officer.reads("inbox.ask_action_opened", buttons=True, code=code)
        (photo,) = [m for m in officer.received if m["method"] == "sendPhoto"]
        assert photo["photo"] == PHOTO_FILE_ID
        assert photo["caption"] == "\n".join(
            (
                t("inbox.attachment.caption", code=code, number=1, count=1, kind=t("media.photo")),
                t("inbox.attachment.words", words=CAPTION),
            )
        )


async def test_a_caption_sent_with_an_addition_is_in_the_thread_the_officer_reads(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    await an_officer_of_do_luong(sqlite_database)
    tipster, officer = TelegramUser(server), TelegramUser(server, OFFICER)
    async with polling_bot(sqlite_database, server):
        await send_a_whole_anonymous_tip(tipster, commune="do luong")
        async with sqlite_database.transaction() as session:
            (tip,) = await list_tips(session)
        code = format_tip_code(tip.code)
        tipster.says(f"/bosung {code}")
        await tipster.reads("addition.ask_text")
        tipster.says("Thêm một ảnh")
        await tipster.reads("addition.ask_attachments", maximum=MAX_THREAD_FILES)
        tipster.sends_photo(caption=CAPTION)
        await tipster.reads("input.attachment_received", count=1, maximum=MAX_THREAD_FILES)
        tipster.says(t("common.done"))
        await tipster.reads("addition.sent", code=code)

        await at_menu(officer)
        officer.says(f"/xemtin {code}")
        await officer.reads("inbox.ask_action_opened", buttons=True, code=code)
        shown = "\n".join(m.get("text", "") for m in officer.received)
        assert t("inbox.attachment.words", words=CAPTION) in shown
