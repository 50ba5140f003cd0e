"""Coordinates pasted or typed."""

from __future__ import annotations

from datetime import date

import pytest

from conversations.parsing import (
    parse_coordinates,
)

TODAY = date(2026, 11, 23)


# ---------------------------------------------------------------------------
# parse_coordinates
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21.0285, 105.8542", (21.0285, 105.8542)),
        ("21.0285,105.8542", (21.0285, 105.8542)),
        ("21.0285 105.8542", (21.0285, 105.8542)),
        ("-33.8688, 151.2093", (-33.8688, 151.2093)),
        ("Chỗ tôi ở 21.0285, 105.8542 nhé", (21.0285, 105.8542)),
        ("https://maps.google.com/?q=21.0285,105.8542", (21.0285, 105.8542)),
        ("https://www.google.com/maps/@21.0285,105.8542,17z", (21.0285, 105.8542)),
        (
            "https://www.google.com/maps/place/Hoan+Kiem/@21.0285,105.8542,17z/data=x",
            (21.0285, 105.8542),
        ),
        ("geo:21.0285,105.8542", (21.0285, 105.8542)),
        ("geo:21.0285,105.8542?z=17", (21.0285, 105.8542)),
        ("https://maps.apple.com/?ll=21.0285,105.8542", (21.0285, 105.8542)),
        ("https://www.google.com/maps?q=21.0285%2C105.8542", (21.0285, 105.8542)),
        (
            "https://www.openstreetmap.org/#map=17/21.0285/105.8542",
            (21.0285, 105.8542),
        ),
    ],
)
def test_parse_coordinates_finds(text: str, expected: tuple[float, float]) -> None:
    assert parse_coordinates(text) == pytest.approx(expected)


def test_parse_coordinates_reads_degrees_minutes_seconds() -> None:
    result = parse_coordinates("21°01'42.6\"N 105°51'15.1\"E")
    assert result == pytest.approx((21.0285, 105.8542), abs=1e-4)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "không biết",
        "1,200",
        "1.200, 5",
        "12, 34",
        "https://maps.app.goo.gl/abcdEFGH",
        "91.0, 105.0",
        "-90.5, 105.0",
        "21.0, 180.5",
        "geo:95.0,10.0",
        "https://www.google.com/maps/@21.0285,190.8542,17z",
    ],
)
def test_parse_coordinates_none(text: str) -> None:
    assert parse_coordinates(text) is None


def test_parse_coordinates_accepts_edge_of_range() -> None:
    assert parse_coordinates("geo:-90,180") == (-90.0, 180.0)
    assert parse_coordinates("90.0, -180.0") == (90.0, -180.0)
