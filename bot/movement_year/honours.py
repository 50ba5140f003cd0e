"""The yearly report's exemplary units and commendations (issue 29): read from
``storage.commendations`` and turned into the lines and the table the draft shows, under its
events (the review conferences hand the commendations out).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.commendations import (
    SUBJECT_SHORT,
    ExemplaryLine,
    SubjectKind,
    form_label,
    grounds_text,
    judge_exemplary,
)
from conversations.i18n import N_
from conversations.localtime import shown_date
from conversations.places import Place
from conversations.targets import Measure, TargetBook
from storage.commendations import (
    CommendationRecord,
    ExemplaryRecord,
    commendations_of_year,
    commune_paths_within,
    exemplary_by_commune,
    exemplary_of_year,
)

Translate = Callable[..., str]


@dataclass(frozen=True)
class YearHonours:
    """The year's exemplary units (each commune's counts by kind) and approved commendations."""

    year: int
    communes: list[str]
    recorded: Mapping[str, Counter[str]]
    recognised: Mapping[str, Counter[str]]
    exemplary: list[ExemplaryRecord]
    commendations: list[CommendationRecord] = field(default_factory=list)

    def judged(self, book: TargetBook, place: Place) -> list[ExemplaryLine]:
        return judge_exemplary(self.communes, self.recorded, self.recognised, book, place.path)


async def read_honours(session: AsyncSession, place: Place, year: int) -> YearHonours:
    recorded, recognised = await exemplary_by_commune(session, place.path, year)
    return YearHonours(
        year,
        await commune_paths_within(session, place.path),
        recorded,
        recognised,
        await exemplary_of_year(session, place.path, year, recognised_only=True),
        await commendations_of_year(session, place.path, year),
    )


def exemplary_sentence(line: ExemplaryLine, t: Translate) -> str:
    """ "Xã, phường điển hình: 2/10 (chỉ tiêu ≥ 15 %) — Đạt"."""
    if line.measure is Measure.SHARE:
        threshold = t(N_("honours.threshold.share"), percent=round(line.threshold * 100))
    else:
        threshold = t(N_("honours.threshold.count"), count=int(line.threshold))
    verdict = {
        True: N_("honours.verdict.met"),
        False: N_("honours.verdict.not_met"),
        None: N_("honours.verdict.unknown"),
    }[line.met]
    return t(
        N_("honours.exemplary_line"),
        name=t(line.name),
        count=line.count,
        of=line.of,
        threshold=threshold,
        verdict=t(verdict),
    )


def form_and_where(record: CommendationRecord, t: Translate) -> str:
    """The form, and the review conference it is handed over at once attached."""
    form = t(form_label(record.form, record.area_path))
    if record.event_title is None or record.event_starts_at is None:
        return form
    where = t(N_("award.at"), title=record.event_title, date=shown_date(record.event_starts_at))
    return f"{form} — {where}"


def commendation_rows(honours: YearHonours, t: Translate) -> list[list[str]]:
    """One row per approved commendation: number, who (kind: name), form, achievement, and
    the figures it rests on."""
    rows = []
    for number, record in enumerate(honours.commendations, start=1):
        try:
            figures = json.loads(record.grounds)
        except ValueError:
            figures = {}
        kind = SubjectKind(record.subject_kind)
        rows.append(
            [
                str(number),
                f"{record.shown_name} ({t(SUBJECT_SHORT[kind])})",
                form_and_where(record, t),
                record.achievement,
                grounds_text(kind, figures, t),
            ]
        )
    return rows
