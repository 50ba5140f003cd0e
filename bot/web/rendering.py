"""Pages of the console: Jinja2 templates filled in the viewer's language, and the headers
every page carries (no framing, no referrer, a strict content policy: no script at all)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse, Response

from conversations.fields import format_tip_code
from conversations.i18n import DEFAULT_LOCALE, N_, SUPPORTED_LOCALES, Catalogues, shown_number
from conversations.localtime import shown
from conversations.web import LOGIN_LINK_MINUTES

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"

LOCALE_COOKIE = "antq_lang"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
# Tips, their files and exports must not stay in a shared office PC's cache.
NO_STORE = {"Cache-Control": "no-store"}


def secured(response: Response, *, private: bool = True) -> Response:
    """``response`` with the console's headers (``private``: never cached)."""
    response.headers.update(SECURITY_HEADERS)
    if private:
        response.headers.update(NO_STORE)
    return response


def page_locale(cookie: str | None, member_locale: str | None) -> str:
    """The language of a page: the one chosen in the console, else the member's, else Vietnamese."""
    for locale in (cookie, member_locale):
        if locale in SUPPORTED_LOCALES:
            return str(locale)
    return DEFAULT_LOCALE


class Pages:
    """The templates, filled with the catalogues' texts in one language per page."""

    def __init__(self, catalogues: Catalogues) -> None:
        self.catalogues = catalogues
        self.environment = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(("html", "svg")),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.filters["when"] = _when
        self.environment.filters["tipcode"] = format_tip_code
        # How long a sign-in link works, which the sign-in texts say ({minutes}).
        self.environment.globals["login_minutes"] = LOGIN_LINK_MINUTES

    def render(
        self, name: str, locale: str, *, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        def t(key: str, **params: object) -> str:
            return self.catalogues.text(locale, key, **params)

        def number(value: int) -> str:
            return shown_number(value, locale)

        html = self.environment.get_template(name).render(
            t=t, number=number, locale=locale, **context
        )
        return HTMLResponse(html, status_code=status_code)


def _when(moment: datetime | None) -> str:
    """Vietnam's wall time on the 24-hour clock: 14:05 23/11/2026."""
    return shown(moment) if moment is not None else "–"


# Keys the templates build from a value ("web.file." + kind); named here so that the
# catalogue test finds them (the templates' literal ``t("...")`` keys are extracted too).
BUILT_KEYS = (
    N_("web.file.photo"),
    N_("web.file.video"),
    N_("web.file.voice"),
    N_("web.file.document"),
    N_("web.filter.age.1d"),
    N_("web.filter.age.2d"),
    N_("web.filter.age.7d"),
    N_("web.broadcast.status.draft"),
    N_("web.broadcast.status.scheduled"),
    N_("web.broadcast.status.queueing"),
    N_("web.broadcast.status.sending"),
    N_("web.broadcast.status.done"),
    N_("web.broadcast.status.cancelled"),
    N_("web.exports.subject.reports"),
    N_("web.exports.subject.tips"),
    N_("web.exports.subject.activities"),
    N_("web.exports.subject.events"),
    N_("web.exports.subject.year"),
    # Pages that only say one thing (``ConsoleKit.message``).
    N_("web.not_found"),
    N_("web.bad_request"),
    N_("web.link_invalid"),
    N_("web.too_many"),
    N_("web.csrf_refused"),
    N_("web.signed_out"),
    N_("web.logged_out"),
)
