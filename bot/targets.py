"""The plan's targets and the movement's yearly deadlines in force, as the settings give them:
``bot.app`` sets them once at start; tests run on the plan's defaults unless they set them.

A core module: the movement's year judges by them, the exports list them."""

from __future__ import annotations

from dataclasses import dataclass, field

from conversations.targets import DEFAULT_TARGETS, TargetBook, YearCalendar


@dataclass
class YearSettings:
    book: TargetBook = DEFAULT_TARGETS
    calendar: YearCalendar = field(default_factory=YearCalendar)


IN_FORCE = YearSettings()


def configure_year(book: TargetBook, calendar: YearCalendar) -> None:
    IN_FORCE.book = book
    IN_FORCE.calendar = calendar
