"""The month's opinions and proposals in the overview (/tongquan): received, answered, done,
by subject, for the officer's own commune only."""

from __future__ import annotations

from storage.database import Database
from tests.bot.harness import phone_at_menu
from tests.bot.opinions.harness import OFFICER, OTHER_OFFICER, commune, send_opinion
from tests.conversations.harness import Clock, t


async def test_the_overview_counts_the_months_opinions(database: Database) -> None:
    await commune(database)
    clock = Clock()
    await send_opinion(database, clock, "anonymous", user_id="7100001")
    await send_opinion(database, clock, "named", user_id="7100002", words="Cần thêm đèn ở ngõ 9.")
    officer = await phone_at_menu(database, clock, OFFICER, name="Cán bộ")
    await officer.send(text="/xemgopy")
    await officer.send(text="1")
    await officer.send(text="1")  # answer the first
    await officer.send(text="Xã đã ghi nhận, sẽ sửa trong tuần.")
    await officer.send(text="/xemgopy")
    await officer.send(text="2")
    await officer.send(text="2")  # the second: done without an answer

    await officer.send(text="/tongquan")
    await officer.send(text="1")  # the period being reported
    subjects = t("opinions.category.lighting") + " 2"
    line = t("opinions.overview", received=2, answered=1, done=1, subjects=subjects)
    assert line in officer.text, officer.text

    other = await phone_at_menu(database, clock, OTHER_OFFICER, name="Cán bộ khác")
    await other.send(text="/tongquan")
    await other.send(text="1")
    assert t("overview.ask_period") not in other.text  # the overview was shown
    heading = line.split(":")[0]  # "Góp ý, kiến nghị của Nhân dân"
    assert heading not in other.text
