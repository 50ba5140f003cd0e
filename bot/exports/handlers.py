"""The bot's side of /overview and /export: the compliance read and the export handler.

A chat export is made inside the message's transaction, read page by page like the command
line's, and capped: past ``MAX_CHAT_ROWS`` rows or ``MAX_CHAT_BYTES`` the member is pointed to
``antq export`` instead. Zalo's bot platform cannot send files, so there the member is told
where exports are available.
"""

from __future__ import annotations

import io
from datetime import timedelta

from bot.channels import CHANNELS_WITHOUT_FILES
from bot.effect_context import EffectContext, EffectHandler
from bot.exports.compliance import FixedDeadline
from bot.exports.service import (
    EXPORT_MADE,
    ExportRequest,
    ExportSubject,
    file_name,
    write_export,
)
from bot.rows import same_session
from bot.workbooks import ExportTooLarge
from conversations.effects import Effect
from conversations.exports import ExportKind, MakeExport
from conversations.i18n import N_
from conversations.localtime import local_today
from conversations.policy import Action
from conversations.replies import Document

MAX_CHAT_ROWS = 20_000
MAX_CHAT_BYTES = 20 * 1024 * 1024  # Telegram takes up to 50 MB from bots; keep well below

SUBJECTS = {
    ExportKind.REPORTS_CURRENT: ExportSubject.REPORTS,
    ExportKind.REPORTS_PREVIOUS: ExportSubject.REPORTS,
    ExportKind.TIPS: ExportSubject.TIPS,
    ExportKind.ACTIVITIES: ExportSubject.ACTIVITIES,
    ExportKind.EVENTS: ExportSubject.EVENTS,
    ExportKind.YEAR: ExportSubject.YEAR,
}


async def make_export(ctx: EffectContext, effect: MakeExport) -> None:
    if ctx.message.channel in CHANNELS_WITHOUT_FILES:
        ctx.say(N_("export.no_files_here"))
        return
    refused = "export outside the member's places"
    places = [
        await ctx.place_where(Action.EXPORT, refused, path=path) for path in effect.place_paths
    ]
    today = local_today(ctx.now)
    request = ExportRequest(
        SUBJECTS[effect.kind],
        tuple(places),
        format=effect.format,
        locale=ctx.locale,
        periods=(effect.period,) if effect.period else (),
        date_from=today - timedelta(days=(effect.days or 1) - 1) if effect.days else None,
        date_to=today if effect.days else None,
    )
    target = io.BytesIO()
    try:
        result = await write_export(
            request,
            same_session(ctx.session),
            target,
            catalogues=ctx.catalogues,
            today=today,
            calendar=FixedDeadline(effect.deadline or today),
            targets=ctx.year.book,
            max_rows=MAX_CHAT_ROWS,
        )
    except ExportTooLarge:
        ctx.say(N_("export.too_large"), rows=MAX_CHAT_ROWS)
        return
    data = target.getvalue()
    if len(data) > MAX_CHAT_BYTES:
        ctx.say(N_("export.too_large"), rows=MAX_CHAT_ROWS)
        return
    for place in places:
        await ctx.audit(EXPORT_MADE, subject_kind="export", area_id=place.id)
    caption = ctx.text(N_("export.ready"), rows=result.rows)
    ctx.replies.append(Document(caption, file_name(request, result.extension), data))


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {MakeExport: make_export}
