"""``antq broadcast create|list|show|cancel``: campaign messages from the server's command line.

The command line is the operator's: it needs no role, and what it does is audited with no
actor. The copies go out exactly as a broadcast composed in chat (the scheduler fans them out).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts.handlers import cancel_broadcast, create_broadcast
from bot.broadcasts.reads import load_progress
from bot.commandline import in_transaction
from conversations.broadcasts import (
    AUDIENCE_ROLES,
    CHANNELS,
    MAX_TEXT,
    Audience,
    BroadcastProgress,
    CreateBroadcast,
    TimeLeft,
)
from conversations.broadcasts.fields import parse_send_time
from conversations.fields import InvalidAnswer
from conversations.localtime import LOCAL_TIME, local_today, shown
from conversations.places import is_inside
from storage.areas import area_by_code, area_by_id
from storage.broadcasts import audience_size, broadcast_by_id, list_broadcasts
from storage.tables import utcnow

broadcast_cli = typer.Typer(help="Campaign messages (broadcasts).", no_args_is_help=True)


def _names(value: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [part for part in chosen if part not in allowed]
    if unknown or not chosen:
        raise typer.BadParameter(f"unknown {what} {unknown}; any of: {', '.join(allowed)}")
    return chosen


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


def _time_left(left: TimeLeft) -> str:
    if left.days:
        return f"{left.days} d {left.hours} h"
    if left.hours:
        return f"{left.hours} h {left.minutes} min"
    return f"{left.minutes} min"


def _describe(progress: BroadcastProgress, now: datetime) -> str:
    seconds = progress.seconds_left(now)
    eta = "" if seconds is None else f", about {_time_left(TimeLeft.of(seconds))} left"
    return (
        f"#{progress.id} {progress.status} — {progress.place_name} — {shown(progress.send_at)}\n"
        f"  recipients {progress.recipients or 0}: queued {progress.waiting}, sent {progress.sent},"
        f" failed {progress.failed}, blocked {progress.blocked},"
        f" cancelled {progress.cancelled}{eta}"
    )


@broadcast_cli.command("create")
def broadcast_create(
    area: Annotated[str, typer.Option(help="code of the place it is sent within (a commune)")],
    text: Annotated[str | None, typer.Option(help="the Vietnamese text")] = None,
    text_file: Annotated[
        Path | None, typer.Option(help="read the Vietnamese text from a file")
    ] = None,
    text_en: Annotated[str | None, typer.Option(help="an English version")] = None,
    to: Annotated[
        list[str] | None, typer.Option(help="codes of places inside --area (default: all of it)")
    ] = None,
    roles: Annotated[str, typer.Option(help="comma-separated roles")] = ",".join(AUDIENCE_ROLES),
    channels: Annotated[str, typer.Option(help="comma-separated channels")] = ",".join(CHANNELS),
    at: Annotated[str | None, typer.Option(help='local time to send, e.g. "20:00 25/12"')] = None,
) -> None:
    """Create a broadcast; it goes out now, or at --at (Asia/Ho_Chi_Minh)."""
    body = text_file.read_text(encoding="utf-8").strip() if text_file else (text or "").strip()
    if not body or len(body) > MAX_TEXT:
        raise typer.BadParameter(f"give --text or --text-file of 1 to {MAX_TEXT} characters")
    chosen_roles = _names(roles, tuple(str(role) for role in AUDIENCE_ROLES), "role")
    chosen_channels = _names(channels, CHANNELS, "channel")
    now = utcnow()
    send_at = now
    if at:
        try:
            local = parse_send_time(at, local_today(now))
        except InvalidAnswer:
            raise typer.BadParameter(f"cannot read the time {at!r}") from None
        send_at = max(now, local.replace(tzinfo=LOCAL_TIME).astimezone(UTC))

    async def work(session: AsyncSession) -> tuple[int, int] | str:
        place = await area_by_code(session, area)
        if place is None:
            return f"no place with code {area!r} (try: antq areas find NAME)"
        targets = []
        for code in to or [area]:
            target = await area_by_code(session, code)
            if target is None or not is_inside(target.path, place.path):
                return f"{code!r} is not a place inside {place.name}"
            targets.append(target.id)
        audience = Audience(tuple(targets), chosen_roles, chosen_channels)
        reach = await audience_size(session, audience.as_json())
        effect = CreateBroadcast(
            area_id=place.id,
            audience=audience,
            text_vi=body,
            text_en=(text_en or "").strip() or None,
            photo_channel=None,
            photo_file_id=None,
            send_at=send_at,
        )
        return await create_broadcast(session, None, effect, now), reach

    result = in_transaction(work)
    if isinstance(result, str):
        raise _fail(result)
    broadcast_id, reach = result
    typer.echo(f"broadcast #{broadcast_id}: {reach} recipients, from {shown(send_at)}")


@broadcast_cli.command("list")
def broadcast_list(
    area: Annotated[str | None, typer.Option(help="only those sent within this place")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
) -> None:
    """The newest broadcasts with their counts."""

    async def work(session: AsyncSession) -> list[BroadcastProgress] | str:
        path = None
        if area is not None:
            place = await area_by_code(session, area)
            if place is None:
                return f"no place with code {area!r}"
            path = place.path
        return await load_progress(
            session, await list_broadcasts(session, within_path=path, limit=limit)
        )

    result = in_transaction(work)
    if isinstance(result, str):
        raise _fail(result)
    now = utcnow()
    for progress in result:
        typer.echo(_describe(progress, now))
    if not result:
        typer.echo("no broadcasts")


@broadcast_cli.command("show")
def broadcast_show(broadcast_id: int) -> None:
    """One broadcast: its audience, text and counts."""

    async def work(session: AsyncSession) -> tuple[BroadcastProgress, list[str]] | None:
        record = await broadcast_by_id(session, broadcast_id)
        if record is None:
            return None
        (progress,) = await load_progress(session, [record])
        audience = record.audience
        places = []
        for area_id in audience.get("area_ids", []):
            area = await area_by_id(session, int(area_id))
            places.append(f"{area.name} ({area.code})" if area else f"place #{area_id} (gone)")
        lines = [
            f"  places: {', '.join(places)}",
            f"  roles: {', '.join(audience.get('roles', []))}",
            f"  channels: {', '.join(audience.get('channels', []))}",
            f"  text: {progress.text_vi}",
        ]
        if record.text_en:
            lines.append(f"  english: {record.text_en}")
        return progress, lines

    result = in_transaction(work)
    if result is None:
        raise _fail(f"no broadcast #{broadcast_id}")
    progress, lines = result
    typer.echo(_describe(progress, utcnow()))
    for line in lines:
        typer.echo(line)


@broadcast_cli.command("cancel")
def broadcast_cancel(broadcast_id: int) -> None:
    """Stop a scheduled or running broadcast: copies not yet sent are cancelled."""

    async def work(session: AsyncSession) -> str | None:
        """None when cancelled now; else why not."""
        record = await broadcast_by_id(session, broadcast_id)
        if record is None:
            return f"no broadcast #{broadcast_id}"
        if await cancel_broadcast(session, broadcast_id, actor_member_id=None, now=utcnow()):
            return None
        return f"broadcast #{broadcast_id} is {record.status} and cannot be cancelled"

    refusal = in_transaction(work)
    if refusal is not None:
        raise _fail(refusal)
    typer.echo(f"broadcast #{broadcast_id} cancelled")
