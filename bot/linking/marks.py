"""Keyed marks made from a member id follow a merge of two members.

Some facts are kept only as keyed digests (HMACs under the server key) of a member id, so the
table alone names nobody: today, "this person answered this open survey" (the list of keyed
marks is ``bot.operations.rekeying``'s; the only one made from a member id is this one). When
linking merges the absorbed member into the person's, a mark made from the absorbed id would
no longer match the person: they could answer again, and be reminded. Like re-keying, this
makes each of the absorbed member's marks again under every listed key and, where one is
stored, stores the surviving member's newest-key mark instead, in the merge's transaction.
Nothing else is stored: no member id, no link between the two.

Closed surveys' marks are left as they are: nothing looks them up.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.sealing import Sealer
from bot.surveys import answered_digests
from storage.rekeying import open_survey_ids, rekey_marks, survey_marks

__all__ = ["carry_member_marks"]


async def carry_member_marks(
    session: AsyncSession, sealer: Sealer, *, into: int, absorbed: int
) -> int:
    """Mark ``into`` wherever ``absorbed`` is marked (under any listed key) and drop the
    absorbed member's marks; how many were carried over."""
    carried = 0
    for survey_id in await open_survey_ids(session):
        survivor = answered_digests(sealer, survey_id, into)[0]
        older = {mark: survivor for mark in answered_digests(sealer, survey_id, absorbed)}
        moved, _ = await rekey_marks(session, survey_marks(survey_id), [], older)
        carried += moved
    return carried
