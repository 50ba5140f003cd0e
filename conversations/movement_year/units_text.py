"""The report drafts' paragraph on agencies, businesses and schools: per kind, how many, how
many registered and recognised, their propaganda reach, their grades, and how the kind stands
against its own targets ("chưa có số liệu" where nothing was reported)."""

from __future__ import annotations

from conversations.i18n import N_
from conversations.movement_year import GRADE_LABELS, GRADE_ORDER, SpanOfYear, Verdict
from conversations.movement_year.describe import Translate, figure_text, threshold_text
from conversations.movement_year.units import KindSummary
from conversations.places import KIND_LABELS
from conversations.targets import PROPAGANDA, Span, unit_aspect


def reach_text(summary: KindSummary, t: Translate, locale: str) -> str:
    for target in summary.targets:
        if unit_aspect(target.key) == PROPAGANDA:
            if target.figure is None:
                return t(N_("year.no_data"))
            return t(
                N_("unit.doc.reach"),
                figure=figure_text(target, t, locale),
                threshold=threshold_text(target, t),
            )
    return t(N_("unit.doc.reach_not_judged"))  # a month: the reach is reported half-yearly


def grades_text(summary: KindSummary, t: Translate) -> str:
    if not summary.grades:
        return t(N_("year.no_data"))
    parts = [
        f"{summary.grades.get(grade, 0)} {t(GRADE_LABELS[grade]).lower()}" for grade in GRADE_ORDER
    ]
    ungraded = summary.units - sum(summary.grades.values())
    if ungraded:
        parts.append(t(N_("unit.doc.ungraded"), count=ungraded))
    return ", ".join(parts)


def against_text(summary: KindSummary, t: Translate) -> str:
    judged = summary.targets
    met = sum(target.verdict is Verdict.MET for target in judged)
    text = t(N_("unit.doc.against"), met=met, total=len(judged))
    not_met = [t(target.name) for target in judged if target.verdict is Verdict.NOT_MET]
    unknown = [t(target.name) for target in judged if target.verdict is Verdict.UNKNOWN]
    if not_met:
        text += " " + t(N_("unit.doc.not_met"), names="; ".join(not_met))
    if unknown:
        text += " " + t(N_("unit.doc.unknown"), names="; ".join(unknown))
    return text


def kind_paragraph(summary: KindSummary, span: SpanOfYear, t: Translate, locale: str) -> str:
    """One kind's paragraph: the year's adds recognition and grades."""
    params = {
        "kind": t(KIND_LABELS[summary.kind]),
        "count": summary.units,
        "registered": summary.registered,
        "reach": reach_text(summary, t, locale),
    }
    if span.span is Span.YEAR:
        line = t(
            N_("unit.doc.kind_year"),
            recognised=summary.recognised,
            grades=grades_text(summary, t),
            **params,
        )
    else:
        line = t(N_("unit.doc.kind_half"), **params)
    return f"{line} {against_text(summary, t)}"
