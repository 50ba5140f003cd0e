"""What every page of the officers' console shares: its configuration, the viewer's language,
rendering a page, and running a handler for a signed-in viewer.

A leaf of ``bot.web``: the page modules (``bot.web.pages.*``, ``bot.web.signin``) build on it,
and ``bot.web.console`` composes them; the kit imports none of them.

Every page loads the viewer from the session cookie in its own transaction (roles afresh, as
the chat loads them for every message) and answers with the console's security headers. Forms
carry the session's CSRF token; a form without it is refused.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.sealing import Sealer
from bot.targets import YearSettings
from bot.web.acting import perform
from bot.web.auth import SESSION_COOKIE, Keys, Viewer, viewer_of
from bot.web.rendering import LOCALE_COOKIE, Pages, page_locale, secured
from conversations.calendar import ReportCalendar
from conversations.effects import Effect
from conversations.i18n import Catalogues
from conversations.linking import DEFAULT_LINK_CODE_MINUTES
from conversations.localtime import utcnow
from storage.database import Database
from storage.web_sessions import end_member_sessions


@dataclass
class ConsoleOptions:
    """What the console is configured with (from the settings in ``bot.app``)."""

    session_lifetime: timedelta = timedelta(hours=8)
    report_calendar: ReportCalendar = field(default_factory=ReportCalendar)
    # The plan's targets and the movement's yearly deadlines (the movement's year, its export).
    year: YearSettings = field(default_factory=YearSettings)
    telegram_token: str | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    # Cookies only over HTTPS: the console's public address is https:// (behind a proxy the
    # request itself may arrive over plain HTTP).
    https_only: bool = False
    clock: Callable[[], datetime] = utcnow
    # How long a link code the console shows works (``ANTQ_LINK_CODE_MINUTES``, as in chat).
    link_code_minutes: int = DEFAULT_LINK_CODE_MINUTES


Handler = Callable[[Request, AsyncSession, Viewer], Awaitable[Response]]

# The largest id a row has: the tables' ids are PostgreSQL ``integer``s. A number past it in a
# link names no row (and a query with it would fail), as a page past it is no page.
MAX_ROW_ID = 2**31 - 1
# Characters no page of the console puts in a link or a form: a NUL (PostgreSQL refuses it in
# text) and the other control characters but tab and line breaks.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ConsoleKit:
    """The pieces a page module is built on: the database, the server key's uses, the
    catalogues and templates, the options; and the responses every page gives alike."""

    def __init__(
        self,
        database: Database,
        sealer: Sealer,
        catalogues: Catalogues,
        options: ConsoleOptions | None = None,
    ) -> None:
        self.database = database
        self.sealer = sealer
        self.catalogues = catalogues
        self.options = options or ConsoleOptions()
        self.keys = Keys(sealer)
        self.pages = Pages(catalogues)

    def now(self) -> datetime:
        return self.options.clock()

    async def perform(self, session: AsyncSession, viewer: Viewer, effect: Effect) -> list[str]:
        """Perform ``effect`` as the chat would for the viewer (``bot.web.acting``), in the
        page's transaction; what its handler said."""
        return await perform(
            session,
            viewer.member,
            effect,
            now=self.now(),
            sealer=self.sealer,
            catalogues=self.catalogues,
            year=self.options.year,
        )

    # -- responses ------------------------------------------------------------------------

    def locale_of(self, request: Request, viewer: Viewer | None = None) -> str:
        return page_locale(
            request.cookies.get(LOCALE_COOKIE), viewer.member.locale if viewer else None
        )

    def text(self, request: Request, viewer: Viewer | None, key: str, **params: object) -> str:
        """The catalogue's text ``key`` in the page's language."""
        return self.catalogues.text(self.locale_of(request, viewer), key, **params)

    def page(
        self,
        request: Request,
        template: str,
        viewer: Viewer | None,
        *,
        status_code: int = 200,
        **context: Any,
    ) -> Response:
        locale = self.locale_of(request, viewer)
        response = self.pages.render(
            template,
            locale,
            status_code=status_code,
            viewer=viewer,
            csrf=viewer.csrf if viewer else "",
            path=request.url.path,
            **context,
        )
        return secured(response)

    def message(
        self, request: Request, viewer: Viewer | None, key: str, *, status_code: int
    ) -> Response:
        """A page that only says ``key`` (not found, refused, used link ...)."""
        return self.page(request, "message.html", viewer, status_code=status_code, said=key)

    def not_found(self, request: Request, viewer: Viewer | None) -> Response:
        return self.message(request, viewer, "web.not_found", status_code=404)

    def bad_request(self, request: Request) -> Response:
        """What a request no page of the console made gets (see ``malformed``)."""
        return self.message(request, None, "web.bad_request", status_code=400)

    # -- signed-in pages ------------------------------------------------------------------

    def signed_in(
        self, handler: Handler, *, form: bool = False, reads: bool = False
    ) -> Callable[..., Awaitable[Response]]:
        """``handler`` for a signed-in viewer, in one transaction; a form must carry the
        session's CSRF token (403 otherwise); nobody signed in is sent to the sign-in page.

        ``reads``: the page writes nothing (no audit, no change), so it runs in a read
        transaction (``Database.reading``) that does not wait for the bot's writer."""
        if reads and form:
            raise ValueError("a form writes: it cannot run in a read transaction")

        async def endpoint(request: Request) -> Response:
            # The body is read (within bot.web.limits' bounds) before the transaction opens.
            data = await request.form() if form else None
            if malformed(request, data):
                return self.bad_request(request)
            if reads:
                return await self._reading(request, handler)
            async with self.database.transaction() as session:
                viewer = await viewer_of(
                    session, self.keys, request.cookies.get(SESSION_COOKIE), now=self.now()
                )
                if viewer is None:
                    if form:
                        return self.message(request, None, "web.signed_out", status_code=403)
                    return secured(RedirectResponse("/web/signin", status_code=303))
                if data is not None:
                    if not self.keys.csrf_matches(viewer.session_token, form_field(data, "csrf")):
                        return self.message(request, viewer, "web.csrf_refused", status_code=403)
                    request.state.form = data
                return await handler(request, session, viewer)

        return endpoint

    async def _reading(self, request: Request, handler: Handler) -> Response:
        """``signed_in`` for a page that only reads."""
        revoked: list[int] = []
        async with self.database.reading() as session:
            viewer = await viewer_of(
                session,
                self.keys,
                request.cookies.get(SESSION_COOKIE),
                now=self.now(),
                revoked=revoked,
            )
            if viewer is not None:
                return await handler(request, session, viewer)
        for member_id in revoked:  # roles revoked: every session of the member ends
            async with self.database.transaction() as session:
                await end_member_sessions(session, member_id, now=self.now())
        return secured(RedirectResponse("/web/signin", status_code=303))


def malformed(request: Request, data: FormData | None = None) -> bool:
    """Whether the request's link or form carries a character no page of the console would
    put there (``_CONTROLS``): such a request is refused before anything reads it."""
    values = [value for _, value in request.query_params.multi_items()]
    values += [str(value) for value in request.path_params.values()]
    if data is not None:
        values += [value for _, value in data.multi_items() if isinstance(value, str)]
    return any(_CONTROLS.search(value) for value in values)


def row_id(text: str) -> int | None:
    """The id of a row named in a link ("42"), or None when ``text`` can name none."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ROW_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ROW_ID else None


def form_field(data: FormData, name: str) -> str | None:
    value = data.get(name)
    return value if isinstance(value, str) else None


def form_text(request: Request, name: str) -> str:
    """A text field of the form ``signed_in`` read and checked."""
    return form_field(request.state.form, name) or ""
