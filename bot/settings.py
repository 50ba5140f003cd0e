"""Every setting is an ``ANTQ_*`` environment variable (an optional ``.env`` file is read too).

Secrets (bot tokens, the server key that seals tipsters' reply routes) come from the
environment only and are kept as ``SecretStr`` so they never show up in a log or a repr.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.inbound_limits import InboundLimit
from conversations.calendar import ReportCalendar
from conversations.commendation_forms import BadForms, use_forms_file
from conversations.privacy import PrivacyTerms
from conversations.targets import (
    TargetBook,
    YearCalendar,
    month_day,
    parse_overrides,
    target_book,
)
from storage.database import DEFAULT_SQLITE_URL


def retention_days(default: int, least: int, most: int, what: str) -> Any:
    """A retention period: whole days within [``least``, ``most``], described as "days
    ``what``" (bot/privacy/retention.py reads them)."""
    return Field(default, ge=least, le=most, description=f"days {what}")


@dataclass(frozen=True)
class ZaloOaSettings:
    """What the Zalo OA channel needs, all given (``Settings.zalo_oa``)."""

    app_id: str
    app_secret: str = field(repr=False)
    secret_key: str = field(repr=False)
    oa_id: str
    api_url: str
    oauth_url: str


class Settings(BaseSettings):
    """The bot's configuration."""

    # env_ignore_empty: "ANTQ_TELEGRAM_TOKEN=" in an env file means "not set", not an empty token.
    model_config = SettingsConfigDict(
        env_prefix="ANTQ_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    database_url: str = Field(DEFAULT_SQLITE_URL, description="SQLAlchemy URL of the database")
    data_dir: Path = Field(Path("data"), description="where local files (SQLite, dev key) live")
    secret_key: SecretStr | None = Field(
        None,
        description="base64 32-byte key sealing tipsters' reply routes; required on PostgreSQL",
    )
    draft_ttl_hours: float = Field(24, gt=0, description="hours after which a draft expires")
    reply_max_age_hours: float = Field(
        24, gt=0, description="hours after which an unsent reply is dropped, not sent late"
    )
    report_deadline_day: int = Field(
        5, ge=1, le=28, description="day of the following month a monthly update is due by"
    )
    report_deadlines: str = Field(
        "",
        pattern=r"^\s*([0-9A-Za-z-]+\s*=\s*[0-9]{1,2}\s*(,\s*|$))*$",
        description="per-province due days as CODE=DAY, comma separated (e.g. 40=10,01=3)",
    )
    report_previous_month_days: int = Field(
        10, ge=0, le=28, description="first days of a month in which leaders file last month"
    )
    report_correction_hours: int = Field(
        72,
        ge=0,
        le=720,
        description="hours after filing in which a monthly update may be corrected, even late",
    )
    targets: str = Field(
        "",
        description="provinces' own target thresholds: 40:propaganda=0.85,recognised=0.75;01:…",
    )
    targets_file: Path | None = Field(
        None, description="a TOML file of provinces' thresholds ([40] then propaganda = 0.85)"
    )
    commendation_forms_file: Path | None = Field(
        None,
        description="a JSON file of provinces' own forms of commendation, shaped like"
        " conversations/commendations/forms.json (its lists replace the shipped ones)",
    )
    standard_registration_deadline: str = Field(
        "03-31", description="MM-DD: areas register for the 'An toàn về ANTT' standard by then"
    )
    area_grades_deadline: str = Field("11-20", description="MM-DD: residential areas graded by")
    commune_grades_deadline: str = Field("11-30", description="MM-DD: communes graded by")
    half_year_report_deadline: str = Field("06-14", description="MM-DD: the 6-month report")
    year_report_deadline: str = Field("12-14", description="MM-DD: the yearly report")
    year_report_recipients: str = Field(
        "",
        description="'Nơi nhận' of the 6-month and yearly report drafts, separated by ';'"
        " (default: the steering committee of the level above)",
    )
    tip_escalate_hours: int = Field(
        24, ge=1, le=168, description="hours after which an unacknowledged tip goes to the admins"
    )
    thread_messages_per_hour: int = Field(
        10, ge=1, le=200, description="messages each side of a tip's thread may write per hour"
    )
    opinion_answer_days: int = Field(
        7, ge=1, le=90, description="days after which an unanswered opinion is reminded daily"
    )
    # One person, several accounts (conversations.linking).
    link_code_minutes: int = Field(
        10, ge=1, le=60, description="minutes a code for linking a second account stays valid"
    )
    # Retention (bot/privacy/retention.py erases what is past its period every morning; a
    # draft's own lifetime is ANTQ_DRAFT_TTL_HOURS above).
    retention_processed_updates_days: int = retention_days(
        7,
        1,
        365,
        "a platform delivery is remembered against duplicates (platforms redeliver within a day)",
    )
    retention_outbox_days: int = retention_days(
        45,
        31,
        3650,
        "a sent, failed or cancelled outbox message is kept (for questions and"
        " /metrics); at least a month, so that no monthly rule sends anything twice",
    )
    retention_tip_phones_days: int = retention_days(
        90, 0, 3650, "a closed tip keeps the contact phone its sender left"
    )
    retention_tip_routes_days: int = retention_days(
        90, 0, 3650, "a closed tip keeps the sealed route to its sender"
    )
    retention_audit_days: int = retention_days(
        1825, 365, 7300, "an audit entry is kept (5 years: inspections and complaints)"
    )
    retention_commended_persons_days: int = retention_days(
        1825,
        365,
        7300,
        "a decided commendation keeps the name and role of a person who is not a member",
    )
    retention_survey_responses_days: int = retention_days(
        365,
        0,
        3650,
        "a closed survey keeps its answers (and a named survey who gave each), then they go",
    )
    retention_inactive_members_days: int = retention_days(
        1095,
        365,
        7300,
        "without a message after which a member holding no role is due for erasure (3 years)",
    )
    data_controller: str = Field(
        PrivacyTerms().controller,
        min_length=3,
        max_length=200,
        description="the unit responsible for the personal data, named in the privacy notice",
    )
    log_level: str = Field(
        "WARNING", description="INFO on a server; a console chat logs to ANTQ_DATA_DIR/antq.log"
    )

    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_bot_username: str | None = Field(
        None, description="the bot's @username, for invitation deep links (t.me/<bot>?start=)"
    )
    zalo_token: SecretStr | None = None
    zalo_base_url: str = "https://bot-api.zaloplatforms.com"
    # The Zalo Official Account (webhook at <base>/zalo-oa; tokens by `antq zalo-oa connect`).
    zalo_oa_app_id: str | None = Field(None, description="the Zalo app's id (developers.zalo.me)")
    zalo_oa_app_secret: SecretStr | None = Field(None, description="the Zalo app's secret key")
    zalo_oa_secret_key: SecretStr | None = Field(
        None, description="the OA Secret Key from the app's Webhook page (signs the webhook)"
    )
    zalo_oa_id: str | None = Field(None, description="the Official Account's id")
    zalo_oa_api_url: str = "https://openapi.zalo.me"
    zalo_oa_oauth_url: str = "https://oauth.zaloapp.com"
    # -- Zalo OA in service (issue 31) --
    zalo_oa_refresh_token_warn_days: int = Field(
        21,
        ge=1,
        le=80,
        description="days before the OA's refresh token would lapse that /healthz and "
        "`antq zalo-oa status` warn",
    )
    zalo_oa_paid_messages: bool = Field(
        False,
        description="let the OA outbox send outside the free reply window (48 h) as paid "
        "messages: needs a verified OA with credit",
    )
    zalo_oa_officer_pause_minutes: int = Field(
        30,
        ge=0,
        description="minutes the bot leaves a user to an officer who wrote to them from the "
        "OA's own manager (no automated reply meanwhile)",
    )
    webhook_base_url: str | None = None
    webhook_secret: SecretStr | None = None
    web_host: str = Field("0.0.0.0", description="address the webhook server listens on")
    web_port: int = Field(8080, description="port the webhook server listens on")
    web_max_body_bytes: int = Field(
        1_000_000, gt=0, description="largest request body the web server reads (413 beyond)"
    )
    web_base_url: str | None = Field(
        None,
        description="public HTTPS address of the officers' web console, for /web login links"
        " (default http://127.0.0.1:<web_port>)",
    )
    web_session_hours: float = Field(
        8, gt=0, le=24 * 7, description="hours a web console session lasts after logging in"
    )
    # Behind a reverse proxy (deploy/README.md, "Put HTTPS in front"; bot/web/headers.py).
    trusted_proxies: str = Field(
        "127.0.0.1",
        description="addresses or networks (comma separated) whose X-Forwarded-For and"
        " X-Forwarded-Proto are believed: only a proxy that sets them itself; empty: nobody",
    )

    @property
    def zalo_oa(self) -> ZaloOaSettings | None:
        """The OA's settings when all four are set, else None (the channel is off)."""
        if not (
            self.zalo_oa_app_id
            and self.zalo_oa_app_secret
            and self.zalo_oa_secret_key
            and self.zalo_oa_id
        ):
            return None
        return ZaloOaSettings(
            app_id=self.zalo_oa_app_id,
            app_secret=self.zalo_oa_app_secret.get_secret_value(),
            secret_key=self.zalo_oa_secret_key.get_secret_value(),
            oa_id=self.zalo_oa_id,
            api_url=self.zalo_oa_api_url,
            oauth_url=self.zalo_oa_oauth_url,
        )

    @field_validator("targets")
    @classmethod
    def _known_targets(cls, value: str) -> str:
        parse_overrides(value)  # a wrong threshold is refused at start, with its reason
        return value

    def model_post_init(self, context: Any) -> None:
        # The provinces' own forms of commendation are in force wherever the settings are
        # read (the bot, every command); a bad file is refused at start, with its reason.
        try:
            use_forms_file(self.commendation_forms_file)
        except BadForms as error:
            raise ValueError(f"commendation_forms_file: {error}") from None

    @field_validator(
        "standard_registration_deadline",
        "area_grades_deadline",
        "commune_grades_deadline",
        "half_year_report_deadline",
        "year_report_deadline",
    )
    @classmethod
    def _day_of_year(cls, value: str) -> str:
        month_day(value)
        return value

    # Several processes, one bot (bot/delivery, bot/processor.py).
    worker_id: str | None = Field(
        None,
        max_length=64,
        description="this process's stable name among the bot's processes (default: the host"
        " name; give each process on one host its own): restarted, it takes back at once the"
        " outbox messages it had claimed and not sent",
    )
    inbound_limit_messages: int = Field(
        20, ge=1, description="messages one user may send in ANTQ_INBOUND_LIMIT_SECONDS"
    )
    inbound_limit_seconds: float = Field(
        10, gt=0, description="the window of the per-user inbound limit"
    )
    inbound_cooldown_seconds: float = Field(
        30, gt=0, description="how long a user past the inbound limit is not read (one notice)"
    )
    chat_burst: int = Field(
        3,
        ge=1,
        le=10,
        description="messages the bot may send one Telegram chat at once before spacing them"
        " a second apart (Telegram allows short bursts): a two-message answer arrives whole",
    )

    # Numbers to watch and logs to collect (bot/observability; deploy/README.md).
    metrics_port: int | None = Field(
        None,
        ge=0,
        le=65535,
        description="port of this process's /metrics (Prometheus text format); unset: none",
    )
    metrics_host: str = Field(
        "127.0.0.1",
        description="address /metrics listens on; any but a loopback one needs ANTQ_METRICS_TOKEN",
    )
    metrics_token: SecretStr | None = Field(
        None, description="when set, a scrape of /metrics must send Authorization: Bearer <it>"
    )
    log_format: Literal["text", "json"] = Field(
        "text", description="json: one JSON object a line (journald, log collectors)"
    )

    @property
    def webhook_mode(self) -> bool:
        return bool(self.webhook_base_url and self.webhook_secret)

    @property
    def report_calendar(self) -> ReportCalendar:
        days = {}
        for item in self.report_deadlines.split(","):
            if item.strip():
                code, _, day = item.partition("=")
                days[code.strip()] = int(day)
        return ReportCalendar(
            deadline_day=self.report_deadline_day,
            province_deadline_days=days,
            previous_month_days=self.report_previous_month_days,
            correction_hours=self.report_correction_hours,
        )

    @property
    def report_recipients(self) -> tuple[str, ...]:
        """The report drafts' recipients as the setting names them, in its order."""
        return tuple(
            name.strip().rstrip(";.")
            for name in self.year_report_recipients.split(";")
            if name.strip()
        )

    @property
    def target_book(self) -> TargetBook:
        return target_book(self.targets, self.targets_file)

    @property
    def year_calendar(self) -> YearCalendar:
        return YearCalendar(
            registration=month_day(self.standard_registration_deadline),
            area_grades=month_day(self.area_grades_deadline),
            commune_grades=month_day(self.commune_grades_deadline),
            half_year_report=month_day(self.half_year_report_deadline),
            year_report=month_day(self.year_report_deadline),
        )

    @property
    def privacy_terms(self) -> PrivacyTerms:
        return PrivacyTerms(
            controller=self.data_controller,
            inactive_days=self.retention_inactive_members_days,
            phone_days=self.retention_tip_phones_days,
            route_days=self.retention_tip_routes_days,
        )

    @property
    def tip_escalate_after(self) -> timedelta:
        return timedelta(hours=self.tip_escalate_hours)

    @property
    def web_console_url(self) -> str:
        """Where login links point: ``ANTQ_WEB_BASE_URL``, or this machine's web port."""
        return (self.web_base_url or f"http://127.0.0.1:{self.web_port}").rstrip("/")

    @property
    def draft_ttl(self) -> timedelta:
        return timedelta(hours=self.draft_ttl_hours)

    @property
    def inbound_limit(self) -> InboundLimit:
        return InboundLimit(
            self.inbound_limit_messages, self.inbound_limit_seconds, self.inbound_cooldown_seconds
        )

    @property
    def reply_max_age(self) -> timedelta:
        return timedelta(hours=self.reply_max_age_hours)
