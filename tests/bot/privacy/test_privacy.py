"""A person's own data through the processor and the database: consent stored, /dulieucuatoi
lists what is held, /xoadulieu and ``antq privacy erase`` leave nothing of the person."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from conversations.fields import format_tip_code
from conversations.privacy import NOTICE_VERSION
from conversations.replies import Document
from storage._sql import audit_log, consent_decisions, members, tips
from storage.areas import insert_areas
from storage.database import Database
from tests.bot.harness import (
    NAME,
    SEALER,
    TREE,
    USER_ID,
    CommandLine,
    Phone,
    at_menu,
    make_processor,
    member_with_roles,
    rows,
    walk,
)
from tests.conversations.harness import ANONYMOUS_PATH, CONTACT_PATH, t
from tests.harness import database_contents

PHONE_TYPED, PHONE_STORED = "0912 345 678", "+84912345678"
DAY = "23/11/2026"  # the day of the harness's clock


async def _seeded(database: Database) -> Phone:
    """A member who agreed, leads Thôn Đông, sent a tip with their phone and an anonymous one."""
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    phone = Phone(make_processor(database))
    await at_menu(phone)
    await member_with_roles(database, USER_ID, [("leader", "17662-001")], display_name=NAME)
    for path in (CONTACT_PATH, ANONYMOUS_PATH):
        await phone.send(text="/tinbao")
        await walk(phone, path)
        await phone.send(text="1")
        assert t("tip.safety") in phone.text
    return phone


async def test_consent_is_stored_with_its_version_and_the_name_kept_from_then(
    database: Database,
) -> None:
    phone = Phone(make_processor(database))
    await phone.send(text="/start")
    await phone.send(text="1")
    assert [row["display_name"] for row in await rows(database, members)] == [None]
    await phone.send(text="/dongy")
    await phone.send(text="Đồng ý")
    (decision,) = await rows(database, consent_decisions)
    assert decision["decision"] == "given" and decision["notice_version"] == NOTICE_VERSION
    (member,) = await rows(database, members)
    assert member["display_name"] == NAME and member["consent_version"] == NOTICE_VERSION

    await phone.send(text="/rutdongy")
    assert t("privacy.withdrawn") in phone.text
    (member,) = await rows(database, members)
    assert member["display_name"] is None and member["consent_version"] is None
    assert [row["decision"] for row in await rows(database, consent_decisions)] == [
        "given",
        "withdrawn",
    ]


async def test_my_data_lists_what_is_held_as_a_message_and_a_json_file(database: Database) -> None:
    phone = await _seeded(database)
    async with database.transaction() as session:
        (code,) = (
            await session.execute(select(tips.c.code).where(tips.c.member_id.is_not(None)))
        ).scalars()
    await phone.send(text="/dulieucuatoi")
    for shown in (NAME, USER_ID, t("role.leader"), "Thôn Đông", format_tip_code(code)):
        assert shown in phone.text, shown
    assert "0912345678" in phone.text and PHONE_STORED not in phone.text  # shown as 0…
    assert t("privacy.decision.given") in phone.text
    on = t("privacy.my_data.on")
    assert t("privacy.my_data.preferences", reminders=on, campaigns=on) in phone.text
    # Times on the person's own rows are kept to the day, and shown as the day.
    given, version = t("privacy.decision.given"), NOTICE_VERSION
    assert t("privacy.my_data.consent", decision=given, version=version, at=DAY) in phone.text
    seen = t(
        "privacy.my_data.identity",
        channel="telegram",
        platform_user_id=USER_ID,
        created=DAY,
        last_seen=DAY,
    )
    assert seen in phone.text
    (file,) = [reply for reply in phone.replies if isinstance(reply, Document)]
    data = json.loads(file.data)
    assert data["display_name"] == NAME
    assert data["identities"][0]["platform_user_id"] == USER_ID
    assert [tip["contact_phone"] for tip in data["tips_with_contact"]] == [PHONE_STORED]
    assert data["roles"][0]["role"] == "leader"
    assert data["consent_history"][0]["decision"] == "given"


def _traces(data: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Every place (table.column) where the person's name, account id or phone still shows,
    in clear or in a sealed route the key opens."""
    found = []
    for table, table_rows in data.items():
        for row in table_rows:
            for column, value in row.items():
                if isinstance(value, bytes | memoryview):
                    try:
                        _, chat = SEALER.open_route(bytes(value))
                    except Exception:
                        continue
                    if chat == USER_ID:
                        found.append(f"{table}.{column} (sealed)")
                    continue
                text = json.dumps(value, ensure_ascii=False, default=str)
                if any(secret in text for secret in (NAME, USER_ID, "912345678")):
                    found.append(f"{table}.{column}")
    return found


async def test_erasing_in_chat_leaves_no_trace_of_the_person_and_keeps_their_tips(
    database: Database,
) -> None:
    phone = await _seeded(database)
    assert _traces(await database_contents(database))  # the walk does find the person before

    await phone.send(text="/xoadulieu")
    assert t("privacy.erase.ask") in phone.text
    await phone.send(text="1")
    assert t("privacy.erase.done") in phone.text
    assert t("menu.prompt") not in phone.text  # nobody is left to show a menu to

    data = await database_contents(database)
    assert _traces(data) == []
    assert len(data["tips"]) == 2 and all(tip["member_id"] is None for tip in data["tips"])
    assert data["members"] == [] and data["identities"] == []
    erased = [row for row in await rows(database, audit_log) if row["action"] == "member.erased"]
    assert len(erased) == 1 and erased[0]["subject_kind"] == "member"


async def test_keeping_the_data_at_the_question_erases_nothing(database: Database) -> None:
    phone = await _seeded(database)
    await phone.send(text="/xoadulieu")
    await phone.send(text="2")
    assert t("privacy.erase.kept") in phone.text
    assert len(await rows(database, members)) == 1


def test_a_paper_request_is_exported_and_erased_from_the_command_line(
    antq: CommandLine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTQ_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ANTQ_SECRET_KEY", base64.urlsafe_b64encode(bytes(range(32))).decode())
    antq.on_database(_seeded)
    target = tmp_path / "request.json"
    exported = antq(
        "privacy", "export", "--channel", "telegram", "--user-id", USER_ID, "-o", str(target)
    )
    assert exported.exit_code == 0, exported.output
    assert json.loads(target.read_text())["display_name"] == NAME
    assert target.stat().st_mode & 0o777 == 0o600

    refused = antq("privacy", "erase", "--member", "1", input="n\n")
    assert refused.exit_code != 0
    erased = antq("privacy", "erase", "--member", "1", "--yes")
    assert erased.exit_code == 0, erased.output
    assert "2 tip(s) unlinked" not in erased.output  # one identified tip, one anonymous route
    assert "1 tip(s) unlinked, 1 sealed route(s) erased" in erased.output

    async def left(database: Database) -> list[str]:
        return _traces(await database_contents(database))

    assert antq.on_database(left) == []
    again = antq("privacy", "export", "--member", "1")
    assert again.exit_code == 1 and "no such member" in again.output
