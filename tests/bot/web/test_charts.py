"""The console's SVG charts: a long place name is shortened on its line, whole in its tooltip."""

from __future__ import annotations

import re

from bot.web.charts import Bar, filing_stack, share_bars

LONG = "Khu phố Tân Lập thuộc phường Trường Vinh, tỉnh Nghệ An (trước là Thôn 7)"


def shown_texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_a_long_name_is_shortened_with_an_ellipsis_and_kept_whole_as_its_tooltip() -> None:
    svg = str(share_bars([Bar(LONG, 0.5, "50 %"), Bar("Thôn Đông", 0.9, "90 %")], target=0.8))
    (shortened,) = [text for text in shown_texts(svg) if text.startswith("Khu phố")]
    assert shortened.endswith("…") and len(shortened) < len(LONG)
    assert f"<title>{LONG}</title>" in svg
    assert "Thôn Đông" in shown_texts(svg) and "<title>Thôn Đông</title>" not in svg


def test_a_chart_is_drawn_at_its_own_size_narrow_enough_for_a_phone() -> None:
    for svg in (
        str(share_bars([Bar("Thôn Đông", None, "chưa có số liệu")], target=0.8)),
        str(filing_stack({"on_time": 1, "late": 2}, {"on_time": "Đúng hạn", "late": "Muộn"})),
    ):
        size = re.search(r'viewBox="0 0 (\d+) (\d+)" width="(\d+)" height="(\d+)"', svg)
        assert size is not None
        width, height, shown_width, shown_height = map(int, size.groups())
        assert (shown_width, shown_height) == (width, height) and width <= 374
        assert re.findall(r'font-size="(\d+)"', svg) and all(
            int(size) >= 12 for size in re.findall(r'font-size="(\d+)"', svg)
        )
