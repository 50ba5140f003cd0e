"""A photo's caption on the Zalo Bot Platform is part of the tip, never a command."""

from __future__ import annotations

import itertools

from storage.database import Database
from storage.tips import list_tips
from tests.bot.channels.harness import ZALO_NAME as NAME
from tests.bot.channels.harness import ZALO_PHOTO as PHOTO
from tests.bot.channels.harness import ZALO_USER as USER
from tests.bot.channels.harness import at_tip_start
from tests.conversations.harness import ANONYMOUS_PATH, t

# Looks like the command that drops a draft: as a caption it is the user's words.
CAPTION = "/huy Xe này đỗ trước nhà tôi"


async def test_a_captioned_photo_is_stored_with_its_caption_and_runs_no_command(
    database: Database,
) -> None:
    async with at_tip_start(database, "webhook") as (bot, user):
        for (_, answer), (next_key, _) in itertools.pairwise(ANONYMOUS_PATH[:6]):
            await user.say(str(answer["text"]), expect=t(next_key))
        photo = bot.server.image_event(USER, photo=PHOTO, caption=CAPTION, display_name=NAME)
        await user.send(photo, expect=t("input.attachment_received", count=1, maximum=5))
        await user.say("xong", expect=t("tip.ask.identity"))
        await user.say("1", expect=t("summary.question"))
        await user.say("1", expect=t("menu.prompt"))
    async with database.transaction() as session:
        (tip,) = await list_tips(session)
    assert [(a.channel, a.file_id, a.caption) for a in tip.attachments] == [
        ("zalo", PHOTO, CAPTION)
    ]
