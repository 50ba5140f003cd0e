"""Charts drawn on the server as SVG: no script, readable on an old PC and printable.

Each function returns the markup of one ``<svg>``; labels are escaped (place names are data).
A chart is drawn at its own size in pixels and only ever shrinks to fit (``max-width: 100%``
in the stylesheet); it is narrow enough (``WIDTH``) that on a phone 390 pixels wide it is not
shrunk at all, so its labels keep their size. A label stands on its own line above its bar,
and a name too long for the line is shortened with "…", the full name kept as its tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 360
FONT = 13
LABEL_ROW = 18
BAR_HEIGHT = 16
ROW = LABEL_ROW + BAR_HEIGHT + 8
BAR_WIDTH = 290
LEGEND_ROW = 20
# About as many letters as a line of the chart holds at FONT (Vietnamese, proportional font).
LABEL_CHARS = 44
COLOURS = {"on_time": "#2e7d32", "late": "#f9a825", "missing": "#c62828", "not_yet": "#9e9e9e"}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # a share, 0..1; None: no data (no bar, greyed text)
    text: str  # what is written at the bar's end ("82 %", "chưa có số liệu")


def shortened(name: str, limit: int = LABEL_CHARS) -> str:
    """``name`` as a chart's line holds it: whole, or cut at a word with "…"."""
    if len(name) <= limit:
        return name
    cut = name[: limit - 1].rstrip()
    word_end = cut.rfind(" ")
    if word_end >= limit // 2:
        cut = cut[:word_end].rstrip()
    return cut + "…"


def _label(x: float, y: float, name: str) -> str:
    """A line of text whose full wording is its tooltip (``<title>``) when it is shortened."""
    text = f'<text x="{x:.1f}" y="{y:.1f}" font-size="{FONT}">{escape(shortened(name))}</text>'
    if shortened(name) == name:
        return text
    return f"<g><title>{escape(name)}</title>{text}</g>"


def _svg(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-label="{escape(title)}">'
    )


def share_bars(bars: Sequence[Bar], *, target: float | None = None, title: str = "") -> Markup:
    """Horizontal bars of shares, each under its label, with a dashed mark at ``target``
    (80 % coverage)."""
    height = ROW * len(bars) + 4
    parts = [_svg(WIDTH, height, title)]
    for n, bar in enumerate(bars):
        top = n * ROW
        bar_top = top + LABEL_ROW
        length = 0.0 if bar.value is None else max(0.0, min(bar.value, 1.0)) * BAR_WIDTH
        met = target is None or (bar.value is not None and bar.value >= target)
        colour = "#2e7d32" if met else "#c62828"
        text_colour = "#757575" if bar.value is None else "#000"
        parts.append(_label(0, top + LABEL_ROW - 5, bar.label))
        parts.append(
            f'<rect x="0" y="{bar_top}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" fill="#eee"/>'
        )
        if bar.value is not None:
            parts.append(
                f'<rect x="0" y="{bar_top}" width="{length:.1f}" height="{BAR_HEIGHT}" '
                f'fill="{colour}"/>'
            )
        if target is not None:
            x = target * BAR_WIDTH
            parts.append(
                f'<line x1="{x:.1f}" y1="{bar_top - 2}" x2="{x:.1f}" '
                f'y2="{bar_top + BAR_HEIGHT + 2}" stroke="#333" stroke-dasharray="3 2"/>'
            )
        # A share at the track's end; "no data" (longer) inside the empty track.
        text_x = 4 if bar.value is None else BAR_WIDTH + 4
        parts.append(
            f'<text x="{text_x}" y="{bar_top + BAR_HEIGHT - 3}" font-size="{FONT}" '
            f'fill="{text_colour}">{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def filing_stack(counts: dict[str, int], labels: dict[str, str], *, title: str = "") -> Markup:
    """One stacked bar of the areas by filing state, with a legend under it."""
    total = sum(counts.values()) or 1
    height = 34 + LEGEND_ROW * len(counts)
    parts = [_svg(WIDTH, height, title)]
    x = 0.0
    for state, count in counts.items():
        length = count / total * WIDTH
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{length:.1f}" height="24" fill="{COLOURS[state]}"/>'
        )
        x += length
    # The legend one state a line: the labels are long ("Chưa nộp (chưa đến hạn)").
    for n, (state, count) in enumerate(counts.items()):
        y = 34 + n * LEGEND_ROW
        parts.append(f'<rect x="0" y="{y}" width="13" height="13" fill="{COLOURS[state]}"/>')
        parts.append(_label(19, y + 11, f"{labels[state]}: {count}"))
    parts.append("</svg>")
    return Markup("".join(parts))
