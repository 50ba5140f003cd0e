"""The objects built at start-up are out of the collector's full passes; new ones are not."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot.heap import freeze_startup_objects


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_what_start_up_built_is_frozen_and_what_comes_after_is_collected(
    unfrozen: None,
) -> None:
    built_at_start = [{"kept": index} for index in range(1_000)]
    frozen = freeze_startup_objects()
    assert frozen >= len(built_at_start)
    # A full pass walks neither the list nor its dicts any more.
    walked = {id(item) for item in gc.get_objects(generation=2)}
    assert id(built_at_start) not in walked
    assert not any(id(item) in walked for item in built_at_start)
    # Garbage made while serving is still found, cycles included.
    made_later = _Cycle()
    gone = weakref.ref(made_later)
    del made_later
    gc.collect()
    assert gone() is None


class _Cycle:
    def __init__(self) -> None:
        self.itself = self
