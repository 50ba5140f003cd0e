"""``antq commendations``: the forms of a province, proposals made and decided from the
command line (the operator's: no role is needed, audited with no actor), the year's list, and
the exemplary units against the plan's targets.

A proposal made here is made as the commune of the place (a province's own place: as the
province); a decision here queues the same notices as one made in chat, and tells a tipster
whose acceptance made the proposal in the tip's thread (``bot.commendations.tipster``).
"""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commandline import audit_operator, configured_sealer, in_transaction
from bot.commendations import service
from bot.commendations.reads import figures_of
from bot.commendations.service import CommendationRefused
from bot.commendations.tipster import tell_tipster
from bot.places import place_of
from bot.sealed_sender import Sending
from bot.settings import Settings
from conversations.commendations import (
    SUBJECT_LABELS,
    ExemplaryKind,
    SubjectKind,
    form_label,
    forms_of,
    grounds_text,
    judge_exemplary,
)
from conversations.i18n import Catalogues
from conversations.localtime import local_today
from conversations.places import COMMUNE, UNITS, Place
from storage.areas import area_by_code
from storage.commendations import (
    commendation_by_id,
    commendations_of_year,
    commune_paths_within,
    exemplary_by_commune,
)
from storage.tables import utcnow

commendations_cli = typer.Typer(
    help="Commendations (thi đua, khen thưởng) and exemplary units.", no_args_is_help=True
)
AreaOption = Annotated[str, typer.Option("--area", help="code of a place")]
YearOption = Annotated[int | None, typer.Option(help="the year (default: the one assessed now)")]
LOCALE = "vi"


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


def _t(key: str, **params: object) -> str:
    return Catalogues.load().text(LOCALE, key, **params)


def _year(year: int | None) -> int:
    return year or Settings().year_calendar.assessed_year(local_today(utcnow()))


async def _place(session: AsyncSession, code: str) -> Place:
    area = await area_by_code(session, code)
    if area is None:
        raise _fail(f"no place with code {code!r} (antq areas find NAME)")
    return place_of(area)


@commendations_cli.command("forms")
def forms(area: AreaOption = "") -> None:
    """The forms of commendation a place's province offers (key — name — who decides)."""
    for form in forms_of(f"/{area}/" if area else ""):
        typer.echo(f"{form.key} — {_t(form.label)} — {form.level}")


@commendations_cli.command("propose")
def propose(
    area: Annotated[
        str, typer.Option("--area", help="code of a place (kind unit: of the unit itself)")
    ],
    kind: Annotated[SubjectKind, typer.Option(help="who is commended")],
    form: Annotated[str, typer.Option(help="a form's key (antq commendations forms)")],
    achievement: Annotated[str, typer.Option(help="the achievement, in a few lines")],
    model: Annotated[int | None, typer.Option(help="the model's id (kind model)")] = None,
    member: Annotated[int | None, typer.Option(help="the member's id (kind member)")] = None,
    person_name: Annotated[str | None, typer.Option(help="kind person: the name")] = None,
    person_role: Annotated[str | None, typer.Option(help="kind person: the role")] = None,
    year: YearOption = None,
) -> None:
    """Propose a commendation; prints its number and the figures it rests on."""
    chosen = _year(year)

    async def work(session: AsyncSession) -> tuple[int, str]:
        place = await _place(session, area)
        try:
            proposer = await service.proposing_place(session, place)
            proposal_id, counted = await service.propose(
                session,
                kind=kind,
                place=place,
                proposer_place=proposer,
                ref_id=model,
                member_id=member,
                person_name=person_name,
                person_role=person_role,
                form=form,
                achievement=achievement,
                year=chosen,
                by=None,
                now=utcnow(),
            )
        except CommendationRefused as refused:
            raise _fail(f"not proposed: {refused}") from None
        await audit_operator(session, service.PROPOSED, "commendation", proposal_id)
        figures = {name: getattr(counted, name) for name in counted.__slots__}
        return proposal_id, grounds_text(kind, figures, _t)

    proposal_id, grounds = in_transaction(work)
    typer.echo(f"proposal {proposal_id} stored; {grounds}")


