"""A standing in a few lines of text: each target with its figure, threshold and verdict, what
is missing for a verdict, and the months' trend (the chat, the command line, the report)."""

from __future__ import annotations

from collections.abc import Callable

from conversations.i18n import N_, shown_number
from conversations.movement_year import (
    VERDICT_LABELS,
    SpanOfYear,
    Standing,
    TargetStanding,
    Verdict,
)
from conversations.targets import MODELS, PROPAGANDA, Span, unit_aspect

Translate = Callable[..., str]  # (key, **params) -> text in the reader's language

MARKS = {Verdict.MET: "✅", Verdict.NOT_MET: "❌", Verdict.UNKNOWN: "❔"}
TREND_SHOWN = 6  # months on the trend line: a phone's width


def percent(share: float, locale: str) -> str:
    """82.5 (en) or 82,5 (vi), one decimal."""
    shown = f"{share * 100:.1f}"
    return shown.replace(".", ",") if locale == "vi" else shown


def whole_percent(share: float) -> str:
    return f"{round(share * 100)}%"


def span_title(span: SpanOfYear, t: Translate) -> str:
    if span.span is Span.MONTH:
        return t(N_("year.span.month"), month=f"{span.month:02d}", year=span.year)
    if span.span is Span.HALF_YEAR:
        return t(N_("year.span.half_year"), year=span.year)
    return t(N_("year.span.year"), year=span.year)


def figure_text(target: TargetStanding, t: Translate, locale: str) -> str:
    if target.figure is None:
        return t(N_("year.no_data"))
    if target.key == PROPAGANDA:
        return t(
            N_("year.figure.households"),
            percent=percent(target.figure, locale),
            pledged=shown_number(target.numerator, locale),
            households=shown_number(target.denominator, locale),
        )
    if unit_aspect(target.key) == PROPAGANDA:  # staff and students of the units, not households
        return t(
            N_("unit.figure.people"),
            percent=percent(target.figure, locale),
            reached=shown_number(target.numerator, locale),
            people=shown_number(target.denominator, locale),
        )
    if not target.share:
        return t(N_("year.figure.count"), count=target.numerator)
    return t(
        N_("year.figure.units"),
        percent=percent(target.figure, locale),
        count=target.numerator,
        units=target.denominator,
    )


def threshold_text(target: TargetStanding, t: Translate) -> str:
    if target.key == MODELS and not target.share:
        return t(N_("year.threshold.count"), count=round(target.threshold))
    if unit_aspect(target.key) == MODELS:  # each unit keeps as many models
        return t(N_("unit.threshold.models"), count=round(target.threshold))
    return t(N_("year.threshold.share"), percent=whole_percent(target.threshold))


def names_text(names: tuple[str, ...], count: int, t: Translate) -> str:
    shown = ", ".join(names)
    if count > len(names):
        shown += t(N_("year.and_more"), count=count - len(names))
    return shown


def target_lines(target: TargetStanding, t: Translate, locale: str) -> list[str]:
    if target.figure is None:
        line = t(
            N_("year.target_line_no_data"),
            mark=MARKS[target.verdict],
            name=t(target.name),
            threshold=threshold_text(target, t),
        )
        return [line]
    lines = [
        t(
            N_("year.target_line"),
            mark=MARKS[target.verdict],
            name=t(target.name),
            figure=figure_text(target, t, locale),
            threshold=threshold_text(target, t),
            verdict=t(VERDICT_LABELS[target.verdict]),
        )
    ]
    if target.missing_count and target.verdict is Verdict.UNKNOWN:
        lines.append(
            t(N_("year.missing"), names=names_text(target.missing, target.missing_count, t))
        )
    return lines


def trend_line(standing: Standing, t: Translate) -> str | None:
    points = [point for point in standing.trend if point.coverage is not None][-TREND_SHOWN:]
    if len(points) < 2:
        return None
    shown = " · ".join(
        f"{point.period[5:]}: {whole_percent(point.coverage or 0)}" for point in points
    )
    return t(N_("year.trend"), months=shown)


def describe_standing(standing: Standing, t: Translate, locale: str) -> str:
    """The standing as the chat shows it."""
    lines = [
        t(N_("year.title"), place=standing.place_name, span=span_title(standing.span, t)),
    ]
    for target in standing.targets:
        lines += target_lines(target, t, locale)
    trend = trend_line(standing, t)
    if trend:
        lines.append(trend)
    if standing.never_filed_count and standing.areas:
        names = names_text(standing.never_filed, standing.never_filed_count, t)
        lines.append(
            t(
                N_("year.never_filed"),
                count=standing.never_filed_count,
                areas=standing.areas,
                names=names,
            )
        )
    return "\n".join(lines)
