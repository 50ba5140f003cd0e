"""Effects of the privacy conversations: the answer to the notice, one's own data, erasure."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.channels import CHANNELS_WITHOUT_FILES
from bot.effect_context import EffectContext, EffectHandler
from bot.privacy.erasure import erase_person
from conversations.commendations import STATUS_LABELS as COMMENDATION_STATUS
from conversations.commendations import Status as CommendationStatus
from conversations.commendations import form_label
from conversations.effects import Effect
from conversations.fields import format_tip_code, shown_phone
from conversations.i18n import N_, Catalogues
from conversations.localtime import shown, shown_date
from conversations.opinions import CATEGORIES as OPINION_CATEGORIES
from conversations.opinions.follow import STATUS_LABELS as OPINION_STATUS
from conversations.policy import ROLE_LABELS, Role
from conversations.privacy import ConsentDecision, EraseMe, RecordConsent, SendMyData
from conversations.replies import Document, Text
from conversations.tips.status import STATUS_LABELS
from storage.privacy import forget_profile, member_data, record_consent

DECISION_LABELS = {
    ConsentDecision.GIVEN: N_("privacy.decision.given"),
    ConsentDecision.REFUSED: N_("privacy.decision.refused"),
    ConsentDecision.WITHDRAWN: N_("privacy.decision.withdrawn"),
}


async def _record_consent(ctx: EffectContext, effect: RecordConsent) -> None:
    await record_consent(
        ctx.session,
        ctx.member.id,
        decision=effect.decision,
        notice_version=effect.notice_version,
        display_name=ctx.message.display_name,
        now=ctx.now,
    )
    if effect.decision == ConsentDecision.WITHDRAWN:
        await forget_profile(ctx.session, ctx.member.id, keep_name=bool(ctx.member.roles))


def _when(value: str | None, texts: Catalogues, locale: str) -> str:
    if value is None:
        return texts.text(locale, N_("privacy.my_data.nothing"))
    return shown(datetime.fromisoformat(value))


def _day(value: str | None, texts: Catalogues, locale: str) -> str:
    """A time kept to the day (``storage.tables.day_stamp``: a row that names a person keeps
    no finer one) as the date it stands for, never as a time of day it does not know."""
    if value is None:
        return texts.text(locale, N_("privacy.my_data.nothing"))
    return shown_date(datetime.fromisoformat(value).date())


def my_data_text(data: dict[str, Any], texts: Catalogues, locale: str) -> str:
    """The member's data as lines a person reads on a phone."""

    def t(key: str, **params: object) -> str:
        return texts.text(locale, key, **params)

    nothing = t(N_("privacy.my_data.nothing"))
    lines = [
        t(N_("privacy.my_data.title")),
        t(
            N_("privacy.my_data.profile"),
            name=data["display_name"] or nothing,
            language=data["locale"] or nothing,
            home=data["home_place"] or nothing,
            created=_day(data["created_at"], texts, locale),
        ),
    ]
    for identity in data["identities"]:
        lines.append(
            t(
                N_("privacy.my_data.identity"),
                channel=identity["channel"],
                platform_user_id=identity["platform_user_id"],
                created=_day(identity["created_at"], texts, locale),
            )
        )
    for role in data["roles"]:
        revoked = role["revoked_at"]
        until = (
            t(N_("privacy.my_data.role_revoked"), revoked=_day(revoked, texts, locale))
            if revoked
            else ""
        )
        lines.append(
            t(
                N_("privacy.my_data.role"),
                role=t(ROLE_LABELS[Role(role["role"])]),
                place=role["place"],
                granted=_day(role["granted_at"], texts, locale),
                revoked=until,
            )
        )
    on, off = t(N_("privacy.my_data.on")), t(N_("privacy.my_data.off"))
    preferences = data["preferences"]
    lines.append(
        t(
            N_("privacy.my_data.preferences"),
            reminders=on if preferences["reminders"] else off,
            campaigns=on if preferences["campaigns"] else off,
        )
    )
    if data["drafts"]:
        lines.append(t(N_("privacy.my_data.drafts"), count=len(data["drafts"])))
    for tip in data["tips_with_contact"]:
        lines.append(
            t(
                N_("privacy.my_data.tip"),
                phone=shown_phone(tip["contact_phone"]) if tip["contact_phone"] else nothing,
                code=format_tip_code(tip["code"]),
                status=t(STATUS_LABELS.get(tip["status"], STATUS_LABELS["received"])),
                received=_when(tip["received_at"], texts, locale),
            )
        )
    for registration in data["event_registrations"]:
        cancelled = registration["cancelled_at"]
        lines.append(
            t(
                N_("privacy.my_data.event"),
                title=registration["event"],
                starts=_when(registration["starts_at"], texts, locale),
                cancelled=t(N_("privacy.my_data.event_cancelled")) if cancelled else "",
            )
        )
    for commendation in data.get("commendations", []):
        lines.append(
            t(
                N_("privacy.my_data.commendation"),
                year=commendation["year"],
                form=t(form_label(commendation["form"], "")),
                status=t(COMMENDATION_STATUS[CommendationStatus(commendation["status"])]),
            )
        )
    for opinion in data.get("opinions", []):
        lines.append(
            t(
                N_("opinions.my_data.line"),
                code=format_tip_code(opinion["code"]),
                category=t(OPINION_CATEGORIES.labels[opinion["category"]]),
                status=t(OPINION_STATUS.get(opinion["status"], OPINION_STATUS["received"])),
                received=_day(opinion["received_on"], texts, locale),
            )
        )
    for decision in data["consent_history"]:
        lines.append(
            t(
                N_("privacy.my_data.consent"),
                decision=t(DECISION_LABELS[ConsentDecision(decision["decision"])]),
                version=decision["notice_version"],
                at=_day(decision["at"], texts, locale),
            )
        )
    for web in data["web_sessions"]:
        lines.append(
            t(
                N_("privacy.my_data.web_session"),
                started=_when(web["started_at"], texts, locale),
                expires=_when(web["expires_at"], texts, locale),
            )
        )
    lines.append(t(N_("privacy.my_data.anonymous_tips")))
    lines.append(t(N_("privacy.my_data.rights")))
    return "\n".join(lines)


def my_data_file(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


async def _send_my_data(ctx: EffectContext, effect: SendMyData) -> None:
    data = await member_data(ctx.session, ctx.member.id, now=ctx.now)
    if data is None:
        return
    ctx.replies.append(Text(my_data_text(data, ctx.catalogues, ctx.locale)))
    if ctx.message.channel not in CHANNELS_WITHOUT_FILES:
        caption = ctx.text(N_("privacy.my_data.file"))
        ctx.replies.append(
            Document(caption, f"du-lieu-cua-toi-{ctx.member.id}.json", my_data_file(data))
        )


async def _erase_me(ctx: EffectContext, effect: EraseMe) -> None:
    await erase_person(
        ctx.session, ctx.sealer, ctx.member.id, actor_member_id=ctx.member.id, now=ctx.now
    )


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {
    RecordConsent: _record_consent,
    SendMyData: _send_my_data,
    EraseMe: _erase_me,
}
