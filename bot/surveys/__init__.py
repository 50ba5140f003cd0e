"""The bot's side of surveys and of tipsters' ratings: reads, effects, rules and files.

Who answered is kept as keyed digests under the server key (``answered_digest``): the table
alone names nobody, and nothing in it points to a response."""

from __future__ import annotations

from bot.sealing import Sealer


def answered_digest(sealer: Sealer, survey_id: int, member_id: int) -> str:
    """The mark that ``member_id`` has answered ``survey_id`` (one answer per person)."""
    return sealer.opaque_key(f"survey:{survey_id}:answered:{member_id}")


def rated_digest(sealer: Sealer, tip_code: str) -> str:
    """The mark that the tip of ``tip_code`` has been rated by its tipster."""
    return sealer.opaque_key(f"tip:{tip_code}:rated")
