"""Invitations, roles and the audit log through the processor and the database."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from conversations.people import GiveUpRole
from conversations.people.invitations import new_invite_code
from conversations.policy import PolicyViolation
from conversations.ports import Member
from conversations.secret_codes import LOCKOUTS, CodeKind
from storage._sql import audit_log, code_attempts, invitations, member_roles, outbox, tips
from storage.areas import area_by_code
from storage.database import Database
from storage.people.members import find_or_create_member
from storage.people.roles import grant_role
from tests.bot.harness import (
    ADMIN_USER,
    Phone,
    apply_effect,
    at_menu,
    invite_leader,
    make_processor,
    member_with_roles,
    phone_at_menu,
    rows,
    walk,
)
from tests.conversations.harness import ANONYMOUS_PATH, DESCRIPTION, Clock, t


async def test_an_invited_leader_joins_by_deep_link_and_the_admin_is_told(tree: Database) -> None:
    clock = Clock()
    code = await invite_leader(tree, clock)
    leader = Phone(make_processor(tree, clock), user_id="42", name="Trần Văn Đông")
    await leader.send(text=f"/start {code}")
    assert t("privacy.ask") in leader.text  # a role keeps a name: the notice comes first
    await leader.send(text="1")
    assert t("join.welcome", role=t("role.leader"), place="Thôn Đông, Xã Đô Lương") in leader.text
    await leader.send(text="1")  # the language, asked right after joining
    await leader.send(option="section:settings", option_ref="menu")
    assert "roles" in [option.id for option in leader.replies[-1].options]  # type: ignore[union-attr]

    (invitation,) = await rows(tree, invitations)
    roles = await rows(tree, member_roles)
    assert invitation["used_at"] is not None
    assert [(r["role"], r["revoked_at"]) for r in roles] == [("admin", None), ("leader", None)]
    assert invitation["used_by"] == roles[1]["member_id"]
    audit = await rows(tree, audit_log)
    assert [entry["action"] for entry in audit] == [
        "invitation.created",
        "invitation.used",
        "role.granted",
    ]
    (notice,) = await rows(tree, outbox)  # queued with the join, in its transaction
    assert notice["member_id"] == roles[0]["member_id"]
    assert notice["text"] == t(
        "notice.invitation_used",
        name="Trần Văn Đông",
        role=t("role.leader"),
        place="Thôn Đông, Xã Đô Lương",
    )


async def test_the_admin_is_told_who_joined_without_a_name_and_the_role_in_words(
    tree: Database,
) -> None:
    clock = Clock()
    code = await invite_leader(tree, clock)
    leader = Phone(make_processor(tree, clock), user_id="42", name="")  # console, Zalo
    await leader.send(text=f"/start {code}")
    await leader.send(text="1")
    joined = await member_with_roles(tree, "42")
    (notice,) = await rows(tree, outbox)
    told = str(notice["text"])
    assert told == t(
        "notice.invitation_used",
        name=t("staff.unnamed_member", number=joined),
        role=t("role.leader"),
        place="Thôn Đông, Xã Đô Lương",
    )
    assert " leader " not in told


async def test_a_used_code_gets_the_same_answer_as_an_unknown_one(tree: Database) -> None:
    clock = Clock()
    code = await invite_leader(tree, clock)
    first = Phone(make_processor(tree, clock), user_id="42")
    second = Phone(make_processor(tree, clock), user_id="43")
    for phone in (first, second):
        await at_menu(phone)
    await first.send(text=code)
    await second.send(text=code)
    reused = second.text
    await second.send(text=new_invite_code())
    assert reused == second.text
    assert t("join.not_found") in reused


async def test_the_slow_down_survives_a_restart(tree: Database) -> None:
    clock = Clock()
    code = await invite_leader(tree, clock)
    guesser = await phone_at_menu(tree, clock, "66")
    max_wrong = LOCKOUTS[CodeKind.INVITATION].max_wrong
    for _ in range(max_wrong):
        await guesser.send(text=f"/join {new_invite_code()}")
    (attempts,) = await rows(tree, code_attempts)
    assert attempts["kind"] == "invitation"
    assert attempts["failures"] == max_wrong and attempts["locked_until"] is not None

    restarted = Phone(make_processor(tree, clock), user_id="66")
    await restarted.send(text=f"/join {code}")
    assert t("join.slow_down", minutes=15) in restarted.text
    roles = await rows(tree, member_roles)
    assert len(roles) == 1  # only the admin's


async def test_leaving_a_role_is_audited(tree: Database) -> None:
    clock = Clock()
    code = await invite_leader(tree, clock)
    leader = await phone_at_menu(tree, clock, "42")
    await leader.send(text=code)
    await leader.send(text="/roles")
    await leader.send(text="1")
    await leader.send(text="1")
    described = f"{t('role.leader')} — Thôn Đông, Xã Đô Lương"
    assert t("roles.left", role=described) in leader.text
    roles = await rows(tree, member_roles)
    assert roles[1]["revoked_at"] is not None and roles[1]["revoked_by"] == roles[1]["member_id"]
    assert (await rows(tree, audit_log))[-1]["action"] == "role.left"


async def test_an_officers_look_at_a_tip_is_audited_without_its_text(tree: Database) -> None:
    clock = Clock()
    tipster = await phone_at_menu(tree, clock, "77")
    await tipster.send(text="1")
    await walk(tipster, ANONYMOUS_PATH)
    await tipster.send(text="1")
    async with tree.transaction() as session:
        hamlet = await area_by_code(session, "17662-001")
        commune = await area_by_code(session, "17662")
        assert hamlet is not None and commune is not None
        # Tips get their place from officers' triage (not built yet); set it directly here.
        await session.execute(text("UPDATE tips SET area_id = :id"), {"id": hamlet.id})
        officer = await find_or_create_member(
            session, channel="telegram", platform_user_id="88", chat_id="88", display_name=None
        )
        await grant_role(
            session, member_id=officer.id, role="officer", area_id=commune.id, granted_by=None
        )
    (tip,) = await rows(tree, tips)
    reader = await phone_at_menu(tree, clock, "88")
    await reader.send(text=f"/xemtin {tip['code']}")
    assert DESCRIPTION in reader.text

    (viewed,) = [entry for entry in await rows(tree, audit_log) if entry["action"] == "tip.viewed"]
    assert viewed["actor_member_id"] == officer.id
    assert (viewed["subject_kind"], viewed["subject_id"]) == ("tip", tip["id"])
    assert viewed["area_id"] == hamlet.id
    async with tree.transaction() as session:
        dump = (await session.execute(text("SELECT * FROM audit_log"))).all()
    assert DESCRIPTION not in repr(dump) and str(tip["code"]) not in repr(dump)
    text_columns = {c.name for c in audit_log.columns if str(c.type).startswith(("TEXT", "JSON"))}
    assert text_columns == set()


async def test_a_role_of_somebody_else_cannot_be_left_by_a_stale_effect(tree: Database) -> None:
    (admin_role,) = await rows(tree, member_roles)
    async with tree.transaction() as session:
        with pytest.raises(PolicyViolation):
            await apply_effect(
                session,
                Member(999, "vi"),
                None,
                GiveUpRole(int(admin_role["id"]), leaving=True),  # type: ignore[call-overload]
                Clock()(),
            )


async def test_an_admin_revokes_a_role_and_the_holder_is_told(tree: Database) -> None:
    clock = Clock()
    code = await invite_leader(tree, clock)
    leader = Phone(make_processor(tree, clock), user_id="42", name="Trần Văn Đông")
    await at_menu(leader)
    await leader.send(text=code)
    admin = Phone(make_processor(tree, clock), user_id=ADMIN_USER)
    await admin.send(text="/canbo")
    await admin.send(text="17662")
    assert "Trần Văn Đông" in admin.text
    leader_role = (await rows(tree, member_roles))[1]
    await admin.send(text=f"/thuhoi {leader_role['id']}")
    assert t("staff.no_such_role") not in admin.text

    revoked = (await rows(tree, member_roles))[1]
    assert revoked["revoked_at"] is not None
    assert revoked["revoked_by"] == (await rows(tree, member_roles))[0]["member_id"]
    assert (await rows(tree, audit_log))[-1]["action"] == "role.revoked"
    told = [n for n in await rows(tree, outbox) if n["message_key"] == "notice.role_revoked"]
    assert [n["member_id"] for n in told] == [leader_role["member_id"]]
    await leader.send(text="/vaitro")
    assert t("roles.none") in leader.text  # a resident again


async def test_staff_without_a_name_on_record_are_told_apart_by_number(tree: Database) -> None:
    console = await member_with_roles(tree, "an", [("leader", "17662-001")], channel="console")
    admin = await phone_at_menu(tree, Clock(), ADMIN_USER)
    await admin.send(text="/canbo")
    await admin.send(text="17662")
    assert t("staff.unnamed_member", number=console) in admin.text
    assert f"— {t('common.unknown')} —" not in admin.text
