"""``antq backup``, ``antq restore`` and ``antq secret-key``: the operator's upkeep commands.

Like the other operator commands they print plain lines for the person at the terminal and
exit 1 with a line on standard error when something is wrong.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from bot.commandline import configured_sealer
from bot.operations.backup import BackupError
from bot.operations.backup import backup as make_backup
from bot.operations.backup import restore as bring_back
from bot.operations.rekeying import Rekeyed, rekey
from bot.operations.secret_key import Resealed, rotate
from bot.sealing import new_key
from bot.settings import Settings
from storage.database import Database

secret_key_cli = typer.Typer(
    help="The server key: print a new one (no sub-command), or re-seal under the newest.",
    invoke_without_command=True,
)

# What each kind of sealed value is called in ``antq secret-key rotate``'s report.
KIND_NAMES = {
    "tip_routes": "tip routes",
    "outbox_routes": "queued messages to tipsters",
    "zalo_oa_tokens": "Zalo OA token pairs",
    "opinion_routes": "routes back to anonymous opinions",
    "tip_commendation_refs": "tipsters' commendation references awaiting a decision",
}
# ... and each kind of keyed mark (bot.operations.rekeying).
MARK_NAMES = {
    "survey_marks": "open surveys' answered marks",
    "rating_marks": "tips' rated marks",
    "tip_notice_keys": "dedup keys of notices to tipsters",
}


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


@secret_key_cli.callback()
def secret_key(context: typer.Context) -> None:
    """Print a new value for ANTQ_SECRET_KEY (or run a sub-command)."""
    if context.invoked_subcommand is None:
        typer.echo(new_key())


@secret_key_cli.command("rotate")
def rotate_command() -> None:
    """Re-seal every stored sealed value under the newest key (ANTQ_SECRET_KEY=NEW,OLD)."""
    settings = Settings()
    try:
        sealer = configured_sealer(settings)
    except ValueError as error:
        raise _fail(f"antq secret-key rotate: {error}") from None

    async def work() -> tuple[dict[str, Resealed], dict[str, Rekeyed]]:
        database = Database(settings.database_url)
        try:
            return await rotate(database, sealer), await rekey(database, sealer)
        finally:
            await database.dispose()

    if sealer.key_count == 1:
        typer.echo("one key is listed: values sealed under another key cannot be re-sealed")
    done, marks = asyncio.run(work())
    for kind, rekeyed in marks.items():
        line = (
            f"{MARK_NAMES[kind]}: {rekeyed.rekeyed} re-keyed, "
            f"{rekeyed.current} already under the newest key"
        )
        if rekeyed.unmatched:
            line += (
                f", {rekeyed.unmatched} made from nothing at hand (of members or tips erased since)"
            )
        typer.echo(line)
    for kind, counts in done.items():
        line = (
            f"{KIND_NAMES[kind]}: {counts.resealed} re-sealed, "
            f"{counts.current} already under the newest key, "
            f"{counts.unreadable} open with no listed key"
        )
        if counts.busy:
            line += f", {counts.busy} changing too often (run again)"
        typer.echo(line)
    left = sum(counts.unreadable + counts.busy for counts in done.values())
    if left:
        raise _fail(
            f"{left} value(s) are not under the newest key: keep the old key listed "
            "until a run reports none"
        )
    typer.echo("every stored value opens with the newest key: the older ones can be removed")


BackupFile = Annotated[Path, typer.Argument(help="the backup file", dir_okay=False)]


def backup(destination: BackupFile) -> None:
    """Write a consistent copy of the database (the bot may keep running) to a new file."""
    try:
        made = make_backup(Settings().database_url, destination)
    except BackupError as error:
        raise _fail(f"antq backup: {error}") from None
    typer.echo(f"wrote {made.path} ({made.size} bytes)")
    typer.echo("it holds no key: keep ANTQ_SECRET_KEY (or secret.key) safe, apart from it")


def restore(source: BackupFile) -> None:
    """Bring a backup back as the configured database, which must be new (then: antq run)."""
    try:
        bring_back(Settings().database_url, source)
    except BackupError as error:
        raise _fail(f"antq restore: {error}") from None
    typer.echo(f"restored {source}; start the bot with the key it was made under")
