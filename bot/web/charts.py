"""Charts drawn on the server as SVG: no script, readable on an old PC and printable.

Each function returns the markup of one ``<svg>``; labels are escaped (place names are data).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

ROW = 26
LEGEND_ROW = 18
LABEL_WIDTH = 170
BAR_WIDTH = 300
COLOURS = {"on_time": "#2e7d32", "late": "#f9a825", "missing": "#c62828", "not_yet": "#9e9e9e"}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # a share, 0..1; None: no data (no bar, greyed text)
    text: str  # what is written at the bar's end ("82 %", "chưa có số liệu")


def share_bars(bars: Sequence[Bar], *, target: float | None = None, title: str = "") -> Markup:
    """Horizontal bars of shares, with a dashed line at ``target`` (80 % coverage)."""
    height = ROW * len(bars) + 10
    width = LABEL_WIDTH + BAR_WIDTH + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}">'
    ]
    for n, bar in enumerate(bars):
        y = n * ROW + 5
        length = 0.0 if bar.value is None else max(0.0, min(bar.value, 1.0)) * BAR_WIDTH
        met = target is None or (bar.value is not None and bar.value >= target)
        colour = "#2e7d32" if met else "#c62828"
        text_colour = "#757575" if bar.value is None else "#000"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(bar.label[:28])}</text>"
        )
        if bar.value is not None:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="16" '
                f'fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + 15}" font-size="12" '
            f'fill="{text_colour}">{escape(bar.text)}</text>'
        )
    if target is not None:
        x = LABEL_WIDTH + target * BAR_WIDTH
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#333" '
            'stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def filing_stack(counts: dict[str, int], labels: dict[str, str], *, title: str = "") -> Markup:
    """One stacked bar of the areas by filing state, with a legend under it."""
    total = sum(counts.values()) or 1
    width = 480
    height = 34 + LEGEND_ROW * len(counts)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}">'
    ]
    x = 0.0
    for state, count in counts.items():
        length = count / total * width
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{length:.1f}" height="24" fill="{COLOURS[state]}"/>'
        )
        x += length
    # The legend one state a line: the labels are long ("Chưa nộp (chưa đến hạn)").
    for n, (state, count) in enumerate(counts.items()):
        y = 34 + n * LEGEND_ROW
        parts.append(
            f'<rect x="0" y="{y}" width="12" height="12" fill="{COLOURS[state]}"/>'
            f'<text x="18" y="{y + 11}" font-size="12">{escape(labels[state])}: {count}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
