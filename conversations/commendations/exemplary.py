"""/diemhinh: a commune proposed as exemplary of the movement for the year ("điển hình"), and
recognised by the level above (a province's admin). Agencies, businesses and schools are
proposed the same way once the units' module lands (``ExemplaryKind``)."""

from __future__ import annotations

from typing import Any

from conversations.choosing import ScopedPlace
from conversations.commendations import ExemplaryKind, ProposeExemplary, RecogniseExemplary
from conversations.commendations.fields import ACTION
from conversations.fields import Choice, ChoiceOption
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.places import COMMUNE, is_inside
from conversations.policy import Grant, Role
from conversations.replies import Text
from conversations.targets import YearCalendar

PROPOSE, RECOGNISE = "propose", "recognise"
DECISIONS = Choice(
    ChoiceOption(PROPOSE, N_("exemplary.propose"), ("de nghi", "propose")),
    ChoiceOption(RECOGNISE, N_("exemplary.recognise"), ("cong nhan", "recognise")),
)
COMMUNE_PICKED = ScopedPlace(ACTION, frozenset({COMMUNE}))


def above(grants: tuple[Grant, ...], path: str) -> bool:
    """An admin of a place above ``path`` (a commune's province)."""
    return any(
        grant.role is Role.ADMIN and grant.place.path != path and is_inside(path, grant.place.path)
        for grant in grants
    )


def exemplary_flow(calendar: YearCalendar | None = None) -> Flow:
    calendar = calendar or YearCalendar()

    async def complete(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        commune = await COMMUNE_PICKED.picked(ctx, answers["commune"])
        year = calendar.assessed_year(ctx.today)
        if answers["decision"] == RECOGNISE:
            if not above(ctx.member.roles, commune.path):
                refused = ctx.t(N_("exemplary.not_above"), unit=commune.full_name)
                return Completion(replies=[Text(refused)])
            done = ctx.t(N_("exemplary.recognised"), unit=commune.full_name, year=year)
            effect: ProposeExemplary | RecogniseExemplary = RecogniseExemplary(
                ExemplaryKind.COMMUNE, commune.id, year
            )
        else:
            done = ctx.t(N_("exemplary.proposed"), unit=commune.full_name, year=year)
            effect = ProposeExemplary(ExemplaryKind.COMMUNE, commune.id, year)
        return Completion(replies=[Text(done)], effects=[effect])

    return Flow(
        "exemplary",
        title=N_("menu.exemplary"),
        commands=("diemhinh", "exemplary"),
        action=ACTION,
        complete=complete,
        steps=[
            Step(
                "commune",
                N_("exemplary.ask_commune"),
                COMMUNE_PICKED,
                N_("exemplary.title.commune"),
            ),
            Step(
                "decision", N_("exemplary.ask_decision"), DECISIONS, N_("exemplary.title.decision")
            ),
        ],
    )
