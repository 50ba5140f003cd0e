"""The bot's side of urgent incident reports.

Reads for the engine (a reader the processor's records hold) and the effect's handler: store the
incident and queue a message to every officer of the commune, in the same transaction, with a
kind that goes out at night too."""

from __future__ import annotations

from collections.abc import Iterable

from bot.delivery.queueing import MemberMessage, queue_for_member
from bot.effect_context import EffectContext, EffectHandler
from bot.incidents.reads import incident_recipients
from bot.places import place_of
from conversations.effects import Effect
from conversations.i18n import N_
from conversations.incidents import ReportIncident
from conversations.localtime import shown
from conversations.policy import Action, Grant, PolicyViolation, Role, may
from storage.areas import area_by_id
from storage.delivery.outbox import URGENT
from storage.incidents import NewIncident, insert_incident

# The officers' message, by the reporter's role and the severity: both are words, and the
# message is rendered later in each officer's own language.
NOTICE_KEYS: dict[tuple[Role, str], str] = {
    (Role.LEADER, "low"): N_("incidents.notice.leader.low"),
    (Role.LEADER, "serious"): N_("incidents.notice.leader.serious"),
    (Role.LEADER, "critical"): N_("incidents.notice.leader.critical"),
    (Role.OFFICER, "low"): N_("incidents.notice.officer.low"),
    (Role.OFFICER, "serious"): N_("incidents.notice.officer.serious"),
    (Role.OFFICER, "critical"): N_("incidents.notice.officer.critical"),
}


def map_link(latitude: float, longitude: float) -> str:
    """A shared location as a link any phone opens in its map app."""
    return f"https://maps.google.com/?q={latitude:.6f},{longitude:.6f}"


def check_reporter(roles: Iterable[Grant], effect: ReportIncident, area_path: str | None) -> None:
    """Refuse an incident from a place (``None``: not found) the member holds no role in."""
    roles = tuple(roles)
    held = any(grant.role == effect.role and grant.place.id == effect.area_id for grant in roles)
    if area_path is None or not held or not may(roles, Action.URGENT_INCIDENT, area_path):
        raise PolicyViolation("an incident reported from a place the member holds no role in")


def where_of(effect: ReportIncident) -> str:
    """Where it happens as the officers read it: the typed text, else a map link, else "-"."""
    if effect.place_text:
        return effect.place_text
    if effect.latitude is not None and effect.longitude is not None:
        return map_link(effect.latitude, effect.longitude)
    return "-"


async def report_incident(ctx: EffectContext, effect: ReportIncident) -> None:
    area = await area_by_id(ctx.session, effect.area_id)
    check_reporter(ctx.member.roles, effect, None if area is None else area.path)
    assert area is not None  # checked just above
    where = where_of(effect)
    incident_id = await insert_incident(
        ctx.session,
        NewIncident(
            area_id=area.id,
            reported_by=ctx.member.id,
            what=effect.what,
            place_text=where,
            severity=effect.severity,
        ),
        now=ctx.now,
    )
    recipients = await incident_recipients(ctx.session, area.path)
    params = {
        "what": effect.what,
        "where": where,
        "area": place_of(area).full_name,
        "time": shown(ctx.now),
    }
    for officer_id in recipients.besides(ctx.member.id):
        await queue_for_member(
            ctx.session,
            MemberMessage(
                member_id=officer_id,
                kind=URGENT,
                dedup_key=f"incident:{incident_id}:member:{officer_id}",
                message_key=NOTICE_KEYS[(effect.role, effect.severity)],
                params=params,
            ),
            now=ctx.now,
        )


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {ReportIncident: report_incident}
