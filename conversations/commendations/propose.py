"""/denghikhenthuong: an admin proposes a collective or a person for a form of commendation.

The commended is an area (a residential area or a commune), an agency, a business or a school
(a unit), a model, a commune's police, a
member holding a role in the admin's places, or a person the admin names with their role in
their unit. The bot adds to the proposal the figures it holds (``bot.commendations``); it never
asks for, nor shows, a tip.
"""

from __future__ import annotations

from typing import Any

from conversations.choosing import ScopedPlace
from conversations.commendations import (
    MAX_ACHIEVEMENT,
    SUBJECT_LABELS,
    ProposeCommendation,
    SubjectKind,
)
from conversations.commendations.fields import (
    ACTION,
    FormChoice,
    MemberByName,
    ModelByName,
)
from conversations.fields import Choice, ChoiceOption, FreeText
from conversations.flow import Answers, Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.places import COMMUNE, RESIDENTIAL, UNITS
from conversations.replies import Text
from conversations.targets import YearCalendar

KINDS = Choice(
    ChoiceOption(SubjectKind.AREA, SUBJECT_LABELS[SubjectKind.AREA], ("khu dan cu", "thon", "xa")),
    ChoiceOption(
        SubjectKind.UNIT,
        SUBJECT_LABELS[SubjectKind.UNIT],
        ("co quan", "doanh nghiep", "truong", "unit"),
    ),
    ChoiceOption(SubjectKind.MODEL, SUBJECT_LABELS[SubjectKind.MODEL], ("mo hinh", "model")),
    ChoiceOption(
        SubjectKind.COMMUNE_POLICE,
        SUBJECT_LABELS[SubjectKind.COMMUNE_POLICE],
        ("cong an xa", "cong an phuong", "police"),
    ),
    ChoiceOption(SubjectKind.MEMBER, SUBJECT_LABELS[SubjectKind.MEMBER], ("thanh vien", "member")),
    ChoiceOption(SubjectKind.PERSON, SUBJECT_LABELS[SubjectKind.PERSON], ("ca nhan", "person")),
)
PLACE = ScopedPlace(ACTION, RESIDENTIAL | {COMMUNE})
UNIT = ScopedPlace(ACTION, UNITS)
NAME_LIMIT = 120


def _kind_in(*kinds: SubjectKind) -> Any:
    def condition(answers: Answers) -> bool:
        return answers.get("kind") in kinds

    return condition


needs_place = _kind_in(SubjectKind.AREA, SubjectKind.COMMUNE_POLICE, SubjectKind.PERSON)
is_unit = _kind_in(SubjectKind.UNIT)
is_model = _kind_in(SubjectKind.MODEL)
is_member = _kind_in(SubjectKind.MEMBER)
is_person = _kind_in(SubjectKind.PERSON)


def propose_flow(calendar: YearCalendar | None = None) -> Flow:
    calendar = calendar or YearCalendar()

    async def complete(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        kind = SubjectKind(answers["kind"])
        year = calendar.assessed_year(ctx.today)
        ref_id = member_id = None
        person_name = person_role = None
        if kind is SubjectKind.MODEL:
            area_id, ref_id = answers["model"]["area_id"], answers["model"]["id"]
            subject = answers["model"]["name"]
        elif kind is SubjectKind.MEMBER:
            area_id, member_id = answers["member"]["area_id"], answers["member"]["id"]
            subject = answers["member"]["name"]
        elif kind is SubjectKind.UNIT:
            unit = await UNIT.picked(ctx, answers["unit"])
            area_id, ref_id, subject = unit.id, unit.id, unit.full_name
        else:
            place = await PLACE.picked(ctx, answers["place"])
            area_id, subject = place.id, place.full_name
            if kind is SubjectKind.PERSON:
                person_name = " ".join(answers["person_name"].split())
                person_role = " ".join(answers["person_role"].split())
                subject = f"{person_name} ({person_role})"
        done = ctx.t(
            N_("commendation.proposed"),
            subject=subject,
            form=ctx.t(answers["form"]["label"]),
            year=year,
        )
        effect = ProposeCommendation(
            kind=kind,
            area_id=area_id,
            ref_id=ref_id,
            member_id=member_id,
            person_name=person_name,
            person_role=person_role,
            form=answers["form"]["key"],
            achievement=answers["achievement"].strip(),
            year=year,
        )
        return Completion(replies=[Text(done)], effects=[effect])

    return Flow(
        "commendation_propose",
        title=N_("menu.commendation_propose"),
        commands=("denghikhenthuong", "propose"),
        action=ACTION,
        complete=complete,
        steps=[
            Step("kind", N_("commendation.ask_kind"), KINDS, N_("commendation.title.kind")),
            Step(
                "place",
                N_("commendation.ask_place"),
                PLACE,
                N_("commendation.title.place"),
                applies=needs_place,
            ),
            Step(
                "unit",
                N_("commendation.ask_unit"),
                UNIT,
                N_("commendation.title.unit"),
                applies=is_unit,
            ),
            Step(
                "model",
                N_("commendation.ask_model"),
                ModelByName(),
                N_("commendation.title.model"),
                applies=is_model,
            ),
            Step(
                "member",
                N_("commendation.ask_member"),
                MemberByName(),
                N_("commendation.title.member"),
                applies=is_member,
            ),
            Step(
                "person_name",
                N_("commendation.ask_person_name"),
                FreeText(min_length=2, max_length=NAME_LIMIT),
                N_("commendation.title.person_name"),
                applies=is_person,
            ),
            Step(
                "person_role",
                N_("commendation.ask_person_role"),
                FreeText(min_length=2, max_length=NAME_LIMIT),
                N_("commendation.title.person_role"),
                applies=is_person,
            ),
            Step("form", N_("commendation.ask_form"), FormChoice(), N_("commendation.title.form")),
            Step(
                "achievement",
                N_("commendation.ask_achievement"),
                FreeText(min_length=10, max_length=MAX_ACHIEVEMENT),
                N_("commendation.title.achievement"),
            ),
        ],
    )
