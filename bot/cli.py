"""The ``antq`` command."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from bot import app as application
from bot.broadcasts.cli import broadcast_cli
from bot.channels.base import TokenRefused
from bot.channels.zalo_oa.cli import zalo_oa_cli
from bot.exports.cli import export_cli
from bot.movement_year.cli import overview, report, targets_cli
from bot.people.areas_cli import areas_cli
from bot.people.cli import admin_cli, invite_cli, roles_cli
from bot.privacy.cli import privacy_cli
from bot.sealing import new_key
from bot.settings import Settings
from conversations.fields import format_tip_code, normalise_tip_code
from conversations.localtime import shown
from storage import migrate
from storage.audit import TIP_VIEWED, record_audit
from storage.database import Database
from storage.tables import utcnow
from storage.tips import find_tip_by_code, list_tips, tip_thread

cli = typer.Typer(
    help="antq-bot: tips, reports and reminders for the ANTQ movement.", no_args_is_help=True
)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
tips_cli = typer.Typer(help="Residents' tips.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(tips_cli, name="tips")
cli.add_typer(areas_cli, name="areas")
cli.add_typer(invite_cli, name="invite")
cli.add_typer(admin_cli, name="admin")
cli.add_typer(roles_cli, name="roles")
cli.add_typer(broadcast_cli, name="broadcast")
cli.add_typer(export_cli, name="export")
cli.add_typer(privacy_cli, name="privacy")
cli.add_typer(zalo_oa_cli, name="zalo-oa")
cli.add_typer(targets_cli, name="targets")
cli.command("overview")(overview)
cli.command("report")(report)


def _settings() -> Settings:
    settings = Settings()
    application.configure_logging(settings.log_level)
    return settings


@cli.command()
def run(
    console_user: Annotated[str, typer.Option(help="platform user id of the console chat")] = "1",
) -> None:
    """Migrate the database and serve the bot (a console chat when no token is configured)."""
    try:
        asyncio.run(application.run(_settings(), console_user=console_user))
    except TokenRefused as refused:
        raise SystemExit(f"antq run: {refused}") from None


@cli.command()
def chat(
    user_id: Annotated[str, typer.Option("--user-id", help="platform user id to chat as")] = "1",
) -> None:
    """Chat with the bot in this terminal as a given user."""
    asyncio.run(application.chat(_settings(), user_id))


@cli.command("secret-key")
def secret_key() -> None:
    """Print a new value for ANTQ_SECRET_KEY."""
    typer.echo(new_key())


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    migrate.upgrade(_settings().database_url, revision)
    typer.echo("database is up to date")


@db_cli.command("current")
def db_current() -> None:
    """Show the database's migration revision."""
    typer.echo(migrate.current(_settings().database_url) or "empty database")


@tips_cli.command("list")
def tips_list(
    status: Annotated[str | None, typer.Option(help="only tips with this status")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """List the newest tips. Never shows who sent them."""

    async def fetch() -> None:
        database = Database(_settings().database_url)
        try:
            async with database.transaction() as session:
                tips = await list_tips(session, status=status, limit=limit)
        finally:
            await database.dispose()
        if not tips:
            typer.echo("no tips")
        for tip in tips:
            sender = "anonymous" if tip.anonymous else "with contact"
            summary = tip.description.replace("\n", " ")
            summary = summary if len(summary) <= 60 else summary[:59] + "…"
            typer.echo(
                f"{format_tip_code(tip.code)}  {shown(tip.received_at)}  {tip.status:<12} "
                f"{tip.category:<17} {sender:<12} files={len(tip.attachments)}  {summary}"
            )

    asyncio.run(fetch())


@tips_cli.command("thread")
def tips_thread(
    code: Annotated[str, typer.Argument(help="the tip's code, e.g. K7Q2-M9XD")],
) -> None:
    """Print a tip's thread in order: who wrote (tipster or officer), when, what. Never shows
    who the tipster is or which officer wrote; the reading is audited."""
    canonical = normalise_tip_code(code)
    if canonical is None:
        raise typer.BadParameter(f"{code!r} is not a tip code (8 characters, e.g. K7Q2-M9XD)")

    async def fetch() -> list[str] | None:
        database = Database(_settings().database_url)
        try:
            async with database.transaction() as session:
                tip = await find_tip_by_code(session, canonical)
                if tip is None:
                    return None
                await record_audit(
                    session,
                    TIP_VIEWED,
                    actor_member_id=None,
                    subject_kind="tip",
                    subject_id=tip.id,
                    area_id=tip.area_id,
                    at=utcnow(),
                )
                messages = await tip_thread(session, tip.id)
        finally:
            await database.dispose()
        return [
            f"{shown(message.created_at)}  {message.direction:<7}  "
            f"{(message.text or '').replace(chr(10), ' ')}"
            + (f"  files={len(message.attachments)}" if message.attachments else "")
            + (
                f"  location={message.latitude},{message.longitude}"
                if message.latitude is not None
                else ""
            )
            + ("  important" if message.important else "")
            for message in messages
        ]

    lines = asyncio.run(fetch())
    if lines is None:
        typer.echo("no tip with this code", err=True)
        raise typer.Exit(1)
    typer.echo("\n".join(lines) if lines else "no messages in this tip's thread")


def main() -> None:
    cli()
