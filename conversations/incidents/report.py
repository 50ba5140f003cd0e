"""An urgent incident report: what, where, how serious — and the commune's officers hear of it
at once, at any hour.

Kept short on purpose: three questions, a place only for members who hold roles in several
places, and a one-tap confirmation.
"""

from __future__ import annotations

from typing import Any

from conversations.choosing import describe_grant, grant_option_id, pick_item
from conversations.fields import (
    Accepted,
    Field,
    FieldContext,
    FreeText,
    InvalidAnswer,
    Whereabouts,
)
from conversations.flow import Answers, Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.incidents import SEVERITIES, ReportIncident, reporting_grants
from conversations.policy import Action, Grant
from conversations.replies import AskLocation, Choices, Inbound, Option, Reply, Text

MIN_WHAT, MAX_WHAT = 5, 2000


class What(FreeText):
    """What happened; also notes whether the member must then say from which of their places
    they report (only with roles in several places), since a step's condition sees answers."""

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        text = super().parse(message, ctx, current).value
        return Accepted({"text": text, "several_places": len(reporting_grants(ctx.roles)) > 1})

    def display(self, value: Any, ctx: FieldContext) -> str:
        return super().display(value.get("text", ""), ctx)


class ReportingPlace(Field):
    """Which of the member's places the incident is in (as role — place buttons)."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        offered = tuple(
            Option(grant_option_id(grant), describe_grant(grant, ctx))
            for grant in reporting_grants(ctx.roles)
        )
        return Choices(text, offered, ref)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        return Accepted(pick_item(message, reporting_grants(ctx.roles), grant_option_id).id)

    def display(self, value: Any, ctx: FieldContext) -> str:
        for grant in reporting_grants(ctx.roles):
            if grant.id == value:
                return describe_grant(grant, ctx)
        return ""


class Where(Whereabouts):
    """Where it happens: a shared location or an address; "I don't remember" is no answer
    for officers who must go there."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        return AskLocation(text, (), ref)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if message.option is not None:
            raise InvalidAnswer(N_("incidents.where.needed"))
        accepted = super().parse(message, ctx, current)
        if accepted.value.get("unknown"):
            raise InvalidAnswer(N_("incidents.where.needed"))
        return accepted


def has_several_places(answers: Answers) -> bool:
    """The reporter holds reporting roles in more than one place: ask which one."""
    return bool((answers.get("what") or {}).get("several_places"))


def _reporting_grant(answers: dict[str, Any], ctx: FlowContext) -> Grant | None:
    grants = reporting_grants(ctx.member.roles)
    chosen = answers.get("place")
    for grant in grants:
        if grant.id == chosen:
            return grant
    # One place (or the chosen role was given up meanwhile and only one is left).
    return grants[0] if len(grants) == 1 else None


async def report_incident(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    grant = _reporting_grant(answers, ctx)
    if grant is None:
        return Completion(replies=[Text(ctx.t(N_("policy.denied")))])
    recipients = await ctx.records.incidents.incident_recipients(grant.place.path)
    officers = recipients.besides(ctx.member.id)
    commune = recipients.commune.name if recipients.commune else grant.place.name
    if officers:
        told = ctx.t(N_("incidents.sent"), count=len(officers), commune=commune)
    else:
        told = ctx.t(N_("incidents.no_officer"), commune=commune)
    where = answers["where"]
    effect = ReportIncident(
        area_id=grant.place.id,
        role=grant.role,
        what=answers["what"]["text"],
        place_text=where.get("text"),
        latitude=where.get("latitude"),
        longitude=where.get("longitude"),
        severity=answers["severity"],
    )
    return Completion(
        replies=[Text(told), Text(ctx.t(N_("incidents.emergency_lines")))], effects=[effect]
    )


def incident_flow() -> Flow:
    return Flow(
        "incident",
        title=N_("incidents.menu"),
        commands=("khancap", "urgent"),
        action=Action.URGENT_INCIDENT,
        complete=report_incident,
        intro=N_("incidents.intro"),
        steps=[
            Step(
                "what",
                N_("incidents.ask.what"),
                What(min_length=MIN_WHAT, max_length=MAX_WHAT),
                title=N_("incidents.title.what"),
            ),
            Step(
                "place",
                N_("incidents.ask.place"),
                ReportingPlace(),
                title=N_("incidents.title.place"),
                applies=has_several_places,
            ),
            Step(
                "where",
                N_("incidents.ask.where"),
                Where(),
                title=N_("incidents.title.where"),
            ),
            Step(
                "severity",
                N_("incidents.ask.severity"),
                SEVERITIES,
                title=N_("incidents.title.severity"),
            ),
        ],
    )
