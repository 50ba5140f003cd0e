"""Admins create an event for the people of one of their places.

"Ngày hội toàn dân bảo vệ ANTQ" is a ready template: it fills the title, the description and
1 July – 19 August; the summary shows them and each can still be changed with "Edit".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from conversations.events import (
    DAI_DOAN_KET,
    LANG_NGHE,
    NGAY_HOI,
    SO_KET,
    TONG_KET,
    CreateEvent,
    dai_doan_ket_period,
    ngay_hoi_period,
)
from conversations.events.fields import EventArea, EventMoment, shown_moment
from conversations.fields import Choice, ChoiceOption, FreeText
from conversations.flow import Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.localtime import LOCAL_TIME
from conversations.policy import Action, may
from conversations.replies import Text

TEMPLATES = Choice(
    ChoiceOption(NGAY_HOI, N_("events.template.ngay_hoi"), ("ngay hoi", "ngay hoi antq")),
    ChoiceOption("custom", N_("events.template.custom"), ("khac", "tu tao", "custom", "other")),
    ChoiceOption(
        DAI_DOAN_KET, N_("events.template.dai_doan_ket"), ("dai doan ket", "18/11", "18 11")
    ),
    ChoiceOption(SO_KET, N_("events.template.so_ket"), ("so ket", "hoi nghi so ket")),
    ChoiceOption(TONG_KET, N_("events.template.tong_ket"), ("tong ket", "hoi nghi tong ket")),
    ChoiceOption(LANG_NGHE, N_("opinions.forum.template"), ("lang nghe", "dien dan", "forum")),
)


# Review conferences: the title and the description are filled, the times asked.
CONFERENCES = {
    SO_KET: (N_("events.template.so_ket.title"), N_("events.template.so_ket.description")),
    TONG_KET: (N_("events.template.tong_ket.title"), N_("events.template.tong_ket.description")),
    # The forum answers the opinions its officers list for it (conversations.opinions).
    LANG_NGHE: (
        N_("opinions.forum.template.title"),
        N_("opinions.forum.template.description"),
    ),
}


async def template_chosen(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    if answers["template"] in CONFERENCES:
        title, description = CONFERENCES[answers["template"]]
        year = ctx.now.astimezone(LOCAL_TIME).year
        return Redirect(
            answers={"title": ctx.t(title, year=year), "description": ctx.t(description)}
        )
    if answers["template"] == DAI_DOAN_KET:
        starts, ends = dai_doan_ket_period(ctx.now)
        prefilled = {
            "title": ctx.t(
                N_("events.template.dai_doan_ket.title"), year=starts.astimezone(LOCAL_TIME).year
            ),
            "description": ctx.t(N_("events.template.dai_doan_ket.description")),
            "starts": starts.isoformat(),
            "ends": ends.isoformat(),
        }
        return Redirect(answers=prefilled)
    if answers["template"] != NGAY_HOI:
        return None
    starts, ends = ngay_hoi_period(ctx.now)
    year = starts.astimezone(LOCAL_TIME).year
    prefilled = {
        "title": ctx.t(N_("events.template.ngay_hoi.title"), year=year),
        "description": ctx.t(N_("events.template.ngay_hoi.description")),
        "starts": starts.isoformat(),
        "ends": ends.isoformat(),
    }
    return Redirect(answers=prefilled)


async def next_unanswered(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    """Past the place, go to what is still missing: a template already gave the times."""
    return Redirect()


def _moment(answers: dict[str, Any], name: str) -> datetime | None:
    value = answers.get(name)
    return datetime.fromisoformat(value) if value else None


async def starts_given(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    starts, ends = _moment(answers, "starts"), _moment(answers, "ends")
    if starts is not None and starts <= ctx.now:
        return Redirect(replies=[Text(ctx.t(N_("events.new.starts_past")))], step="starts")
    if starts is not None and ends is not None and ends <= starts:
        again = ctx.t(N_("events.new.ends_again"), starts=shown_moment(answers["starts"]))
        return Redirect(replies=[Text(again)], step="ends")
    return None


async def ends_given(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    starts, ends = _moment(answers, "starts"), _moment(answers, "ends")
    if starts is not None and ends is not None and ends <= starts:
        problem = ctx.t(N_("events.new.ends_before"), starts=shown_moment(answers["starts"]))
        return Redirect(replies=[Text(problem)], step="ends")
    return None


async def create(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    area = answers["area"]
    starts, ends = _moment(answers, "starts"), _moment(answers, "ends")
    assert starts is not None and ends is not None
    if not may(ctx.member.roles, Action.MANAGE_EVENTS, area["path"]):
        return Completion(replies=[Text(ctx.t(N_("policy.denied")))])
    if starts <= ctx.now or ends <= starts:
        # Time passed while the summary waited: ask for the start again, keep the rest.
        problem = Text(ctx.t(N_("events.new.starts_past")))
        return Completion(redirect=Redirect(replies=[problem], step="starts"))
    effect = CreateEvent(
        title=" ".join(answers["title"].split()),
        description=answers["description"].strip(),
        place_text=" ".join(answers["place_text"].split()),
        starts_at=starts,
        ends_at=ends,
        area_id=area["area_id"],
        template=answers["template"] if answers["template"] != "custom" else None,
    )
    created = ctx.t(
        N_("events.created"),
        title=effect.title,
        when=f"{shown_moment(answers['starts'])} – {shown_moment(answers['ends'])}",
        area=area["name"],
    )
    return Completion(replies=[Text(created)], effects=[effect])


def new_event_flow() -> Flow:
    return Flow(
        "event_new",
        title=N_("events.menu.new"),
        steps=[
            Step(
                "template",
                N_("events.new.ask_template"),
                TEMPLATES,
                N_("events.new.template"),
                after=template_chosen,
            ),
            Step(
                "title",
                N_("events.new.ask_title"),
                FreeText(min_length=3, max_length=200),
                N_("events.new.title"),
            ),
            Step(
                "description",
                N_("events.new.ask_description"),
                FreeText(min_length=3, max_length=2000),
                N_("events.new.description"),
            ),
            Step(
                "place_text",
                N_("events.new.ask_place"),
                FreeText(min_length=3, max_length=300),
                N_("events.new.place"),
                after=next_unanswered,
            ),
            Step(
                "starts",
                N_("events.new.ask_starts"),
                EventMoment(),
                N_("events.new.starts"),
                after=starts_given,
            ),
            Step(
                "ends",
                N_("events.new.ask_ends"),
                EventMoment(),
                N_("events.new.ends"),
                after=ends_given,
            ),
            Step("area", N_("events.new.ask_area"), EventArea(), N_("events.new.area")),
        ],
        complete=create,
        commands=("taosukien", "newevent"),
        action=Action.MANAGE_EVENTS,
    )
