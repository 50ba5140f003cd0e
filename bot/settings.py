"""Every setting is an ``ANTQ_*`` environment variable (an optional ``.env`` file is read too).

Secrets (bot tokens, the server key that seals tipsters' reply routes) come from the
environment only and are kept as ``SecretStr`` so they never show up in a log or a repr.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.inbound_limits import InboundLimit
from conversations.calendar import ReportCalendar
from conversations.privacy import PrivacyTerms
from storage.database import DEFAULT_SQLITE_URL


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
    tip_escalate_hours: int = Field(
        24, ge=1, le=168, description="hours after which an unacknowledged tip goes to the admins"
    )
    # Retention (bot/privacy/retention.py erases what is past its period every morning; a
    # draft's own lifetime is ANTQ_DRAFT_TTL_HOURS above).
    retention_processed_updates_days: int = Field(
        7,
        ge=1,
        le=365,
        description="days a platform delivery is remembered against duplicates"
        " (platforms redeliver within a day)",
    )
    retention_outbox_days: int = Field(
        45,
        ge=31,
        le=3650,
        description="days a sent, failed or cancelled outbox message is kept (for questions"
        " and /metrics); at least a month, so that no monthly rule sends anything twice",
    )
    retention_tip_phones_days: int = Field(
        90,
        ge=0,
        le=3650,
        description="days a closed tip keeps the contact phone its sender left",
    )
    retention_tip_routes_days: int = Field(
        90,
        ge=0,
        le=3650,
        description="days a closed tip keeps the sealed route to its sender",
    )
    retention_audit_days: int = Field(
        1825,
        ge=365,
        le=7300,
        description="days an audit entry is kept (5 years: inspections and complaints)",
    )
    retention_inactive_members_days: int = Field(
        1095,
        ge=365,
        le=7300,
        description="days without a message after which a member holding no role is due"
        " for erasure (3 years)",
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
    webhook_base_url: str | None = None
    webhook_secret: SecretStr | None = None
    web_host: str = Field("0.0.0.0", description="address the webhook server listens on")
    web_port: int = Field(8080, description="port the webhook server listens on")
    web_max_body_bytes: int = Field(
        1_000_000, gt=0, description="largest request body the web server reads (413 beyond)"
    )

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
        )

    @property
    def privacy_terms(self) -> PrivacyTerms:
        return PrivacyTerms(controller=self.data_controller)

    @property
    def tip_escalate_after(self) -> timedelta:
        return timedelta(hours=self.tip_escalate_hours)

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
