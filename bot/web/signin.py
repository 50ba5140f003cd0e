"""Signing in to the console by the one-time link from the chat, signing out, and what a
visitor may open before signing in (the sign-in page, the language switch, the stylesheet)."""

from __future__ import annotations

import secrets

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.observability import metrics
from bot.places import load_grants
from bot.web.auth import SESSION_COOKIE, Viewer, digest, log_in, may_use_console, same_secret
from bot.web.kit import ConsoleKit, form_field, malformed
from bot.web.limits import AttemptLimiter
from bot.web.rendering import LOCALE_COOKIE, STATIC, secured
from conversations.i18n import SUPPORTED_LOCALES
from storage.audit import record_audit
from storage.web_sessions import end_session, login_link_member

WEB_LOGGED_IN = "console.login"
WEB_LOGGED_OUT = "console.logout"
LOGIN_CSRF_COOKIE = "antq_login"


def signin_routes(kit: ConsoleKit, login_limiter: AttemptLimiter) -> list[BaseRoute]:
    pages = SigninPages(kit, login_limiter)
    return [
        Route("/web", pages.home, methods=["GET"]),
        Route("/web/", pages.home, methods=["GET"]),
        Route("/web/signin", pages.signin, methods=["GET"]),
        Route("/web/login/{token}", pages.login_link, methods=["GET"]),
        Route("/web/login", pages.login, methods=["POST"]),
        Route("/web/logout", kit.signed_in(pages.logout, form=True), methods=["POST"]),
        Route("/web/lang/{locale}", pages.language, methods=["GET"]),
        Route("/web/static/console.css", pages.stylesheet, methods=["GET"]),
    ]


class SigninPages:
    def __init__(self, kit: ConsoleKit, login_limiter: AttemptLimiter) -> None:
        self.kit = kit
        self.login_limiter = login_limiter

    def secure(self, request: Request) -> bool:
        return self.kit.options.https_only or request.url.scheme == "https"

    def _client(self, request: Request) -> str:
        # The forwarded address when a trusted proxy sent the request (bot.web.app).
        return request.client.host if request.client else "?"

    async def signin(self, request: Request) -> Response:
        return self.kit.page(request, "signin.html", None)

    async def login_link(self, request: Request) -> Response:
        """The link from the chat: a page with one button. Opening the link spends nothing
        (a chat app's link preview opens it too); the button does."""
        kit = self.kit
        client = self._client(request)
        if await self.login_limiter.blocked(client):
            return kit.message(request, None, "web.too_many", status_code=429)
        if malformed(request):
            return kit.bad_request(request)
        token = request.path_params["token"]
        async with kit.database.transaction() as session:
            member_id = await login_link_member(session, digest(token), now=kit.now())
            grants = await load_grants(session, member_id) if member_id is not None else ()
        if member_id is None or not may_use_console(grants):
            await self.login_limiter.failed(client)
            return kit.message(request, None, "web.link_invalid", status_code=403)
        form_token = secrets.token_urlsafe(16)
        response = kit.page(request, "login.html", None, token=token, login_csrf=form_token)
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
        kit = self.kit
        client = self._client(request)
        if await self.login_limiter.blocked(client):
            return kit.message(request, None, "web.too_many", status_code=429)
        data = await request.form()
        if malformed(request, data):
            return kit.bad_request(request)
        sent = form_field(data, "login_csrf")
        if not sent or not same_secret(sent, request.cookies.get(LOGIN_CSRF_COOKIE, "")):
            return kit.message(request, None, "web.csrf_refused", status_code=403)
        now = kit.now()
        lifetime = kit.options.session_lifetime
        async with kit.database.transaction() as session:
            token = form_field(data, "token") or ""
            started = await log_in(session, token, now=now, lifetime=lifetime)
            if started is not None:
                await record_audit(session, WEB_LOGGED_IN, actor_member_id=started[1], at=now)
        metrics.web_signin("failure" if started is None else "success")
        if started is None:
            await self.login_limiter.failed(client)
            return kit.message(request, None, "web.link_invalid", status_code=403)
        response = secured(RedirectResponse("/web/tips", status_code=303))
        response.set_cookie(
            SESSION_COOKIE,
            kit.keys.signed(started[0]),
            max_age=int(lifetime.total_seconds()),
            httponly=True,
            secure=self.secure(request),
            samesite="lax",
            path="/web",
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/web/login")
        return response

    async def logout(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        now = self.kit.now()
        await end_session(session, digest(viewer.session_token), now=now)
        await record_audit(session, WEB_LOGGED_OUT, actor_member_id=viewer.member.id, at=now)
        response = self.kit.message(request, None, "web.logged_out", status_code=200)
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
