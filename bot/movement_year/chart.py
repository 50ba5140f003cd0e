"""The standing's chart: pledge coverage per area of a commune (or per commune of a province)
against the propaganda target's line, as a PNG readable on a phone.

``coverage_chart`` says what is drawn (the tests check it); ``render_png`` draws it with
matplotlib's Agg renderer in DejaVu Sans, which has every Vietnamese letter.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.figure import Figure

from conversations.i18n import N_
from conversations.movement_year import Standing
from conversations.movement_year.describe import span_title
from conversations.places import PROVINCE

Translate = Callable[..., str]

MAX_BARS = 30  # more than this is unreadable on a phone: the lowest are shown
FONT = "DejaVu Sans"
# Inches at 100 dpi: 800 pixels wide, as tall as the bars need.
WIDTH, BAR_HEIGHT, MARGIN = 8.0, 0.42, 1.6


@dataclass(frozen=True)
class Bar:
    label: str
    percent: float | None  # None: the unit has filed nothing in the span


@dataclass(frozen=True)
class ChartData:
    title: str
    axis: str
    bars: tuple[Bar, ...]
    threshold_percent: float
    threshold_label: str
    no_data_label: str
    left_out: int  # units not drawn (beyond MAX_BARS)
    left_out_label: str


def coverage_chart(standing: Standing, t: Translate) -> ChartData:
    """What the chart shows: one bar per unit, lowest coverage first, those without data
    last; at most ``MAX_BARS``."""
    units = [
        Bar(bar.name, None if bar.coverage is None else bar.coverage * 100) for bar in standing.bars
    ]
    with_data = sorted(
        (bar for bar in units if bar.percent is not None), key=lambda bar: bar.percent or 0
    )
    ordered = [*with_data, *(bar for bar in units if bar.percent is None)]
    key = (
        N_("year.chart.by_commune") if standing.place_kind == PROVINCE else N_("year.chart.by_area")
    )
    threshold = standing.threshold_line * 100
    return ChartData(
        title=t(
            N_("year.chart.title"), place=standing.place_name, span=span_title(standing.span, t)
        ),
        axis=t(key),
        bars=tuple(ordered[:MAX_BARS]),
        threshold_percent=threshold,
        threshold_label=t(N_("year.chart.threshold"), percent=f"{threshold:.0f}%"),
        no_data_label=t(N_("year.no_data")),
        left_out=max(0, len(ordered) - MAX_BARS),
        left_out_label=t(N_("year.chart.left_out"), count=max(0, len(ordered) - MAX_BARS)),
    )


def render_png(chart: ChartData) -> bytes:
    """The chart as PNG bytes."""
    bars = chart.bars or (Bar(chart.no_data_label, None),)
    height = MARGIN + BAR_HEIGHT * len(bars)
    # A Figure of its own, not pyplot's global state: safe in any thread, nothing to close.
    figure = Figure(figsize=(WIDTH, height), dpi=100)
    axes = figure.add_subplot(1, 1, 1)
    positions = list(range(len(bars)))[::-1]  # the first bar on top
    values = [bar.percent or 0.0 for bar in bars]
    colours = [
        "#b0b0b0"
        if bar.percent is None
        else "#2e7d32"
        if bar.percent >= chart.threshold_percent
        else "#c62828"
        for bar in bars
    ]
    axes.barh(positions, values, color=colours, height=0.7)
    for position, bar in zip(positions, bars, strict=True):
        text = chart.no_data_label if bar.percent is None else f"{bar.percent:.0f}%"
        axes.text(
            min(bar.percent or 0.0, 100) + 1,
            position,
            text,
            va="center",
            fontsize=10,
            family=FONT,
        )
    axes.axvline(chart.threshold_percent, color="#1565c0", linestyle="--", linewidth=1.5)
    axes.text(
        chart.threshold_percent,
        len(bars) - 0.4,
        chart.threshold_label,
        color="#1565c0",
        fontsize=10,
        family=FONT,
        ha="center",
    )
    axes.set_yticks(positions, [bar.label for bar in bars], fontsize=10, family=FONT)
    axes.set_xlim(0, 115)
    axes.set_ylim(-0.6, len(bars) - 0.1)
    axis = f"{chart.axis}\n{chart.left_out_label}" if chart.left_out else chart.axis
    axes.set_xlabel(axis, fontsize=10, family=FONT)
    axes.set_title(chart.title, fontsize=12, family=FONT, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    output = io.BytesIO()
    figure.savefig(output, format="png")
    return output.getvalue()
