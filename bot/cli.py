"""The ``antq`` command."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from bot import app as application
from bot.broadcasts.cli import broadcast_cli
from bot.channels.base import TokenRefused
from bot.channels.zalo_oa.cli import zalo_oa_cli
from bot.commendations.cli import commendations_cli
from bot.exports.cli import export_cli
from bot.movement_year.cli import overview, report, targets_cli
from bot.operations.cli import backup, restore, secret_key_cli
from bot.people.areas_cli import areas_cli
from bot.people.cli import admin_cli, invite_cli, roles_cli
from bot.privacy.cli import privacy_cli
from bot.settings import Settings
from bot.surveys.cli import survey_cli
from bot.tips.cli import tips_cli
from bot.units.cli import units_cli
from storage import migrate

cli = typer.Typer(
    help="antq-bot: tips, reports and reminders for the ANTQ movement.", no_args_is_help=True
)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
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
cli.add_typer(units_cli, name="units")
cli.add_typer(commendations_cli, name="commendations")
cli.add_typer(survey_cli, name="survey")
cli.command("overview")(overview)
cli.command("report")(report)
# Upkeep: backups and the server key (deploy/README.md, "Backups", "Replacing the server key").
cli.add_typer(secret_key_cli, name="secret-key")
cli.command("backup")(backup)
cli.command("restore")(restore)


# The exit status of a command stopped by Ctrl+C before it could stop on its own (128 + SIGINT).
INTERRUPTED = 130


def _settings() -> Settings:
    settings = Settings()
    application.configure_logging(settings.log_level, log_format=settings.log_format)
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
    except KeyboardInterrupt:
        raise SystemExit(INTERRUPTED) from None  # Ctrl+C while starting: nothing to show


@cli.command()
def chat(
    user_id: Annotated[str, typer.Option("--user-id", help="platform user id to chat as")] = "1",
) -> None:
    """Chat with the bot in this terminal as a given user."""
    try:
        asyncio.run(application.chat(_settings(), user_id))
    except KeyboardInterrupt:
        raise SystemExit(INTERRUPTED) from None


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    migrate.upgrade(_settings().database_url, revision)
    typer.echo("database is up to date")


@db_cli.command("current")
def db_current() -> None:
    """Show the database's migration revision."""
    typer.echo(migrate.current(_settings().database_url) or "empty database")


def main() -> None:
    cli()
