"""A survey's results as files: a PNG chart for the chat (one panel per choice question:
the share of each option), CSV and XLSX tables (per question, option and place) written by
the workbooks every export uses (``bot.workbooks``: the same formula guard, the same CSV that
Excel reads right). The texts of an anonymous survey are written without any author (the
tally never holds one)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

from matplotlib.figure import Figure

from bot.workbooks import Cell, open_book
from conversations.i18n import N_
from conversations.surveys import CHOICE, NUMBER, SurveyResults

Translate = Callable[..., str]
FONT = "DejaVu Sans"
WIDTH, PANEL_BASE, BAR_HEIGHT = 8.0, 1.0, 0.45


def place_name(place: str, t: Translate) -> str:
    return place or t(N_("surveys.results.unknown_place"))


def headers(t: Translate) -> list[str]:
    return [
        t(N_("surveys.file.question")),
        t(N_("surveys.file.place")),
        t(N_("surveys.file.answer")),
        t(N_("surveys.file.count")),
        t(N_("surveys.file.percent")),
        t(N_("surveys.file.author")),
    ]


def rows(results: SurveyResults, locale: str, t: Translate) -> Iterator[list[Cell]]:
    """The table's rows, in a fixed order: per question its options overall and by place
    (places by name), a number's figures, or its texts (as the tally read them)."""
    everywhere = t(N_("surveys.file.everywhere"))
    for number, result in enumerate(results.questions, start=1):
        label = f"{number}. {result.question.text(locale)}"
        if result.question.kind == CHOICE:
            options = result.question.option_labels(locale)
            for option, count in zip(options, result.counts, strict=True):
                yield [label, everywhere, option, count, round(result.percent(count), 1), ""]
            for place, counts in sorted(result.by_place.items()):
                total = sum(counts)
                for option, count in zip(options, counts, strict=True):
                    share = round(result.percent(count, total), 1)
                    yield [label, place_name(place, t), option, count, share, ""]
        elif result.question.kind == NUMBER:
            values = result.numbers
            if values:
                mean = round(sum(values) / len(values), 2)
                yield [label, everywhere, t(N_("surveys.file.mean")), len(values), mean, ""]
        else:
            for author, text in result.texts:
                yield [label, everywhere, text, 1, "", author or ""]


def _write(format: str, results: SurveyResults, locale: str, t: Translate) -> bytes:
    output = io.BytesIO()
    book = open_book(format, output)
    sheet = book.sheet(t(N_("surveys.file.sheet")), headers(t))
    for row in rows(results, locale, t):
        sheet.append(row)
    book.close()
    return output.getvalue()


def write_csv(results: SurveyResults, locale: str, t: Translate) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads Vietnamese right."""
    return _write("csv", results, locale, t)


def write_xlsx(results: SurveyResults, locale: str, t: Translate) -> bytes:
    return _write("xlsx", results, locale, t)


def render_png(results: SurveyResults, locale: str, t: Translate) -> bytes:
    """One panel per choice question: its options' shares of the answers, in percent."""
    panels = [result for result in results.questions if result.question.kind == CHOICE]
    heights = [PANEL_BASE + BAR_HEIGHT * len(result.counts) for result in panels] or [1.5]
    figure = Figure(figsize=(WIDTH, sum(heights) + 0.8), dpi=100)
    title = t(N_("surveys.chart.title"), title=results.title, count=results.respondents)
    figure.suptitle(title, fontsize=12, family=FONT, x=0.02, ha="left")
    if not panels:
        figure.text(0.5, 0.5, t(N_("surveys.chart.nothing")), ha="center", family=FONT)
    grid = figure.add_gridspec(max(len(panels), 1), 1, height_ratios=heights)
    for index, result in enumerate(panels):
        axes = figure.add_subplot(grid[index, 0])
        labels = result.question.option_labels(locale)
        positions = list(range(len(labels)))[::-1]
        shares = [result.percent(count) for count in result.counts]
        axes.barh(positions, shares, color="#1565c0", height=0.6)
        for position, share, count in zip(positions, shares, result.counts, strict=True):
            axes.text(share + 1, position, f"{share:.0f}% ({count})", va="center", fontsize=9)
        axes.set_yticks(positions, labels, fontsize=9, family=FONT)
        axes.set_xlim(0, 115)
        axes.set_title(result.question.text(locale), fontsize=10, family=FONT, loc="left")
        axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    output = io.BytesIO()
    figure.savefig(output, format="png")
    return output.getvalue()