def _decide(proposal_id: int, *, approved: bool, reason: str) -> None:
    catalogues = Catalogues.load()
    sealer = configured_sealer()

    async def work(session: AsyncSession) -> int:
        record = await commendation_by_id(session, proposal_id)
        if record is None:
            raise _fail(f"no proposal {proposal_id}")
        now = utcnow()
        try:
            decided = await service.decide(
                session, record, approved=approved, reason=reason, by=None, now=now
            )
        except CommendationRefused as refused:
            raise _fail(f"not decided: {refused}") from None
        if not decided:
            raise _fail(f"proposal {proposal_id} was decided already ({record.status})")
        await audit_operator(session, service.REVIEWED, "commendation", proposal_id)
        fresh = await commendation_by_id(session, proposal_id)
        assert fresh is not None
        told = await service.tell(session, fresh, catalogues, reviewer_id=None, now=now)
        return told + await tell_tipster(Sending(session, sealer, catalogues, now), fresh)

    told = in_transaction(work)
    typer.echo(f"proposal {proposal_id} {'approved' if approved else 'declined'}; {told} told")


@commendations_cli.command("approve")
def approve(proposal_id: Annotated[int, typer.Argument(help="the proposal's number")]) -> None:
    """Approve a proposal; the proposer and the commended (a tipster in their tip's thread)
    are told."""
    _decide(proposal_id, approved=True, reason="")


@commendations_cli.command("decline")
def decline(
    proposal_id: Annotated[int, typer.Argument(help="the proposal's number")],
    reason: Annotated[str, typer.Option(help="why (the proposer is told)")],
) -> None:
    """Decline a proposal with a reason; the proposer (and a tipster, in their tip's thread)
    are told."""
    _decide(proposal_id, approved=False, reason=reason)


@commendations_cli.command("list")
def list_year(
    area: AreaOption,
    year: YearOption = None,
    status: Annotated[str | None, typer.Option(help="proposed, approved or declined")] = None,
) -> None:
    """The year's proposals of a place and below (every status unless one is asked)."""
    chosen = _year(year)

    async def work(session: AsyncSession) -> list[str]:
        place = await _place(session, area)
        lines = []
        for record in await commendations_of_year(session, place.path, chosen, status=status):
            kind = SubjectKind(record.subject_kind)
            lines.append(
                f"{record.id}\t{record.status}\t{_t(SUBJECT_LABELS[kind])}: {record.shown_name}"
                f"\t{_t(form_label(record.form, record.area_path))}\t{record.achievement}"
                f"\t{grounds_text(kind, figures_of(record), _t)}"
            )
        return lines

    lines = in_transaction(work)
    typer.echo("\n".join(lines) if lines else f"no commendation in {chosen}")


@commendations_cli.command("exemplary")
def exemplary(
    commune: Annotated[str | None, typer.Option("--commune", help="the commune's code")] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="an agency's, business's or school's code")
    ] = None,
    recognise: Annotated[bool, typer.Option(help="recognise (default: propose)")] = False,
    year: YearOption = None,
) -> None:
    """Propose a commune, or an agency, business or school of a commune, as exemplary of the
    year, or recognise it (the level above the commune's)."""
    chosen = _year(year)
    if (commune is None) == (unit is None):
        raise _fail("give either --commune or --unit")
    code = commune or unit or ""

    async def work(session: AsyncSession) -> bool:
        place = await _place(session, code)
        if commune is not None and place.kind != COMMUNE:
            raise _fail(f"{code} is not a commune")
        if unit is not None and place.kind not in UNITS:
            raise _fail(f"{code} is not an agency, business or school (antq units list)")
        try:
            return await service.exemplary(
                session,
                ExemplaryKind(place.kind),
                place,
                chosen,
                recognise=recognise,
                by=None,
                now=utcnow(),
            )
        except CommendationRefused as refused:
            raise _fail(f"not recorded: {refused}") from None

    changed = in_transaction(work)
    done = "recognised" if recognise else "proposed"
    typer.echo(f"{code} {done} for {chosen}" if changed else "nothing changed")


@commendations_cli.command("targets")
def exemplary_targets(area: AreaOption, year: YearOption = None) -> None:
    """The exemplary units of a province (or commune) against the plan's targets."""
    chosen = _year(year)
    book = Settings().target_book

    async def work(session: AsyncSession) -> list[str]:
        place = await _place(session, area)
        recorded, recognised = await exemplary_by_commune(session, place.path, chosen)
        communes = await commune_paths_within(session, place.path)
        verdicts = {True: "met", False: "not met", None: "no data"}
        return [
            f"{_t(line.name)}: {line.count}/{line.of} (threshold {line.threshold:g}) — "
            f"{verdicts[line.met]}"
            for line in judge_exemplary(communes, recorded, recognised, book, place.path)
        ]

    typer.echo("\n".join(in_transaction(work)))
