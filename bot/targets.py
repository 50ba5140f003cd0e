"""The plan's targets and the movement's yearly deadlines in force, as the settings give them.

Built once by the wiring (``bot.app``, a command of ``antq``) and handed to what judges by them:
effect handlers through their context (``bot.effect_context``), the web console through its
options, the exports as an argument. Tests run on the plan's defaults unless they pass others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from conversations.calendar import ReportCalendar
from conversations.targets import DEFAULT_TARGETS, TargetBook, YearCalendar

if TYPE_CHECKING:
    from bot.settings import Settings


@dataclass(frozen=True)
class YearSettings:
    book: TargetBook = DEFAULT_TARGETS
    calendar: YearCalendar = field(default_factory=YearCalendar)
    # When each month's update is due: a report counts a month as missing only once it is.
    reports: ReportCalendar = field(default_factory=ReportCalendar)
    recipients: tuple[str, ...] = ()  # "Nơi nhận" of the report drafts, when the settings name it

    @classmethod
    def of(cls, settings: Settings) -> YearSettings:
        return cls(
            settings.target_book,
            settings.year_calendar,
            settings.report_calendar,
            settings.report_recipients,
        )
