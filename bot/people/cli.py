"""``antq invite``, ``antq admin``, ``antq roles``: roles from the server's command line.

The command line is the operator's: it needs no role (the first admin comes from here), and
its actions are audited with no actor.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Annotated, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commandline import audit_operator, in_transaction
from bot.places import grant_of, place_of
from bot.settings import Settings
from conversations.localtime import shown
from conversations.people.invitations import (
    INVITE_TTL,
    deep_link,
    format_invite_code,
    new_invite_code,
)
from conversations.policy import GRANTABLE, ROLE_PLACES, Role, fits_place
from storage.areas import area_by_code
from storage.audit import INVITATION_CREATED, ROLE_GRANTED, ROLE_REVOKED
from storage.people.invitations import DuplicateInvitationCode, create_invitation
from storage.people.members import find_or_create_member
from storage.people.roles import grant_role, revoke_role, roles_within
from storage.tables import utcnow
from storage.web_sessions import end_member_sessions

invite_cli = typer.Typer(help="One-time invitations to a role.", no_args_is_help=True)
admin_cli = typer.Typer(help="Administrators.", no_args_is_help=True)
roles_cli = typer.Typer(help="Members' roles.", no_args_is_help=True)

ROLE_NAMES = ", ".join(GRANTABLE)


class CommandError(Exception):
    """A refusal to show the operator (unknown place, role that does not fit it ...)."""


def _role(value: str) -> Role:
    try:
        role = Role(value)
    except ValueError:
        raise typer.BadParameter(f"unknown role {value!r}; one of: {ROLE_NAMES}") from None
    if role not in GRANTABLE:
        raise typer.BadParameter(f"{value!r} cannot be granted; one of: {ROLE_NAMES}")
    return role


T = TypeVar("T")


def _run(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    try:
        return in_transaction(work)
    except CommandError as problem:
        typer.echo(str(problem), err=True)
        raise typer.Exit(1) from None


async def create_invitation_for(
    session: AsyncSession, role: Role, area_code: str, days: float
) -> tuple[str, str, datetime]:
    """(code, place name, expiry) of a new invitation made by the operator."""
    area = await area_by_code(session, area_code)
    if area is None:
        raise CommandError(f"no place with code {area_code!r} (try: antq areas find NAME)")
    place = place_of(area)
    if not fits_place(role, place):
        kinds = ", ".join(sorted(ROLE_PLACES[role]))
        raise CommandError(f"a {role} is held in a place of kind {kinds}, not {area.kind}")
    now = utcnow()
    expires_at = now + timedelta(days=days)
    for _ in range(5):
        code = new_invite_code()
        try:
            invitation_id = await create_invitation(
                session,
                code=code,
                role=role,
                area_id=area.id,
                created_by=None,
                expires_at=expires_at,
                now=now,
            )
        except DuplicateInvitationCode:
            continue
        await audit_operator(
            session,
            INVITATION_CREATED,
            "invitation",
            invitation_id,
            role=role,
            area_id=area.id,
            at=now,
        )
        return code, place.full_name, expires_at
    raise CommandError("could not draw an unused code; try again")


@invite_cli.command("create")
def invite_create(
    role: Annotated[str, typer.Option(help=f"one of: {ROLE_NAMES}")],
    area: Annotated[str, typer.Option(help="the place's code (antq areas find NAME)")],
    days: Annotated[float, typer.Option(min=0.01, max=90)] = INVITE_TTL.days,
    bot_username: Annotated[
        str | None, typer.Option(help="Telegram bot username (default ANTQ_TELEGRAM_BOT_USERNAME)")
    ] = None,
) -> None:
    """Make a one-time invitation code (and Telegram link) for a role in a place."""
    chosen = _role(role)

    async def work(session: AsyncSession) -> tuple[str, str, datetime]:
        return await create_invitation_for(session, chosen, area, days)

    code, place, expires_at = _run(work)
    typer.echo(f"code:    {format_invite_code(code)}")
    typer.echo(f"role:    {chosen} in {place}")
    typer.echo(f"expires: {shown(expires_at)}")
    link = deep_link(bot_username or Settings().telegram_bot_username, code)
    typer.echo(f"link:    {link}" if link else "link:    (set ANTQ_TELEGRAM_BOT_USERNAME)")


@admin_cli.command("add")
def admin_add(
    user_id: Annotated[str, typer.Option("--user-id", help="the person's platform user id")],
    area: Annotated[str, typer.Option(help="code of the commune or province they run")],
    channel: Annotated[str, typer.Option(help="telegram, zalo or console")] = "telegram",
) -> None:
    """Make somebody an admin of a commune or province (how the first admin is made)."""

    async def work(session: AsyncSession) -> str:
        place = await area_by_code(session, area)
        if place is None:
            raise CommandError(f"no place with code {area!r} (try: antq areas find NAME)")
        if not fits_place(Role.ADMIN, place_of(place)):
            raise CommandError(f"an admin runs a commune or a province, not a {place.kind}")
        member = await find_or_create_member(
            session, channel=channel, platform_user_id=user_id, chat_id=user_id, display_name=None
        )
        role_id, new = await grant_role(
            session, member_id=member.id, role=Role.ADMIN, area_id=place.id, granted_by=None
        )
        if not new:
            return f"already an admin of {place_of(place).full_name} (role {role_id})"
        await audit_operator(
            session, ROLE_GRANTED, "member", member.id, role=Role.ADMIN, area_id=place.id
        )
        return f"member {member.id} is now an admin of {place_of(place).full_name} (role {role_id})"

    typer.echo(_run(work))


@roles_cli.command("list")
def roles_list(
    area: Annotated[str | None, typer.Option(help="only roles in this place and below")] = None,
) -> None:
    """The roles in force, by place."""

    async def work(session: AsyncSession) -> list[str]:
        path = "/"
        if area is not None:
            place = await area_by_code(session, area)
            if place is None:
                raise CommandError(f"no place with code {area!r}")
            path = place.path
        return [
            f"{role.id:>6}  member {role.member_id:<6} {role.member_name or '-':<24} "
            f"{role.role:<10} {grant_of(role).place.full_name}"
            for role in await roles_within(session, path, limit=1000)
        ]

    lines = _run(work)
    if not lines:
        typer.echo("no roles")
    for line in lines:
        typer.echo(line)


@roles_cli.command("revoke")
def roles_revoke(
    role_id: Annotated[int, typer.Argument(help="the id shown by roles list")],
) -> None:
    """End a role (audited; the holder keeps their other roles)."""

    async def work(session: AsyncSession) -> str:
        role = await revoke_role(session, role_id, by=None)
        if role is None:
            raise CommandError(f"no active role {role_id}")
        await end_member_sessions(session, role.member_id, now=utcnow())
        await audit_operator(
            session, ROLE_REVOKED, "member", role.member_id, role=role.role, area_id=role.area_id
        )
        return (
            f"revoked: {role.role} of member {role.member_id} in {grant_of(role).place.full_name}"
        )

    typer.echo(_run(work))
