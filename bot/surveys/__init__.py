"""The bot's side of surveys and of tipsters' ratings: reads, effects, rules and files.

Who answered is kept as keyed digests under the server key (``answered_digests``): the table
alone names nobody, and nothing in it points to a response.

While the server key is being replaced a mark may be under any listed key: lookups take the
mark under each listed key (the newest first), new marks use the newest, and
``antq secret-key rotate`` re-keys the stored marks (``bot.operations.rekeying``)."""

from __future__ import annotations

from bot.sealing import Sealer


def answered_digests(sealer: Sealer, survey_id: int, member_id: int) -> list[str]:
    """The "answered" mark under each listed key, the newest first."""
    return sealer.opaque_keys(f"survey:{survey_id}:answered:{member_id}")


def draft_digests(sealer: Sealer, survey_id: int, member_id: int) -> list[str]:
    """The mark of a person's answers so far under each listed key, the newest first (not
    the "answered" mark: the two must not be matched against each other)."""
    return sealer.opaque_keys(f"survey:{survey_id}:draft:{member_id}")


def rated_digests(sealer: Sealer, tip_code: str) -> list[str]:
    """The "rated" mark under each listed key, the newest first."""
    return sealer.opaque_keys(f"tip:{tip_code}:rated")
