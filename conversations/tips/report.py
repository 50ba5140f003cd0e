"""A resident's tip (tin báo, tố giác): what, where, when, files, anonymous or with a phone.

The tip is stored under a random code of 8 Crockford base32 characters (40 bits): it cannot be
guessed or enumerated, and it is the only way back to the tip for an anonymous sender.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from conversations.choosing import Commune
from conversations.fields import (
    TIP_CODE_ALPHABET,
    Attachments,
    Choice,
    ChoiceOption,
    FreeText,
    Phone,
    WhenHappened,
    Whereabouts,
    format_tip_code,
)
from conversations.flow import Answers, Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.policy import Action
from conversations.replies import Text
from conversations.tips import KEPT_AFTER_CLOSING_DAYS, StoreTip

TIP_CODE_LENGTH = 8
MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 4000
MAX_ATTACHMENTS = 5

CATEGORIES = Choice(
    ChoiceOption("drugs", N_("tip.category.drugs"), ("ma tuy", "drugs")),
    ChoiceOption("theft", N_("tip.category.theft"), ("trom", "trom cap", "theft")),
    ChoiceOption("gambling", N_("tip.category.gambling"), ("co bac", "lo de", "gambling")),
    ChoiceOption("online_fraud", N_("tip.category.online_fraud"), ("lua dao", "fraud", "scam")),
    ChoiceOption("loan_shark", N_("tip.category.loan_shark"), ("tin dung den", "doi no")),
    ChoiceOption("trafficking", N_("tip.category.trafficking"), ("mua ban nguoi",)),
    ChoiceOption("prostitution", N_("tip.category.prostitution"), ("mai dam",)),
    ChoiceOption("weapons", N_("tip.category.weapons"), ("vu khi", "phao", "phao no")),
    ChoiceOption("domestic_violence", N_("tip.category.domestic_violence"), ("bao luc",)),
    ChoiceOption("disorder", N_("tip.category.disorder"), ("gay roi", "danh nhau")),
    ChoiceOption("fire_risk", N_("tip.category.fire_risk"), ("chay", "chay no", "fire")),
    ChoiceOption("traffic", N_("tip.category.traffic"), ("giao thong", "traffic")),
    ChoiceOption("suspicious", N_("tip.category.suspicious"), ("kha nghi", "dang ngo")),
    ChoiceOption("other", N_("tip.category.other"), ("khac", "other")),
)

IDENTITY = Choice(
    ChoiceOption("anonymous", N_("tip.identity.anonymous"), ("an danh", "anonymous", "giau ten")),
    ChoiceOption("contact", N_("tip.identity.contact"), ("so dien thoai", "sdt", "phone")),
)


PHONE_CONSENT = Choice(
    ChoiceOption("agree", N_("privacy.agree"), ("dong y", "agree", "yes", "co", "ok")),
    ChoiceOption("anonymous", N_("tip.phone_consent.anonymous"), ("an danh", "anonymous")),
)


def chose_contact(answers: Answers) -> bool:
    """The sender picked "leave a phone number": they are asked to agree to it being kept."""
    return answers.get("identity") == "contact"


def wants_contact(answers: Answers) -> bool:
    """The sender chose to leave a phone number for officers to call back, and agreed to it
    being kept with the tip."""
    return chose_contact(answers) and answers.get("phone_consent") == "agree"


async def _anonymous_unless_agreed(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    if answers.get("phone_consent") == "agree":
        return None
    # Not agreeing to the phone being kept sends the tip anonymously: nothing else changes.
    return Redirect(
        answers={"identity": "anonymous"},
        replies=[Text(ctx.t(N_("tip.phone_consent.went_anonymous")))],
    )


def new_tip_code() -> str:
    return "".join(secrets.choice(TIP_CODE_ALPHABET) for _ in range(TIP_CODE_LENGTH))


async def store_tip(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    code = new_tip_code()
    place = answers["place"]
    moment = answers["time"]
    commune = answers.get("commune") or {}
    anonymous = not wants_contact(answers)
    tip = StoreTip(
        code=code,
        category=answers["category"],
        description=answers["description"],
        place_text=place.get("text"),
        latitude=place.get("latitude"),
        longitude=place.get("longitude"),
        place_unknown=bool(place.get("unknown")),
        occurred_date=date.fromisoformat(moment["date"]) if moment.get("date") else None,
        occurred_time=moment.get("time"),
        occurred_unknown=bool(moment.get("unknown")),
        anonymous=anonymous,
        contact_phone=None if anonymous else answers.get("phone"),
        sender_member_id=ctx.member.id,
        locale=ctx.locale,
        attachments=tuple(answers.get("attachments") or ()),
        area_id=commune.get("area_id"),
    )
    thanks = ctx.t(N_("tip.stored"), code=format_tip_code(code))
    if anonymous:
        only_way = ctx.t(N_("tip.stored_anonymous"))
        thanks = f"{thanks}\n{only_way}"
    return Completion(replies=[Text(thanks), Text(ctx.t(N_("tip.safety")))], effects=[tip])


def tip_flow(
    route_days: int = KEPT_AFTER_CLOSING_DAYS, phone_days: int = KEPT_AFTER_CLOSING_DAYS
) -> Flow:
    """The tip flow; ``route_days`` and ``phone_days`` say (from the settings) how many days
    after a tip is closed its sender's sealed route back and phone are erased, as the texts
    promise."""
    return Flow(
        "tip",
        title=N_("menu.tip"),
        intro=N_("tip.intro"),
        commands=("tip", "tinbao", "baotin", "togiac"),
        action=Action.SEND_TIP,
        complete=store_tip,
        steps=[
            Step("category", N_("tip.ask.category"), CATEGORIES, title=N_("tip.title.category")),
            Step(
                "description",
                N_("tip.ask.description"),
                FreeText(min_length=MIN_DESCRIPTION, max_length=MAX_DESCRIPTION),
                title=N_("tip.title.description"),
                help=N_("tip.help.description"),
            ),
            Step(
                "place",
                N_("tip.ask.place"),
                Whereabouts(),
                title=N_("tip.title.place"),
                help=N_("tip.help.place"),
            ),
            Step(
                "commune",
                N_("tip.ask.commune"),
                Commune(),
                title=N_("tip.title.commune"),
                help=N_("tip.help.commune"),
            ),
            Step(
                "time",
                N_("tip.ask.time"),
                WhenHappened(),
                title=N_("tip.title.time"),
                help=N_("tip.help.time"),
            ),
            Step(
                "attachments",
                N_("tip.ask.attachments"),
                Attachments(max_items=MAX_ATTACHMENTS, more=N_("tip.ask.attachments_more")),
                title=N_("tip.title.attachments"),
            ),
            Step(
                "identity",
                N_("tip.ask.identity"),
                IDENTITY,
                title=N_("tip.title.identity"),
                help=N_("tip.help.identity"),
                params=(("days", route_days),),
            ),
            Step(
                "phone_consent",
                N_("tip.ask.phone_consent"),
                PHONE_CONSENT,
                title=N_("tip.title.phone_consent"),
                applies=chose_contact,
                counted_ahead=True,
                after=_anonymous_unless_agreed,
                params=(("days", phone_days),),
            ),
            Step(
                "phone",
                N_("tip.ask.phone"),
                Phone(),
                title=N_("tip.title.phone"),
                applies=wants_contact,
                counted_ahead=True,
            ),
        ],
    )
