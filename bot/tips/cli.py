"""``antq tips``: the operator's view of residents' tips, from the server's command line.

Never shows who sent a tip or which officer wrote in its thread; reading a thread is audited.
"""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commandline import audit_operator, in_transaction
from conversations.fields import format_tip_code, normalise_tip_code
from conversations.localtime import shown
from storage.audit import TIP_VIEWED
from storage.tables import utcnow
from storage.tips import ThreadMessage, TipRecord, find_tip_by_code, list_tips, tip_thread

tips_cli = typer.Typer(help="Residents' tips.", no_args_is_help=True)

SUMMARY_LENGTH = 60


@tips_cli.command("list")
def tips_list(
    status: Annotated[str | None, typer.Option(help="only tips with this status")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """List the newest tips. Never shows who sent them."""

    async def read(session: AsyncSession) -> list[TipRecord]:
        return await list_tips(session, status=status, limit=limit)

    tips = in_transaction(read)
    if not tips:
        typer.echo("no tips")
    for tip in tips:
        typer.echo(tip_line(tip))


def tip_line(tip: TipRecord) -> str:
    sender = "anonymous" if tip.anonymous else "with contact"
    summary = tip.description.replace("\n", " ")
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[: SUMMARY_LENGTH - 1] + "…"
    return (
        f"{format_tip_code(tip.code)}  {shown(tip.received_at)}  {tip.status:<12} "
        f"{tip.category:<17} {sender:<12} files={len(tip.attachments)}  {summary}"
    )


@tips_cli.command("thread")
def tips_thread(
    code: Annotated[str, typer.Argument(help="the tip's code, e.g. K7Q2-M9XD")],
) -> None:
    """Print a tip's thread in order: who wrote (tipster or officer), when, what. Never shows
    who the tipster is or which officer wrote; the reading is audited."""
    canonical = normalise_tip_code(code)
    if canonical is None:
        raise typer.BadParameter(f"{code!r} is not a tip code (8 characters, e.g. K7Q2-M9XD)")

    async def read(session: AsyncSession) -> list[ThreadMessage] | None:
        tip = await find_tip_by_code(session, canonical)
        if tip is None:
            return None
        await audit_operator(
            session,
            TIP_VIEWED,
            "tip",
            tip.id,
            area_id=tip.area_id,
            at=utcnow(),
        )
        return await tip_thread(session, tip.id)

    messages = in_transaction(read)
    if messages is None:
        typer.echo("no tip with this code", err=True)
        raise typer.Exit(1)
    lines = [thread_line(message) for message in messages]
    typer.echo("\n".join(lines) if lines else "no messages in this tip's thread")


def thread_line(message: ThreadMessage) -> str:
    line = f"{shown(message.created_at)}  {message.direction:<7}  "
    line += (message.text or "").replace("\n", " ")
    if message.attachments:
        line += f"  files={len(message.attachments)}"
    if message.latitude is not None:
        line += f"  location={message.latitude},{message.longitude}"
    if message.important:
        line += "  important"
    return line
