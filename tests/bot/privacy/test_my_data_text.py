"""/dulieucuatoi in chat: no "last seen" time that the bot does not keep up to date."""

from __future__ import annotations

import re

from storage.database import Database
from tests.bot.harness import phone_at_menu
from tests.conversations.harness import Clock, t

A_DAY = r"\d\d/\d\d/\d{4}"  # kept to the day: a finer time could date an anonymous tip


async def test_an_account_line_shows_when_it_was_made_and_no_stale_last_activity(
    database: Database,
) -> None:
    clock = Clock()
    phone = await phone_at_menu(database, clock, "79")
    clock.advance(minutes=40)
    await phone.send(text="/dulieucuatoi")
    before, after = t(
        "privacy.my_data.identity", channel="telegram", platform_user_id="79", created="@"
    ).split("@")
    account = re.escape(before) + A_DAY + re.escape(after)
    (line,) = [line for line in phone.text.splitlines() if line.startswith(before)]
    assert re.fullmatch(account, line), line  # one date: the day the account was made
