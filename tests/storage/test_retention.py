"""Retention in the storage layer: each category erases only rows past its cut-off, and only
what it names (a tip loses its phone or its route, never itself)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update

from storage._sql import (
    audit_log,
    identities,
    members,
    outbox,
    processed_updates,
    tip_messages,
    tips,
)
from storage.areas import area_by_code, insert_areas
from storage.audit import TIP_VIEWED, record_audit
from storage.conversations import load_conversation, save_conversation
from storage.database import Database
from storage.people.roles import grant_role
from storage.reply_path.updates import claim_update
from storage.retention import (
    AUDIT_ENTRIES,
    CLOSED_TIP_PHONES,
    CLOSED_TIP_ROUTES,
    CLOSED_TIP_THREADS,
    FINISHED_OUTBOX,
    PROCESSED_UPDATES,
    RunCount,
    count_expired,
    erase_drafts,
    erase_expired,
    idle_drafts,
    inactive_members,
    recent_runs,
    record_run,
)
from storage.tips import OFFICER, TIPSTER, add_tip_message, insert_tip, tip_thread
from tests.bot.harness import TREE
from tests.storage.harness import new_tip, telegram_member

CUT = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
BEFORE = CUT - timedelta(minutes=1)
AFTER = CUT + timedelta(minutes=1)


async def _member(database: Database, user_id: str, *, last_seen: datetime) -> int:
    async with database.transaction() as session:
        member_id = await telegram_member(session, user_id)
        await session.execute(
            update(identities)
            .where(identities.c.member_id == member_id)
            .values(last_seen_at=last_seen)
        )
        await session.execute(
            update(members).where(members.c.id == member_id).values(created_at=last_seen)
        )
        return member_id


async def test_delivery_claims_go_only_past_the_cut_off(database: Database) -> None:
    async with database.transaction() as session:
        await claim_update(session, channel="telegram", update_key="old", now=BEFORE)
        await claim_update(session, channel="telegram", update_key="new", now=AFTER)
        assert await count_expired(session, PROCESSED_UPDATES, CUT) == 1
        assert await erase_expired(session, PROCESSED_UPDATES, CUT) == 1
    async with database.session() as session:
        kept = (await session.execute(select(processed_updates.c.update_key))).scalars().all()
    assert kept == ["new"]


async def test_only_finished_outbox_rows_go(database: Database) -> None:
    async with database.transaction() as session:
        for status, finished_at in (
            ("sent", BEFORE),
            ("cancelled", BEFORE),
            ("sent", AFTER),
            ("queued", None),
        ):
            await session.execute(
                insert(outbox).values(
                    channel="telegram",
                    chat_id="-100",
                    kind="reminder",
                    status=status,
                    not_before=BEFORE - timedelta(days=30),
                    created_at=BEFORE - timedelta(days=30),
                    finished_at=finished_at,
                )
            )
        assert await erase_expired(session, FINISHED_OUTBOX, CUT) == 2
    async with database.session() as session:
        left = (await session.execute(select(outbox.c.status, outbox.c.finished_at))).all()
    assert sorted(status for status, _ in left) == ["queued", "sent"]


async def test_a_closed_tip_loses_its_phone_and_route_but_stays(database: Database) -> None:
    route = b"sealed-route"
    async with database.transaction() as session:
        closed_long_ago = await insert_tip(
            session, new_tip(code="OLD00001", contact_phone="0912345678", sender_route=route)
        )
        closed_lately = await insert_tip(
            session, new_tip(code="NEW00002", contact_phone="0987654321", sender_route=route)
        )
        still_open = await insert_tip(
            session, new_tip(code="OPEN0003", contact_phone="0911111111", sender_route=route)
        )
        for tip_id, closed_at in ((closed_long_ago, BEFORE), (closed_lately, AFTER)):
            await session.execute(
                update(tips).where(tips.c.id == tip_id).values(status="closed", closed_at=closed_at)
            )
        assert await count_expired(session, CLOSED_TIP_PHONES, CUT) == 1
        assert await erase_expired(session, CLOSED_TIP_PHONES, CUT) == 1
    async with database.session() as session:
        rows = {row.id: row for row in await session.execute(select(tips))}
    assert rows[closed_long_ago].contact_phone is None
    assert rows[closed_long_ago].sender_route == route  # the routes' own period decides
    assert rows[closed_long_ago].description == new_tip().description
    assert rows[closed_lately].contact_phone == "0987654321"
    assert rows[still_open].contact_phone == "0911111111"

    async with database.transaction() as session:
        assert await erase_expired(session, CLOSED_TIP_ROUTES, CUT) == 1
        assert await erase_expired(session, CLOSED_TIP_ROUTES, CUT) == 0
    async with database.session() as session:
        rows = {row.id: row for row in await session.execute(select(tips))}
    assert len(rows) == 3
    assert rows[closed_long_ago].sender_route is None
    assert rows[closed_lately].sender_route == route and rows[still_open].sender_route == route


async def test_a_closed_tips_thread_goes_with_its_route(database: Database) -> None:
    async with database.transaction() as session:
        closed_long_ago = await insert_tip(session, new_tip(code="OLD00001"))
        still_open = await insert_tip(session, new_tip(code="OPEN0003"))
        for tip_id in (closed_long_ago, still_open):
            await add_tip_message(
                session, tip_id, direction=OFFICER, text="Ở đâu?", attachments=[], now=BEFORE
            )
            await add_tip_message(
                session, tip_id, direction=TIPSTER, text="Chợ Vinh", attachments=[], now=BEFORE
            )
        await session.execute(
            update(tips)
            .where(tips.c.id == closed_long_ago)
            .values(status="closed", closed_at=BEFORE)
        )
        assert await count_expired(session, CLOSED_TIP_THREADS, CUT) == 2
        assert await erase_expired(session, CLOSED_TIP_THREADS, CUT) == 2
    async with database.session() as session:
        assert await tip_thread(session, closed_long_ago) == []
        assert [m.text for m in await tip_thread(session, still_open)] == ["Ở đâu?", "Chợ Vinh"]
        assert len(list(await session.execute(select(tips)))) == 2
        assert len(list(await session.execute(select(tip_messages)))) == 2


async def test_audit_entries_go_after_their_period(database: Database) -> None:
    async with database.transaction() as session:
        await record_audit(session, TIP_VIEWED, actor_member_id=None, subject_id=1, at=BEFORE)
        await record_audit(session, TIP_VIEWED, actor_member_id=None, subject_id=2, at=AFTER)
        assert await erase_expired(session, AUDIT_ENTRIES, CUT) == 1
    async with database.session() as session:
        kept = (await session.execute(select(audit_log.c.subject_id))).scalars().all()
    assert kept == [2]


async def test_an_idle_draft_is_emptied_unless_saved_meanwhile(database: Database) -> None:
    left = await _member(database, "1", last_seen=BEFORE)
    resumed = await _member(database, "2", last_seen=BEFORE)
    idle_home = await _member(database, "3", last_seen=BEFORE)
    async with database.transaction() as session:
        for member_id, flow in ((left, "tip"), (resumed, "tip"), (idle_home, None)):
            answers = {"answers": {"description": "Có người lạ"}} if flow else {}
            await save_conversation(
                session,
                member_id,
                flow=flow,
                step="description" if flow else None,
                data=answers,
                expected_version=None,
                # Kept to the day, a draft counts from the day's end: the day before the cut.
                now=BEFORE - timedelta(days=1),
            )
    async with database.session() as session:
        drafts = await idle_drafts(session, CUT)
    assert sorted(draft.member_id for draft in drafts) == [left, resumed]
    async with database.transaction() as session:
        await save_conversation(
            session, resumed, flow="tip", step="place", data={}, expected_version=1, now=AFTER
        )
    async with database.transaction() as session:
        assert await erase_drafts(session, drafts) == 1
    async with database.session() as session:
        emptied = await load_conversation(session, left)
        kept = await load_conversation(session, resumed)
        assert await idle_drafts(session, CUT) == []
    assert emptied is not None and (emptied.flow, emptied.step, emptied.data) == (None, None, {})
    assert kept is not None and kept.step == "place"


async def test_inactive_members_are_those_silent_everywhere_and_holding_no_role(
    database: Database,
) -> None:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
        commune = await area_by_code(session, "17662")
    assert commune is not None
    silent = await _member(database, "1", last_seen=BEFORE)
    await _member(database, "2", last_seen=AFTER)
    officer = await _member(database, "3", last_seen=BEFORE)
    on_zalo_lately = await _member(database, "4", last_seen=BEFORE)
    async with database.transaction() as session:
        await grant_role(
            session, member_id=officer, role="officer", area_id=commune.id, granted_by=None
        )
        await session.execute(
            insert(identities).values(
                member_id=on_zalo_lately,
                channel="zalo",
                platform_user_id="z4",
                chat_id="z4",
                created_at=AFTER,
                last_seen_at=AFTER,
            )
        )
        # Not the one who wrote lately, the officer, nor the one who wrote lately on Zalo.
        assert await inactive_members(session, CUT) == [silent]


async def test_runs_are_kept_and_read_newest_first(database: Database) -> None:
    async with database.transaction() as session:
        await record_run(
            session, BEFORE, {"audit": RunCount(3), "inactive_members": RunCount(0, 2)}
        )
        await record_run(session, AFTER, {"audit": RunCount(0), "inactive_members": RunCount(0, 5)})
    async with database.session() as session:
        audit = await recent_runs(session, "audit", 5)
        members_runs = await recent_runs(session, "inactive_members", 1)
    assert [(run.ran_at, run.erased) for run in audit] == [(AFTER, 0), (BEFORE, 3)]
    assert [(run.erased, run.left_due) for run in members_runs] == [(0, 5)]
