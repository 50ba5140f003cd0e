"""``antq privacy``: a person's request that arrives on paper — see what is held about them,
erase them — carried out by the operator exactly as the chat commands do; and ``report``, for
the office's records: each kind of personal data the bot keeps, how long, what the last runs
of the retention schedule erased and what is due now (written for a clerk, from the
catalogues, in Vietnamese by default)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commandline import configured_sealer, in_transaction
from bot.privacy.erasure import erase_person
from bot.privacy.retention import (
    DRAFTS,
    CategoryStatus,
    RetentionSchedule,
    retention_status,
)
from bot.settings import Settings
from conversations.i18n import N_, SUPPORTED_LOCALES, Catalogues
from conversations.localtime import shown
from conversations.menu import menu_flows
from storage.privacy import ErasedMember, member_data, member_of_identity
from storage.tables import utcnow

privacy_cli = typer.Typer(
    help="Personal data: requests (export, erase) and the retention report.",
    no_args_is_help=True,
)

MemberOption = Annotated[int | None, typer.Option("--member", help="the member's id")]
ChannelOption = Annotated[
    str | None, typer.Option("--channel", help="console | telegram | zalo (with --user-id)")
]
UserOption = Annotated[
    str | None, typer.Option("--user-id", help="the person's id on that channel")
]


def _who(member: int | None, channel: str | None, user_id: str | None) -> None:
    if member is None and not (channel and user_id):
        raise typer.BadParameter("give --member ID, or --channel and --user-id")


async def _find(
    session: AsyncSession, member: int | None, channel: str | None, user_id: str | None
) -> int | None:
    if member is not None:
        return member
    assert channel is not None and user_id is not None
    return await member_of_identity(session, channel, user_id)


@privacy_cli.command("export")
def export(
    member: MemberOption = None,
    channel: ChannelOption = None,
    user_id: UserOption = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="write the JSON here (0600)")
    ] = None,
) -> None:
    """Everything held about one person, as JSON (the same as /dulieucuatoi in chat)."""
    _who(member, channel, user_id)

    async def work(session: AsyncSession) -> dict[str, object] | None:
        found = await _find(session, member, channel, user_id)
        return None if found is None else await member_data(session, found, now=utcnow())

    data = in_transaction(work)
    if data is None:
        typer.echo("no such member", err=True)
        raise typer.Exit(1)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output is None:
        typer.echo(text)
        return
    output.touch(mode=0o600, exist_ok=True)
    output.chmod(0o600)  # a person's data: readable by the operator alone
    output.write_text(text + "\n", encoding="utf-8")
    typer.echo(f"wrote {output}")


@privacy_cli.command("erase")
def erase(
    member: MemberOption = None,
    channel: ChannelOption = None,
    user_id: UserOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Erase one person (the same as /xoadulieu in chat): their tips stay, unlinked."""
    _who(member, channel, user_id)
    if not yes:
        typer.confirm("Erase this person's data? This cannot be undone", abort=True)
    sealer = configured_sealer()

    async def work(session: AsyncSession) -> ErasedMember | None:
        found = await _find(session, member, channel, user_id)
        if found is None:
            return None
        return await erase_person(session, sealer, found, actor_member_id=None, now=utcnow())

    erased = in_transaction(work)
    if erased is None:
        typer.echo("no such member", err=True)
        raise typer.Exit(1)
    typer.echo(
        f"erased member {erased.member_id}: {erased.identities} account(s), "
        f"{erased.roles} role(s); {erased.tips_unlinked} tip(s) unlinked, "
        f"{erased.routes_erased} sealed route(s) erased, "
        f"{erased.news_dropped} queued message(s) dropped"
    )


LAST_RUNS = 7


def _hours(period_seconds: float) -> int:
    return int(period_seconds // 3600)


class ReportWriter:
    """The report's lines in one language."""

    def __init__(self, catalogues: Catalogues, locale: str, schedule: RetentionSchedule) -> None:
        self.catalogues = catalogues
        self.locale = locale
        self.schedule = schedule

    def t(self, key: str, **params: object) -> str:
        return self.catalogues.text(self.locale, key, **params)

    def write(self, statuses: list[CategoryStatus], now: datetime) -> str:
        lines = [
            self.t(N_("retention.report.title")),
            self.t(N_("retention.report.made"), at=shown(now)),
        ]
        for number, status in enumerate(statuses, start=1):
            lines += ["", f"{number}. {self.t(status.category.title)}"]
            lines.append("   " + self.t(N_("retention.report.kept"), period=self.period(status)))
            lines.append("   " + self.t(N_("retention.report.erased"), runs=self.runs(status)))
            lines.append("   " + self.t(N_("retention.report.due"), count=status.due))
        return "\n".join(lines)

    def period(self, status: CategoryStatus) -> str:
        if status.category.name == DRAFTS:
            return self.drafts_period()
        days = self.schedule.periods[status.category.name].days
        return self.t(status.category.period, days=days)

    def drafts_period(self) -> str:
        lifetimes = self.schedule.drafts
        text = self.t(
            N_("retention.drafts.period"), hours=_hours(lifetimes.default.total_seconds())
        )
        titles = {flow.name: flow.title for flow in menu_flows()}
        for flow, lifetime in sorted(lifetimes.by_flow.items()):
            text += self.t(
                N_("retention.drafts.own_period"), flow=self.t(titles[flow]), days=lifetime.days
            )
        return text

    def runs(self, status: CategoryStatus) -> str:
        if not status.runs:
            return self.t(N_("retention.report.never_run"))
        return "; ".join(
            self.t(N_("retention.report.run"), at=shown(run.ran_at), count=run.erased)
            for run in status.runs
        )


@privacy_cli.command("report")
def privacy_report(
    lang: Annotated[str, typer.Option("--lang", help="language of the report: vi or en")] = "vi",
    runs: Annotated[int, typer.Option(min=1, max=100, help="past runs to show")] = LAST_RUNS,
) -> None:
    """For each kind of personal data: how long it is kept, what the last daily runs erased
    and how much is past its period now."""
    if lang not in SUPPORTED_LOCALES:
        typer.echo(f"unknown language {lang!r}; one of: {', '.join(SUPPORTED_LOCALES)}", err=True)
        raise typer.Exit(1)
    schedule = RetentionSchedule.from_settings(Settings())
    now = utcnow()

    async def read(session: AsyncSession) -> list[CategoryStatus]:
        return await retention_status(session, schedule, now, runs=runs)

    statuses = in_transaction(read)
    typer.echo(ReportWriter(Catalogues.load(), lang, schedule).write(statuses, now))
