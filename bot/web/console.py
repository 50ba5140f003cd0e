"""The officers' web console: its routes, sign-in by a one-time link, and what every page shares.

Every page loads the viewer from the session cookie in its own transaction (roles afresh, as the
chat loads them for every message), asks ``conversations.policy`` as the chat does, and answers
with the console's security headers. Forms carry the session's CSRF token; a form without it is
refused. Pages: ``bot.web.tip_pages``, ``bot.web.compliance_pages``,
``bot.web.broadcast_pages``, ``bot.web.export_pages``.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.places import load_grants
from bot.sealing import Sealer
from bot.web.auth import (
    SESSION_COOKIE,
    Keys,
    Viewer,
    digest,
    log_in,
    may_use_console,
    viewer_of,
)
from bot.web.limits import AttemptLimiter
from bot.web.rendering import LOCALE_COOKIE, STATIC, Pages, page_locale, secured
from conversations.calendar import ReportCalendar
from conversations.i18n import SUPPORTED_LOCALES, Catalogues
from conversations.localtime import utcnow
from storage.audit import record_audit
from storage.database import Database
from storage.web_sessions import end_session, login_link_member

WEB_LOGGED_IN = "console.login"
WEB_LOGGED_OUT = "console.logout"
LOGIN_CSRF_COOKIE = "antq_login"


@dataclass
class ConsoleOptions:
    """What the console is configured with (from the settings in ``bot.app``)."""

    session_lifetime: timedelta = timedelta(hours=8)
    report_calendar: ReportCalendar = field(default_factory=ReportCalendar)
    telegram_token: str | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    # Cookies only over HTTPS: the console's public address is https:// (behind a proxy the
    # request itself may arrive over plain HTTP).
    https_only: bool = False
    clock: Callable[[], datetime] = utcnow


Handler = Callable[[Request, AsyncSession, Viewer], Awaitable[Response]]


class WebConsole:
    """The console's shared pieces; the page modules add their routes to it."""

    def __init__(
        self,
        database: Database,
        sealer: Sealer,
        catalogues: Catalogues,
        options: ConsoleOptions | None = None,
        *,
        login_limiter: AttemptLimiter | None = None,
    ) -> None:
        self.database = database
        self.sealer = sealer
        self.catalogues = catalogues
        self.options = options or ConsoleOptions()
        self.keys = Keys(sealer)
        self.pages = Pages(catalogues)
        self.login_limiter = login_limiter or AttemptLimiter(clock=time.monotonic)

    def now(self) -> datetime:
        return self.options.clock()

    # -- responses ------------------------------------------------------------------------

    def locale_of(self, request: Request, viewer: Viewer | None = None) -> str:
        return page_locale(
            request.cookies.get(LOCALE_COOKIE), viewer.member.locale if viewer else None
        )

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

    # -- signed-in pages ------------------------------------------------------------------

    def signed_in(
        self, handler: Handler, *, form: bool = False
    ) -> Callable[..., Awaitable[Response]]:
        """``handler`` for a signed-in viewer, in one transaction; a form must carry the
        session's CSRF token (403 otherwise); nobody signed in is sent to the sign-in page."""

        async def endpoint(request: Request) -> Response:
            # The body is read (within bot.web.limits' bounds) before the transaction opens.
            data = await request.form() if form else None
            async with self.database.transaction() as session:
                viewer = await viewer_of(
                    session, self.keys, request.cookies.get(SESSION_COOKIE), now=self.now()
                )
                if viewer is None:
                    if form:
                        return self.message(request, None, "web.signed_out", status_code=403)
                    return secured(RedirectResponse("/web/signin", status_code=303))
                if data is not None:
                    if not self.keys.csrf_matches(viewer.session_token, _field(data, "csrf")):
                        return self.message(request, viewer, "web.csrf_refused", status_code=403)
                    request.state.form = data
                return await handler(request, session, viewer)

        return endpoint

    # -- signing in and out ---------------------------------------------------------------

    def secure(self, request: Request) -> bool:
        return self.options.https_only or request.url.scheme == "https"

    def _client(self, request: Request) -> str:
        return request.client.host if request.client else "?"

    async def signin(self, request: Request) -> Response:
        return self.page(request, "signin.html", None)

    async def login_link(self, request: Request) -> Response:
        """The link from the chat: a page with one button. Opening the link spends nothing
        (a chat app's link preview opens it too); the button does."""
        if not self.login_limiter.allow(self._client(request)):
            return self.message(request, None, "web.too_many", status_code=429)
        token = request.path_params["token"]
        async with self.database.transaction() as session:
            member_id = await login_link_member(session, digest(token), now=self.now())
            grants = await load_grants(session, member_id) if member_id is not None else ()
        if member_id is None or not may_use_console(grants):
            return self.message(request, None, "web.link_invalid", status_code=403)
        form_token = secrets.token_urlsafe(16)
        response = self.page(request, "login.html", None, token=token, login_csrf=form_token)
        response.set_cookie(
            LOGIN_CSRF_COOKIE,
            form_token,
            max_age=600,
            httponly=True,
            secure=self.secure(request),
            samesite="strict",
            path="/web/login",
        )
        return response

    async def login(self, request: Request) -> Response:
        if not self.login_limiter.allow(self._client(request)):
            return self.message(request, None, "web.too_many", status_code=429)
        data = await request.form()
        sent = _field(data, "login_csrf")
        if not sent or not secrets.compare_digest(sent, request.cookies.get(LOGIN_CSRF_COOKIE, "")):
            return self.message(request, None, "web.csrf_refused", status_code=403)
        now = self.now()
        async with self.database.transaction() as session:
            started = await log_in(
                session,
                _field(data, "token") or "",
                now=now,
                lifetime=self.options.session_lifetime,
            )
            if started is not None:
                await record_audit(session, WEB_LOGGED_IN, actor_member_id=started[1], at=now)
        if started is None:
            return self.message(request, None, "web.link_invalid", status_code=403)
        response = secured(RedirectResponse("/web/tips", status_code=303))
        response.set_cookie(
            SESSION_COOKIE,
            self.keys.signed(started[0]),
            max_age=int(self.options.session_lifetime.total_seconds()),
            httponly=True,
            secure=self.secure(request),
            samesite="lax",
            path="/web",
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/web/login")
        return response

    async def logout(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        now = self.now()
        await end_session(session, digest(viewer.session_token), now=now)
        await record_audit(session, WEB_LOGGED_OUT, actor_member_id=viewer.member.id, at=now)
        response = self.message(request, None, "web.logged_out", status_code=200)
        response.delete_cookie(SESSION_COOKIE, path="/web")
        return response

    async def language(self, request: Request) -> Response:
        locale = request.path_params["locale"]
        back = request.query_params.get("next", "")
        # Only a page of the console: never another site (an open redirect).
        if not back.startswith("/web/") or back.startswith("//") or "\\" in back:
            back = "/web/tips"
        response = secured(RedirectResponse(back, status_code=303))
        if locale in SUPPORTED_LOCALES:
            response.set_cookie(
                LOCALE_COOKIE, locale, max_age=365 * 86400, samesite="lax", path="/web"
            )
        return response

    async def home(self, request: Request) -> Response:
        return secured(RedirectResponse("/web/tips", status_code=303))

    async def stylesheet(self, request: Request) -> Response:
        response = FileResponse(STATIC / "console.css", media_type="text/css")
        return secured(response, private=False)

    def routes(self) -> list[BaseRoute]:
        # Imported here: the page modules build on this class.
        from bot.web.broadcast_pages import broadcast_routes
        from bot.web.compliance_pages import compliance_routes
        from bot.web.export_pages import export_routes
        from bot.web.tip_pages import tip_routes

        return [
            Route("/web", self.home, methods=["GET"]),
            Route("/web/signin", self.signin, methods=["GET"]),
            Route("/web/login/{token}", self.login_link, methods=["GET"]),
            Route("/web/login", self.login, methods=["POST"]),
            Route("/web/logout", self.signed_in(self.logout, form=True), methods=["POST"]),
            Route("/web/lang/{locale}", self.language, methods=["GET"]),
            Route("/web/static/console.css", self.stylesheet, methods=["GET"]),
            *tip_routes(self),
            *compliance_routes(self),
            *broadcast_routes(self),
            *export_routes(self),
        ]


def _field(data: FormData, name: str) -> str | None:
    value = data.get(name)
    return value if isinstance(value, str) else None


def form_text(request: Request, name: str) -> str:
    """A text field of the form ``signed_in`` read and checked."""
    return _field(request.state.form, name) or ""
