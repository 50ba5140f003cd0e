"""A resident's opinion or proposal to their commune: about what, the words, where, which
commune, a photo if they have one, and whether it carries their name.

Stored under a random code like a tip's: for an anonymous sender the code is the only way back
to it, and the officers' answers come through the sealed route alone.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from conversations.choosing import Commune
from conversations.fields import (
    TIP_CODE_ALPHABET,
    Accepted,
    Attachments,
    FieldContext,
    FreeText,
    InvalidAnswer,
    Whereabouts,
    format_tip_code,
)
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.opinions import CATEGORIES, IDENTITY, MAX_TEXT, MIN_TEXT, StoreOpinion
from conversations.policy import Action
from conversations.replies import Choices, Inbound, Reply, Text

CODE_LENGTH = 8


class OpinionCommune(Commune):
    """The commune the opinion goes to: it has to be one, since its officers answer it."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        reply = super().question(text, ref, ctx, current)
        assert isinstance(reply, Choices)
        return replace(reply, options=tuple(o for o in reply.options if o.id != self.unknown.id))

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        accepted = super().parse(message, ctx, current)
        if isinstance(accepted.value, dict) and accepted.value.get("unknown"):
            raise InvalidAnswer(N_("opinions.commune.needed"))
        return accepted


class Photo(Attachments):
    """One photo, or none."""

    def __init__(self) -> None:
        super().__init__(max_items=1)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if message.media is not None and message.media.kind != "photo":
            raise InvalidAnswer(N_("opinions.photo.only"))
        return super().parse(message, ctx, current)


def new_opinion_code() -> str:
    return "".join(secrets.choice(TIP_CODE_ALPHABET) for _ in range(CODE_LENGTH))


async def send_opinion(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    code = new_opinion_code()
    place = answers["place"]
    photos = answers.get("photo") or []
    photo = photos[0] if photos else None
    anonymous = answers["identity"] != "named"
    effect = StoreOpinion(
        code=code,
        category=answers["category"],
        text=answers["text"],
        place_text=place.get("text"),
        latitude=place.get("latitude"),
        longitude=place.get("longitude"),
        photo=None
        if photo is None
        else {key: photo[key] for key in ("kind", "channel", "file_id")},
        anonymous=anonymous,
        locale=ctx.locale,
        area_id=answers["commune"]["area_id"],
    )
    key = N_("opinions.sent_anonymous") if anonymous else N_("opinions.sent")
    thanks = ctx.t(key, code=format_tip_code(code), commune=answers["commune"]["name"])
    return Completion(replies=[Text(thanks)], effects=[effect])


def opinion_flow() -> Flow:
    return Flow(
        "opinion",
        title=N_("opinions.menu.send"),
        intro=N_("opinions.intro"),
        commands=("gopy", "kiennghi", "opinion"),
        action=Action.SEND_OPINION,
        complete=send_opinion,
        steps=[
            Step(
                "category", N_("opinions.ask.category"), CATEGORIES, N_("opinions.title.category")
            ),
            Step(
                "text",
                N_("opinions.ask.text"),
                FreeText(min_length=MIN_TEXT, max_length=MAX_TEXT),
                N_("opinions.title.text"),
            ),
            Step("place", N_("opinions.ask.place"), Whereabouts(), N_("opinions.title.place")),
            Step(
                "commune",
                N_("opinions.ask.commune"),
                OpinionCommune(),
                N_("opinions.title.commune"),
            ),
            Step("photo", N_("opinions.ask.photo"), Photo(), N_("opinions.title.photo")),
            Step("identity", N_("opinions.ask.identity"), IDENTITY, N_("opinions.title.identity")),
        ],
    )
