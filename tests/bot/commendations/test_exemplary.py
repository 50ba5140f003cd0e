"""Exemplary units against the plan's targets (Nghệ An 104/KH-UBND: ≥ 15 % of communes; in each
commune at least one agency, one business and two schools), checked against counts made by
hand, on both databases.

Nghệ An has two communes in the harness's tree (Đô Lương, Lương Sơn). Đô Lương is proposed by
its admin and recognised by the province's: 1/2 = 50 % of communes. Schools (recorded here
directly, as the units' module will): two recognised in Đô Lương, one in Lương Sơn → 1 of 2
communes has its two. One business proposed, never recognised → 0 of 2. No agency recorded
at all → no data."""

from __future__ import annotations

from conversations.targets import target_book
from storage.areas import area_by_code
from storage.commendations import propose_exemplary, recognise_exemplary
from storage.database import Database
from tests.bot.commendations.harness import phone_of, text_of, yearly_draft
from tests.bot.movement_year.harness import ADMIN, NOW, PROVINCE_ADMIN, YEAR, seed_year
from tests.conversations.harness import t


async def record_units(database: Database) -> None:
    async with database.transaction() as session:
        do_luong = await area_by_code(session, "17662")
        luong_son = await area_by_code(session, "17641")
        assert do_luong is not None and luong_son is not None
        units = [
            ("school", 101, do_luong.id, True),
            ("school", 102, do_luong.id, True),
            ("school", 201, luong_son.id, True),
            ("business", 103, do_luong.id, False),
        ]
        for kind, ref_id, commune_id, recognised in units:
            await propose_exemplary(
                session,
                kind=kind,
                ref_id=ref_id,
                name=f"{kind} {ref_id}",
                commune_id=commune_id,
                year=YEAR,
                by=None,
                now=NOW,
            )
            if recognised:
                await recognise_exemplary(
                    session, kind=kind, ref_id=ref_id, year=YEAR, by=None, now=NOW
                )


async def recognise_do_luong(database: Database) -> None:
    admin = await phone_of(database, ADMIN)
    await admin.send(text="/diemhinh")
    await admin.send(text="xa do luong")
    await admin.send(text="cong nhan")
    await admin.send(text="1")
    # The commune's admin may propose it, not recognise it.
    assert t("exemplary.not_above", unit="Xã Đô Lương, Nghệ An") in admin.text
    await admin.send(text="/diemhinh")
    await admin.send(text="xa do luong")
    await admin.send(text="de nghi")
    await admin.send(text="1")
    assert t("exemplary.proposed", unit="Xã Đô Lương, Nghệ An", year=YEAR) in admin.text
    province = await phone_of(database, PROVINCE_ADMIN)
    await province.send(text="/diemhinh")
    await province.send(text="17662")
    await province.send(text="cong nhan")
    await province.send(text="1")
    assert t("exemplary.recognised", unit="Xã Đô Lương, Nghệ An", year=YEAR) in province.text


def line(name: str, count: int, of: int, threshold: str, verdict: str) -> str:
    return "- " + t(
        "honours.exemplary_line",
        name=t(name),
        count=count,
        of=of,
        threshold=threshold,
        verdict=t(verdict),
    )


async def test_exemplary_units_are_counted_against_the_targets(database: Database) -> None:
    await seed_year(database)
    await recognise_do_luong(database)
    await record_units(database)
    text = text_of(await yearly_draft(database, "40"))
    share = t("honours.threshold.share", percent=15)
    assert line("target.exemplary_communes", 1, 2, share, "honours.verdict.met") in text
    one, two = t("honours.threshold.count", count=1), t("honours.threshold.count", count=2)
    assert line("target.exemplary_schools", 1, 2, two, "honours.verdict.not_met") in text
    assert line("target.exemplary_businesses", 0, 2, one, "honours.verdict.not_met") in text
    assert line("target.exemplary_agencies", 0, 2, one, "honours.verdict.unknown") in text
    assert (
        t(
            "honours.exemplary_named",
            names="school 201, Xã Đô Lương, Nghệ An, school 101, school 102",
        )
        in text
    )

    # A province that asks more: 60 % of communes, one school each.
    book = target_book("40:exemplary_communes=0.6,exemplary_schools=1")
    text = text_of(await yearly_draft(database, "40", book))
    share = t("honours.threshold.share", percent=60)
    assert line("target.exemplary_communes", 1, 2, share, "honours.verdict.not_met") in text
    assert line("target.exemplary_schools", 2, 2, one, "honours.verdict.met") in text

    # The commune's own draft judges the commune alone: it is exemplary, and has its schools.
    text = text_of(await yearly_draft(database, "17662"))
    assert (
        line(
            "target.exemplary_communes",
            1,
            1,
            t("honours.threshold.share", percent=15),
            "honours.verdict.met",
        )
        in text
    )
    assert line("target.exemplary_schools", 1, 1, two, "honours.verdict.met") in text
