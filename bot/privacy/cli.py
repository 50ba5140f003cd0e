"""``antq privacy report``: for an office's records, each kind of personal data the bot keeps,
how long, what the last runs of the retention schedule erased and what is due now.

The report is read by a clerk: it is written from the catalogues, in Vietnamese by default.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commandline import in_transaction
from bot.privacy.retention import (
    DRAFTS,
    INACTIVE_MEMBERS,
    CategoryStatus,
    RetentionSchedule,
    erases_members,
    retention_status,
)
from bot.settings import Settings
from conversations.i18n import N_, SUPPORTED_LOCALES, Catalogues
from conversations.localtime import shown
from conversations.menu import menu_flows
from storage.tables import utcnow

privacy_cli = typer.Typer(
    help="Personal data: what is kept, how long, what was erased.", no_args_is_help=True
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
            if status.category.name == INACTIVE_MEMBERS and not erases_members():
                lines.append("   " + self.t(N_("retention.inactive_members.not_erased")))
        lines += ["", self.t(N_("retention.report.not_kept_yet"))]
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
