"""Picking an item of a numbered list: by a tap, by its number, or by its name."""

from __future__ import annotations

import pytest

from conversations.choosing import item_picked, keep_candidates, kept_candidates, pick_item
from conversations.fields import InvalidAnswer
from conversations.replies import Inbound

AREAS = [{"id": 7, "name": "Thôn Đông"}, {"id": 9, "name": "Thôn Tây"}]


def _option(area: dict[str, object]) -> str:
    return f"area:{area['id']}"


def _name(area: dict[str, object]) -> str:
    return str(area["name"])


def typed(text: str) -> Inbound:
    return Inbound("console", "1", "1", text=text)


def tapped(option: str) -> Inbound:
    return Inbound("console", "1", "1", option=option)


def test_a_tap_picks_the_item_of_its_option() -> None:
    assert item_picked(tapped("area:9"), AREAS, _option) == AREAS[1]


def test_a_typed_number_picks_the_item_counting_from_one() -> None:
    assert item_picked(typed("2."), AREAS, _option) == AREAS[1]


def test_beside_free_text_another_tap_or_number_picks_nothing() -> None:
    assert item_picked(tapped("unknown"), AREAS, _option) is None
    assert item_picked(typed("3"), AREAS, _option) is None
    assert item_picked(typed("Thôn Đông"), AREAS, _option) is None


def test_a_number_beyond_the_list_can_be_refused() -> None:
    with pytest.raises(InvalidAnswer) as refused:
        item_picked(typed("3"), AREAS, _option, refuse_other_numbers=True)
    assert (refused.value.key, refused.value.params) == ("input.choose_option", {"count": 2})


def test_a_list_alone_refuses_anything_else() -> None:
    for message in (typed("3"), typed("Thôn Đông"), tapped("area:1")):
        with pytest.raises(InvalidAnswer) as refused:
            pick_item(message, AREAS, _option)
        assert refused.value.key == "input.choose_option"


def test_a_label_typed_without_accents_or_its_first_letters_picks_the_item() -> None:
    assert pick_item(typed("thon tay"), AREAS, _option, label=_name) == AREAS[1]
    assert pick_item(typed("thon d"), AREAS, _option, label=_name) == AREAS[0]
    with pytest.raises(InvalidAnswer):
        pick_item(typed("thon"), AREAS, _option, label=_name)  # both start so


def test_candidates_kept_in_the_answer_are_read_back() -> None:
    kept = keep_candidates(AREAS, "models.area.which")
    assert not kept.complete
    assert kept_candidates(kept.value) == AREAS
    assert kept_candidates(None) == []
